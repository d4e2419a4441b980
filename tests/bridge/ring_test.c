/*
 * The kick / completion cycle: requests through the granted rings, answered exactly once and in
 * order — one at a time, pipelined to the ring's depth, batched — in Phase 1 (kick every enqueue)
 * and Phase 2 (kick when asked), the synchronous kick, unknown ops, and indices crossing 2^32;
 * and a client that moves its completion head back in the middle of a session, which costs it
 * its bundle and nothing else. The server and the clients are components, each in an address
 * space of its own (on seL4).
 */
#include "support/testsys.h"

#include <stdatomic.h>

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

/* A server configured with no request handler: every ring request is answered
 * SB_ERR_UNKNOWN_REQUEST, its id and op echoed, no result words, and counted. */
static void no_handler_client(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, 4, 8, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    for (uint64_t id = 1; id <= 3; id++) {
        sb_queue_entry_t rq = request(id), done = {0};
        TS_CHECK_STATUS(sb_client_submit(c, &rq), SB_OK);
        TS_CHECK_STATUS(reap_one(c, &done), SB_OK);
        TS_CHECK(done.id == id && done.op == rq.op && done.status == SB_ERR_UNKNOWN_REQUEST &&
                     done.arg[0] == 0 && done.arg[1] == 0,
                 "request %lu: id %lu, op %u, status %u, results %lu %lu", (unsigned long)id,
                 (unsigned long)done.id, done.op, done.status, (unsigned long)done.arg[0],
                 (unsigned long)done.arg[1]);
    }
    uint64_t served = 0;
    TS_CHECK_STATUS(sb_client_close(c, &served), SB_OK);
    TS_CHECK(served == 3, "served %lu", (unsigned long)served);
    tc->result = 0;
}

