/*
 * The driver Frama-C's Eva analyses: a ring driven through every operation — across the 2^32
 * wrap, full and empty, batched, and with a peer writing impossible indices — so that Eva can
 * show no undefined behaviour on any path it reaches (no alarm).
 */
#include <sel4bridge/queue.h>

#include "__fc_builtin.h"

static sb_queue_t ring;
static sb_queue_entry_t batch[SB_QUEUE_MAX_DEPTH];
static sb_queue_entry_t taken[SB_QUEUE_MAX_DEPTH];

static sb_queue_entry_t entry(uint64_t n)
{
    sb_queue_entry_t e = {.id = n, .op = 1, .status = 0, .arg = {n, ~n}};
    return e;
}

static int drive(uint32_t start, uint32_t depth)
{
    sb_queue_producer_t p;
    sb_queue_consumer_t c;
    sb_queue_entry_t e;
    uint32_t n = 0, done = 0;
    int bad = 0;

    sb_queue_init(&ring, start);
    if (sb_queue_producer_attach(&p, &ring, depth) != SB_QUEUE_OK ||
        sb_queue_consumer_attach(&c, &ring, depth) != SB_QUEUE_OK) {
        return 1;
    }
    /* Fill one at a time until full, then drain, twice: the indices cross 2^32. */
    for (int round = 0; round < 2; round++) {
        for (uint64_t i = 0; !sb_queue_full(&p); i++) {
            e = entry(i);
            bad |= sb_queue_enqueue(&p, &e) != SB_QUEUE_OK;
        }
        e = entry(99);
        bad |= sb_queue_enqueue(&p, &e) != SB_QUEUE_FULL;
        bad |= sb_queue_producer_length(&p, &n) != SB_QUEUE_OK || n != depth;
        while (!sb_queue_empty(&c)) {
            bad |= sb_queue_dequeue(&c, &e) != SB_QUEUE_OK;
        }
        bad |= sb_queue_dequeue(&c, &e) != SB_QUEUE_EMPTY;
    }
    /* Batches. */
    for (uint32_t i = 0; i < SB_QUEUE_MAX_DEPTH; i++) {
        batch[i] = entry(i);
    }
    bad |= sb_queue_enqueue_batch(&p, batch, SB_QUEUE_MAX_DEPTH, &done) != SB_QUEUE_OK;
    bad |= sb_queue_length(&c, &n) != SB_QUEUE_OK || n != done;
    bad |= sb_queue_dequeue_batch(&c, taken, SB_QUEUE_MAX_DEPTH, &done) != SB_QUEUE_OK;
    /* Phase 2 verbs. */
    sb_queue_request_signal(&c);
    bad |= !sb_queue_require_signal(&p);
    sb_queue_cancel_signal(&c);
    bad |= sb_queue_require_signal(&p);
    /* A hostile peer writes any index: every operation answers, none reads outside the ring. */
    ring.tail = Frama_C_unsigned_int_interval(0, UINT32_MAX);
    ring.head = Frama_C_unsigned_int_interval(0, UINT32_MAX);
    (void)sb_queue_dequeue(&c, &e);
    (void)sb_queue_dequeue_batch(&c, taken, SB_QUEUE_MAX_DEPTH, &done);
    (void)sb_queue_length(&c, &n);
    (void)sb_queue_empty(&c);
    e = entry(7);
    (void)sb_queue_enqueue(&p, &e);
    (void)sb_queue_enqueue_batch(&p, batch, SB_QUEUE_MAX_DEPTH, &done);
    (void)sb_queue_producer_length(&p, &n);
    (void)sb_queue_full(&p);
    (void)sb_queue_status_name(sb_queue_dequeue(&c, &e));
    (void)sb_queue_status_message(SB_QUEUE_CORRUPT);
    return bad;
}

int main(void)
{
    int bad = 0;
    static const uint32_t depths[] = {1, 2, 4, 8, 16, 32, 64};
    for (unsigned i = 0; i < sizeof depths / sizeof depths[0]; i++) {
        bad |= drive(UINT32_MAX - depths[i] / 2, depths[i]);
    }
    /* A depth nobody may use is refused. */
    sb_queue_producer_t p;
    bad |= sb_queue_producer_attach(&p, &ring, 48) != SB_QUEUE_BAD_DEPTH;
    return bad;
}
