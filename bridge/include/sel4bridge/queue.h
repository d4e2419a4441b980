/*
 * The request and completion rings: single-producer single-consumer queues of fixed-size entries
 * in a 4 KiB frame shared by a client and the server, with the signalling verbs that let a
 * producer skip the kick when the consumer is awake. Freestanding C11; every function is proved
 * with Frama-C WP (proofs/frama-c) and the signalling protocol is model-checked (proofs/spin).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sel4bridge/queue_atomics.h>

/*
 * One entry: a request on the request ring, a completion on the completion ring.
 *
 *   offset  size  field
 *        0     8  id       chosen by the client, echoed unchanged in the completion
 *        8     4  op       operation code (the completion repeats the request's)
 *       12     4  status   0 in a request; the result status in a completion
 *       16    16  arg[2]   operands of a request, results of a completion
 *
 * Entries are plain data: the producer writes one, then publishes it with a release store of
 * the tail, so an honest consumer never sees it half-written. A hostile producer can still
 * rewrite an entry while it is being copied out, so a consumer validates the copy it made,
 * never the entry in shared memory.
 */
typedef struct sb_queue_entry {
    uint64_t id;
    uint32_t op;
    uint32_t status;
    uint64_t arg[2];
} sb_queue_entry_t;

#define SB_QUEUE_FRAME_SIZE 4096u /* a ring fills at most one 4 KiB frame */
#define SB_QUEUE_HEADER_SIZE 128u /* two cache lines: one per writer */
#define SB_QUEUE_MAX_DEPTH 64u    /* the largest power of two that fits after the header */

/*
 * The ring as it lies in the shared frame (layout as data, checked below):
 *
 *   offset  size  field          written by
 *        0     4  tail           producer: entries [head, tail) are published
 *        4    60  (padding)      -         keeps the consumer's line apart from the producer's
 *       64     4  head           consumer: entries before head are consumed, their slots free
 *       68     4  signal_wanted  consumer: nonzero = "signal me after you publish" (Phase 2)
 *       72    56  (padding)
 *      128  32*64 entries        producer
 *
 * head and tail are free-running uint32_t: they count entries since the ring was initialised and
 * wrap at 2^32; an index names slot (index % depth). Because depth is a power of two it divides
 * 2^32, so slots stay consecutive across the wrap, and (tail - head) computed modulo 2^32 is the
 * number of published entries as long as it is at most depth.
 *
 * Nothing here is trusted by the side that reads it: the depth is never stored in the frame (each
 * side keeps the one the server decided), each side keeps its own index in private memory and
 * only writes it here, and the peer's index is read once per operation and checked.
 */
typedef struct sb_queue {
    sb_atomic_u32 tail;
    uint8_t pad0[60];
    sb_atomic_u32 head;
    sb_atomic_u32 signal_wanted;
    uint8_t pad1[56];
    sb_queue_entry_t entries[SB_QUEUE_MAX_DEPTH];
} sb_queue_t;

_Static_assert(sizeof(sb_queue_entry_t) == 32, "entry layout");
_Static_assert(offsetof(sb_queue_entry_t, op) == 8, "entry layout");
_Static_assert(offsetof(sb_queue_entry_t, status) == 12, "entry layout");
_Static_assert(offsetof(sb_queue_entry_t, arg) == 16, "entry layout");
_Static_assert(offsetof(sb_queue_t, tail) == 0, "ring layout");
_Static_assert(offsetof(sb_queue_t, head) == 64, "ring layout");
_Static_assert(offsetof(sb_queue_t, signal_wanted) == 68, "ring layout");
_Static_assert(offsetof(sb_queue_t, entries) == SB_QUEUE_HEADER_SIZE, "ring layout");
_Static_assert(sizeof(sb_queue_t) <= SB_QUEUE_FRAME_SIZE, "a ring fits one frame");
_Static_assert(SB_QUEUE_HEADER_SIZE + 2 * SB_QUEUE_MAX_DEPTH * sizeof(sb_queue_entry_t) >
                   SB_QUEUE_FRAME_SIZE,
               "SB_QUEUE_MAX_DEPTH is the largest power of two that fits");

/*
 * What a queue operation says. Local to the queue: the bridge maps these onto its own statuses.
 * SB_QUEUE_CORRUPT means the peer wrote an index no honest peer can write (more than depth
 * entries in flight, or an index moved backwards): the operation touched nothing, the handle is
 * unchanged, and the ring should be treated as broken (the server revokes the session).
 */