static void one(ts_client_fn fn, uint32_t ring_start, sb_request_fn request, const char *what)
{
    static ts_server_t srv;
    srv = (ts_server_t){.cfg = {.max_sessions = 2, .max_bundle = 8, .pool_frames = 8,
                                .default_depth = 32, .request = request,
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

/*
 * A completion head moved back in the middle of a session. The server reads a client's completion
 * head only when the room it counted from its last read says full (ss->taken, kept from one drain
 * to the next) and publishes into that room, so a head the client moves back is found at the
 * first read after: impossible (more completions in flight than the ring holds), and the
 * session's bundle is revoked. Until then the requests published after the bad head are run into
 * the room counted: exactly depth - ss->taken of them (the root reads the count when the head
 * moves), and the drain that fills the room reads the head and revokes. It must cost the client
 * that bundle and the completions in it, and nothing else: no request is run past the room, the
 * session can be opened again, and another session is answered exactly after every attack. Each
 * attack in both phases, with the kick that follows the bad head either a signal or a
 * synchronous kick call.
 */
#define HEAD_DEPTH 8u
#define HEAD_ROUND_TRIPS 12u                /* completions published and reaped: 1.5 rings */
#define HEAD_UNREAPED 3u                    /* published; all but the first left in the ring */
#define HEAD_SERVED (HEAD_ROUND_TRIPS + HEAD_UNREAPED)
#define HEAD_AFTER_ID 0xbac0000000000001ull /* and on: published after the head moved back */
#define HEAD_ATTACKS 4

/* Counted by the server's handler; pages of their own, shared with the server. */
static struct {
    TS_PAGE_ALIGNED atomic_uint after_run;
} head_seen;

static sb_status_t head_handler(void *ctx, uint32_t session, const sb_queue_entry_t *rq,
                                uint64_t result[2])
{
    if (rq->id >= HEAD_AFTER_ID) {
        atomic_fetch_add(&head_seen.after_run, 1);
    }
    return handler(ctx, session, rq, result);
}

/* Page-aligned: shared with the attacker alone. */
typedef struct {
    TS_PAGE_ALIGNED sb_phase_t phase;
    bool kick_call; /* the kick after the bad head: a kick call, else a kick signal */
    uint32_t room;  /* set by the root before the head moves: depth - the server's ss->taken */
} head_attack_t;

/* Session 1: requests answered, the head moved back, the kick; then what the client sees. */
static void head_back_client(ts_client_t *tc)
{
    const head_attack_t *a = tc->arg;
    sb_client_t *c = &tc->client;
    sb_stats_t before, after;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, 4, HEAD_DEPTH, a->phase), SB_OK);
    TS_CHECK_STATUS(sb_client_stats(c, &before), SB_OK);
    const uint32_t start = c->completions.head;
    TS_CHECK(run(c, HEAD_ROUND_TRIPS, HEAD_DEPTH, 1) == HEAD_ROUND_TRIPS, "round trips");
    for (uint64_t id = HEAD_ROUND_TRIPS + 1; id <= HEAD_SERVED; id++) {
        sb_queue_entry_t rq = request(id);
        TS_CHECK_STATUS(sb_client_submit(c, &rq), SB_OK);
    }
    /* After the kick call the server has drained the ring and is waiting again: every request
     * is answered, and no drain is under way when the head moves. */
    uint32_t consumed = 0, completed = 0;
    TS_CHECK_STATUS(sb_client_kick_call(c, &consumed, &completed), SB_OK);
    TS_CHECK(consumed == start + HEAD_SERVED && completed == start + HEAD_SERVED,
             "all %u answered before the attack: consumed %u, completed %u", HEAD_SERVED,
             consumed - start, completed - start);
    sb_queue_entry_t done = {0};
    TS_CHECK_STATUS(sb_client_reap(c, &done), SB_OK);
    TS_CHECK(answers(&done, HEAD_ROUND_TRIPS + 1), "completion %u", HEAD_ROUND_TRIPS + 1);
    ts_sync(); /* the server waits; the root reads the room it counts */

    /* The head back where the session began: the server's tail is HEAD_SERVED entries ahead of
     * it, more than the ring holds, which no honest client can write. The requests after it:
     * as many as the room (at least one, so that a drain looks), each id its own. The room is at
     * most depth - 2 (two completions are unreaped), so the window has space for them. */
    atomic_store_explicit(&c->completions.ring->head, start, memory_order_release);
    const uint32_t n = a->room > 0 ? a->room : 1;
    sb_queue_entry_t rq = request(HEAD_AFTER_ID);
    /* All published before any kick, while the server waits: one drain runs the room's worth,
     * then reads the head. (Kicking each enqueue would let that drain revoke the bundle while a
     * Phase 2 enqueue still reads the server's flag in the ring's frame, and fault.) */
    for (uint32_t j = 0; j < n; j++) {
        rq = request(HEAD_AFTER_ID + j);
        TS_CHECK(sb_queue_enqueue(&c->requests, &rq) == SB_QUEUE_OK, "enqueue %u", j);
        c->in_flight++;
    }
    if (a->kick_call) {
        TS_CHECK_STATUS(sb_client_kick_call(c, NULL, NULL), SB_ERR_REVOKED);
    } else {
        /* seL4 delivers the pending kick before the next call, so the ping is answered after
         * the server has drained. */
        sb_client_kick(c);
        TS_CHECK_STATUS(sb_client_ping(c), SB_ERR_REVOKED);
    }
    TS_CHECK(!c->open && c->revoked, "the client knows its bundle is gone");
    ts_sync(); /* the root looks at the session */

    /* The completions left in the ring went with the bundle; the library answers locally. */
    TS_CHECK_STATUS(sb_client_reap(c, &done), SB_ERR_REVOKED);
    TS_CHECK_STATUS(sb_client_submit(c, &rq), SB_ERR_REVOKED);
    TS_CHECK_STATUS(sb_client_kick_call(c, NULL, NULL), SB_ERR_REVOKED);
    TS_CHECK_STATUS(sb_client_ping(c), SB_ERR_REVOKED);
    TS_CHECK_STATUS(sb_client_stats(c, &after), SB_OK);
    TS_CHECK(after.ring_requests == before.ring_requests + HEAD_SERVED + a->room &&
                 after.revoked_bundles == before.revoked_bundles + 1 &&
                 after.open_sessions == before.open_sessions - 1,
             "server counts: %lu ring requests (+%lu), %u revoked (+%d), %u open (%d)",
             (unsigned long)after.ring_requests,
             (unsigned long)(after.ring_requests - before.ring_requests), after.revoked_bundles,
             (int)after.revoked_bundles - (int)before.revoked_bundles, after.open_sessions,
             (int)after.open_sessions - (int)before.open_sessions);
    uint64_t served = 0;
    TS_CHECK_STATUS(sb_client_close(c, &served), SB_OK);
    TS_CHECK(served == HEAD_SERVED + a->room, "the revoked session served %lu (room %u)",
             (unsigned long)served, a->room);

    /* The session's slot works in full again. */
    TS_CHECK_STATUS(sb_client_open(c, 4, HEAD_DEPTH, a->phase), SB_OK);
    TS_CHECK(run(c, HEAD_ROUND_TRIPS, HEAD_DEPTH, 1) == HEAD_ROUND_TRIPS, "after reopening");
    TS_CHECK_STATUS(sb_client_close(c, &served), SB_OK);
    TS_CHECK(served == HEAD_ROUND_TRIPS, "the reopened session served %lu",
             (unsigned long)served);
    tc->result = 0;
}

/* Session 2, open throughout: after every attack, round trips and a kick call, exact. */
static void head_bystander(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, 4, HEAD_DEPTH, SB_PHASE_SIGNAL_WHEN_ASKED), SB_OK);
    uint64_t served = 0;
    for (int round = 0; round < HEAD_ATTACKS; round++) {
        ts_sync(); /* the last round is done; the root lets this one go once an attack is over */
        TS_CHECK_STATUS(sb_client_ping(c), SB_OK);
        TS_CHECK(run(c, 20, HEAD_DEPTH, 1) == 20, "bystander after attack %d", round);
        uint32_t consumed = 0, completed = 0;
        TS_CHECK_STATUS(sb_client_kick_call(c, &consumed, &completed), SB_OK);
        served += 20;
        TS_CHECK(consumed == completed, "bystander's kick call: %u consumed, %u completed",
                 consumed, completed);
    }
    uint64_t closed = 0;
    TS_CHECK_STATUS(sb_client_close(c, &closed), SB_OK);
    TS_CHECK(closed == served, "bystander served %lu of %lu", (unsigned long)closed,
             (unsigned long)served);
    tc->result = 0;
}

