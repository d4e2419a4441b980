/*
 * The bridge variants of the six tasks: a server thread running sb_server_run in its own CSpace
 * (endpoint, bound notification, untyped memory for its bundles) and a client thread holding an
 * endpoint cap badged for session 1. Setup makes both (untimed); the client times its loop; the
 * server's handlers time what only the server sees (the completion path, revocation). Both run
 * in bench_address_space (peer.h): the server's own state (sb_server_t) is on its stack; what
 * the root and both threads share is B, on pages of its own.
 *
 * What one sample covers, so that it compares with its baseline:
 *   call       sb_client_ping: encode, seL4_Call, decode, dispatch, reply, decode (vs raw_call)
 *   cap_call   sb_client_cap_call with a notification cap; the server empties its slot
 *   grant      sb_client_open with k caps: the bundle received, its frames mapped, rings ready
 *              (vs raw_grant: the same system calls with no bridge code)
 *   notify     from the server's request handler returning (the completion is then posted and
 *              signalled) to the client holding the completion (woken and dequeued)
 *   kick       submit a null request (enqueue + kick as the phase says), the server wakes,
 *              dequeues, runs the null handler, posts the completion, signals; the client wakes
 *              and reaps it. batched: b requests with one tail update and at most one kick.
 *   revoke     sb_server_revoke of the k-cap bundle, timed on the server; then (untimed) every
 *              slot of the bundle in the client's CSpace must be empty and the session must
 *              answer SB_ERR_REVOKED — anything else is a use-after-revoke violation.
 */
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#include <sel4bridge/client.h>
#include <sel4bridge/server.h>

#include "peer.h"
#include "tasks.h"

#define SESSION 1u
#define SERVER_CNODE_BITS 11u
#define CLIENT_CNODE_BITS 8u
#define STOP_BIT ((seL4_Word)1 << 40)   /* application signals to the server */
#define REVOKE_BIT ((seL4_Word)1 << 41)
#define NULL_OP 1u

/* The server's CSpace. */
enum { S_EP = 16, S_NTFN, S_UNTYPED, S_READY, S_DONE, S_FIRST_FREE = 32 };
/* The client's CSpace: the bundle's slots start at C_BUNDLE. */
enum { C_EP = 16, C_OWN_NTFN, C_REVOKE, C_DONE, C_BUNDLE = 32, C_SCRATCH = 200 };

typedef enum { V_CALL, V_CAP_CALL, V_GRANT, V_NOTIFY, V_KICK1, V_KICK2, V_BATCH, V_REVOKE } variant_t;

/* Shared by the root, the server and the client (BENCH_STATE); the run is the threads' copy. */
static struct {
    BENCH_STATE bench_run_t run;
    bench_correctness_t correct;
    variant_t v;
    uint32_t k, b;
    /* root slots */
    seL4_CPtr ep, ntfn, ready, done, stop, revoke, own_ntfn, untyped;
    plat_thread_t *server_thread, *client_thread;
    sb_server_config_t cfg; /* the server's, but for ctx (its sb_server_t) */
    sb_status_t init_status;
    /* The server handler's time stamp and revoke counter (server thread only until joined). */
    _Atomic uint64_t handled_at;
    uint32_t revokes;
    bench_correctness_t server_correct;
    uint64_t next_id; /* the client's last request id */
} B;

/* ---- the server ---- */

static sb_status_t null_request(void *ctx, uint32_t session, const sb_queue_entry_t *request,
                                uint64_t result[2])
{
    (void)ctx;
    (void)session;
    result[0] = request->id;
    result[1] = 0;
    return request->op == NULL_OP ? SB_OK : SB_ERR_UNKNOWN_REQUEST;
}

/* notify's handler: its sample starts as the handler returns (the completion is then posted and
 * signalled), so the clock is read after the null request's work. Only notify's server reads it:
 * the other tasks are timed by the client alone, and their server, like the raw ping-pong's
 * peer, reads no clock and tests no variant per request (setup_in chooses the handler once). */
static sb_status_t null_request_timed(void *ctx, uint32_t session,
                                      const sb_queue_entry_t *request, uint64_t result[2])
{
    sb_status_t st = null_request(ctx, session, request, result);
    atomic_store_explicit(&B.handled_at, plat_cycles(), memory_order_release);
    return st;
}

