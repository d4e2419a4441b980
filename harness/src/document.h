/*
 * The results document of one run, as schemas/results.schema.json describes it, written through
 * an output callback: to a file on the host, to the serial console on seL4.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "json.h"
#include "result.h"

#define BENCH_SCHEMA_VERSION 1u
#define BENCH_HISTOGRAM_SCHEME \
    "log-linear (HDR-style): values below 32 in unit-wide buckets, then 16 equal buckets per power of two"

void bench_emit_document(const bench_run_info_t *info, const bench_result_t *results,
                         uint32_t nresults, const bench_measurement_t *linux_baselines,
                         uint32_t nlinux, bench_out_fn out, void *ctx, bool pretty);
