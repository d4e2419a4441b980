/*
 * libFuzzer target for the bridge server's dispatch, on the host model: each input is a sequence
 * of messages as seL4_Recv would hand them to the server — calls with any badge, label, length,
 * words and an optional cap in the receive slot, kicks with any notification word — and of what a
 * client and the server's owner can do between them: writes into the sessions' shared rings,
 * honest enqueues and reaps, sb_server_revoke, sb_server_serve_once, a second server's init with
 * other settings, a grant slot left occupied. The server must answer every call with a wire status
 * in at most 4 words, empty its receive slot, keep its counts and its pool consistent, and never
 * crash (ASan, UBSan).
 *
 * One message of the input:
 *   byte 0     kind: 0 call, 1 kick (notification word), 2 write a request ring, 3 write a
 *              completion ring, 4 enqueue requests as an honest client, 5 reap completions,
 *              6 sb_server_revoke, 7 sb_server_serve_once after a signal, 8 keep the next
 *              message for the next race point of the drain, 9 sb_server_init of a second server,
 *              10 occupy a grant slot, 11 answer a deferred call, 12 toggle the open hook's
 *              refusal, 13 complete a pending ring request (any other value: call)
 *   byte 1     label (call); session 1..4 (ring writes, enqueue, reap); session id (revoke)
 *   byte 2     length in words (call; & 0x7f); offset in the ring frame / 8 (ring writes);
 *              count (enqueue, reap); which grant slot (occupy)
 *   byte 3     bit 0: a cap arrives with the call; bits 1-2: which (notification, frame,
 *              endpoint unwrapped into its badge, CNode); bits 3-6 (enqueue): first op
 *   bytes 4-11 the badge (call: SB_BADGE_CALL is set unless bit 7 of byte 3), the word (kick,
 *              serve_once), the value written (ring writes), the ops (enqueue), the settings
 *              (second server), the handle (deferred)
 *   then       the call's message registers, `length` words (missing bytes read as zero)
 * A call's label below 16 is the byte; above, bits 12.. of the badge word (an application's
 * interface and method: labels from SB_APP_LABEL_MIN reach the test application below).
 *
 * The ring handler does what the request's op says: 1 answers arg[0] + 1, 2 revokes its own
 * session, 3 revokes session arg[0], 4 writes an impossible index into its own completion ring
 * (so the enqueue of its completion fails), 5 fails with badArgument, 6 leaves it pending
 * (SB_DEFERRED) for a later sb_server_complete; others are unknown.
 * The server is made afresh for every input, so that a crash reproduces from its input alone.
 */
#include <sel4/sel4.h>
#include <sel4bridge/plat.h>
#include <sel4bridge/app.h>
#include <sel4bridge/server.h>
#include <stdlib.h>
#include <string.h>

#include "../bridge/src/server_internal.h"

#define SLOT_BASE 64
#define POOL 8
#define SLOT_BASE2 1024 /* the second server's slots (kind 9) */
#define REPLY_SLOTS 4

static sb_server_t srv;
static sb_server_config_t cfg;
static seL4_CPtr ep, ntfn, untyped, frame, cnode_cap, small_untyped, untyped2, scratch;
static seL4_CPtr reply_base, keep_slot;
static uint64_t signals_seen; /* application signal bits delivered to the callback */
static bool refuse_opens;

/* ---- The ring handler (see the header). ---- */

static sb_status_t echo(void *ctx, uint32_t session, const sb_queue_entry_t *rq, uint64_t res[2])
{
    (void)ctx;
    res[0] = rq->arg[0] + 1;
    res[1] = rq->arg[1];
    switch (rq->op) {
    case 1:
        return SB_OK;
    case 2:
        (void)sb_server_revoke(&srv, session);
        return SB_OK;
    case 3:
        (void)sb_server_revoke(&srv, (uint32_t)(rq->arg[0] % 8));
        return SB_OK;
    case 4: {
        /* What a client racing the handler can do: its completion ring's head jumps. */
        sb_queue_t *ring = sb_session(&srv, session)->completion_ring;
        atomic_store_explicit(&ring->head, (uint32_t)rq->arg[1] + 0x40000000u, memory_order_relaxed);
        return SB_OK;
    }
    case 5:
        return SB_ERR_BAD_ARGUMENT;
    case 6:
        return SB_DEFERRED; /* completed later by sb_server_complete (kind 13) */
    default:
        return SB_ERR_UNKNOWN_REQUEST;
    }
}

