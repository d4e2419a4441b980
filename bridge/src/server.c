/*
 * The server's transport: receive (seL4_Recv / seL4_ReplyRecv), tell a call from a kick by the
 * badge, check everything a client controls (badge, label, length, caps, body), dispatch to the
 * bridge's ops (SB_OPS) or an application's methods, and encode the reply in place in the message
 * registers.
 */
#include <sel4bridge/server.h>

#include <bridge.capnp.h>
#include <stddef.h>

#include "server_app.h"
#include "server_internal.h"
#include "server_ring.h"
#include "wire.h"

/* What one call brought: its session, its op, the cap that came with it, and the body's root.
 * The body stays in the message registers (decoded in place), so each op reads its fields before
 * it makes any kernel invocation: an invocation's own arguments overwrite those registers. */
typedef struct sb_call {
    uint32_t session;
    uint32_t op;
    bool cap;             /* a cap is in our receive slot */
    bool unwrapped;       /* the client's cap was unwrapped into cap_badge */
    seL4_Word cap_badge;  /* 0 when it was not */
    sb_codec_struct_t root;
} sb_call_t;

/* What the reply says; encoded once the handler is done with the kernel. Only the fields its op
 * or method writes are set (see sb_server_handle_general). The `split` annotations of dispatch,
 * ran and run_method are Frama-C Eva's alone (no code): they keep the analysis states of each op,
 * and of success and failure, apart, so that Eva sees encode() read only fields that were written.
 */
typedef struct sb_answer {
    sb_status_t status;
    uint32_t detail; /* Error.detail when status is not SB_OK */
    bool grant;      /* send the session's bundle CNode in the one extraCap */
    bool deferred;   /* an application deferred its answer: no reply now */
    size_t app_words; /* an application's reply, already encoded in place: its length */
    union {
        sb_bundle_layout_t open;
        struct {
            uint64_t tag, cap_badge;
            bool unwrapped;
        } cap_call;
        struct {
            uint32_t consumed, completed;
        } kick;
        uint64_t served;
        uint32_t caps_revoked;
    } u;
} sb_answer_t;

static sb_status_t fail(sb_answer_t *a, sb_status_t status, uint32_t detail)
{
    a->status = status;
    a->detail = detail;
    return status;
}

/* ---- Operations. Each decodes its fields first, then acts. ---- */

/* Out of line: a session opens once, and inlined into dispatch, gcc no longer sees that encode()
 * reads a->u.open only after this wrote it (-Wmaybe-uninitialized). */
static __attribute__((noinline)) sb_status_t op_open(sb_server_t *s, sb_call_t *c,
                                                     sb_answer_t *a)
{
    bridge_OpenSessionRequest_reader_t r = {c->root};
    uint32_t caps = bridge_OpenSessionRequest_get_bundleCaps(r);
    uint32_t depth = bridge_OpenSessionRequest_get_ringDepth(r);
    uint32_t phase = bridge_OpenSessionRequest_get_phase(r);
    if (caps < SB_BUNDLE_MIN || caps > s->cfg.max_bundle) {
        return fail(a, SB_ERR_BAD_ARGUMENT, 0); /* ordinal of bundleCaps */
    }
    if (depth == 0) {
        depth = s->cfg.default_depth;
    }
    if (!sb_queue_depth_valid(depth)) {
        return fail(a, SB_ERR_BAD_ARGUMENT, 1); /* ordinal of ringDepth */
    }
    if (phase != SB_PHASE_KICK_EVERY_ENQUEUE && phase != SB_PHASE_SIGNAL_WHEN_ASKED) {
        return fail(a, SB_ERR_BAD_ARGUMENT, 2); /* ordinal of phase */
    }
    /* The application may refuse the session (its status goes to the client as it is). */
    sb_status_t st = sb_app_session_open(s, c->session);
    if (st != SB_OK) {
        return fail(a, st, 0);
    }
    st = sb_bundle_grant(s, c->session, caps, depth, phase);
    if (st != SB_OK) {
        sb_app_session_end(s, c->session, true);
        return fail(a, SB_ERR_NO_RESOURCES, st);
    }
    a->grant = true;
    a->u.open = (sb_bundle_layout_t){
        .session = c->session,
        .caps = (uint16_t)caps,
        .cnode_bits = sb_bundle_cnode_bits(caps),
        .frame_bits = SB_FRAME_BITS,
        .first_frame_slot = 0,
        .frame_count = (uint16_t)(caps - 2),
        .request_ring_frame = 0,
        .completion_ring_frame = 1,
        .kick_slot = (uint16_t)(caps - 2),
        .completion_slot = (uint16_t)(caps - 1),
        .ring_depth = (uint16_t)depth,
        .phase = (uint8_t)phase,
    };
    return SB_OK;
}

