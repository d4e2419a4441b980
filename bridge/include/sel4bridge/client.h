/*
 * The client side of the bridge: control calls (one seL4_Call each, encoded in place in the IPC
 * buffer), opening a session to receive its bundle, and the ring hot path (submit, kick, wait,
 * reap) that needs no system call but the kick and the wait.
 */
#pragma once

#include <sel4/sel4.h>
#include <stdbool.h>
#include <stdint.h>

#include <sel4bridge/bundle.h>
#include <sel4bridge/codec/read.h>
#include <sel4bridge/data.h>
#include <sel4bridge/queue.h>
#include <sel4bridge/session.h>
#include <sel4bridge/status.h>

typedef struct sb_client_config {
    /* The server's endpoint, minted with sb_client_badge(id). Rights: Write and GrantReply (a
     * call needs one of Grant/GrantReply to be answered); Grant as well for sb_client_cap_call. */
    seL4_CPtr endpoint;
    /* The client's own CSpace root, resolving cptrs at depth seL4_WordBits. */
    seL4_CPtr cnode;
    /* slot_count empty slots from slot_base: a bundle of k caps takes k + 1 (the +1 receives
     * the bundle CNode cap, and is empty again once the caps are copied out). */
    seL4_CPtr slot_base;
    seL4_Word slot_count;
} sb_client_config_t;

/* The Error body of the last refused call: its status, the op it answered, and the detail. */
typedef struct sb_client_error {
    sb_status_t status;
    uint32_t op;
    uint32_t detail;
} sb_client_error_t;

typedef struct sb_cap_call_result {
    uint64_t tag;       /* the request's tag, echoed */
    uint64_t cap_badge; /* the badge seL4 unwrapped the cap into, 0 when it was transferred */
    bool unwrapped;
} sb_cap_call_result_t;

typedef struct sb_stats {
    uint64_t calls;         /* control calls the server answered, any status */
    uint64_t ring_requests; /* ring requests it completed */
    uint32_t errors;        /* control calls answered with a status other than SB_OK */
    uint16_t open_sessions;
    uint16_t revoked_bundles;
} sb_stats_t;

/* A client. Lives in the client's private memory; fields are the library's. */
typedef struct sb_client {
    sb_client_config_t cfg;
    sb_client_error_t last_error;
    sb_bundle_layout_t layout;
    bool open;    /* a bundle is mapped and its caps are in our slots */
    bool revoked; /* the server revoked the last bundle; sb_client_open() starts again */
    seL4_CPtr kick;       /* our copy of the kick notification (write-only, badged) */
    seL4_CPtr completion; /* our copy of the completion notification (read-only) */
    sb_queue_producer_t requests;
    sb_queue_consumer_t completions;
    uint32_t in_flight; /* submitted and not yet reaped; never above the ring depth */
    uint64_t kicks;     /* kicks sent (Phase 2 sends fewer than requests when the server is busy) */
    void *frames[SB_BUNDLE_MAX];
    /* The last application call's reply, as read in place: a stub's list and AnyPointer results
     * read through it, so it outlives the stub (until this client's next call). */
    sb_codec_reader_t app_reply;
} sb_client_t;

/* Check @cfg and start a client (no session yet). SB_ERR_CONFIG names a bad value. */
sb_status_t sb_client_init(sb_client_t *c, const sb_client_config_t *cfg);

/* ---- Control calls: one seL4_Call each; all but open go with at most 4 words, no cap. ---- */

/* The null call: encode, call, decode, dispatch, reply. Needs an open session. */
sb_status_t sb_client_ping(sb_client_t *c);
/* A call that transfers @cap in its one extraCap; the server reports what arrived, deletes it. */
sb_status_t sb_client_cap_call(sb_client_t *c, seL4_CPtr cap, uint64_t tag,
                               sb_cap_call_result_t *out);
/*
 * Open this badge's session and receive its bundle of @caps caps (SB_BUNDLE_MIN..the server's
 * maximum) with rings of @depth entries (0: the server chooses) following @phase. On SB_OK the
 * bundle's caps are in our slots, its frames are mapped and the rings are ready.
 */
sb_status_t sb_client_open(sb_client_t *c, uint16_t caps, uint16_t depth, sb_phase_t phase);
/* Close the session: the server revokes the bundle. *@served (may be NULL): requests completed. */
sb_status_t sb_client_close(sb_client_t *c, uint64_t *served);
/* Ask the server to revoke a bundle: @session 0 is our own; another's needs the admin badge. */
sb_status_t sb_client_revoke(sb_client_t *c, uint32_t session, uint32_t *caps_revoked);
/* The synchronous kick: the server drains our request ring before it answers. */
sb_status_t sb_client_kick_call(sb_client_t *c, uint32_t *consumed, uint32_t *completed);
/* The server's counters. */
sb_status_t sb_client_stats(sb_client_t *c, sb_stats_t *out);

/* The Error body of the last call refused by the server (status SB_OK if none yet). */
static inline sb_client_error_t sb_client_last_error(const sb_client_t *c)
{
    return c->last_error;
}

/* The mapped address of data frame @i (0-based, after the two ring frames), or NULL. */
static inline void *sb_client_data(const sb_client_t *c, uint32_t i)
{
    uint32_t data_frames = c->layout.frame_count - 2u;
    return c->open && i < data_frames ? c->frames[2u + i] : (void *)0;
}

