/*
 * Unit and stress tests of the request/completion ring (bridge/include/sel4bridge/queue.h):
 * every operation, the 2^32 wrap, hostile indices, and two-thread SPSC runs in both phases.
 * Usage: queue_test ops|spsc|wakeup
 */
#include <sel4bridge/queue.h>

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../check.h"

#define CHECK_STATUS(expr, want)                                                               \
    do {                                                                                       \
        sb_queue_status_t got_ = (expr);                                                       \
        if (got_ != (want)) {                                                                  \
            fprintf(stderr, "%s:%d: %s gave %s (%s), expected %s\n", __FILE__, __LINE__,      \
                    #expr, sb_queue_status_name(got_), sb_queue_status_message(got_),          \
                    sb_queue_status_name(want));                                               \
            failures++;                                                                        \
        }                                                                                      \
    } while (0)

static sb_queue_entry_t entry_of(uint64_t n)
{
    sb_queue_entry_t e = {.id = n, .op = (uint32_t)(n * 7u), .status = (uint32_t)(n ^ 0x5a5a),
                          .arg = {n * 3u, ~n}};
    return e;
}

static bool entry_is(const sb_queue_entry_t *e, uint64_t n)
{
    sb_queue_entry_t want = entry_of(n);
    return memcmp(e, &want, sizeof want) == 0;
}

/* A ring at @start of @depth with a producer and a consumer attached. */
static void setup(sb_queue_t *ring, uint32_t start, uint32_t depth, sb_queue_producer_t *p,
                  sb_queue_consumer_t *c)
{
    memset(ring, 0xa5, sizeof *ring); /* a frame with stale contents */
    sb_queue_init(ring, start);
    CHECK_STATUS(sb_queue_producer_attach(p, ring, depth), SB_QUEUE_OK);
    CHECK_STATUS(sb_queue_consumer_attach(c, ring, depth), SB_QUEUE_OK);
}

static void test_init_and_attach(void)
{
    static sb_queue_t ring;
    sb_queue_producer_t p;
    sb_queue_consumer_t c;
    setup(&ring, 17, 8, &p, &c);
    CHECK(ring.tail == 17 && ring.head == 17 && ring.signal_wanted == 0);
    for (uint32_t i = 0; i < SB_QUEUE_MAX_DEPTH; i++) {
        sb_queue_entry_t zero = {0};
        CHECK(memcmp(&ring.entries[i], &zero, sizeof zero) == 0);
    }
    CHECK(p.ring == &ring && p.depth == 8 && p.tail == 17);
    CHECK(c.ring == &ring && c.depth == 8 && c.head == 17);

    static const uint32_t good[] = {1, 2, 4, 8, 16, 32, 64};
    static const uint32_t bad[] = {0, 3, 5, 6, 7, 12, 63, 65, 96, 128, 256, 0x80000000u,
                                   UINT32_MAX};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        CHECK(sb_queue_depth_valid(good[i]));
        CHECK_STATUS(sb_queue_producer_attach(&p, &ring, good[i]), SB_QUEUE_OK);
        CHECK_STATUS(sb_queue_consumer_attach(&c, &ring, good[i]), SB_QUEUE_OK);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sb_queue_producer_t p2 = {0};
        sb_queue_consumer_t c2 = {0};
        CHECK(!sb_queue_depth_valid(bad[i]));
        CHECK_STATUS(sb_queue_producer_attach(&p2, &ring, bad[i]), SB_QUEUE_BAD_DEPTH);
        CHECK_STATUS(sb_queue_consumer_attach(&c2, &ring, bad[i]), SB_QUEUE_BAD_DEPTH);
        CHECK(p2.ring == NULL && c2.ring == NULL); /* refused attach leaves the handle alone */
    }
    CHECK(strcmp(sb_queue_status_name(SB_QUEUE_CORRUPT), "SB_QUEUE_CORRUPT") == 0);
    CHECK(strlen(sb_queue_status_message(SB_QUEUE_FULL)) > 0);
}

