/*
 * The Phase 2 drain's races, driven step by step instead of waited for: the test's own
 * sb_race_point stops the server thread exactly where it is about to ask for a kick, a client
 * runs there, and the server goes on. Deterministic on both kernels, whatever the load.
 *   A: the completion ring full — the client reaps and submits a ring's worth without a kick
 *      (the server looked awake) before the flag store: the look-again must find them.
 *   B: the request ring empty — the same with one request.
 *   C: a client that moves its tail forward before every look and back after it: the drain must
 *      give up after its budget and answer another client's call, not spin.
 * The server and every client are components, each in an address space of its own (on seL4). The
 * race point is the test's own code in the server; the page it is steered through (race, below)
 * is shared with the server and the clients: the test's control channel, not the bridge's.
 */
#include "support/testsys.h"
#include "../../bridge/src/server_internal.h"

#include <stdatomic.h>

#define DEPTH 4
#define TS_SLOT_RESUME TS_SLOT_FRAME /* server: waits here at a race point (unused otherwise) */

static struct {
    TS_PAGE_ALIGNED _Atomic int stop_at; /* the race point to stop session 1's drain at, once */
    _Atomic bool toggling;               /* case C: session 1's tail moves around every look */
    _Atomic unsigned looked_again, stops;
    bool moved; /* server: the tail is one ahead: put it back after the look, whatever happens */
} race = {.stop_at = -1};

void sb_race_point(sb_server_t *s, uint32_t session, sb_race_point_t where)
{
    if (session != 1) {
        return;
    }
    sb_server_session_t *ss = sb_session(s, session);
    if (where == SB_RACE_LOOKED_AGAIN) {
        atomic_fetch_add(&race.looked_again, 1);
        if (race.moved) {
            atomic_store_explicit(&ss->request_ring->tail, ss->requests.head, memory_order_release);
            race.moved = false;
        }
        return;
    }
    if (atomic_load(&race.toggling)) {
        /* As a hostile client would, at the worst moment: one request seems to be published. */
        atomic_store_explicit(&ss->request_ring->tail, ss->requests.head + 1, memory_order_release);
        race.moved = true;
    }
    int want = (int)where;
    if (atomic_compare_exchange_strong(&race.stop_at, &want, -1)) {
        atomic_fetch_add(&race.stops, 1);
        seL4_Signal(TS_SLOT_READY); /* tell the root we are here */
        seL4_Word word;
        seL4_Wait(TS_SLOT_RESUME, &word);
    }
}

static sb_queue_entry_t request(uint64_t id)
{
    return (sb_queue_entry_t){.id = id, .op = 1, .arg = {id * 5}};
}

static sb_status_t handler(void *ctx, uint32_t session, const sb_queue_entry_t *rq,
                           uint64_t result[2])
{
    (void)ctx, (void)session;
    result[0] = rq->arg[0] + 1;
    return SB_OK;
}

/* Reap the completion of @id; with @wait, sb_client_wait until it comes. */
static void expect(sb_client_t *c, uint64_t id, bool wait, const char *when)
{
    sb_queue_entry_t done = {0};
    sb_status_t st;
    while ((st = sb_client_reap(c, &done)) == SB_ERR_RING_EMPTY && wait) {
        if ((st = sb_client_wait(c)) != SB_OK) {
            break;
        }
    }
    TS_CHECK(st == SB_OK && done.id == id && done.status == SB_OK && done.arg[0] == id * 5 + 1,
             "%s: completion of %lu (%s, id %lu)", when, (unsigned long)id, sb_status_name(st),
             (unsigned long)done.id);
}

/* A and B, one shape: @n requests posted and the server stopped at @point; at the stop, reap them
 * and submit @n more, which the server must find on going on, without a kick. A: a ring's worth,
 * so the server stops with its completion ring full. B: one, so it stops on the empty request
 * ring. */
typedef struct stop_case {
    int point;
    uint64_t n;
    const char *name;
} stop_case_t;

static void stop_client(ts_client_t *tc)
{
    const stop_case_t *k = tc->arg;
    sb_client_t *c = &tc->client;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, 4, DEPTH, SB_PHASE_SIGNAL_WHEN_ASKED), SB_OK);
    atomic_store(&race.stop_at, k->point);
    for (uint64_t id = 1; id <= k->n; id++) {
        sb_queue_entry_t rq = request(id);
        TS_CHECK_STATUS(sb_client_submit(c, &rq), SB_OK);
    }
    ts_sync(); /* the server has posted them all and stopped at the race point */
    for (uint64_t id = 1; id <= k->n; id++) {
        expect(c, id, false, k->name);
    }
    uint64_t kicks = c->kicks;
    for (uint64_t id = k->n + 1; id <= 2 * k->n; id++) {
        sb_queue_entry_t rq = request(id);
        TS_CHECK_STATUS(sb_client_submit(c, &rq), SB_OK);
    }
    TS_CHECK(c->kicks == kicks, "%s: the server looked awake, so no kick was sent (%lu)",
             k->name, (unsigned long)(c->kicks - kicks));
    ts_sync(); /* the server goes on: it must find these without a kick */
    for (uint64_t id = k->n + 1; id <= 2 * k->n; id++) {
        expect(c, id, true, k->name);
    }
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
    tc->result = 0;
}

