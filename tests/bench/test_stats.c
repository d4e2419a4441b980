/*
 * The harness's statistics, histogram, JSON writer and runner against constructed sample sets
 * whose answers are known exactly. With --emit FILE it also writes a results document made from
 * fixed fake measurements, which the schema test validates.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "document.h"
#include "pairing.h"
#include "runner.h"
#include "stats.h"

#include "../check.h"

static uint64_t buf[20000], scratch[20000];
static bench_summary_t sum;

/* A fixed permutation (multiplicative step coprime to n), so order does not help the sort. */
static void fill_permuted(uint32_t n, uint64_t base)
{
    for (uint32_t i = 0; i < n; i++) {
        buf[(i * 7919u) % n] = base + i;
    }
}

static void test_sort(void)
{
    uint64_t x = 88172645463325252ull;
    for (uint32_t i = 0; i < 10000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        buf[i] = x % 1000u; /* many duplicates */
    }
    bench_sort(buf, 10000);
    for (uint32_t i = 1; i < 10000; i++) {
        CHECK(buf[i - 1] <= buf[i]);
    }
    uint64_t one = 5;
    bench_sort(&one, 1);
    CHECK_EQ(one, 5);
}

static void test_percentiles_1_to_100(void)
{
    fill_permuted(100, 1);
    bench_summarise(buf, scratch, 100, &sum);
    const bench_stats_t *s = &sum.stats;
    CHECK_EQ(s->n, 100);
    CHECK_EQ(s->min, 1);
    CHECK_EQ(s->p25, 25);
    CHECK_EQ(s->p50, 50);
    CHECK_EQ(s->p75, 75);
    CHECK_EQ(s->p90, 90);
    CHECK_EQ(s->p95, 95);
    CHECK_EQ(s->p99, 99);
    CHECK_EQ(s->p999, 100); /* ceil(99.9) = 100th */
    CHECK_EQ(s->max, 100);
    CHECK(s->mean == 50.5);
    CHECK(fabs(s->stddev - sqrt((100.0 * 100.0 - 1.0) / 12.0)) < 1e-9); /* uniform 1..n */
    CHECK_EQ(sum.outlier_count, 0);
    /* Samples left in loop order. */
    CHECK_EQ(buf[0], 1);
    CHECK_EQ(buf[7919u % 100u], 2);
}

static void test_percentiles_small_and_exact_ranks(void)
{
    for (uint32_t i = 0; i < 10; i++) {
        buf[i] = 10u * (10u - i); /* 100, 90, ..., 10 */
    }
    bench_summarise(buf, scratch, 10, &sum);
    CHECK_EQ(sum.stats.p50, 50);  /* rank 5 exactly: no rounding up to 60 */
    CHECK_EQ(sum.stats.p90, 90);  /* rank 9 */
    CHECK_EQ(sum.stats.p95, 100); /* rank ceil(9.5) = 10 */
    CHECK_EQ(sum.stats.p25, 30);  /* rank ceil(2.5) = 3 */

    fill_permuted(1000, 1);
    bench_summarise(buf, scratch, 1000, &sum);
    CHECK_EQ(sum.stats.p999, 999);
    CHECK_EQ(sum.stats.p99, 990);

    buf[0] = 42;
    bench_summarise(buf, scratch, 1, &sum);
    CHECK_EQ(sum.stats.min, 42);
    CHECK_EQ(sum.stats.p50, 42);
    CHECK_EQ(sum.stats.p999, 42);
    CHECK(sum.stats.stddev == 0.0);

    /* Two-point distribution: mean 150, population stddev 50. */
    for (uint32_t i = 0; i < 1000; i++) {
        buf[i] = (i & 1u) ? 200 : 100;
    }
    bench_summarise(buf, scratch, 1000, &sum);
    CHECK(sum.stats.mean == 150.0);
    CHECK(fabs(sum.stats.stddev - 50.0) < 1e-9);
    CHECK_EQ(sum.stats.p50, 100);
    CHECK_EQ(sum.stats.p90, 200);
}

