/*
 * libFuzzer target for the server's dispatch of control messages: a label, a badge, up to three
 * caps and the message registers, all from the fuzz input, sent with a real seL4_Call by a client
 * thread to a bridge server running on the host model (sb_server_run, the serve loop). Where
 * dispatch_fuzz.c hands messages to sb_server_handle directly (and also fuzzes kicks and ring
 * writes), this target goes through the kernel: the cap transfer, the unwrapping of badges, the
 * Grant right, the one-shot reply and the serve loop are the real ones.
 *
 * An input is one message, or up to MAX_MESSAGES messages separated by SEPARATOR, sent in order
 * (so that a message can meet the states earlier ones left: a session opened, closed, revoked).
 * Per message it checks: the reply comes, its label is a wire status, an Error body repeats that
 * status and the request's op, and the status (and Error.detail) is exactly the one the bridge
 * documents for this badge, label, length, cap transfer, session state and body; the server's
 * receive slot is empty afterwards; the session states change only as the reply says (no other
 * session is touched); no pool frame leaks. After the input the sessions are brought back to
 * their starting states through the client library. Every 64 inputs, and whenever the admin
 * revoked it, a bystander client on its own thread checks that its session still serves calls
 * and its ring.
 *
 * Layout of one message (short ones read as zero-padded):
 *   byte 0-1   label, little endian
 *   byte 2     bits 0-2 badge kind (BADGE_*), bits 3-4 cap count (0-3), bit 5 the length is
 *              byte 3 (else: the body's length in words), bit 6 set label bits 16..51
 *   byte 3     the length (bits 0-6; seL4 clamps above seL4_MsgMaxLength), when bit 5 says so
 *   byte 4-6   cap kinds (CAP_*, low 4 bits) of the caps sent
 *   byte 7..   the message registers, little endian, zero-padded to the length
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bridge.capnp.h>
#include <sel4bridge/codec.h>

#include "support/testsys.h"
#include "wire.h"

#define HEADER 7
#define MAX_MESSAGES 8
#define SEPARATOR "\xb5\x5e\x14\x5b" /* between two messages of one input */
#define SEPARATOR_SIZE 4

/* The server: four sessions, A the admin. The states every input starts from: */
#define SESSION_A 1 /* open, its bundle held by the fuzzing client: a valid session */
#define SESSION_B 2 /* free: a badge without a session */
#define SESSION_C 3 /* opened and revoked */
#define SESSION_D 4 /* open: the bystander's, on its own thread */
#define MAX_SESSIONS 4
#define MAX_BUNDLE 8
#define POOL_FRAMES (MAX_SESSIONS * (MAX_BUNDLE - SB_BUNDLE_MIN))
#define DEFAULT_DEPTH 8
#define CHECK_EVERY 64 /* inputs between two bystander checks */

/* Badge kinds: the endpoint cap the call goes through. */
enum {
    BADGE_A,         /* sb_client_badge(A): a valid session's */
    BADGE_B,         /* a badge without a session */
    BADGE_C,         /* a session whose bundle was revoked */
    BADGE_A_NOGRANT, /* A's badge on a cap without Grant: seL4 drops the caps sent (not the
                      * cap of the reply) */
    BADGE_ID0,       /* SB_BADGE_CALL alone: session id 0 */
    BADGE_OVER_MAX,  /* a session id beyond this server's max_sessions */
    BADGE_OVER_32,   /* a session id beyond SB_MAX_SESSIONS */
    BADGE_HIGH_BITS, /* SB_BADGE_CALL with application-signal bits and a session id */
    BADGE_KINDS
};

/* Cap kinds: what the client puts in each extraCap. */
enum {
    CAP_NULL,          /* cptr 0, an empty slot: the transfer stops there */
    CAP_USED_UNTYPED,  /* untyped memory with a child: deriveCap fails, the transfer stops */
    CAP_NTFN,          /* the client's own notification */
    CAP_FRAME,         /* the client's own frame */
    CAP_EP_A,          /* the server's endpoint, badge A: seL4 unwraps it */
    CAP_EP_B,          /* the server's endpoint, badge B: unwrapped */
    CAP_CNODE,         /* the client's CSpace root */
    CAP_TCB,           /* the client's TCB */
    CAP_TO_ROOT,       /* a write-only notification */
    CAP_FOREIGN_EP,    /* an endpoint that is not the server's: transferred */
    CAP_UNTYPED,       /* untyped memory */
    CAP_BUNDLE_KICK,   /* A's kick cap: derived from the server's own notification */
    CAP_BUNDLE_RING,   /* A's request ring frame, mapped by the client */
    CAP_BUNDLE_NTFN,   /* A's completion notification, read-only */
    CAP_EP_A_NOGRANT,  /* the server's endpoint without Grant: unwrapped all the same */
    CAP_EP_ID0,        /* the server's endpoint badged SB_BADGE_CALL: unwrapped */
    CAP_KINDS
};