/* C, session 1: kick once with nothing published; the test's race point does the rest. */
static void toggle_client(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, 4, DEPTH, SB_PHASE_SIGNAL_WHEN_ASKED), SB_OK);
    atomic_store(&race.toggling, true);
    sb_client_kick(c);
    ts_sync(); /* the bystander's call was answered and the toggling has stopped */
    for (uint64_t id = 1; id <= 2 * DEPTH; id++) {
        sb_queue_entry_t rq = request(id);
        TS_CHECK_STATUS(sb_client_submit(c, &rq), SB_OK);
        expect(c, id, true, "C, after the toggling");
    }
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
    tc->result = 0;
}

/* C, session 2: a call while session 1's ring is being toggled must be answered. */
static void bystander(ts_client_t *tc)
{
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(&tc->client, 4, DEPTH, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    ts_sync(); /* the toggling has begun */
    for (int i = 0; i < 3; i++) {
        TS_CHECK_STATUS(sb_client_ping(&tc->client), SB_OK);
    }
    atomic_store(&race.toggling, false);
    TS_CHECK_STATUS(sb_client_close(&tc->client, NULL), SB_OK);
    tc->result = 0;
}

static void stepped(ts_server_t *srv, seL4_CPtr ready, seL4_CPtr resume, const stop_case_t *k)
{
    const char *name = k->name;
    ts_client_t c;
    unsigned before = atomic_load(&race.stops), failures = ts_failures();
    TS_CHECK(ts_client_create(srv, &c, 1, ts_client_rights(), stop_client, (void *)k, 0) == 0 &&
                 ts_client_share(&c, &race, sizeof race) == 0,
             "%s", name);
    ts_client_start(&c);
    ts_await(&c);
    seL4_Word word;
    seL4_Wait(ready, &word); /* the server is stopped at the race point */
    ts_release(&c);
    ts_await(&c);
    seL4_Signal(resume);
    ts_release(&c);
    TS_CHECK(ts_client_join(&c) == 0 && c.result == 0, "%s ran to the end", name);
    ts_client_destroy(&c);
    TS_CHECK(atomic_load(&race.stops) == before + 1, "%s: the server stopped there once", name);
    plat_printf("  %s: %s\n", name, ts_failures() == failures ? "passed" : "FAILED");
}

static void toggled(ts_server_t *srv)
{
    ts_client_t c, by;
    unsigned before = atomic_load(&race.looked_again);
    TS_CHECK(ts_client_create(srv, &c, 1, ts_client_rights(), toggle_client, NULL, 0) == 0 &&
                 ts_client_share(&c, &race, sizeof race) == 0,
             "c");
    TS_CHECK(ts_client_create(srv, &by, 2, ts_client_rights(), bystander, NULL, 0) == 0 &&
                 ts_client_share(&by, &race, sizeof race) == 0,
             "by");
    ts_client_start(&c);
    ts_client_start(&by);
    ts_await(&c);
    while (atomic_load(&race.looked_again) == before) {
        ts_spin_us(100);
    }
    ts_await(&by);
    ts_release(&by);
    TS_CHECK(ts_client_join(&by) == 0 && by.result == 0, "the bystander's calls were answered");
    ts_release(&c);
    TS_CHECK(ts_client_join(&c) == 0 && c.result == 0, "the toggling client ran to the end");
    ts_client_destroy(&by);
    ts_client_destroy(&c);
    plat_printf("  C, a tail moved around every look: the drain gave way (%u looks)\n",
                atomic_load(&race.looked_again) - before);
}

int main(void)
{
    plat_init();
    ts_address_space = PLAT_AS_SEPARATE;
    static ts_server_t srv = {.cfg = {.max_sessions = 2, .max_bundle = 4, .pool_frames = 0,
                                      .default_depth = DEPTH, .request = handler}};
    srv.share[0] = (ts_region_t){&race, sizeof race};
    TS_CHECK(ts_server_start(&srv) == 0 && srv.init_status == SB_OK, "server");
    seL4_CPtr resume;
    TS_CHECK(plat_obj_alloc(seL4_NotificationObject, 0, &resume) == seL4_NoError &&
                 seL4_CNode_Mint(plat_thread_cnode(srv.thread), TS_SLOT_RESUME, seL4_WordBits,
                                 seL4_CapInitThreadCNode, resume, seL4_WordBits, seL4_CanRead,
                                 0) == seL4_NoError,
             "the server's resume notification");
    plat_printf("Phase 2 drain, stopped at its race points:\n");
    static const stop_case_t full = {SB_RACE_COMPLETIONS_FULL, DEPTH, "A, completion ring full"};
    static const stop_case_t empty = {SB_RACE_RING_EMPTY, 1, "B, request ring empty"};
    stepped(&srv, srv.ready, resume, &full);
    stepped(&srv, srv.ready, resume, &empty);
    toggled(&srv);
    TS_CHECK(ts_server_stop(&srv) == 0, "server stopped");
    sb_server_stats_t st = sb_server_stats(&srv.server);
    TS_CHECK(st.ring_requests == 2 * DEPTH + 2 + 2 * DEPTH,
             "every request answered once, nothing made up: %lu",
             (unsigned long)st.ring_requests);
    ts_exit("bridge_race");
}