static void test_histogram(void)
{
    /* Unit buckets below 32, then 16 per power of two. */
    for (uint64_t v = 0; v < 32; v++) {
        CHECK_EQ(bench_hist_index(v), v);
    }
    CHECK_EQ(bench_hist_index(32), bench_hist_index(33));
    CHECK(bench_hist_index(34) == bench_hist_index(33) + 1);
    uint64_t lo;
    double hi;
    bench_hist_bounds(bench_hist_index(1000), &lo, &hi);
    CHECK_EQ(lo, 992);
    CHECK(hi == 1024.0);
    bench_hist_bounds(bench_hist_index(200), &lo, &hi);
    CHECK_EQ(lo, 200);
    CHECK(hi == 208.0);
    bench_hist_bounds(bench_hist_index(UINT64_MAX), &lo, &hi);
    CHECK_EQ(bench_hist_index(UINT64_MAX), BENCH_HIST_BUCKETS - 1u);
    CHECK(hi == 18446744073709551616.0);

    /* Every value lies in its bucket; indices never go down as values go up. */
    uint32_t prev = 0;
    for (uint64_t v = 0; v < 70000; v++) {
        uint32_t i = bench_hist_index(v);
        bench_hist_bounds(i, &lo, &hi);
        CHECK(lo <= v && (double)v < hi);
        CHECK(i >= prev && i <= prev + 1u);
        prev = i;
        if (failures > 20) {
            return;
        }
    }
    for (uint32_t e = 4; e < 64; e++) {
        uint64_t v = 1ull << e;
        uint32_t i = bench_hist_index(v);
        bench_hist_bounds(i, &lo, &hi);
        CHECK_EQ(lo, v);
        CHECK_EQ(bench_hist_index(v - 1u) + 1u, i);
    }

    /* Counts: 0..31 once each, 32 and 33 together, 1000..1023 in one bucket. */
    uint32_t n = 0;
    for (uint64_t v = 0; v < 32; v++) {
        buf[n++] = v;
    }
    buf[n++] = 32;
    buf[n++] = 33;
    for (uint64_t v = 992; v < 1024; v++) {
        buf[n++] = v;
    }
    bench_summarise(buf, scratch, n, &sum);
    uint32_t total = 0, nonempty = 0;
    for (uint32_t i = 0; i < BENCH_HIST_BUCKETS; i++) {
        total += sum.hist[i];
        nonempty += sum.hist[i] != 0;
    }
    CHECK_EQ(total, n);
    CHECK_EQ(nonempty, 32 + 1 + 1);
    CHECK_EQ(sum.hist[bench_hist_index(32)], 2);
    CHECK_EQ(sum.hist[bench_hist_index(1000)], 32);
}

static void test_outliers(void)
{
    /* 1..100 with 18 replaced by 10000 (index 17) and 64 by 5000 (index 63). Sorted:
     * 1..17, 19..63, 65..100, 5000, 10000, so p25 = 26, p75 = 77, IQR = 51 and the fence is
     * 77 + 3*51 = 230: exactly the two replaced values are outliers. */
    for (uint32_t i = 0; i < 100; i++) {
        buf[i] = i + 1u;
    }
    buf[17] = 10000;
    buf[63] = 5000;
    bench_summarise(buf, scratch, 100, &sum);
    CHECK_EQ(sum.stats.p25, 26);
    CHECK_EQ(sum.stats.p75, 77);
    CHECK_EQ(sum.outlier_count, 2);
    CHECK_EQ(sum.outliers_kept, 2);
    CHECK_EQ(sum.outliers[0].index, 17);
    CHECK_EQ(sum.outliers[0].value, 10000);
    CHECK_EQ(sum.outliers[1].index, 63);
    CHECK_EQ(sum.outliers[1].value, 5000);

    /* On the fence is not beyond it. */
    buf[17] = 230;
    buf[63] = 231;
    bench_summarise(buf, scratch, 100, &sum);
    CHECK_EQ(sum.outlier_count, 1);
    CHECK_EQ(sum.outliers[0].index, 63);

    /* Low side: 1000 values of 1000..1099 and one 1 at index 500. */
    for (uint32_t i = 0; i < 1000; i++) {
        buf[i] = 1000u + i % 100u;
    }
    buf[500] = 1;
    bench_summarise(buf, scratch, 1000, &sum);
    CHECK_EQ(sum.outlier_count, 1);
    CHECK_EQ(sum.outliers[0].index, 500);
    CHECK_EQ(sum.outliers[0].value, 1);

    /* More outliers than are kept: all counted, the first ones listed. */
    for (uint32_t i = 0; i < 10000; i++) {
        buf[i] = (i % 50u == 7u) ? 1000000u : 100u + i % 10u;
    }
    bench_summarise(buf, scratch, 10000, &sum);
    CHECK_EQ(sum.outlier_count, 200);
    CHECK_EQ(sum.outliers_kept, BENCH_OUTLIERS_KEPT);
    CHECK_EQ(sum.outliers[0].index, 7);
    CHECK_EQ(sum.outliers[BENCH_OUTLIERS_KEPT - 1u].index, 7u + 50u * (BENCH_OUTLIERS_KEPT - 1u));
}

