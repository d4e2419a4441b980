/* The sign-test interval for the median of paired block ratios, and the three-way verdict. */
#include "pairing.h"

static void sort_doubles(double *v, uint32_t n)
{
    /* Insertion sort: m is at most BENCH_MAX_PAIRS. */
    for (uint32_t i = 1; i < n; i++) {
        double x = v[i];
        uint32_t j = i;
        while (j > 0 && v[j - 1] > x) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

/*
 * P(Binomial(m, 1/2) <= k), exact for m <= BENCH_MAX_PAIRS: each C(m, i) is built from the
 * previous one by a multiply and an exact divide in 64-bit integers (C(32, 16) * 32 < 2^36).
 */
static double binomial_cdf_half(uint32_t m, uint32_t k)
{
    uint64_t c = 1, sum = 0;
    for (uint32_t i = 0; i <= k && i <= m; i++) {
        sum += c;
        c = c * (m - i) / (i + 1u);
    }
    double total = 1.0;
    for (uint32_t i = 0; i < m; i++) {
        total *= 2.0;
    }
    return (double)sum / total;
}

void bench_median_interval(const double *ratios, double *scratch, uint32_t m,
                           bench_interval_t *out)
{
    *out = (bench_interval_t){0};
    if (m == 0 || m > BENCH_MAX_PAIRS) {
        return;
    }
    for (uint32_t i = 0; i < m; i++) {
        scratch[i] = ratios[i];
    }
    sort_doubles(scratch, m);
    out->valid = true;
    out->pairs = m;
    out->ratio = m % 2u ? scratch[m / 2u] : (scratch[m / 2u - 1u] + scratch[m / 2u]) / 2.0;
    /* The largest l whose interval [x(l), x(m+1-l)] covers the median with at least the level:
     * it misses only if fewer than l pair ratios lie on one side, P = 2 P(B <= l-1). */
    uint32_t l = 1;
    for (uint32_t cand = 2; 2u * cand <= m + 1u; cand++) {
        if (1.0 - 2.0 * binomial_cdf_half(m, cand - 1u) >= BENCH_CI_LEVEL) {
            l = cand;
        } else {
            break;
        }
    }
    out->lo_rank = l;
    out->hi_rank = m + 1u - l;
    out->lo = scratch[l - 1u];
    out->hi = scratch[m - l];
    out->level = 1.0 - 2.0 * binomial_cdf_half(m, l - 1u);
}

bench_verdict_t bench_verdict(const bench_interval_t *ci, double target_max)
{
    if (!ci->valid) {
        return BENCH_VERDICT_NONE;
    }
    if (ci->level < BENCH_CI_LEVEL) {
        return BENCH_VERDICT_INCONCLUSIVE;
    }
    if (ci->hi <= target_max) {
        return BENCH_VERDICT_YES;
    }
    if (ci->lo > target_max) {
        return BENCH_VERDICT_NO;
    }
    return BENCH_VERDICT_INCONCLUSIVE;
}

const char *bench_verdict_name(bench_verdict_t v)
{
    switch (v) {
    case BENCH_VERDICT_YES:
        return "yes";
    case BENCH_VERDICT_NO:
        return "no";
    case BENCH_VERDICT_INCONCLUSIVE:
        return "inconclusive";
    case BENCH_VERDICT_NONE:
        break;
    }
    return "not_judged";
}