/* X(name, one-line message): the enum, sb_queue_status_name and sb_queue_status_message all come
 * from this one list (the same form as the bridge's SB_STATUS_LIST). */
#define SB_QUEUE_STATUS_LIST(X)                                                                \
    X(SB_QUEUE_OK, "done")                                                                     \
    /* dequeue: nothing published */                                                           \
    X(SB_QUEUE_EMPTY, "the ring holds no published entry")                                     \
    /* enqueue: no free slot */                                                                \
    X(SB_QUEUE_FULL, "the ring has no free slot")                                              \
    /* the peer's index in the shared frame is impossible */                                   \
    X(SB_QUEUE_CORRUPT, "the peer wrote an impossible index into the shared ring")             \
    /* attach: depth is not a power of two in [1, SB_QUEUE_MAX_DEPTH] */                       \
    X(SB_QUEUE_BAD_DEPTH, "ring depth must be a power of two between 1 and SB_QUEUE_MAX_DEPTH")

typedef enum sb_queue_status {
#define SB_QUEUE_STATUS_ENUM(name, message) name,
    SB_QUEUE_STATUS_LIST(SB_QUEUE_STATUS_ENUM)
#undef SB_QUEUE_STATUS_ENUM
} sb_queue_status_t;

/* The producer's private handle: never in shared memory. */
typedef struct sb_queue_producer {
    sb_queue_t *ring; /* the shared frame */
    uint32_t depth;   /* decided by the server, never read back from the frame */
    uint32_t tail;    /* the producer's own index; the copy in the frame is only written */
} sb_queue_producer_t;

/* The consumer's private handle: never in shared memory. */
typedef struct sb_queue_consumer {
    sb_queue_t *ring;
    uint32_t depth;
    uint32_t head; /* the consumer's own index; the copy in the frame is only written */
} sb_queue_consumer_t;

/*
 * ACSL vocabulary of the contracts below (comments to a compiler; Frama-C WP proves every
 * function of this file against its contract: proofs/frama-c).
 *   sb_depth_ok(d)       d is a depth sb_queue_depth_valid() accepts (a set membership, which
 *                        Eva decides for a handle it reaches through any session's pointer;
 *                        the same disjunction spelt with ||, it could not).
 *   sb_dist(from, to)    entries from index @from up to index @to, counted modulo 2^32, as the
 *                        code counts them; an honest peer keeps it within [0, depth].
 *   sb_entry_zero(e)     every field of @e is 0.
 *   sb_*_ok(h)           the handle is readable, its ring valid and apart, the depth accepted
 *                        (macros, below).
 * The contracts assume nothing about the peer's index in the ring: any uint32_t is allowed, and
 * the behaviours say what happens for each.
 */
/*@
  predicate sb_depth_ok(integer d) =
    d \in {1, 2, 4, 8, 16, 32, 64};

  logic integer sb_dist(integer from, integer to) = (uint32_t)(to - from);

  logic integer sb_min(integer a, integer b) = a < b ? a : b;

  // The j-th slot from slot s0 on, going round a ring of depth d (for s0 < d and j <= d).
  logic integer sb_slot_after(integer s0, integer j, integer d) =
    s0 + j < d ? s0 + j : s0 + j - d;

  // Going round, the first d slots from any slot are all different.
  lemma sb_slot_after_injective:
    \forall integer s0, i, j, d; 0 <= s0 < d && 0 <= j < i < d ==>
      sb_slot_after(s0, i, d) != sb_slot_after(s0, j, d);

  // Slot k is one of the n slots from slot s0 on (n <= d).
  predicate sb_slot_taken(integer k, integer s0, integer n, integer d) =
    (s0 <= k < s0 + n && k < d) || k < s0 + n - d;

  predicate sb_entry_zero(sb_queue_entry_t e) =
    e.id == 0 && e.op == 0 && e.status == 0 && e.arg[0] == 0 && e.arg[1] == 0;
*/

#ifdef __FRAMAC__
/* The handle is readable, its ring is valid and apart from it, and its depth is accepted. Spelt
 * out as macros rather than ACSL predicates so that WP's simplifier sees each conjunct at a
 * call site. */
