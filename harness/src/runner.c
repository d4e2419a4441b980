/* The runner: blocks of each side into static pools, pairs judged after; no allocation. */
#include "runner.h"

#include <string.h>

bench_runner_page_t bench_runner_page;

/* Each side's samples, all its blocks in loop order (for outlier indices), and a scratch copy
 * to sort. The pools start on a page: a block's slice is shared, whole pages, with the measured
 * threads, and the two sides' pools meet at a page boundary (BENCH_MAX_SAMPLES * 8 is a multiple
 * of BENCH_PAGE). */
_Static_assert(BENCH_MAX_SAMPLES * sizeof(uint64_t) % BENCH_PAGE == 0, "pools of whole pages");
static _Alignas(BENCH_PAGE) uint64_t pool[2][BENCH_MAX_SAMPLES];
static uint64_t scratch[BENCH_MAX_SAMPLES];

static void to_throughput(uint64_t *v, uint32_t n, uint32_t ops, uint64_t hz)
{
    for (uint32_t i = 0; i < n; i++) {
        uint64_t c = v[i] ? v[i] : 1u;
        v[i] = (uint64_t)((double)ops * (double)hz / (double)c + 0.5);
    }
}

typedef struct {
    const bench_impl_t *impl;
    bench_measurement_t *m;
    uint64_t *pool;
    uint32_t filled;
    bool failed;
} side_t;

/* Fill what a measurement says before any block runs; false if it cannot run at all. */
static bool side_init(side_t *s, const bench_impl_t *impl, bench_unit_t unit, uint32_t n,
                      uint64_t *pool_buf, bench_measurement_t *m)
{
    memset(m, 0, sizeof(*m));
    *s = (side_t){impl, m, pool_buf, 0, false};
    m->unit = unit;
    m->n_planned = n;
    if (!impl) {
        m->name = "none";
        m->status = BENCH_NOT_MEASURED;
        m->status_reason = "no implementation";
        return false;
    }
    m->name = impl->name;
    m->description = impl->description;
    if (!impl->measure) {
        m->status = BENCH_NOT_MEASURED;
        m->status_reason = impl->not_measured_reason ? impl->not_measured_reason
                                                     : "not yet implemented";
        return false;
    }
    if (n == 0 || n > BENCH_MAX_SAMPLES) {
        m->status = BENCH_FAILED;
        m->status_reason = "n is 0 or above BENCH_MAX_SAMPLES";
        return false;
    }
    return true;
}

void bench_correctness_add(bench_correctness_t *to, const bench_correctness_t *from)
{
    to->checks += from->checks;
    to->violations += from->violations;
    to->lost += from->lost;
    to->duplicated += from->duplicated;
    to->errors += from->errors;
}

/* One block: setup, warm-up and @n timed samples appended to the side's pool, teardown. Returns
 * the block's median (in the unit), or 0 with the side failed. */
static uint64_t run_block(const bench_config_t *cfg, side_t *s, const bench_params_t *params,
                          uint32_t ops, uint32_t n, uint32_t warmup)
{
    bench_measurement_t *m = s->m;
    uint64_t *dst = s->pool + s->filled;
    bench_correctness_t correct = {0};
    bench_run_t run = {
        .params = params,
        .n = n,
        .warmup = warmup,
        .samples = dst,
        .overhead = cfg->overhead,
        .correct = &correct,
    };
    /* A sample the loop never wrote must not pass for a fast one. */
    memset(dst, 0xff, (size_t)n * sizeof(dst[0]));
    atomic_fetch_add_explicit(&bench_progress, 1, memory_order_relaxed);
    const char *why = NULL;
    if (s->impl->setup && s->impl->setup(&run) != 0) {
        why = run.error ? run.error : "setup failed";
    } else {
        int rc = s->impl->measure(&run);
        if (s->impl->teardown) {
            s->impl->teardown(&run);
        }
        if (rc != 0) {
            why = run.error ? run.error : "measure failed";
        }
    }
    bench_correctness_add(&m->correct, &correct);
    for (uint32_t i = 0; !why && i < n; i++) {
        if (dst[i] == UINT64_MAX) {
            why = "the timed loop did not record every sample";
        }
    }
    if (why) {
        s->failed = true;
        m->status = BENCH_FAILED;
        m->status_reason = why;
        return 0;
    }
    if (m->unit == BENCH_UNIT_REQ_PER_S) {
        to_throughput(dst, n, ops ? ops : 1u, cfg->timer_hz);
    }
    s->filled += n;
    memcpy(scratch, dst, (size_t)n * sizeof(dst[0]));
    bench_sort(scratch, n);
    return bench_percentile(scratch, n, 50, 100);
}

static void side_finish(side_t *s, bool limited)
{
    if (s->failed || !s->impl || !s->impl->measure || s->m->status != BENCH_MEASURED) {
        return;
    }
    if (s->filled == 0) {
        s->m->status = BENCH_FAILED;
        s->m->status_reason = "no block ran";
        return;
    }
    bench_summarise(s->pool, scratch, s->filled, &s->m->summary);
    s->m->budget_limited = limited;
}