/* Round trip, empty/full/length from both sides, FIFO, for every depth and across the wrap. */
static void test_fifo(uint32_t start, uint32_t depth)
{
    static sb_queue_t ring;
    sb_queue_producer_t p;
    sb_queue_consumer_t c;
    sb_queue_entry_t e;
    uint32_t len = 0;
    setup(&ring, start, depth, &p, &c);

    CHECK(sb_queue_empty(&c));
    CHECK(!sb_queue_full(&p));
    CHECK_STATUS(sb_queue_dequeue(&c, &e), SB_QUEUE_EMPTY);
    CHECK_STATUS(sb_queue_length(&c, &len), SB_QUEUE_OK);
    CHECK(len == 0);

    /* Three rounds of fill-to-full then drain; with start near UINT32_MAX they cross 2^32. */
    uint64_t next_in = 0, next_out = 0;
    for (int round = 0; round < 3; round++) {
        for (uint32_t i = 0; i < depth; i++) {
            CHECK(!sb_queue_full(&p));
            CHECK_STATUS(sb_queue_producer_length(&p, &len), SB_QUEUE_OK);
            CHECK(len == i);
            e = entry_of(next_in);
            CHECK_STATUS(sb_queue_enqueue(&p, &e), SB_QUEUE_OK);
            next_in++;
            CHECK(ring.tail == (uint32_t)(start + next_in)); /* published */
            CHECK_STATUS(sb_queue_length(&c, &len), SB_QUEUE_OK);
            CHECK(len == i + 1);
            CHECK(!sb_queue_empty(&c));
        }
        CHECK(sb_queue_full(&p));
        e = entry_of(999999);
        CHECK_STATUS(sb_queue_enqueue(&p, &e), SB_QUEUE_FULL); /* full refuses ... */
        CHECK(ring.tail == (uint32_t)(start + next_in));       /* ... and changes nothing */
        CHECK(p.tail == (uint32_t)(start + next_in));
        for (uint32_t i = 0; i < depth; i++) {
            CHECK_STATUS(sb_queue_dequeue(&c, &e), SB_QUEUE_OK);
            CHECK(entry_is(&e, next_out)); /* FIFO, value preserved */
            next_out++;
            CHECK(ring.head == (uint32_t)(start + next_out));
            CHECK(!sb_queue_full(&p));
        }
        CHECK(sb_queue_empty(&c));
        CHECK_STATUS(sb_queue_dequeue(&c, &e), SB_QUEUE_EMPTY);
    }

    /* Interleaved: keep between 1 and depth entries in flight for a while. */
    for (int i = 0; i < 5 * (int)depth + 3; i++) {
        e = entry_of(next_in);
        CHECK_STATUS(sb_queue_enqueue(&p, &e), SB_QUEUE_OK);
        next_in++;
        if (i % 3 != 2 || sb_queue_full(&p)) {
            CHECK_STATUS(sb_queue_dequeue(&c, &e), SB_QUEUE_OK);
            CHECK(entry_is(&e, next_out));
            next_out++;
        }
    }
    while (sb_queue_dequeue(&c, &e) == SB_QUEUE_OK) {
        CHECK(entry_is(&e, next_out));
        next_out++;
    }
    CHECK(next_out == next_in);
    CHECK(c.head == p.tail);
}