#define sb_producer_ok(h)                                                                      \
    (\valid_read(h) && \valid((h)->ring) && \separated(h, (h)->ring) && sb_depth_ok((h)->depth))
#define sb_consumer_ok(h)                                                                      \
    (\valid_read(h) && \valid((h)->ring) && \separated(h, (h)->ring) && sb_depth_ok((h)->depth))
/* What a refused enqueue or dequeue leaves as it was, said for callers: WP frames a call by its
 * contract's top-level assigns, which cover the accepted case too. */
#define sb_enqueue_untouched(p)                                                                \
    ((p)->tail == \old((p)->tail) && (p)->ring->tail == \old((p)->ring->tail) &&               \
     (p)->ring->entries[\old((p)->tail) % (p)->depth] ==                                        \
         \old((p)->ring->entries[(p)->tail % (p)->depth]))
#define sb_dequeue_untouched(c, e)                                                             \
    ((c)->head == \old((c)->head) && (c)->ring->head == \old((c)->ring->head) &&               \
     *(e) == \old(*(e)))
#endif

/* The name of a status, for messages. */
/*@ assigns \result \from s;
    ensures \valid_read(\result); */
static inline const char *sb_queue_status_name(sb_queue_status_t s)
{
    switch (s) {
#define SB_QUEUE_STATUS_NAME(name, message)                                                    \
    case name:                                                                                 \
        return #name;
        SB_QUEUE_STATUS_LIST(SB_QUEUE_STATUS_NAME)
#undef SB_QUEUE_STATUS_NAME
    }
    return "SB_QUEUE_(unknown)";
}

/* A one-line message saying what a status means. */
/*@ assigns \result \from s;
    ensures \valid_read(\result); */
static inline const char *sb_queue_status_message(sb_queue_status_t s)
{
    switch (s) {
#define SB_QUEUE_STATUS_MESSAGE(name, message)                                                 \
    case name:                                                                                 \
        return message;
        SB_QUEUE_STATUS_LIST(SB_QUEUE_STATUS_MESSAGE)
#undef SB_QUEUE_STATUS_MESSAGE
    }
    return "unknown queue status";
}

/*
 * True when @depth can be a ring's depth: a power of two (so that it divides 2^32 and slots stay
 * consecutive when an index wraps) no larger than SB_QUEUE_MAX_DEPTH.
 */
/*@ assigns \nothing;
    ensures \result <==> sb_depth_ok(depth); */
static inline bool sb_queue_depth_valid(uint32_t depth)
{
    /* Listed rather than computed with (depth & (depth - 1)): the provers reason about a list
     * of constants, not about bits. */
    _Static_assert(SB_QUEUE_MAX_DEPTH == 64, "the list below ends at SB_QUEUE_MAX_DEPTH");
    switch (depth) {
    case 1:
    case 2:
    case 4:
    case 8:
    case 16:
    case 32:
    case 64:
        return true;
    default:
        return false;
    }
}

/*
 * Initialise a ring in a frame the caller (the server) has not yet shared: no entry published,
 * both indices at @start, no signal wanted, every entry zeroed so that nothing from an earlier
 * session leaks to the new client. @start is normally 0; tests start near UINT32_MAX to cross
 * the wrap. Relaxed stores suffice: the frame reaches the peer through a capability transfer,
 * a kernel call that orders everything before it.
 */
/*@ requires \valid(ring);
    assigns ring->entries[0 .. SB_QUEUE_MAX_DEPTH - 1], ring->tail, ring->head,
            ring->signal_wanted;
    ensures ring->tail == start && ring->head == start && ring->signal_wanted == 0;
    ensures \forall integer i; 0 <= i < SB_QUEUE_MAX_DEPTH ==> sb_entry_zero(ring->entries[i]);
*/
static inline void sb_queue_init(sb_queue_t *ring, uint32_t start)
{
    /*@ loop invariant 0 <= i <= SB_QUEUE_MAX_DEPTH;
        loop invariant \forall integer k; 0 <= k < i ==> sb_entry_zero(ring->entries[k]);
        loop assigns i, ring->entries[0 .. SB_QUEUE_MAX_DEPTH - 1];
        loop variant SB_QUEUE_MAX_DEPTH - i; */
    for (uint32_t i = 0; i < SB_QUEUE_MAX_DEPTH; i++) {
        ring->entries[i] = (sb_queue_entry_t){0};
    }
    atomic_store_explicit(&ring->tail, start, memory_order_relaxed);
    atomic_store_explicit(&ring->head, start, memory_order_relaxed);
    atomic_store_explicit(&ring->signal_wanted, 0, memory_order_relaxed);
}