static sb_status_t op_cap_call(sb_server_t *s, sb_call_t *c, sb_answer_t *a)
{
    (void)s;
    bridge_CapCallRequest_reader_t r = {c->root};
    a->u.cap_call.tag = bridge_CapCallRequest_get_tag(r);
    a->u.cap_call.cap_badge = c->cap_badge; /* 0 unless unwrapped (sb_server_handle_general) */
    a->u.cap_call.unwrapped = c->unwrapped;
    /* The cap itself (if transferred) is deleted with every other received cap, in handle(). */
    return SB_OK;
}

static sb_status_t op_kick(sb_server_t *s, sb_call_t *c, sb_answer_t *a)
{
    /* KickRequest.produced is the client's word: it is read, never trusted. The ring's own tail
     * (checked by the queue) is what is drained. */
    (void)bridge_KickRequest_get_produced((bridge_KickRequest_reader_t){c->root});
    sb_ring_drain(s, c->session, true);
    sb_server_session_t *ss = sb_session(s, c->session);
    if (ss->state != SB_SESSION_OPEN) {
        return fail(a, SB_ERR_REVOKED, 0); /* the drain found the ring corrupt and revoked it */
    }
    a->u.kick.consumed = ss->requests.head;
    a->u.kick.completed = ss->completions.tail;
    return SB_OK;
}

static sb_status_t op_close(sb_server_t *s, sb_call_t *c, sb_answer_t *a)
{
    a->u.served = sb_session(s, c->session)->served;
    return sb_bundle_revoke(s, c->session, SB_SESSION_FREE); /* runs the close hook */
}

static sb_status_t op_revoke(sb_server_t *s, sb_call_t *c, sb_answer_t *a)
{
    uint32_t target = bridge_RevokeBundleRequest_get_session((bridge_RevokeBundleRequest_reader_t){c->root});
    if (target == 0) {
        target = c->session;
    }
    /* Another session's bundle: the admin's right only, and only an open one. A refusal about
     * the target is badArgument (field 0), never badSession/revoked, which speak of the caller. */
    if (target != c->session &&
        (c->session != s->cfg.admin_session || target > s->cfg.max_sessions ||
         sb_session(s, target)->state != SB_SESSION_OPEN)) {
        return fail(a, SB_ERR_BAD_ARGUMENT, 0);
    }
    a->u.caps_revoked = sb_session(s, target)->caps;
    return sb_bundle_revoke(s, target, SB_SESSION_REVOKED); /* runs the revoke hook */
}

static sb_status_t op_ping(sb_server_t *s, sb_call_t *c, sb_answer_t *a)
{
    (void)s, (void)c, (void)a;
    return SB_OK; /* passing the checks is all a ping asks */
}

static sb_status_t op_stats(sb_server_t *s, sb_call_t *c, sb_answer_t *a)
{
    (void)s, (void)c, (void)a;
    return SB_OK; /* encoded from s->stats at reply time, so it counts itself */
}

#define IN(state) (1u << (state))

/*
 * The bridge's ops, one row each, indexed by the message label: what a request of the op must
 * satisfy (its sb_checks_t, as every application method has them: the caps it takes, its largest
 * request, the session states it runs in), its request struct, and the function that runs it.
 * This one list makes both the table of checks (ops[]) and dispatch's switch, which calls each
 * function directly (gcc can inline each into its case, and folds the row's constants into the
 * checks). A request struct with no fields carries nothing the server could use, so its words
 * are never decoded (the length check still holds them to the fastpath's size). Ping asks
 * nothing beyond its checks: op_ping is empty, and its reply is an empty PingReply.
 */