static void test_sqrt(void)
{
    CHECK(fabs(bench_sqrt(2.0) - 1.4142135623730951) < 1e-15);
    CHECK(bench_sqrt(0.0) == 0.0);
    CHECK(bench_sqrt(1e18) == 1e9);
    CHECK(fabs(bench_sqrt(0.25) - 0.5) < 1e-15);
}

/* JSON: the writer's output for a small document, byte for byte. */
static char jbuf[1 << 16];
static size_t jlen;
static void to_jbuf(void *ctx, const char *s, size_t len)
{
    (void)ctx;
    if (jlen + len < sizeof(jbuf)) {
        memcpy(jbuf + jlen, s, len);
        jlen += len;
        jbuf[jlen] = 0;
    }
}

static void test_json(void)
{
    bench_json_t j;
    jlen = 0;
    bench_json_init(&j, to_jbuf, NULL, false);
    bench_json_begin_object(&j);
    bench_json_key(&j, "a");
    bench_json_double(&j, 1.5);
    bench_json_key(&j, "b");
    bench_json_begin_array(&j);
    bench_json_double(&j, 2.0);
    bench_json_double(&j, 0.125);
    bench_json_double(&j, -3.25);
    bench_json_double(&j, 1.0 / 3.0);
    bench_json_double(&j, 0.0004321); /* a small ratio keeps its digits, never prints as 0 */
    bench_json_double(&j, NAN);
    bench_json_u64(&j, UINT64_MAX);
    bench_json_i64(&j, -7);
    bench_json_end_array(&j);
    bench_json_key(&j, "s\"");
    bench_json_string(&j, "q\"\\\n\x01");
    bench_json_key(&j, "e");
    bench_json_begin_object(&j);
    bench_json_end_object(&j);
    bench_json_key(&j, "n");
    bench_json_string(&j, NULL);
    bench_json_end_object(&j);
    const char *want = "{\"a\":1.5,\"b\":[2,0.125,-3.25,0.333,0.000432,null,18446744073709551615,-7],"
                       "\"s\\\"\":\"q\\\"\\\\\\n\\u0001\",\"e\":{},\"n\":null}";
    if (strcmp(jbuf, want) != 0) {
        fprintf(stderr, "json: got  %s\njson: want %s\n", jbuf, want);
        failures++;
    }

    jlen = 0;
    bench_json_init(&j, to_jbuf, NULL, true);
    bench_json_begin_object(&j);
    bench_json_key(&j, "x");
    bench_json_begin_array(&j);
    bench_json_u64(&j, 1);
    bench_json_end_array(&j);
    bench_json_end_object(&j);
    CHECK(strcmp(jbuf, "{\n  \"x\": [\n    1\n  ]\n}") == 0);
}

/* Fake implementations: known samples through the real runner. */
static uint64_t fake_base;
static int fake_measure(bench_run_t *r)
{
    for (uint32_t i = 0; i < r->warmup + r->n; i++) {
        /* Warm-up iterations are huge: they must not reach the statistics. */
        uint64_t d = i < r->warmup ? 1000000u : fake_base + (i - r->warmup) % 100u;
        bench_record(r, i, 1000, 1000 + d + r->overhead);
        r->correct->checks++;
    }
    return 0;
}
static int fake_fail_setup(bench_run_t *r)
{
    r->error = "no endpoint";
    return -1;
}
static int fake_lossy(bench_run_t *r)
{
    fake_measure(r);
    r->correct->lost = 3;
    return 0;
}
static int fake_short(bench_run_t *r)
{
    bench_record(r, r->warmup, 0, 10);
    return 0;
}

static const bench_impl_t impl_base = {"fake_raw", "fake baseline", NULL, fake_measure, NULL, NULL};
static const bench_impl_t impl_none = {"fake_bridge", "fake bridge", NULL, NULL, NULL,
                                       "the bridge is not built yet"};
static const bench_impl_t impl_fail = {"fake_fail", "fails", fake_fail_setup, fake_measure, NULL, NULL};
static const bench_impl_t impl_lossy = {"fake_lossy", "loses", NULL, fake_lossy, NULL, NULL};
static const bench_impl_t impl_short = {"fake_short", "records one", NULL, fake_short, NULL, NULL};