/*
 * Make a producer handle on @ring of @depth entries. The producer's tail is taken from the frame
 * once, here; whatever value a hostile peer left there, every later operation checks it against
 * the consumer's head before touching an entry.
 */
/*@ requires \valid(p) && \valid(ring) && \separated(p, ring);
    assigns *p;
    behavior bad_depth:
      assumes !sb_depth_ok(depth);
      assigns \nothing;
      ensures \result == SB_QUEUE_BAD_DEPTH;
    behavior attached:
      assumes sb_depth_ok(depth);
      ensures \result == SB_QUEUE_OK && sb_producer_ok(p);
      ensures p->ring == ring && p->depth == depth && p->tail == ring->tail;
    complete behaviors;
    disjoint behaviors;
*/
static inline sb_queue_status_t sb_queue_producer_attach(sb_queue_producer_t *p, sb_queue_t *ring,
                                                         uint32_t depth)
{
    if (!sb_queue_depth_valid(depth)) {
        return SB_QUEUE_BAD_DEPTH;
    }
    p->ring = ring;
    p->depth = depth;
    p->tail = atomic_load_explicit(&ring->tail, memory_order_relaxed);
    return SB_QUEUE_OK;
}

/* Make a consumer handle on @ring of @depth entries; the head is taken from the frame once. */
/*@ requires \valid(c) && \valid(ring) && \separated(c, ring);
    assigns *c;
    behavior bad_depth:
      assumes !sb_depth_ok(depth);
      assigns \nothing;
      ensures \result == SB_QUEUE_BAD_DEPTH;
    behavior attached:
      assumes sb_depth_ok(depth);
      ensures \result == SB_QUEUE_OK && sb_consumer_ok(c);
      ensures c->ring == ring && c->depth == depth && c->head == ring->head;
    complete behaviors;
    disjoint behaviors;
*/
static inline sb_queue_status_t sb_queue_consumer_attach(sb_queue_consumer_t *c, sb_queue_t *ring,
                                                         uint32_t depth)
{
    if (!sb_queue_depth_valid(depth)) {
        return SB_QUEUE_BAD_DEPTH;
    }
    c->ring = ring;
    c->depth = depth;
    c->head = atomic_load_explicit(&ring->head, memory_order_relaxed);
    return SB_QUEUE_OK;
}

/*
 * Producer: how many entries are in flight (published and not yet consumed), in *@length.
 * SB_QUEUE_CORRUPT when the consumer's head is not within depth entries behind our tail.
 */
/*@ requires sb_producer_ok(p) && \valid(length) && \separated(length, p, p->ring);
    assigns *length;
    behavior corrupt:
      assumes sb_dist(p->ring->head, p->tail) > p->depth;
      assigns \nothing;
      ensures \result == SB_QUEUE_CORRUPT;
    behavior counted:
      assumes sb_dist(p->ring->head, p->tail) <= p->depth;
      ensures \result == SB_QUEUE_OK && *length == sb_dist(p->ring->head, p->tail);
    complete behaviors;
    disjoint behaviors;
*/
static inline sb_queue_status_t sb_queue_producer_length(const sb_queue_producer_t *p,
                                                         uint32_t *length)
{
    /* Acquire: pairs with the consumer's release of head, so the slots it freed are free. */
    uint32_t head = atomic_load_explicit(&p->ring->head, memory_order_acquire);
    uint32_t used = p->tail - head; /* modulo 2^32: exact while at most depth */
    if (used > p->depth) {
        return SB_QUEUE_CORRUPT;
    }
    *length = used;
    return SB_QUEUE_OK;
}

/* Producer: true when no slot is free; also true when the ring is corrupt (enqueue says which). */
/*@ requires sb_producer_ok(p);
    assigns \nothing;
    ensures \result <==> sb_dist(p->ring->head, p->tail) >= p->depth; */
static inline bool sb_queue_full(const sb_queue_producer_t *p)
{
    uint32_t used = 0;
    return sb_queue_producer_length(p, &used) != SB_QUEUE_OK || used == p->depth;
}

