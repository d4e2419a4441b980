/*
 * Raw baselines on notifications. notify: seL4_Signal in one thread to the return from
 * seL4_Wait in another; the signaller publishes its start time, the waiter (one priority higher,
 * so on a single core the signal switches to it at once) records the time it woke, then
 * acknowledges on a second notification so the next signal finds it waiting again. notify
 * through a ring: the same, with one completion published on the least ring before the signal
 * and taken by the waiter before it reads the time (notify's same-work baseline).
 * ping-pong: Signal, the peer wakes and Signals back, Wait returns; one sample is b such round
 * trips. Two peers: one in seL4_Wait on its notification (raw_pingpong, the batched kick's
 * baseline), and one in seL4_Recv on an endpoint with the notification bound to its thread
 * (raw_pingpong_bound, kick phase 1 and 2's): the bridge's server waits so, since one thread
 * serves calls and kicks, and the kernel does more to wake a thread blocked on an endpoint
 * through its bound notification than one in seL4_Wait; that baseline does the same kernel work.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#include <sel4bridge/queue.h>

#include "peer.h"
#include "tasks.h"

#define BADGE_SIGNAL 0x1u
#define BADGE_REPLY 0x2u

/* Each peer signals CAP_OUT and waits on CAP_IN; the bound ponger also has CAP_EP, receives on
 * it, and CAP_IN is the notification bound to its thread. */
enum { CAP_OUT, CAP_IN, CAP_EP };

/*
 * The least ring that hands over a completion: the bridge's ring and entry types (queue.h: the
 * layout, none of its functions), and nothing checked but that an entry is there; as between
 * components that trust each other. raw_ring_signal_wait moves one completion through it around
 * the signal, the work any design does that delivers a completion in shared memory, so that the
 * bridge's notify can be set beside the same work done with no bridge code (the ring's and the
 * kernel's).
 */
/* Shared with the peers (BENCH_STATE); the run is the threads' copy. */
static struct {
    BENCH_STATE bench_run_t run;
    bench_correctness_t correct;
    uint32_t per_sample;
    seL4_CPtr to_peer, to_client; /* root slots of the two notifications */
    seL4_CPtr ep;                 /* root slot of the bound ponger's endpoint (0: none) */
    bench_pair_t pair;
    _Atomic uint64_t start; /* the signaller's start, published before seL4_Signal */
    bench_correctness_t peer; /* written by the peer thread only; read after the join */
    /* The ring's depth, read at run time as the bridge's is (a constant would let the compiler
     * mask where the bridge divides); each side keeps it in a local. */
    uint32_t depth;
    /* On a cache line of its own, as a ring at the start of its frame is (unaligned, at offset
     * 152 of this state, the aarch64 build took 3 more instructions to write a slot). */
    _Alignas(64) sb_queue_t ring;
} s;

static int setup_pair(bench_run_t *r, plat_thread_fn client, plat_thread_fn peer,
                      seL4_Word peer_prio, bool endpoint)
{
    if (bench_obj_new(r, seL4_NotificationObject, &s.to_peer) != 0 ||
        bench_obj_new(r, seL4_NotificationObject, &s.to_client) != 0 ||
        (endpoint && bench_obj_new(r, seL4_EndpointObject, &s.ep) != 0)) {
        return -1;
    }
    /* Each side's signal cap is badged, so a wake-up with any other badge is counted wrong. */
    bench_peer_t peers[2] = {
        [BENCH_ROLE_CLIENT] = {"bench-signaller", BENCH_PEER_PRIO, client, NULL,
                               {{s.to_peer, BADGE_SIGNAL}, {s.to_client, 0}}},
        [BENCH_ROLE_SERVER] = {"bench-waiter", peer_prio, peer, NULL,
                               {{s.to_client, BADGE_REPLY}, {s.to_peer, 0}, {s.ep, 0}}},
    };
    return bench_pair_create(r, &s.pair, peers, &s, sizeof(s));
}

/* ---- notify: Signal -> return from Wait in the other thread ---- */

/* The waiter's loop; @ring (a constant in each caller, so each loop has no test of it) takes the
 * completion off the least ring before it reads the time. */