static const bench_case_t fake_cases[] = {
    {"call", "bridge", "measured on both sides", {0, 0, 0}, BENCH_UNIT_CYCLES, 0,
     {BENCH_TARGET_RATIO, 1.5, 0, NULL, "p50 at most 1.5x"}, &impl_base, &impl_base, true},
    {"grant", "bridge", "bridge not yet measured", {8, 0, 0}, BENCH_UNIT_CYCLES, 0,
     {BENCH_TARGET_RATIO, 2.0, 0, NULL, "p50 at most 2x"}, &impl_none, &impl_base, true},
    {"kick", "batched", "throughput", {0, 8, 0}, BENCH_UNIT_REQ_PER_S, 8,
     {BENCH_TARGET_RATIO, 0.5, 0, NULL, "at least twice the raw throughput"}, &impl_base,
     &impl_base, true},
    {"revoke", "bridge", "setup fails, baseline loses", {64, 0, 0}, BENCH_UNIT_CYCLES, 0,
     {BENCH_TARGET_BOUND, 0, 5000, "p99", "p99 under 5000 cycles"}, &impl_fail, &impl_lossy, true},
    {"notify", "bridge", "loop records too few", {0, 0, 0}, BENCH_UNIT_CYCLES, 0,
     {BENCH_TARGET_RATIO, 1.25, 0, NULL, "p50 at most 1.25x"}, &impl_short, &impl_base, true},
};
static bench_result_t fake_results[5];
static bench_measurement_t fake_linux[1];

static void run_fakes(void)
{
    /* 10 pairs of blocks of 100 samples, 5 warm-up iterations each. */
    bench_config_t cfg = {.n = 1000, .warmup = 50, .overhead = 20, .timer_hz = 1000000000u,
                          .pairs = 10};
    fake_base = 100;
    for (uint32_t i = 0; i < 5; i++) {
        bench_run_case(&cfg, &fake_cases[i], &fake_results[i]);
    }
    static const bench_params_t none;
    bench_measure(&cfg, &impl_base, &none, BENCH_UNIT_CYCLES, 0, &fake_linux[0]);
    fake_linux[0].related_task = "call";
}

static void test_runner(void)
{
    run_fakes();
    const bench_result_t *r = &fake_results[0];
    CHECK_EQ(r->baseline.status, BENCH_MEASURED);
    CHECK_EQ(r->bridge.status, BENCH_MEASURED);
    /* Each of 10 blocks: samples 100..199, overhead subtracted exactly, warm-up dropped; the
     * blocks pooled; every block's correctness counters added up. */
    CHECK_EQ(r->baseline.summary.stats.n, 1000);
    CHECK_EQ(r->baseline.summary.stats.min, 100);
    CHECK_EQ(r->baseline.summary.stats.max, 199);
    CHECK_EQ(r->baseline.summary.stats.p50, 149);
    CHECK_EQ(r->baseline.correct.checks, 1050);
    CHECK_EQ(r->pairs, 10);
    CHECK_EQ(r->blocks[9].n, 100);
    CHECK_EQ(r->blocks[9].baseline_p50, 149);
    CHECK(r->have_ratio && r->overhead_ratio == 1.0);
    CHECK(r->ci.lo == 1.0 && r->ci.hi == 1.0);
    CHECK_EQ(r->verdict, BENCH_VERDICT_YES);
    CHECK(strcmp(r->verdict_basis, "cycles") == 0);
    CHECK_EQ(r->met, 1);
    CHECK(!r->bridge.budget_limited);

    r = &fake_results[1];
    CHECK_EQ(r->bridge.status, BENCH_NOT_MEASURED);
    CHECK(strcmp(r->bridge.status_reason, "the bridge is not built yet") == 0);
    CHECK_EQ(r->baseline.status, BENCH_MEASURED);
    CHECK(!r->have_ratio);
    CHECK_EQ(r->met, -1);

    /* Throughput: 8 requests per sample at 1 GHz; the median sample in time order is 150 cycles
     * (the 500th smallest throughput comes from the 500th largest time). */
    r = &fake_results[2];
    CHECK_EQ(r->bridge.summary.stats.p50, (uint64_t)(8e9 / 150.0 + 0.5));
    CHECK_EQ(r->bridge.summary.stats.max, (uint64_t)(8e9 / 100.0 + 0.5));
    CHECK(r->have_ratio && r->overhead_ratio == 1.0);
    CHECK_EQ(r->verdict, BENCH_VERDICT_NO); /* the whole interval, [1, 1], above 0.5 */
    CHECK_EQ(r->met, 0);

    r = &fake_results[3];
    CHECK_EQ(r->bridge.status, BENCH_FAILED);
    CHECK(strcmp(r->bridge.status_reason, "no endpoint") == 0);
    CHECK_EQ(r->baseline.correct.lost, 3); /* one block: the bridge's failure ended the case */
    CHECK_EQ(r->pairs, 0);
    CHECK(!bench_results_ok(fake_results, 5, fake_linux, 1));
    CHECK(bench_results_ok(fake_results, 3, fake_linux, 1));
    /* Not measured apart from correctness: grant's bridge (no implementation), revoke's and
     * notify's (failed); the first three cases pass every check and still fail the run. */
    CHECK_EQ(bench_for_each_unmeasured(fake_results, 5, fake_linux, 1, NULL, NULL), 3);
    CHECK(!bench_results_measured(fake_results, 3, fake_linux, 1));
    CHECK(bench_results_measured(fake_results, 1, fake_linux, 1));

    r = &fake_results[4];
    CHECK_EQ(r->bridge.status, BENCH_FAILED);
    CHECK_EQ(r->met, -1);
}

