/* What the server's source files share: where each cap lives in the server's CSpace, and the
 * functions one file calls in another. */
#pragma once

#include <sel4bridge/server.h>

/*
 * The server's slots, from cfg.slot_base:
 *   +0                 the receive slot: a cap a client sends lands here, and is moved or deleted
 *                      before the next receive, so that no later cap finds it occupied and drops
 *   +1 + 8 * (n - 1)   session n's eight slots (SB_SLOT_*): the ring frames, the kick cap and
 *                      the untyped are kept for the server's life; the others hold what one grant
 *                      retyped from the untyped, and are emptied by its revoke
 *   then, after all sessions' eight, session n's data frames: min(max_bundle - 4, pool_frames)
 *                      slots each, holding the master caps of the open bundle's data frames
 *                      (mapped by us; the client gets copies), emptied by the untyped's revoke
 */
enum {
    SB_SLOT_REQUEST_FRAME = 0, /* original frame cap of the request ring (mapped by us) */
    SB_SLOT_COMPLETION_FRAME,  /* original frame cap of the completion ring (mapped by us) */
    SB_SLOT_KICK,              /* our notification, minted write-only with the kick bit */
    SB_SLOT_UNTYPED,           /* each grant retypes the objects below and the data frames from it */
    SB_SLOT_BUNDLE,            /* the bundle CNode, while a session is open */
    SB_SLOT_NTFN,              /* the grant's completion notification (never received on by us) */
    SB_SLOT_SIGNAL,            /* minted from it, write-only, SB_SIGNAL_COMPLETION */
    SB_SLOT_SIGNAL_REVOKED,    /* minted from it, write-only, SB_SIGNAL_REVOKED */
    SB_SESSION_SLOTS
};

static inline seL4_CPtr sb_recv_slot(const sb_server_t *s)
{
    return s->cfg.slot_base;
}

static inline seL4_CPtr sb_session_slot(const sb_server_t *s, uint32_t session, unsigned which)
{
    return s->cfg.slot_base + 1 + (seL4_CPtr)(session - 1) * SB_SESSION_SLOTS + which;
}

static inline sb_server_session_t *sb_session(sb_server_t *s, uint32_t session)
{
    return &s->sessions[session - 1];
}

/* server_bundle.c: objects at init (sb_server_init), grant and revoke. */
/* Grant session @session a bundle of @caps caps and @depth-entry rings; the caller replies with
 * the bundle CNode (sb_session_slot(.., SB_SLOT_BUNDLE)). */
sb_status_t sb_bundle_grant(sb_server_t *s, uint32_t session, uint32_t caps, uint32_t depth,
                            uint32_t phase);
/* Take the bundle back; @next_state is SB_SESSION_REVOKED or SB_SESSION_FREE. */
sb_status_t sb_bundle_revoke(sb_server_t *s, uint32_t session, uint32_t next_state);

/* server_ring.c (the drain itself: server_ring.h): serve the ring of each session whose kick bit
 * is in @bits. */
void sb_ring_serve_kicks(sb_server_t *s, seL4_Word bits);
/* Drain one session's request ring; signal its completion notification unless @quiet. */
void sb_ring_drain(sb_server_t *s, uint32_t session, bool quiet);
/* The request handler of a server configured with none: every request SB_ERR_UNKNOWN_REQUEST. */
sb_status_t sb_ring_unknown_request(void *ctx, uint32_t session, const sb_queue_entry_t *request,
                                    uint64_t result[2]);

/* server.c: handle a message seL4_Recv returned; true (and *reply set) when a reply is due. */
bool sb_server_handle(sb_server_t *s, seL4_MessageInfo_t info, seL4_Word badge,
                      seL4_MessageInfo_t *reply);
/* Its two paths for a call (@mrs: the message registers), apart, so that a test can hold one
 * against the other: the null call's fast path (false: not answered, nothing changed) and the
 * general path, which answers every call, the null call included. sb_server_handle is the first,
 * then the second. */
bool sb_server_ping_fast(sb_server_t *s, seL4_MessageInfo_t info, seL4_Word badge,
                         uint64_t *mrs, seL4_MessageInfo_t *reply);
bool sb_server_handle_general(sb_server_t *s, seL4_MessageInfo_t info, seL4_Word badge,
                              uint64_t *mrs, seL4_MessageInfo_t *reply);

/*
 * Interleaving points of the drain, for tests: where the server is about to ask its client for a
 * kick (nothing to do now: the request ring empty, or the completion ring full), and where a look
 * again found work after all. Only the library's race build (sb_bridge_race, SB_RACE_POINTS) has
 * them: its sb_race_point does nothing (a weak definition), and a test program that defines its
 * own can stop the server thread at exactly that step and run a peer there, so a race is driven
 * deterministically instead of waited for. Every other build compiles them to nothing: a call
 * on Phase 2's path would cost the kick its arguments, the call, and the registers the compiler
 * must keep across it.
 */
typedef enum { SB_RACE_RING_EMPTY, SB_RACE_COMPLETIONS_FULL, SB_RACE_LOOKED_AGAIN } sb_race_point_t;
#ifdef SB_RACE_POINTS
void sb_race_point(sb_server_t *s, uint32_t session, sb_race_point_t where);
#else
static inline void sb_race_point(sb_server_t *s, uint32_t session, sb_race_point_t where)
{
    (void)s, (void)session, (void)where;
}
#endif
