/*
 * Same-work baselines of grant and revoke: the kernel work of the bridge's sb_client_open and
 * sb_server_revoke (bridge/src/server_bundle.c, client.c) made with raw system calls and no
 * bridge code, so that bridge / baseline is the bridge's own overhead. The objects, their sizes,
 * the caps, the mappings and the revokes are the bridge's for a bundle of k caps, in its order;
 * the messages have its lengths (OpenSessionRequest 2 words; OpenSessionReply 4 words + the
 * bundle CNode in the one extraCap; close 1 word, answered with 2).
 *
 * The server (its own CSpace; given an endpoint, a notification it binds to its TCB and an
 * untyped sized as the bridge sizes a one-session server's) makes at start, untimed, what
 * sb_server_init makes: the session's untyped and the two ring frames (largest first), both
 * frames mapped, the kick cap minted. Then per call:
 *   open   Untyped_Retype the bundle CNode (radix ceil(log2 k)); Untyped_Retype the completion
 *          notification; CNode_Mint two write-only badged caps to it; if k > 4, one
 *          Untyped_Retype of the k - 4 data frames; per data frame plat_frame_map and
 *          CNode_Copy into the bundle; CNode_Copy of the two ring frames, the kick cap and a
 *          read-only cap to the notification; ReplyRecv carrying the bundle CNode
 *   close  CNode_Revoke of the kick cap; Signal (revoked) on the notification; CNode_Revoke of
 *          the session's untyped, then of the two ring frames; ReplyRecv
 * and on a signal on its bound notification (as the bridge's harness asks its server to revoke):
 *   revoke the same as close, timed on the server (the revoke task's sample); then it signals
 *          the client, which waits for that
 * The client, per grant: Call (open); CNode_Copy of each of the k caps out of the received
 * CNode; plat_frame_map of the k - 2 frames; CNode_Delete of the CNode cap; a load from each
 * ring frame (the bridge's client reads the rings' indices as it attaches them). A grant's
 * sample is that whole sequence on the client; the close that follows is untimed. After a
 * revoke every slot the bundle had in the client's CSpace must be empty (untimed; a cap left is
 * a violation).
 */
#include <string.h>

#include "peer.h"
#include "tasks.h"

/* Message labels and lengths: the bridge's for the same calls. */
enum { OP_OPEN = 1, OP_CLOSE = 4, OP_STOP = 0x5709 };
#define REVOKE_BIT ((seL4_Word)1 << 41) /* the client's signal to the server: revoke now */
#define OPEN_WORDS 2u
#define OPEN_REPLY_WORDS 4u
#define CLOSE_WORDS 1u
#define CLOSE_REPLY_WORDS 2u

#define BUNDLE_MIN 4u /* two ring frames, two notifications: the bridge's smallest bundle */
#define BUNDLE_MAX 64u
#define SIGNAL_COMPLETION 1u
#define SIGNAL_REVOKED 2u
#define KICK_BADGE 1u

/* The server's CSpace: the caps it is given, then its own slots (the bridge's per-session ones). */
enum {
    S_EP = BENCH_PEER_CAP(0), S_NTFN = BENCH_PEER_CAP(1), S_UNTYPED = BENCH_PEER_CAP(2),
    S_DONE = BENCH_PEER_CAP(3)
};
enum {
    S_SESSION_UNTYPED = 32, S_REQUEST_FRAME, S_COMPLETION_FRAME, S_KICK, S_BUNDLE, S_COMPLETION,
    S_SIGNAL, S_SIGNAL_REVOKED, S_DATA = 48 /* .. S_DATA + k - 5 */
};
/* The client's CSpace: the CNode lands in C_BUNDLE, its caps are copied to C_BUNDLE + 1 + i. */
enum {
    C_EP = BENCH_PEER_CAP(0), C_REVOKE = BENCH_PEER_CAP(1), C_DONE = BENCH_PEER_CAP(2),
    C_BUNDLE = 32, C_SCRATCH = 200
};

/* Shared with the peers (BENCH_STATE); the run is the threads' copy. */
static struct {
    BENCH_STATE bench_run_t run;
    bench_correctness_t correct;
    bool revoke_task; /* the revoke task (the server times); else grant (the client times) */
    uint32_t k, data;  /* caps in the bundle; data frames (k - 4) */
    uint8_t cnode_bits, session_bits, untyped_bits;
    seL4_CPtr ep, ntfn, untyped, done; /* root slots */
    bench_pair_t pair;
    uint32_t revokes;           /* samples the server recorded */
    bench_correctness_t server; /* the server's counters; read after it was joined */
} s;

/* The smallest untyped of at least @bytes, as the bridge sizes its untypeds. */
static uint8_t bits_for(uint64_t bytes)
{
    uint8_t bits = seL4_MinUntypedBits;
    while (((uint64_t)1 << bits) < bytes) {
        bits++;
    }
    return bits;
}