/* Slots of the fuzzing client's CSpace (TS_SLOT_* are testsys's). */
#define SLOT_EP(kind) ((kind) == BADGE_A ? TS_SLOT_EP : TS_SLOT_EP2 + (kind) - 1)
#define SLOT_FOREIGN_EP (TS_SLOT_EP2 + BADGE_KINDS - 1)
#define SLOT_UNTYPED (SLOT_FOREIGN_EP + 1)
#define SLOT_A_BASE TS_SLOT_BASE /* SB_BUNDLE_MAX + 1 slots: session A's client */
#define SLOT_B_BASE 100          /* 5 slots: session B's client, for the restore */
#define SLOT_C_BASE 110          /* 5 slots: session C's client, for the restore */
#define SLOT_RECV 120            /* the raw call's receive slot */
#define SLOT_PROBE 121           /* scratch, to tell whether a slot holds a cap */
#define SLOT_USED_UNTYPED 122    /* and its child in 123 */
_Static_assert(SLOT_UNTYPED < TS_SLOT_BASE, "the extra endpoint slots fit below TS_SLOT_BASE");
_Static_assert(SLOT_USED_UNTYPED + 1 < (1 << TS_CLIENT_CNODE_BITS), "the slots fit the CNode");

static seL4_Word badge_of(unsigned kind)
{
    switch (kind) {
    case BADGE_A:
    case BADGE_A_NOGRANT:
        return sb_client_badge(SESSION_A);
    case BADGE_B:
        return sb_client_badge(SESSION_B);
    case BADGE_C:
        return sb_client_badge(SESSION_C);
    case BADGE_ID0:
        return SB_BADGE_CALL;
    case BADGE_OVER_MAX:
        return sb_client_badge(MAX_SESSIONS + 1);
    case BADGE_OVER_32:
        return sb_client_badge(SB_MAX_SESSIONS + 1);
    default:
        return SB_BADGE_CALL | ((seL4_Word)1 << 40) | SESSION_A;
    }
}

/* ---- One call, decoded from the input. ---- */

typedef struct call {
    seL4_Word label;
    unsigned badge_kind;
    unsigned ncaps;
    unsigned cap_kind[3];
    seL4_Word length; /* as given to seL4_MessageInfo_new */
    uint64_t mr[seL4_MsgMaxLength];
} call_t;

static void decode_input(const uint8_t *data, size_t size, call_t *c)
{
    uint8_t h[HEADER] = {0};
    memcpy(h, data, size < HEADER ? size : HEADER);
    const uint8_t *body = size > HEADER ? data + HEADER : NULL;
    size_t body_size = size > HEADER ? size - HEADER : 0;
    memset(c, 0, sizeof *c);
    c->label = (seL4_Word)h[0] | (seL4_Word)h[1] << 8;
    if (h[2] & 0x40) {
        c->label |= ((seL4_Word)1 << 52) - ((seL4_Word)1 << 16);
    }
    c->badge_kind = h[2] & 7;
    c->ncaps = (h[2] >> 3) & 3;
    for (unsigned i = 0; i < 3; i++) {
        c->cap_kind[i] = h[4 + i] & (CAP_KINDS - 1);
    }
    size_t words = (body_size + 7) / 8;
    if (words > seL4_MsgMaxLength) {
        words = seL4_MsgMaxLength;
    }
    c->length = (h[2] & 0x20) ? (seL4_Word)(h[3] & 0x7f) : (seL4_Word)words;
    if (body) {
        memcpy(c->mr, body, body_size < sizeof c->mr ? body_size : sizeof c->mr);
    }
}

/* ---- The expected answer: the bridge's documented checks, in the documented order. ---- */

typedef struct outcome {
    sb_status_t status;
    uint32_t detail;
    uint32_t state[MAX_SESSIONS + 1]; /* session states after the call, [1..MAX_SESSIONS] */
    /* What the kernel delivered, as the server saw it. */
    seL4_Word sent;
    bool unwrapped0;
    seL4_Word badge0;
    /* Fields of an accepted request, to check the reply. */
    uint64_t tag;
    uint32_t open_caps, open_depth, open_phase;
} outcome_t;

static bool is_server_ep(unsigned cap_kind, seL4_Word *badge)
{
    switch (cap_kind) {
    case CAP_EP_A:
    case CAP_EP_A_NOGRANT:
        *badge = sb_client_badge(SESSION_A);
        return true;
    case CAP_EP_B:
        *badge = sb_client_badge(SESSION_B);
        return true;
    case CAP_EP_ID0:
        *badge = SB_BADGE_CALL;
        return true;
    default:
        return false;
    }
}

