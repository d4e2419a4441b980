/*
 * Ring requests completed later: the request handler says SB_DEFERRED, and the application
 * completes them by id (sb_server_complete) when another request arrives — in another order, for
 * another session, in Phase 1 and Phase 2, up to the ring's depth pending at once; a session
 * closed with requests pending has them dropped, and completing one of those is refused. The
 * server and every client are components, each in an address space of its own (on seL4).
 */
#include "support/testsys.h"

#define OP_DEFER 2u /* pending until a flush */
#define OP_FLUSH 3u /* complete every pending request, newest first; result: completed, refused */
#define OP_NO_SLOT 4u /* deferred with every pending slot of the session marked taken */
#define DEPTH 8u

/* The handler's pending requests: pages of their own, shared with the server. */
static struct {
    TS_PAGE_ALIGNED uint32_t count;
    struct {
        uint32_t session;
        uint64_t id, arg;
    } req[64];
} held;

static sb_status_t handler(void *ctx, uint32_t session, const sb_queue_entry_t *rq,
                           uint64_t result[2])
{
    ts_server_t *ts = ctx;
    if (rq->op == OP_DEFER) {
        if (held.count == 64) {
            return SB_ERR_NO_RESOURCES;
        }
        held.req[held.count].session = session;
        held.req[held.count].id = rq->id;
        held.req[held.count].arg = rq->arg[0];
        held.count++;
        return SB_DEFERRED;
    }
    if (rq->op == OP_NO_SLOT) {
        /* The session's pending word, the server's own, as no client can set it: all 64 slots
         * taken while fewer requests are held than the ring's depth. The drain must answer the
         * request now, "ring full", rather than take a slot past the word. */
        ts->server.sessions[session - 1].pending = ~(uint64_t)0;
        return SB_DEFERRED;
    }
    if (rq->op == OP_FLUSH) {
        uint64_t done = 0, refused = 0;
        while (held.count > 0) {
            held.count--;
            const uint64_t r[2] = {held.req[held.count].arg * 10, held.req[held.count].id};
            sb_status_t st = sb_server_complete(&ts->server, held.req[held.count].session,
                                                held.req[held.count].id, SB_OK, r);
            done += st == SB_OK;
            refused += st == SB_ERR_NO_CALLER;
        }
        result[0] = done;
        result[1] = refused;
        return SB_OK;
    }
    return SB_ERR_UNKNOWN_REQUEST;
}

static sb_status_t reap_one(sb_client_t *c, sb_queue_entry_t *done)
{
    sb_status_t st;
    while ((st = sb_client_reap(c, done)) == SB_ERR_RING_EMPTY) {
        if ((st = sb_client_wait(c)) != SB_OK) {
            return st;
        }
    }
    return st;
}

/* Submit @n deferred requests with ids from @first, and make sure the server has taken them. */
static void defer_n(sb_client_t *c, uint64_t first, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        sb_queue_entry_t rq = {.id = first + i, .op = OP_DEFER, .arg = {first + i}};
        TS_CHECK_STATUS(sb_client_submit(c, &rq), SB_OK);
    }
    uint32_t consumed = 0, completed = 0;
    TS_CHECK_STATUS(sb_client_kick_call(c, &consumed, &completed), SB_OK);
}

/* Client 1: a flush of its own, completions newest first; then a full ring of pending requests
 * that client 2 flushes. */
static void first(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    sb_queue_entry_t done;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, 4, DEPTH, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    defer_n(c, 1, 4);
    TS_CHECK(sb_client_reap(c, &done) == SB_ERR_RING_EMPTY, "nothing completed yet");
    sb_queue_entry_t flush = {.id = 5, .op = OP_FLUSH};
    TS_CHECK_STATUS(sb_client_submit(c, &flush), SB_OK);
    /* The flush completes 4, 3, 2, 1 from its handler, then itself. */
    static const uint64_t order[] = {4, 3, 2, 1};
    for (unsigned i = 0; i < 4; i++) {
        TS_CHECK_STATUS(reap_one(c, &done), SB_OK);
        TS_CHECK(done.id == order[i] && done.op == OP_DEFER && done.status == SB_OK &&
                     done.arg[0] == order[i] * 10,
                 "completion %u: id %lu", i, (unsigned long)done.id);
    }
    TS_CHECK_STATUS(reap_one(c, &done), SB_OK);
    TS_CHECK(done.id == 5 && done.arg[0] == 4 && done.arg[1] == 0, "the flush: %lu completed",
             (unsigned long)done.arg[0]);
    /* A whole ring's worth pending: our in-flight count is full, the server holds their room. */
    defer_n(c, 100, DEPTH);
    sb_queue_entry_t more = {.id = 200, .op = OP_DEFER};
    TS_CHECK_STATUS(sb_client_submit(c, &more), SB_ERR_RING_FULL);
    ts_sync(); /* client 2 flushes them */
    for (unsigned i = 0; i < DEPTH; i++) {
        TS_CHECK_STATUS(reap_one(c, &done), SB_OK);
        TS_CHECK(done.id == 100 + DEPTH - 1 - i && done.arg[0] == done.id * 10,
                 "completed later, by another session's request: id %lu", (unsigned long)done.id);
    }
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
    tc->result = 0;
}