static seL4_Error retype(seL4_CPtr ut, seL4_Word type, seL4_Word bits, seL4_CPtr slot,
                         seL4_Word n)
{
    return seL4_Untyped_Retype(ut, type, bits, seL4_CapInitThreadCNode, 0, 0, slot, n);
}

static seL4_Error mint(seL4_CPtr dest, seL4_CPtr src, seL4_CapRights_t rights, seL4_Word badge)
{
    return seL4_CNode_Mint(seL4_CapInitThreadCNode, dest, seL4_WordBits, seL4_CapInitThreadCNode,
                           src, seL4_WordBits, rights, badge);
}

/* Copy our cap @src into slot @index of the bundle CNode. */
static seL4_Error put(uint32_t index, seL4_CPtr src, seL4_CapRights_t rights)
{
    return seL4_CNode_Copy(S_BUNDLE, index, s.cnode_bits, seL4_CapInitThreadCNode, src,
                           seL4_WordBits, rights);
}

/* ---- the server ---- */

/* What sb_server_init makes for one session; untimed. Returns the number of failed calls. */
static uint32_t server_init(void)
{
    uint32_t failed = 0;
    void *va;
    failed += seL4_TCB_BindNotification(seL4_CapInitThreadTCB, S_NTFN) != seL4_NoError;
    bool untyped_first = s.session_bits >= seL4_PageBits;
    if (untyped_first) {
        failed += retype(S_UNTYPED, seL4_UntypedObject, s.session_bits, S_SESSION_UNTYPED, 1) !=
                  seL4_NoError;
    }
    failed += retype(S_UNTYPED, PLAT_FRAME_OBJECT, 0, S_REQUEST_FRAME, 1) != seL4_NoError;
    failed += plat_frame_map(S_REQUEST_FRAME, &va) != seL4_NoError;
    failed += retype(S_UNTYPED, PLAT_FRAME_OBJECT, 0, S_COMPLETION_FRAME, 1) != seL4_NoError;
    failed += plat_frame_map(S_COMPLETION_FRAME, &va) != seL4_NoError;
    if (!untyped_first) {
        failed += retype(S_UNTYPED, seL4_UntypedObject, s.session_bits, S_SESSION_UNTYPED, 1) !=
                  seL4_NoError;
    }
    failed += mint(S_KICK, S_NTFN, seL4_CanWrite, KICK_BADGE) != seL4_NoError;
    return failed;
}

/* The grant's objects, caps and mappings (server_bundle.c's grant_objects). */
static uint32_t grant(void)
{
    uint32_t failed = 0;
    failed += retype(S_SESSION_UNTYPED, seL4_CapTableObject, s.cnode_bits, S_BUNDLE, 1) !=
              seL4_NoError;
    failed += retype(S_SESSION_UNTYPED, seL4_NotificationObject, 0, S_COMPLETION, 1) !=
              seL4_NoError;
    failed += mint(S_SIGNAL, S_COMPLETION, seL4_CanWrite, SIGNAL_COMPLETION) != seL4_NoError;
    failed += mint(S_SIGNAL_REVOKED, S_COMPLETION, seL4_CanWrite, SIGNAL_REVOKED) != seL4_NoError;
    if (s.data > 0) {
        failed += retype(S_SESSION_UNTYPED, PLAT_FRAME_OBJECT, 0, S_DATA, s.data) != seL4_NoError;
    }
    for (uint32_t i = 0; i < s.data; i++) {
        void *va;
        failed += plat_frame_map(S_DATA + i, &va) != seL4_NoError;
        failed += put(2 + i, S_DATA + i, seL4_ReadWrite) != seL4_NoError;
    }
    failed += put(0, S_REQUEST_FRAME, seL4_ReadWrite) != seL4_NoError;
    failed += put(1, S_COMPLETION_FRAME, seL4_ReadWrite) != seL4_NoError;
    failed += put(s.k - 2, S_KICK, seL4_CanWrite) != seL4_NoError;
    failed += put(s.k - 1, S_COMPLETION, seL4_CanRead) != seL4_NoError;
    return failed;
}

/* The revoke (server_bundle.c's sb_bundle_revoke): kick cap, signal, untyped, ring frames. */
static uint32_t revoke(void)
{
    uint32_t failed = 0;
    failed += seL4_CNode_Revoke(seL4_CapInitThreadCNode, S_KICK, seL4_WordBits) != seL4_NoError;
    seL4_Signal(S_SIGNAL_REVOKED);
    failed += seL4_CNode_Revoke(seL4_CapInitThreadCNode, S_SESSION_UNTYPED, seL4_WordBits) !=
              seL4_NoError;
    failed += seL4_CNode_Revoke(seL4_CapInitThreadCNode, S_REQUEST_FRAME, seL4_WordBits) !=
              seL4_NoError;
    failed += seL4_CNode_Revoke(seL4_CapInitThreadCNode, S_COMPLETION_FRAME, seL4_WordBits) !=
              seL4_NoError;
    return failed;
}

