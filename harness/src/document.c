/* Writing the results document: run metadata, then each case beside its baseline, then Linux. */
#include "document.h"

static void kv_string(bench_json_t *j, const char *k, const char *v)
{
    bench_json_key(j, k);
    bench_json_string(j, v);
}

static void kv_u64(bench_json_t *j, const char *k, uint64_t v)
{
    bench_json_key(j, k);
    bench_json_u64(j, v);
}

static void emit_params(bench_json_t *j, const bench_params_t *p)
{
    bench_json_key(j, "params");
    bench_json_begin_object(j);
    if (p && p->k) {
        kv_u64(j, "k", p->k);
    }
    if (p && p->b) {
        kv_u64(j, "b", p->b);
    }
    if (p && p->bytes) {
        kv_u64(j, "bytes", p->bytes);
    }
    bench_json_end_object(j);
}

static void emit_correctness(bench_json_t *j, const bench_correctness_t *c)
{
    bench_json_key(j, "correctness");
    bench_json_begin_object(j);
    kv_u64(j, "checks", c->checks);
    kv_u64(j, "violations", c->violations);
    kv_u64(j, "lost", c->lost);
    kv_u64(j, "duplicated", c->duplicated);
    kv_u64(j, "errors", c->errors);
    bench_json_end_object(j);
}

static void emit_stats(bench_json_t *j, const bench_stats_t *s)
{
    bench_json_begin_object(j);
    kv_u64(j, "n", s->n);
    kv_u64(j, "min", s->min);
    kv_u64(j, "p25", s->p25);
    kv_u64(j, "p50", s->p50);
    kv_u64(j, "p75", s->p75);
    kv_u64(j, "p90", s->p90);
    kv_u64(j, "p95", s->p95);
    kv_u64(j, "p99", s->p99);
    kv_u64(j, "p999", s->p999);
    kv_u64(j, "max", s->max);
    bench_json_key(j, "mean");
    bench_json_double(j, s->mean);
    bench_json_key(j, "stddev");
    bench_json_double(j, s->stddev);
    bench_json_end_object(j);
}

static void emit_histogram(bench_json_t *j, const bench_summary_t *s)
{
    bench_json_begin_array(j);
    for (uint32_t i = 0; i < BENCH_HIST_BUCKETS; i++) {
        if (!s->hist[i]) {
            continue;
        }
        uint64_t lo;
        double hi;
        bench_hist_bounds(i, &lo, &hi);
        bench_json_begin_object(j);
        kv_u64(j, "lo", lo);
        bench_json_key(j, "hi");
        bench_json_double(j, hi);
        kv_u64(j, "count", s->hist[i]);
        bench_json_end_object(j);
    }
    bench_json_end_array(j);
}

/* stats, histogram, outliers, outlier_count: figures when measured, nulls otherwise. */
static void emit_figures(bench_json_t *j, const bench_measurement_t *m)
{
    bool have = m->status == BENCH_MEASURED;
    bench_json_key(j, "unit");
    bench_json_string(j, bench_unit_name(m->unit));
    bench_json_key(j, "stats");
    if (have) {
        emit_stats(j, &m->summary.stats);
    } else {
        bench_json_null(j);
    }
    bench_json_key(j, "histogram");
    if (have) {
        emit_histogram(j, &m->summary);
    } else {
        bench_json_null(j);
    }
    bench_json_key(j, "outliers");
    if (have) {
        bench_json_begin_array(j);
        for (uint32_t i = 0; i < m->summary.outliers_kept; i++) {
            bench_json_begin_object(j);
            kv_u64(j, "index", m->summary.outliers[i].index);
            kv_u64(j, "value", m->summary.outliers[i].value);
            bench_json_end_object(j);
        }
        bench_json_end_array(j);
    } else {
        bench_json_null(j);
    }
    bench_json_key(j, "outlier_count");
    if (have) {
        bench_json_u64(j, m->summary.outlier_count);
    } else {
        bench_json_null(j);
    }
}

static void kv_double(bench_json_t *j, const char *k, double v)
{
    bench_json_key(j, k);
    bench_json_double(j, v);
}

static void kv_bool(bench_json_t *j, const char *k, bool v)
{
    bench_json_key(j, k);
    bench_json_bool(j, v);
}

