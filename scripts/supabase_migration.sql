-- sel4bridge telemetry: the Supabase (PostgreSQL 15+) tables, views and grants that hold benchmark
-- runs uploaded by scripts/telemetry.py. Idempotent: applying it again changes nothing.
--
-- Apply in the Supabase SQL editor, or:  psql -v ON_ERROR_STOP=1 -f scripts/supabase_migration.sql
--
-- Model (one results document of the harness = one run):
--   bench_runs               one row per run, keyed by the run_id the harness made
--   bench_task_results       one row per task variant: the bridge's statistics, its raw baseline's,
--                            the overhead ratio, the target and whether it was met
--   bench_linux_baselines    the Linux mechanisms measured beside the tasks (host model only)
--   bench_histogram_buckets  HDR-style buckets of every measured series
--   bench_outliers           the outlying samples of every series, with their sample index
-- A series is named `<task>/<variant>/<params_key>/bridge`, `…/baseline`, or
-- `linux/<related_task>/<name>/<params_key>`; params_key is the task's params as compact JSON with sorted keys.
-- Every key below is a full unique constraint (the primary key), so PostgREST's on_conflict can
-- target it and a repeated upload is an upsert.
--
-- Visibility: a run is `complete` once the uploader has delivered all of its rows (it sends the
-- run row first without `complete`, then the children, then the run row again with
-- complete = true). anon and authenticated read complete runs only; they never write.

begin;

-- Runs -------------------------------------------------------------------------------------------

create table if not exists public.bench_runs (
  run_id          uuid primary key,
  schema_version  integer not null check (schema_version >= 1),
  started_at      timestamptz not null,
  finished_at     timestamptz,
  kernel          text not null check (kernel in ('sim', 'sel4')),
  arch            text not null check (arch ~ '^[A-Za-z0-9_.-]{1,32}$'),
  platform        text not null check (platform ~ '^[A-Za-z0-9_.-]{1,64}$'),
  cpu             text not null check (length(cpu) <= 256),
  cpu_count       integer check (cpu_count >= 1),
  timer_hz        bigint not null check (timer_hz > 0),
  git_commit      text not null check (git_commit ~ '^([0-9a-f]{7,64}|unknown)$'),
  git_dirty       boolean,
  kernel_config   jsonb not null check (jsonb_typeof(kernel_config) = 'object'),
  address_spaces  text not null check (address_spaces in ('shared', 'separate')),
  mode            text not null check (mode in ('quick', 'full', 'custom')),
  quick           boolean not null,
  emulation       jsonb check (emulation is null or jsonb_typeof(emulation) = 'object'),
  pinning         jsonb check (pinning is null or jsonb_typeof(pinning) = 'object'),
  measurement     jsonb not null check (jsonb_typeof(measurement) = 'object'),
  correctness_ok  boolean not null,
  harness         jsonb check (harness is null or jsonb_typeof(harness) = 'object'),
  -- Properties of the results document that have no column (newer schema versions).
  extra           jsonb not null default '{}' check (jsonb_typeof(extra) = 'object'),
  task_count            integer not null check (task_count >= 0),
  linux_baseline_count  integer not null check (linux_baseline_count >= 0),
  complete        boolean not null default false,
  uploaded_at     timestamptz not null default now(), -- first upload; the uploader never sends it
  check (finished_at is null or finished_at >= started_at)
);

comment on table public.bench_runs is
  'sel4bridge benchmark runs (one harness results document each); complete = all rows delivered';

-- Task results -----------------------------------------------------------------------------------