static inline __attribute__((always_inline)) void wait_loop(bool ring)
{
    bench_pin(BENCH_ROLE_SERVER);
    bench_run_t *r = &s.run;
    const uint32_t depth = s.depth;
    uint32_t head = 0;
    for (uint32_t i = 0; i < r->warmup + r->n; i++) {
        seL4_Word badge = 0;
        seL4_Wait(BENCH_PEER_CAP(CAP_IN), &badge);
        uint64_t id = i;
        uint32_t status = 0;
        if (ring) {
            /* Acquire: pairs with the signaller's release of the tail; the entry is written. */
            uint32_t tail = atomic_load_explicit(&s.ring.tail, memory_order_acquire);
            id = ~(uint64_t)0;
            if (tail != head) {
                sb_queue_entry_t done = s.ring.entries[head % depth];
                id = done.id;
                status = done.status;
                head++;
                /* Release: our read of the entry happens before the signaller reuses its slot. */
                atomic_store_explicit(&s.ring.head, head, memory_order_release);
            }
        }
        uint64_t end = plat_cycles();
        if (ring) {
            /* The entry is checked after the time is read, as the bridge's client checks its
             * completion: the compiler may not move the comparisons above the clock's read. */
            __asm__ volatile("" : "+r"(id), "+r"(status));
        }
        /* Acquire pairs with the signaller's release; the kernel call orders it anyway. */
        bench_record(r, i, atomic_load_explicit(&s.start, memory_order_acquire), end);
        s.peer.checks++;
        s.peer.lost += badge != BADGE_SIGNAL || id != i || status != 0;
        seL4_Signal(BENCH_PEER_CAP(CAP_OUT));
    }
}

/* The signaller's loop; @ring (a constant in each caller) publishes one completion on the least
 * ring after it reads the time, before it signals. */
static inline __attribute__((always_inline)) void signal_loop(bool ring)
{
    bench_pin(BENCH_ROLE_CLIENT);
    bench_run_t *r = &s.run;
    const uint32_t depth = s.depth;
    uint32_t tail = 0, wrong = 0;
    for (uint32_t i = 0; i < r->warmup + r->n; i++) {
        atomic_store_explicit(&s.start, plat_cycles(), memory_order_release);
        if (ring) {
            /* The waiter took the previous entry before it acknowledged: the slot is free. */
            sb_queue_entry_t *done = &s.ring.entries[tail % depth];
            done->id = i;
            done->op = 1;
            done->status = 0;
            done->arg[0] = i;
            done->arg[1] = 0;
            tail++;
            /* Release: the entry written above is visible before the tail that publishes it. */
            atomic_store_explicit(&s.ring.tail, tail, memory_order_release);
        }
        seL4_Signal(BENCH_PEER_CAP(CAP_OUT));
        seL4_Word badge = 0;
        seL4_Wait(BENCH_PEER_CAP(CAP_IN), &badge);
        wrong += badge != BADGE_REPLY;
    }
    r->correct->checks += r->warmup + r->n;
    r->correct->lost += wrong;
}

static void waiter(void *arg)
{
    (void)arg;
    wait_loop(false);
}

static void signaller(void *arg)
{
    (void)arg;
    signal_loop(false);
}

static void ring_waiter(void *arg)
{
    (void)arg;
    wait_loop(true);
}

static void ring_signaller(void *arg)
{
    (void)arg;
    signal_loop(true);
}

/* ---- ping-pong: b round trips per sample ---- */

/* The peer's loop, in seL4_Wait on its notification or (@bound) in seL4_Recv on an endpoint,
 * woken by the notification bound to this thread (seL4 then returns the notification's word as
 * the badge; nothing is ever sent on the endpoint, so every wake-up must be the signal). Each
 * caller passes a constant, so each gets its own loop with no test of @bound in it: the
 * instructions a round trip costs are those of the wait alone. */
static inline __attribute__((always_inline)) void pong(bool bound)
{
    uint64_t total = (uint64_t)(s.run.warmup + s.run.n) * s.per_sample;
    for (uint64_t i = 0; i < total; i++) {
        seL4_Word badge = 0;
        if (bound) {
            seL4_Recv(BENCH_PEER_CAP(CAP_EP), &badge);
        } else {
            seL4_Wait(BENCH_PEER_CAP(CAP_IN), &badge);
        }
        s.peer.checks++;
        s.peer.lost += badge != BADGE_SIGNAL;
        seL4_Signal(BENCH_PEER_CAP(CAP_OUT));
    }
}