/*
 * Producer: publish one entry into a slot the caller already knows is free, from a count of its
 * own checked against a head it read before (the consumer can only free more slots since), so
 * the consumer's head is not read again (that read was the acquire: the consumer's reads of the
 * slots it had freed happen before our writes to them). The slot written is always one of the
 * ring's: a consumer that moved its head back meanwhile loses only its own entries, and the
 * producer's next read of the head (sb_queue_producer_length, sb_queue_enqueue) finds an
 * impossible one.
 */
/*@ requires sb_producer_ok(p) && \valid(p) && \valid_read(entry);
    requires \separated(entry, p, p->ring);
    assigns p->tail, p->ring->tail, p->ring->entries[p->tail % p->depth];
    ensures p->ring->entries[\old(p->tail) % p->depth] == *entry;
    ensures p->tail == (uint32_t)(\old(p->tail) + 1) && p->ring->tail == p->tail;
*/
static inline void sb_queue_publish(sb_queue_producer_t *p, const sb_queue_entry_t *entry)
{
    p->ring->entries[p->tail % p->depth] = *entry;
    p->tail++;
    /* Release: the entry written above is visible before the new tail that publishes it. */
    atomic_store_explicit(&p->ring->tail, p->tail, memory_order_release);
}

/*
 * Producer: publish one entry. SB_QUEUE_FULL when no slot is free; SB_QUEUE_CORRUPT when the
 * consumer's head is impossible. Phase 1: kick after every SB_QUEUE_OK; Phase 2: kick only if
 * sb_queue_require_signal() says so.
 */
/*@ requires sb_producer_ok(p) && \valid(p) && \valid_read(entry);
    requires \separated(entry, p, p->ring);
    assigns p->tail, p->ring->tail, p->ring->entries[p->tail % p->depth];
    behavior corrupt:
      assumes sb_dist(p->ring->head, p->tail) > p->depth;
      assigns \nothing;
      ensures \result == SB_QUEUE_CORRUPT && sb_enqueue_untouched(p);
    behavior full:
      assumes sb_dist(p->ring->head, p->tail) == p->depth;
      assigns \nothing;
      ensures \result == SB_QUEUE_FULL && sb_enqueue_untouched(p);
    behavior published:
      assumes sb_dist(p->ring->head, p->tail) < p->depth;
      ensures \result == SB_QUEUE_OK;
      ensures p->ring->entries[\old(p->tail) % p->depth] == *entry;
      ensures p->tail == (uint32_t)(\old(p->tail) + 1) && p->ring->tail == p->tail;
    complete behaviors;
    disjoint behaviors;
*/
static inline sb_queue_status_t sb_queue_enqueue(sb_queue_producer_t *p,
                                                 const sb_queue_entry_t *entry)
{
    /* Acquire: the consumer's reads of the slot we reuse happen before our write to it. */
    uint32_t head = atomic_load_explicit(&p->ring->head, memory_order_acquire);
    uint32_t used = p->tail - head;
    if (used > p->depth) {
        return SB_QUEUE_CORRUPT;
    }
    if (used == p->depth) {
        return SB_QUEUE_FULL;
    }
    sb_queue_publish(p, entry);
    return SB_QUEUE_OK;
}

/*
 * Producer: publish up to @n entries from @entries with a single tail update; *@done says how
 * many (fewer than @n when the ring fills, possibly 0). SB_QUEUE_CORRUPT (and *@done = 0) when
 * the consumer's head is impossible.
 */
