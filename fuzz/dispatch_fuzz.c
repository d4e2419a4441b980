/*
 * libFuzzer target for the bridge server's dispatch, on the host model: each input is a sequence
 * of messages as seL4_Recv would hand them to the server — calls with any badge, label, length,
 * words and an optional cap in the receive slot, kicks with any notification word — and writes
 * into the sessions' shared rings, as a hostile client can make them. The server must answer
 * every call with a wire status in at most 4 words, empty its receive slot, keep its counts and
 * its pool consistent, and never crash (ASan, UBSan).
 *
 * One message of the input:
 *   byte 0     kind: 0 call, 1 kick (notification word), 2 write a request ring, 3 write a
 *              completion ring (any other value: call)
 *   byte 1     label (call); session 1..4 (ring writes)
 *   byte 2     length in words (call; & 0x7f); offset in the ring frame / 8 (ring writes)
 *   byte 3     bit 0: a cap arrives with the call; bits 1-2: which (notification, frame,
 *              endpoint unwrapped into its badge, CNode)
 *   bytes 4-11 the badge (call: SB_BADGE_CALL is set unless bit 7 of byte 3), the word (kick),
 *              the value written (ring writes)
 *   then       the call's message registers, `length` words (missing bytes read as zero)
 * The server is made afresh for every input, so that a crash reproduces from its input alone.
 */
#include <sel4/sel4.h>
#include <sel4bridge/plat.h>
#include <sel4bridge/server.h>
#include <stdlib.h>
#include <string.h>

#include "../bridge/src/server_internal.h"

#define SLOT_BASE 64
#define POOL 8

static sb_server_t srv;
static sb_server_config_t cfg;
static seL4_CPtr ep, ntfn, untyped, frame, cnode_cap;

static sb_status_t echo(void *ctx, uint32_t session, const sb_queue_entry_t *rq, uint64_t res[2])
{
    (void)ctx, (void)session;
    res[0] = rq->arg[0] + 1;
    res[1] = rq->arg[1];
    return rq->op == 1 ? SB_OK : SB_ERR_UNKNOWN_REQUEST;
}

static void once(void)
{
    plat_init();
    if (plat_obj_alloc(seL4_EndpointObject, 0, &ep) != seL4_NoError ||
        plat_obj_alloc(seL4_NotificationObject, 0, &ntfn) != seL4_NoError ||
        plat_obj_alloc(SB_FRAME_OBJECT, 0, &frame) != seL4_NoError ||
        plat_obj_alloc(seL4_CapTableObject, 2, &cnode_cap) != seL4_NoError) {
        abort();
    }
    cfg = (sb_server_config_t){
        .endpoint = ep, .notification = ntfn, .tcb = seL4_CapInitThreadTCB,
        .cnode = seL4_CapInitThreadCNode, .slot_base = SLOT_BASE, .max_sessions = 4,
        .max_bundle = 8, .pool_frames = POOL, .default_depth = 8, .admin_session = 4,
        .request = echo,
    };
    cfg.slot_count = sb_server_slots_needed(&cfg);
    if (plat_obj_alloc(seL4_UntypedObject, sb_server_untyped_bits(&cfg), &untyped) != seL4_NoError) {
        abort();
    }
    cfg.untyped = untyped;
}

