/*
 * The case table of the harness's unmeasured test (test_unmeasured.py): linked into the root task
 * and the CLI in place of harness/src/cases.c, so that the harness's own front ends run cases
 * whose bridge side cannot be measured and must say so, name why and fail the run.
 *
 * One case is measured on both sides (the raw call beside itself); in one the bridge side's
 * measuring thread takes a cap fault, as a faulting bridge client does (the harness sees it in
 * plat_thread_join); one has no bridge implementation in the build.
 */
#include <stddef.h>

#include "tasks/peer.h"
#include "tasks/tasks.h"

static struct {
    BENCH_STATE bench_run_t run;
    bench_correctness_t correct;
    bench_pair_t pair;
} s;

/* A call through an address beyond the thread's CNode: its lookup fails (the guard does not
 * match), a cap fault, and with no fault handler the thread stops there, as on seL4. (An empty
 * slot would not do: a call of a null cap returns an error.) */
static void faulting_client(void *arg)
{
    (void)arg;
    seL4_Call((seL4_CPtr)1 << (BENCH_PEER_CNODE_BITS + 4), seL4_MessageInfo_new(0, 0, 0, 0));
    s.run.correct->checks++; /* never reached */
}

static int setup(bench_run_t *r)
{
    bench_run_copy(&s.run, &s.correct, r);
    bench_peer_t peers[2] = {
        [BENCH_ROLE_CLIENT] = {"faulting-client", BENCH_PEER_PRIO, faulting_client, NULL, {{0}}},
    };
    return bench_pair_create(r, &s.pair, peers, &s, sizeof(s));
}

static int measure(bench_run_t *r)
{
    int rc = bench_pair_run(r, &s.pair);
    bench_run_done(r, &s.run);
    return rc;
}

static void teardown(bench_run_t *r)
{
    (void)r;
    bench_pair_destroy(&s.pair);
}

static const bench_impl_t faulting = {"faulting_bridge", "its measuring thread takes a cap fault",
                                      setup, measure, teardown, NULL};
static const bench_impl_t absent = {"absent_bridge", NULL, NULL, NULL, NULL,
                                    "no implementation in this build"};

#define RATIO(max, text) {BENCH_TARGET_RATIO, (max), 0, NULL, (text)}

const bench_case_t bench_cases[] = {
    {"call", "bridge", "measured: the raw call beside itself", {0, 0, 0}, BENCH_UNIT_CYCLES, 1,
     RATIO(1.5, "p50 at most 1.5x the raw call"), &bench_raw_call, &bench_raw_call, true},
    {"cap_call", "bridge", "the bridge side faults", {0, 0, 0}, BENCH_UNIT_CYCLES, 1,
     RATIO(1.15, "p50 at most 1.15x the raw call with one cap"), &faulting, &bench_raw_cap_call,
     true},
    {"grant", "bridge", "the bridge side has no implementation", {4, 0, 0}, BENCH_UNIT_CYCLES, 1,
     RATIO(1.25, "p50 at most 1.25x the same grant made with raw calls"), &absent,
     &bench_raw_grant, false},
};

const uint32_t bench_case_count = sizeof(bench_cases) / sizeof(bench_cases[0]);
