/*
 * The case table: each task variant with its parameters, its target and the pair of
 * implementations it compares. docs/PHASE1.md says how each target was chosen; the README's
 * "Benchmarks" section lists them. Ratios are bridge / baseline at p50 (baseline / bridge for
 * throughput), so a target is "at most" in both cases.
 */
#include <stddef.h>

#include <sel4bridge/bundle.h>

#include "tasks/tasks.h"

#define RATIO(max, text) {BENCH_TARGET_RATIO, (max), 0, NULL, (text)}
/* Said in each grant row's description, so that the report says why its k starts at 4. */
#define GRANT_WHAT                                                                             \
    "open a session, bundle of k caps mapped and ready (k is at least SB_BUNDLE_MIN = 4: two "  \
    "ring frames and two notifications, so there is no bundle of 1 or 2 caps to measure)"
_Static_assert(SB_BUNDLE_MIN == 4, "GRANT_WHAT names the smallest bundle");

const bench_case_t bench_cases[] = {
    {"call", "bridge", "null control call round trip", {0, 0, 0}, BENCH_UNIT_CYCLES, 1,
     RATIO(1.10, "p50 at most 1.10x the raw seL4_Call/seL4_ReplyRecv round trip"),
     &bench_bridge_call, &bench_raw_call, true},
    {"cap_call", "bridge", "control call carrying one cap", {0, 0, 0}, BENCH_UNIT_CYCLES, 1,
     RATIO(1.15, "p50 at most 1.15x the raw call with one cap"),
     &bench_bridge_cap_call, &bench_raw_cap_call, true},

    /* grant and revoke beside baselines that make the same system calls (raw_bundle.c), so that
     * the ratio is the bridge's own work. k starts at 4: the bridge's smallest bundle is
     * SB_BUNDLE_MIN = 4 caps (two ring frames, two notifications), so k = 1 and 2 do not exist. */
    {"grant", "bridge", GRANT_WHAT, {4, 0, 0},
     BENCH_UNIT_CYCLES, 1, RATIO(1.25, "p50 at most 1.25x the same grant made with raw calls"),
     &bench_bridge_grant, &bench_raw_grant, true},
    {"grant", "bridge", GRANT_WHAT, {8, 0, 0},
     BENCH_UNIT_CYCLES, 1, RATIO(1.25, "p50 at most 1.25x the same grant made with raw calls"),
     &bench_bridge_grant, &bench_raw_grant, true},
    {"grant", "bridge", GRANT_WHAT, {32, 0, 0},
     BENCH_UNIT_CYCLES, 1, RATIO(1.25, "p50 at most 1.25x the same grant made with raw calls"),
     &bench_bridge_grant, &bench_raw_grant, true},

    {"notify", "bridge", "completion signal to the waiting client's wake-up", {0, 0, 0},
     BENCH_UNIT_CYCLES, 1, RATIO(1.05, "p50 at most 1.05x raw seL4_Signal to seL4_Wait return"),
     &bench_bridge_notify, &bench_raw_signal_wait, true},
    /* notify beside the same completion moved through the least ring (raw_notify.c): the
     * kernel's work and the ring's, so that the ratio is what the bridge adds. */
    {"notify", "ring", "completion signal to the waiting client's wake-up", {0, 0, 0},
     BENCH_UNIT_CYCLES, 1,
     RATIO(1.05, "p50 at most 1.05x the same completion through an unchecked ring and raw signal"),
     &bench_bridge_notify, &bench_raw_ring_signal_wait, true},

    /* kick phase 1 and 2 beside a ping-pong whose peer waits as the bridge's server does, in
     * seL4_Recv on an endpoint with the notification bound (raw_notify.c): the same kernel work.
     * The batched rows keep the plain signal/wait ping-pong, so both baselines show in a run. */
    {"kick", "phase1", "full kick cycle, kick on every enqueue", {0, 0, 0}, BENCH_UNIT_CYCLES, 1,
     RATIO(1.10, "p50 at most 1.10x a raw ping-pong whose peer waits as the server does"),
     &bench_bridge_kick_phase1, &bench_raw_pingpong_bound, true},
    {"kick", "phase2", "full kick cycle, signal only when the peer asked", {0, 0, 0},
     BENCH_UNIT_CYCLES, 1,
     RATIO(1.10, "p50 at most 1.10x a raw ping-pong whose peer waits as the server does"),
     &bench_bridge_kick_phase2, &bench_raw_pingpong_bound, true},
    {"kick", "batched", "b requests per kick, as requests per second", {0, 1, 0},
     BENCH_UNIT_REQ_PER_S, 1, RATIO(1.5, "at least 1/1.5 of the raw ping-pong's requests per second"),
     &bench_bridge_kick_batched, &bench_raw_pingpong, true},
    {"kick", "batched", "b requests per kick, as requests per second", {0, 8, 0},
     BENCH_UNIT_REQ_PER_S, 8, RATIO(0.5, "at least twice the raw ping-pong's requests per second"),
     &bench_bridge_kick_batched, &bench_raw_pingpong, true},
    {"kick", "batched", "b requests per kick, as requests per second", {0, 64, 0},
     BENCH_UNIT_REQ_PER_S, 64, RATIO(0.25, "at least 4x the raw ping-pong's requests per second"),
     &bench_bridge_kick_batched, &bench_raw_pingpong, true},

    {"revoke", "bridge", "revoke a bundle of k caps, then prove none usable", {4, 0, 0},
     BENCH_UNIT_CYCLES, 1,
     RATIO(1.25, "p50 at most 1.25x the same revoke made with raw calls; 0 violations"),
     &bench_bridge_revoke, &bench_raw_bundle_revoke, true},
    {"revoke", "bridge", "revoke a bundle of k caps, then prove none usable", {8, 0, 0},
     BENCH_UNIT_CYCLES, 1,
     RATIO(1.25, "p50 at most 1.25x the same revoke made with raw calls; 0 violations"),
     &bench_bridge_revoke, &bench_raw_bundle_revoke, true},
    {"revoke", "bridge", "revoke a bundle of k caps, then prove none usable", {64, 0, 0},
     BENCH_UNIT_CYCLES, 1,
     RATIO(1.25, "p50 at most 1.25x the same revoke made with raw calls; 0 violations"),
     &bench_bridge_revoke, &bench_raw_bundle_revoke, true},

    /* An application on the bridge (examples/kv): small values beside the bridge's own null
     * call, both in the root's VSpace as kv.c's threads are (an application method adds its
     * dispatch and handler); values through the data
     * frames beside a memcpy of the same bytes between frames, the bound no transfer beats. */
    {"kv", "get", "Kv.get of an 8-byte value: one fastpath-sized application call",
     {0, 0, 8}, BENCH_UNIT_CYCLES, 1, RATIO(2.0, "p50 at most 2x the bridge's null call"),
     &bench_kv_get_small, &bench_bridge_call_root_vspace, true},
    {"kv", "put", "Kv.put of an 8-byte value: one fastpath-sized application call",
     {0, 0, 8}, BENCH_UNIT_CYCLES, 1, RATIO(2.0, "p50 at most 2x the bridge's null call"),
     &bench_kv_put_small, &bench_bridge_call_root_vspace, true},
    {"kv", "put", "b values of `bytes` bytes put through the data frames, one kick, as puts per second",
     {0, 8, 4096}, BENCH_UNIT_REQ_PER_S, 8,
     RATIO(4.0, "at least 1/4 of the values per second a memcpy of the same bytes moves"),
     &bench_kv_put, &bench_kv_memcpy, true},
    {"kv", "put", "b values of `bytes` bytes put through the data frames, one kick, as puts per second",
     {0, 2, 65536}, BENCH_UNIT_REQ_PER_S, 2,
     RATIO(3.0, "at least 1/3 of the values per second a memcpy of the same bytes moves"),
     &bench_kv_put, &bench_kv_memcpy, true},
    {"kv", "get", "b values of `bytes` bytes got through the data frames, one kick, as gets per second",
     {0, 8, 4096}, BENCH_UNIT_REQ_PER_S, 8,
     RATIO(4.0, "at least 1/4 of the values per second a memcpy of the same bytes moves"),
     &bench_kv_get, &bench_kv_memcpy, true},
    {"kv", "get", "b values of `bytes` bytes got through the data frames, one kick, as gets per second",
     {0, 2, 65536}, BENCH_UNIT_REQ_PER_S, 2,
     RATIO(3.0, "at least 1/3 of the values per second a memcpy of the same bytes moves"),
     &bench_kv_get, &bench_kv_memcpy, true},
};

const uint32_t bench_case_count = sizeof(bench_cases) / sizeof(bench_cases[0]);