/* @ctx: the server (sb_server_t), on the server thread's stack. */
static void app_signal(void *ctx, seL4_Word bits)
{
    sb_server_t *server = ctx;
    if (bits & REVOKE_BIT) {
        uint64_t start = plat_cycles();
        sb_status_t st = sb_server_revoke(server, SESSION);
        uint64_t end = plat_cycles();
        bench_record(&B.run, B.revokes++, start, end);
        B.server_correct.errors += st != SB_OK;
        seL4_Signal(S_DONE);
    }
    if (bits & STOP_BIT) {
        sb_server_stop(server);
    }
}

static void server_main(void *arg)
{
    (void)arg;
    bench_pin(BENCH_ROLE_SERVER);
    sb_server_t server;
    sb_server_config_t cfg = B.cfg;
    cfg.ctx = &server;
    B.init_status = sb_server_init(&server, &cfg);
    seL4_Signal(S_READY);
    if (B.init_status == SB_OK) {
        sb_server_run(&server);
    }
}

/* ---- the client ---- */

/* Reap one completion into *@done, waiting when the ring is empty; -1 when none can come. */
static inline __attribute__((always_inline)) int reap_one(sb_client_t *c, sb_queue_entry_t *done)
{
    for (;;) {
        sb_status_t st = sb_client_reap(c, done);
        if (st == SB_OK) {
            return 0;
        }
        if (st != SB_ERR_RING_EMPTY || sb_client_wait(c) != SB_OK) {
            return -1;
        }
    }
}

/* The first completion after a submit: the ring was empty when we submitted, so wait first
 * (a wake-up that finds nothing, from a signal of completions already reaped, waits again). */
static inline __attribute__((always_inline)) int wait_reap(sb_client_t *c, sb_queue_entry_t *done)
{
    return sb_client_wait(c) == SB_OK ? reap_one(c, done) : -1;
}

/* Count a reaped completion: true when it is the one of @id, and it succeeded. */
static bool is_completion(const sb_queue_entry_t *done, uint64_t id, bench_correctness_t *k)
{
    k->checks++;
    if (done->id == id && done->status == SB_OK) {
        return true;
    }
    if (done->id < id) {
        k->duplicated++;
    } else {
        k->lost++;
    }
    return false;
}

/* Reap until the completion of @id has arrived, waiting when the ring is empty. */
static int await_completion(sb_client_t *c, uint64_t id, bench_correctness_t *k)
{
    sb_queue_entry_t done;
    do {
        if (reap_one(c, &done) != 0) {
            k->lost++;
            return -1;
        }
    } while (!is_completion(&done, id, k));
    return 0;
}

static inline __attribute__((always_inline)) int submit_null(sb_client_t *c, uint64_t *id)
{
    sb_queue_entry_t req = {.id = ++B.next_id, .op = NULL_OP};
    *id = req.id;
    return sb_client_submit(c, &req) == SB_OK ? 0 : -1;
}

/* Every slot the bundle had in our CSpace must now be empty: copying from it must fail. */
static void check_revoked(sb_client_t *c, bench_correctness_t *k)
{
    for (uint32_t j = 0; j <= B.k; j++) {
        k->checks++;
        seL4_Error err = seL4_CNode_Copy(seL4_CapInitThreadCNode, C_SCRATCH, seL4_WordBits,
                                         seL4_CapInitThreadCNode, C_BUNDLE + j, seL4_WordBits,
                                         seL4_AllRights);
        if (err == seL4_NoError) {
            k->violations++;
            seL4_CNode_Delete(seL4_CapInitThreadCNode, C_SCRATCH, seL4_WordBits);
        }
    }
    k->checks++;
    if (sb_client_ping(c) != SB_ERR_REVOKED) {
        k->violations++;
    }
}

/* One batched sample: b requests with one tail update and at most one kick, then their b
 * completions. Out of line: its b requests (up to a ring's 2 KiB) would otherwise sit in the
 * loop's own frame, and on riscv64 a frame over 2 KiB makes gcc reach the client's fields
 * through a computed base on every other task's path too. */
static __attribute__((noinline)) void batch_sample(sb_client_t *c, bench_correctness_t *k,
                                                   uint64_t *start, uint64_t *end)
{
    sb_queue_entry_t reqs[SB_QUEUE_MAX_DEPTH];
    for (uint32_t j = 0; j < B.b; j++) {
        reqs[j] = (sb_queue_entry_t){.id = B.next_id + 1 + j, .op = NULL_OP};
    }
    uint32_t done = 0;
    *start = plat_cycles();
    if (sb_client_submit_batch(c, reqs, B.b, &done) != SB_OK || done != B.b) {
        k->lost += B.b - done;
    }
    for (uint32_t j = 0; j < done; j++) {
        if (await_completion(c, B.next_id + 1 + j, k) != 0) {
            break;
        }
    }
    *end = plat_cycles();
    B.next_id += B.b;
}

