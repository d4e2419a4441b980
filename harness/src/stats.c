/* Statistics after the timed loop: heapsort, nearest-rank percentiles, moments, histogram, outliers. */
#include "stats.h"

#include <string.h>

static void sift_down(uint64_t *v, uint32_t root, uint32_t end)
{
    for (;;) {
        uint32_t child = 2u * root + 1u;
        if (child >= end) {
            return;
        }
        if (child + 1u < end && v[child + 1u] > v[child]) {
            child++;
        }
        if (v[root] >= v[child]) {
            return;
        }
        uint64_t t = v[root];
        v[root] = v[child];
        v[child] = t;
        root = child;
    }
}

void bench_sort(uint64_t *v, uint32_t n)
{
    if (n < 2u) {
        return;
    }
    for (uint32_t i = n / 2u; i-- > 0;) {
        sift_down(v, i, n);
    }
    for (uint32_t end = n - 1u; end > 0; end--) {
        uint64_t t = v[0];
        v[0] = v[end];
        v[end] = t;
        sift_down(v, 0, end);
    }
}

uint64_t bench_percentile(const uint64_t *sorted, uint32_t n, uint64_t num, uint64_t den)
{
    /* Integer ceil(num*n/den): no rounding surprise at exact ranks such as p50 of n = 10. */
    uint64_t rank = (num * (uint64_t)n + den - 1u) / den;
    if (rank < 1u) {
        rank = 1u;
    }
    if (rank > n) {
        rank = n;
    }
    return sorted[rank - 1u];
}

double bench_sqrt(double x)
{
    if (!(x > 0.0)) {
        return 0.0;
    }
    /* Start from a power of two near the root, then Newton until it stops decreasing. */
    double r = 1.0;
    while (r * r < x) {
        r *= 2.0;
    }
    for (int i = 0; i < 200; i++) {
        double next = 0.5 * (r + x / r);
        if (next >= r) {
            break;
        }
        r = next;
    }
    return r;
}

void bench_summarise(const uint64_t *samples, uint64_t *scratch, uint32_t n, bench_summary_t *out)
{
    memset(out, 0, sizeof(*out));
    if (n == 0u) {
        return;
    }
    memcpy(scratch, samples, (size_t)n * sizeof(uint64_t));
    bench_sort(scratch, n);

    bench_stats_t *s = &out->stats;
    s->n = n;
    s->min = scratch[0];
    s->max = scratch[n - 1u];
    s->p25 = bench_percentile(scratch, n, 25, 100);
    s->p50 = bench_percentile(scratch, n, 50, 100);
    s->p75 = bench_percentile(scratch, n, 75, 100);
    s->p90 = bench_percentile(scratch, n, 90, 100);
    s->p95 = bench_percentile(scratch, n, 95, 100);
    s->p99 = bench_percentile(scratch, n, 99, 100);
    s->p999 = bench_percentile(scratch, n, 999, 1000);

    /* Two passes so the variance does not lose precision to a large mean. */
    double sum = 0.0;
    for (uint32_t i = 0; i < n; i++) {
        sum += (double)samples[i];
    }
    s->mean = sum / n;
    double sq = 0.0;
    for (uint32_t i = 0; i < n; i++) {
        double d = (double)samples[i] - s->mean;
        sq += d * d;
    }
    s->stddev = bench_sqrt(sq / n);

    uint64_t iqr = s->p75 - s->p25;
    uint64_t fence = (uint64_t)BENCH_OUTLIER_K * iqr;
    uint64_t hi = (s->p75 > UINT64_MAX - fence) ? UINT64_MAX : s->p75 + fence;
    uint64_t lo = (s->p25 > fence) ? s->p25 - fence : 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t v = samples[i];
        out->hist[bench_hist_index(v)]++;
        if (v > hi || v < lo) {
            if (out->outliers_kept < BENCH_OUTLIERS_KEPT) {
                out->outliers[out->outliers_kept].index = i;
                out->outliers[out->outliers_kept].value = v;
                out->outliers_kept++;
            }
            out->outlier_count++;
        }
    }
}
