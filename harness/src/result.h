/*
 * The outcome of a case (bridge variant beside its baseline) and of a Linux baseline, and the
 * run metadata: everything the results document and the console table are made from.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "json.h" /* bench_out_fn */
#include "pairing.h"
#include "stats.h"
#include "task.h"

typedef struct {
    const char *name;
    const char *description;
    const char *related_task; /* Linux baselines: the task they stand beside */
    bench_status_t status;
    const char *status_reason;
    bench_unit_t unit;
    bench_correctness_t correct;
    bench_summary_t summary; /* valid when status == BENCH_MEASURED; all blocks pooled */
    uint32_t n_planned;      /* samples asked for */
    bool budget_limited;     /* the time budget ended it with fewer (summary.stats.n) */
} bench_measurement_t;

/* One pair of blocks: the same number of samples on each side, run back to back. */
typedef struct {
    uint32_t n;
    uint64_t baseline_p50, bridge_p50;
    double ratio; /* as overhead_ratio, from this pair's two block medians */
} bench_block_t;

/* Instructions per sample, counted by callgrind on the host model (deterministic). */
typedef struct {
    bool have;
    double bridge, baseline;
    double ratio; /* bridge / baseline: equal work per sample, so also right for req/s */
    bench_verdict_t verdict;
} bench_icount_t;

typedef struct {
    const bench_case_t *c;
    bench_measurement_t bridge;
    bench_measurement_t baseline;
    uint32_t pairs_planned;
    uint32_t pairs; /* pairs measured: blocks[0..pairs) */
    bench_block_t blocks[BENCH_MAX_PAIRS];
    bench_interval_t ci;    /* over the pair ratios */
    bool have_ratio;
    double overhead_ratio;  /* ci.ratio: the median pair ratio */
    bench_verdict_t cycles_verdict; /* from ci and the target */
    bench_icount_t icount;
    bool loaded;               /* judged on a loaded machine: a cycle verdict is at most inconclusive */
    bench_verdict_t verdict;   /* the one that counts: instructions where counted, else cycles */
    const char *verdict_basis; /* "instructions", "cycles", "correctness" or NULL */
    int met;                   /* 1 yes, 0 no, -1 inconclusive or not judged */
} bench_result_t;

typedef enum { BENCH_KV_STRING, BENCH_KV_NUMBER, BENCH_KV_BOOL } bench_kv_type_t;

typedef struct {
    const char *key;
    bench_kv_type_t type;
    const char *s;
    double num;
    bool b;
} bench_kv_t;

/* What the machine was doing (host only): a loaded machine says so beside its verdicts. */
typedef struct {
    bool have_load;
    double load_start[3], load_end[3]; /* 1, 5, 15 minute load averages */
    uint32_t cpus_start, cpus_end;     /* online CPUs */
    const char *governor;              /* cpufreq scaling governor of CPU 0; NULL: unreadable */
    bool loaded;
    const char *loaded_reason;         /* why it counts as loaded (or not) */
} bench_machine_t;

/*
 * A part of the harness left out by design on this target, never a measurement that failed: the
 * Linux mechanisms under --no-linux or in a root task, a case outside the --quick set or the
 * cross-core set. Listed in the document as skipped, with the reason; the run does not fail.
 */
typedef struct {
    const bench_case_t *c; /* the case skipped; NULL: the Linux mechanisms */
    const char *reason;
} bench_skip_t;

typedef struct {
    const char *run_id;      /* UUID v4, made when the run starts */
    const char *started_at;  /* RFC 3339, UTC */
    const char *finished_at; /* NULL: unknown */
    const char *kernel;      /* "sim" or "sel4" */
    const char *arch;
    const char *platform;
    const char *cpu;
    uint32_t cpu_count; /* 0: unknown */
    uint64_t timer_hz;
    const char *git_commit;
    int git_dirty; /* -1 unknown */
    const bench_kv_t *kernel_config;
    uint32_t kernel_config_len;
    const char *address_spaces; /* "shared" or "separate" */
    const char *mode;           /* "quick", "full" or "custom" */
    bool quick;
    const char *emulation_kind; /* NULL: not emulated */
    const char *emulation_accel;
    const char *emulation_icount;
    const char *emulation_machine;
    bool pinning_enabled;
    const char *pinning_description;
    uint32_t warmup;
    uint32_t n_requested;
    uint64_t timer_overhead;
    const char *timer_overhead_method;
    const char *argv; /* the harness command line, for the record */
    uint32_t pairs;           /* blocks per side per case */
    double budget_s;          /* time budget per case; 0: none */
    const bench_machine_t *machine; /* NULL: not known (a root task) */
    const char *icount_method;      /* NULL: no instruction counts in this run */
    const bench_skip_t *skipped;    /* left out by design, nskipped of them */
    uint32_t nskipped;
} bench_run_info_t;

/* True when no measurement counted a violation, a lost or duplicated message, or an error. */
bool bench_correct(const bench_correctness_t *c);
bool bench_results_ok(const bench_result_t *r, uint32_t nr, const bench_measurement_t *lx,
                      uint32_t nlx);

/*
 * Each measurement the run was asked for and did not make, in report order: a case's bridge
 * variant or its baseline ("bridge", "baseline"; @c its case), or a Linux mechanism ("linux",
 * @c NULL), whose status is not_measured (no implementation in this build) or failed (a fault, a
 * setup that could not be made, a hang; status_reason says which). @fn is called for each (may be
 * NULL); returns how many there were. Any makes the run fail (bench_results_measured), apart from
 * correctness: correctness_ok keeps saying only whether a check counted a violation, a loss, a
 * duplicate or an error, and a run can fail with every check passed.
 */
typedef void (*bench_unmeasured_fn)(void *ctx, const bench_case_t *c, const char *side,
                                    const bench_measurement_t *m);
uint32_t bench_for_each_unmeasured(const bench_result_t *r, uint32_t nr,
                                   const bench_measurement_t *lx, uint32_t nlx,
                                   bench_unmeasured_fn fn, void *ctx);
/* Write the console's line for one measurement bench_for_each_unmeasured reports (the root task
 * and sel4bridge-bench say it alike): "sel4bridge-bench: NOT MEASURED: <task>/<variant>[ k=..]
 * [ b=..][ bytes=..], <side> side (<implementation>): <status>: <reason>". */
void bench_say_unmeasured(bench_out_fn out, void *ctx, const bench_case_t *c, const char *side,
                          const bench_measurement_t *m);
/* True when every measurement asked for was made (none for bench_for_each_unmeasured). */
bool bench_results_measured(const bench_result_t *r, uint32_t nr, const bench_measurement_t *lx,
                            uint32_t nlx);

/*
 * @bridge / @baseline for latencies; @baseline / @bridge for throughput, so that a ratio above 1
 * always means the bridge costs more. False when either is 0.
 */
bool bench_ratio_of(bench_unit_t unit, uint64_t bridge, uint64_t baseline, double *ratio);

/*
 * Fill the interval, the verdicts and met from the pairs, the instruction counts (if any), the
 * correctness counters and the case's target. A correctness failure is "no" whatever the figures.
 * With r->loaded set, a verdict decided by cycles is "inconclusive" (cycles_verdict keeps what the
 * interval alone says): on a machine where other work keeps the CPUs busy, a sample's time is
 * mostly waits for a CPU, which fall on the side with more wake-ups or a longer window, so the
 * ratio measures the scheduler as much as the bridge. Instruction counts are not affected.
 */
void bench_judge(bench_result_t *r);

const char *bench_unit_name(bench_unit_t u);
const char *bench_status_name(bench_status_t s);