static void test_batch(uint32_t start, uint32_t depth)
{
    static sb_queue_t ring;
    sb_queue_producer_t p;
    sb_queue_consumer_t c;
    sb_queue_entry_t in[2 * SB_QUEUE_MAX_DEPTH], out[2 * SB_QUEUE_MAX_DEPTH];
    uint32_t done;
    setup(&ring, start, depth, &p, &c);

    uint64_t next_in = 0, next_out = 0;
    for (uint32_t round = 0; round < 8; round++) {
        uint32_t want = (round * 5 + 1) % (depth + 3); /* 0 .. depth+2: also more than fit */
        uint32_t len = 0;
        CHECK_STATUS(sb_queue_producer_length(&p, &len), SB_QUEUE_OK);
        for (uint32_t i = 0; i < want; i++) {
            in[i] = entry_of(next_in + i);
        }
        CHECK_STATUS(sb_queue_enqueue_batch(&p, in, want, &done), SB_QUEUE_OK);
        uint32_t fit = depth - len < want ? depth - len : want;
        CHECK(done == fit);
        next_in += done;
        CHECK(ring.tail == (uint32_t)(start + next_in));

        uint32_t take = round % 2 ? depth : (round + 1) % (depth + 1);
        uint32_t avail = 0;
        CHECK_STATUS(sb_queue_length(&c, &avail), SB_QUEUE_OK);
        CHECK_STATUS(sb_queue_dequeue_batch(&c, out, take, &done), SB_QUEUE_OK);
        CHECK(done == (avail < take ? avail : take));
        for (uint32_t i = 0; i < done; i++) {
            CHECK(entry_is(&out[i], next_out + i));
        }
        next_out += done;
        CHECK(ring.head == (uint32_t)(start + next_out));
    }
    /* A batch into a full ring publishes nothing; a batch from an empty one takes nothing. */
    while (!sb_queue_full(&p)) {
        in[0] = entry_of(next_in++);
        CHECK_STATUS(sb_queue_enqueue(&p, &in[0]), SB_QUEUE_OK);
    }
    CHECK_STATUS(sb_queue_enqueue_batch(&p, in, 3, &done), SB_QUEUE_OK);
    CHECK(done == 0);
    CHECK_STATUS(sb_queue_dequeue_batch(&c, out, 2 * SB_QUEUE_MAX_DEPTH, &done), SB_QUEUE_OK);
    CHECK(done == depth);
    for (uint32_t i = 0; i < done; i++) {
        CHECK(entry_is(&out[i], next_out + i));
    }
    next_out += done;
    CHECK_STATUS(sb_queue_dequeue_batch(&c, out, 4, &done), SB_QUEUE_OK);
    CHECK(done == 0);
    CHECK(next_out == next_in);
}

/*
 * A hostile peer writes any index it likes into the frame. Each side must answer
 * SB_QUEUE_CORRUPT, touch no entry and keep its handle; and the indices a side keeps privately
 * must not follow what the peer scribbles over them.
 */