/* transferCaps as seL4 does it: nothing when the endpoint cap lacks Grant; else a cap to the
 * server's own endpoint is unwrapped into its badge, the first other cap goes to the receive
 * slot, and the transfer stops at a cap deriveCap refuses (null, untyped with children) or at the
 * next cap that would need the slot. (A cptr whose lookup fails never gets this far: seL4's
 * handleInvocation turns it into a cap fault of the caller.) */
static void model_transfer(const call_t *c, bool a_bundle, outcome_t *o)
{
    if (c->badge_kind == BADGE_A_NOGRANT) {
        return;
    }
    bool slot_free = true;
    unsigned i;
    for (i = 0; i < c->ncaps; i++) {
        seL4_Word badge;
        if (is_server_ep(c->cap_kind[i], &badge)) {
            if (i == 0) {
                o->unwrapped0 = true;
                o->badge0 = badge;
            }
        } else if (slot_free && c->cap_kind[i] != CAP_NULL && c->cap_kind[i] != CAP_USED_UNTYPED &&
                   (a_bundle || c->cap_kind[i] < CAP_BUNDLE_KICK || c->cap_kind[i] > CAP_BUNDLE_NTFN)) {
            slot_free = false;
        } else {
            break;
        }
    }
    o->sent = i;
}

static sb_status_t refused_state(uint32_t state)
{
    return state == SB_SESSION_OPEN      ? SB_ERR_SESSION_EXISTS
           : state == SB_SESSION_REVOKED ? SB_ERR_REVOKED
                                         : SB_ERR_BAD_SESSION;
}

/* @state: the sessions' states before the call; @a_bundle: client A still holds the bundle of
 * its session (not so once A was closed or revoked: its slots are empty from then on). */
static void expect(const call_t *c, const uint32_t *state, bool a_bundle, outcome_t *o)
{
    memset(o, 0, sizeof *o);
    memcpy(o->state, state, sizeof o->state);
    model_transfer(c, a_bundle, o);
    o->status = SB_OK;
    seL4_Word id = badge_of(c->badge_kind) & ~SB_BADGE_CALL;
    if (id == 0 || id > SB_MAX_SESSIONS) {
        o->status = SB_ERR_BAD_SESSION, o->detail = SB_ERR_BAD_BADGE;
        return;
    }
    if (id > MAX_SESSIONS) {
        o->status = SB_ERR_NO_RESOURCES, o->detail = SB_ERR_TOO_MANY_SESSIONS;
        return;
    }
    if (c->label > bridge_Op_stats) {
        o->status = SB_ERR_BAD_OP;
        return;
    }
    seL4_Word takes = c->label == bridge_Op_capCall;
    if (o->sent > takes) {
        o->status = SB_ERR_BAD_CAP, o->detail = SB_ERR_UNEXPECTED_CAP;
        return;
    }
    if (o->sent < takes) {
        o->status = SB_ERR_BAD_CAP, o->detail = SB_ERR_MISSING_CAP;
        return;
    }
    seL4_Word length = c->length > seL4_MsgMaxLength ? seL4_MsgMaxLength : c->length;
    if (length == 0 || length > seL4_FastMessageRegisters) {
        o->status = SB_ERR_BAD_MESSAGE, o->detail = SB_ERR_BAD_LENGTH;
        return;
    }
    static const uint8_t runs_in[] = {
        [bridge_Op_ping] = 1u << SB_SESSION_OPEN,
        [bridge_Op_openSession] = 1u << SB_SESSION_FREE | 1u << SB_SESSION_REVOKED,
        [bridge_Op_capCall] = 1u << SB_SESSION_OPEN,
        [bridge_Op_kick] = 1u << SB_SESSION_OPEN,
        [bridge_Op_closeSession] = 1u << SB_SESSION_OPEN | 1u << SB_SESSION_REVOKED,
        [bridge_Op_revokeBundle] = 1u << SB_SESSION_OPEN,
        [bridge_Op_stats] = 1u << SB_SESSION_OPEN | 1u << SB_SESSION_REVOKED,
    };
    if (!(runs_in[c->label] & (1u << state[id]))) {
        o->status = refused_state(state[id]);
        return;
    }
    /* The body: only a request struct with fields is decoded (ping's, closeSession's and
     * stats' are empty, and their words are never read). */
    sb_codec_reader_t reader;
    sb_codec_struct_t root = {0};
    bool empty = c->label == bridge_Op_ping || c->label == bridge_Op_closeSession ||
                 c->label == bridge_Op_stats;
    sb_codec_reader_init(&reader, c->mr, (size_t)length);
    if (!empty && sb_codec_read_root(&reader, &root) != SB_CODEC_OK) {
        o->status = SB_ERR_BAD_MESSAGE, o->detail = sb_codec_reader_status(&reader);
        return;
    }
    switch (c->label) {
    case bridge_Op_openSession: {
        bridge_OpenSessionRequest_reader_t r = {root};
        o->open_caps = bridge_OpenSessionRequest_get_bundleCaps(r);
        o->open_depth = bridge_OpenSessionRequest_get_ringDepth(r);
        o->open_phase = bridge_OpenSessionRequest_get_phase(r);
        if (o->open_depth == 0) {
            o->open_depth = DEFAULT_DEPTH;
        }
        if (o->open_caps < SB_BUNDLE_MIN || o->open_caps > MAX_BUNDLE) {
            o->status = SB_ERR_BAD_ARGUMENT, o->detail = 0;
        } else if (!sb_queue_depth_valid(o->open_depth)) {
            o->status = SB_ERR_BAD_ARGUMENT, o->detail = 1;
        } else if (o->open_phase > SB_PHASE_SIGNAL_WHEN_ASKED) {
            o->status = SB_ERR_BAD_ARGUMENT, o->detail = 2;
        } else {
            o->state[id] = SB_SESSION_OPEN; /* the pool holds every session's largest bundle */
        }
        break;
    }
    case bridge_Op_capCall:
        o->tag = bridge_CapCallRequest_get_tag((bridge_CapCallRequest_reader_t){root});
        break;
    case bridge_Op_closeSession:
        o->state[id] = SB_SESSION_FREE;
        break;
    case bridge_Op_revokeBundle: {
        uint32_t target =
            bridge_RevokeBundleRequest_get_session((bridge_RevokeBundleRequest_reader_t){root});
        if (target == 0) {
            target = (uint32_t)id;
        }
        if (target != id && (id != SESSION_A || target > MAX_SESSIONS ||
                             state[target] != SB_SESSION_OPEN)) {
            o->status = SB_ERR_BAD_ARGUMENT, o->detail = 0;
        } else {
            o->state[target] = SB_SESSION_REVOKED;
        }
        break;
    }
    default: /* ping, kick, stats */
        break;
    }
}

