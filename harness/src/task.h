/*
 * What a benchmark task is: a case (task name, variant, parameters, target) that pairs an
 * implementation through the bridge with its raw-kernel baseline. Each implementation has
 * setup / measure / teardown; only measure is timed, and it writes one sample per iteration into
 * a buffer the harness preallocated. This header needs no kernel; implementations use
 * <sel4/sel4.h> and plat.h.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum {
    BENCH_UNIT_CYCLES,    /* samples as read from plat_cycles(), timer overhead subtracted */
    BENCH_UNIT_NS,
    BENCH_UNIT_REQ_PER_S, /* throughput: ops_per_sample * timer_hz / cycles of the sample */
} bench_unit_t;

typedef enum {
    BENCH_MEASURED,
    BENCH_NOT_MEASURED, /* no implementation in this build: no figures are reported */
    BENCH_FAILED,       /* setup or measure failed (a fault among them): run->error says why */
    /* Either, for a case the run was asked for, fails the run (bench_results_measured). */
} bench_status_t;

/* What a task checks besides time; every counter must stay 0 except checks. */
typedef struct {
    uint32_t checks;
    uint32_t violations; /* e.g. a revoked cap still usable */
    uint32_t lost;       /* a request or signal sent and never seen, or a wrong reply */
    uint32_t duplicated; /* seen more than once */
    uint32_t errors;     /* an unexpected seL4 error code */
} bench_correctness_t;

/* Task parameters; 0 means "does not apply". */
typedef struct {
    uint32_t k; /* caps in a bundle (grant) or derived copies (revoke) */
    uint32_t b; /* requests per kick (batched kick, kv's batches) */
    uint32_t bytes; /* bytes per value (kv) */
} bench_params_t;

/* The state of one measurement, handed to an implementation's three functions. */
typedef struct {
    const bench_params_t *params;
    uint32_t n;          /* timed iterations */
    uint32_t warmup;     /* iterations run first and discarded */
    uint64_t *samples;   /* n slots, preallocated */
    uint64_t overhead;   /* cycles of one counter-read pair, subtracted from each sample */
    bench_correctness_t *correct;
    void *state;         /* the implementation's own, set by setup */
    const char *error;   /* set when a function fails: what failed, for the report */
} bench_run_t;

typedef enum {
    BENCH_ROLE_CLIENT, /* the thread that times (caller, signaller) */
    BENCH_ROLE_SERVER, /* its peer (server, waiter) */
} bench_role_t;

/* What the environment adds: pinning, progress lines, a clock for the time budget. Each may be
 * NULL (no pinning, no lines, no budget). */
typedef struct {
    void (*pin)(bench_role_t role);
    void (*progress)(const char *task, const char *variant, const char *impl, uint32_t n);
    uint64_t (*now)(void); /* cycles at timer_hz */
} bench_hooks_t;

/*
 * A page: the unit in which the root shares its memory with a measured thread in a VSpace of its
 * own (plat_thread_share). What such a thread touches of the root's memory is laid out on pages
 * of its own, so that nothing else of the root's goes with it. 4 KiB, every target's small page.
 */
#define BENCH_PAGE 4096u

/*
 * The runner's state that a measured thread touches, on a page of its own that the root shares
 * with every measured component (bench_share): the hooks, which bench_pin reads, and the
 * progress counter, which bench_record counts. bench_hooks and bench_progress name its fields.
 */
typedef struct {
    _Alignas(BENCH_PAGE) bench_hooks_t hooks;
    _Atomic uint64_t progress;
} bench_runner_page_t;
extern bench_runner_page_t bench_runner_page;
#define bench_hooks (bench_runner_page.hooks)

/*
 * Iterations recorded so far (warm-up included) and blocks started: what a watchdog watches to
 * tell a slow measurement from a stuck one. One writer at a time, outside the timed section; a
 * relaxed load and store (plain moves on x86_64 and aarch64).
 */
#define bench_progress (bench_runner_page.progress)

/*
 * Record iteration @i (0 .. warmup+n-1) timed from @start to @end. Warm-up iterations are
 * dropped here so a measure loop stays one plain loop. A sample whose end reads earlier than its
 * start (counters of two CPUs a few cycles apart) or below the timer overhead counts as 0.
 */
static inline void bench_record(bench_run_t *r, uint32_t i, uint64_t start, uint64_t end)
{
    atomic_store_explicit(&bench_progress,
                          atomic_load_explicit(&bench_progress, memory_order_relaxed) + 1u,
                          memory_order_relaxed);
    if (i < r->warmup) {
        return;
    }
    uint64_t d = end > start ? end - start : 0;
    r->samples[i - r->warmup] = d > r->overhead ? d - r->overhead : 0;
}

typedef struct {
    const char *name;        /* e.g. "raw_call", "bridge_call" */
    const char *description; /* one line: what one sample is */
    /* Untimed: make objects, threads, caps. Returns 0, or -1 with run->error set. */
    int (*setup)(bench_run_t *run);
    /* warmup + n iterations, each recorded with bench_record. NULL: not yet implemented. */
    int (*measure)(bench_run_t *run);
    /* Undo setup; called whenever setup succeeded. */
    void (*teardown)(bench_run_t *run);
    const char *not_measured_reason; /* shown when measure is NULL */
} bench_impl_t;

typedef enum {
    BENCH_TARGET_RATIO, /* met when overhead_ratio <= ratio_max */
    BENCH_TARGET_BOUND, /* met when the bridge's bound_stat <= bound_max (in the task's unit) */
} bench_target_kind_t;

typedef struct {
    bench_target_kind_t kind;
    double ratio_max;
    double bound_max;
    const char *bound_stat; /* "p50", "p99", ... for BENCH_TARGET_BOUND */
    const char *description;
} bench_target_t;

typedef struct {
    const char *task;    /* call, cap_call, grant, notify, kick, revoke */
    const char *variant; /* bridge, phase1, phase2, batched */
    const char *description;
    bench_params_t params;
    bench_unit_t unit;
    uint32_t ops_per_sample; /* for BENCH_UNIT_REQ_PER_S: requests done by one sample */
    bench_target_t target;
    const bench_impl_t *bridge;
    const bench_impl_t *baseline;
    bool quick; /* part of the --quick set */
} bench_case_t;

/* The table of every case, in report order (cases.c). */
extern const bench_case_t bench_cases[];
extern const uint32_t bench_case_count;
