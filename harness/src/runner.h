/*
 * Running a case: setup, the timed loop into the preallocated sample buffer, teardown, then the
 * statistics — the baseline first, then the bridge variant, back to back on the same clock.
 * Kernel-free itself; what touches the kernel is in the implementations.
 */
#pragma once

#include <stdint.h>

#include "result.h"
#include "task.h"

/* Largest n a measurement may ask for; two buffers of this many samples are static. */
#ifndef BENCH_MAX_SAMPLES
#define BENCH_MAX_SAMPLES (1u << 18)
#endif

typedef enum {
    BENCH_ROLE_CLIENT, /* the thread that times (caller, signaller) */
    BENCH_ROLE_SERVER, /* its peer (server, waiter) */
} bench_role_t;

/* What the environment adds: pinning threads to CPUs, showing progress. Both may be NULL. */
typedef struct {
    void (*pin)(bench_role_t role);
    void (*progress)(const char *task, const char *variant, const char *impl, uint32_t n);
} bench_hooks_t;

extern bench_hooks_t bench_hooks;

/* Called by a measured thread first thing, so the environment can pin it. */
static inline void bench_pin(bench_role_t role)
{
    if (bench_hooks.pin) {
        bench_hooks.pin(role);
    }
}

typedef struct {
    uint32_t n;
    uint32_t warmup;
    uint64_t overhead; /* cycles subtracted from each sample */
    uint64_t timer_hz;
} bench_config_t;

/* Measure one implementation into @m (status, correctness counters, statistics). */
void bench_measure(const bench_config_t *cfg, const bench_impl_t *impl,
                   const bench_params_t *params, bench_unit_t unit, uint32_t ops_per_sample,
                   bench_measurement_t *m);

/* Measure the case's baseline, then its bridge variant, and judge the result. */
void bench_run_case(const bench_config_t *cfg, const bench_case_t *c, bench_result_t *r);