static void emit_status(bench_json_t *j, const bench_measurement_t *m)
{
    kv_string(j, "status", bench_status_name(m->status));
    kv_string(j, "status_reason", m->status == BENCH_MEASURED ? NULL : m->status_reason);
    if (m->n_planned) {
        kv_u64(j, "n_planned", m->n_planned);
        kv_bool(j, "budget_limited", m->budget_limited);
    }
}

/* A baseline or a Linux mechanism: a measurement object of its own. */
static void emit_measurement(bench_json_t *j, const bench_measurement_t *m,
                             const bench_params_t *params, bool is_linux)
{
    bench_json_begin_object(j);
    kv_string(j, "name", m->name);
    if (m->description) {
        kv_string(j, "description", m->description);
    }
    if (is_linux) {
        kv_string(j, "related_task", m->related_task);
    }
    emit_status(j, m);
    emit_params(j, params);
    emit_figures(j, m);
    emit_correctness(j, &m->correct);
    bench_json_end_object(j);
}

static void emit_target(bench_json_t *j, const bench_target_t *t, bench_unit_t unit)
{
    bool ratio = t->kind == BENCH_TARGET_RATIO;
    bench_json_key(j, "target");
    bench_json_begin_object(j);
    kv_string(j, "kind", ratio ? "ratio" : "bound");
    bench_json_key(j, "ratio_max");
    ratio ? bench_json_double(j, t->ratio_max) : bench_json_null(j);
    bench_json_key(j, "bound_max");
    ratio ? bench_json_null(j) : bench_json_double(j, t->bound_max);
    kv_string(j, "bound_stat", ratio ? NULL : t->bound_stat);
    kv_string(j, "bound_unit", ratio ? NULL : bench_unit_name(unit));
    kv_string(j, "description", t->description);
    bench_json_end_object(j);
}

static void emit_interval(bench_json_t *j, const bench_result_t *r)
{
    bench_json_key(j, "interval");
    if (!r->ci.valid) {
        bench_json_null(j);
        return;
    }
    bench_json_begin_object(j);
    kv_double(j, "lo", r->ci.lo);
    kv_double(j, "hi", r->ci.hi);
    kv_double(j, "level", r->ci.level);
    kv_u64(j, "lo_rank", r->ci.lo_rank);
    kv_u64(j, "hi_rank", r->ci.hi_rank);
    kv_u64(j, "pairs", r->ci.pairs);
    kv_u64(j, "pairs_planned", r->pairs_planned);
    bench_json_end_object(j);
}

static void emit_blocks(bench_json_t *j, const bench_result_t *r)
{
    bench_json_key(j, "blocks");
    bench_json_begin_array(j);
    for (uint32_t i = 0; i < r->pairs && i < BENCH_MAX_PAIRS; i++) {
        const bench_block_t *b = &r->blocks[i];
        bench_json_begin_object(j);
        kv_u64(j, "n", b->n);
        kv_u64(j, "baseline_p50", b->baseline_p50);
        kv_u64(j, "bridge_p50", b->bridge_p50);
        bench_json_key(j, "ratio");
        b->ratio > 0.0 ? bench_json_double(j, b->ratio) : bench_json_null(j);
        bench_json_end_object(j);
    }
    bench_json_end_array(j);
}

static void emit_icount(bench_json_t *j, const bench_result_t *r)
{
    bench_json_key(j, "instructions");
    if (!r->icount.have) {
        bench_json_null(j);
        return;
    }
    bench_json_begin_object(j);
    kv_double(j, "bridge", r->icount.bridge);
    kv_double(j, "baseline", r->icount.baseline);
    kv_double(j, "ratio", r->icount.ratio);
    kv_string(j, "verdict", bench_verdict_name(r->icount.verdict));
    bench_json_end_object(j);
}

static void emit_task(bench_json_t *j, const bench_result_t *r)
{
    const bench_case_t *c = r->c;
    bench_json_begin_object(j);
    kv_string(j, "name", c->task);
    kv_string(j, "variant", c->variant);
    if (c->description) {
        kv_string(j, "description", c->description);
    }
    emit_params(j, &c->params);
    kv_string(j, "implementation", r->bridge.name);
    emit_status(j, &r->bridge);
    emit_figures(j, &r->bridge);
    bench_json_key(j, "baseline");
    emit_measurement(j, &r->baseline, &c->params, false);
    bench_json_key(j, "overhead_ratio");
    r->have_ratio ? bench_json_double(j, r->overhead_ratio) : bench_json_null(j);
    emit_interval(j, r);
    emit_blocks(j, r);
    emit_icount(j, r);
    emit_target(j, &c->target, c->unit);
    bench_json_key(j, "met");
    r->met < 0 ? bench_json_null(j) : bench_json_bool(j, r->met == 1);
    kv_string(j, "verdict", bench_verdict_name(r->verdict));
    kv_string(j, "verdict_basis", r->verdict_basis);
    kv_string(j, "cycles_verdict", bench_verdict_name(r->cycles_verdict));
    kv_bool(j, "loaded_machine", r->loaded);
    emit_correctness(j, &r->bridge.correct);
    bench_json_end_object(j);
}

