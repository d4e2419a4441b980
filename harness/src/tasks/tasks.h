/* Every implementation the case table refers to: raw-kernel baselines and bridge variants. */
#pragma once

#include "task.h"

/* The depth of the completion ring in the bridge rows (bridge.c) and in notify's least ring
 * (raw_notify.c). */
#define BENCH_RING_DEPTH 16u

/* Raw baselines (raw_ipc.c, raw_notify.c). */
extern const bench_impl_t bench_raw_call;
extern const bench_impl_t bench_raw_cap_call;
extern const bench_impl_t bench_raw_signal_wait;
extern const bench_impl_t bench_raw_ring_signal_wait; /* notify's: the same ring work */
extern const bench_impl_t bench_raw_pingpong;
extern const bench_impl_t bench_raw_pingpong_bound; /* kick's: the same kernel work */
/* The same kernel work as the bridge's grant and revoke, made with raw calls (raw_bundle.c). */
extern const bench_impl_t bench_raw_grant;
extern const bench_impl_t bench_raw_bundle_revoke;

/* Through the bridge (bridge.c; bridge_stub.c in a build without the bridge library). */
extern const bench_impl_t bench_bridge_call;
extern const bench_impl_t bench_bridge_call_root_vspace; /* kv rows' baseline (bridge.c) */
extern const bench_impl_t bench_bridge_cap_call;
extern const bench_impl_t bench_bridge_grant;
extern const bench_impl_t bench_bridge_notify;
extern const bench_impl_t bench_bridge_kick_phase1;
extern const bench_impl_t bench_bridge_kick_phase2;
extern const bench_impl_t bench_bridge_kick_batched;
extern const bench_impl_t bench_bridge_revoke;

/* The key-value store of examples/kv on the bridge, and the memcpy its throughput is set beside
 * (kv.c). */
extern const bench_impl_t bench_kv_get_small;
extern const bench_impl_t bench_kv_put_small;
extern const bench_impl_t bench_kv_put;
extern const bench_impl_t bench_kv_get;
extern const bench_impl_t bench_kv_memcpy;
