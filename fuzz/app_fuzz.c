/*
 * libFuzzer target for an application's generated server skeleton behind the bridge's dispatch,
 * on the host model: the apps test schema's Probe and Counter (tests/apps) registered with a
 * server, and each input a sequence of calls as seL4_Recv would hand them to it — application
 * labels (known and unknown methods, unknown interfaces), the bridge's own ops (the same table of
 * checks), any length up to seL4_MsgMaxLength, any words, an optional cap. Every call must be
 * answered with a wire status in at most seL4_MsgMaxLength words and no cap (or, Probe.wait only,
 * deferred), the receive slot emptied, a successful Probe.add answer a + b of the request, a
 * successful Probe.echo reply read back whole; once the sessions are closed, no deferred call
 * may be left. The generated decoders treat the client as hostile: ASan and UBSan watch them.
 *
 * One call of the input:
 *   byte 0     what: 0 Probe, 1 Counter, 2 an interface code from bytes 4-7, 3 a bridge op
 *   byte 1     the method (or op)
 *   byte 2     length in words (& 0x7f, at most seL4_MsgMaxLength)
 *   byte 3     bit 0: a cap arrives (bits 1-2: notification, frame, our endpoint unwrapped,
 *              CNode); bit 3: session 2 instead of 1
 *   bytes 4-7  the interface code (what = 2)
 *   then       the message registers, `length` words (missing bytes read as zero)
 */
#include <sel4/sel4.h>
#include <sel4bridge/app.h>
#include <sel4bridge/plat.h>
#include <stdlib.h>
#include <string.h>

#include "../bridge/src/server_internal.h"
#include "probe.h"

#define SLOT_BASE 64
#define SESSIONS 2

static sb_server_t srv;
static sb_server_config_t cfg;
static seL4_CPtr ep, ntfn, untyped, frame, cnode_cap;

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
        .cnode = seL4_CapInitThreadCNode, .slot_base = SLOT_BASE, .max_sessions = SESSIONS,
        .max_bundle = 4, .pool_frames = 4, .default_depth = 8,
    };
    cfg.slot_count = sb_server_slots_needed(&cfg);
    if (SLOT_BASE + cfg.slot_count + 1 >= PROBE_KEEP_SLOT ||
        plat_obj_alloc(seL4_UntypedObject, sb_server_untyped_bits(&cfg), &untyped) != seL4_NoError) {
        abort();
    }
    cfg.untyped = untyped;
}

/* Take everything of the last input's server away: its slots, its objects, the application's
 * slots, the binding. */
static void reset(void)
{
    for (seL4_Word i = 0; i < cfg.slot_count; i++) {
        seL4_CNode_Delete(seL4_CapInitThreadCNode, SLOT_BASE + i, seL4_WordBits);
    }
    seL4_CNode_Delete(seL4_CapInitThreadCNode, PROBE_KEEP_SLOT, seL4_WordBits);
    for (seL4_Word i = 0; i < PROBE_REPLY_COUNT; i++) {
        seL4_CNode_Delete(seL4_CapInitThreadCNode, PROBE_REPLY_SLOTS + i, seL4_WordBits);
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
        seL4_GetIPCBuffer()->caps_or_badges[0] = sb_client_badge(2);
        *info = seL4_MessageInfo_set_capsUnwrapped(*info, 1);
    } else if (seL4_CNode_Copy(seL4_CapInitThreadCNode, sb_recv_slot(&srv), seL4_WordBits,
                               seL4_CapInitThreadCNode, src, seL4_WordBits,
                               seL4_AllRights) != seL4_NoError) {
        abort();
    }
    *info = seL4_MessageInfo_set_extraCaps(*info, 1);
}

static void check_reply(seL4_Word label, const uint64_t *request, seL4_Word length,
                        seL4_Word status, seL4_Word words);

/* One call, checked; returns the reply's label, or ~0 when it was deferred. */
static seL4_Word call(seL4_Word label, seL4_Word length, uint32_t session, seL4_MessageInfo_t info)
{
    seL4_IPCBuffer *ipc = seL4_GetIPCBuffer();
    uint64_t request[seL4_MsgMaxLength];
    memcpy(request, ipc->msg, length * sizeof(uint64_t));
    seL4_MessageInfo_t reply;
    if (!sb_server_handle(&srv, info, sb_client_badge(session), &reply)) {
        if (label != apps_test_Probe_wait_LABEL) {
            abort(); /* only Probe.wait defers */
        }
        return ~(seL4_Word)0;
    }
    seL4_Word status = seL4_MessageInfo_get_label(reply);
    seL4_Word words = seL4_MessageInfo_get_length(reply);
    if (status >= SB_WIRE_STATUS_COUNT || words > seL4_MsgMaxLength ||
        (seL4_MessageInfo_get_extraCaps(reply) != 0 && label != 1 /* openSession */)) {
        abort();
    }
    check_reply(label, request, length, status, words);
    /* The receive slot is empty again, so a later cap cannot be dropped. (Last: a failing
     * invocation leaves its error in the message registers, as libsel4's stubs do.) */
    seL4_CPtr spare = SLOT_BASE + cfg.slot_count;
    if (seL4_CNode_Copy(seL4_CapInitThreadCNode, spare, seL4_WordBits, seL4_CapInitThreadCNode,
                        sb_recv_slot(&srv), seL4_WordBits, seL4_AllRights) != seL4_FailedLookup) {
        abort();
    }
    return status;
}

