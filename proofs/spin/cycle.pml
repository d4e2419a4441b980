/*
 * SPIN model of the whole kick / completion cycle: both rings, both directions, both
 * notifications. A client (sb_client_submit, sb_client_reap, sb_client_wait, window = depth)
 * sends N requests and reaps N completions; the server (sb_server_run's pending / sleep choice
 * and sb_ring_drain with its budget) drains requests and posts completions. Each branch of the
 * C code that can end in a wait is a branch here:
 *
 *   server, sb_ring_drain (bridge/src/server_ring.c):
 *     "budget spent"       posted + looks == depth: set pending, leave; the serve loop drains
 *                          again without sleeping (serve_pending)
 *     "completion full"    the completion ring is full (by the room bound, kept from one drain
 *                          to the next, which reads the client's head only when it says
 *                          full): ask for a kick, look again
 *     "ring empty"         the request ring is empty (at a turn, or looked at right after a
 *                          posting): ask for a kick, look again
 *     look_again           request waiting and room for its completion: cancel, go on
 *     the closing signal   Phase 1 after every batch; Phase 2 only if the client asked
 *                          (sb_queue_require_signal)
 *   client (bridge/include/sel4bridge/client.h):
 *     sb_client_submit     enqueue, then kick (Phase 1) or kick if asked (Phase 2)
 *     sb_client_reap       dequeue a completion
 *     sb_client_wait       Phase 2: ask for a signal, re-check, seL4_Wait, cancel
 *
 *   PHASE=1|2
 *   NO_LOOK_AGAIN_FULL   negative control: the "completion full" branch sleeps without looking
 *                        again (the lost wake-up of a client that reaps and submits a ring's
 *                        worth between the server's look and its flag store). Must be found.
 *   NO_RECHECK           negative control: the "ring empty" branch sleeps without looking again.
 *   NO_FENCE             negative control: every seq_cst fence removed.
 *
 * Memory, as in kick.pml: each side's stores to shared memory wait in its own store buffer and
 * reach memory later, one location at a time, in any order; a seq_cst fence or a kernel call
 * waits until the side's buffer has drained; a notification keeps one pending bit. Each side
 * keeps its own index privately (as the queue's handles do), so it only loads the peer's.
 *
 * Checked: no invalid end state (a deadlock: the client waiting for a completion while the
 * server sleeps), and all_answered — every request is eventually answered and reaped — under
 * weak fairness.
 */

#ifndef PHASE
#define PHASE 2
#endif
#define N 4     /* requests the client sends */
#define DEPTH 2 /* both rings; also the client's window and the drain's budget */

/* Request ring: tail written by the client; head and signal_wanted by the server. */
byte rq_tail_mem, rq_head_mem;
#if PHASE == 2
bit rq_flag_mem = 1; /* sb_bundle_grant: the server starts asleep on this ring */
#else
bit rq_flag_mem;
#endif
/* Completion ring: tail written by the server; head and signal_wanted by the client. */
byte cp_tail_mem, cp_head_mem;
bit cp_flag_mem;
bit kick;       /* the server's notification (this session's kick bit) */
bit completion; /* the client's completion notification */

/* Store buffers: one pending store per location. */
byte c_rq_tail_buf; bit c_rq_tail_p;
byte c_cp_head_buf; bit c_cp_head_p;
bit c_cp_flag_buf;  bit c_cp_flag_p;
byte s_rq_head_buf; bit s_rq_head_p;
bit s_rq_flag_buf;  bit s_rq_flag_p;
byte s_cp_tail_buf; bit s_cp_tail_p;

byte answered; /* ghost: completions the client has reaped */

ltl all_answered { <> (answered == N) }

active proctype memory()
{
end:
    do
    :: atomic { c_rq_tail_p -> rq_tail_mem = c_rq_tail_buf; c_rq_tail_p = 0 }
    :: atomic { c_cp_head_p -> cp_head_mem = c_cp_head_buf; c_cp_head_p = 0 }
    :: atomic { c_cp_flag_p -> cp_flag_mem = c_cp_flag_buf; c_cp_flag_p = 0 }
    :: atomic { s_rq_head_p -> rq_head_mem = s_rq_head_buf; s_rq_head_p = 0 }
    :: atomic { s_rq_flag_p -> rq_flag_mem = s_rq_flag_buf; s_rq_flag_p = 0 }
    :: atomic { s_cp_tail_p -> cp_tail_mem = s_cp_tail_buf; s_cp_tail_p = 0 }
    od
}

#define c_drained (c_rq_tail_p == 0 && c_cp_head_p == 0 && c_cp_flag_p == 0)
#define s_drained (s_rq_head_p == 0 && s_rq_flag_p == 0 && s_cp_tail_p == 0)
#ifdef NO_FENCE
#define c_fence skip
#define s_fence skip
#else
#define c_fence c_drained
#define s_fence s_drained
#endif