/* ---- pairing: the interval of the median pair ratio, and the verdict ---- */

static void test_interval_16_pairs(void)
{
    /* 16 ratios, 1.00 .. 1.15 in a shuffled order. */
    static const double r[16] = {1.07, 1.00, 1.12, 1.03, 1.15, 1.09, 1.01, 1.14,
                                 1.04, 1.11, 1.06, 1.02, 1.13, 1.08, 1.05, 1.10};
    double scratch[16];
    bench_interval_t ci;
    bench_median_interval(r, scratch, 16, &ci);
    CHECK(ci.valid);
    CHECK_EQ(ci.pairs, 16);
    CHECK(fabs(ci.ratio - 1.075) < 1e-12); /* (8th + 9th) / 2 = (1.07 + 1.08) / 2 */
    /* P(B(16, 1/2) <= 3) = 697 / 65536: rank 4 covers 1 - 2 * 697/65536 = 97.87%; rank 5 would
     * cover 1 - 2 * 2517/65536 = 92.3%, below 95%. */
    CHECK_EQ(ci.lo_rank, 4);
    CHECK_EQ(ci.hi_rank, 13);
    CHECK(ci.lo == 1.03 && ci.hi == 1.12);
    CHECK(fabs(ci.level - (1.0 - 2.0 * 697.0 / 65536.0)) < 1e-15);
    CHECK_EQ(bench_verdict(&ci, 1.12), BENCH_VERDICT_YES);          /* hi at the target: met */
    CHECK_EQ(bench_verdict(&ci, 1.10), BENCH_VERDICT_INCONCLUSIVE); /* straddles */
    CHECK_EQ(bench_verdict(&ci, 1.03), BENCH_VERDICT_INCONCLUSIVE); /* lo at the target */
    CHECK_EQ(bench_verdict(&ci, 1.0299), BENCH_VERDICT_NO);         /* all of it above */
    /* The input is left as it was. */
    CHECK(r[0] == 1.07 && r[15] == 1.10);
}