create table if not exists public.bench_task_results (
  run_id          uuid not null references public.bench_runs (run_id) on delete cascade,
  task            text not null,
  variant         text not null check (variant ~ '^[A-Za-z0-9_.-]{1,64}$'),
  params          jsonb not null check (jsonb_typeof(params) = 'object'),
  params_key      text not null check (params_key::jsonb = params and length(params_key) <= 512),
  description     text,
  status          text not null check (status in ('measured', 'not_measured', 'failed')),
  status_reason   text,
  unit            text not null check (unit in ('cycles', 'ns', 'req_per_s')),
  n               bigint,
  min             double precision,
  p50             double precision,
  p90             double precision,
  p95             double precision,
  p99             double precision,
  p999            double precision,
  max             double precision,
  mean            double precision,
  stddev          double precision,
  outlier_count   bigint check (outlier_count >= 0),
  checks          bigint not null check (checks >= 0),
  violations      bigint not null check (violations >= 0),
  lost            bigint not null check (lost >= 0),
  duplicated      bigint not null check (duplicated >= 0),
  errors          bigint check (errors >= 0),
  baseline_name          text not null check (length(baseline_name) between 1 and 64),
  baseline_description   text,
  baseline_params        jsonb not null check (jsonb_typeof(baseline_params) = 'object'),
  baseline_status        text not null check (baseline_status in ('measured', 'not_measured', 'failed')),
  baseline_status_reason text,
  baseline_unit          text not null check (baseline_unit in ('cycles', 'ns', 'req_per_s')),
  baseline_n             bigint,
  baseline_min           double precision,
  baseline_p50           double precision,
  baseline_p90           double precision,
  baseline_p95           double precision,
  baseline_p99           double precision,
  baseline_p999          double precision,
  baseline_max           double precision,
  baseline_mean          double precision,
  baseline_stddev        double precision,
  baseline_outlier_count bigint check (baseline_outlier_count >= 0),
  baseline_correctness   jsonb check (baseline_correctness is null
                                      or jsonb_typeof(baseline_correctness) = 'object'),
  overhead_ratio         double precision check (overhead_ratio > 0),
  target_kind            text not null check (target_kind in ('ratio', 'bound')),
  target_ratio_max       double precision check (target_ratio_max > 0),
  target_bound_max       double precision check (target_bound_max >= 0),
  target_bound_stat      text check (target_bound_stat in ('p50', 'p90', 'p95', 'p99', 'p999', 'max')),
  target_bound_unit      text check (target_bound_unit in ('cycles', 'ns', 'req_per_s')),
  target_description     text not null,
  met                    boolean,
  extra                  jsonb not null default '{}' check (jsonb_typeof(extra) = 'object'),
  series          text generated always as (task || '/' || variant || '/' || params_key || '/bridge') stored,
  baseline_series text generated always as (task || '/' || variant || '/' || params_key || '/baseline') stored,
  primary key (run_id, task, variant, params_key),
  -- Statistics are all present or all absent, ordered, and present when measured.
  check (num_nulls(n, min, p50, p90, p95, p99, p999, max, mean, stddev) in (0, 10)),
  check (n is null or (n >= 1 and min <= p50 and p50 <= p90 and p90 <= p95 and p95 <= p99
                       and p99 <= p999 and p999 <= max and stddev >= 0)),
  check (status <> 'measured' or n is not null),
  check (num_nulls(baseline_n, baseline_min, baseline_p50, baseline_p90, baseline_p95, baseline_p99,
                   baseline_p999, baseline_max, baseline_mean, baseline_stddev) in (0, 10)),
  check (baseline_n is null or (baseline_n >= 1 and baseline_min <= baseline_p50
                                and baseline_p50 <= baseline_p90 and baseline_p90 <= baseline_p95
                                and baseline_p95 <= baseline_p99 and baseline_p99 <= baseline_p999
                                and baseline_p999 <= baseline_max and baseline_stddev >= 0)),
  check (baseline_status <> 'measured' or baseline_n is not null),
  -- A ratio needs both sides; a task that was not measured cannot have met its target.
  check (overhead_ratio is null or (n is not null and baseline_n is not null)),
  check (met is null or status = 'measured'),
  check (target_kind <> 'ratio' or target_ratio_max is not null),
  check (target_kind <> 'bound' or (target_bound_max is not null and target_bound_stat is not null))
);

-- The tasks a results document may name. Set apart from the table so that running this again
-- on a project made before a task was added brings the check up to date.
alter table public.bench_task_results drop constraint if exists bench_task_results_task_check;
alter table public.bench_task_results add constraint bench_task_results_task_check
  check (task in ('call', 'cap_call', 'grant', 'notify', 'kick', 'revoke', 'kv'));

comment on table public.bench_task_results is
  'One task variant of a run: bridge and raw-baseline statistics, overhead ratio, target, met';

-- Linux baselines --------------------------------------------------------------------------------