static void test_hostile(uint32_t start)
{
    static sb_queue_t ring;
    sb_queue_producer_t p;
    sb_queue_consumer_t c;
    sb_queue_entry_t e = entry_of(1), out;
    uint32_t len = 0, done = 0;
    const uint32_t depth = 8;
    setup(&ring, start, depth, &p, &c);
    CHECK_STATUS(sb_queue_enqueue(&p, &e), SB_QUEUE_OK);
    CHECK_STATUS(sb_queue_enqueue(&p, &e), SB_QUEUE_OK);

    /* Impossible tails seen by the consumer (head = start). */
    const uint32_t bad_tail[] = {start + depth + 1, start + depth + 1000, start - 1, start - depth,
                                 start + 0x80000000u};
    for (size_t i = 0; i < sizeof bad_tail / sizeof bad_tail[0]; i++) {
        sb_queue_consumer_t before = c;
        atomic_store(&ring.tail, bad_tail[i]);
        memset(&out, 0x11, sizeof out);
        sb_queue_entry_t untouched = out;
        CHECK_STATUS(sb_queue_dequeue(&c, &out), SB_QUEUE_CORRUPT);
        CHECK(memcmp(&out, &untouched, sizeof out) == 0);
        CHECK_STATUS(sb_queue_dequeue_batch(&c, &out, 1, &done), SB_QUEUE_CORRUPT);
        CHECK(done == 0);
        CHECK_STATUS(sb_queue_length(&c, &len), SB_QUEUE_CORRUPT);
        CHECK(!sb_queue_empty(&c)); /* so that a re-check goes on to dequeue and sees CORRUPT */
        CHECK(memcmp(&before, &c, sizeof c) == 0);
        CHECK(ring.head == start);
    }
    /* The largest possible tail is accepted: depth entries in flight. */
    atomic_store(&ring.tail, start + depth);
    CHECK_STATUS(sb_queue_length(&c, &len), SB_QUEUE_OK);
    CHECK(len == depth);

    /* The consumer scribbles over tail: the producer keeps its own and is not fooled. */
    atomic_store(&ring.tail, start + 5000);
    CHECK_STATUS(sb_queue_producer_length(&p, &len), SB_QUEUE_OK);
    CHECK(len == 2);
    CHECK_STATUS(sb_queue_enqueue(&p, &e), SB_QUEUE_OK);
    CHECK(ring.tail == start + 3);

    /* Impossible heads seen by the producer (tail = start + 3). */
    const uint32_t bad_head[] = {start + 4, start + 100, start + 3 - depth - 1, start - 1000,
                                 start + 3 + 0x80000000u};
    for (size_t i = 0; i < sizeof bad_head / sizeof bad_head[0]; i++) {
        sb_queue_producer_t before = p;
        sb_queue_entry_t snapshot[SB_QUEUE_MAX_DEPTH];
        memcpy(snapshot, ring.entries, sizeof snapshot);
        atomic_store(&ring.head, bad_head[i]);
        CHECK_STATUS(sb_queue_enqueue(&p, &e), SB_QUEUE_CORRUPT);
        CHECK_STATUS(sb_queue_enqueue_batch(&p, &e, 1, &done), SB_QUEUE_CORRUPT);
        CHECK(done == 0);
        CHECK_STATUS(sb_queue_producer_length(&p, &len), SB_QUEUE_CORRUPT);
        CHECK(sb_queue_full(&p));
        CHECK(memcmp(&before, &p, sizeof p) == 0);
        CHECK(memcmp(snapshot, ring.entries, sizeof snapshot) == 0);
        CHECK(ring.tail == start + 3);
    }
    /* A head that is merely stale (within depth) is the peer's own business, not corruption. */
    atomic_store(&ring.head, start + 3 - depth);
    CHECK(sb_queue_full(&p));
    CHECK_STATUS(sb_queue_enqueue(&p, &e), SB_QUEUE_FULL);

    /* The producer scribbles over head: the consumer keeps its own. */
    atomic_store(&ring.tail, start + 3);
    atomic_store(&ring.head, start + 77);
    CHECK_STATUS(sb_queue_length(&c, &len), SB_QUEUE_OK);
    CHECK(len == 3);

    /* Attaching to a frame whose indices a peer set to anything is safe: checks come later. */
    atomic_store(&ring.tail, 12345);
    atomic_store(&ring.head, 99999);
    sb_queue_consumer_t c2;
    CHECK_STATUS(sb_queue_consumer_attach(&c2, &ring, depth), SB_QUEUE_OK);
    CHECK_STATUS(sb_queue_dequeue(&c2, &out), SB_QUEUE_CORRUPT);
}

static void test_signal_flag(void)
{
    static sb_queue_t ring;
    sb_queue_producer_t p;
    sb_queue_consumer_t c;
    setup(&ring, 0, 4, &p, &c);
    CHECK(!sb_queue_require_signal(&p));
    sb_queue_request_signal(&c);
    CHECK(ring.signal_wanted == 1);
    CHECK(sb_queue_require_signal(&p));
    CHECK(sb_queue_require_signal(&p)); /* the producer only reads the flag */
    sb_queue_cancel_signal(&c);
    CHECK(!sb_queue_require_signal(&p));
    atomic_store(&ring.signal_wanted, 0xdeadbeefu); /* any nonzero value asks */
    CHECK(sb_queue_require_signal(&p));
}

