/*
 * Statistics of one measurement, computed after the timed loop from the raw samples: order
 * statistics, moments, the log-linear histogram and the outliers with their sample index.
 * Freestanding; the caller owns every buffer.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "histogram.h"

/* Outliers: value > p75 + K*IQR or value < p25 - K*IQR, IQR = p75 - p25 (Tukey's far-out fence). */
#define BENCH_OUTLIER_K 3u
/* At most this many outliers are listed (the first ones in sample order); all are counted. */
#define BENCH_OUTLIERS_KEPT 64u

#define BENCH_PERCENTILE_DEFINITION "nearest rank: p(q) is the ceil(q*n)-th smallest sample (1-based)"
#define BENCH_OUTLIER_RULE "value > p75 + 3*(p75 - p25) or value < p25 - 3*(p75 - p25); index is 0-based in the timed loop, after warm-up"

typedef struct {
    uint32_t n;
    uint64_t min, p25, p50, p75, p90, p95, p99, p999, max;
    double mean;
    double stddev; /* population standard deviation */
} bench_stats_t;

typedef struct {
    uint32_t index; /* position in the timed loop */
    uint64_t value;
} bench_outlier_t;

typedef struct {
    bench_stats_t stats;
    uint32_t hist[BENCH_HIST_BUCKETS];
    uint32_t outlier_count;
    uint32_t outliers_kept;
    bench_outlier_t outliers[BENCH_OUTLIERS_KEPT];
} bench_summary_t;

/* Sort @v[0..n) ascending in place (heapsort: no allocation, O(n log n) worst case). */
void bench_sort(uint64_t *v, uint32_t n);

/* The nearest-rank percentile of sorted @v: the ceil(num/den*n)-th smallest, at least the first. */
uint64_t bench_percentile(const uint64_t *sorted, uint32_t n, uint64_t num, uint64_t den);

/* Square root without libm (Newton's method); the harness core links no maths library. */
double bench_sqrt(double x);

/*
 * Summarise @samples[0..n) (left in sample order) into @out, using @scratch[0..n) for the sorted
 * copy. n must be >= 1.
 */
void bench_summarise(const uint64_t *samples, uint64_t *scratch, uint32_t n, bench_summary_t *out);
