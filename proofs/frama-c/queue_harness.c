/*
 * Proof harnesses for the queue, in the manner of Kani's: each function takes its inputs as
 * arbitrary values (constrained only by `requires`), drives the real operations of queue.h and
 * states what must hold with `assert`. WP proves them for every input, so these are proofs, not
 * tests. They rely on the operations' contracts, proved separately in queue_contracts.c.
 */
#include <sel4bridge/queue.h>

/*@ axiomatic SbUnsignedWrap {
  // C11 6.2.5p9 and 6.3.1.3p2: a uint32_t result is the mathematical result reduced modulo 2^32.
  // WP's integer library (Cint) defines the conversion to uint32_t only for values already in
  // range and leaves it unspecified elsewhere, so nothing about wrap-around is provable without
  // this. The two axioms give the conversion its C meaning for one period on either side of the
  // range: exactly the values that a sum or a difference of two uint32_t can take, which is all
  // the queue computes. They agree with Cint's own axioms (results in range, identity in range).
  axiom sb_u32_wrap_up:
    \forall integer x; 4294967296 <= x < 8589934592 ==> (uint32_t)x == x - 4294967296;
  axiom sb_u32_wrap_down:
    \forall integer x; -4294967296 <= x < 0 ==> (uint32_t)x == x + 4294967296;
  }
*/

/*@
  // The consequences the harnesses use; WP proves every one (the provers manage modular
  // arithmetic by a constant, not by a depth that is one of seven constants: hence one lemma
  // per depth first, then the general ones from them).
  lemma sb_mod_period_1: \forall integer x; 0 <= x ==> (x + 4294967296) % 1 == x % 1;
  lemma sb_mod_period_2: \forall integer x; 0 <= x ==> (x + 4294967296) % 2 == x % 2;
  lemma sb_mod_period_4: \forall integer x; 0 <= x ==> (x + 4294967296) % 4 == x % 4;
  lemma sb_mod_period_8: \forall integer x; 0 <= x ==> (x + 4294967296) % 8 == x % 8;
  lemma sb_mod_period_16: \forall integer x; 0 <= x ==> (x + 4294967296) % 16 == x % 16;
  lemma sb_mod_period_32: \forall integer x; 0 <= x ==> (x + 4294967296) % 32 == x % 32;
  lemma sb_mod_period_64: \forall integer x; 0 <= x ==> (x + 4294967296) % 64 == x % 64;
  lemma sb_mod_step_1: \forall integer t, j; 0 <= t && 0 <= j <= 1 ==>
    (t + j) % 1 == sb_slot_after(t % 1, j, 1);
  lemma sb_mod_step_2: \forall integer t, j; 0 <= t && 0 <= j <= 2 ==>
    (t + j) % 2 == sb_slot_after(t % 2, j, 2);
  lemma sb_mod_step_4: \forall integer t, j; 0 <= t && 0 <= j <= 4 ==>
    (t + j) % 4 == sb_slot_after(t % 4, j, 4);
  lemma sb_mod_step_8: \forall integer t, j; 0 <= t && 0 <= j <= 8 ==>
    (t + j) % 8 == sb_slot_after(t % 8, j, 8);
  lemma sb_mod_step_16: \forall integer t, j; 0 <= t && 0 <= j <= 16 ==>
    (t + j) % 16 == sb_slot_after(t % 16, j, 16);
  lemma sb_mod_step_32: \forall integer t, j; 0 <= t && 0 <= j <= 32 ==>
    (t + j) % 32 == sb_slot_after(t % 32, j, 32);
  lemma sb_mod_step_64: \forall integer t, j; 0 <= t && 0 <= j <= 64 ==>
    (t + j) % 64 == sb_slot_after(t % 64, j, 64);
  lemma sb_mod_period:
    \forall integer x, d; 0 <= x && sb_depth_ok(d) ==> (x + 4294967296) % d == x % d;
  lemma sb_mod_step:
    \forall integer t, j, d; 0 <= t && 0 <= j <= d && sb_depth_ok(d) ==>
      (t + j) % d == sb_slot_after(t % d, j, d);

  // Because the depth divides 2^32, the slot of index t + j is j slots on from the slot of t,
  // even when t + j wraps.
  lemma sb_index_slot:
    \forall integer t, j, d; 0 <= t < 4294967296 && 0 <= j <= d && sb_depth_ok(d) ==>
      ((uint32_t)(t + j)) % d == sb_slot_after(t % d, j, d);

  // Counting from h to h + k gives k, across the wrap too.
  lemma sb_dist_after:
    \forall integer h, k; 0 <= h < 4294967296 && 0 <= k < 4294967296 ==>
      sb_dist(h, (uint32_t)(h + k)) == k;
*/