static void server(void *arg)
{
    (void)arg;
    bench_pin(BENCH_ROLE_SERVER);
    bench_correctness_t *c = &s.server;
    c->errors += server_init();
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(S_EP, &badge);
    for (;;) {
        if (badge & REVOKE_BIT) { /* the bound notification's word, not a call */
            uint64_t start = plat_cycles();
            uint32_t failed = revoke();
            uint64_t end = plat_cycles();
            bench_record(&s.run, s.revokes++, start, end);
            c->errors += failed;
            seL4_Signal(S_DONE);
            info = seL4_Recv(S_EP, &badge);
            continue;
        }
        seL4_Word label = seL4_MessageInfo_get_label(info);
        seL4_MessageInfo_t reply;
        if (label == OP_OPEN) {
            c->errors += grant();
            for (seL4_Word i = 0; i < OPEN_REPLY_WORDS; i++) {
                seL4_SetMR((int)i, s.k); /* the layout's words; the client reads none */
            }
            seL4_SetCap(0, S_BUNDLE);
            reply = seL4_MessageInfo_new(0, 0, 1, OPEN_REPLY_WORDS);
        } else if (label == OP_CLOSE) {
            c->errors += revoke();
            reply = seL4_MessageInfo_new(0, 0, 0, CLOSE_REPLY_WORDS);
        } else {
            break;
        }
        info = seL4_ReplyRecv(S_EP, reply, &badge);
    }
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
}

/* ---- the client ---- */

/* sb_client_open's kernel work: the call, the caps copied out, the frames mapped. */
static uint32_t open_bundle(void)
{
    uint32_t failed = 0;
    seL4_SetCapReceivePath(seL4_CapInitThreadCNode, C_BUNDLE, seL4_WordBits);
    seL4_SetMR(0, s.k);
    seL4_SetMR(1, 0);
    seL4_MessageInfo_t info = seL4_Call(C_EP, seL4_MessageInfo_new(OP_OPEN, 0, 0, OPEN_WORDS));
    failed += seL4_MessageInfo_get_label(info) != 0 ||
              seL4_MessageInfo_get_extraCaps(info) != 1 ||
              seL4_MessageInfo_get_capsUnwrapped(info) != 0;
    for (uint32_t i = 0; i < s.k; i++) {
        failed += seL4_CNode_Copy(seL4_CapInitThreadCNode, C_BUNDLE + 1 + i, seL4_WordBits,
                                  C_BUNDLE, i, s.cnode_bits, seL4_AllRights) != seL4_NoError;
    }
    void *ring[2] = {NULL, NULL};
    for (uint32_t i = 0; i < s.k - 2; i++) {
        void *va;
        failed += plat_frame_map(C_BUNDLE + 1 + i, &va) != seL4_NoError;
        if (i < 2) {
            ring[i] = va;
        }
    }
    failed += seL4_CNode_Delete(seL4_CapInitThreadCNode, C_BUNDLE, seL4_WordBits) != seL4_NoError;
    /* The client reads an index of each ring as it attaches them (sb_queue_*_attach): on seL4
     * two loads; on the host model the first touch of each page, whose page-table entry Linux
     * then makes here and tears down at the revoke. Without it the host's revoke k = 4 was
     * about 9,600 cycles cheaper than the bridge's for that alone. */
    for (int i = 0; i < 2; i++) {
        if (ring[i] != NULL) {
            (void)*(volatile uint32_t *)ring[i];
        }
    }
    return failed;
}

/* Every slot the bundle had in our CSpace must be empty: copying from it must fail. */
static void check_revoked(bench_correctness_t *c)
{
    for (uint32_t j = 0; j <= s.k; j++) {
        c->checks++;
        if (seL4_CNode_Copy(seL4_CapInitThreadCNode, C_SCRATCH, seL4_WordBits,
                            seL4_CapInitThreadCNode, C_BUNDLE + j, seL4_WordBits,
                            seL4_AllRights) == seL4_NoError) {
            c->violations++;
            seL4_CNode_Delete(seL4_CapInitThreadCNode, C_SCRATCH, seL4_WordBits);
        }
    }
}

