/*
 * The server's objects and bundles: each session's lasting objects (ring frames, notifications,
 * an untyped of its own) are made once, at init; a grant retypes the bundle CNode and its data
 * frames from the session's untyped and copies the lasting masters in, and a revoke takes all of
 * it back with one seL4_CNode_Revoke per master (the untyped's covers the CNode and the frames).
 */
#include <sel4bridge/plat.h>
#include <sel4bridge/server.h>
#include <string.h>

#include "server_internal.h"

/* Radix of every session's bundle CNode (sized for the largest bundle). */
static uint8_t bundle_bits(const sb_server_config_t *cfg)
{
    return sb_bundle_cnode_bits(cfg->max_bundle);
}

/* Data frames one session's untyped holds: its largest bundle's, and never more than the pool. */
static uint32_t session_frames(const sb_server_config_t *cfg)
{
    uint32_t most = cfg->max_bundle - SB_BUNDLE_MIN;
    return most < cfg->pool_frames ? most : cfg->pool_frames;
}

static seL4_Word bits_for(uint64_t bytes)
{
    seL4_Word bits = seL4_MinUntypedBits;
    while (((uint64_t)1 << bits) < bytes) {
        bits++;
    }
    return bits;
}

/* Each session's untyped: at grant its bundle CNode comes first (at the base, at most a page),
 * then the data frames, page-aligned after it (seL4 aligns each object to its size). */
static seL4_Word session_untyped_bits(const sb_server_config_t *cfg)
{
    uint64_t cnode = (uint64_t)1 << (bundle_bits(cfg) + seL4_SlotBits);
    uint32_t frames = session_frames(cfg);
    if (frames == 0) {
        return bits_for(cnode);
    }
    return bits_for(((uint64_t)frames + 1) << seL4_PageBits);
}

seL4_Word sb_server_slots_needed(const sb_server_config_t *cfg)
{
    return 1 + (seL4_Word)cfg->max_sessions * SB_SESSION_SLOTS;
}

seL4_Word sb_server_untyped_bits(const sb_server_config_t *cfg)
{
    /* Retyped largest first (session untypeds and ring frames, whichever is larger, then the
     * notifications), so no alignment is lost. */
    uint64_t bytes = ((uint64_t)cfg->max_sessions * 2) << seL4_PageBits;
    bytes += (uint64_t)cfg->max_sessions << session_untyped_bits(cfg);
    bytes += (uint64_t)cfg->max_sessions << seL4_NotificationBits;
    return bits_for(bytes);
}

static sb_status_t from_kernel(seL4_Error e)
{
    switch (e) {
    case seL4_NoError:
        return SB_OK;
    case seL4_NotEnoughMemory:
        return SB_ERR_NO_MEMORY;
    case seL4_DeleteFirst:
        return SB_ERR_NO_SLOTS; /* a slot of the range given was not empty */
    default:
        return SB_ERR_KERNEL;
    }
}

/* One object of @type from the server's untyped into our slot @slot. */
static sb_status_t retype(sb_server_t *s, seL4_Word type, seL4_Word bits, seL4_CPtr slot)
{
    /* node_depth 0: the destination CNode is cfg.cnode itself, and node_offset the slot. */
    return from_kernel(
        seL4_Untyped_Retype(s->cfg.untyped, type, bits, s->cfg.cnode, 0, 0, slot, 1));
}

static sb_status_t mint(sb_server_t *s, seL4_CPtr dest, seL4_CPtr src, seL4_CapRights_t rights,
                        seL4_Word badge)
{
    return from_kernel(seL4_CNode_Mint(s->cfg.cnode, dest, seL4_WordBits, s->cfg.cnode, src,
                                       seL4_WordBits, rights, badge));
}

static sb_status_t new_frame(sb_server_t *s, seL4_CPtr slot, void **vaddr)
{
    sb_status_t st = retype(s, SB_FRAME_OBJECT, 0, slot);
    if (st != SB_OK) {
        return st;
    }
    return plat_frame_map(slot, vaddr) == seL4_NoError ? SB_OK : SB_ERR_KERNEL;
}

static sb_status_t session_untypeds(sb_server_t *s)
{
    for (uint32_t n = 1; n <= s->cfg.max_sessions; n++) {
        sb_status_t st = retype(s, seL4_UntypedObject, s->session_bits,
                                sb_session_slot(s, n, SB_SLOT_UNTYPED));
        if (st != SB_OK) {
            return st;
        }
    }
    return SB_OK;
}

static sb_status_t check_config(const sb_server_config_t *cfg)
{
    if (cfg->max_sessions == 0 || cfg->max_sessions > SB_MAX_SESSIONS ||
        cfg->max_bundle < SB_BUNDLE_MIN || cfg->max_bundle > SB_BUNDLE_MAX ||
        cfg->pool_frames > SB_SERVER_POOL_MAX || !sb_queue_depth_valid(cfg->default_depth) ||
        cfg->admin_session > cfg->max_sessions || cfg->endpoint == seL4_CapNull ||
        cfg->notification == seL4_CapNull || cfg->untyped == seL4_CapNull) {
        return SB_ERR_CONFIG;
    }
    if (cfg->slot_count < sb_server_slots_needed(cfg)) {
        return SB_ERR_NO_SLOTS;
    }
    return SB_OK;
}