static void test_interval_small_counts(void)
{
    double r[10] = {2.0, 1.0, 3.0, 9.0, 5.0, 4.0, 8.0, 6.0, 10.0, 7.0}, scratch[10];
    bench_interval_t ci;
    /* m = 10: P(B <= 1) = 11/1024 gives rank 2 (97.85%); P(B <= 2) = 56/1024 would give 89%. */
    bench_median_interval(r, scratch, 10, &ci);
    CHECK_EQ(ci.lo_rank, 2);
    CHECK_EQ(ci.hi_rank, 9);
    CHECK(ci.lo == 2.0 && ci.hi == 9.0 && ci.ratio == 5.5);
    CHECK(fabs(ci.level - (1.0 - 22.0 / 1024.0)) < 1e-15);
    /* m = 6: [min, max] covers 1 - 2/64 = 96.9%, enough for a verdict. */
    bench_median_interval(r, scratch, 6, &ci);
    CHECK_EQ(ci.lo_rank, 1);
    CHECK(ci.lo == 1.0 && ci.hi == 9.0 && ci.ratio == 3.5);
    CHECK(fabs(ci.level - (1.0 - 2.0 / 64.0)) < 1e-15);
    CHECK_EQ(bench_verdict(&ci, 0.5), BENCH_VERDICT_NO);
    /* m = 5: even [min, max] covers only 1 - 2/32 = 93.75%: inconclusive, whatever the target. */
    bench_median_interval(r, scratch, 5, &ci);
    CHECK(ci.valid && ci.lo == 1.0 && ci.hi == 9.0 && ci.ratio == 3.0);
    CHECK(fabs(ci.level - 0.9375) < 1e-15);
    CHECK_EQ(bench_verdict(&ci, 0.5), BENCH_VERDICT_INCONCLUSIVE);
    CHECK_EQ(bench_verdict(&ci, 100.0), BENCH_VERDICT_INCONCLUSIVE);
    /* m = 1: the one ratio, level 0. */
    bench_median_interval(r, scratch, 1, &ci);
    CHECK(ci.valid && ci.ratio == 2.0 && ci.lo == 2.0 && ci.hi == 2.0 && ci.level == 0.0);
    CHECK_EQ(bench_verdict(&ci, 5.0), BENCH_VERDICT_INCONCLUSIVE);
    /* m = 0 and above BENCH_MAX_PAIRS: no interval, not judged. */
    bench_median_interval(r, scratch, 0, &ci);
    CHECK(!ci.valid);
    CHECK_EQ(bench_verdict(&ci, 5.0), BENCH_VERDICT_NONE);
    CHECK(strcmp(bench_verdict_name(BENCH_VERDICT_INCONCLUSIVE), "inconclusive") == 0);
    CHECK(strcmp(bench_verdict_name(BENCH_VERDICT_NONE), "not_judged") == 0);
}

/*
 * Pairing through the real runner: fakes whose every sample in block j is a known value, and a
 * log of the order the blocks ran in. Pair 3 is hit by a "burst" that makes both of its blocks
 * ten times slower; pair 5's bridge block alone is hit (a burst between the two blocks).
 */
static char order_log[64];
static uint32_t order_len, block_no[2];
static uint64_t paired_value(int bridge, uint32_t block)
{
    static const uint64_t bridge_of[10] = {1200, 1100, 1300, 1250, 1150, 9000, 1220, 1180, 1270,
                                           1240};
    uint64_t v = bridge ? bridge_of[block] : 1000u;
    return block == 3 ? v * 10u : v;
}
static int paired_fill(bench_run_t *r, int bridge)
{
    uint32_t j = block_no[bridge]++;
    if (order_len + 1u < sizeof(order_log)) {
        order_log[order_len++] = bridge ? 'B' : 'A';
    }
    for (uint32_t i = 0; i < r->warmup + r->n; i++) {
        bench_record(r, i, 0, paired_value(bridge, j) + r->overhead);
    }
    return 0;
}
static int paired_base(bench_run_t *r) { return paired_fill(r, 0); }
static int paired_bridge(bench_run_t *r) { return paired_fill(r, 1); }
static const bench_impl_t impl_paired_base = {"paired_raw", "A", NULL, paired_base, NULL, NULL};
static const bench_impl_t impl_paired_bridge = {"paired_bridge", "B", NULL, paired_bridge, NULL,
                                                NULL};

static void test_pairing(void)
{
    static const bench_case_t c = {"call", "bridge", "paired", {0, 0, 0}, BENCH_UNIT_CYCLES, 1,
                                   {BENCH_TARGET_RATIO, 1.5, 0, NULL, "p50 at most 1.5x"},
                                   &impl_paired_bridge, &impl_paired_base, true};
    bench_config_t cfg = {.n = 200, .warmup = 30, .overhead = 4, .timer_hz = 1000000000u,
                          .pairs = 10};
    static bench_result_t r;
    order_len = 0;
    block_no[0] = block_no[1] = 0;
    memset(order_log, 0, sizeof(order_log));
    bench_run_case(&cfg, &c, &r);
    CHECK(strcmp(order_log, "ABABABABABABABABABAB") == 0); /* alternating, baseline first */
    CHECK_EQ(r.pairs, 10);
    CHECK_EQ(r.blocks[0].n, 20);
    CHECK_EQ(r.blocks[3].baseline_p50, 10000);
    CHECK_EQ(r.blocks[3].bridge_p50, 12500);
    CHECK(r.blocks[3].ratio == 1.25); /* the burst on both blocks of pair 3 cancels */
    CHECK(r.blocks[5].ratio == 9.0);  /* a burst on one block is one outlying pair */
    /* Sorted pair ratios: 1.1 1.15 1.18 1.2 1.22 1.24 1.25 1.27 1.3 9.0: the median is
     * (1.22 + 1.24) / 2, the interval ranks 2 and 9 -- the outlying pair does not move it. */
    CHECK(fabs(r.overhead_ratio - 1.23) < 1e-12);
    CHECK(r.ci.lo == 1.15 && r.ci.hi == 1.3);
    CHECK_EQ(r.verdict, BENCH_VERDICT_YES);
    /* Pooled: 10 blocks of 20 baseline samples, one of them ten times slower. */
    CHECK_EQ(r.baseline.summary.stats.n, 200);
    CHECK_EQ(r.baseline.summary.stats.p50, 1000);
    CHECK_EQ(r.baseline.summary.stats.max, 10000);
}