static void on_signal(void *ctx, seL4_Word bits)
{
    (void)ctx;
    if (bits == 0 || (bits & ~SB_APP_SIGNAL_BITS)) {
        abort(); /* only the application's bits, and only when there are some */
    }
    signals_seen |= bits;
}

/* ---- A test application: one interface, a method per path of the server's run_method. ---- */

static sb_status_t m_echo(sb_app_call_t *call, sb_codec_struct_t params, sb_codec_builder_t *reply)
{
    uint64_t v = sb_codec_get_u64(params, 0, 0);
    sb_codec_set_u64(sb_codec_init_root(reply, 1, 0), 0, v + 1, 0);
    return sb_app_settle(call, SB_OK);
}

static sb_status_t m_defer(sb_app_call_t *call, sb_codec_struct_t params, sb_codec_builder_t *reply)
{
    (void)params, (void)reply;
    sb_deferred_t d;
    sb_status_t st = sb_app_defer(call, &d);
    return sb_app_settle(call, st);
}

static sb_status_t m_status(sb_app_call_t *call, sb_codec_struct_t params, sb_codec_builder_t *reply)
{
    (void)reply;
    call->detail = (uint32_t)sb_codec_get_u32(params, 1, 0);
    sb_status_t st = (sb_status_t)(sb_codec_get_u32(params, 0, 0) % 140);
    /* SB_DEFERRED is sb_app_defer's to give: a handler returning it on its own would leave its
     * caller unanswered. */
    return sb_app_settle(call, st == SB_DEFERRED ? SB_ERR_NO_CALLER : st);
}

static sb_status_t m_keep(sb_app_call_t *call, sb_codec_struct_t params, sb_codec_builder_t *reply)
{
    if (sb_codec_get_u64(params, 0, 0) & 1) {
        sb_app_keep_cap(call, keep_slot);
    }
    sb_codec_init_root(reply, 1, 0);
    return sb_app_settle(call, SB_OK);
}

static sb_status_t m_long(sb_app_call_t *call, sb_codec_struct_t params, sb_codec_builder_t *reply)
{
    (void)params;
    sb_codec_init_root(reply, 200, 0); /* more than the message registers hold */
    return sb_app_settle(call, SB_OK);
}

#define METHOD(f, caps) {.check = {(caps), 4, SB_METHOD_STATES}, .fn = m_##f, .name = #f}
static const sb_method_t methods[] = {
    METHOD(echo, 0), METHOD(defer, 0), METHOD(status, 0), METHOD(keep, 1), METHOD(long, 0),
};
#undef METHOD
static const sb_interface_t iface = {"FuzzApp", 0x5eb15eb1ull, 0x5eb1, 5, methods};
static const sb_interface_t *const ifaces[] = {&iface};

static sb_status_t app_open(void *app_ctx, uint32_t session, void **session_ctx)
{
    (void)app_ctx;
    *session_ctx = (void *)(uintptr_t)session;
    return refuse_opens && session == 3 ? SB_ERR_NO_RESOURCES : SB_OK;
}

static void app_end(void *app_ctx, uint32_t session, void *session_ctx)
{
    (void)app_ctx;
    if (session_ctx != (void *)(uintptr_t)session) {
        abort(); /* the hooks get back what open stored */
    }
}

static sb_app_config_t app;