/* What the skeleton answered reads back, and says what the request asked. */
static void check_reply(seL4_Word label, const uint64_t *request, seL4_Word length,
                        seL4_Word status, seL4_Word words)
{
    seL4_IPCBuffer *ipc = seL4_GetIPCBuffer();
    if (status != SB_OK) {
        return;
    }
    sb_codec_reader_t rq, rp;
    sb_codec_struct_t rq_root, rp_root;
    sb_codec_reader_init(&rq, request, length);
    sb_codec_reader_init(&rp, ipc->msg, words);
    if (label == apps_test_Probe_add_LABEL) {
        if (sb_codec_read_root(&rq, &rq_root) != SB_CODEC_OK ||
            sb_codec_read_root(&rp, &rp_root) != SB_CODEC_OK) {
            abort();
        }
        apps_test_AddParams_reader_t p = {rq_root};
        apps_test_AddResults_reader_t r = {rp_root};
        if (apps_test_AddResults_get_sum(r) !=
            apps_test_AddParams_get_a(p) + apps_test_AddParams_get_b(p)) {
            abort();
        }
    } else if (label == apps_test_Probe_echo_LABEL) {
        if (sb_codec_read_root(&rp, &rp_root) != SB_CODEC_OK) {
            abort();
        }
        apps_test_AllKinds_reader_t r = {rp_root};
        sb_codec_text_t t = apps_test_AllKinds_get_text(r);
        sb_codec_data_t d = apps_test_AllKinds_get_data(r);
        sb_codec_list_t l = apps_test_AllKinds_get_reals(r);
        (void)apps_test_AllKinds_get_words(r), (void)apps_test_AllKinds_get_flags(r);
        (void)apps_test_AllKinds_get_shorts(r);
        if (sb_codec_reader_status(&rp) != SB_CODEC_OK || (t.len && t.str[t.len] != 0) ||
            (d.len && d.ptr == NULL) || sb_codec_list_len(l) > 64) {
            abort();
        }
    }
}

static void control(seL4_Word op, uint32_t session, const uint64_t *words, seL4_Word n)
{
    memcpy(seL4_GetIPCBuffer()->msg, words, n * sizeof(uint64_t));
    call(op, n, session, seL4_MessageInfo_new(op, 0, 0, n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        once();
        ready = 1;
    }
    memset(&probe, 0, sizeof probe);
    if (sb_server_init(&srv, &cfg) != SB_OK || sb_server_set_app(&srv, &probe_app) != SB_OK) {
        abort();
    }
    /* Both sessions open, as a client's sb_client_open leaves them (k = 4, depth 8). */
    static const uint64_t open_rq[2] = {0x0000000100000000u, 4 | (8u << 16)};
    static const uint64_t empty = 0;
    for (uint32_t s = 1; s <= SESSIONS; s++) {
        control(1 /* openSession */, s, open_rq, 2);
    }
    while (size >= 8) {
        uint8_t what = data[0], b1 = data[1], b2 = data[2], b3 = data[3];
        uint32_t code = (uint32_t)word_at(data + 4, 4);
        data += 8;
        size -= 8;
        seL4_Word label;
        switch (what & 3) {
        case 0: label = SB_APP_LABEL(apps_test_Probe_CODE, b1 % 10); break;
        case 1: label = SB_APP_LABEL(apps_test_Counter_CODE, b1 % 3); break;
        case 2: label = SB_APP_LABEL(code, b1); break;
        default: label = b1 % 8; break;
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
        seL4_MessageInfo_t info = seL4_MessageInfo_new(label, 0, 0, length);
        if (b3 & 1) {
            deliver_cap(b3 >> 1, &info);
        }
        call(label, length, (b3 & 8) ? 2 : 1, info);
        if (sb_app_deferred_count(&srv) > PROBE_REPLY_COUNT ||
            atomic_load(&probe.deferred_now) != sb_app_deferred_count(&srv)) {
            abort(); /* the application and the bridge agree on what is held */
        }
    }
    /* Close both sessions: every deferred call is answered, every reply slot free. */
    for (uint32_t s = 1; s <= SESSIONS; s++) {
        control(4 /* closeSession */, s, &empty, 1);
    }
    if (sb_app_deferred_count(&srv) != 0 || atomic_load(&probe.deferred_now) != 0 ||
        srv.stats.open_sessions != 0) {
        abort();
    }
    reset();
    return 0;
}