/*
 * The time budget, on a fake clock that advances 1000 cycles per iteration recorded: the first
 * pair is a probe (16 samples and 5 warm-up per side), later blocks are cut to what the budget
 * allows at that pace, and the case ends with fewer samples, marked.
 */
static uint64_t fake_clock;
static uint64_t fake_now(void) { return fake_clock; }
static int clocked_fill(bench_run_t *r)
{
    for (uint32_t i = 0; i < r->warmup + r->n; i++) {
        fake_clock += 1000u;
        bench_record(r, i, 0, 500u + r->overhead);
    }
    return 0;
}
static const bench_impl_t impl_clocked = {"clocked", "one sample per 1000 cycles", NULL,
                                          clocked_fill, NULL, NULL};

static void test_budget(void)
{
    static const bench_case_t c = {"call", "bridge", "clocked", {0, 0, 0}, BENCH_UNIT_CYCLES, 1,
                                   {BENCH_TARGET_RATIO, 1.5, 0, NULL, "p50 at most 1.5x"},
                                   &impl_clocked, &impl_clocked, true};
    bench_config_t cfg = {.n = 1000, .warmup = 50, .overhead = 0, .timer_hz = 1000000000u,
                          .pairs = 10, .budget_cycles = 1000000u};
    static bench_result_t r;
    bench_hooks.now = fake_now;
    fake_clock = 0;
    bench_run_case(&cfg, &c, &r);
    /* Probe: 2 x (16 + 5) iterations = 42,000 cycles. Pair k (1..9) gets
     * (1,000,000 - elapsed) / (10 - k) / 2 sides / 1000 iterations per block, 5 of them warm-up:
     * 958,000 / 9 / 2 / 1000 -> 53, i.e. 48 samples, and so on while the rounding leaves 53;
     * pairs 8 and 9 find 216,000 / 2 and 108,000 / 1 -> 54, i.e. 49 samples. n = 16 + 7 * 48 +
     * 2 * 49 = 450 of 1000, and the budget is used exactly: 42,000 + 7 * 106,000 + 2 * 108,000. */
    CHECK_EQ(r.pairs, 10);
    CHECK_EQ(r.blocks[0].n, 16);
    CHECK_EQ(r.blocks[1].n, 48);
    CHECK_EQ(r.blocks[7].n, 48);
    CHECK_EQ(r.blocks[8].n, 49);
    CHECK_EQ(r.blocks[9].n, 49);
    CHECK_EQ(r.bridge.summary.stats.n, 450);
    CHECK_EQ(r.bridge.n_planned, 1000);
    CHECK(r.bridge.budget_limited && r.baseline.budget_limited);
    CHECK_EQ(fake_clock, 1000000);
    CHECK_EQ(r.verdict, BENCH_VERDICT_YES);

    /* A budget smaller than the probe: one pair, then no block of BENCH_MIN_BLOCK fits. */
    cfg.budget_cycles = 40000u;
    fake_clock = 0;
    bench_run_case(&cfg, &c, &r);
    CHECK_EQ(r.pairs, 1);
    CHECK_EQ(r.bridge.status, BENCH_MEASURED);
    CHECK_EQ(r.bridge.summary.stats.n, 16);
    CHECK(r.bridge.budget_limited);
    CHECK_EQ(r.verdict, BENCH_VERDICT_INCONCLUSIVE); /* one pair: no interval to judge by */
    bench_hooks.now = NULL;
}