static void once(void)
{
    plat_init();
    if (plat_obj_alloc(seL4_EndpointObject, 0, &ep) != seL4_NoError ||
        plat_obj_alloc(seL4_NotificationObject, 0, &ntfn) != seL4_NoError ||
        plat_obj_alloc(SB_FRAME_OBJECT, 0, &frame) != seL4_NoError ||
        plat_obj_alloc(seL4_CapTableObject, 2, &cnode_cap) != seL4_NoError ||
        plat_obj_alloc(seL4_UntypedObject, seL4_PageBits + 1, &small_untyped) != seL4_NoError ||
        plat_obj_alloc(seL4_UntypedObject, 22, &untyped2) != seL4_NoError) {
        abort();
    }
    cfg = (sb_server_config_t){
        .endpoint = ep, .notification = ntfn, .tcb = seL4_CapInitThreadTCB,
        .cnode = seL4_CapInitThreadCNode, .slot_base = SLOT_BASE, .max_sessions = 4,
        .max_bundle = 8, .pool_frames = POOL, .default_depth = 8, .admin_session = 4,
        .request = echo, .signal = on_signal,
    };
    cfg.slot_count = sb_server_slots_needed(&cfg);
    if (plat_obj_alloc(seL4_UntypedObject, sb_server_untyped_bits(&cfg), &untyped) != seL4_NoError) {
        abort();
    }
    cfg.untyped = untyped;
    /* after the server's slots: the probe, a scratch slot, the reply slots, the kept cap */
    scratch = SLOT_BASE + cfg.slot_count + 1;
    reply_base = scratch + 1;
    keep_slot = reply_base + REPLY_SLOTS;
    app = (sb_app_config_t){.interfaces = ifaces, .interface_count = 1, .open = app_open,
                            .close = app_end, .revoke = app_end, .reply_slot_base = reply_base,
                            .reply_slots = REPLY_SLOTS, .session_deferred_max = 3};
}

static void delete_slot(seL4_CPtr slot)
{
    seL4_CNode_Delete(seL4_CapInitThreadCNode, slot, seL4_WordBits);
}

/* Take everything of the last input's server away: its slots, its objects, the binding. */
static void reset(void)
{
    for (seL4_Word i = 0; i < cfg.slot_count; i++) {
        delete_slot(SLOT_BASE + i);
    }
    for (seL4_CPtr slot = scratch; slot <= keep_slot; slot++) {
        delete_slot(slot);
    }
    seL4_CNode_Revoke(seL4_CapInitThreadCNode, untyped, seL4_WordBits);
    seL4_TCB_UnbindNotification(seL4_CapInitThreadTCB);
    seL4_Word word;
    seL4_Poll(ntfn, &word);
}

static uint64_t word_at(const uint8_t *p, size_t n)
{
    uint64_t w = 0;
    memcpy(&w, p, n < 8 ? n : 8);
    return w;
}

/* A cap arrives with the call: what seL4_Recv would have left in the receive slot. */
static void deliver_cap(unsigned which, seL4_Word unwrapped_badge, seL4_MessageInfo_t *info)
{
    static const seL4_CPtr *const kinds[] = {&ntfn, &frame, &ep, &cnode_cap};
    seL4_CPtr src = *kinds[which & 3];
    if (src == ep) {
        /* A badged cap to the server's own endpoint is unwrapped (any badge): no slot is used. */
        seL4_GetIPCBuffer()->caps_or_badges[0] = unwrapped_badge;
        *info = seL4_MessageInfo_set_capsUnwrapped(*info, 1);
    } else if (seL4_CNode_Copy(seL4_CapInitThreadCNode, sb_recv_slot(&srv), seL4_WordBits,
                               seL4_CapInitThreadCNode, src, seL4_WordBits,
                               seL4_AllRights) != seL4_NoError) {
        abort();
    }
    *info = seL4_MessageInfo_set_extraCaps(*info, 1);
}

typedef struct {
    uint8_t kind, b1, b2, b3;
    uint64_t value;
} action_t;

static uint64_t next_id = 1;

/* An honest client's enqueues (count of them, ops from the value's bytes) on session's ring. */
static void client_enqueue(uint32_t session, const action_t *a)
{
    sb_server_session_t *ss = sb_session(&srv, session);
    sb_queue_producer_t p;
    if (ss->state != SB_SESSION_OPEN ||
        sb_queue_producer_attach(&p, ss->request_ring, ss->depth) != SB_QUEUE_OK) {
        return;
    }
    for (unsigned i = 0; i < a->b2 % 72u; i++) {
        uint8_t op = (uint8_t)(i == 0 ? (a->b3 >> 3) & 15 : (a->value >> (8 * (i % 8))) & 7);
        sb_queue_entry_t e = {.id = next_id++, .op = op, .arg = {i, a->value}};
        if (sb_queue_enqueue(&p, &e) != SB_QUEUE_OK) {
            break;
        }
    }
    /* Phase 2: a client about to sleep asks for its completion signal. */
    if (a->b3 & 0x80) {
        atomic_store_explicit(&ss->completion_ring->signal_wanted, 1, memory_order_seq_cst);
    }
}