create table if not exists public.bench_linux_baselines (
  run_id          uuid not null references public.bench_runs (run_id) on delete cascade,
  name            text not null check (name ~ '^[A-Za-z0-9_.-]{1,64}$'),
  params          jsonb not null check (jsonb_typeof(params) = 'object'),
  params_key      text not null check (params_key::jsonb = params and length(params_key) <= 512),
  -- The task it stands beside; 'none' when the document gives none (it is part of the key).
  related_task    text not null check (related_task in ('call', 'cap_call', 'grant', 'notify', 'kick',
                                                        'revoke', 'none')),
  description     text,
  status          text not null check (status in ('measured', 'not_measured', 'failed')),
  status_reason   text,
  unit            text not null check (unit in ('cycles', 'ns', 'req_per_s')),
  n               bigint,
  min             double precision,
  p50             double precision,
  p90             double precision,
  p95             double precision,
  p99             double precision,
  p999            double precision,
  max             double precision,
  mean            double precision,
  stddev          double precision,
  outlier_count   bigint check (outlier_count >= 0),
  extra           jsonb not null default '{}' check (jsonb_typeof(extra) = 'object'),
  series          text generated always as ('linux/' || related_task || '/' || name || '/' || params_key) stored,
  primary key (run_id, related_task, name, params_key),
  check (num_nulls(n, min, p50, p90, p95, p99, p999, max, mean, stddev) in (0, 10)),
  check (n is null or (n >= 1 and min <= p50 and p50 <= p90 and p90 <= p95 and p95 <= p99
                       and p99 <= p999 and p999 <= max and stddev >= 0)),
  check (status <> 'measured' or n is not null)
);

comment on table public.bench_linux_baselines is
  'Linux mechanisms (futex, pipe, Unix socket, eventfd) measured in the same run as the tasks';

-- Histograms and outliers ------------------------------------------------------------------------

create table if not exists public.bench_histogram_buckets (
  run_id   uuid not null references public.bench_runs (run_id) on delete cascade,
  series   text not null check (series ~ '^([a-z_]+/[A-Za-z0-9_.-]+/\{.*\}/(bridge|baseline)|linux/[a-z_]+/[A-Za-z0-9_.-]+/\{.*\})$'
                                and length(series) <= 700),
  lo       double precision not null,
  hi       double precision not null,
  count    bigint not null check (count >= 1),
  primary key (run_id, series, lo),
  check (hi > lo)
);

comment on table public.bench_histogram_buckets is
  'Non-empty log-linear histogram buckets (lo <= value < hi) of one series of a run';

create table if not exists public.bench_outliers (
  run_id        uuid not null references public.bench_runs (run_id) on delete cascade,
  series        text not null check (series ~ '^([a-z_]+/[A-Za-z0-9_.-]+/\{.*\}/(bridge|baseline)|linux/[a-z_]+/[A-Za-z0-9_.-]+/\{.*\})$'
                                     and length(series) <= 700),
  sample_index  bigint not null check (sample_index >= 0),
  value         double precision not null,
  primary key (run_id, series, sample_index)
);

comment on table public.bench_outliers is
  'Samples beyond the run''s outlier rule, with their index in the timed loop (0-based)';

-- Indexes for the dashboard queries --------------------------------------------------------------

-- Latest run per kernel/platform, and the previous run for regressions.
create index if not exists bench_runs_kernel_platform_started_idx
  on public.bench_runs (kernel, platform, started_at desc, run_id);
-- Percentiles of one task over commits.
create index if not exists bench_task_results_task_idx
  on public.bench_task_results (task, variant, params_key, run_id);
create index if not exists bench_runs_git_commit_idx
  on public.bench_runs (git_commit);
-- Missed targets.
create index if not exists bench_task_results_missed_idx
  on public.bench_task_results (run_id) where met is false;
create index if not exists bench_linux_baselines_related_idx
  on public.bench_linux_baselines (related_task, name, params_key, run_id);

-- Row-level security -----------------------------------------------------------------------------
-- Enabled on every table. No policy lets anyone write: the service_role key bypasses RLS
-- (BYPASSRLS) and its grants below allow exactly an upsert. Readers see complete runs only.

alter table public.bench_runs              enable row level security;
alter table public.bench_task_results      enable row level security;
alter table public.bench_linux_baselines   enable row level security;
alter table public.bench_histogram_buckets enable row level security;
alter table public.bench_outliers          enable row level security;

drop policy if exists bench_runs_read on public.bench_runs;
create policy bench_runs_read on public.bench_runs
  for select to anon, authenticated
  using (complete);