sb_status_t sb_server_init(sb_server_t *s, const sb_server_config_t *cfg)
{
    memset(s, 0, sizeof *s);
    sb_status_t st = check_config(cfg);
    if (st != SB_OK) {
        return st;
    }
    s->cfg = *cfg;
    s->bundle_bits = bundle_bits(cfg);
    if (cfg->tcb != seL4_CapNull &&
        seL4_TCB_BindNotification(cfg->tcb, cfg->notification) != seL4_NoError) {
        return SB_ERR_KERNEL;
    }
    /* Largest objects first, so the untyped's alignment wastes nothing: each session's untyped
     * (its bundle CNode and data frames at every grant) and its two ring frames. */
    s->session_bits = (uint8_t)session_untyped_bits(cfg);
    bool untypeds_first = s->session_bits >= seL4_PageBits;
    if (untypeds_first && (st = session_untypeds(s)) != SB_OK) {
        return st;
    }
    for (uint32_t n = 1; n <= cfg->max_sessions; n++) {
        sb_server_session_t *ss = sb_session(s, n);
        void *req, *cmpl;
        if ((st = new_frame(s, sb_session_slot(s, n, SB_SLOT_REQUEST_FRAME), &req)) != SB_OK ||
            (st = new_frame(s, sb_session_slot(s, n, SB_SLOT_COMPLETION_FRAME), &cmpl)) != SB_OK) {
            return st;
        }
        ss->request_ring = req;
        ss->completion_ring = cmpl;
    }
    if (!untypeds_first && (st = session_untypeds(s)) != SB_OK) {
        return st;
    }
    s->pool_free_count = cfg->pool_frames;
    for (uint32_t n = 1; n <= cfg->max_sessions; n++) {
        seL4_CPtr ntfn = sb_session_slot(s, n, SB_SLOT_NTFN);
        /* The kick cap: write-only, so a client can signal us but never wait on our word. The
         * client's completion cap: read-only, and badged only so that it is revocable (a Mint
         * that sets a badge makes a new CDT root; the badge means nothing to a waiter). */
        if ((st = mint(s, sb_session_slot(s, n, SB_SLOT_KICK), cfg->notification, seL4_CanWrite,
                       sb_kick_bit(n))) != SB_OK ||
            (st = retype(s, seL4_NotificationObject, 0, ntfn)) != SB_OK ||
            (st = mint(s, sb_session_slot(s, n, SB_SLOT_SIGNAL), ntfn, seL4_CanWrite,
                       SB_SIGNAL_COMPLETION)) != SB_OK ||
            (st = mint(s, sb_session_slot(s, n, SB_SLOT_SIGNAL_REVOKED), ntfn, seL4_CanWrite,
                       SB_SIGNAL_REVOKED)) != SB_OK ||
            (st = mint(s, sb_session_slot(s, n, SB_SLOT_CLIENT_NTFN), ntfn, seL4_CanRead,
                       SB_SIGNAL_COMPLETION)) != SB_OK) {
            return st;
        }
    }
    seL4_SetCapReceivePath(cfg->cnode, sb_recv_slot(s), seL4_WordBits);
    return SB_OK;
}

/* Copy master @src into slot @index of the bundle CNode (radix @bits). */
static sb_status_t put(sb_server_t *s, seL4_CPtr bundle, uint32_t index, uint8_t bits,
                       seL4_CPtr src, seL4_CapRights_t rights)
{
    return from_kernel(
        seL4_CNode_Copy(bundle, index, bits, s->cfg.cnode, src, seL4_WordBits, rights));
}

