/*
 * The server's objects and bundles: each session's lasting objects (ring frames, an untyped of its
 * own) are made once, at init; a grant retypes the bundle CNode, the completion notification and
 * the data frames from the session's untyped and copies the ring frames in, and a revoke takes all
 * of it back with one seL4_CNode_Revoke per master (the untyped's covers everything it retyped).
 *
 * Data frames are shared memory both sides map: the server retypes them into slots of its own,
 * keeps those master caps and maps them for the bundle's life (sb_server_data), and the client
 * gets copies in the bundle CNode. Mapping through plat_frame_map puts them in whatever VSpace
 * the server thread runs in, its own when it is a component.
 *
 * The rule behind the completion notification: the server never receives (Recv, Wait, Poll) on an
 * object a client holds a receive right to. A client may bind such a notification to its own TCB
 * (receive rights are all seL4_TCB_BindNotification asks for), and a receive on a notification
 * bound to another thread is a cap fault that would stop the server. The binding belongs to the
 * object, not to the cap, so the object itself must not outlive the grant: it is retyped per
 * grant and destroyed by the revoke (destroying a notification unbinds it), and the next session
 * gets a fresh one with a clear word, without the server ever reading the old one.
 */
#include <sel4bridge/plat.h>
#include <sel4bridge/server.h>
#include <string.h>

#include "server_app.h"
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

/* Each session's untyped: at grant its bundle CNode comes first (at the base), the completion
 * notification right after it, both within the first page, then the data frames, page-aligned
 * (seL4 aligns each object to its size and the watermark only moves forward). */
_Static_assert((1u << (6 + seL4_SlotBits)) + (1u << seL4_NotificationBits) <= (1u << seL4_PageBits),
               "the largest bundle CNode and the notification share the untyped's first page");

static seL4_Word session_untyped_bits(const sb_server_config_t *cfg)
{
    uint64_t head = ((uint64_t)1 << (bundle_bits(cfg) + seL4_SlotBits)) +
                    ((uint64_t)1 << seL4_NotificationBits);
    uint32_t frames = session_frames(cfg);
    if (frames == 0) {
        return bits_for(head);
    }
    return bits_for(((uint64_t)frames + 1) << seL4_PageBits);
}

seL4_Word sb_server_slots_needed(const sb_server_config_t *cfg)
{
    return 1 + (seL4_Word)cfg->max_sessions * (SB_SESSION_SLOTS + session_frames(cfg));
}

/* The master cap of session @session's data frame @i: after every session's SB_SLOT_* slots. */
static seL4_CPtr data_slot(const sb_server_t *s, uint32_t session, uint32_t i)
{
    return s->cfg.slot_base + 1 + (seL4_CPtr)s->cfg.max_sessions * SB_SESSION_SLOTS +
           (seL4_CPtr)(session - 1) * session_frames(&s->cfg) + i;
}