/* Client 3, Phase 2: waits for completions another session's flush posts. */
static void phase2(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    sb_queue_entry_t done;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, 4, DEPTH, SB_PHASE_SIGNAL_WHEN_ASKED), SB_OK);
    defer_n(c, 300, 2);
    ts_sync(); /* the flush comes while we wait */
    for (unsigned i = 0; i < 2; i++) {
        TS_CHECK_STATUS(reap_one(c, &done), SB_OK);
        TS_CHECK(done.id == 301 - i, "phase 2 completion %lu", (unsigned long)done.id);
    }
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
    tc->result = 0;
}

/* Client 4: closes with two requests pending, and one deferred when the server's pending word
 * had no slot free (answered at once, "ring full"). */
static void closer(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, 4, DEPTH, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    defer_n(c, 400, 2);
    sb_queue_entry_t rq = {.id = 402, .op = OP_NO_SLOT}, done;
    TS_CHECK_STATUS(sb_client_submit(c, &rq), SB_OK);
    TS_CHECK_STATUS(reap_one(c, &done), SB_OK);
    TS_CHECK(done.id == 402 && done.op == OP_NO_SLOT && done.status == SB_ERR_RING_FULL,
             "a deferral with no pending slot free: id %lu status %u", (unsigned long)done.id,
             done.status);
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
    tc->result = 0;
}

/* Client 2: flushes on the root's word; says how many were completed and refused (on pages
 * shared with it alone). */
static struct {
    TS_PAGE_ALIGNED uint64_t v[3][2];
} flushed;
static void flusher(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    sb_queue_entry_t done;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, 4, DEPTH, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    for (unsigned i = 0; i < 3; i++) {
        ts_sync();
        sb_queue_entry_t flush = {.id = 1000 + i, .op = OP_FLUSH};
        TS_CHECK_STATUS(sb_client_submit(c, &flush), SB_OK);
        TS_CHECK_STATUS(reap_one(c, &done), SB_OK);
        flushed.v[i][0] = done.arg[0];
        flushed.v[i][1] = done.arg[1];
    }
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
    tc->result = 0;
}

int main(void)
{
    plat_init();
    ts_address_space = PLAT_AS_SEPARATE;
    static ts_server_t srv = {.cfg = {.max_sessions = 4, .max_bundle = 4, .pool_frames = 4,
                                      .default_depth = DEPTH, .request = handler},
                              .share = {{&held, sizeof held}}};
    TS_CHECK(ts_server_start(&srv) == 0 && srv.init_status == SB_OK, "server");
    ts_client_t c1, c2, c3, c4;
    TS_CHECK(ts_client_create(&srv, &c1, 1, ts_client_rights(), first, NULL, 0) == 0 &&
                 ts_client_create(&srv, &c2, 2, ts_client_rights(), flusher, NULL, 0) == 0 &&
                 ts_client_share(&c2, &flushed, sizeof flushed) == 0 &&
                 ts_client_create(&srv, &c3, 3, ts_client_rights(), phase2, NULL, 0) == 0 &&
                 ts_client_create(&srv, &c4, 4, ts_client_rights(), closer, NULL, 0) == 0,
             "clients");
    ts_client_start(&c2);
    ts_client_start(&c1);
    ts_await(&c1);  /* client 1 has a full ring pending */
    ts_await(&c2);
    ts_release(&c2); /* flush 1: client 1's eight */
    ts_release(&c1);
    TS_CHECK(ts_client_join(&c1) == 0 && c1.result == 0, "client 1");
    ts_client_start(&c3);
    ts_await(&c3);
    ts_await(&c2);
    ts_release(&c3); /* it waits (Phase 2: asks for the signal) */
    ts_release(&c2); /* flush 2: client 3's two */
    TS_CHECK(ts_client_join(&c3) == 0 && c3.result == 0, "client 3");
    ts_client_start(&c4);
    TS_CHECK(ts_client_join(&c4) == 0 && c4.result == 0, "client 4");
    ts_await(&c2);
    ts_release(&c2); /* flush 3: client 4's two, dropped with its bundle */
    TS_CHECK(ts_client_join(&c2) == 0 && c2.result == 0, "client 2");
    TS_CHECK(flushed.v[0][0] == DEPTH && flushed.v[0][1] == 0, "flush 1: %lu, %lu",
             (unsigned long)flushed.v[0][0], (unsigned long)flushed.v[0][1]);
    TS_CHECK(flushed.v[1][0] == 2 && flushed.v[1][1] == 0, "flush 2: %lu, %lu",
             (unsigned long)flushed.v[1][0], (unsigned long)flushed.v[1][1]);
    TS_CHECK(flushed.v[2][0] == 0 && flushed.v[2][1] == 2,
             "flush 3 refused the closed session's: %lu, %lu", (unsigned long)flushed.v[2][0],
             (unsigned long)flushed.v[2][1]);
    ts_client_destroy(&c1);
    ts_client_destroy(&c2);
    ts_client_destroy(&c3);
    ts_client_destroy(&c4);
    TS_CHECK(ts_server_stop(&srv) == 0, "server stopped");
    ts_exit("apps_pending");
}