/*@ requires sb_producer_ok(p) && \valid(p);
    requires \valid(done) && \valid_read(entries + (0 .. n - 1));
    requires \separated(done, p, p->ring, entries + (0 .. n - 1));
    requires \separated(entries + (0 .. n - 1), p, p->ring);
    assigns *done, p->tail, p->ring->tail, p->ring->entries[0 .. SB_QUEUE_MAX_DEPTH - 1];
    behavior corrupt:
      assumes sb_dist(p->ring->head, p->tail) > p->depth;
      assigns *done;
      ensures \result == SB_QUEUE_CORRUPT && *done == 0;
    behavior published:
      assumes sb_dist(p->ring->head, p->tail) <= p->depth;
      ensures \result == SB_QUEUE_OK;
      ensures *done == sb_min(n, p->depth - sb_dist(\old(p->ring->head), \old(p->tail)));
      ensures p->tail == (uint32_t)(\old(p->tail) + *done) && p->ring->tail == p->tail;
      ensures \forall integer j; 0 <= j < *done ==>
        p->ring->entries[sb_slot_after(\old(p->tail) % p->depth, j, p->depth)] == \old(entries[j]);
      ensures \forall integer k; 0 <= k < SB_QUEUE_MAX_DEPTH ==>
        !sb_slot_taken(k, \old(p->tail) % p->depth, *done, p->depth) ==>
        p->ring->entries[k] == \old(p->ring->entries[k]);
    complete behaviors;
    disjoint behaviors;
*/
static inline sb_queue_status_t sb_queue_enqueue_batch(sb_queue_producer_t *p,
                                                       const sb_queue_entry_t *entries,
                                                       uint32_t n, uint32_t *done)
{
    sb_queue_t *ring = p->ring;
    uint32_t depth = p->depth;
    /* Acquire: as in sb_queue_enqueue. */
    uint32_t head = atomic_load_explicit(&ring->head, memory_order_acquire);
    uint32_t used = p->tail - head;
    *done = 0;
    if (used > depth) {
        return SB_QUEUE_CORRUPT;
    }
    uint32_t count = depth - used;
    if (n < count) {
        count = n;
    }
    /* The slot goes round on its own, so it never leaves [0, depth) whatever the index does. */
    const uint32_t first = p->tail % depth;
    uint32_t slot = first;
    /*@ loop invariant 0 <= i <= count <= depth;
        loop invariant 0 <= slot < depth;
        loop invariant i < depth ==> slot == sb_slot_after(first, i, depth);
        loop invariant \forall integer j; 0 <= j < i ==>
          ring->entries[sb_slot_after(first, j, depth)] == \at(entries[j], Pre);
        loop invariant \forall integer k; 0 <= k < SB_QUEUE_MAX_DEPTH ==>
          !sb_slot_taken(k, first, i, depth) ==>
          ring->entries[k] == \at(ring->entries[k], LoopEntry);
        loop assigns i, slot, ring->entries[0 .. SB_QUEUE_MAX_DEPTH - 1];
        loop variant count - i; */
    for (uint32_t i = 0; i < count; i++) {
        ring->entries[slot] = entries[i];
        /*@ assert \forall integer k; 0 <= k < SB_QUEUE_MAX_DEPTH && k != slot ==>
              ring->entries[k] == \at(ring->entries[k], LoopCurrent); */
        slot = slot + 1 == depth ? 0 : slot + 1;
    }
    p->tail += count;
    /* Release: all count entries are visible before the tail that publishes them. */
    atomic_store_explicit(&p->ring->tail, p->tail, memory_order_release);
    *done = count;
    return SB_QUEUE_OK;
}

/*
 * Consumer: how many published entries wait to be dequeued, in *@length. SB_QUEUE_CORRUPT when
 * the producer's tail is not within depth entries ahead of our head.
 */
/*@ requires sb_consumer_ok(c) && \valid(length) && \separated(length, c, c->ring);
    assigns *length;
    behavior corrupt:
      assumes sb_dist(c->head, c->ring->tail) > c->depth;
      assigns \nothing;
      ensures \result == SB_QUEUE_CORRUPT;
    behavior counted:
      assumes sb_dist(c->head, c->ring->tail) <= c->depth;
      ensures \result == SB_QUEUE_OK && *length == sb_dist(c->head, c->ring->tail);
    complete behaviors;
    disjoint behaviors;
*/
static inline sb_queue_status_t sb_queue_length(const sb_queue_consumer_t *c, uint32_t *length)
{
    /* Acquire: pairs with the producer's release of tail, so the entries counted are readable. */
    uint32_t tail = atomic_load_explicit(&c->ring->tail, memory_order_acquire);
    uint32_t avail = tail - c->head;
    if (avail > c->depth) {
        return SB_QUEUE_CORRUPT;
    }
    *length = avail;
    return SB_QUEUE_OK;
}

/*
 * Consumer: true when nothing is published. A corrupt ring reads as not empty, so that a consumer
 * that re-checks before sleeping goes on to sb_queue_dequeue() and learns SB_QUEUE_CORRUPT.
 */
