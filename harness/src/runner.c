/* The runner: one measurement at a time through two static sample buffers; no allocation. */
#include "runner.h"

#include <string.h>

bench_hooks_t bench_hooks;

/* Samples in loop order (for outlier indices) and a scratch copy to sort. */
static uint64_t samples[BENCH_MAX_SAMPLES];
static uint64_t scratch[BENCH_MAX_SAMPLES];

static void to_throughput(uint32_t n, uint32_t ops, uint64_t hz)
{
    for (uint32_t i = 0; i < n; i++) {
        uint64_t c = samples[i] ? samples[i] : 1u;
        samples[i] = (uint64_t)((double)ops * (double)hz / (double)c + 0.5);
    }
}

void bench_measure(const bench_config_t *cfg, const bench_impl_t *impl,
                   const bench_params_t *params, bench_unit_t unit, uint32_t ops_per_sample,
                   bench_measurement_t *m)
{
    memset(m, 0, sizeof(*m));
    m->unit = unit;
    if (!impl) {
        m->name = "none";
        m->status = BENCH_NOT_MEASURED;
        m->status_reason = "no implementation";
        return;
    }
    m->name = impl->name;
    m->description = impl->description;
    if (!impl->measure) {
        m->status = BENCH_NOT_MEASURED;
        m->status_reason = impl->not_measured_reason ? impl->not_measured_reason
                                                     : "not yet implemented";
        return;
    }
    uint32_t n = cfg->n;
    if (n == 0 || n > BENCH_MAX_SAMPLES) {
        m->status = BENCH_FAILED;
        m->status_reason = "n is 0 or above BENCH_MAX_SAMPLES";
        return;
    }

    bench_run_t run = {
        .params = params,
        .n = n,
        .warmup = cfg->warmup,
        .samples = samples,
        .overhead = cfg->overhead,
        .correct = &m->correct,
    };
    /* A sample the loop never wrote must not pass for a fast one. */
    memset(samples, 0xff, (size_t)n * sizeof(samples[0]));
    if (impl->setup && impl->setup(&run) != 0) {
        m->status = BENCH_FAILED;
        m->status_reason = run.error ? run.error : "setup failed";
        return;
    }
    int rc = impl->measure(&run);
    if (impl->teardown) {
        impl->teardown(&run);
    }
    if (rc != 0) {
        m->status = BENCH_FAILED;
        m->status_reason = run.error ? run.error : "measure failed";
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (samples[i] == UINT64_MAX) {
            m->status = BENCH_FAILED;
            m->status_reason = "the timed loop did not record every sample";
            return;
        }
    }
    if (unit == BENCH_UNIT_REQ_PER_S) {
        to_throughput(n, ops_per_sample ? ops_per_sample : 1u, cfg->timer_hz);
    }
    bench_summarise(samples, scratch, n, &m->summary);
    m->status = BENCH_MEASURED;
}

void bench_run_case(const bench_config_t *cfg, const bench_case_t *c, bench_result_t *r)
{
    memset(r, 0, sizeof(*r));
    r->c = c;
    const bench_impl_t *impls[2] = {c->baseline, c->bridge};
    bench_measurement_t *out[2] = {&r->baseline, &r->bridge};
    for (int i = 0; i < 2; i++) {
        if (bench_hooks.progress) {
            bench_hooks.progress(c->task, c->variant, impls[i] ? impls[i]->name : "none",
                                 impls[i] && impls[i]->measure ? cfg->n : 0);
        }
        bench_measure(cfg, impls[i], &c->params, c->unit, c->ops_per_sample, out[i]);
    }
    bench_judge(r);
}