static void head_back(void)
{
    static ts_server_t srv;
    srv = (ts_server_t){.cfg = {.max_sessions = 2, .max_bundle = 8, .pool_frames = 8,
                                .default_depth = HEAD_DEPTH, .request = head_handler}};
    srv.share[0] = (ts_region_t){&head_seen, sizeof head_seen};
    TS_CHECK(ts_server_start(&srv) == 0 && srv.init_status == SB_OK, "server");
    plat_printf("a completion head moved back mid-session:\n");
    ts_client_t by;
    TS_CHECK(ts_client_create(&srv, &by, 2, ts_client_rights(), head_bystander, NULL, 0) == 0,
             "bystander");
    ts_client_start(&by);
    ts_await(&by); /* open, and waiting for the first attack to end */
    static head_attack_t attacks[HEAD_ATTACKS];
    uint32_t after_run = 0; /* the requests published after a bad head that the room admits */
    for (int i = 0; i < HEAD_ATTACKS; i++) {
        unsigned failures = ts_failures();
        attacks[i] = (head_attack_t){.phase = i < 2 ? SB_PHASE_KICK_EVERY_ENQUEUE
                                                    : SB_PHASE_SIGNAL_WHEN_ASKED,
                                     .kick_call = i % 2 == 1};
        ts_client_t c;
        TS_CHECK(ts_client_create(&srv, &c, 1, ts_client_rights(), head_back_client,
                                  &attacks[i], 0) == 0 &&
                     ts_client_share(&c, &attacks[i], sizeof attacks[i]) == 0,
                 "attacker");
        ts_client_start(&c);
        ts_await(&c);
        /* Every request answered, the server waiting: the room it counts. */
        const sb_server_session_t *ss = &srv.server.sessions[0];
        TS_CHECK(ss->state == SB_SESSION_OPEN && ss->taken >= 2 && ss->taken <= HEAD_DEPTH,
                 "before the attack: state %u, room counted %u", ss->state, ss->taken);
        attacks[i].room = HEAD_DEPTH - ss->taken;
        after_run += attacks[i].room;
        ts_release(&c);
        ts_await(&c);
        /* The client has been told; the server's own record says why. */
        TS_CHECK(ss->state == SB_SESSION_REVOKED && ss->served == HEAD_SERVED + attacks[i].room,
                 "session 1: state %u, served %lu (room %u)", ss->state,
                 (unsigned long)ss->served, attacks[i].room);
        ts_release(&c);
        TS_CHECK(ts_client_join(&c) == 0 && c.result == 0, "attacker ran to the end");
        ts_client_destroy(&c);
        /* The bystander's round: the server still answers it. Over before the next attack, so
         * that the attacker's counts are its own. */
        ts_release(&by);
        if (i + 1 < HEAD_ATTACKS) {
            ts_await(&by);
        }
        plat_printf("  phase %d, %s: %s\n", i < 2 ? 1 : 2,
                    attacks[i].kick_call ? "kick call" : "kick signal",
                    ts_failures() == failures ? "passed" : "FAILED");
    }
    TS_CHECK(ts_client_join(&by) == 0 && by.result == 0, "bystander ran to the end");
    ts_client_destroy(&by);
    TS_CHECK(ts_server_stop(&srv) == 0, "server stopped");
    TS_CHECK(atomic_load(&head_seen.after_run) == after_run,
             "%u requests published after the head moved back were run, the room admits %u",
             atomic_load(&head_seen.after_run), after_run);
    sb_server_stats_t st = sb_server_stats(&srv.server);
    /* Each attack: HEAD_SERVED and the room, then HEAD_ROUND_TRIPS after reopening; the
     * bystander 20 a round. Revoked: each attacker's bundle by the server and its reopened one at its close (closing
     * the revoked session revokes nothing more), and the bystander's at its close. */
    uint64_t want_ring = HEAD_ATTACKS * (HEAD_SERVED + HEAD_ROUND_TRIPS + 20) + after_run;
    TS_CHECK(st.ring_requests == want_ring && st.revoked_bundles == 2 * HEAD_ATTACKS + 1 &&
                 st.open_sessions == 0,
             "%lu ring requests (want %lu), %u revoked (want %u), %u open",
             (unsigned long)st.ring_requests, (unsigned long)want_ring, st.revoked_bundles,
             2 * HEAD_ATTACKS + 1, st.open_sessions);
    TS_CHECK(srv.server.pool_free_count == 8, "every pool frame back: %u",
             srv.server.pool_free_count);
}

int main(void)
{
    plat_init();
    ts_address_space = PLAT_AS_SEPARATE;
    one(cycle_client, 0, handler, "kick / completion cycle:");
    one(wrap_client, UINT32_MAX - 19, handler, "indices across 2^32:");
    one(no_handler_client, 0, NULL, "a server with no request handler:");
    head_back();
    ts_exit("bridge_ring");
}
