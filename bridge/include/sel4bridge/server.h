/*
 * The server side of the bridge: sessions by badge, bundles made from the untyped memory given at
 * start, the dispatch of control calls, the draining of kicked rings, and revocation.
 */
#pragma once

#include <sel4/sel4.h>
#include <stdbool.h>
#include <stdint.h>

#include <sel4bridge/bundle.h>
#include <sel4bridge/data.h>
#include <sel4bridge/queue.h>
#include <sel4bridge/session.h>
#include <sel4bridge/status.h>

/* Largest data-frame pool: how many data frames all open bundles may hold together. */
#define SB_SERVER_POOL_MAX 512u

/*
 * Runs one ring request of @session: read @request (a private copy: the client cannot change it
 * any more), write up to two result words, return the completion's status (SB_OK, or e.g.
 * SB_ERR_UNKNOWN_REQUEST). Runs on the server's thread, between seL4_Recvs. Returning
 * SB_DEFERRED posts nothing now: the request is pending until sb_server_complete(session, its
 * id) posts its completion (a session holds at most its ring depth of requests pending and
 * completed-but-unreaped together, so a later completion always has room).
 */
typedef sb_status_t (*sb_request_fn)(void *ctx, uint32_t session, const sb_queue_entry_t *request,
                                     uint64_t result[2]);
/* Receives the bits of the server's notification word in SB_APP_SIGNAL_BITS. */
typedef void (*sb_signal_fn)(void *ctx, seL4_Word bits);

typedef struct sb_server_config {
    /* The endpoint the clients call. Rights: Read, and Grant — a reply carries a cap only when
     * the receiver's endpoint cap had Grant (non-MCS seL4 gives the reply cap that right). */
    seL4_CPtr endpoint;
    /* The server's notification (unbadged, Read + Write). Kick caps are minted from it. */
    seL4_CPtr notification;
    /* Our own TCB: sb_server_init binds the notification to it. 0 when already bound. */
    seL4_CPtr tcb;
    /* Our CSpace root, resolving cptrs at depth seL4_WordBits. */
    seL4_CPtr cnode;
    /* Untyped memory of at least sb_server_untyped_bits() bits: every server-side object of
     * every session comes from it, at init. */
    seL4_CPtr untyped;
    /* sb_server_slots_needed() empty slots from slot_base. */
    seL4_CPtr slot_base;
    seL4_Word slot_count;
    uint32_t max_sessions;  /* sessions 1..max_sessions, at most SB_MAX_SESSIONS */
    uint32_t max_bundle;    /* largest bundle k, SB_BUNDLE_MIN..SB_BUNDLE_MAX */
    uint32_t pool_frames;   /* data frames open bundles may hold together, <= SB_SERVER_POOL_MAX */
    uint32_t default_depth; /* ring depth when a client asks for 0; a power of two */
    uint32_t admin_session; /* this session may revoke other sessions' bundles; 0 for none */
    uint32_t ring_start;    /* first index of every ring: 0, or near 2^32 to cross the wrap */
    sb_request_fn request;  /* runs ring requests; NULL answers every one with SB_ERR_UNKNOWN_REQUEST */
    sb_signal_fn signal;    /* application signals; NULL ignores them */
    void *ctx;              /* passed to request and signal */
} sb_server_config_t;

/* A session's state. */
enum {
    SB_SESSION_FREE = 0, /* no session on this badge */
    SB_SESSION_OPEN,     /* bundle granted; kicks and ring requests are served */
    SB_SESSION_REVOKED,  /* bundle revoked; calls answer SB_ERR_REVOKED until open or close */
};

/* One session. The server's private memory: the client never sees any of it. */
typedef struct sb_server_session {
    uint32_t state;
    uint32_t caps;  /* k */
    uint32_t depth;
    uint32_t phase;
    uint32_t data_frames;
    sb_queue_consumer_t requests;
    sb_queue_producer_t completions;
    sb_queue_t *request_ring;    /* our mapping of the ring frames, kept across sessions */
    sb_queue_t *completion_ring;
    uint64_t served; /* ring requests completed in this session */
    uint64_t pending;  /* bit i: ring request pending_req[i] waits for sb_server_complete */
    uint32_t held;     /* bits set in pending: completion-ring room they hold */
    /* At least the completion ring's entries plus held, kept across drains (server_ring.h): the
     * client only frees room, so the client's head is read only when this says full. */
    uint32_t taken;
    struct {
        uint64_t id;
        uint32_t op;
    } pending_req[SB_QUEUE_MAX_DEPTH];
    /* Our mapping of each data frame of the open bundle (sb_server_data); NULL otherwise. */
    void *data[SB_BUNDLE_MAX - SB_BUNDLE_MIN];
    void *app_ctx;     /* the application's per-session context (sb_app_config_t.open) */
    uint32_t deferred; /* deferred calls this session holds */
} sb_server_session_t;

