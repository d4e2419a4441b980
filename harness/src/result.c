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

bool bench_overhead_ratio(const bench_result_t *r, double *ratio)
{
    if (r->bridge.status != BENCH_MEASURED || r->baseline.status != BENCH_MEASURED) {
        return false;
    }
    uint64_t p = r->bridge.summary.stats.p50;
    uint64_t b = r->baseline.summary.stats.p50;
    if (p == 0 || b == 0) {
        return false;
    }
    *ratio = r->c->unit == BENCH_UNIT_REQ_PER_S ? (double)b / (double)p : (double)p / (double)b;
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
    r->have_ratio = bench_overhead_ratio(r, &r->overhead_ratio);
    r->met = -1;
    if (r->bridge.status != BENCH_MEASURED) {
        return;
    }
    bool ok = bench_correct(&r->bridge.correct) && bench_correct(&r->baseline.correct);
    const bench_target_t *t = &r->c->target;
    if (t->kind == BENCH_TARGET_RATIO) {
        if (!r->have_ratio) {
            return;
        }
        r->met = ok && r->overhead_ratio <= t->ratio_max;
    } else {
        uint64_t v;
        if (!stat_named(&r->bridge.summary.stats, t->bound_stat, &v)) {
            return;
        }
        r->met = ok && (double)v <= t->bound_max;
    }
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