/*@ requires sb_consumer_ok(c);
    assigns \nothing;
    ensures \result <==> sb_dist(c->head, c->ring->tail) == 0; */
static inline bool sb_queue_empty(const sb_queue_consumer_t *c)
{
    uint32_t avail = 0;
    return sb_queue_length(c, &avail) == SB_QUEUE_OK && avail == 0;
}

/*
 * Consumer: take the oldest published entry into *@entry (a private copy). SB_QUEUE_EMPTY when
 * none; SB_QUEUE_CORRUPT when the producer's tail is impossible.
 */
/*@ requires sb_consumer_ok(c) && \valid(c) && \valid(entry);
    requires \separated(entry, c, c->ring);
    assigns c->head, c->ring->head, *entry;
    behavior corrupt:
      assumes sb_dist(c->head, c->ring->tail) > c->depth;
      assigns \nothing;
      ensures \result == SB_QUEUE_CORRUPT && sb_dequeue_untouched(c, entry);
    behavior empty:
      assumes sb_dist(c->head, c->ring->tail) == 0;
      assigns \nothing;
      ensures \result == SB_QUEUE_EMPTY && sb_dequeue_untouched(c, entry);
    behavior taken:
      assumes 0 < sb_dist(c->head, c->ring->tail) <= c->depth;
      ensures \result == SB_QUEUE_OK;
      ensures *entry == \old(c->ring->entries[c->head % c->depth]);
      ensures c->head == (uint32_t)(\old(c->head) + 1) && c->ring->head == c->head;
    complete behaviors;
    disjoint behaviors;
*/
static inline sb_queue_status_t sb_queue_dequeue(sb_queue_consumer_t *c, sb_queue_entry_t *entry)
{
    /* Acquire: pairs with the producer's release of tail; the entry below is fully written. */
    uint32_t tail = atomic_load_explicit(&c->ring->tail, memory_order_acquire);
    uint32_t avail = tail - c->head;
    if (avail > c->depth) {
        return SB_QUEUE_CORRUPT;
    }
    if (avail == 0) {
        return SB_QUEUE_EMPTY;
    }
    *entry = c->ring->entries[c->head % c->depth];
    c->head++;
    /* Release: our read of the entry happens before the producer may reuse its slot. */
    atomic_store_explicit(&c->ring->head, c->head, memory_order_release);
    return SB_QUEUE_OK;
}

/*
 * Consumer: take up to @n of the oldest published entries into @entries with a single head
 * update; *@done says how many (0 when none is published). SB_QUEUE_CORRUPT (and *@done = 0)
 * when the producer's tail is impossible.
 */
/*@ requires sb_consumer_ok(c) && \valid(c);
    requires \valid(done) && \valid(entries + (0 .. n - 1));
    requires \separated(done, c, c->ring, entries + (0 .. n - 1));
    requires \separated(entries + (0 .. n - 1), c, c->ring);
    assigns *done, c->head, c->ring->head, entries[0 .. n - 1];
    behavior corrupt:
      assumes sb_dist(c->head, c->ring->tail) > c->depth;
      assigns *done;
      ensures \result == SB_QUEUE_CORRUPT && *done == 0;
    behavior taken:
      assumes sb_dist(c->head, c->ring->tail) <= c->depth;
      ensures \result == SB_QUEUE_OK;
      ensures *done == sb_min(n, sb_dist(\old(c->head), \old(c->ring->tail)));
      ensures c->head == (uint32_t)(\old(c->head) + *done) && c->ring->head == c->head;
      ensures \forall integer j; 0 <= j < *done ==>
        entries[j] == \old(c->ring->entries[sb_slot_after(c->head % c->depth, j, c->depth)]);
    complete behaviors;
    disjoint behaviors;
*/
static inline sb_queue_status_t sb_queue_dequeue_batch(sb_queue_consumer_t *c,
                                                       sb_queue_entry_t *entries, uint32_t n,
                                                       uint32_t *done)
{
    const sb_queue_t *ring = c->ring;
    uint32_t depth = c->depth;
    /* Acquire: as in sb_queue_dequeue. */
    uint32_t tail = atomic_load_explicit(&ring->tail, memory_order_acquire);
    uint32_t avail = tail - c->head;
    *done = 0;
    if (avail > depth) {
        return SB_QUEUE_CORRUPT;
    }
    uint32_t count = avail;
    if (n < count) {
        count = n;
    }
    const uint32_t first = c->head % depth;
    uint32_t slot = first;
    /*@ loop invariant 0 <= i <= count <= depth;
        loop invariant 0 <= slot < depth;
        loop invariant i < depth ==> slot == sb_slot_after(first, i, depth);
        loop invariant \forall integer j; 0 <= j < i ==>
          entries[j] == \at(ring->entries[sb_slot_after(first, j, depth)], LoopEntry);
        loop assigns i, slot, entries[0 .. n - 1];
        loop variant count - i; */
    for (uint32_t i = 0; i < count; i++) {
        entries[i] = ring->entries[slot];
        /*@ assert \forall integer j; 0 <= j < i ==> entries[j] == \at(entries[j], LoopCurrent); */
        slot = slot + 1 == depth ? 0 : slot + 1;
    }
    c->head += count;
    /* Release: our reads of all count entries happen before their slots can be reused. */
    atomic_store_explicit(&c->ring->head, c->head, memory_order_release);
    *done = count;
    return SB_QUEUE_OK;
}