sb_status_t sb_bundle_grant(sb_server_t *s, uint32_t session, uint32_t caps, uint32_t depth,
                            uint32_t phase)
{
    sb_server_session_t *ss = sb_session(s, session);
    uint32_t data = caps - SB_BUNDLE_MIN;
    if (data > s->pool_free_count) {
        return SB_ERR_POOL_EXHAUSTED;
    }
    /* Everything a grant makes comes from the session's own untyped: a fresh CNode, then the data
     * frames retyped straight into its slots 2 .. k-3 in one invocation (zeroed by the kernel, so
     * nothing of an earlier session reaches this client). The revoke of that untyped destroys
     * them all, every copy and every mapping of them, and anything a client put into the CNode. */
    uint8_t bits = sb_bundle_cnode_bits(caps);
    seL4_CPtr untyped = sb_session_slot(s, session, SB_SLOT_UNTYPED);
    seL4_CPtr bundle = sb_session_slot(s, session, SB_SLOT_BUNDLE);
    sb_status_t st = from_kernel(seL4_Untyped_Retype(untyped, seL4_CapTableObject, bits,
                                                     s->cfg.cnode, 0, 0, bundle, 1));
    if (st != SB_OK) {
        return st;
    }
    ss->caps = caps;
    ss->depth = depth;
    ss->phase = phase;
    ss->data_frames = data;
    ss->served = 0;
    s->pool_free_count -= data;
    sb_queue_init(ss->request_ring, s->cfg.ring_start);
    sb_queue_init(ss->completion_ring, s->cfg.ring_start);
    (void)sb_queue_consumer_attach(&ss->requests, ss->request_ring, depth);
    (void)sb_queue_producer_attach(&ss->completions, ss->completion_ring, depth);
    if (phase == SB_PHASE_SIGNAL_WHEN_ASKED) {
        /* We start asleep on this ring: the client's first request must kick. */
        sb_queue_request_signal(&ss->requests);
    }

    /* Slot order is the layout op_open reports: frames, then kick, then completion. The ring
     * frames and the notifications are the server's for its life: copies of their masters. */
    if (data > 0) {
        /* node_depth 0: the destination CNode is the bundle CNode itself. */
        st = from_kernel(
            seL4_Untyped_Retype(untyped, SB_FRAME_OBJECT, 0, bundle, 0, 0, 2, data));
    }
    if (st == SB_OK) {
        st = put(s, bundle, 0, bits, sb_session_slot(s, session, SB_SLOT_REQUEST_FRAME),
                 seL4_ReadWrite);
    }
    if (st == SB_OK) {
        st = put(s, bundle, 1, bits, sb_session_slot(s, session, SB_SLOT_COMPLETION_FRAME),
                 seL4_ReadWrite);
    }
    if (st == SB_OK) {
        st = put(s, bundle, caps - 2, bits, sb_session_slot(s, session, SB_SLOT_KICK), seL4_CanWrite);
    }
    if (st == SB_OK) {
        st = put(s, bundle, caps - 1, bits, sb_session_slot(s, session, SB_SLOT_CLIENT_NTFN),
                 seL4_CanRead);
    }
    ss->state = SB_SESSION_OPEN;
    s->stats.open_sessions++;
    if (st != SB_OK) {
        /* Cannot happen with a correct setup; leave nothing half-granted behind. */
        sb_bundle_revoke(s, session, SB_SESSION_FREE);
        s->stats.revoked_bundles--;
        return SB_ERR_KERNEL;
    }
    return SB_OK;
}

static seL4_Error revoke(sb_server_t *s, seL4_CPtr slot)
{
    return seL4_CNode_Revoke(s->cfg.cnode, slot, seL4_WordBits);
}

sb_status_t sb_bundle_revoke(sb_server_t *s, uint32_t session, uint32_t next_state)
{
    sb_server_session_t *ss = sb_session(s, session);
    if (ss->state != SB_SESSION_OPEN) {
        ss->state = next_state;
        return SB_OK;
    }
    seL4_Error e = seL4_NoError;
    /* Kicks first: once no copy of the kick cap is left, no new kick of this session can arrive
     * (a kernel invocation is atomic: a client mid-seL4_Signal has either signalled or not). A
     * kick already pending in our word reaches the serve loop at its next receive (seL4 returns
     * a bound notification's word before any call), and finds the session no longer open:
     * ignored, before any call could open it again. */
    e |= revoke(s, sb_session_slot(s, session, SB_SLOT_KICK));
    /* The session's untyped: the bundle CNode, every copy of its cap and every cap in it
     * (including any a client copied into it), the data frames with every copy and mapping. */
    e |= revoke(s, sb_session_slot(s, session, SB_SLOT_UNTYPED));
    /* The ring frames: every copy goes, and with it every mapping made from a copy — the
     * client's next access faults. Our own mappings are of the masters and stay. */
    e |= revoke(s, sb_session_slot(s, session, SB_SLOT_REQUEST_FRAME));
    e |= revoke(s, sb_session_slot(s, session, SB_SLOT_COMPLETION_FRAME));
    e |= revoke(s, sb_session_slot(s, session, SB_SLOT_CLIENT_NTFN));
    /* A client blocked on the completion notification (the object lives on, only its cap went)
     * wakes with SB_SIGNAL_REVOKED. Then clear the word, so the next session starts clean. */
    seL4_Signal(sb_session_slot(s, session, SB_SLOT_SIGNAL_REVOKED));
    seL4_Word word;
    seL4_Poll(sb_session_slot(s, session, SB_SLOT_NTFN), &word);
    /* Kick bits collected from an earlier word are dropped too. */
    s->pending &= ~sb_kick_bit(session);

    s->pool_free_count += ss->data_frames;
    ss->state = next_state;
    ss->data_frames = 0;
    s->stats.open_sessions--;
    s->stats.revoked_bundles++;
    return e == seL4_NoError ? SB_OK : SB_ERR_KERNEL;
}