static void client_loop(sb_client_t *c, bench_run_t *r, bench_correctness_t *k)
{
    const uint32_t total = r->warmup + r->n;
    for (uint32_t i = 0; i < total; i++) {
        uint64_t start = 0, end = 0, id = 0;
        switch (B.v) {
        case V_CALL:
            start = plat_cycles();
            k->lost += sb_client_ping(c) != SB_OK;
            end = plat_cycles();
            k->checks++;
            break;
        case V_CAP_CALL: {
            sb_cap_call_result_t out;
            start = plat_cycles();
            sb_status_t st = sb_client_cap_call(c, C_OWN_NTFN, i, &out);
            end = plat_cycles();
            k->checks++;
            k->lost += st != SB_OK || out.tag != i || out.unwrapped;
            break;
        }
        case V_GRANT:
            start = plat_cycles();
            k->errors += sb_client_open(c, (uint16_t)B.k, 0, SB_PHASE_KICK_EVERY_ENQUEUE) != SB_OK;
            end = plat_cycles();
            k->errors += sb_client_close(c, NULL) != SB_OK;
            k->checks++;
            break;
        case V_NOTIFY:
        case V_KICK1:
        case V_KICK2: {
            /* Submit, wait, reap: as the raw ping-pong signals and waits. The sample ends as
             * soon as we hold a completion (notify's begins in the server's handler); which
             * completion it is, is checked after, as the raw peers check their badge. */
            sb_queue_entry_t done;
            if (B.v != V_NOTIFY) {
                start = plat_cycles();
            }
            int got = submit_null(c, &id) == 0 ? wait_reap(c, &done) : -1;
            end = plat_cycles();
            if (B.v == V_NOTIFY) {
                start = atomic_load_explicit(&B.handled_at, memory_order_acquire);
            }
            if (got != 0 || (!is_completion(&done, id, k) && await_completion(c, id, k) != 0)) {
                k->lost++;
            }
            break;
        }
        case V_BATCH:
            batch_sample(c, k, &start, &end);
            break;
        case V_REVOKE: {
            seL4_Word badge;
            k->errors += sb_client_open(c, (uint16_t)B.k, 0, SB_PHASE_KICK_EVERY_ENQUEUE) != SB_OK;
            seL4_Signal(C_REVOKE);  /* the server times sb_server_revoke and records it */
            seL4_Wait(C_DONE, &badge);
            /* Not sb_client_wait: the completion cap it would wait on is one of those revoked. */
            sb_client_forget_bundle(c, true);
            check_revoked(c, k);
            continue;
        }
        }
        bench_record(r, i, start, end);
    }
}

static void client_main(void *arg)
{
    (void)arg;
    bench_pin(BENCH_ROLE_CLIENT);
    bench_run_t *r = &B.run;
    bench_correctness_t k = {0};
    sb_client_t c;
    sb_client_config_t cfg = {
        .endpoint = C_EP,
        .cnode = seL4_CapInitThreadCNode,
        .slot_base = C_BUNDLE,
        .slot_count = SB_BUNDLE_MAX + 1u,
    };
    B.next_id = 0;
    if (sb_client_init(&c, &cfg) != SB_OK) {
        k.errors++;
        *r->correct = k;
        return;
    }
    bool session = B.v != V_GRANT && B.v != V_REVOKE;
    if (session) {
        sb_phase_t phase = B.v == V_KICK2 ? SB_PHASE_SIGNAL_WHEN_ASKED : SB_PHASE_KICK_EVERY_ENQUEUE;
        uint16_t depth = B.v == V_BATCH ? (uint16_t)SB_QUEUE_MAX_DEPTH : 0;
        if (sb_client_open(&c, SB_BUNDLE_MIN, depth, phase) != SB_OK) {
            k.errors++;
            *r->correct = k;
            return;
        }
    }
    client_loop(&c, r, &k);
    if (session) {
        k.errors += sb_client_close(&c, NULL) != SB_OK;
    }
    *r->correct = k;
}

/* ---- setup / measure / teardown ---- */

static int mint(plat_thread_t *t, seL4_CPtr dest, seL4_CPtr src, seL4_CapRights_t rights,
                seL4_Word badge)
{
    return seL4_CNode_Mint(plat_thread_cnode(t), dest, seL4_WordBits, seL4_CapInitThreadCNode,
                           src, seL4_WordBits, rights, badge) == seL4_NoError ? 0 : -1;
}