drop policy if exists bench_task_results_read on public.bench_task_results;
create policy bench_task_results_read on public.bench_task_results
  for select to anon, authenticated
  using (exists (select 1 from public.bench_runs r where r.run_id = bench_task_results.run_id and r.complete));

drop policy if exists bench_linux_baselines_read on public.bench_linux_baselines;
create policy bench_linux_baselines_read on public.bench_linux_baselines
  for select to anon, authenticated
  using (exists (select 1 from public.bench_runs r where r.run_id = bench_linux_baselines.run_id and r.complete));

drop policy if exists bench_histogram_buckets_read on public.bench_histogram_buckets;
create policy bench_histogram_buckets_read on public.bench_histogram_buckets
  for select to anon, authenticated
  using (exists (select 1 from public.bench_runs r where r.run_id = bench_histogram_buckets.run_id and r.complete));

drop policy if exists bench_outliers_read on public.bench_outliers;
create policy bench_outliers_read on public.bench_outliers
  for select to anon, authenticated
  using (exists (select 1 from public.bench_runs r where r.run_id = bench_outliers.run_id and r.complete));

-- Views for the dashboard ------------------------------------------------------------------------
-- security_invoker: a view runs with the reader's privileges and RLS, so it shows anon no more
-- than the tables do. Each view also keeps to complete runs for readers that bypass RLS.

-- The latest complete run of each kernel/platform.
create or replace view public.bench_latest_runs with (security_invoker = true) as
select distinct on (r.kernel, r.platform)
       r.kernel, r.platform, r.run_id, r.started_at, r.git_commit, r.git_dirty, r.arch, r.cpu,
       r.timer_hz, r.address_spaces, r.mode, r.correctness_ok, r.task_count
  from public.bench_runs r
 where r.complete
 order by r.kernel, r.platform, r.started_at desc, r.run_id desc;

-- p50/p95/p99 of every task variant in every complete run, beside its baseline: one row per
-- (run, task variant), to be plotted over started_at / git_commit.
create or replace view public.bench_task_percentiles with (security_invoker = true) as
select r.kernel, r.platform, r.cpu, r.git_commit, r.started_at, r.run_id,
       t.task, t.variant, t.params, t.params_key, t.unit, t.status,
       t.p50, t.p95, t.p99,
       t.baseline_name, t.baseline_p50, t.baseline_p95, t.baseline_p99,
       t.overhead_ratio, t.met
  from public.bench_task_results t
  join public.bench_runs r on r.run_id = t.run_id
 where r.complete;

-- Complete runs in which at least one task missed its target, with the tasks that did.
create or replace view public.bench_missed_targets with (security_invoker = true) as
select r.kernel, r.platform, r.git_commit, r.started_at, r.run_id,
       count(*)::integer as missed,
       array_agg(t.task || '/' || t.variant || case when t.params_key = '{}' then '' else t.params_key end
                 order by t.task, t.variant, t.params_key) as missed_tasks
  from public.bench_task_results t
  join public.bench_runs r on r.run_id = t.run_id
 where r.complete and t.met is false
 group by r.kernel, r.platform, r.git_commit, r.started_at, r.run_id;