static void ponger(void *arg)
{
    (void)arg;
    bench_pin(BENCH_ROLE_SERVER);
    pong(false);
}

/* As the bridge's server waits: seL4_Recv on an endpoint, its notification bound to it. */
static void ponger_bound(void *arg)
{
    (void)arg;
    bench_pin(BENCH_ROLE_SERVER);
    if (seL4_TCB_BindNotification(seL4_CapInitThreadTCB, BENCH_PEER_CAP(CAP_IN)) !=
        seL4_NoError) {
        s.peer.errors++; /* counted; the loop still answers, so the run ends */
        pong(false);
        return;
    }
    pong(true);
}

static void pinger(void *arg)
{
    (void)arg;
    bench_pin(BENCH_ROLE_CLIENT);
    bench_run_t *r = &s.run;
    uint32_t wrong = 0;
    for (uint32_t i = 0; i < r->warmup + r->n; i++) {
        uint64_t start = plat_cycles();
        for (uint32_t j = 0; j < s.per_sample; j++) {
            seL4_Signal(BENCH_PEER_CAP(CAP_OUT));
            seL4_Word badge = 0;
            seL4_Wait(BENCH_PEER_CAP(CAP_IN), &badge);
            wrong += badge != BADGE_REPLY;
        }
        uint64_t end = plat_cycles();
        bench_record(r, i, start, end);
    }
    r->correct->checks += (r->warmup + r->n) * s.per_sample;
    r->correct->lost += wrong;
}

static void reset(bench_run_t *r, uint32_t per_sample)
{
    memset(&s, 0, sizeof(s));
    bench_run_copy(&s.run, &s.correct, r);
    s.per_sample = per_sample ? per_sample : 1u;
}

static int setup_notify(bench_run_t *r)
{
    reset(r, 1);
    return setup_pair(r, signaller, waiter, BENCH_PEER_PRIO + 1u, false);
}

static int setup_notify_ring(bench_run_t *r)
{
    reset(r, 1);
    s.depth = BENCH_RING_DEPTH;
    return setup_pair(r, ring_signaller, ring_waiter, BENCH_PEER_PRIO + 1u, false);
}

static int setup_pingpong(bench_run_t *r)
{
    reset(r, r->params->b);
    return setup_pair(r, pinger, ponger, BENCH_PEER_PRIO, false);
}

static int setup_pingpong_bound(bench_run_t *r)
{
    reset(r, r->params->b);
    return setup_pair(r, pinger, ponger_bound, BENCH_PEER_PRIO, true);
}

static int measure(bench_run_t *r)
{
    int rc = bench_pair_run(r, &s.pair);
    bench_run_done(r, &s.run);
    r->correct->checks += s.peer.checks;
    r->correct->lost += s.peer.lost;
    return rc;
}

static void teardown(bench_run_t *r)
{
    (void)r;
    bench_pair_destroy(&s.pair);
    bench_obj_free(&s.ep);
    bench_obj_free(&s.to_client);
    bench_obj_free(&s.to_peer);
}

const bench_impl_t bench_raw_signal_wait = {
    "raw_signal_wait",
    "seL4_Signal to the return from seL4_Wait in a waiting thread of one priority higher",
    setup_notify, measure, teardown, NULL,
};
const bench_impl_t bench_raw_ring_signal_wait = {
    "raw_ring_signal_wait",
    "one completion through the least ring (no check) and seL4_Signal, to the waiter, one priority "
    "higher, back from seL4_Wait holding the entry",
    setup_notify_ring, measure, teardown, NULL,
};
const bench_impl_t bench_raw_pingpong = {
    "raw_pingpong",
    "Signal, the peer wakes and Signals back, Wait returns; one sample is b round trips",
    setup_pingpong, measure, teardown, NULL,
};
const bench_impl_t bench_raw_pingpong_bound = {
    "raw_pingpong_bound",
    "the ping-pong with the peer in seL4_Recv on an endpoint, woken through its bound notification "
    "(as the bridge's server waits); one sample is b round trips",
    setup_pingpong_bound, measure, teardown, NULL,
};