static void emit_kernel_config(bench_json_t *j, const bench_run_info_t *info)
{
    bench_json_key(j, "kernel_config");
    bench_json_begin_object(j);
    for (uint32_t i = 0; i < info->kernel_config_len; i++) {
        const bench_kv_t *kv = &info->kernel_config[i];
        bench_json_key(j, kv->key);
        switch (kv->type) {
        case BENCH_KV_STRING:
            bench_json_string(j, kv->s);
            break;
        case BENCH_KV_NUMBER:
            bench_json_double(j, kv->num);
            break;
        case BENCH_KV_BOOL:
            bench_json_bool(j, kv->b);
            break;
        }
    }
    bench_json_end_object(j);
}

static void emit_loads(bench_json_t *j, const char *k, const double l[3])
{
    bench_json_key(j, k);
    bench_json_begin_array(j);
    for (int i = 0; i < 3; i++) {
        bench_json_double(j, l[i]);
    }
    bench_json_end_array(j);
}

static void emit_machine(bench_json_t *j, const bench_run_info_t *info)
{
    const bench_machine_t *m = info->machine;
    bench_json_key(j, "machine");
    if (!m) {
        bench_json_null(j);
        return;
    }
    bench_json_begin_object(j);
    if (m->have_load) {
        emit_loads(j, "load_start", m->load_start);
        emit_loads(j, "load_end", m->load_end);
    }
    kv_u64(j, "cpus_start", m->cpus_start);
    kv_u64(j, "cpus_end", m->cpus_end);
    kv_bool(j, "pinned", info->pinning_enabled);
    kv_string(j, "governor", m->governor);
    kv_bool(j, "loaded", m->loaded);
    kv_string(j, "loaded_reason", m->loaded_reason);
    bench_json_end_object(j);
}

static void emit_metadata(bench_json_t *j, const bench_run_info_t *info)
{
    kv_u64(j, "schema_version", BENCH_SCHEMA_VERSION);
    kv_string(j, "run_id", info->run_id);
    kv_string(j, "started_at", info->started_at);
    kv_string(j, "finished_at", info->finished_at);
    kv_string(j, "kernel", info->kernel);
    kv_string(j, "arch", info->arch);
    kv_string(j, "platform", info->platform);
    kv_string(j, "cpu", info->cpu);
    bench_json_key(j, "cpu_count");
    info->cpu_count ? bench_json_u64(j, info->cpu_count) : bench_json_null(j);
    kv_u64(j, "timer_hz", info->timer_hz);
    kv_string(j, "git_commit", info->git_commit);
    bench_json_key(j, "git_dirty");
    info->git_dirty < 0 ? bench_json_null(j) : bench_json_bool(j, info->git_dirty == 1);
    emit_kernel_config(j, info);
    kv_string(j, "address_spaces", info->address_spaces);
    kv_string(j, "mode", info->mode);
    bench_json_key(j, "quick");
    bench_json_bool(j, info->quick);

    bench_json_key(j, "emulation");
    if (info->emulation_kind) {
        bench_json_begin_object(j);
        kv_string(j, "kind", info->emulation_kind);
        kv_string(j, "accel", info->emulation_accel);
        kv_string(j, "icount", info->emulation_icount);
        kv_string(j, "machine", info->emulation_machine);
        bench_json_end_object(j);
    } else {
        bench_json_null(j);
    }

    bench_json_key(j, "pinning");
    bench_json_begin_object(j);
    bench_json_key(j, "enabled");
    bench_json_bool(j, info->pinning_enabled);
    kv_string(j, "description", info->pinning_description ? info->pinning_description : "");
    bench_json_end_object(j);

    bench_json_key(j, "measurement");
    bench_json_begin_object(j);
    kv_u64(j, "warmup", info->warmup);
    kv_u64(j, "n_requested", info->n_requested);
    kv_u64(j, "timer_overhead", info->timer_overhead);
    kv_string(j, "timer_overhead_method", info->timer_overhead_method);
    kv_string(j, "percentile_definition", BENCH_PERCENTILE_DEFINITION);
    kv_string(j, "outlier_rule", BENCH_OUTLIER_RULE);
    kv_u64(j, "outlier_k", BENCH_OUTLIER_K);
    kv_u64(j, "outliers_kept", BENCH_OUTLIERS_KEPT);
    kv_string(j, "histogram_scheme", BENCH_HISTOGRAM_SCHEME);
    kv_u64(j, "histogram_sub_bucket_bits", BENCH_HIST_SUB_BITS);
    kv_string(j, "order", "interleaved: per case, baseline and bridge blocks alternate (baseline "
                          "first in each pair), each block with its own setup, warm-up and "
                          "teardown on the same CPUs");
    kv_u64(j, "pairs", info->pairs);
    kv_string(j, "interval_method", BENCH_INTERVAL_METHOD);
    kv_double(j, "interval_level", BENCH_CI_LEVEL);
    bench_json_key(j, "time_budget_s");
    info->budget_s > 0 ? bench_json_double(j, info->budget_s) : bench_json_null(j);
    kv_string(j, "icount_method", info->icount_method);
    bench_json_end_object(j);
    emit_machine(j, info);
}