static void client(void *arg)
{
    (void)arg;
    bench_pin(BENCH_ROLE_CLIENT);
    bench_run_t *r = &s.run;
    bench_correctness_t c = {0};
    for (uint32_t i = 0; i < r->warmup + r->n; i++) {
        if (s.revoke_task) {
            seL4_Word badge;
            c.errors += open_bundle();
            seL4_Signal(C_REVOKE); /* the server times the revoke, then signals C_DONE */
            seL4_Wait(C_DONE, &badge);
            check_revoked(&c);
            continue;
        }
        uint64_t start = plat_cycles();
        uint32_t failed = open_bundle();
        uint64_t end = plat_cycles();
        bench_record(r, i, start, end);
        c.checks++;
        c.errors += failed;
        seL4_Call(C_EP, seL4_MessageInfo_new(OP_CLOSE, 0, 0, CLOSE_WORDS));
    }
    *r->correct = c;
    seL4_Call(C_EP, seL4_MessageInfo_new(OP_STOP, 0, 0, 0));
}

/* ---- setup / measure / teardown ---- */

static int setup(bench_run_t *r, bool revoke_task)
{
    memset(&s, 0, sizeof(s));
    bench_run_copy(&s.run, &s.correct, r);
    s.revoke_task = revoke_task;
    s.k = r->params->k;
    if (s.k < BUNDLE_MIN || s.k > BUNDLE_MAX) {
        r->error = "k outside the bridge's bundle sizes (4..64)";
        return -1;
    }
    s.data = s.k - BUNDLE_MIN;
    s.cnode_bits = 0;
    while (((uint32_t)1 << s.cnode_bits) < s.k) {
        s.cnode_bits++;
    }
    /* The bridge's sizes for a server of one session whose largest bundle is k (bench_bridge_*
     * configures it so): the session's untyped holds the CNode and the notification, or the k - 4
     * data frames and a page for those two; the server's, that and the two ring frames. */
    s.session_bits = s.data == 0 ? bits_for(((uint64_t)1 << (s.cnode_bits + seL4_SlotBits)) +
                                            ((uint64_t)1 << seL4_NotificationBits))
                                 : bits_for(((uint64_t)s.data + 1) << seL4_PageBits);
    s.untyped_bits = bits_for(((uint64_t)2 << seL4_PageBits) + ((uint64_t)1 << s.session_bits));
    if (bench_obj_new(r, seL4_EndpointObject, &s.ep) != 0 ||
        bench_obj_new(r, seL4_NotificationObject, &s.ntfn) != 0 ||
        bench_obj_new(r, seL4_NotificationObject, &s.done) != 0) {
        return -1;
    }
    if (plat_obj_alloc(seL4_UntypedObject, s.untyped_bits, &s.untyped) != seL4_NoError) {
        s.untyped = 0;
        r->error = "no untyped memory for the server's objects";
        return -1;
    }
    bench_peer_t peers[2] = {
        [BENCH_ROLE_CLIENT] = {"bench-bundle-client", BENCH_PEER_PRIO, client, NULL,
                               {{s.ep, 1}, {s.ntfn, REVOKE_BIT}, {s.done, 0}}},
        [BENCH_ROLE_SERVER] = {"bench-bundle-server", BENCH_PEER_PRIO, server, NULL,
                               {{s.ep, 0}, {s.ntfn, 0}, {s.untyped, 0}, {s.done, 0}}},
    };
    return bench_pair_create(r, &s.pair, peers, &s, sizeof(s));
}

static int setup_grant(bench_run_t *r) { return setup(r, false); }
static int setup_revoke(bench_run_t *r) { return setup(r, true); }

static int measure(bench_run_t *r)
{
    int rc = bench_pair_run(r, &s.pair);
    bench_run_done(r, &s.run);
    r->correct->checks += s.server.checks;
    r->correct->errors += s.server.errors;
    if (rc == 0 && s.revoke_task && s.revokes != r->warmup + r->n) {
        r->correct->lost += (r->warmup + r->n) - s.revokes;
    }
    return rc;
}

static void teardown(bench_run_t *r)
{
    (void)r;
    bench_pair_destroy(&s.pair);
    bench_obj_free(&s.untyped);
    bench_obj_free(&s.done);
    bench_obj_free(&s.ntfn);
    bench_obj_free(&s.ep);
}

const bench_impl_t bench_raw_grant = {
    "raw_grant",
    "the grant's kernel work as raw calls: call; retype CNode, notification, k-4 frames; 2 mints; "
    "map each data frame; k copies in; reply with the CNode; k copies out, k-2 maps, delete",
    setup_grant, measure, teardown, NULL,
};
const bench_impl_t bench_raw_bundle_revoke = {
    "raw_bundle_revoke",
    "the revoke's kernel work as raw calls, timed on the server: revoke the kick cap, signal, "
    "revoke the session's untyped and the two ring frames; then every client slot checked empty",
    setup_revoke, measure, teardown, NULL,
};
