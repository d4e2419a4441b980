/*
 * The bridge variants of the six tasks, in a build without the bridge library (bridge.c is the
 * real thing). Each is a bench_impl_t like the raw baselines beside it:
 * setup makes the server, the client and a session (untimed), measure runs warmup + n iterations
 * recording each with bench_record(), teardown undoes setup. Until a variant has its measure
 * function it is reported "not_measured" with the reason below, and no figure is made up for it.
 *
 * What one sample must cover, so that it compares with its baseline:
 *   call       encode a null control request, seL4_Call, server decodes, dispatches, replies,
 *              client decodes the reply                       (vs raw_call)
 *   cap_call   the same carrying one cap, the server empties its receive slot (vs raw_cap_call)
 *   grant      open a session and receive a bundle of params->k caps, frames mapped and ready
 *                                                             (vs raw_grant)
 *   notify     completion path: server posts a completion and signals, to the client's return
 *              from seL4_Wait (the waiter records the time)  (vs raw_signal_wait)
 *   kick       enqueue, kick, server wakes, dequeues, processes a null request, posts the
 *              completion, signals, client wakes and dequeues; Phase 1 always kicks, Phase 2
 *              signals only when the peer asked; batched: params->b requests per kick, one
 *              sample = one batch                              (vs raw_pingpong)
 *   revoke     revoke a bundle of params->k caps, then check (untimed) that nothing of it is
 *              usable, counting violations in run->correct     (vs raw_bundle_revoke)
 * Count every request that gets no answer in run->correct->lost, every duplicate in duplicated.
 */
#include <stddef.h>

#include "tasks.h"

#define NOT_YET "the bridge library does not provide this task yet"

const bench_impl_t bench_bridge_call = {"bridge_call", NULL, NULL, NULL, NULL, NOT_YET};
const bench_impl_t bench_bridge_cap_call = {"bridge_cap_call", NULL, NULL, NULL, NULL, NOT_YET};
const bench_impl_t bench_bridge_grant = {"bridge_grant", NULL, NULL, NULL, NULL, NOT_YET};
const bench_impl_t bench_bridge_notify = {"bridge_notify", NULL, NULL, NULL, NULL, NOT_YET};
const bench_impl_t bench_bridge_kick_phase1 = {"bridge_kick_phase1", NULL, NULL, NULL, NULL,
                                               NOT_YET};
const bench_impl_t bench_bridge_kick_phase2 = {"bridge_kick_phase2", NULL, NULL, NULL, NULL,
                                               NOT_YET};
const bench_impl_t bench_bridge_kick_batched = {"bridge_kick_batched", NULL, NULL, NULL, NULL,
                                                NOT_YET};
const bench_impl_t bench_bridge_revoke = {"bridge_revoke", NULL, NULL, NULL, NULL, NOT_YET};
/* The key-value store needs the bridge too (kv.c); its memcpy baseline is in kv.c as well. */
const bench_impl_t bench_kv_get_small = {"kv_get", NULL, NULL, NULL, NULL, NOT_YET};
const bench_impl_t bench_kv_put_small = {"kv_put", NULL, NULL, NULL, NULL, NOT_YET};
const bench_impl_t bench_kv_put = {"kv_put", NULL, NULL, NULL, NULL, NOT_YET};
const bench_impl_t bench_kv_get = {"kv_get", NULL, NULL, NULL, NULL, NOT_YET};
const bench_impl_t bench_kv_memcpy = {"memcpy", NULL, NULL, NULL, NULL, NOT_YET};