/*
 * The state the harnesses drive: the shared ring and each side's handle and buffers. They are
 * globals so that the provers see at once that they are apart (each is its own object); their
 * contents at the start of a harness are arbitrary, which is what the harness wants.
 */
static sb_queue_t ring;
static sb_queue_producer_t p;
static sb_queue_consumer_t c;
static sb_queue_entry_t out;
static sb_queue_entry_t items[SB_QUEUE_MAX_DEPTH];
static sb_queue_entry_t outs[SB_QUEUE_MAX_DEPTH];

/* A fresh ring at @start with both handles attached. */
/*@ requires sb_depth_ok(depth);
    assigns ring, p, c;
    ensures sb_producer_ok(&p) && sb_consumer_ok(&c) && p.ring == &ring && c.ring == &ring;
    ensures p.depth == depth && c.depth == depth;
    ensures p.tail == start && c.head == start && ring.tail == start && ring.head == start;
    ensures ring.signal_wanted == 0;
*/
static void setup(uint32_t start, uint32_t depth)
{
    sb_queue_init(&ring, start);
    sb_queue_status_t s = sb_queue_producer_attach(&p, &ring, depth);
    //@ assert s == SB_QUEUE_OK;
    s = sb_queue_consumer_attach(&c, &ring, depth);
    //@ assert s == SB_QUEUE_OK;
}

/* Round trip: what goes in comes out unchanged, and both indices move by one. */
/*@ requires sb_depth_ok(depth);
    requires \valid_read(in) && \separated(in, &ring, &p, &c, &out); */
void harness_round_trip(uint32_t start, uint32_t depth, const sb_queue_entry_t *in)
{
    setup(start, depth);
    sb_queue_status_t s = sb_queue_enqueue(&p, in);
    //@ assert s == SB_QUEUE_OK;
    s = sb_queue_dequeue(&c, &out);
    //@ assert s == SB_QUEUE_OK;
    //@ assert round_trip: out == *in;
    //@ assert indices: p.tail == (uint32_t)(start + 1) && c.head == p.tail;
    //@ assert published: ring.tail == p.tail && ring.head == c.head;
    bool empty = sb_queue_empty(&c);
    //@ assert empty_again: empty;
}

/* A full ring refuses, changes nothing, and accepts again once one entry is taken. */
/*@ requires sb_depth_ok(depth);
    requires \valid_read(extra) && \separated(extra, &ring, &p, &c, &out, &items[0 .. 63]); */
void harness_full_refuses(uint32_t start, uint32_t depth, const sb_queue_entry_t *extra)
{
    uint32_t done;
    setup(start, depth);
    sb_queue_status_t s = sb_queue_enqueue_batch(&p, items, depth, &done);
    //@ assert s == SB_QUEUE_OK && done == depth;
    //@ assert p.tail == (uint32_t)(start + depth) && ring.head == start;
    //@ assert sb_dist(start, (uint32_t)(start + depth)) == depth;
    bool full = sb_queue_full(&p);
    //@ assert full;
L:
    s = sb_queue_enqueue(&p, extra);
    //@ assert refused: s == SB_QUEUE_FULL;
    //@ assert unchanged: p.tail == \at(p.tail, L) && ring.tail == \at(ring.tail, L);
    // The one slot a refused enqueue could have written (its frame covers every other slot):
    //@ assert slot_unchanged: ring.entries[p.tail % depth] == \at(ring.entries[p.tail % depth], L);

    s = sb_queue_dequeue(&c, &out);
    //@ assert s == SB_QUEUE_OK && c.head == (uint32_t)(start + 1);
    //@ assert sb_dist((uint32_t)(start + 1), (uint32_t)(start + depth)) == depth - 1;
    s = sb_queue_enqueue(&p, extra);
    //@ assert accepted_again: s == SB_QUEUE_OK;
}

/*
 * FIFO: two entries in, the older comes out first, then the younger, then nothing — from any
 * start index, so also when the second entry's index wraps to 0.
 */
/*@ requires sb_depth_ok(depth) && depth >= 2;
    requires \valid_read(a) && \valid_read(b);
    requires \separated(a, &ring, &p, &c, &out) && \separated(b, &ring, &p, &c, &out); */