active proctype client()
{
    byte rq_tail, cp_head, sent, in_flight;
    do
    :: sent < N && in_flight < DEPTH ->
        /* sb_client_submit: at most depth in flight, so the request ring has room. */
        rq_tail++; sent++; in_flight++;
        atomic { c_rq_tail_buf = rq_tail; c_rq_tail_p = 1 }; /* release store of tail */
#if PHASE == 1
        c_drained; /* seL4_Signal is a kernel call */
        kick = 1
#else
        c_fence; /* sb_queue_require_signal: fence, then the flag */
        if
        :: rq_flag_mem -> c_drained; kick = 1
        :: else -> skip
        fi
#endif
    :: cp_head != cp_tail_mem ->
        /* sb_client_reap: acquire load of tail, release store of head. */
        cp_head++; in_flight--; answered++;
        atomic { c_cp_head_buf = cp_head; c_cp_head_p = 1 }
    :: cp_head == cp_tail_mem && in_flight > 0 ->
        /* sb_client_wait, with requests in flight. */
#if PHASE == 1
        c_drained;
        atomic { completion -> completion = 0 }
#else
        atomic { c_cp_flag_buf = 1; c_cp_flag_p = 1 }; /* sb_queue_request_signal */
        c_fence;
        if
        :: cp_head != cp_tail_mem -> skip /* the re-check found a completion */
        :: else ->
            c_drained;
            atomic { completion -> completion = 0 } /* seL4_Wait */
        fi;
        atomic { c_cp_flag_buf = 0; c_cp_flag_p = 1 } /* sb_queue_cancel_signal */
#endif
    :: answered == N -> break
    od
}

#define NOTHING 0
#define FULL 1
#define EMPTY 2

active proctype server()
{
    byte rq_head, cp_tail, posted, looks, why, taken;
    bit pending;
    do
    :: /* sb_server_run: pending work first (serve_pending), else sleep on the notification. */
        if
        :: pending -> pending = 0
        :: else ->
            s_drained; /* seL4_Recv is a kernel call */
end_sleep:
            atomic { kick -> kick = 0 }
        fi;
        /* sb_ring_drain */
#if PHASE == 2
        atomic { s_rq_flag_buf = 0; s_rq_flag_p = 1 }; /* awake: cancel the request */
#endif
        /* taken: the room bound, kept from one drain to the next (0 at the start: both rings
         * empty). */
        posted = 0; looks = 0;
        do
        :: posted + looks >= DEPTH -> /* budget spent; the room read first if it says full */
            if
            :: taken >= DEPTH -> taken = cp_tail - cp_head_mem
            :: else -> skip
            fi;
            pending = 1; break
        :: else ->
            /* The room bound (taken): sb_queue_producer_length (acquire load of the client's
             * head) only when the bound says full, then the dequeue (acquire load of its tail). */
            if
            :: taken >= DEPTH -> taken = cp_tail - cp_head_mem
            :: else -> skip
            fi;
            if
            :: taken >= DEPTH -> why = FULL
            :: else ->
                if
                :: rq_tail_mem != rq_head -> why = NOTHING
                :: else -> why = EMPTY
                fi
            fi;
            if
            :: why == NOTHING ->
                rq_head++;
                atomic { s_rq_head_buf = rq_head; s_rq_head_p = 1 }; /* dequeue: release head */
                cp_tail++;
                atomic { s_cp_tail_buf = cp_tail; s_cp_tail_p = 1 }; /* enqueue: release tail */
                posted++;
                taken++;
                /* After a posting, with room by the bound: the request ring looked at again;
                 * empty, it is the "ring empty" branch at once. */
                if
                :: taken < DEPTH && rq_tail_mem == rq_head -> why = EMPTY
                :: else -> skip
                fi
            :: else -> skip
            fi;
            if
            :: why == NOTHING -> skip
            :: else ->
#if PHASE == 1
                break
#else
                atomic { s_rq_flag_buf = 1; s_rq_flag_p = 1 }; /* sb_queue_request_signal */
                s_fence;
#ifdef NO_LOOK_AGAIN_FULL
                if
                :: why == FULL -> break
                :: else -> skip
                fi;
#endif
#ifdef NO_RECHECK
                if
                :: why == EMPTY -> break
                :: else -> skip
                fi;
#endif
                /* look_again: sb_queue_empty, then the completion ring's length, read only
                 * when the bound says full. */
                if
                :: rq_tail_mem == rq_head -> break
                :: else ->
                    if
                    :: taken >= DEPTH && cp_tail - cp_head_mem == DEPTH -> break
                    :: else ->
                        atomic { s_rq_flag_buf = 0; s_rq_flag_p = 1 }; /* cancel, go on */
                        looks++
                    fi
                fi
#endif
            fi
        od;
        /* The closing signal. */
        if
        :: posted > 0 ->
#if PHASE == 1
            s_drained;
            completion = 1
#else
            s_fence; /* sb_queue_require_signal */
            if
            :: cp_flag_mem -> s_drained; completion = 1
            :: else -> skip
            fi
#endif
        :: else -> skip
        fi
    od
}