/* ---- Shared between the root (the fuzzer's thread) and the client threads. ---- */

enum job { JOB_CALL, JOB_RESTORE, JOB_CHECK, JOB_REOPEN };

static struct {
    enum job job;
    call_t call;
    outcome_t want;
    uint32_t state[MAX_SESSIONS + 1]; /* JOB_RESTORE: the states found after the input */
    bool a_lost;                      /* JOB_RESTORE: client A's bundle went during the input */
    char failure[512];                /* set by a client thread: the first broken invariant */
} shared;

static ts_server_t srv;
static ts_client_t fuzzer, bystander;
static sb_client_t client_a, client_b, client_c; /* on the fuzzer's thread */
static uint64_t inputs, messages, bystander_checks, restores;
static uint64_t answers[bridge_Op_stats + 2][SB_WIRE_STATUS_COUNT]; /* [op or 7: other][status] */

static void failf(const char *fmt, ...)
{
    if (shared.failure[0]) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(shared.failure, sizeof shared.failure, fmt, ap);
    va_end(ap);
}

static seL4_CPtr cap_slot(unsigned kind)
{
    static const seL4_CPtr fixed[CAP_KINDS] = {
        [CAP_NULL] = seL4_CapNull,          [CAP_USED_UNTYPED] = SLOT_USED_UNTYPED,
        [CAP_NTFN] = TS_SLOT_NTFN,          [CAP_FRAME] = TS_SLOT_FRAME,
        [CAP_EP_A] = TS_SLOT_EP,            [CAP_EP_B] = SLOT_EP(BADGE_B),
        [CAP_CNODE] = seL4_CapInitThreadCNode, [CAP_TCB] = seL4_CapInitThreadTCB,
        [CAP_TO_ROOT] = TS_SLOT_TO_ROOT,    [CAP_FOREIGN_EP] = SLOT_FOREIGN_EP,
        [CAP_UNTYPED] = SLOT_UNTYPED,       [CAP_EP_A_NOGRANT] = SLOT_EP(BADGE_A_NOGRANT),
        [CAP_EP_ID0] = SLOT_EP(BADGE_ID0),
    };
    switch (kind) {
    case CAP_BUNDLE_KICK:
        return client_a.kick;
    case CAP_BUNDLE_RING:
        return client_a.cfg.slot_base + 1 + client_a.layout.first_frame_slot +
               client_a.layout.request_ring_frame;
    case CAP_BUNDLE_NTFN:
        return client_a.completion;
    default:
        return fixed[kind];
    }
}

