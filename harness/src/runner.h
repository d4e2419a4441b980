/*
 * Running a case: the baseline and the bridge variant in alternating short blocks (ABAB...), each
 * block its own setup, warm-up, timed loop and teardown on the same CPUs, so that drift and bursts
 * of load fall on both sides; each pair of blocks gives one ratio (pairing.h). A time budget
 * shrinks later blocks when iterations come slowly, and ends a case with fewer samples rather
 * than late. Kernel-free itself; what touches the kernel is in the implementations.
 */
#pragma once

#include <stdatomic.h>
#include <stdint.h>

#include "result.h"
#include "task.h"

/* Largest n a measurement may ask for; three buffers of this many samples are static. */
#ifndef BENCH_MAX_SAMPLES
#define BENCH_MAX_SAMPLES (1u << 18)
#endif
/* Under a time budget: the first pair is a probe of at most this many samples (and warm-up),
 * and a later block smaller than BENCH_MIN_BLOCK ends the case. */
#define BENCH_PROBE_BLOCK 16u
#define BENCH_MIN_BLOCK 8u

/* Called by a measured thread first thing, so the environment can pin it. */
static inline void bench_pin(bench_role_t role)
{
    if (bench_hooks.pin) {
        bench_hooks.pin(role);
    }
}

typedef struct {
    uint32_t n;             /* samples per side */
    uint32_t warmup;        /* discarded iterations per side, spread over its blocks */
    uint64_t overhead;      /* cycles subtracted from each sample */
    uint64_t timer_hz;
    uint32_t pairs;         /* blocks per side; 0: BENCH_PAIRS */
    uint64_t budget_cycles; /* time budget of one case (both sides); 0: none */
} bench_config_t;

/* Add the counters of @from to @to. */
void bench_correctness_add(bench_correctness_t *to, const bench_correctness_t *from);

/* Measure one implementation alone into @m, in blocks under the same budget (Linux baselines). */
void bench_measure(const bench_config_t *cfg, const bench_impl_t *impl,
                   const bench_params_t *params, bench_unit_t unit, uint32_t ops_per_sample,
                   bench_measurement_t *m);

/* Measure the case's baseline and bridge variant in paired blocks, and judge the result. */
void bench_run_case(const bench_config_t *cfg, const bench_case_t *c, bench_result_t *r);