-- Regressions against the previous complete run of the same kernel/platform (by started_at).
-- The rule, per task variant measured in both runs (same unit):
--   ratio_regressed: overhead_ratio grew by more than 10 % (bridge cost relative to the raw
--                    kernel, which holds across machines);
--   p50_regressed:   on the same cpu and timer_hz, p50 got more than 10 % worse (higher for
--                    latencies, lower for req_per_s).
-- A row appears when either holds.
create or replace view public.bench_regressions with (security_invoker = true) as
with runs as (
  select r.run_id, r.kernel, r.platform, r.cpu, r.timer_hz, r.git_commit, r.started_at,
         lag(r.run_id) over w as prev_run_id
    from public.bench_runs r
   where r.complete
  window w as (partition by r.kernel, r.platform order by r.started_at, r.run_id)
), pairs as (
  select cur_r.kernel, cur_r.platform, cur_r.git_commit, cur_r.started_at, cur_r.run_id,
         prev_r.git_commit as prev_git_commit, prev_r.run_id as prev_run_id,
         c.task, c.variant, c.params_key, c.unit,
         p.p50 as prev_p50, c.p50,
         p.overhead_ratio as prev_overhead_ratio, c.overhead_ratio,
         (cur_r.cpu = prev_r.cpu and cur_r.timer_hz = prev_r.timer_hz) as same_machine
    from runs cur_r
    join public.bench_runs prev_r on prev_r.run_id = cur_r.prev_run_id
    join public.bench_task_results c on c.run_id = cur_r.run_id
    join public.bench_task_results p on p.run_id = prev_r.run_id and p.task = c.task
                                    and p.variant = c.variant and p.params_key = c.params_key
                                    and p.unit = c.unit
)
select kernel, platform, git_commit, started_at, run_id, prev_git_commit, prev_run_id,
       task, variant, params_key, unit, prev_p50, p50, prev_overhead_ratio, overhead_ratio,
       coalesce(overhead_ratio > 1.10 * prev_overhead_ratio, false) as ratio_regressed,
       coalesce(same_machine and case when unit = 'req_per_s' then p50 * 1.10 < prev_p50
                                      else p50 > 1.10 * prev_p50 end, false) as p50_regressed
  from pairs
 where coalesce(overhead_ratio > 1.10 * prev_overhead_ratio, false)
    or coalesce(same_machine and case when unit = 'req_per_s' then p50 * 1.10 < prev_p50
                                      else p50 > 1.10 * prev_p50 end, false);

-- Grants -----------------------------------------------------------------------------------------
-- Start from nothing (projects made before 2026 grant every new table to the API roles by
-- default), then grant exactly: readers SELECT; service_role what PostgREST's upsert
-- (INSERT … ON CONFLICT (key) DO UPDATE SET col = EXCLUDED.col, …) needs on the columns the
-- uploader sends: INSERT and UPDATE, and SELECT because reading EXCLUDED.col counts as reading
-- col. Nothing else: no DELETE, no TRUNCATE, no generated or defaulted bookkeeping column.

revoke all on table public.bench_runs, public.bench_task_results, public.bench_linux_baselines,
                    public.bench_histogram_buckets, public.bench_outliers,
                    public.bench_latest_runs, public.bench_task_percentiles,
                    public.bench_missed_targets, public.bench_regressions
  from public, anon, authenticated, service_role;

grant select on table public.bench_runs, public.bench_task_results, public.bench_linux_baselines,
                      public.bench_histogram_buckets, public.bench_outliers,
                      public.bench_latest_runs, public.bench_task_percentiles,
                      public.bench_missed_targets, public.bench_regressions
  to anon, authenticated;

-- (A column list binds to the one privilege before it, hence each list is given three times.)
do $grants$
declare
  t record;
begin
  for t in select * from (values
    ('bench_runs', 'run_id, schema_version, started_at, finished_at, kernel, arch, platform, cpu,
      cpu_count, timer_hz, git_commit, git_dirty, kernel_config, address_spaces, mode, quick,
      emulation, pinning, measurement, correctness_ok, harness, extra, task_count,
      linux_baseline_count, complete'),
    ('bench_task_results', 'run_id, task, variant, params, params_key, description, status,
      status_reason, unit, n, min, p50, p90, p95, p99, p999, max, mean, stddev, outlier_count,
      checks, violations, lost, duplicated, errors, baseline_name, baseline_description,
      baseline_params, baseline_status, baseline_status_reason, baseline_unit, baseline_n,
      baseline_min, baseline_p50, baseline_p90, baseline_p95, baseline_p99, baseline_p999,
      baseline_max, baseline_mean, baseline_stddev, baseline_outlier_count,
      baseline_correctness, overhead_ratio, target_kind, target_ratio_max, target_bound_max,
      target_bound_stat, target_bound_unit, target_description, met, extra'),
    ('bench_linux_baselines', 'run_id, related_task, name, params, params_key, description,
      status, status_reason, unit, n, min, p50, p90, p95, p99, p999, max, mean, stddev,
      outlier_count, extra'),
    ('bench_histogram_buckets', 'run_id, series, lo, hi, count'),
    ('bench_outliers', 'run_id, series, sample_index, value')
  ) as v(tbl, cols)
  loop
    execute format('grant select (%1$s), insert (%1$s), update (%1$s) on table public.%2$I '
                   'to service_role', t.cols, t.tbl);
  end loop;
end
$grants$;

commit;
