/*
 * The server's half of the kick / completion cycle: for each kicked session, take requests off its
 * request ring, run the handler, post completions, and signal the client's completion
 * notification. Everything in the shared frames is the client's to write, so every index is
 * checked by the queue and every entry is copied out before it is looked at. The drain's branches
 * that can end in a wait are model-checked, with the client's, in proofs/spin/cycle.pml.
 *
 * Inline, so that the receive loop (sb_server_run) serves a kick in its own frame, with no call
 * and no register saves of its own: that is the kick's path. server_ring.c holds the out-of-line
 * copies everything else calls (sb_ring_serve_kicks, sb_ring_drain).
 */
#pragma once

#include <sel4bridge/server.h>

#include "server_internal.h"

/* A hostile index in a shared ring: the client broke the protocol, so its bundle goes. */
static inline void corrupt(sb_server_t *s, uint32_t session)
{
    sb_bundle_revoke(s, session, SB_SESSION_REVOKED);
}

/*
 * Phase 2, the flag just set: true when, after all, a request is waiting and its completion has
 * room — the client published (and reaped) between our last look and the flag store, saw us
 * awake and did not kick — and then the flag is withdrawn and we go on. The room is read from
 * the client's head only when the bound (@taken) says full: a bound that says room is right. A
 * corrupt ring also goes on, so that the next dequeue or length check finds it.
 */
static inline __attribute__((always_inline)) bool look_again(sb_server_session_t *ss,
                                                             uint32_t taken, uint32_t depth)
{
    uint32_t used = 0;
    if (sb_queue_empty(&ss->requests)) {
        return false;
    }
    if (taken >= depth && sb_queue_producer_length(&ss->completions, &used) == SB_QUEUE_OK &&
        used + ss->held >= depth) {
        return false;
    }
    sb_queue_cancel_signal(&ss->requests);
    return true;
}

/*
 * Nothing to do now (@why: no room for a completion, or no request). Phase 1: stop — the client
 * kicks every enqueue. Phase 2: ask for a kick, then look once more — a request published between
 * our look and the flag store would otherwise wait for a kick never sent; true when that look
 * found work (the flag withdrawn), and the drain goes on.
 */
static inline __attribute__((always_inline)) bool go_on(sb_server_t *s, uint32_t session,
                                                        sb_server_session_t *ss, bool phase2,
                                                        uint32_t taken, uint32_t depth,
                                                        sb_race_point_t why)
{
    if (!phase2) {
        return false;
    }
    sb_race_point(s, session, why);
    sb_queue_request_signal(&ss->requests);
    if (!look_again(ss, taken, depth)) {
        return false;
    }
    sb_race_point(s, session, SB_RACE_LOOKED_AGAIN);
    return true;
}

/* The room bound read again from the client's completion head (when it says full): false, and
 * the bundle revoked, when the head is impossible. */
static inline __attribute__((always_inline)) bool read_room(sb_server_t *s, uint32_t session,
                                                            sb_server_session_t *ss,
                                                            uint32_t *taken)
{
    uint32_t used;
    sb_queue_status_t length;
    /*@ dynamic_split length; */ /* for Eva (no code): @used is written when it is OK */
    length = sb_queue_producer_length(&ss->completions, &used);
    if (length != SB_QUEUE_OK) {
        corrupt(s, session);
        return false;
    }
    *taken = used + ss->held;
    return true;
}

/* Phase 1 signals after every batch of completions; Phase 2 only when the client said it will
 * sleep (the require-signal fence orders our tail store before reading its flag). */
static inline __attribute__((always_inline)) void signal_completions(sb_server_t *s,
                                                                     uint32_t session,
                                                                     sb_server_session_t *ss,
                                                                     bool phase2)
{
    /* Inline: the drain's completion path is what notify and kick measure. */
    if (!phase2 || sb_queue_require_signal(&ss->completions)) {
        seL4_Signal(sb_session_slot(s, session, SB_SLOT_SIGNAL));
    }
}

/*
 * Each turn needs room for a completion and dequeues the oldest request, both checked by the
 * queue. The room is kept as an upper bound (@taken: completions in the ring plus those the held
 * requests will post), raised by each posting and holding, kept in the session from one drain to
 * the next (ss->taken: zero at the grant, when both rings are empty), and read again from the
 * client's head only when it says full: the client can only make room, by reaping, so a bound
 * that says there is room is right, however old, and one that says full is looked at again. A
 * kick's drain thus reads the head once per ring's worth of completions, not once per drain.
 * Each completion is published into the room the bound counted (sb_queue_publish), without
 * reading the head again: a head the client moved back since is found at the next read of it,
 * impossible, and the bundle goes. (A completion the handler posts for a held request moves one
 * from held to the ring: the sum stays.) After a posting the request ring is looked at once
 * more, so that a drain whose work is done ends without a turn that finds nothing; it leads where
 * that turn's own answer would: Phase 1 stops, Phase 2 asks for a kick and looks again. A look
 * that sees an older head or tail is one proofs/spin/cycle.pml's drain may make.
 */