#define SB_OPS(X)                                                                               \
    X(ping, 0, IN(SB_SESSION_OPEN), PingRequest, op_ping)                                       \
    X(openSession, 0, IN(SB_SESSION_FREE) | IN(SB_SESSION_REVOKED), OpenSessionRequest, op_open) \
    X(capCall, 1, IN(SB_SESSION_OPEN), CapCallRequest, op_cap_call)                             \
    X(kick, 0, IN(SB_SESSION_OPEN), KickRequest, op_kick)                                       \
    X(closeSession, 0, IN(SB_SESSION_OPEN) | IN(SB_SESSION_REVOKED), CloseSessionRequest,       \
      op_close)                                                                                 \
    X(revokeBundle, 0, IN(SB_SESSION_OPEN), RevokeBundleRequest, op_revoke)                     \
    X(stats, 0, IN(SB_SESSION_OPEN) | IN(SB_SESSION_REVOKED), StatsRequest, op_stats)

#define SB_OP_CHECKS(name, caps, states, Request, fn) \
    [bridge_Op_##name] = {(caps), SB_MSG_MAX_WORDS, (states)},
static const sb_checks_t ops[] = {SB_OPS(SB_OP_CHECKS)};
#undef SB_OP_CHECKS
#define SB_OP_COUNT (sizeof ops / sizeof ops[0])
/* The request struct has fields: its root is decoded. */
#define HAS_FIELDS(T) (bridge_##T##_DATA_WORDS + bridge_##T##_POINTERS > 0)
_Static_assert(IN(SB_SESSION_OPEN) == SB_METHOD_STATES, "application methods run in open sessions");

/*
 * What every call must satisfy, in the order it is checked; the first check a call fails names
 * the refusal (refusals[] below). Both paths derive from these two functions and the table above:
 * ping_fast() asks only whether a call passes, the general path which check it failed.
 */
typedef enum {
    SB_PASSES,
    SB_REFUSE_BADGE,          /* the badge names no session at all */
    SB_REFUSE_SESSIONS,       /* a session beyond this server's max_sessions */
    /* (then the label: an op of the table, or an application's method) */
    SB_REFUSE_UNEXPECTED_CAP, /* more caps than the entry takes (deleted in the general path) */
    SB_REFUSE_MISSING_CAP,    /* fewer, or seL4 dropped it: the client's cap lacked Grant */
    SB_REFUSE_LENGTH,         /* no root pointer, or longer than the entry's largest request */
    SB_REFUSE_STATE,          /* the session's state is not one the entry runs in */
    /* (then the body, when the entry decodes one) */
} sb_refusal_t;

static const struct {
    sb_status_t status;
    uint32_t detail;
} refusals[] = {
    [SB_REFUSE_BADGE] = {SB_ERR_BAD_SESSION, SB_ERR_BAD_BADGE},
    [SB_REFUSE_SESSIONS] = {SB_ERR_NO_RESOURCES, SB_ERR_TOO_MANY_SESSIONS},
    [SB_REFUSE_UNEXPECTED_CAP] = {SB_ERR_BAD_CAP, SB_ERR_UNEXPECTED_CAP},
    [SB_REFUSE_MISSING_CAP] = {SB_ERR_BAD_CAP, SB_ERR_MISSING_CAP},
    [SB_REFUSE_LENGTH] = {SB_ERR_BAD_MESSAGE, SB_ERR_BAD_LENGTH},
    /* SB_REFUSE_STATE: refuse_state(), from the state itself */
};

/* The badge, set by the system builder's Mint: the only thing that names a session. One compare
 * for every call that passes (max_sessions <= SB_MAX_SESSIONS, as sb_server_init checks). */
static inline __attribute__((always_inline)) sb_refusal_t badge_refusal(const sb_server_t *s,
                                                                        seL4_Word id)
{
    if (id - 1 < s->cfg.max_sessions) {
        return SB_PASSES;
    }
    return id == 0 || id > SB_MAX_SESSIONS ? SB_REFUSE_BADGE : SB_REFUSE_SESSIONS;
}

/* The checks of a call's table entry @k (a bridge op or an application method) for session
 * @session; @got_cap: a cap arrived, in the receive slot or unwrapped into a badge. */
static inline __attribute__((always_inline)) sb_refusal_t
entry_refusal(const sb_server_t *s, seL4_MessageInfo_t info, const sb_checks_t *k,
              uint32_t session, bool got_cap)
{
    seL4_Word caps = k->caps;
    seL4_Word sent = seL4_MessageInfo_get_extraCaps(info);
    seL4_Word length = seL4_MessageInfo_get_length(info);
    if (sent > caps) {
        return SB_REFUSE_UNEXPECTED_CAP;
    }
    if (sent < caps || (caps && !got_cap)) {
        return SB_REFUSE_MISSING_CAP;
    }
    if (length - 1 >= k->max_words) {
        return SB_REFUSE_LENGTH; /* 0 wraps: no root pointer */
    }
    if (!(k->states & IN(s->sessions[session - 1].state))) {
        return SB_REFUSE_STATE;
    }
    return SB_PASSES;
}

/* Why a session in @state may not run an op. */
static sb_status_t refuse_state(uint32_t state)
{
    switch (state) {
    case SB_SESSION_OPEN:
        return SB_ERR_SESSION_EXISTS;
    case SB_SESSION_REVOKED:
        return SB_ERR_REVOKED;
    default:
        return SB_ERR_BAD_SESSION;
    }
}

/* Name refusal @r of session @session in @a; false when there is none. */
static bool refused(sb_server_t *s, sb_refusal_t r, uint32_t session, sb_answer_t *a)
{
    if (r == SB_PASSES) {
        return false;
    }
    if (r == SB_REFUSE_STATE) {
        fail(a, refuse_state(sb_session(s, session)->state), 0);
    } else {
        fail(a, refusals[r].status, refusals[r].detail);
    }
    return true;
}

/* The fast path's reply to a ping that passed its checks: an empty PingReply, which is its root
 * pointer alone (the empty struct's, as sb_codec_init_root writes it for encode() on the general
 * path), written directly. */
_Static_assert(bridge_PingReply_ROOT_WORDS == 1, "an empty struct is its root pointer");
static inline __attribute__((always_inline)) seL4_MessageInfo_t answer_ping(sb_server_t *s,
                                                                            uint64_t *mrs)
{
    mrs[0] = sb_codec_struct_ptr(-1, 0, 0);
    s->stats.calls++;
    return seL4_MessageInfo_new(SB_OK, 0, 0, bridge_PingReply_ROOT_WORDS);
}

/* An application method: the generated skeleton decodes the params in place, runs the handler
 * and encodes the results in place over them (or defers). */
static void run_method(sb_server_t *s, const sb_method_t *m, uint64_t *mrs, sb_call_t *c,
                       sb_answer_t *a)
{
    sb_app_call_t call = {
        .server = s,
        .session = c->session,
        .session_ctx = sb_session(s, c->session)->app_ctx,
        .app_ctx = s->app->ctx,
        .cap = c->cap ? sb_recv_slot(s) : seL4_CapNull,
        .cap_badge = c->cap_badge,
    };
    sb_codec_builder_t reply;
    sb_codec_builder_init(&reply, mrs, seL4_MsgMaxLength);
    sb_status_t st = m->fn(&call, c->root, &reply);
    if (c->cap && call.cap == seL4_CapNull) {
        c->cap = false; /* the application kept it: the receive slot is already empty */
    }
    if (st == SB_DEFERRED) {
        a->deferred = true;
        /*@ split a->deferred; */
        return;
    }
    if (st == SB_ERR_BAD_MESSAGE) {
        fail(a, st, sb_codec_reader_status(c->root.msg));
        return;
    }
    if (st != SB_OK) {
        /* A local status travels as the detail of noResources; a wire one as the label. */
        if (st >= SB_WIRE_STATUS_COUNT) {
            fail(a, SB_ERR_NO_RESOURCES, st);
        } else {
            fail(a, st, call.detail);
        }
        return;
    }
    if (sb_codec_builder_finish(&reply, &a->app_words) != SB_CODEC_OK) {
        fail(a, SB_ERR_NO_RESOURCES, SB_ERR_MESSAGE_TOO_LONG);
    } else if (a->app_words == 0) {
        /* The method built no results: answer an empty struct. (Left at 0 words, the reply
         * would be encode()'s for the bridge op numbered like the method, made from an answer
         * no op filled in: the server's stack, sent to the client.) */
        sb_codec_init_root(&reply, 0, 0);
        (void)sb_codec_builder_finish(&reply, &a->app_words);
    }
    /*@ split a->status == SB_OK; */
}

/* The checks of a call's entry @k for the call in @c, and when @decode, its body, in place: the
 * codec checks every pointer against these words. The root's status is the reader's remembered
 * one (the reader is fresh), so it is looked at once. @reader lives as long as the call: c->root
 * refers to it. False, with the refusal named in @a, when the call may not run. No contract of
 * its own: WP reads it inlined into dispatch, as gcc compiles it (run.sh server-calls). */
static inline __attribute__((always_inline)) bool admitted(sb_server_t *s, seL4_MessageInfo_t info,
                                                           uint64_t *mrs, const sb_checks_t *k,
                                                           bool decode, sb_codec_reader_t *reader,
                                                           sb_call_t *c, sb_answer_t *a)
{
    if (refused(s, entry_refusal(s, info, k, c->session, c->cap || c->unwrapped), c->session,
                a)) {
        return false;
    }
    if (decode) {
        sb_codec_reader_init(reader, mrs, (size_t)seL4_MessageInfo_get_length(info));
        sb_codec_status_t st = sb_codec_read_root(reader, &c->root);
        if (st != SB_CODEC_OK) {
            fail(a, SB_ERR_BAD_MESSAGE, st);
            return false;
        }
    }
    return true;
}

/* An op's status @st, in @a. */
static inline __attribute__((always_inline)) void ran(sb_answer_t *a, sb_status_t st)
{
    a->status = st;
    /*@ split a->status == SB_OK; */
    if (st != SB_OK && a->detail == 0 && st >= SB_WIRE_STATUS_COUNT) {
        /* A local reason from a helper (e.g. SB_ERR_KERNEL): say it in the detail. */
        a->detail = st;
        a->status = SB_ERR_NO_RESOURCES;
    }
}

/* Check one call against everything the client controls, then run it. */
static void dispatch(sb_server_t *s, seL4_MessageInfo_t info, seL4_Word badge, uint64_t *mrs,
                     sb_call_t *c, sb_answer_t *a)
{
    seL4_Word label = seL4_MessageInfo_get_label(info);
    seL4_Word id = badge & ~SB_BADGE_CALL;
    c->op = (uint32_t)(label & 0xffff); /* echoed in Error.op, even when it names no op */
    if (refused(s, badge_refusal(s, id), 0, a)) {
        return;
    }
    c->session = (uint32_t)id;
    /* The label: a bridge op (SB_OPS: its row's checks, then its function), or an application's
     * interface and method (a server without applications answers every other label badOp,
     * detail 0). */
    sb_codec_reader_t reader;
    if (label >= SB_OP_COUNT) {
        if (label < SB_APP_LABEL_MIN || s->app == NULL) {
            fail(a, SB_ERR_BAD_OP, 0);
            return;
        }
        sb_status_t why = SB_ERR_UNKNOWN_INTERFACE;
        const sb_method_t *m = sb_app_method(s, label, &why);
        if (m == NULL) {
            fail(a, SB_ERR_BAD_OP, why);
            return;
        }
        if (admitted(s, info, mrs, &m->check, true, &reader, c, a)) {
            run_method(s, m, mrs, c, a);
        }
        return;
    }
    /*@ split c->op; */ /* == label here: one analysis state per op */
    switch (c->op) {
#define SB_OP_CASE(name, caps, states, Request, fn)                                               \
    case bridge_Op_##name:                                                                        \
        if (admitted(s, info, mrs, &ops[bridge_Op_##name], HAS_FIELDS(Request), &reader, c, a)) { \
            ran(a, fn(s, c, a));                                                                  \
        }                                                                                         \
        return;
        SB_OPS(SB_OP_CASE)
#undef SB_OP_CASE
    }
}
#undef HAS_FIELDS

/* Encode @a as the reply to op @op in the message registers (a ping's: the words answer_ping
 * writes on the fast path). */
static seL4_MessageInfo_t encode(sb_server_t *s, uint32_t op, const sb_answer_t *a,
                                 uint32_t session, uint64_t *mrs)
{
    sb_codec_builder_t b;
    sb_codec_builder_init(&b, mrs, SB_MSG_MAX_WORDS);
    seL4_Word caps = 0;
    if (a->status != SB_OK) {
        bridge_Error_builder_t e = bridge_Error_init_root(&b);
        bridge_Error_set_status(e, (bridge_Status_t)a->status);
        bridge_Error_set_op(e, (bridge_Op_t)op);
        bridge_Error_set_detail(e, a->detail);
    } else {
        switch (op) {
        case bridge_Op_ping:
            bridge_PingReply_init_root(&b);
            break;
        case bridge_Op_openSession:
            sb_wire_put_layout(bridge_OpenSessionReply_init_root(&b), &a->u.open);
            break;
        case bridge_Op_capCall: {
            bridge_CapCallReply_builder_t r = bridge_CapCallReply_init_root(&b);
            bridge_CapCallReply_set_tag(r, a->u.cap_call.tag);
            bridge_CapCallReply_set_capBadge(r, a->u.cap_call.cap_badge);
            bridge_CapCallReply_set_unwrapped(r, a->u.cap_call.unwrapped);
            break;
        }
        case bridge_Op_kick: {
            bridge_KickReply_builder_t r = bridge_KickReply_init_root(&b);
            bridge_KickReply_set_consumed(r, a->u.kick.consumed);
            bridge_KickReply_set_completed(r, a->u.kick.completed);
            break;
        }
        case bridge_Op_closeSession:
            bridge_CloseSessionReply_set_served(bridge_CloseSessionReply_init_root(&b), a->u.served);
            break;
        case bridge_Op_revokeBundle:
            bridge_RevokeBundleReply_set_capsRevoked(bridge_RevokeBundleReply_init_root(&b),
                                                     a->u.caps_revoked);
            break;
        case bridge_Op_stats: {
            bridge_StatsReply_builder_t r = bridge_StatsReply_init_root(&b);
            sb_server_stats_t st = sb_server_stats(s);
            bridge_StatsReply_set_calls(r, st.calls);
            bridge_StatsReply_set_ringRequests(r, st.ring_requests);
            bridge_StatsReply_set_errors(r, st.errors);
            bridge_StatsReply_set_openSessions(r, (uint16_t)st.open_sessions);
            bridge_StatsReply_set_revokedBundles(r, (uint16_t)st.revoked_bundles);
            break;
        }
        }
    }
    if (a->status == SB_OK && a->grant) {
        /* The one extraCap: the bundle CNode. The copy the client receives derives from it. */
        seL4_SetCap(0, sb_session_slot(s, session, SB_SLOT_BUNDLE));
        caps = 1;
    }
    size_t words = 0;
    (void)sb_codec_builder_finish(&b, &words); /* fixed sizes: every reply fits in 4 words */
    return seL4_MessageInfo_new(a->status, 0, caps, words);
}

/* The application's own bits of the server's notification word. */
static inline __attribute__((always_inline)) void serve_app_signal(sb_server_t *s, seL4_Word word)
{
    if ((word & SB_APP_SIGNAL_BITS) && s->cfg.signal) {
        s->cfg.signal(s->cfg.ctx, word & SB_APP_SIGNAL_BITS);
    }
}

/* Bits of the server's notification word: kicks, and the application's own signals. */
static void serve_signal(sb_server_t *s, seL4_Word word)
{
    sb_ring_serve_kicks(s, word & SB_KICK_BITS);
    serve_app_signal(s, word);
}

/*
 * The null call, the one a client makes most: a ping with no cap, from an open session. It asks
 * of the call exactly what the general path does (badge_refusal, the ping's entry in ops[],
 * entry_refusal: the same functions, the table's constants folded in) but only whether it passes;
 * anything else — including every refusal — returns false and takes the general path, which finds
 * the same fault and names it. The body is an empty struct, never read. No cap came (extraCaps
 * is 0), so the receive slot is still empty.
 */
static inline __attribute__((always_inline)) bool ping_fast(sb_server_t *s, seL4_MessageInfo_t info,
                                                            seL4_Word badge, uint64_t *mrs,
                                                            seL4_MessageInfo_t *reply)
{
    _Static_assert(bridge_PingRequest_DATA_WORDS + bridge_PingRequest_POINTERS == 0,
                   "a ping's body is never read");
    seL4_Word id = badge & ~SB_BADGE_CALL;
    if (seL4_MessageInfo_get_label(info) != bridge_Op_ping || badge_refusal(s, id) != SB_PASSES ||
        entry_refusal(s, info, &ops[bridge_Op_ping], (uint32_t)id, false) != SB_PASSES) {
        return false;
    }
    *reply = answer_ping(s, mrs);
    return true;
}

bool sb_server_ping_fast(sb_server_t *s, seL4_MessageInfo_t info, seL4_Word badge,
                         uint64_t *mrs, seL4_MessageInfo_t *reply)
{
    return ping_fast(s, info, badge, mrs, reply);
}

/* Everything but the null call: out of line, so that the ping and the notification paths of
 * sb_server_handle do not pay for this one's registers and stack. (Not cold: gcc would build it
 * for size, and a cap call or a control kick would pay for that.) */
__attribute__((noinline)) bool sb_server_handle_general(sb_server_t *s,
                                                             seL4_MessageInfo_t info,
                                                             seL4_Word badge, uint64_t *mrs,
                                                             seL4_MessageInfo_t *reply)
{
    /* Only the fields every path reads are cleared: the op's own fields are written by the op
     * before encode reads them (run.sh server-eva checks it: no read before a write). */
    sb_call_t c;
    sb_answer_t a;
    c.session = 0;
    c.cap = false;
    c.unwrapped = false;
    c.cap_badge = 0;
    a.status = SB_OK;
    a.detail = 0;
    a.grant = false;
    a.deferred = false;
    a.app_words = 0;
    seL4_Word sent = seL4_MessageInfo_get_extraCaps(info);
    if (sent > 0) {
        /* seL4 unwraps a badged cap to this very endpoint into a badge; any other cap lands in
         * our one receive slot (only the first: the slot is then full). */
        c.unwrapped = seL4_MessageInfo_get_capsUnwrapped(info) & 1;
        c.cap_badge = c.unwrapped ? seL4_GetBadge(0) : 0;
        c.cap = seL4_MessageInfo_get_capsUnwrapped(info) != ((1u << sent) - 1);
    }
    dispatch(s, info, badge, mrs, &c, &a);
    if (c.cap) {
        /* Empty the receive slot whatever happened, before the next receive: seL4 would drop
         * (not queue) a cap sent to an occupied slot. */
        seL4_CNode_Delete(s->cfg.cnode, sb_recv_slot(s), seL4_WordBits);
    }
    s->stats.calls++;
    if (a.status != SB_OK) {
        s->stats.errors++;
    }
    if (a.deferred) {
        return false; /* the caller's reply cap is saved; it is answered later */
    }
    if (a.status == SB_OK && a.app_words > 0) {
        *reply = seL4_MessageInfo_new(SB_OK, 0, 0, a.app_words); /* encoded by the skeleton */
    } else {
        *reply = encode(s, c.op, &a, c.session, mrs);
    }
    return true;
}

/* Inline in the receive loops: the null call and a kick then cost no call of their own. */
static inline __attribute__((always_inline)) bool handle(sb_server_t *s, seL4_MessageInfo_t info,
                                                         seL4_Word badge,
                                                         seL4_MessageInfo_t *reply)
{
    if (!(badge & SB_BADGE_CALL)) {
        /* The bound notification: seL4 set only the badge, to the notification word. */
        serve_signal(s, badge);
        return false;
    }
    uint64_t *mrs = sb_msg_words(); /* the IPC buffer, looked up once per message */
    if (ping_fast(s, info, badge, mrs, reply)) {
        return true;
    }
    return sb_server_handle_general(s, info, badge, mrs, reply);
}

bool sb_server_handle(sb_server_t *s, seL4_MessageInfo_t info, seL4_Word badge,
                      seL4_MessageInfo_t *reply)
{
    return handle(s, info, badge, reply);
}

/* ---- Receiving. ---- */

/* seL4_Recv on the endpoint, where a kick wakes us through the bound notification: a signal
 * carries no message, so the message registers are copied into the IPC buffer only for a call
 * (true). */
static inline __attribute__((always_inline)) bool recv(sb_server_t *s, seL4_MessageInfo_t *info,
                                                       seL4_Word *badge)
{
    /* Four scalars, not an array: they stay in registers, and are stored only for a call. */
    seL4_Word mr0, mr1, mr2, mr3;
    *info = seL4_RecvWithMRs(s->cfg.endpoint, badge, &mr0, &mr1, &mr2, &mr3);
    if (!(*badge & SB_BADGE_CALL)) {
        return false;
    }
    seL4_SetMR(0, mr0);
    seL4_SetMR(1, mr1);
    seL4_SetMR(2, mr2);
    seL4_SetMR(3, mr3);
    return true;
}

/* Pending work from an earlier message comes before blocking: kicks whose budget ran out, and
 * signals collected while a revoke cleared a kick bit (the callers call this only when some is
 * left). NBRecv first, so calls still get in. */
static bool serve_pending(sb_server_t *s, seL4_MessageInfo_t *info, seL4_Word *badge)
{
    *badge = 0;
    *info = seL4_NBRecv(s->cfg.endpoint, badge);
    if (*badge != 0) {
        return true; /* a message: handle it first */
    }
    seL4_Word bits = s->pending;
    s->pending = 0;
    serve_signal(s, bits);
    return false;
}

sb_status_t sb_server_serve_once(sb_server_t *s)
{
    seL4_MessageInfo_t info;
    seL4_Word badge = 0;
    if (s->pending) {
        if (!serve_pending(s, &info, &badge)) {
            return SB_OK;
        }
    } else if (!recv(s, &info, &badge)) {
        serve_signal(s, badge);
        return SB_OK;
    }
    seL4_MessageInfo_t reply;
    if (handle(s, info, badge, &reply)) {
        seL4_Reply(reply);
    }
    return SB_OK;
}

sb_status_t sb_server_run(sb_server_t *s)
{
    seL4_MessageInfo_t reply = seL4_MessageInfo_new(0, 0, 0, 0);
    bool replying = false;
    while (!s->stop) {
        seL4_MessageInfo_t info;
        seL4_Word badge = 0;
        if (s->pending) {
            if (replying) {
                seL4_Reply(reply);
                replying = false;
            }
            /* Its own copies: the loop's badge and info, whose addresses never escape, stay
             * in registers on the other paths. */
            seL4_MessageInfo_t pending_info;
            seL4_Word pending_badge;
            if (!serve_pending(s, &pending_info, &pending_badge)) {
                continue;
            }
            info = pending_info;
            badge = pending_badge;
        } else if (__builtin_expect(replying, 1)) {
            /* The fast case: answer the last caller and wait for the next message at once (laid
             * out straight into the dispatch: gcc otherwise puts a jump on the null call's path). */
            info = seL4_ReplyRecv(s->cfg.endpoint, reply, &badge);
        } else if (!recv(s, &info, &badge)) {
            /* The bound notification: nothing to answer. The kick's path: its drain runs here,
             * inline (server_ring.h), not in a call of its own. */
            serve_kicks(s, badge & SB_KICK_BITS);
            serve_app_signal(s, badge);
            continue;
        }
        replying = handle(s, info, badge, &reply);
    }
    if (replying) {
        seL4_Reply(reply);
    }
    return SB_ERR_STOPPED;
}

sb_status_t sb_server_revoke(sb_server_t *s, uint32_t session)
{
    if (session == 0 || session > s->cfg.max_sessions) {
        return SB_ERR_BAD_SESSION;
    }
    if (sb_session(s, session)->state != SB_SESSION_OPEN) {
        return SB_ERR_BAD_SESSION;
    }
    return sb_bundle_revoke(s, session, SB_SESSION_REVOKED);
}
