/*
 * The outcome of a case (bridge variant beside its baseline) and of a Linux baseline, and the
 * run metadata: everything the results document and the console table are made from.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

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
    bench_summary_t summary; /* valid when status == BENCH_MEASURED */
} bench_measurement_t;

typedef struct {
    const bench_case_t *c;
    bench_measurement_t bridge;
    bench_measurement_t baseline;
    bool have_ratio;
    double overhead_ratio; /* see bench_overhead_ratio() */
    int met;               /* 1 met, 0 not met, -1 unknown (not measured) */
} bench_result_t;

typedef enum { BENCH_KV_STRING, BENCH_KV_NUMBER, BENCH_KV_BOOL } bench_kv_type_t;

typedef struct {
    const char *key;
    bench_kv_type_t type;
    const char *s;
    double num;
    bool b;
} bench_kv_t;

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
} bench_run_info_t;

/* True when no measurement counted a violation, a lost or duplicated message, or an error. */
bool bench_correct(const bench_correctness_t *c);
bool bench_results_ok(const bench_result_t *r, uint32_t nr, const bench_measurement_t *lx,
                      uint32_t nlx);

/*
 * p50 / baseline p50 for latencies; baseline p50 / p50 for throughput, so that a ratio above 1
 * always means the bridge costs more. False when either side has no figures or a zero p50.
 */
bool bench_overhead_ratio(const bench_result_t *r, double *ratio);

/* Fill have_ratio, overhead_ratio and met from the two measurements and the case's target. */
void bench_judge(bench_result_t *r);

const char *bench_unit_name(bench_unit_t u);
const char *bench_status_name(bench_status_t s);