/* Instruction counts decide where present; a correctness failure is "no" whatever the figures. */
static void test_verdict_basis(void)
{
    static bench_result_t r;
    run_fakes();
    r = fake_results[0]; /* cycles: ratio 1, yes against 1.5 */
    r.icount = (bench_icount_t){true, 2000.0, 1000.0, 2.0, BENCH_VERDICT_NONE};
    bench_judge(&r);
    CHECK_EQ(r.cycles_verdict, BENCH_VERDICT_YES);
    CHECK_EQ(r.icount.verdict, BENCH_VERDICT_NO);
    CHECK_EQ(r.verdict, BENCH_VERDICT_NO);
    CHECK(strcmp(r.verdict_basis, "instructions") == 0);
    r.icount.ratio = 1.5;
    bench_judge(&r);
    CHECK_EQ(r.verdict, BENCH_VERDICT_YES); /* at the target: met */
    r.loaded = true; /* instructions do not depend on the machine's load */
    bench_judge(&r);
    CHECK_EQ(r.verdict, BENCH_VERDICT_YES);
    r.icount.have = false; /* cycles on a loaded machine: at most inconclusive */
    bench_judge(&r);
    CHECK_EQ(r.cycles_verdict, BENCH_VERDICT_YES);
    CHECK_EQ(r.verdict, BENCH_VERDICT_INCONCLUSIVE);
    CHECK(strcmp(r.verdict_basis, "cycles") == 0);
    CHECK_EQ(r.met, -1);
    r = fake_results[2]; /* throughput: the interval [1, 1] above 0.5 */
    r.loaded = true;
    bench_judge(&r);
    CHECK_EQ(r.cycles_verdict, BENCH_VERDICT_NO);
    CHECK_EQ(r.verdict, BENCH_VERDICT_INCONCLUSIVE);
    r.loaded = false;
    r = fake_results[0];
    r.icount = (bench_icount_t){true, 1500.0, 1000.0, 1.5, BENCH_VERDICT_NONE};
    r.baseline.correct.lost = 1;
    bench_judge(&r);
    CHECK_EQ(r.verdict, BENCH_VERDICT_NO);
    CHECK(strcmp(r.verdict_basis, "correctness") == 0);
    CHECK_EQ(r.met, 0);
}

static void to_file(void *ctx, const char *s, size_t len)
{
    fwrite(s, 1, len, (FILE *)ctx);
}

static int emit(const char *path)
{
    run_fakes();
    static const bench_machine_t machine = {
        .have_load = true,
        .load_start = {2.5, 1.25, 0.5},
        .load_end = {3.0, 2.0, 1.0},
        .cpus_start = 2,
        .cpus_end = 2,
        .governor = NULL,
        .loaded = true,
        .loaded_reason = "fixed for the test",
    };
    static const bench_kv_t config[] = {
        {"model", BENCH_KV_STRING, "fake", 0, false},
        {"mcs", BENCH_KV_BOOL, NULL, 0, false},
        {"max_prio", BENCH_KV_NUMBER, NULL, 255, false},
    };
    /* What a run leaves out by design is listed apart from what it failed to measure. */
    static const bench_skip_t skipped[] = {
        {NULL, "--no-linux"},
        {&fake_cases[2], "not in the --quick set"},
    };
    bench_run_info_t info = {
        .run_id = "00000000-0000-4000-8000-000000000000",
        .started_at = "2025-01-01T00:00:00Z",
        .kernel = "sim",
        .arch = "x86_64",
        .platform = "linux",
        .cpu = "fake \"cpu\"",
        .cpu_count = 2,
        .timer_hz = 1000000000u,
        .git_commit = "unknown",
        .git_dirty = -1,
        .kernel_config = config,
        .kernel_config_len = 3,
        .address_spaces = "shared",
        .mode = "custom",
        .quick = false,
        .emulation_kind = "qemu",
        .emulation_accel = "tcg",
        .pinning_enabled = false,
        .warmup = 50,
        .n_requested = 1000,
        .timer_overhead = 20,
        .timer_overhead_method = "fixed",
        .argv = "test_stats --emit",
        .pairs = 10,
        .budget_s = 10,
        .machine = &machine,
        .skipped = skipped,
        .nskipped = 2,
    };
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return 1;
    }
    bench_emit_document(&info, fake_results, 5, fake_linux, 1, to_file, f, true);
    return fclose(f) != 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--emit") == 0) {
        return emit(argv[2]);
    }
    test_sort();
    test_percentiles_1_to_100();
    test_percentiles_small_and_exact_ranks();
    test_histogram();
    test_outliers();
    test_sqrt();
    test_json();
    test_runner();
    test_interval_16_pairs();
    test_interval_small_counts();
    test_pairing();
    test_budget();
    test_verdict_basis();
    if (failures) {
        fprintf(stderr, "test_stats: %d check(s) failed\n", failures);
        return 1;
    }
    printf("test_stats: all checks passed\n");
    return 0;
}