static uint32_t div_up(uint32_t a, uint32_t b)
{
    return a / b + (a % b != 0);
}

/*
 * The block loop for one or two sides (two: sides[0] is the baseline, run first in each pair).
 * Block sizes spread n evenly over the pairs; under a budget the first pair is a small probe and
 * each later block is cut to what the rest of the budget allows at the pace seen so far.
 */
static void run_blocks(const bench_config_t *cfg, side_t *sides, uint32_t nsides,
                       const bench_params_t *params, uint32_t ops, bench_result_t *r)
{
    uint32_t pairs = cfg->pairs ? cfg->pairs : BENCH_PAIRS;
    if (pairs > BENCH_MAX_PAIRS) {
        pairs = BENCH_MAX_PAIRS;
    }
    if (pairs > cfg->n) {
        pairs = cfg->n;
    }
    const uint32_t warm = div_up(cfg->warmup, pairs);
    const bool budget = cfg->budget_cycles && bench_hooks.now;
    const uint64_t t0 = budget ? bench_hooks.now() : 0;
    uint64_t iterations = 0;
    uint32_t left = cfg->n, done = 0;
    bool limited = false;
    for (uint32_t i = 0; i < nsides; i++) {
        sides[i].m->status = BENCH_MEASURED; /* until a block fails */
    }
    if (r) {
        r->pairs_planned = pairs;
    }
    while (done < pairs && left > 0) {
        uint32_t size = div_up(left, pairs - done), w = warm;
        if (budget && done == 0) {
            size = size < BENCH_PROBE_BLOCK ? size : BENCH_PROBE_BLOCK;
            w = w < BENCH_PROBE_BLOCK ? w : BENCH_PROBE_BLOCK;
        } else if (budget) {
            uint64_t elapsed = bench_hooks.now() - t0;
            uint64_t per_iteration = iterations ? elapsed / iterations : 0;
            uint64_t rest = elapsed < cfg->budget_cycles ? cfg->budget_cycles - elapsed : 0;
            uint64_t allowed = per_iteration ? rest / (pairs - done) / nsides / per_iteration
                                             : (uint64_t)size + w;
            if (allowed < (uint64_t)size + w) {
                /* Warm-up gives way first (at most a quarter of what is left), then samples. */
                w = allowed / 4u < w ? (uint32_t)(allowed / 4u) : w;
                size = (uint32_t)(allowed - w);
                limited = true;
                if (size < BENCH_MIN_BLOCK) {
                    break;
                }
            }
        }
        uint64_t p50[2] = {0, 0};
        bool ok = true;
        for (uint32_t i = 0; i < nsides && ok; i++) {
            p50[i] = run_block(cfg, &sides[i], params, ops, size, w);
            ok = !sides[i].failed;
            iterations += (uint64_t)size + w;
        }
        if (!ok) {
            break;
        }
        if (r && nsides == 2) {
            bench_block_t *b = &r->blocks[done];
            b->n = size;
            b->baseline_p50 = p50[0];
            b->bridge_p50 = p50[1];
            if (!bench_ratio_of(r->c->unit, p50[1], p50[0], &b->ratio)) {
                b->ratio = 0.0; /* a zero median: this pair gives no ratio */
            }
        }
        done++;
        left -= size;
    }
    if (r) {
        r->pairs = done;
    }
    for (uint32_t i = 0; i < nsides; i++) {
        side_finish(&sides[i], limited || left > 0);
    }
}

void bench_measure(const bench_config_t *cfg, const bench_impl_t *impl,
                   const bench_params_t *params, bench_unit_t unit, uint32_t ops_per_sample,
                   bench_measurement_t *m)
{
    side_t s;
    if (side_init(&s, impl, unit, cfg->n, pool[0], m)) {
        run_blocks(cfg, &s, 1, params, ops_per_sample, NULL);
    }
}

void bench_run_case(const bench_config_t *cfg, const bench_case_t *c, bench_result_t *r)
{
    memset(r, 0, sizeof(*r));
    r->c = c;
    side_t sides[2];
    bool can[2] = {
        side_init(&sides[0], c->baseline, c->unit, cfg->n, pool[0], &r->baseline),
        side_init(&sides[1], c->bridge, c->unit, cfg->n, pool[1], &r->bridge),
    };
    if (bench_hooks.progress) {
        for (int i = 0; i < 2; i++) {
            const bench_impl_t *impl = i ? c->bridge : c->baseline;
            bench_hooks.progress(c->task, c->variant, impl ? impl->name : "none",
                                 can[i] ? cfg->n : 0);
        }
    }
    side_t run[2];
    uint32_t nrun = 0;
    for (int i = 0; i < 2; i++) {
        if (can[i]) {
            run[nrun++] = sides[i];
        }
    }
    /* Pairs need both sides; one side alone still runs in blocks, under the same budget. */
    run_blocks(cfg, run, nrun, &c->params, c->ops_per_sample, nrun == 2 ? r : NULL);
    bench_judge(r);
}
