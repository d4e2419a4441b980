/*
 * libFuzzer target holding the server's two paths for a call against each other, on the host
 * model: every ping-shaped input (a call's label, caps, length, badge and words, and the sessions'
 * states) is handed to the null call's fast path (sb_server_ping_fast) and, from the same state,
 * to the general path (sb_server_handle_general). Where the fast path answers, the general path
 * must give the same answer word for word and count it the same; where it declines, it must have
 * changed nothing, and the general path must not answer that call as a ping that passed (so the
 * fast path answers every valid ping, and only those).
 *
 * One input:
 *   byte 0     the label: 0 ping (most values), 6 stats, 7 and 0xffff (no op), 2^16 and 2^20
 *              (application labels, on a server without applications)
 *   byte 1     bits 0-1: extraCaps; bits 2-4: capsUnwrapped; bit 7: the badge is a small session
 *              id (byte 4 % 6: no session, sessions 1-4, one beyond max_sessions)
 *   byte 2     the length in words (& 0x7f, at most seL4_MsgMaxLength)
 *   byte 3     the four sessions' states, two bits each (3: open)
 *   bytes 4-11 the badge (SB_BADGE_CALL always set: a call)
 *   then       the message registers, `length` words (missing bytes read as zero)
 * Only ping, stats and labels no op has are made: they change nothing but the counts, so one
 * server serves every input.
 */
#include <sel4/sel4.h>
#include <sel4bridge/plat.h>
#include <sel4bridge/server.h>
#include <stdlib.h>
#include <string.h>

#include "../bridge/src/server_internal.h"

#define SLOT_BASE 64

static sb_server_t srv;

static void once(void)
{
    seL4_CPtr ep, ntfn, untyped;
    plat_init();
    if (plat_obj_alloc(seL4_EndpointObject, 0, &ep) != seL4_NoError ||
        plat_obj_alloc(seL4_NotificationObject, 0, &ntfn) != seL4_NoError) {
        abort();
    }
    sb_server_config_t cfg = {
        .endpoint = ep, .notification = ntfn, .tcb = seL4_CapInitThreadTCB,
        .cnode = seL4_CapInitThreadCNode, .slot_base = SLOT_BASE, .max_sessions = 4,
        .max_bundle = SB_BUNDLE_MIN, .default_depth = 8,
    };
    cfg.slot_count = sb_server_slots_needed(&cfg);
    if (plat_obj_alloc(seL4_UntypedObject, sb_server_untyped_bits(&cfg), &untyped) != seL4_NoError) {
        abort();
    }
    cfg.untyped = untyped;
    if (sb_server_init(&srv, &cfg) != SB_OK) {
        abort();
    }
}

static uint64_t word_at(const uint8_t *p, size_t n)
{
    uint64_t w = 0;
    memcpy(&w, p, n < 8 ? n : 8);
    return w;
}

/* What a path left: its answer, the words it wrote and the server's counts. */
typedef struct {
    bool answered;
    seL4_MessageInfo_t reply;
    uint64_t words[seL4_MsgMaxLength];
    sb_server_stats_t stats;
} outcome_t;

static void record(outcome_t *o, bool answered, seL4_MessageInfo_t reply, const uint64_t *mrs)
{
    o->answered = answered;
    o->reply = reply;
    memcpy(o->words, mrs, sizeof o->words);
    o->stats = srv.stats;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        once();
        ready = 1;
    }
    if (size < 12) {
        return 0;
    }
    static const seL4_Word labels[8] = {0, 0, 0, 0, 6, 7, 0xffff, 1u << 16};
    seL4_Word label = data[0] == 0xff ? (seL4_Word)1 << 20 : labels[data[0] % 8];
    seL4_Word caps = data[1] & 3, unwrapped = (data[1] >> 2) & 7;
    seL4_Word length = data[2] & 0x7f;
    if (length > seL4_MsgMaxLength) {
        length = seL4_MsgMaxLength;
    }
    static const uint32_t states[4] = {SB_SESSION_FREE, SB_SESSION_OPEN, SB_SESSION_REVOKED,
                                       SB_SESSION_OPEN};
    for (unsigned i = 0; i < 4; i++) {
        srv.sessions[i].state = states[(data[3] >> (2 * i)) & 3];
    }
    seL4_Word badge = data[1] & 0x80 ? data[4] % 6 : word_at(data + 4, 8);
    badge |= SB_BADGE_CALL;
    data += 12;
    size -= 12;

    uint64_t *mrs = seL4_GetIPCBuffer()->msg;
    uint64_t in[seL4_MsgMaxLength] = {0};
    for (seL4_Word i = 0; i < length && size > 0; i++) {
        size_t take = size < 8 ? size : 8;
        in[i] = word_at(data, take);
        data += take;
        size -= take;
    }
    seL4_MessageInfo_t info = seL4_MessageInfo_new(label, unwrapped, caps, length);
    sb_server_stats_t stats = srv.stats;

    outcome_t fast, general;
    seL4_MessageInfo_t reply = seL4_MessageInfo_new(0, 0, 0, 0);
    memcpy(mrs, in, sizeof in);
    record(&fast, sb_server_ping_fast(&srv, info, badge, mrs, &reply), reply, mrs);
    memcpy(mrs, in, sizeof in);
    srv.stats = stats;
    reply = seL4_MessageInfo_new(0, 0, 0, 0);
    record(&general, sb_server_handle_general(&srv, info, badge, mrs, &reply), reply, mrs);

    /* Without applications the general path answers every call at once. */
    if (!general.answered) {
        abort();
    }
    if (fast.answered) {
        /* The same answer, word for word, counted the same. */
        seL4_Word words = seL4_MessageInfo_get_length(fast.reply);
        if (fast.reply.words[0] != general.reply.words[0] || words > seL4_MsgMaxLength ||
            memcmp(fast.words, general.words, words * sizeof(uint64_t)) != 0 ||
            fast.stats.calls != general.stats.calls || fast.stats.errors != general.stats.errors) {
            abort();
        }
    } else {
        /* Declined: nothing changed, and the general path refuses it or it is no ping. */
        if (memcmp(fast.words, in, sizeof in) != 0 || fast.stats.calls != stats.calls ||
            fast.stats.errors != stats.errors) {
            abort();
        }
        if (label == 0 && seL4_MessageInfo_get_label(general.reply) == SB_OK) {
            abort();
        }
    }
    return 0;
}
