/* Judging a case: the overhead ratio, the target, and the correctness counters. */
#include "result.h"

#include <stddef.h>
#include <string.h>

bool bench_correct(const bench_correctness_t *c)
{
    return c->violations == 0 && c->lost == 0 && c->duplicated == 0 && c->errors == 0;
}

bool bench_results_ok(const bench_result_t *r, uint32_t nr, const bench_measurement_t *lx,
                      uint32_t nlx)
{
    for (uint32_t i = 0; i < nr; i++) {
        if (!bench_correct(&r[i].bridge.correct) || !bench_correct(&r[i].baseline.correct)) {
            return false;
        }
    }
    for (uint32_t i = 0; i < nlx; i++) {
        if (!bench_correct(&lx[i].correct)) {
            return false;
        }
    }
    return true;
}

uint32_t bench_for_each_unmeasured(const bench_result_t *r, uint32_t nr,
                                   const bench_measurement_t *lx, uint32_t nlx,
                                   bench_unmeasured_fn fn, void *ctx)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < nr; i++) {
        const bench_measurement_t *side[2] = {&r[i].bridge, &r[i].baseline};
        for (int k = 0; k < 2; k++) {
            if (side[k]->status != BENCH_MEASURED) {
                n++;
                if (fn) {
                    fn(ctx, r[i].c, k == 0 ? "bridge" : "baseline", side[k]);
                }
            }
        }
    }
    for (uint32_t i = 0; i < nlx; i++) {
        if (lx[i].status != BENCH_MEASURED) {
            n++;
            if (fn) {
                fn(ctx, NULL, "linux", &lx[i]);
            }
        }
    }
    return n;
}

static void say(bench_out_fn out, void *ctx, const char *s)
{
    out(ctx, s, strlen(s));
}

static void say_param(bench_out_fn out, void *ctx, const char *name, uint32_t v)
{
    char num[24];
    if (v) {
        say(out, ctx, name);
        out(ctx, num, bench_fmt_u64(num, v));
    }
}

void bench_say_unmeasured(bench_out_fn out, void *ctx, const bench_case_t *c, const char *side,
                          const bench_measurement_t *m)
{
    say(out, ctx, "sel4bridge-bench: NOT MEASURED: ");
    if (c) {
        say(out, ctx, c->task);
        say(out, ctx, "/");
        say(out, ctx, c->variant);
        say_param(out, ctx, " k=", c->params.k);
        say_param(out, ctx, " b=", c->params.b);
        say_param(out, ctx, " bytes=", c->params.bytes);
    } else {
        say(out, ctx, m->related_task ? m->related_task : "-");
    }
    say(out, ctx, ", ");
    say(out, ctx, side);
    say(out, ctx, " side (");
    say(out, ctx, m->name);
    say(out, ctx, "): ");
    say(out, ctx, bench_status_name(m->status));
    say(out, ctx, ": ");
    say(out, ctx, m->status_reason ? m->status_reason : "no reason given");
    say(out, ctx, "\n");
}

bool bench_results_measured(const bench_result_t *r, uint32_t nr, const bench_measurement_t *lx,
                            uint32_t nlx)
{
    return bench_for_each_unmeasured(r, nr, lx, nlx, NULL, NULL) == 0;
}

bool bench_ratio_of(bench_unit_t unit, uint64_t bridge, uint64_t baseline, double *ratio)
{
    if (bridge == 0 || baseline == 0) {
        return false;
    }
    *ratio = unit == BENCH_UNIT_REQ_PER_S ? (double)baseline / (double)bridge
                                          : (double)bridge / (double)baseline;
    return true;
}

/* strcmp is not among the string functions a root task has (memcpy, memset, memcmp, strlen). */
static bool same(const char *a, const char *b)
{
    size_t n = strlen(a);
    return n == strlen(b) && memcmp(a, b, n) == 0;
}

static bool stat_named(const bench_stats_t *s, const char *name, uint64_t *v)
{
    static const struct {
        const char *name;
        size_t off;
    } stats[] = {
        {"p50", offsetof(bench_stats_t, p50)}, {"p90", offsetof(bench_stats_t, p90)},
        {"p95", offsetof(bench_stats_t, p95)}, {"p99", offsetof(bench_stats_t, p99)},
        {"p999", offsetof(bench_stats_t, p999)}, {"max", offsetof(bench_stats_t, max)},
    };
    for (size_t i = 0; name && i < sizeof(stats) / sizeof(stats[0]); i++) {
        if (same(stats[i].name, name)) {
            memcpy(v, (const char *)s + stats[i].off, sizeof(*v));
            return true;
        }
    }
    return false;
}

void bench_judge(bench_result_t *r)
{
    double ratios[BENCH_MAX_PAIRS], scratch[BENCH_MAX_PAIRS];
    uint32_t m = 0;
    bool measured = r->bridge.status == BENCH_MEASURED && r->baseline.status == BENCH_MEASURED;
    for (uint32_t i = 0; measured && i < r->pairs && i < BENCH_MAX_PAIRS; i++) {
        if (r->blocks[i].ratio > 0.0) {
            ratios[m++] = r->blocks[i].ratio;
        }
    }
    bench_median_interval(ratios, scratch, m, &r->ci);
    r->have_ratio = r->ci.valid;
    r->overhead_ratio = r->ci.valid ? r->ci.ratio : 0.0;
    r->cycles_verdict = BENCH_VERDICT_NONE;
    r->verdict = BENCH_VERDICT_NONE;
    r->verdict_basis = NULL;
    r->met = -1;
    if (r->bridge.status != BENCH_MEASURED) {
        return;
    }
    const bench_target_t *t = &r->c->target;
    if (t->kind == BENCH_TARGET_RATIO) {
        r->cycles_verdict = bench_verdict(&r->ci, t->ratio_max);
    } else {
        uint64_t v;
        if (stat_named(&r->bridge.summary.stats, t->bound_stat, &v)) {
            r->cycles_verdict = (double)v <= t->bound_max ? BENCH_VERDICT_YES : BENCH_VERDICT_NO;
        }
    }
    if (r->cycles_verdict != BENCH_VERDICT_NONE) {
        r->verdict = r->loaded ? BENCH_VERDICT_INCONCLUSIVE : r->cycles_verdict;
        r->verdict_basis = "cycles";
    }
    if (r->icount.have && t->kind == BENCH_TARGET_RATIO) {
        r->icount.verdict = r->icount.ratio <= t->ratio_max ? BENCH_VERDICT_YES : BENCH_VERDICT_NO;
        r->verdict = r->icount.verdict;
        r->verdict_basis = "instructions";
    }
    if (!bench_correct(&r->bridge.correct) || !bench_correct(&r->baseline.correct)) {
        r->verdict = BENCH_VERDICT_NO;
        r->verdict_basis = "correctness";
    }
    r->met = r->verdict == BENCH_VERDICT_YES ? 1 : r->verdict == BENCH_VERDICT_NO ? 0 : -1;
}

const char *bench_unit_name(bench_unit_t u)
{
    switch (u) {
    case BENCH_UNIT_CYCLES:
        return "cycles";
    case BENCH_UNIT_NS:
        return "ns";
    case BENCH_UNIT_REQ_PER_S:
        return "req_per_s";
    }
    return "cycles";
}

const char *bench_status_name(bench_status_t s)
{
    switch (s) {
    case BENCH_MEASURED:
        return "measured";
    case BENCH_NOT_MEASURED:
        return "not_measured";
    case BENCH_FAILED:
        return "failed";
    }
    return "failed";
}