/* Take everything of the last input's server away: its slots, its objects, the binding. */
static void reset(void)
{
    for (seL4_Word i = 0; i < cfg.slot_count; i++) {
        seL4_CNode_Delete(seL4_CapInitThreadCNode, SLOT_BASE + i, seL4_WordBits);
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
static void deliver_cap(unsigned which, seL4_MessageInfo_t *info)
{
    static const seL4_CPtr *const kinds[] = {&ntfn, &frame, &ep, &cnode_cap};
    seL4_CPtr src = *kinds[which & 3];
    if (src == ep) {
        /* A badged cap to the server's own endpoint is unwrapped: no slot is used. */
        seL4_GetIPCBuffer()->caps_or_badges[0] = sb_client_badge(2);
        *info = seL4_MessageInfo_set_capsUnwrapped(*info, 1);
    } else if (seL4_CNode_Copy(seL4_CapInitThreadCNode, sb_recv_slot(&srv), seL4_WordBits,
                               seL4_CapInitThreadCNode, src, seL4_WordBits,
                               seL4_AllRights) != seL4_NoError) {
        abort();
    }
    *info = seL4_MessageInfo_set_extraCaps(*info, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        once();
        ready = 1;
    }
    if (sb_server_init(&srv, &cfg) != SB_OK) {
        abort();
    }
    while (size >= 12) {
        uint8_t kind = data[0], b1 = data[1], b2 = data[2], b3 = data[3];
        uint64_t value = word_at(data + 4, 8);
        data += 12;
        size -= 12;
        if (kind == 1) {
            seL4_MessageInfo_t unused;
            /* A notification word never has SB_BADGE_CALL: that is how the server tells. */
            sb_server_handle(&srv, seL4_MessageInfo_new(0, 0, 0, 0), value & ~SB_BADGE_CALL,
                             &unused);
            continue;
        }
        if (kind == 2 || kind == 3) {
            uint32_t session = 1 + b1 % cfg.max_sessions;
            sb_queue_t *ring = kind == 2 ? sb_session(&srv, session)->request_ring
                                         : sb_session(&srv, session)->completion_ring;
            size_t off = (size_t)(b2 % (SB_QUEUE_FRAME_SIZE / 8)) * 8;
            memcpy((uint8_t *)ring + off, &value, 8); /* whatever a client can write */
            continue;
        }
        seL4_Word length = b2 & 0x7f;
        if (length > seL4_MsgMaxLength) {
            length = seL4_MsgMaxLength;
        }
        seL4_IPCBuffer *ipc = seL4_GetIPCBuffer();
        for (seL4_Word i = 0; i < length; i++) {
            size_t take = size < 8 ? size : 8;
            ipc->msg[i] = word_at(data, take);
            data += take;
            size -= take;
        }
        seL4_MessageInfo_t info = seL4_MessageInfo_new(b1 < 16 ? b1 : value >> 12, 0, 0, length);
        if (b3 & 1) {
            deliver_cap(b3 >> 1, &info);
        }
        seL4_Word badge = (b3 & 0x80) ? value & ~SB_BADGE_CALL : value | SB_BADGE_CALL;
        if (!(badge & SB_BADGE_CALL)) {
            /* Not a call after all: the server reads it as a notification word. */
            seL4_CNode_Delete(seL4_CapInitThreadCNode, sb_recv_slot(&srv), seL4_WordBits);
            continue;
        }
        uint64_t calls = srv.stats.calls;
        seL4_MessageInfo_t reply;
        if (!sb_server_handle(&srv, info, badge, &reply)) {
            abort(); /* every call is answered */
        }
        if (seL4_MessageInfo_get_label(reply) >= SB_WIRE_STATUS_COUNT ||
            seL4_MessageInfo_get_length(reply) > seL4_FastMessageRegisters ||
            seL4_MessageInfo_get_extraCaps(reply) > 1 || srv.stats.calls != calls + 1) {
            abort();
        }
        /* The receive slot is empty again, so a later cap cannot be dropped. */
        seL4_CPtr probe = SLOT_BASE + cfg.slot_count;
        if (seL4_CNode_Copy(seL4_CapInitThreadCNode, probe, seL4_WordBits, seL4_CapInitThreadCNode,
                            sb_recv_slot(&srv), seL4_WordBits, seL4_AllRights) != seL4_FailedLookup) {
            abort();
        }
        if (srv.pool_free_count > POOL || srv.stats.open_sessions > cfg.max_sessions) {
            abort();
        }
    }
    reset();
    return 0;
}