/*
 * Phase 2 signalling. The consumer, about to sleep on its notification, asks to be signalled,
 * then looks at the ring once more; the producer, after publishing, signals only if asked:
 *
 *   consumer                                    producer
 *     sb_queue_request_signal(c);                 sb_queue_enqueue(p, &e);     (release tail)
 *     if (!sb_queue_empty(c)) {                   if (sb_queue_require_signal(p))
 *         sb_queue_cancel_signal(c);                  seL4_Signal(kick);
 *         continue draining;
 *     }
 *     seL4_Wait(notification);
 *     sb_queue_cancel_signal(c);
 *
 * This is the store-buffering pattern: each side stores (flag; tail), then loads what the other
 * stored (tail; flag). Release/acquire alone allow both loads to miss both stores — the consumer
 * sleeps on an empty-looking ring while the producer sees no request for a signal: a lost
 * wake-up. A seq_cst fence between the store and the load on both sides forbids that outcome.
 * A signal that arrives when the consumer is awake is not lost either: an seL4 notification
 * keeps it pending, so the next seL4_Wait returns at once.
 *
 * proofs/spin/kick.pml model-checks this protocol, both phases, with store buffers standing for
 * the reordering the fences forbid; it finds the lost wake-up when the re-check or the fences
 * are taken out. Its lines follow these functions, each marked with the function's name:
 *   proctype client: sb_queue_enqueue (acquire head, full check, release tail), then
 *                    sb_queue_require_signal (fence, flag load) and seL4_Signal;
 *   proctype server: sb_queue_dequeue (acquire tail, release head), then
 *                    sb_queue_request_signal (flag store, fence), the re-check (sb_queue_empty),
 *                    seL4_Wait, sb_queue_cancel_signal.
 *
 * The flag is written only by the consumer, so the producer never races to clear it; a hostile
 * consumer can only make its own producer signal too often or too rarely.
 */

/* Consumer: ask the producer to signal after its next publish. Ends with a seq_cst fence. */
/*@ requires sb_consumer_ok(c);
    assigns c->ring->signal_wanted;
    ensures c->ring->signal_wanted == 1; */
static inline void sb_queue_request_signal(sb_queue_consumer_t *c)
{
    sb_flag_store(&c->ring->signal_wanted, 1);
    /* seq_cst fence: the flag store is ordered before the re-check's load of tail. */
    atomic_thread_fence(memory_order_seq_cst);
}

/* Consumer: withdraw the request (awake again, or the re-check found work). */
/*@ requires sb_consumer_ok(c);
    assigns c->ring->signal_wanted;
    ensures c->ring->signal_wanted == 0; */
static inline void sb_queue_cancel_signal(sb_queue_consumer_t *c)
{
    sb_flag_store(&c->ring->signal_wanted, 0);
}

/* Producer: after publishing, true when the consumer asked to be signalled. */
/*@ requires sb_producer_ok(p);
    assigns \nothing;
    ensures \result <==> p->ring->signal_wanted != 0; */
static inline bool sb_queue_require_signal(const sb_queue_producer_t *p)
{
    /* seq_cst fence: our release store of tail is ordered before the load of the flag. */
    atomic_thread_fence(memory_order_seq_cst);
    return sb_flag_load(&p->ring->signal_wanted) != 0;
}
