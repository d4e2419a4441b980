/*
 * Judging a ratio from paired blocks: bridge and baseline run in alternating short blocks, each
 * pair gives one ratio of block medians, and the case's ratio is the median of those ratios with
 * a distribution-free confidence interval (the sign-test interval: two order statistics of the
 * pair ratios, chosen from the binomial distribution). A verdict is yes / no / inconclusive by
 * where that interval lies against the target. Freestanding: no libm, no allocation.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Pairs of blocks per case, and the most a result can hold. */
#define BENCH_PAIRS 16u
#define BENCH_MAX_PAIRS 32u
/* The interval's nominal level; the exact coverage reached is reported beside it. */
#define BENCH_CI_LEVEL 0.95

#define BENCH_INTERVAL_METHOD                                                                      \
    "median of the per-pair ratios (bridge block p50 / baseline block p50, inverted for req/s); "  \
    "interval: the sign-test (binomial order-statistic) interval for that median, the l-th "       \
    "smallest to the l-th largest pair ratio with l the largest rank whose coverage is at least "  \
    "95%; exact for independent pairs, no resampling, no seed"

typedef enum {
    BENCH_VERDICT_NONE,         /* not judged: not measured, or no ratio */
    BENCH_VERDICT_YES,          /* the whole interval at or below the target */
    BENCH_VERDICT_NO,           /* the whole interval above the target, or a correctness failure */
    BENCH_VERDICT_INCONCLUSIVE, /* the interval straddles the target, or too few pairs */
} bench_verdict_t;

typedef struct {
    bool valid;        /* at least one pair */
    uint32_t pairs;    /* m, the pair ratios it rests on */
    double ratio;      /* their median (the mean of the two middle ones when m is even) */
    double lo, hi;     /* the lo_rank-th and hi_rank-th smallest pair ratios */
    uint32_t lo_rank;  /* 1-based */
    uint32_t hi_rank;  /* m + 1 - lo_rank */
    double level;      /* exact coverage of [lo, hi] for the median: 1 - 2 P(Binomial(m, 1/2) < lo_rank) */
} bench_interval_t;

/*
 * The median of @ratios[0..m) and its interval, using @scratch[0..m) for a sorted copy.
 * m == 0 (or above BENCH_MAX_PAIRS) gives valid = false. With m < 6 no pair of order statistics reaches 95%; the widest,
 * [min, max], is given with its lower level, and bench_verdict calls that inconclusive.
 */
void bench_median_interval(const double *ratios, double *scratch, uint32_t m,
                           bench_interval_t *out);

/* yes if hi <= target, no if lo > target, inconclusive otherwise or below BENCH_CI_LEVEL. */
bench_verdict_t bench_verdict(const bench_interval_t *ci, double target_max);

/* "yes", "no", "inconclusive", "not_judged". */
const char *bench_verdict_name(bench_verdict_t v);