/* One measurement asked for and not made: what it was, and why (result.h). */
static void emit_unmeasured(void *ctx, const bench_case_t *c, const char *side,
                            const bench_measurement_t *m)
{
    bench_json_t *j = ctx;
    bench_json_begin_object(j);
    kv_string(j, "task", c ? c->task : m->related_task);
    if (c) {
        kv_string(j, "variant", c->variant);
        emit_params(j, &c->params);
    }
    kv_string(j, "side", side);
    kv_string(j, "implementation", m->name);
    kv_string(j, "status", bench_status_name(m->status));
    kv_string(j, "reason", m->status_reason);
    bench_json_end_object(j);
}

static void emit_skipped(bench_json_t *j, const bench_run_info_t *info)
{
    bench_json_key(j, "skipped");
    bench_json_begin_array(j);
    for (uint32_t i = 0; info->skipped && i < info->nskipped; i++) {
        const bench_skip_t *k = &info->skipped[i];
        bench_json_begin_object(j);
        kv_string(j, "what", k->c ? "case" : "linux_baselines");
        if (k->c) {
            kv_string(j, "task", k->c->task);
            kv_string(j, "variant", k->c->variant);
            emit_params(j, &k->c->params);
        }
        kv_string(j, "reason", k->reason);
        bench_json_end_object(j);
    }
    bench_json_end_array(j);
}

void bench_emit_document(const bench_run_info_t *info, const bench_result_t *results,
                         uint32_t nresults, const bench_measurement_t *linux_baselines,
                         uint32_t nlinux, bench_out_fn out, void *ctx, bool pretty)
{
    bench_json_t j;
    bench_json_init(&j, out, ctx, pretty);
    bench_json_begin_object(&j);
    emit_metadata(&j, info);

    bench_json_key(&j, "tasks");
    bench_json_begin_array(&j);
    for (uint32_t i = 0; i < nresults; i++) {
        emit_task(&j, &results[i]);
    }
    bench_json_end_array(&j);

    bench_json_key(&j, "linux_baselines");
    bench_json_begin_array(&j);
    for (uint32_t i = 0; i < nlinux; i++) {
        emit_measurement(&j, &linux_baselines[i], NULL, true);
    }
    bench_json_end_array(&j);

    bench_json_key(&j, "correctness_ok");
    bench_json_bool(&j, bench_results_ok(results, nresults, linux_baselines, nlinux));
    /* Apart from correctness_ok, which keeps its meaning: a run can fail with every check
     * passed, when something it was asked to measure was not measured. */
    bench_json_key(&j, "measured_ok");
    bench_json_bool(&j, bench_results_measured(results, nresults, linux_baselines, nlinux));
    bench_json_key(&j, "unmeasured");
    bench_json_begin_array(&j);
    bench_for_each_unmeasured(results, nresults, linux_baselines, nlinux, emit_unmeasured, &j);
    bench_json_end_array(&j);
    emit_skipped(&j, info);

    bench_json_key(&j, "harness");
    bench_json_begin_object(&j);
    kv_string(&j, "argv", info->argv);
    bench_json_end_object(&j);
    bench_json_end_object(&j);
    out(ctx, "\n", 1);
}