static int fail(bench_run_t *r, const char *why)
{
    r->error = why;
    return -1;
}

/* Setup in address space @as (bench_address_space, but for the kv rows' baseline). */
static int setup_in(bench_run_t *r, variant_t v, plat_address_space_t as)
{
    memset(&B, 0, sizeof(B));
    bench_run_copy(&B.run, &B.correct, r);
    B.v = v;
    B.k = r->params->k ? r->params->k : SB_BUNDLE_MIN;
    B.b = r->params->b ? r->params->b : 1u;
    if (B.k < SB_BUNDLE_MIN || B.k > SB_BUNDLE_MAX || B.b > SB_QUEUE_MAX_DEPTH) {
        return fail(r, "k or b outside what the bridge supports");
    }
    B.cfg = (sb_server_config_t){
        .endpoint = S_EP,
        .notification = S_NTFN,
        .tcb = seL4_CapInitThreadTCB,
        .cnode = seL4_CapInitThreadCNode,
        .untyped = S_UNTYPED,
        .slot_base = S_FIRST_FREE,
        .slot_count = ((seL4_Word)1 << SERVER_CNODE_BITS) - S_FIRST_FREE,
        .max_sessions = 1,
        .max_bundle = B.k > SB_BUNDLE_MIN ? B.k : SB_BUNDLE_MIN,
        .pool_frames = (B.k > SB_BUNDLE_MIN ? B.k : SB_BUNDLE_MIN) - SB_BUNDLE_MIN,
        .default_depth = BENCH_RING_DEPTH,
        .request = v == V_NOTIFY ? null_request_timed : null_request,
        .signal = app_signal,
    };
    if (B.cfg.pool_frames == 0) {
        B.cfg.pool_frames = 1;
    }
    if (bench_obj_new(r, seL4_EndpointObject, &B.ep) || bench_obj_new(r, seL4_NotificationObject, &B.ntfn) ||
        bench_obj_new(r, seL4_NotificationObject, &B.ready) ||
        bench_obj_new(r, seL4_NotificationObject, &B.done) ||
        bench_obj_new(r, seL4_NotificationObject, &B.own_ntfn)) {
        return -1;
    }
    if (plat_obj_alloc(seL4_UntypedObject, sb_server_untyped_bits(&B.cfg), &B.untyped) !=
        seL4_NoError) {
        B.untyped = 0;
        return fail(r, "no untyped memory for the server's bundles");
    }
    B.stop = plat_slot_alloc();
    if (!B.stop || seL4_CNode_Mint(seL4_CapInitThreadCNode, B.stop, seL4_WordBits,
                                   seL4_CapInitThreadCNode, B.ntfn, seL4_WordBits, seL4_CanWrite,
                                   STOP_BIT) != seL4_NoError) {
        return fail(r, "could not mint the stop signal");
    }
    plat_thread_attr_t sattr = {.name = "bench-bridge-server", .cnode_bits = SERVER_CNODE_BITS,
                                .priority = BENCH_PEER_PRIO,
                                .address_space = as, .core = bench_peer_core};
    /* As in raw_notify, the waiter of the notify task is one priority above the thread that
     * signals it, so the signal switches to it at once; the other tasks run both at one level,
     * as their baselines do. */
    seL4_Word client_prio = v == V_NOTIFY ? BENCH_PEER_PRIO + 1u : BENCH_PEER_PRIO;
    plat_thread_attr_t cattr = {.name = "bench-bridge-client", .cnode_bits = CLIENT_CNODE_BITS,
                                .priority = client_prio,
                                .address_space = as};
    if (plat_thread_create(&B.server_thread, &sattr, server_main, NULL) != 0) {
        B.server_thread = NULL;
        return fail(r, "plat_thread_create (server) failed");
    }
    if (plat_thread_create(&B.client_thread, &cattr, client_main, NULL) != 0) {
        B.client_thread = NULL;
        return fail(r, "plat_thread_create (client) failed");
    }
    plat_thread_t *s = B.server_thread, *c = B.client_thread;
    if (bench_share(r, s, &B, sizeof(B)) != 0 || bench_share(r, c, &B, sizeof(B)) != 0) {
        return -1;
    }
    if (mint(s, S_EP, B.ep, seL4_CapRights_new(0, 1, 1, 0), 0) ||
        mint(s, S_NTFN, B.ntfn, seL4_AllRights, 0) ||
        mint(s, S_READY, B.ready, seL4_CanWrite, 0) || mint(s, S_DONE, B.done, seL4_CanWrite, 0) ||
        seL4_CNode_Move(plat_thread_cnode(s), S_UNTYPED, seL4_WordBits, seL4_CapInitThreadCNode,
                        B.untyped, seL4_WordBits) != seL4_NoError) {
        return fail(r, "could not give the server its caps");
    }
    plat_slot_free(B.untyped);
    B.untyped = 0;
    if (mint(c, C_EP, B.ep, seL4_CapRights_new(1, 1, 0, 1), sb_client_badge(SESSION)) ||
        mint(c, C_OWN_NTFN, B.own_ntfn, seL4_AllRights, 0) ||
        mint(c, C_REVOKE, B.ntfn, seL4_CanWrite, REVOKE_BIT) ||
        mint(c, C_DONE, B.done, seL4_CanRead, 0)) {
        return fail(r, "could not give the client its caps");
    }
    /* The server makes its objects now, untimed. */
    if (plat_thread_start(s) != seL4_NoError) {
        return fail(r, "plat_thread_start (server) failed");
    }
    seL4_Word badge;
    seL4_Wait(B.ready, &badge);
    if (B.init_status != SB_OK) {
        return fail(r, sb_status_message(B.init_status));
    }
    return 0;
}