/* An honest client's reaps of up to count completions of session. */
static void client_reap(uint32_t session, const action_t *a)
{
    sb_server_session_t *ss = sb_session(&srv, session);
    sb_queue_consumer_t c;
    if (ss->state != SB_SESSION_OPEN ||
        sb_queue_consumer_attach(&c, ss->completion_ring, ss->depth) != SB_QUEUE_OK) {
        return;
    }
    sb_queue_entry_t e;
    for (unsigned i = 0; i < a->b2 % 72u && sb_queue_dequeue(&c, &e) == SB_QUEUE_OK; i++) {
    }
}

static void ring_write(const action_t *a)
{
    uint32_t session = 1 + a->b1 % cfg.max_sessions;
    sb_queue_t *ring = a->kind == 2 ? sb_session(&srv, session)->request_ring
                                    : sb_session(&srv, session)->completion_ring;
    size_t off = (size_t)(a->b2 % (SB_QUEUE_FRAME_SIZE / 8)) * 8;
    memcpy((uint8_t *)ring + off, &a->value, 8); /* whatever a client can write */
}

/* What the client does at the next race point of the drain (kind 8): one ring action. */
static action_t race_action;
static bool race_armed;

void sb_race_point(sb_server_t *s, uint32_t session, sb_race_point_t where)
{
    (void)s, (void)where;
    if (!race_armed) {
        return;
    }
    race_armed = false;
    uint32_t target = race_action.b1 & 0x80 ? session : 1 + race_action.b1 % cfg.max_sessions;
    switch (race_action.kind) {
    case 2:
    case 3:
        ring_write(&race_action);
        break;
    case 5:
        client_reap(target, &race_action);
        break;
    default:
        client_enqueue(target, &race_action);
        break;
    }
}

/* A second server, made with settings from the input and taken apart again: init's refusals. */
static void second_server(const action_t *a)
{
    static sb_server_t srv2;
    sb_server_config_t c2 = cfg;
    uint64_t v = a->value;
    c2.slot_base = SLOT_BASE2;
    c2.untyped = untyped2;
    c2.tcb = 0;
    c2.signal = NULL;
    c2.admin_session = 0;
    c2.max_sessions = 1 + a->b1 % 8;
    c2.max_bundle = SB_BUNDLE_MIN + a->b2 % 8;
    c2.pool_frames = (uint32_t)(v & 0x3f);
    switch (a->b3 % 12) {
    case 0: c2.max_sessions = 0; break;
    case 1: c2.max_sessions = SB_MAX_SESSIONS + 1; break;
    case 2: c2.max_bundle = SB_BUNDLE_MAX + 1; break;
    case 3: c2.pool_frames = SB_SERVER_POOL_MAX + 1; break;
    case 4: c2.default_depth = 3; break;
    case 5: c2.admin_session = c2.max_sessions + 1; break;
    case 6: c2.endpoint = seL4_CapNull; break;
    case 7: c2.untyped = small_untyped; break;                /* too little memory */
    case 8: c2.untyped = frame; break;                        /* not untyped: a kernel error */
    case 9: c2.tcb = seL4_CapInitThreadTCB; break;            /* bound already: bind fails */
    case 10: c2.slot_count = 1; break;                        /* too few slots */
    default: break;
    }
    if (a->b3 % 12 != 10) {
        c2.slot_count = sb_server_slots_needed(&c2);
    }
    /* A slot of its range already in use: the retype into it fails (DeleteFirst). Only the
     * slots init fills (the receive slot and the sessions' own; the data frames' slots after
     * them are filled by grants): the range cleaned up below. */
    seL4_Word init_slots = 1 + (seL4_Word)(SB_MAX_SESSIONS + 1) * SB_SESSION_SLOTS;
    seL4_Word range = c2.slot_count < init_slots ? c2.slot_count : init_slots;
    seL4_CPtr busy = (v >> 8) & 1 ? SLOT_BASE2 + 1 + (v >> 16) % (range ? range : 1) : 0;
    if (busy && seL4_CNode_Copy(seL4_CapInitThreadCNode, busy, seL4_WordBits, seL4_CapInitThreadCNode,
                                frame, seL4_WordBits, seL4_AllRights) != seL4_NoError) {
        abort();
    }
    sb_status_t st = sb_server_init(&srv2, &c2);
    if (st != SB_OK && st != SB_ERR_CONFIG && st != SB_ERR_NO_SLOTS && st != SB_ERR_NO_MEMORY &&
        st != SB_ERR_KERNEL) {
        abort(); /* init names why it refused */
    }
    /* every slot it may have used, and the busy one: its receive slot and a range for
     * SB_MAX_SESSIONS + 1 sessions (case 1), from SLOT_BASE2 + 1 */
    for (seL4_Word i = 0; i <= 1 + (seL4_Word)(SB_MAX_SESSIONS + 1) * SB_SESSION_SLOTS; i++) {
        delete_slot(SLOT_BASE2 + i);
    }
    seL4_CNode_Revoke(seL4_CapInitThreadCNode, untyped2, seL4_WordBits);
    seL4_CNode_Revoke(seL4_CapInitThreadCNode, small_untyped, seL4_WordBits);
    /* its init set our receive path to its receive slot: back to the server's */
    seL4_SetCapReceivePath(seL4_CapInitThreadCNode, sb_recv_slot(&srv), seL4_WordBits);
}

