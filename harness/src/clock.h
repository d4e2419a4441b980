/*
 * The clock of every sample: plat_cycles() (x86: lfence; rdtsc) and the cost of reading it,
 * measured once per run and subtracted from each sample, as sel4bench does.
 */
#pragma once

#include <stdint.h>

#define BENCH_OVERHEAD_METHOD \
    "minimum of (end - start) over 10000 back-to-back plat_cycles() pairs, after 1000 discarded"

/* Cycles between two back-to-back counter reads: what a sample with nothing in it measures. */
uint64_t bench_timer_overhead(void);