static int measure(bench_run_t *r)
{
    if (plat_thread_start(B.client_thread) != seL4_NoError) {
        return fail(r, "plat_thread_start (client) failed");
    }
    if (plat_thread_join(B.client_thread) != 0) {
        return fail(r, "the bridge client faulted");
    }
    bench_run_done(r, &B.run);
    r->correct->checks += B.server_correct.checks;
    r->correct->errors += B.server_correct.errors;
    if (B.v == V_REVOKE && B.revokes != r->warmup + r->n) {
        r->correct->lost += (r->warmup + r->n) - B.revokes;
    }
    return 0;
}

static void teardown(bench_run_t *r)
{
    (void)r;
    if (B.server_thread) {
        if (B.stop) {
            seL4_Signal(B.stop);
        }
        plat_thread_join(B.server_thread);
        plat_thread_destroy(B.server_thread);
    }
    if (B.client_thread) {
        plat_thread_destroy(B.client_thread);
    }
    seL4_CPtr *mine[] = {&B.ep, &B.ntfn, &B.ready, &B.done, &B.own_ntfn, &B.stop, &B.untyped};
    for (size_t i = 0; i < sizeof(mine) / sizeof(mine[0]); i++) {
        bench_obj_free(mine[i]);
    }
}

#define BRIDGE_IMPL(sym, name, variant, what)                                                      \
    static int setup_##sym(bench_run_t *r) { return setup_in(r, variant, bench_address_space); }   \
    const bench_impl_t bench_bridge_##sym = {name, what, setup_##sym, measure, teardown, NULL}

BRIDGE_IMPL(call, "bridge_call", V_CALL, "sb_client_ping: a null control call through the bridge");
BRIDGE_IMPL(cap_call, "bridge_cap_call", V_CAP_CALL,
            "sb_client_cap_call carrying a notification cap; the server empties its slot");
BRIDGE_IMPL(grant, "bridge_grant", V_GRANT,
            "sb_client_open with k caps: bundle received, frames mapped, rings ready");
BRIDGE_IMPL(notify, "bridge_notify", V_NOTIFY,
            "server handler done -> completion posted and signalled -> client woken and reaped");
BRIDGE_IMPL(kick_phase1, "bridge_kick_phase1", V_KICK1,
            "submit (kick every enqueue), server wakes, null request, completion, client reaps");
BRIDGE_IMPL(kick_phase2, "bridge_kick_phase2", V_KICK2,
            "the same, signalling only when the peer asked (Phase 2)");
BRIDGE_IMPL(kick_batched, "bridge_kick_batched", V_BATCH,
            "b requests with one tail update and at most one kick, until all b are reaped");
BRIDGE_IMPL(revoke, "bridge_revoke", V_REVOKE,
            "sb_server_revoke of a k-cap bundle, timed on the server; then every slot checked");

/* The null call with both threads in the root's VSpace whatever bench_address_space says: the
 * baseline of the kv task's small values, whose threads always run there (kv.c), so that the
 * ratio compares calls across the same address spaces. */
static int setup_call_root_vspace(bench_run_t *r)
{
    return setup_in(r, V_CALL, PLAT_AS_SHARED);
}
const bench_impl_t bench_bridge_call_root_vspace = {
    "bridge_call", "sb_client_ping, server and client in the root's VSpace (as the kv task's)",
    setup_call_root_vspace, measure, teardown, NULL};
