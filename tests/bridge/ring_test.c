/*
 * The kick / completion cycle: requests through the granted rings, answered exactly once and in
 * order — one at a time, pipelined to the ring's depth, batched — in Phase 1 (kick every enqueue)
 * and Phase 2 (kick when asked), the synchronous kick, unknown ops, and indices crossing 2^32.
 * The server and the client are components, each in an address space of its own (on seL4).
 */
#include "support/testsys.h"

#define OP_TWICE 1   /* result[0] = 2 * arg[0] + 1, result[1] = arg[1] ^ id */
#define OP_UNKNOWN 99

static sb_status_t handler(void *ctx, uint32_t session, const sb_queue_entry_t *rq,
                           uint64_t result[2])
{
    (void)ctx, (void)session;
    if (rq->op != OP_TWICE) {
        return SB_ERR_UNKNOWN_REQUEST;
    }
    result[0] = 2 * rq->arg[0] + 1;
    result[1] = rq->arg[1] ^ rq->id;
    return SB_OK;
}

static sb_queue_entry_t request(uint64_t id)
{
    return (sb_queue_entry_t){.id = id, .op = OP_TWICE, .arg = {id * 3, ~id}};
}

static bool answers(const sb_queue_entry_t *done, uint64_t id)
{
    return done->id == id && done->op == OP_TWICE && done->status == SB_OK &&
           done->arg[0] == 2 * (id * 3) + 1 && done->arg[1] == (~id ^ id);
}

/* Reap one completion, waiting if none is there yet. */
static sb_status_t reap_one(sb_client_t *c, sb_queue_entry_t *done)
{
    for (;;) {
        sb_status_t st = sb_client_reap(c, done);
        if (st != SB_ERR_RING_EMPTY) {
            return st;
        }
        st = sb_client_wait(c);
        if (st != SB_OK) {
            return st;
        }
    }
}

/* @n requests, at most @window in flight, submitted @batch at a time; every completion checked
 * for identity, order and result. Returns the number answered correctly. */
static uint64_t run(sb_client_t *c, uint64_t n, uint32_t window, uint32_t batch)
{
    uint64_t next = 1, expect = 1, good = 0;
    while (expect <= n) {
        while (next <= n && c->in_flight + batch <= window) {
            sb_queue_entry_t rq[64];
            uint32_t b = (uint32_t)(n - next + 1 < batch ? n - next + 1 : batch), done = 0;
            for (uint32_t i = 0; i < b; i++) {
                rq[i] = request(next + i);
            }
            sb_status_t st = b == 1 ? sb_client_submit(c, rq) : sb_client_submit_batch(c, rq, b, &done);
            if (b == 1 && st == SB_OK) {
                done = 1;
            }
            TS_CHECK(st == SB_OK && done == b, "submit %lu: %s, %u of %u",
                     (unsigned long)next, sb_status_name(st), done, b);
            if (st != SB_OK) {
                return good;
            }
            next += done;
        }
        sb_queue_entry_t done = {0};
        sb_status_t st = reap_one(c, &done);
        TS_CHECK_STATUS(st, SB_OK);
        if (st != SB_OK) {
            return good;
        }
        TS_CHECK(answers(&done, expect), "completion %lu: id %lu status %u", (unsigned long)expect,
                 (unsigned long)done.id, done.status);
        good += answers(&done, expect);
        expect++;
    }
    return good;
}