typedef struct sb_server_stats {
    uint64_t calls;
    /* Ring requests completed. In sb_server_t: those of each session's earlier grants (an open
     * session counts its own in served, so the ring's path adds to one counter, not two);
     * sb_server_stats adds them up. */
    uint64_t ring_requests;
    uint32_t errors;
    uint32_t open_sessions;
    uint32_t revoked_bundles;
    uint64_t kicks_ignored; /* kick bits of sessions that were not open: dropped as documented */
} sb_server_stats_t;

/* A server. Lives in the server's private memory; fields are the library's. */
typedef struct sb_server {
    sb_server_config_t cfg;
    uint8_t bundle_bits; /* radix of the bundle CNodes */
    bool stop;
    seL4_Word pending; /* kick bits still to serve (budget spent, or collected during revoke) */
    sb_server_stats_t stats;
    sb_server_session_t sessions[SB_MAX_SESSIONS];
    uint8_t session_bits; /* size of each session's untyped */
    uint32_t pool_free_count; /* data frames that bundles may still take */
    /* Applications (sel4bridge/app.h): their interfaces and hooks, and one entry per reply slot
     * (session 0: free; the generation makes every handle of a slot's earlier use stale). */
    const struct sb_app_config *app;
    struct sb_reply_slot {
        uint32_t session;
        uint32_t generation;
    } replies[64];
} sb_server_t;

/* Empty slots @cfg needs from slot_base. */
seL4_Word sb_server_slots_needed(const sb_server_config_t *cfg);
/* Size in bits of the smallest untyped that holds every object @cfg makes. */
seL4_Word sb_server_untyped_bits(const sb_server_config_t *cfg);

/*
 * Check @cfg, bind the notification, make every session's objects (ring frames, notification,
 * caps, an untyped for its bundles) from the untyped, map the ring frames, set the receive slot.
 * Call on the server's own thread: frames are mapped into the caller's VSpace.
 */
sb_status_t sb_server_init(sb_server_t *s, const sb_server_config_t *cfg);

/*
 * Receive one message — a control call, or a kick through the bound notification — handle it,
 * and reply to a call. Serves pending kicks instead of blocking when there are any.
 */
sb_status_t sb_server_serve_once(sb_server_t *s);
/* Serve until sb_server_stop() is called (from a handler or a signal), replying with ReplyRecv. */
sb_status_t sb_server_run(sb_server_t *s);
static inline void sb_server_stop(sb_server_t *s)
{
    s->stop = true;
}

/*
 * Revoke session @session's bundle now: seL4_CNode_Revoke on the server's master caps removes
 * every cap the client holds from it (and its mappings), the kick bit is retired (no kick cap
 * left, a pending kick ignored), a blocked client is woken with SB_SIGNAL_REVOKED, its data
 * frames return to the pool. The session answers SB_ERR_REVOKED until it is opened again or closed.
 */
sb_status_t sb_server_revoke(sb_server_t *s, uint32_t session);

/*
 * Complete @session's pending ring request @id (its handler returned SB_DEFERRED) with @status
 * and @result: the completion is posted and signalled as the drain would have. On the server's
 * thread. SB_ERR_NO_CALLER when no request of the session with that id is pending (completed
 * already, or the session ended: its pending requests were dropped with the bundle; forget them
 * in the close and revoke hooks); SB_ERR_REVOKED when the client's ring was found corrupt (its
 * bundle is revoked).
 */
sb_status_t sb_server_complete(sb_server_t *s, uint32_t session, uint64_t id, sb_status_t status,
                               const uint64_t result[2]);

/*
 * Session @session's data area as the server maps it (sel4bridge/data.h): empty unless its bundle
 * is open. The frames are the server's for the bundle's life: it holds the master cap of each
 * (the client holds copies) and maps it at grant; the revoke deletes them, which unmaps them.
 * Valid on the server's thread until the session's bundle is revoked; resolve each reference
 * again, never keep a pointer across a revoke.
 */
static inline sb_data_area_t sb_server_data(const sb_server_t *s, uint32_t session)
{
    sb_data_area_t a = {0, 0};
    if (session >= 1 && session <= s->cfg.max_sessions &&
        s->sessions[session - 1].state == SB_SESSION_OPEN) {
        a.frame = s->sessions[session - 1].data;
        a.frames = s->sessions[session - 1].data_frames;
    }
    return a;
}

/* The counters StatsReply reports. */
static inline sb_server_stats_t sb_server_stats(const sb_server_t *s)
{
    sb_server_stats_t st = s->stats;
    for (uint32_t i = 0; i < SB_MAX_SESSIONS; i++) {
        st.ring_requests += s->sessions[i].served;
    }
    return st;
}
