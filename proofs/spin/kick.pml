/*
 * SPIN model of the kick / completion protocol over one request ring of
 * bridge/include/sel4bridge/queue.h: a client enqueues N requests and kicks the server's
 * notification; the server drains the ring and sleeps on the notification when it is empty.
 *
 *   PHASE=1      the client kicks after every enqueue; the server just waits when empty.
 *   PHASE=2      the client kicks only when sb_queue_require_signal() says the server asked
 *                (sb_queue_request_signal / re-check / seL4_Wait / sb_queue_cancel_signal).
 *   NO_RECHECK   negative control: the server does not look at the ring again after asking for
 *                a signal. A lost wake-up must be found.
 *   NO_FENCE     negative control: both seq_cst fences removed. A lost wake-up must be found —
 *                which shows that the store buffers below are what the fences are for.
 *
 * Memory. Each side's stores to the shared ring go into its own store buffer and reach memory
 * later, one location at a time, in any order (the "memory" process). A load sees the side's
 * own pending store, else memory. That is the relaxation that breaks the Phase 2 handshake —
 * store-buffering: each side stores (flag; tail) and then loads what the other stored — and it
 * is allowed by x86-TSO as well as by ARMv8 for the orderings queue.h uses (release stores and
 * relaxed flag stores may be delayed past later loads). Release/acquire order the entry with
 * its index; entries carry no control flow here, so the model tracks indices and the flag only.
 * A seq_cst fence waits until the side's buffer has drained. A kernel call (seL4_Signal,
 * seL4_Wait) is a full barrier too: the kernel is entered only after the buffer drains.
 * A notification keeps one pending bit, as an seL4 notification does for one waiter.
 *
 * Checked (see proofs/CMakeLists.txt): no invalid end state (a deadlock: the client blocked on a
 * full ring while the server sleeps), and the LTL property all_processed — every request the
 * client sends is eventually processed — under weak fairness.
 */

#ifndef PHASE
#define PHASE 2
#endif
#define N 4     /* requests the client sends */
#define DEPTH 2 /* ring depth: small, so that the client also meets a full ring */

/* The ring in shared memory (queue.h: sb_queue_t) and the server's notification. */
byte tail_mem;    /* sb_queue_t.tail, written by the client (producer) */
byte head_mem;    /* sb_queue_t.head, written by the server (consumer) */
bit flag_mem;     /* sb_queue_t.signal_wanted, written by the server */
bit ntfn;         /* the server's notification: one pending bit */

/* Store buffers: a pending store per location, and whether it is pending. */
byte client_tail_buf; bit client_tail_pending;
byte server_head_buf; bit server_head_pending;
bit server_flag_buf;  bit server_flag_pending;

byte processed;   /* ghost: requests the server has processed */

ltl all_processed { <> (processed == N) }

/* Stores leave a buffer for memory at any time, independently of each other. */
active proctype memory()
{
end:
    do
    :: atomic { client_tail_pending -> tail_mem = client_tail_buf; client_tail_pending = 0 }
    :: atomic { server_head_pending -> head_mem = server_head_buf; server_head_pending = 0 }
    :: atomic { server_flag_pending -> flag_mem = server_flag_buf; server_flag_pending = 0 }
    od
}

#define client_drained (client_tail_pending == 0)
#define server_drained (server_head_pending == 0 && server_flag_pending == 0)

active proctype client()
{
    byte tail = 0; /* sb_queue_producer_t.tail: the producer's own index */
    do
    :: tail < N ->
        /* sb_queue_enqueue: acquire load of head, then "used == depth: FULL". A client with a
         * full ring waits (for its completions); blocking here forever is a deadlock. */
        (tail - head_mem < DEPTH);
        tail++;
        /* sb_queue_enqueue: release store of tail (the entry written before it travels with it). */
        atomic { client_tail_buf = tail; client_tail_pending = 1 }
#if PHASE == 1
        /* Phase 1: seL4_Signal after every enqueue. */
        client_drained;
        ntfn = 1
#else
#ifndef NO_FENCE
        /* sb_queue_require_signal: seq_cst fence between the tail store and the flag load. */
        client_drained;
#endif
        /* sb_queue_require_signal: relaxed load of signal_wanted (the server's buffer is not
         * visible to the client). */
        if
        :: flag_mem ->
            client_drained; /* seL4_Signal is a kernel call */
            ntfn = 1
        :: else -> skip
        fi
#endif
    :: else -> break
    od
}

active proctype server()
{
    byte head = 0; /* sb_queue_consumer_t.head: the consumer's own index */
    byte tail;
    do
    :: /* sb_queue_dequeue: acquire load of tail (the server never stores tail). */
        tail = tail_mem;
        if
        :: tail != head ->
            head++;
            /* sb_queue_dequeue: release store of head */
            atomic { server_head_buf = head; server_head_pending = 1 };
            processed++
        :: else ->
#if PHASE == 1
            server_drained; /* seL4_Wait is a kernel call */
end_sleep1:
            atomic { ntfn -> ntfn = 0 }
#else
            /* sb_queue_request_signal: relaxed store of signal_wanted = 1 ... */
            atomic { server_flag_buf = 1; server_flag_pending = 1 };
#ifndef NO_FENCE
            /* ... then its seq_cst fence, before the re-check's load of tail. */
            server_drained;
#endif
#ifndef NO_RECHECK
            /* The re-check: sb_queue_empty (acquire load of tail). */
            if
            :: tail_mem != head ->
                /* sb_queue_cancel_signal, and back to draining. */
                atomic { server_flag_buf = 0; server_flag_pending = 1 };
                goto again
            :: else -> skip
            fi;
#endif
            server_drained; /* seL4_Wait is a kernel call */
end_sleep2:
            atomic { ntfn -> ntfn = 0 };
            /* Awake: sb_queue_cancel_signal. */
            atomic { server_flag_buf = 0; server_flag_pending = 1 };
again:
            skip
#endif
        fi
    od
}