static void cycle_client(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    uint64_t total_requests = 0; /* on our stack: the client may be a component (no data) */
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    struct {
        sb_phase_t phase;
        uint16_t depth;
        uint32_t window, batch;
        uint64_t n;
        const char *what;
    } cases[] = {
        {SB_PHASE_KICK_EVERY_ENQUEUE, 8, 1, 1, 2000, "phase 1, one at a time"},
        {SB_PHASE_KICK_EVERY_ENQUEUE, 8, 8, 1, 4000, "phase 1, pipelined to depth 8"},
        {SB_PHASE_KICK_EVERY_ENQUEUE, 64, 64, 8, 4000, "phase 1, batches of 8"},
        {SB_PHASE_KICK_EVERY_ENQUEUE, 64, 64, 64, 4096, "phase 1, batches of 64"},
        {SB_PHASE_SIGNAL_WHEN_ASKED, 8, 1, 1, 2000, "phase 2, one at a time"},
        {SB_PHASE_SIGNAL_WHEN_ASKED, 16, 16, 1, 4000, "phase 2, pipelined to depth 16"},
        {SB_PHASE_SIGNAL_WHEN_ASKED, 64, 64, 8, 4000, "phase 2, batches of 8"},
        {SB_PHASE_KICK_EVERY_ENQUEUE, 1, 1, 1, 500, "phase 1, depth 1"},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        TS_CHECK_STATUS(sb_client_open(c, 4, cases[i].depth, cases[i].phase), SB_OK);
        uint64_t kicks = c->kicks;
        uint64_t good = run(c, cases[i].n, cases[i].window, cases[i].batch);
        uint64_t sent = c->kicks - kicks;
        uint64_t submits = (cases[i].n + cases[i].batch - 1) / cases[i].batch;
        TS_CHECK(good == cases[i].n, "%s: %lu of %lu answered", cases[i].what,
                 (unsigned long)good, (unsigned long)cases[i].n);
        if (cases[i].phase == SB_PHASE_KICK_EVERY_ENQUEUE) {
            TS_CHECK(sent == submits, "%s: %lu kicks for %lu submits", cases[i].what,
                     (unsigned long)sent, (unsigned long)submits);
        } else {
            TS_CHECK(sent <= submits, "%s: %lu kicks for %lu submits", cases[i].what,
                     (unsigned long)sent, (unsigned long)submits);
        }
        plat_printf("  %-32s %5lu requests, %5lu answered, %5lu kicks\n", cases[i].what,
                    (unsigned long)cases[i].n, (unsigned long)good, (unsigned long)sent);
        total_requests += cases[i].n;
        /* The ring is full to depth and no more: the next submit is refused, not lost. */
        for (uint32_t k = 0; k < cases[i].depth; k++) {
            sb_queue_entry_t rq = request(k);
            TS_CHECK_STATUS(sb_client_submit(c, &rq), SB_OK);
        }
        sb_queue_entry_t rq = request(0), done = {0};
        TS_CHECK_STATUS(sb_client_submit(c, &rq), SB_ERR_RING_FULL);
        for (uint32_t k = 0; k < cases[i].depth; k++) {
            TS_CHECK_STATUS(reap_one(c, &done), SB_OK);
        }
        total_requests += cases[i].depth;
        TS_CHECK_STATUS(sb_client_reap(c, &done), SB_ERR_RING_EMPTY);
        uint64_t served = 0;
        TS_CHECK_STATUS(sb_client_close(c, &served), SB_OK);
        TS_CHECK(served == cases[i].n + cases[i].depth, "%s: served %lu", cases[i].what,
                 (unsigned long)served);
    }

    /* The synchronous kick: publish without a signal, then one call drains the ring. */
    TS_CHECK_STATUS(sb_client_open(c, 4, 16, SB_PHASE_SIGNAL_WHEN_ASKED), SB_OK);
    for (uint64_t id = 1; id <= 10; id++) {
        sb_queue_entry_t rq = request(id);
        TS_CHECK(sb_queue_enqueue(&c->requests, &rq) == SB_QUEUE_OK, "enqueue %lu",
                 (unsigned long)id);
        c->in_flight++;
    }
    uint32_t consumed = 0, completed = 0;
    TS_CHECK_STATUS(sb_client_kick_call(c, &consumed, &completed), SB_OK);
    TS_CHECK(consumed == 10 && completed == 10, "kick call: consumed %u completed %u", consumed,
             completed);
    for (uint64_t id = 1; id <= 10; id++) {
        sb_queue_entry_t done = {0};
        TS_CHECK_STATUS(sb_client_reap(c, &done), SB_OK); /* already there: no wait */
        TS_CHECK(answers(&done, id), "kick-call completion %lu", (unsigned long)id);
    }
    total_requests += 10;
    /* An op the handler does not know: answered, with the handler's status. */
    sb_queue_entry_t rq = {.id = 5, .op = OP_UNKNOWN}, done = {0};
    TS_CHECK_STATUS(sb_client_submit(c, &rq), SB_OK);
    TS_CHECK_STATUS(reap_one(c, &done), SB_OK);
    TS_CHECK(done.id == 5 && done.op == OP_UNKNOWN && done.status == SB_ERR_UNKNOWN_REQUEST,
             "unknown op answered with status %u", done.status);
    total_requests += 1;
    sb_stats_t st;
    TS_CHECK_STATUS(sb_client_stats(c, &st), SB_OK);
    TS_CHECK(st.ring_requests == total_requests, "server completed %lu, client counted %lu",
             (unsigned long)st.ring_requests, (unsigned long)total_requests);
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
    tc->result = 0;
}

/* Rings that start 20 entries before 2^32: every index crosses the wrap. */
static void wrap_client(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    for (int phase = 0; phase < 2; phase++) {
        TS_CHECK_STATUS(sb_client_open(c, 4, 8, (sb_phase_t)phase), SB_OK);
        TS_CHECK(c->requests.tail == UINT32_MAX - 19, "ring starts near the wrap: %u",
                 c->requests.tail);
        TS_CHECK(run(c, 300, 8, 1) == 300, "300 answered across the wrap (phase %d)", phase + 1);
        TS_CHECK(c->requests.tail == 280 && c->completions.head == 280,
                 "indices wrapped: tail %u head %u", c->requests.tail, c->completions.head);
        TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
    }
    tc->result = 0;
}

static void one(ts_client_fn fn, uint32_t ring_start, const char *what)
{
    static ts_server_t srv;
    srv = (ts_server_t){.cfg = {.max_sessions = 2, .max_bundle = 8, .pool_frames = 8,
                                .default_depth = 32, .request = handler,
                                .ring_start = ring_start}};
    TS_CHECK(ts_server_start(&srv) == 0 && srv.init_status == SB_OK, "server");
    ts_client_t c;
    TS_CHECK(ts_client_create(&srv, &c, 1, ts_client_rights(), fn, NULL, 0) == 0, "client");
    plat_printf("%s\n", what);
    ts_client_start(&c);
    TS_CHECK(ts_client_join(&c) == 0 && c.result == 0, "%s: client ran to the end", what);
    ts_client_destroy(&c);
    TS_CHECK(ts_server_stop(&srv) == 0, "server stopped");
}

int main(void)
{
    plat_init();
    ts_address_space = PLAT_AS_SEPARATE;
    one(cycle_client, 0, "kick / completion cycle:");
    one(wrap_client, UINT32_MAX - 19, "indices across 2^32:");
    ts_exit("bridge_ring");
}
