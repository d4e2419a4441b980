/*
 * HDR-style log-linear histogram of unsigned samples: exact below 2^BENCH_HIST_SUB_BITS, then
 * 2^BENCH_HIST_SUB_BITS equal-width buckets per power of two, so the relative width of a bucket
 * is at most 1/16 (6.25 %) whatever the magnitude. Freestanding; no allocation.
 */
#pragma once

#include <stdint.h>

#define BENCH_HIST_SUB_BITS 4u
#define BENCH_HIST_SUB_COUNT (1u << BENCH_HIST_SUB_BITS)
/* Indices 0..2*SUB_COUNT-1 are unit-width; then SUB_COUNT per exponent up to 63. */
#define BENCH_HIST_BUCKETS ((64u - BENCH_HIST_SUB_BITS + 1u) * BENCH_HIST_SUB_COUNT)

/* The bucket that holds @v. */
static inline uint32_t bench_hist_index(uint64_t v)
{
    if (v < BENCH_HIST_SUB_COUNT) {
        return (uint32_t)v;
    }
    uint32_t e = 63u - (uint32_t)__builtin_clzll(v); /* v in [2^e, 2^(e+1)), e >= SUB_BITS */
    uint32_t shift = e - BENCH_HIST_SUB_BITS;
    return (e - BENCH_HIST_SUB_BITS + 1u) * BENCH_HIST_SUB_COUNT +
           (uint32_t)((v >> shift) - BENCH_HIST_SUB_COUNT);
}

/*
 * The bucket's bounds: it holds lo <= v < hi. @hi is returned as a double because the last
 * bucket ends at 2^64, which no uint64_t holds.
 */
static inline void bench_hist_bounds(uint32_t index, uint64_t *lo, double *hi)
{
    if (index < 2u * BENCH_HIST_SUB_COUNT) {
        *lo = index;
        *hi = (double)index + 1.0;
        return;
    }
    uint32_t e = index / BENCH_HIST_SUB_COUNT + BENCH_HIST_SUB_BITS - 1u;
    uint32_t shift = e - BENCH_HIST_SUB_BITS;
    uint64_t m = BENCH_HIST_SUB_COUNT + index % BENCH_HIST_SUB_COUNT;
    *lo = m << shift;
    *hi = (double)*lo + (double)(1ull << shift);
}