static inline __attribute__((always_inline)) void drain_phase(sb_server_t *s, uint32_t session,
                                                              sb_server_session_t *ss,
                                                              bool phase2, bool quiet)
{
    /* Both count against the budget: a client that moves its indices back and forth can make
     * every look-again succeed and every dequeue find nothing, and must not keep us here; a
     * request left pending counts as a look. */
    uint32_t posted = 0, looks = 0;
    uint32_t taken = ss->taken;
    /* Kept in a register: the compiler must assume a store into a ring may change ss->depth. */
    const uint32_t depth = ss->depth;
    if (phase2) {
        /* Awake now: while we drain, the client's enqueues need not kick. */
        sb_queue_cancel_signal(&ss->requests);
    }
    for (;;) {
        if (posted + looks >= depth) {
            /* Budget spent: one ring's worth per session per turn, so that one busy client
             * cannot keep the others (or a call) waiting. Come back after the endpoint. But a
             * drain whose postings filled the room reads the client's head before it leaves,
             * so that a head the client moved is found before any call answered after it. */
            if (taken >= depth && !read_room(s, session, ss, &taken)) {
                return;
            }
            s->pending |= sb_kick_bit(session);
            break;
        }
        if (taken >= depth && !read_room(s, session, ss, &taken)) {
            return;
        }
        sb_queue_entry_t request;
        /* Room for one more completion, counting those the pending requests will post. */
        sb_queue_status_t q;
        /*@ dynamic_split q; */ /* for Eva (no code): @request is written when q is OK */
        if (taken < depth) {
            q = sb_queue_dequeue(&ss->requests, &request);
        } else {
            q = SB_QUEUE_FULL;
        }
        if (q == SB_QUEUE_FULL || q == SB_QUEUE_EMPTY) {
            /* No request, or no room for its completion (the client has not reaped; with at
             * most depth requests in flight, which an honest client keeps, its request ring is
             * then empty). */
            if (!go_on(s, session, ss, phase2, taken, depth,
                       q == SB_QUEUE_FULL ? SB_RACE_COMPLETIONS_FULL : SB_RACE_RING_EMPTY)) {
                break;
            }
            looks++;
            continue;
        }
        if (q != SB_QUEUE_OK) {
            corrupt(s, session);
            return;
        }
        /* @request is our private copy: the client can no longer change what the handler sees. */
        /* The handler writes its result words straight into the completion (zero unless it
         * writes them); the status is its answer, stored after it (not zeroed first). */
        sb_queue_entry_t done;
        done.id = request.id;
        done.op = request.op;
        done.arg[0] = 0;
        done.arg[1] = 0;
        sb_status_t st = s->cfg.request(s->cfg.ctx, session, &request, done.arg);
        done.status = (uint32_t)st;
        if (ss->state != SB_SESSION_OPEN) {
            return; /* the handler revoked this very session */
        }
        taken++;
        if (st == SB_DEFERRED) {
            /* Pending: a free slot exists, since held < depth <= 64 (checked above) and pending
             * has held bits set. Not a client's to break (both words are the server's own), so
             * the check below is defence in depth, and what lets Eva see the slot is below 64:
             * with no slot free the request is answered now, "ring full", and a later
             * sb_server_complete of it finds no caller. It counts against the budget as a
             * look does: work that posted nothing. */
            uint64_t free_slots = ~ss->pending;
            if (free_slots != 0) {
                uint32_t i = (uint32_t)__builtin_ctzll(free_slots);
                ss->pending |= (uint64_t)1 << i;
                ss->held++;
                ss->pending_req[i].id = request.id;
                ss->pending_req[i].op = request.op;
                looks++;
                continue;
            }
            done.status = SB_ERR_RING_FULL;
        }
        /* Room is known: the bound was below the depth before this request was taken. */
        sb_queue_publish(&ss->completions, &done);
        posted++;
        ss->served++;
        /* Done when the request ring looks empty (a corrupt one does not: the next turn's
         * dequeue finds it); with no room left, the next turn reads the head first. */
        if (taken < depth && sb_queue_empty(&ss->requests)) {
            if (!go_on(s, session, ss, phase2, taken, depth, SB_RACE_RING_EMPTY)) {
                break;
            }
            looks++;
        }
    }
    ss->taken = taken;
    if (posted > 0 && !quiet) {
        signal_completions(s, session, ss, phase2);
    }
}

/* The drain of one session, compiled once per phase (@phase2 a constant in each): the kick's
 * path then tests no phase and keeps fewer values live across the handler's call. */
static inline __attribute__((always_inline)) void drain(sb_server_t *s, uint32_t session,
                                                        bool quiet)
{
    /* For the analysis only (an ACSL comment, no code; proofs/frama-c, server-eva): one state
     * per session, so that each drain writes its own session's fields whichever session the
     * caller's state merged. */
    /*@ split session; */
    sb_server_session_t *ss = sb_session(s, session);
    if (ss->phase == SB_PHASE_SIGNAL_WHEN_ASKED) {
        drain_phase(s, session, ss, true, quiet);
    } else {
        drain_phase(s, session, ss, false, quiet);
    }
}

static inline __attribute__((always_inline)) void serve_kicks(sb_server_t *s, seL4_Word bits)
{
    /* Each of these is served now: kick bits an earlier turn kept (pending) are dropped in one
     * store, and a drain whose budget runs out sets its own again. */
    s->pending &= ~bits;
    while (bits) {
        uint32_t session = (uint32_t)__builtin_ctzll(bits) + 1;
        bits &= bits - 1;
        if (session > s->cfg.max_sessions || sb_session(s, session)->state != SB_SESSION_OPEN) {
            /* A kick of a session that is not open: its kick caps are gone, so only one sent
             * before a revoke can get here. Ignored (counted), never an error. */
            s->stats.kicks_ignored++;
            continue;
        }
        drain(s, session, false);
    }
}