/* The server's owner signals its notification with @word, then serves once: the signal, or the
 * kicks left pending before it (serve_pending). */
static void serve_once(seL4_Word word)
{
    if (seL4_CNode_Mint(seL4_CapInitThreadCNode, scratch, seL4_WordBits, seL4_CapInitThreadCNode,
                        ntfn, seL4_WordBits, seL4_CanWrite, word) != seL4_NoError) {
        abort();
    }
    seL4_Signal(scratch);
    delete_slot(scratch);
    if (sb_server_serve_once(&srv) != SB_OK) {
        abort();
    }
    seL4_Word left;
    seL4_Poll(ntfn, &left); /* a signal serve_pending left for later */
}

static void call(const action_t *a, const uint8_t **data, size_t *size)
{
    seL4_Word length = a->b2 & 0x7f;
    if (length > seL4_MsgMaxLength) {
        length = seL4_MsgMaxLength;
    }
    seL4_IPCBuffer *ipc = seL4_GetIPCBuffer();
    for (seL4_Word i = 0; i < length; i++) {
        size_t take = *size < 8 ? *size : 8;
        ipc->msg[i] = word_at(*data, take);
        *data += take;
        *size -= take;
    }
    seL4_MessageInfo_t info = seL4_MessageInfo_new(a->b1 < 16 ? a->b1 : a->value >> 12, 0, 0, length);
    if (a->b3 & 1) {
        deliver_cap(a->b3 >> 1, a->value >> 4, &info);
    }
    seL4_Word badge = (a->b3 & 0x80) ? a->value & ~SB_BADGE_CALL : a->value | SB_BADGE_CALL;
    if (a->b1 >= 16) {
        /* The word gave the label: the session id (0..39) comes from the label byte instead. */
        badge = (a->b3 & 0x80) ? (seL4_Word)(a->b1 - 16) % 40 : SB_BADGE_CALL | (a->b1 - 16) % 40;
    }
    if (!(badge & SB_BADGE_CALL)) {
        /* Not a call after all: the server reads it as a notification word. */
        delete_slot(sb_recv_slot(&srv));
        return;
    }
    uint64_t calls = srv.stats.calls;
    seL4_MessageInfo_t reply;
    bool answered = sb_server_handle(&srv, info, badge, &reply);
    if (srv.stats.calls != calls + 1) {
        abort();
    }
    if (!answered) {
        return; /* deferred by the application: its caller is answered later */
    }
    if (seL4_MessageInfo_get_label(reply) >= SB_WIRE_STATUS_COUNT ||
        seL4_MessageInfo_get_length(reply) > seL4_MsgMaxLength ||
        (seL4_MessageInfo_get_label(reply) != SB_OK && seL4_MessageInfo_get_length(reply) > 2) ||
        seL4_MessageInfo_get_extraCaps(reply) > 1) {
        abort();
    }
    /* An application's answer is what its method built: "status" builds nothing, so an empty
     * struct (never a bridge op's reply made from whatever the server had on its stack). */
    seL4_Word label = seL4_MessageInfo_get_label(info);
    if (label == SB_APP_LABEL(iface.code, 2) && seL4_MessageInfo_get_label(reply) == SB_OK &&
        (seL4_MessageInfo_get_length(reply) != 1 ||
         seL4_GetIPCBuffer()->msg[0] != sb_codec_struct_ptr(-1, 0, 0))) {
        abort();
    }
    /* The receive slot is empty again, so a later cap cannot be dropped. */
    seL4_CPtr probe = SLOT_BASE + cfg.slot_count;
    if (seL4_CNode_Copy(seL4_CapInitThreadCNode, probe, seL4_WordBits, seL4_CapInitThreadCNode,
                        sb_recv_slot(&srv), seL4_WordBits, seL4_AllRights) != seL4_FailedLookup) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        once();
        ready = 1;
    }
    if (sb_server_init(&srv, &cfg) != SB_OK || sb_server_set_app(&srv, &app) != SB_OK) {
        abort();
    }
    race_armed = false;
    refuse_opens = false;
    while (size >= 12) {
        action_t a = {data[0], data[1], data[2], data[3], word_at(data + 4, 8)};
        data += 12;
        size -= 12;
        uint32_t session = 1 + a.b1 % cfg.max_sessions;
        switch (a.kind) {
        case 1: {
            seL4_MessageInfo_t unused;
            /* A notification word never has SB_BADGE_CALL: that is how the server tells. */
            if (sb_server_handle(&srv, seL4_MessageInfo_new(0, 0, 0, 0), a.value & ~SB_BADGE_CALL,
                                 &unused)) {
                abort();
            }
            break;
        }
        case 2:
        case 3:
            ring_write(&a);
            break;
        case 4:
            client_enqueue(session, &a);
            break;
        case 5:
            client_reap(session, &a);
            break;
        case 6: {
            sb_status_t st = sb_server_revoke(&srv, a.b1 % 40);
            if (st != SB_OK && st != SB_ERR_BAD_SESSION) {
                abort();
            }
            break;
        }
        case 7:
            serve_once(a.value & ~SB_BADGE_CALL);
            break;
        case 8:
            if (size >= 12) {
                race_action = (action_t){data[0], data[1], data[2], data[3], word_at(data + 4, 8)};
                race_armed = true;
                data += 12;
                size -= 12;
            }
            break;
        case 9:
            second_server(&a);
            break;
        case 10: {
            /* A grant slot of a session that is not open, left holding a cap: its next open
             * fails part-way and is undone. */
            seL4_CPtr slot = sb_session_slot(&srv, session, SB_SLOT_BUNDLE + a.b2 % 4);
            if (sb_session(&srv, session)->state != SB_SESSION_OPEN) {
                seL4_CNode_Copy(seL4_CapInitThreadCNode, slot, seL4_WordBits, seL4_CapInitThreadCNode,
                                frame, seL4_WordBits, seL4_AllRights);
            }
            break;
        }
        case 11: {
            sb_codec_builder_t b;
            if (sb_app_deferred_begin(&srv, (sb_deferred_t)a.value, &b) == SB_OK) {
                sb_codec_init_root(&b, 1, 0);
                (void)sb_app_deferred_send(&srv, (sb_deferred_t)a.value, (sb_status_t)(a.b1 % 12), &b);
            }
            break;
        }
        case 12:
            refuse_opens = !refuse_opens;
            break;
        case 13: {
            /* The application completes a pending ring request: of a pending slot (value < 64)
             * or any id, of any session id, with or without results. */
            uint32_t id_session = a.b1 % 6;
            uint64_t id = a.value;
            if (id < 64 && id_session >= 1 && id_session <= cfg.max_sessions) {
                id = sb_session(&srv, id_session)->pending_req[id].id;
            }
            uint64_t res[2] = {a.value, ~a.value};
            sb_status_t st = sb_server_complete(&srv, id_session, id, (sb_status_t)(a.b2 % 12),
                                                a.b3 & 1 ? res : NULL);
            if (st != SB_OK && st != SB_ERR_BAD_SESSION && st != SB_ERR_NO_CALLER &&
                st != SB_ERR_REVOKED) {
                abort();
            }
            break;
        }
        default:
            call(&a, &data, &size);
            break;
        }
        uint32_t open = 0, lent = 0;
        for (uint32_t n = 1; n <= cfg.max_sessions; n++) {
            if (sb_session(&srv, n)->state == SB_SESSION_OPEN) {
                open++;
                lent += sb_session(&srv, n)->data_frames;
            }
        }
        if (srv.pool_free_count + lent != POOL || srv.stats.open_sessions != open) {
            abort();
        }
    }
    reset();
    return 0;
}