/* The open bundle's data area as we map it (sel4bridge/data.h; the ring frames are the first
 * two, as sb_client_open checks); empty when no bundle is open. */
static inline sb_data_area_t sb_client_data_area(const sb_client_t *c)
{
    sb_data_area_t a = {c->frames + 2, 0};
    if (c->open) {
        a.frames = c->layout.frame_count - 2u;
    }
    return a;
}

/* Called when a reply or the completion word says the bundle is gone: its slots are already
 * empty and its mappings already removed by the server's revoke, so only our state is reset. */
void sb_client_forget_bundle(sb_client_t *c, bool revoked);

/* ---- The ring hot path: inline, no system call but seL4_Signal and seL4_Wait. ---- */

static inline sb_status_t sb_client_closed_status(const sb_client_t *c)
{
    return c->revoked ? SB_ERR_REVOKED : SB_ERR_NOT_OPEN;
}

static inline sb_status_t sb_client_ring_status(sb_queue_status_t q)
{
    switch (q) {
    case SB_QUEUE_OK:
        return SB_OK;
    case SB_QUEUE_FULL:
        return SB_ERR_RING_FULL;
    case SB_QUEUE_EMPTY:
        return SB_ERR_RING_EMPTY;
    default:
        return SB_ERR_RING_CORRUPT;
    }
}

/* Signal the server's notification with our kick bit. */
static inline void sb_client_kick(sb_client_t *c)
{
    c->kicks++;
    seL4_Signal(c->kick);
}

/* After publishing: Phase 1 kicks every time; Phase 2 only if the server asked (the queue's
 * require-signal fence orders our tail store before reading its flag). */
static inline void sb_client_kick_if_asked(sb_client_t *c)
{
    if (c->layout.phase == SB_PHASE_KICK_EVERY_ENQUEUE || sb_queue_require_signal(&c->requests)) {
        sb_client_kick(c);
    }
}

/*
 * Publish one request and kick as the session's phase says. SB_ERR_RING_FULL when as many
 * requests are in flight as the ring holds (reap first): this bound is what keeps the server's
 * completion ring from ever filling for an honest client. It also says the request ring has a
 * free slot (it holds at most the requests in flight), so the server's head is not read.
 */
static inline sb_status_t sb_client_submit(sb_client_t *c, const sb_queue_entry_t *request)
{
    if (!c->open) {
        return sb_client_closed_status(c);
    }
    if (c->in_flight >= c->layout.ring_depth) {
        return SB_ERR_RING_FULL;
    }
    sb_queue_publish(&c->requests, request);
    c->in_flight++;
    sb_client_kick_if_asked(c);
    return SB_OK;
}

/* Publish up to @n requests with one tail update and at most one kick; *@done says how many. */
static inline sb_status_t sb_client_submit_batch(sb_client_t *c, const sb_queue_entry_t *requests,
                                                 uint32_t n, uint32_t *done)
{
    *done = 0;
    if (!c->open) {
        return sb_client_closed_status(c);
    }
    uint32_t room = c->layout.ring_depth - c->in_flight;
    if (room == 0) {
        return SB_ERR_RING_FULL;
    }
    sb_queue_status_t q = sb_queue_enqueue_batch(&c->requests, requests, n < room ? n : room, done);
    if (q != SB_QUEUE_OK) {
        return sb_client_ring_status(q);
    }
    c->in_flight += *done;
    if (*done > 0) {
        sb_client_kick_if_asked(c);
    }
    return SB_OK;
}

/* Take one completion into *@completion; SB_ERR_RING_EMPTY when none is waiting. */
static inline sb_status_t sb_client_reap(sb_client_t *c, sb_queue_entry_t *completion)
{
    if (!c->open) {
        return sb_client_closed_status(c);
    }
    sb_queue_status_t q = sb_queue_dequeue(&c->completions, completion);
    if (q != SB_QUEUE_OK) {
        return sb_client_ring_status(q);
    }
    if (c->in_flight > 0) {
        c->in_flight--;
    }
    return SB_OK;
}

/*
 * Block until completions may be waiting (then reap them), or until the server revokes the
 * bundle (SB_ERR_REVOKED; the client's state is reset). Phase 2 asks the server to signal and
 * re-checks the ring before sleeping, so a completion posted in between is never slept through.
 * A wake-up may find nothing new: the signal of completions already reaped stays pending.
 * Wait only with requests in flight (or to wait for a revoke): nothing else will wake it.
 */
static inline sb_status_t sb_client_wait(sb_client_t *c)
{
    if (!c->open) {
        return sb_client_closed_status(c);
    }
    bool phase2 = c->layout.phase == SB_PHASE_SIGNAL_WHEN_ASKED;
    if (phase2) {
        sb_queue_request_signal(&c->completions);
        if (!sb_queue_empty(&c->completions)) {
            sb_queue_cancel_signal(&c->completions);
            return SB_OK;
        }
    }
    /* seL4_Wait, but a notification carries no message: nothing is copied to the IPC buffer. */
    seL4_Word word = 0;
    (void)seL4_RecvWithMRs(c->completion, &word, NULL, NULL, NULL, NULL);
    /* Look at the word before the ring: after a revoke the ring's frame is no longer mapped. */
    if (word & SB_SIGNAL_REVOKED) {
        sb_client_forget_bundle(c, true);
        return SB_ERR_REVOKED;
    }
    if (phase2) {
        sb_queue_cancel_signal(&c->completions);
    }
    return SB_OK;
}