static int run_ops(void)
{
    test_init_and_attach();
    const uint32_t starts[] = {0, 1000, UINT32_MAX - 2, UINT32_MAX - 40, UINT32_MAX};
    for (size_t s = 0; s < sizeof starts / sizeof starts[0]; s++) {
        for (uint32_t depth = 1; depth <= SB_QUEUE_MAX_DEPTH; depth *= 2) {
            test_fifo(starts[s], depth);
            test_batch(starts[s], depth);
        }
        test_hostile(starts[s]);
    }
    test_signal_flag();
    return failures;
}

/* ---- two threads ---- */

#define STRESS_ITEMS 1000000u
#define STRESS_DEPTH 16u
#define STRESS_START (UINT32_MAX - 1000u) /* the run crosses the 2^32 wrap */

static sb_queue_t stress_ring;

/*
 * A sticky one-bit semaphore on a futex: what an seL4 notification does for one waiter
 * (seL4_Signal sets the word, seL4_Wait returns at once if it was set, else blocks; both clear).
 */
typedef struct {
    atomic_uint word;
    atomic_ulong signals, waits;
} notification_t;

static void ntfn_signal(notification_t *n)
{
    atomic_fetch_add(&n->signals, 1);
    if (atomic_exchange(&n->word, 1) == 0) {
        syscall(SYS_futex, &n->word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
    }
}

static void ntfn_wait(notification_t *n)
{
    atomic_fetch_add(&n->waits, 1);
    while (atomic_exchange(&n->word, 0) == 0) {
        syscall(SYS_futex, &n->word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
    }
}

typedef struct {
    int phase;           /* 0: spin (no notification), 1: kick every enqueue, 2: on request */
    bool batch;          /* use the batch operations */
    notification_t kick; /* producer -> consumer */
    uint64_t received;
    int order_errors;
    atomic_int corrupt;  /* written by either thread */
} stress_t;

/* Burst lengths vary so that the consumer both keeps up and falls asleep. */
static uint32_t burst_of(uint64_t i)
{
    return (uint32_t)((i * 2654435761u) >> 28) % 37u + 1u;
}

static void *stress_producer(void *arg)
{
    stress_t *s = arg;
    sb_queue_producer_t p;
    if (sb_queue_producer_attach(&p, &stress_ring, STRESS_DEPTH) != SB_QUEUE_OK) {
        abort();
    }
    uint64_t next = 0;
    sb_queue_entry_t buf[8];
    while (next < STRESS_ITEMS) {
        uint32_t burst = burst_of(next);
        for (uint32_t k = 0; k < burst && next < STRESS_ITEMS;) {
            sb_queue_status_t st;
            uint32_t done = 0;
            if (s->batch) {
                uint32_t n = (uint32_t)(next % 8) + 1;
                if (n > STRESS_ITEMS - next) {
                    n = (uint32_t)(STRESS_ITEMS - next);
                }
                for (uint32_t i = 0; i < n; i++) {
                    buf[i] = entry_of(next + i);
                }
                st = sb_queue_enqueue_batch(&p, buf, n, &done);
            } else {
                buf[0] = entry_of(next);
                st = sb_queue_enqueue(&p, &buf[0]);
                done = st == SB_QUEUE_OK;
            }
            if (st == SB_QUEUE_CORRUPT) {
                s->corrupt++;
                return NULL;
            }
            if (done == 0) {
                sched_yield(); /* full: the consumer is behind */
                continue;
            }
            next += done;
            k += done;
            if (s->phase == 1 || (s->phase == 2 && sb_queue_require_signal(&p))) {
                ntfn_signal(&s->kick);
            }
        }
        if (s->phase != 0) {
            sched_yield(); /* between bursts: let the consumer drain and go to sleep */
        }
    }
    return NULL;
}

static void *stress_consumer(void *arg)
{
    stress_t *s = arg;
    sb_queue_consumer_t c;
    if (sb_queue_consumer_attach(&c, &stress_ring, STRESS_DEPTH) != SB_QUEUE_OK) {
        abort();
    }
    sb_queue_entry_t buf[STRESS_DEPTH];
    while (s->received < STRESS_ITEMS) {
        uint32_t done = 0;
        sb_queue_status_t st;
        if (s->batch) {
            st = sb_queue_dequeue_batch(&c, buf, (uint32_t)(s->received % STRESS_DEPTH) + 1,
                                        &done);
        } else {
            st = sb_queue_dequeue(&c, &buf[0]);
            done = st == SB_QUEUE_OK;
        }
        if (st == SB_QUEUE_CORRUPT) {
            s->corrupt++;
            return NULL;
        }
        for (uint32_t i = 0; i < done; i++) {
            if (!entry_is(&buf[i], s->received) && s->order_errors++ < 5) {
                fprintf(stderr, "item %llu: got id %llu\n", (unsigned long long)s->received,
                        (unsigned long long)buf[i].id);
            }
            s->received++;
        }
        if (done != 0) {
            continue;
        }
        switch (s->phase) {
        case 0:
            sched_yield();
            break;
        case 1:
            ntfn_wait(&s->kick);
            break;
        case 2:
            /* The Phase 2 sleep of queue.h's comment, line for line. */
            sb_queue_request_signal(&c);
            if (!sb_queue_empty(&c)) {
                sb_queue_cancel_signal(&c);
                break;
            }
            ntfn_wait(&s->kick);
            sb_queue_cancel_signal(&c);
            break;
        }
    }
    return NULL;
}

static int run_stress(int phase, bool batch)
{
    static stress_t s;
    memset(&s, 0, sizeof s);
    s.phase = phase;
    s.batch = batch;
    sb_queue_init(&stress_ring, STRESS_START);
    pthread_t prod, cons;
    if (pthread_create(&cons, NULL, stress_consumer, &s) != 0 ||
        pthread_create(&prod, NULL, stress_producer, &s) != 0) {
        perror("pthread_create");
        return 1;
    }
    pthread_join(prod, NULL);
    pthread_join(cons, NULL); /* a lost wake-up hangs here; ctest's timeout reports it */
    printf("phase %d%s: %llu items received of %u, order errors %d, corrupt %d, "
           "signals %lu, waits %lu\n",
           phase, batch ? " batch" : "", (unsigned long long)s.received, STRESS_ITEMS,
           s.order_errors, atomic_load(&s.corrupt), atomic_load(&s.kick.signals), atomic_load(&s.kick.waits));
    CHECK(s.received == STRESS_ITEMS);
    CHECK(s.order_errors == 0);
    CHECK(atomic_load(&s.corrupt) == 0);
    CHECK(stress_ring.head == (uint32_t)(STRESS_START + STRESS_ITEMS));
    CHECK(stress_ring.tail == (uint32_t)(STRESS_START + STRESS_ITEMS));
    if (phase == 1) {
        CHECK(atomic_load(&s.kick.signals) > 0);
    }
    return failures;
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    int rc;
    if (strcmp(what, "ops") == 0) {
        rc = run_ops();
    } else if (strcmp(what, "spsc") == 0) {
        rc = run_stress(0, false) + run_stress(0, true);
    } else if (strcmp(what, "wakeup") == 0) {
        rc = run_stress(1, false) + run_stress(2, false) + run_stress(2, true);
    } else {
        fprintf(stderr, "usage: %s ops|spsc|wakeup\n", argv[0]);
        return 2;
    }
    if (failures) {
        fprintf(stderr, "queue_test %s: %d check(s) failed\n", what, failures);
        return 1;
    }
    printf("queue_test %s: all checks passed\n", what);
    return rc != 0;
}