seL4_Word sb_server_untyped_bits(const sb_server_config_t *cfg)
{
    /* Retyped largest first (session untypeds and ring frames, whichever is larger), so no
     * alignment is lost. */
    uint64_t bytes = ((uint64_t)cfg->max_sessions * 2) << seL4_PageBits;
    bytes += (uint64_t)cfg->max_sessions << session_untyped_bits(cfg);
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
    if (s->cfg.request == NULL) {
        s->cfg.request = sb_ring_unknown_request; /* the drain then calls with no test */
    }
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
        /* The kick cap: write-only, so a client can signal us but never wait on our word. */
        if ((st = mint(s, sb_session_slot(s, n, SB_SLOT_KICK), cfg->notification, seL4_CanWrite,
                       sb_kick_bit(n))) != SB_OK) {
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

/* The grant's objects, in the order the session's untyped lays them out: the bundle CNode, the
 * completion notification with the two write-only caps we signal it through, the data frames
 * (ours, mapped, with copies in the CNode's slots 2 .. k-3), then the copies of the ring frames
 * and the two notification caps. */
static sb_status_t grant_objects(sb_server_t *s, uint32_t session, uint32_t caps, uint8_t bits,
                                 uint32_t data)
{
    seL4_CPtr untyped = sb_session_slot(s, session, SB_SLOT_UNTYPED);
    seL4_CPtr bundle = sb_session_slot(s, session, SB_SLOT_BUNDLE);
    seL4_CPtr ntfn = sb_session_slot(s, session, SB_SLOT_NTFN);
    sb_status_t st = from_kernel(seL4_Untyped_Retype(untyped, seL4_CapTableObject, bits,
                                                     s->cfg.cnode, 0, 0, bundle, 1));
    if (st == SB_OK) {
        st = from_kernel(seL4_Untyped_Retype(untyped, seL4_NotificationObject, 0, s->cfg.cnode, 0,
                                             0, ntfn, 1));
    }
    /* Badges tell a waiting client why it woke; the client's own cap is unbadged and read-only. */
    if (st == SB_OK) {
        st = mint(s, sb_session_slot(s, session, SB_SLOT_SIGNAL), ntfn, seL4_CanWrite,
                  SB_SIGNAL_COMPLETION);
    }
    if (st == SB_OK) {
        st = mint(s, sb_session_slot(s, session, SB_SLOT_SIGNAL_REVOKED), ntfn, seL4_CanWrite,
                  SB_SIGNAL_REVOKED);
    }
    if (st == SB_OK && data > 0) {
        /* Into our own slots: the masters stay ours for the bundle's life, and only their
         * revoke (the untyped's) can take them, with our mapping, from under us. */
        st = from_kernel(seL4_Untyped_Retype(untyped, SB_FRAME_OBJECT, 0, s->cfg.cnode, 0, 0,
                                             data_slot(s, session, 0), data));
    }
    sb_server_session_t *ss = sb_session(s, session);
    for (uint32_t i = 0; st == SB_OK && i < data; i++) {
        seL4_CPtr frame = data_slot(s, session, i);
        if (plat_frame_map(frame, &ss->data[i]) != seL4_NoError) {
            ss->data[i] = NULL;
            st = SB_ERR_KERNEL;
        } else {
            st = put(s, bundle, 2 + i, bits, frame, seL4_ReadWrite);
        }
    }
    /* Slot order is the layout op_open reports: frames, then kick, then completion. The ring
     * frames are the server's for its life: the client gets copies of their masters. */
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
        st = put(s, bundle, caps - 1, bits, ntfn, seL4_CanRead);
    }
    return st;
}

/* Undo a grant that failed part-way: everything it made is a descendant of the session's untyped
 * or of the ring frames' masters. No client holds any of it yet (the CNode was never sent). */
static void ungrant(sb_server_t *s, uint32_t session)
{
    memset(sb_session(s, session)->data, 0, sizeof sb_session(s, session)->data);
    (void)seL4_CNode_Revoke(s->cfg.cnode, sb_session_slot(s, session, SB_SLOT_UNTYPED),
                            seL4_WordBits);
    (void)seL4_CNode_Revoke(s->cfg.cnode, sb_session_slot(s, session, SB_SLOT_REQUEST_FRAME),
                            seL4_WordBits);
    (void)seL4_CNode_Revoke(s->cfg.cnode, sb_session_slot(s, session, SB_SLOT_COMPLETION_FRAME),
                            seL4_WordBits);
}

sb_status_t sb_bundle_grant(sb_server_t *s, uint32_t session, uint32_t caps, uint32_t depth,
                            uint32_t phase)
{
    sb_server_session_t *ss = sb_session(s, session);
    uint32_t data = caps - SB_BUNDLE_MIN;
    if (data > s->pool_free_count) {
        return SB_ERR_POOL_EXHAUSTED;
    }
    /* Everything a grant makes comes from the session's own untyped (zeroed by the kernel, so
     * nothing of an earlier session reaches this client). The revoke of that untyped destroys it
     * all, every copy and every mapping of it, and anything a client put into the CNode. */
    uint8_t bits = sb_bundle_cnode_bits(caps);
    sb_status_t st = grant_objects(s, session, caps, bits, data);
    if (st != SB_OK) {
        /* Only a setup that gives the server too little untyped memory or too few slots gets
         * here; the session stays closed and its untyped is ready for the next open. */
        ungrant(s, session);
        return st == SB_ERR_NO_MEMORY ? SB_ERR_NO_MEMORY : SB_ERR_KERNEL;
    }
    sb_queue_init(ss->request_ring, s->cfg.ring_start);
    sb_queue_init(ss->completion_ring, s->cfg.ring_start);
    (void)sb_queue_consumer_attach(&ss->requests, ss->request_ring, depth);
    (void)sb_queue_producer_attach(&ss->completions, ss->completion_ring, depth);
    if (phase == SB_PHASE_SIGNAL_WHEN_ASKED) {
        /* We start asleep on this ring: the client's first request must kick. */
        sb_queue_request_signal(&ss->requests);
    }
    ss->caps = caps;
    ss->depth = depth;
    ss->phase = phase;
    ss->data_frames = data;
    s->stats.ring_requests += ss->served; /* the last grant's, now counted in the server */
    ss->served = 0;
    ss->taken = 0; /* both rings empty, nothing held */
    ss->state = SB_SESSION_OPEN;
    s->pool_free_count -= data;
    s->stats.open_sessions++;
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
    /* The application first, whichever path ends the session (close, admin or server revoke, a
     * hostile ring): its deferred calls are answered `revoked`, then its close or revoke hook. */
    sb_app_session_end(s, session, next_state == SB_SESSION_FREE);
    /* Each revoke is of a master only the server holds, in a slot that never changes: any error
     * is a broken setup, reported as SB_ERR_KERNEL after all of them have been tried. */
    bool failed = false;
    /* Kicks first: once no copy of the kick cap is left, no new kick of this session can arrive
     * (a kernel invocation is atomic: a client mid-seL4_Signal has either signalled or not). A
     * kick already pending in our word reaches the serve loop at its next receive (seL4 returns
     * a bound notification's word before any call), and finds the session no longer open:
     * ignored, before any call could open it again. */
    failed |= revoke(s, sb_session_slot(s, session, SB_SLOT_KICK)) != seL4_NoError;
    /* A client blocked on its completion notification wakes with SB_SIGNAL_REVOKED now, while
     * the object still exists (once it is destroyed, a waiter is only restarted, and finds its
     * cap gone). A client that is not waiting finds the slot empty at its next wait. */
    seL4_Signal(sb_session_slot(s, session, SB_SLOT_SIGNAL_REVOKED));
    /* Our pointers into the data frames go before the frames do: sb_server_data is empty from
     * here on, so no handler can resolve a reference into memory about to be unmapped. Only the
     * session's own frames: a grant sets no pointer past them, and a failed one clears them all
     * (ungrant); clearing all SB_BUNDLE_MAX - 4 of them would make every revoke pay for the
     * largest bundle. */
    memset(ss->data, 0, ss->data_frames * sizeof ss->data[0]);
    /* The session's untyped: the bundle CNode with every cap in it (including any a client put
     * there), the completion notification (unbound from any thread a client bound it to) with
     * every cap to it, the data frames with every copy and mapping (our masters too: deleting
     * a mapped frame cap unmaps it, in our VSpace as in the client's). Nothing is polled or
     * cleared: the next grant retypes fresh objects. */
    failed |= revoke(s, sb_session_slot(s, session, SB_SLOT_UNTYPED)) != seL4_NoError;
    /* The ring frames: every copy goes, and with it every mapping made from a copy — the
     * client's next access faults. Our own mappings are of the masters and stay. */
    failed |= revoke(s, sb_session_slot(s, session, SB_SLOT_REQUEST_FRAME)) != seL4_NoError;
    failed |= revoke(s, sb_session_slot(s, session, SB_SLOT_COMPLETION_FRAME)) != seL4_NoError;
    /* Kick bits collected from an earlier word are dropped too, and so are the ring requests
     * still pending (sb_server_complete refuses them from now on). */
    s->pending &= ~sb_kick_bit(session);
    ss->pending = 0;
    ss->held = 0;

    s->pool_free_count += ss->data_frames;
    ss->state = next_state;
    ss->data_frames = 0;
    s->stats.open_sessions--;
    s->stats.revoked_bundles++;
    return failed ? SB_ERR_KERNEL : SB_OK;
}