/* True when slot @slot of our CSpace holds a cap (a copy of it succeeds). */
static bool slot_full(seL4_CPtr slot)
{
    seL4_Error e = seL4_CNode_Copy(seL4_CapInitThreadCNode, SLOT_PROBE, seL4_WordBits,
                                   seL4_CapInitThreadCNode, slot, seL4_WordBits, seL4_AllRights);
    seL4_CNode_Delete(seL4_CapInitThreadCNode, SLOT_PROBE, seL4_WordBits);
    return e == seL4_NoError;
}

/* The raw call and every check of its reply. */
static void do_call(const call_t *c, const outcome_t *want)
{
    seL4_Word length = c->length > seL4_MsgMaxLength ? seL4_MsgMaxLength : c->length;
    for (seL4_Word i = 0; i < length; i++) {
        seL4_SetMR((int)i, c->mr[i]);
    }
    for (unsigned i = 0; i < c->ncaps; i++) {
        seL4_SetCap((int)i, cap_slot(c->cap_kind[i]));
    }
    seL4_SetCapReceivePath(seL4_CapInitThreadCNode, SLOT_RECV, seL4_WordBits);
    seL4_MessageInfo_t info = seL4_Call(SLOT_EP(c->badge_kind),
                                        seL4_MessageInfo_new(c->label, 0, c->ncaps, c->length));
    seL4_Word label = seL4_MessageInfo_get_label(info);
    seL4_Word words = seL4_MessageInfo_get_length(info);
    seL4_Word caps = seL4_MessageInfo_get_extraCaps(info);
    /* The reply's words first: the kernel invocations below overwrite the message registers. */
    uint64_t w[seL4_FastMessageRegisters];
    for (seL4_Word i = 0; i < words && i < seL4_FastMessageRegisters; i++) {
        w[i] = seL4_GetMR((int)i);
    }
    bool got_cap = slot_full(SLOT_RECV);
    seL4_CNode_Delete(seL4_CapInitThreadCNode, SLOT_RECV, seL4_WordBits);

    if (label >= SB_WIRE_STATUS_COUNT || words == 0 || words > seL4_FastMessageRegisters) {
        failf("reply label %lu, %lu words: not a wire status in 1..4 words", (unsigned long)label,
              (unsigned long)words);
        return;
    }
    sb_codec_reader_t reader;
    sb_codec_struct_t root;
    sb_codec_reader_init(&reader, w, (size_t)words);
    if (sb_codec_read_root(&reader, &root) != SB_CODEC_OK) {
        failf("reply body does not decode: %s", sb_codec_strerror(sb_codec_reader_status(&reader)));
        return;
    }
    /* The bundle comes with every accepted open, even through A's cap without Grant: the reply
     * cap's Grant is the server's endpoint cap's (seL4's sendIPC: blockingIPCCanGrant of the
     * receiver), not the caller's. */
    bool grant = label == SB_OK && c->label == bridge_Op_openSession;
    if (caps != (grant ? 1u : 0u) || seL4_MessageInfo_get_capsUnwrapped(info) != 0 ||
        got_cap != grant) {
        failf("reply with status %s carries %lu caps (receive slot %s)",
              sb_status_name((sb_status_t)label), (unsigned long)caps, got_cap ? "full" : "empty");
        return;
    }
    uint32_t detail = 0;
    if (label != SB_OK) {
        bridge_Error_reader_t e = {root};
        detail = bridge_Error_get_detail(e);
        if (bridge_Error_get_status(e) != label || bridge_Error_get_op(e) != (c->label & 0xffff)) {
            failf("Error body says status %u op %u; the reply label is %lu, the request's %lu",
                  (unsigned)bridge_Error_get_status(e), (unsigned)bridge_Error_get_op(e),
                  (unsigned long)label, (unsigned long)(c->label & 0xffff));
            return;
        }
    }
    if (label != want->status || detail != want->detail) {
        failf("label %lu badge kind %u caps %u [%u %u %u] length %lu: got %s detail %u, want %s "
              "detail %u",
              (unsigned long)c->label, c->badge_kind, c->ncaps, c->cap_kind[0], c->cap_kind[1],
              c->cap_kind[2], (unsigned long)c->length, sb_status_name((sb_status_t)label), detail,
              sb_status_name(want->status), want->detail);
        return;
    }
    if (label != SB_OK) {
        return;
    }
    seL4_Word id = badge_of(c->badge_kind) & ~SB_BADGE_CALL;
    switch (c->label) {
    case bridge_Op_openSession: {
        sb_bundle_layout_t l;
        sb_wire_get_layout((bridge_OpenSessionReply_reader_t){root}, &l);
        if (l.session != id || l.caps != want->open_caps || l.ring_depth != want->open_depth ||
            l.phase != want->open_phase) {
            failf("open: layout session %u caps %u depth %u phase %u", l.session, l.caps,
                  l.ring_depth, l.phase);
        }
        break;
    }
    case bridge_Op_capCall: {
        bridge_CapCallReply_reader_t r = {root};
        if (bridge_CapCallReply_get_tag(r) != want->tag ||
            bridge_CapCallReply_get_unwrapped(r) != want->unwrapped0 ||
            bridge_CapCallReply_get_capBadge(r) != (want->unwrapped0 ? want->badge0 : 0)) {
            failf("capCall: tag %lu unwrapped %d badge %lx", (unsigned long)bridge_CapCallReply_get_tag(r),
                  (int)bridge_CapCallReply_get_unwrapped(r),
                  (unsigned long)bridge_CapCallReply_get_capBadge(r));
        }
        break;
    }
    default:
        break;
    }
}