void harness_fifo(uint32_t start, uint32_t depth, const sb_queue_entry_t *a,
                  const sb_queue_entry_t *b)
{
    setup(start, depth);
    // The two slots used: consecutive going round, so different since depth >= 2.
    //@ ghost uint32_t s0 = start % depth;
    //@ ghost uint32_t s1 = (uint32_t)(start + 1) % depth;
    //@ assert s1 == sb_slot_after(s0, 1, depth) && s1 != s0;
    //@ assert sb_dist(start, (uint32_t)(start + 1)) == 1;
    //@ assert sb_dist(start, (uint32_t)(start + 2)) == 2;
    //@ assert sb_dist((uint32_t)(start + 1), (uint32_t)(start + 2)) == 1;

    sb_queue_status_t s = sb_queue_enqueue(&p, a);
    //@ assert f1: s == SB_QUEUE_OK && p.tail == (uint32_t)(start + 1) && ring.entries[s0] == *a;
    s = sb_queue_enqueue(&p, b);
    //@ assert f2: s == SB_QUEUE_OK && p.tail == (uint32_t)(start + 2) && ring.tail == p.tail;
    //@ assert f3: ring.entries[s1] == *b;
    //@ assert f4: ring.entries[s0] == *a;
    s = sb_queue_dequeue(&c, &out);
    //@ assert first_in_first_out: s == SB_QUEUE_OK && out == *a;
    //@ assert f5: c.head == (uint32_t)(start + 1) && ring.tail == p.tail;
    s = sb_queue_dequeue(&c, &out);
    //@ assert then_second: s == SB_QUEUE_OK && out == *b;
    //@ assert f6: c.head == (uint32_t)(start + 2) && ring.tail == c.head;
    s = sb_queue_dequeue(&c, &out);
    //@ assert then_nothing: s == SB_QUEUE_EMPTY;
}

/*
 * Across 2^32: starting at most depth - 1 entries before UINT32_MAX, a full batch in and a full
 * batch out wrap both indices, keep the count right on the way, and return the entries in order.
 */
/*@ requires sb_depth_ok(depth) && 0 <= back < depth; */
void harness_wrap(uint32_t back, uint32_t depth)
{
    uint32_t done, length;
    const uint32_t start = UINT32_MAX - back;
    setup(start, depth);

    sb_queue_status_t s = sb_queue_enqueue_batch(&p, items, depth, &done);
    //@ assert s == SB_QUEUE_OK && done == depth;
    //@ assert tail_wrapped: p.tail == depth - back - 1 && p.tail < start;
    s = sb_queue_length(&c, &length);
    //@ assert count_across_wrap: s == SB_QUEUE_OK && length == depth;

    s = sb_queue_dequeue_batch(&c, outs, depth, &done);
    //@ assert s == SB_QUEUE_OK && done == depth;
    //@ assert in_order: \forall integer j; 0 <= j < depth ==> outs[j] == items[j];
    //@ assert head_wrapped: c.head == p.tail && ring.head == ring.tail;
    bool empty = sb_queue_empty(&c);
    //@ assert empty;
}

/*
 * A hostile producer has written any tail at all into the frame: the consumer takes an entry,
 * says EMPTY, or says CORRUPT and changes nothing — it never reads outside the ring (the RTE
 * goals of sb_queue_dequeue prove that part for every tail).
 */
/*@ requires sb_depth_ok(depth); */
void harness_hostile_tail(uint32_t depth, uint32_t any_tail)
{
    sb_queue_status_t s = sb_queue_consumer_attach(&c, &ring, depth);
    //@ assert s == SB_QUEUE_OK;
    ring.tail = any_tail;
L:
    s = sb_queue_dequeue(&c, &out);
    //@ assert s == SB_QUEUE_CORRUPT <==> sb_dist(\at(c.head, L), any_tail) > depth;
    //@ assert s == SB_QUEUE_CORRUPT ==> c.head == \at(c.head, L) && ring.head == \at(ring.head, L);
    //@ assert s == SB_QUEUE_OK ==> 0 < sb_dist(\at(c.head, L), any_tail) <= depth;
}

/* The Phase 2 verbs: the producer sees exactly what the consumer last asked. */
/*@ requires sb_depth_ok(depth); */
void harness_signal_flag(uint32_t depth)
{
    setup(0, depth);
    bool wanted = sb_queue_require_signal(&p);
    //@ assert !wanted;
    sb_queue_request_signal(&c);
    wanted = sb_queue_require_signal(&p);
    //@ assert wanted;
    sb_queue_cancel_signal(&c);
    wanted = sb_queue_require_signal(&p);
    //@ assert !wanted;
}