/* Bring sessions A, B and C back to open (with client A holding the bundle), free and revoked. */
static void restore(const uint32_t *state, bool a_lost)
{
    sb_status_t st;
    if (a_lost && state[SESSION_A] == SB_SESSION_OPEN) {
        /* Reopened by a raw call: that bundle went to the raw call's slot; take it back. */
        if ((st = sb_client_close(&client_a, NULL)) != SB_OK) {
            failf("restore: close A: %s", sb_status_name(st));
        }
    }
    if (a_lost) {
        sb_client_forget_bundle(&client_a, state[SESSION_A] == SB_SESSION_REVOKED);
        if ((st = sb_client_open(&client_a, MAX_BUNDLE, 0, SB_PHASE_KICK_EVERY_ENQUEUE)) != SB_OK) {
            failf("restore: reopen A: %s", sb_status_name(st));
        }
    }
    if (state[SESSION_B] != SB_SESSION_FREE) { /* opened; perhaps revoked by A since */
        if ((st = sb_client_close(&client_b, NULL)) != SB_OK) {
            failf("restore: close B: %s", sb_status_name(st));
        }
    }
    if (state[SESSION_C] == SB_SESSION_FREE) {
        if ((st = sb_client_open(&client_c, SB_BUNDLE_MIN, 0, SB_PHASE_SIGNAL_WHEN_ASKED)) != SB_OK) {
            failf("restore: open C: %s", sb_status_name(st));
        }
    }
    if (state[SESSION_C] != SB_SESSION_REVOKED) {
        if ((st = sb_client_revoke(&client_c, 0, NULL)) != SB_OK) {
            failf("restore: revoke C: %s", sb_status_name(st));
        }
    }
}

static void fuzzer_main(ts_client_t *tc)
{
    (void)tc;
    if (ts_client_init_on(&client_a, TS_SLOT_EP, SLOT_A_BASE, SB_BUNDLE_MAX + 1) != SB_OK ||
        ts_client_init_on(&client_b, SLOT_EP(BADGE_B), SLOT_B_BASE, SB_BUNDLE_MIN + 1) != SB_OK ||
        ts_client_init_on(&client_c, SLOT_EP(BADGE_C), SLOT_C_BASE, SB_BUNDLE_MIN + 1) != SB_OK) {
        failf("client init");
    }
    for (;;) {
        seL4_Word word;
        seL4_Wait(TS_SLOT_FROM_ROOT, &word);
        if (shared.job == JOB_CALL) {
            do_call(&shared.call, &shared.want);
        } else {
            restore(shared.state, shared.a_lost);
        }
        seL4_Signal(TS_SLOT_TO_ROOT);
    }
}

/* The bystander: its session must keep serving its calls and its ring whatever A..C do. */
static void bystander_main(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    sb_status_t st;
    if ((st = ts_client_setup(tc)) != SB_OK ||
        (st = sb_client_open(c, SB_BUNDLE_MIN + 1, 4, SB_PHASE_SIGNAL_WHEN_ASKED)) != SB_OK) {
        failf("bystander: open: %s", sb_status_name(st));
    }
    for (uint64_t id = 1;; id++) {
        seL4_Word word;
        seL4_Wait(TS_SLOT_FROM_ROOT, &word);
        if (shared.job == JOB_REOPEN) {
            sb_client_forget_bundle(c, true);
            if ((st = sb_client_open(c, SB_BUNDLE_MIN + 1, 4, SB_PHASE_SIGNAL_WHEN_ASKED)) != SB_OK) {
                failf("bystander: reopen: %s", sb_status_name(st));
            }
        }
        if ((st = sb_client_ping(c)) != SB_OK) {
            failf("bystander: ping: %s", sb_status_name(st));
        }
        sb_queue_entry_t rq = {.id = id, .op = 7, .arg = {id * 3, 0}}, done;
        if ((st = sb_client_submit(c, &rq)) != SB_OK) {
            failf("bystander: submit: %s", sb_status_name(st));
        }
        while (st == SB_OK && (st = sb_client_reap(c, &done)) == SB_ERR_RING_EMPTY) {
            st = sb_client_wait(c);
        }
        if (st != SB_OK || done.id != id || done.status != SB_OK || done.arg[0] != id * 3 + 1) {
            failf("bystander: ring request %lu: %s, id %lu status %u result %lu", (unsigned long)id,
                  sb_status_name(st), (unsigned long)done.id, done.status,
                  (unsigned long)done.arg[0]);
        }
        seL4_Signal(TS_SLOT_TO_ROOT);
    }
}

/* Ring requests: op 7 answers arg[0] + 1. */
static sb_status_t handler(void *ctx, uint32_t session, const sb_queue_entry_t *rq,
                           uint64_t result[2])
{
    (void)ctx, (void)session;
    if (rq->op != 7) {
        return SB_ERR_UNKNOWN_REQUEST;
    }
    result[0] = rq->arg[0] + 1;
    return SB_OK;
}

/* ---- The root: runs a job on a client thread and waits for it. ---- */

static void run(ts_client_t *c, enum job job)
{
    shared.job = job;
    ts_release(c);
    ts_await(c);
}

static unsigned message_number; /* of the input, from 1; 0 outside the messages */

static _Noreturn void die(const char *what)
{
    fprintf(stderr, "server_call_fuzz: message %u of the input: %s\n", message_number, what);
    abort();
}

static void read_states(uint32_t *state)
{
    state[0] = 0;
    for (uint32_t n = 1; n <= MAX_SESSIONS; n++) {
        state[n] = srv.server.sessions[n - 1].state;
    }
}

/* What must hold between messages, whatever the last one did. */
static void check_server(const uint32_t *want_state, const char *when)
{
    char msg[256];
    if (shared.failure[0]) {
        die(shared.failure);
    }
    if (!ts_slot_empty(srv.thread, TS_SLOT_BASE)) {
        snprintf(msg, sizeof msg, "%s: the server's receive slot is not empty", when);
        die(msg);
    }
    uint32_t state[MAX_SESSIONS + 1], open = 0, lent = 0;
    read_states(state);
    for (uint32_t n = 1; n <= MAX_SESSIONS; n++) {
        if (state[n] != want_state[n]) {
            snprintf(msg, sizeof msg, "%s: session %u is in state %u, want %u", when, n, state[n],
                     want_state[n]);
            die(msg);
        }
        if (state[n] == SB_SESSION_OPEN) {
            open++;
            lent += srv.server.sessions[n - 1].data_frames;
        }
    }
    if (srv.server.stats.open_sessions != open || srv.server.pool_free_count + lent != POOL_FRAMES) {
        snprintf(msg, sizeof msg, "%s: %u sessions counted open (%u are); pool %u free + %u lent",
                 when, srv.server.stats.open_sessions, open, srv.server.pool_free_count, lent);
        die(msg);
    }
}

static const uint32_t baseline[MAX_SESSIONS + 1] = {
    [SESSION_A] = SB_SESSION_OPEN, [SESSION_B] = SB_SESSION_FREE,
    [SESSION_C] = SB_SESSION_REVOKED, [SESSION_D] = SB_SESSION_OPEN};

static void start(void)
{
    plat_init();
    srv.cfg = (sb_server_config_t){.max_sessions = MAX_SESSIONS, .max_bundle = MAX_BUNDLE,
                                   .pool_frames = POOL_FRAMES, .default_depth = DEFAULT_DEPTH,
                                   .admin_session = SESSION_A, .request = handler};
    if (ts_server_start(&srv) != 0 || srv.init_status != SB_OK) {
        die("server start");
    }
    if (ts_client_create(&srv, &fuzzer, SESSION_A, ts_client_rights(), fuzzer_main, NULL, 0) !=
            0 ||
        ts_client_create(&srv, &bystander, SESSION_D, ts_client_rights(), bystander_main, NULL,
                         0) != 0) {
        die("client threads");
    }
    /* The fuzzer's further endpoint caps, one per badge kind, and the caps it may send. */
    seL4_CapRights_t no_grant = seL4_CapRights_new(1, 0, 0, 1);
    for (unsigned k = BADGE_B; k < BADGE_KINDS; k++) {
        seL4_CapRights_t rights = k == BADGE_A_NOGRANT ? no_grant : ts_client_rights();
        if (seL4_CNode_Mint(plat_thread_cnode(fuzzer.thread), SLOT_EP(k), seL4_WordBits,
                            seL4_CapInitThreadCNode, srv.ep, seL4_WordBits, rights,
                            badge_of(k)) != seL4_NoError) {
            die("endpoint caps");
        }
    }
    seL4_CPtr ep, ut, used, child = plat_slot_alloc();
    seL4_CPtr cnode = plat_thread_cnode(fuzzer.thread);
    if (plat_obj_alloc(seL4_EndpointObject, 0, &ep) != seL4_NoError ||
        plat_obj_alloc(seL4_UntypedObject, 12, &ut) != seL4_NoError ||
        plat_obj_alloc(seL4_UntypedObject, 12, &used) != seL4_NoError ||
        seL4_Untyped_Retype(used, seL4_NotificationObject, 0, seL4_CapInitThreadCNode, 0, 0, child,
                            1) != seL4_NoError ||
        seL4_CNode_Move(cnode, SLOT_FOREIGN_EP, seL4_WordBits, seL4_CapInitThreadCNode, ep,
                        seL4_WordBits) != seL4_NoError ||
        seL4_CNode_Move(cnode, SLOT_UNTYPED, seL4_WordBits, seL4_CapInitThreadCNode, ut,
                        seL4_WordBits) != seL4_NoError ||
        seL4_CNode_Move(cnode, SLOT_USED_UNTYPED, seL4_WordBits, seL4_CapInitThreadCNode, used,
                        seL4_WordBits) != seL4_NoError ||
        seL4_CNode_Move(cnode, SLOT_USED_UNTYPED + 1, seL4_WordBits, seL4_CapInitThreadCNode, child,
                        seL4_WordBits) != seL4_NoError) {
        die("caps to send");
    }
    plat_slot_free(ep);
    plat_slot_free(ut);
    plat_slot_free(used);
    plat_slot_free(child);
    ts_client_start(&fuzzer);
    ts_client_start(&bystander);
    /* Session states to start from: A open, B free, C revoked (D opens itself). */
    uint32_t fresh[MAX_SESSIONS + 1] = {[SESSION_A] = SB_SESSION_FREE,
                                        [SESSION_B] = SB_SESSION_FREE,
                                        [SESSION_C] = SB_SESSION_FREE};
    memcpy(shared.state, fresh, sizeof fresh);
    shared.a_lost = true;
    run(&fuzzer, JOB_RESTORE);
    run(&bystander, JOB_CHECK);
    check_server(baseline, "start");
}

/* At exit: how many inputs reached each answer, per op (an answer never reached is a hint that
 * the seeds or the input layout miss something). */
static void report(void)
{
    static const char *const ops[] = {"ping", "openSession", "capCall", "kick", "closeSession",
                                      "revokeBundle", "stats", "(other)"};
    fprintf(stderr, "server_call_fuzz: %lu inputs, %lu messages, %lu restores, %lu bystander checks, "
                    "%lu calls served\n",
            (unsigned long)inputs, (unsigned long)messages, (unsigned long)restores,
            (unsigned long)bystander_checks, (unsigned long)srv.server.stats.calls);
    for (unsigned op = 0; op <= bridge_Op_stats + 1; op++) {
        fprintf(stderr, "  %-13s", ops[op]);
        for (unsigned st = 0; st < SB_WIRE_STATUS_COUNT; st++) {
            if (answers[op][st]) {
                fprintf(stderr, " %s=%lu", sb_status_name((sb_status_t)st) + 3,
                        (unsigned long)answers[op][st]);
            }
        }
        fprintf(stderr, "\n");
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    start();
    atexit(report);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    call_t *c = &shared.call;
    uint32_t state[MAX_SESSIONS + 1];
    memcpy(state, baseline, sizeof state);
    bool a_lost = false;
    for (message_number = 1; message_number <= MAX_MESSAGES; message_number++) {
        const uint8_t *sep = memmem(data, size, SEPARATOR, SEPARATOR_SIZE);
        size_t n = sep ? (size_t)(sep - data) : size;
        decode_input(data, n, c);
        expect(c, state, !a_lost, &shared.want);
        run(&fuzzer, JOB_CALL);
        check_server(shared.want.state, "after the call");
        memcpy(state, shared.want.state, sizeof state);
        a_lost |= state[SESSION_A] != SB_SESSION_OPEN;
        messages++;
        answers[c->label <= bridge_Op_stats ? c->label : bridge_Op_stats + 1][shared.want.status]++;
        if (!sep) {
            break;
        }
        data = sep + SEPARATOR_SIZE;
        size -= n + SEPARATOR_SIZE;
    }
    message_number = 0;
    inputs++;
    bool d_revoked = state[SESSION_D] != SB_SESSION_OPEN;
    if (a_lost || memcmp(state, baseline, sizeof baseline) != 0) {
        memcpy(shared.state, state, sizeof shared.state);
        shared.a_lost = a_lost;
        run(&fuzzer, JOB_RESTORE);
        restores++;
    }
    if (d_revoked || inputs % CHECK_EVERY == 0) {
        run(&bystander, d_revoked ? JOB_REOPEN : JOB_CHECK);
        bystander_checks++;
    }
    check_server(baseline, "after the restore");
    return 0;
}
