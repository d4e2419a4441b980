/*
 * Many clients at once: 8 clients, each with its own session and its own mix (Phase 1 and 2;
 * one at a time, pipelined, batched, synchronous kick), send 104,000 requests in all through the
 * control call and the kick cycle. Every request must be answered exactly once, in order per
 * session; the clients' counts must equal the server's.
 */
#include "workload.h"

#define CLIENTS 8
#define RING_PER_CLIENT 8000
#define CALLS_PER_CLIENT 5000

static wl_count_t counts[CLIENTS];
static wl_plan_t plans[CLIENTS];

static void client(ts_client_t *tc)
{
    unsigned i = (unsigned)(uintptr_t)tc->arg;
    if (ts_client_setup(tc) != SB_OK) {
        return;
    }
    wl_run(&tc->client, &plans[i], &counts[i]);
    tc->result = 0;
}

int main(void)
{
    plat_init();
    static ts_server_t srv = {.cfg = {.max_sessions = CLIENTS, .max_bundle = 8, .pool_frames = 8,
                                      .default_depth = 32, .request = wl_handler}};
    TS_CHECK(ts_server_start(&srv) == 0 && srv.init_status == SB_OK, "server");
    static ts_client_t c[CLIENTS];
    for (unsigned i = 0; i < CLIENTS; i++) {
        plans[i] = wl_plan_for(i, RING_PER_CLIENT, CALLS_PER_CLIENT);
        wl_check_order(i + 1, true);
        TS_CHECK(ts_client_create(&srv, &c[i], i + 1, ts_client_rights(), client,
                                  (void *)(uintptr_t)i, 0) == 0,
                 "client %u", i);
    }
    for (unsigned i = 0; i < CLIENTS; i++) {
        ts_client_start(&c[i]);
    }
    uint64_t requests = 0, answered = 0, lost = 0, duplicated = 0, wrong = 0, ring = 0, calls = 0;
    uint64_t extra = 0, served = 0;
    for (unsigned i = 0; i < CLIENTS; i++) {
        TS_CHECK(ts_client_join(&c[i]) == 0 && c[i].result == 0, "client %u ran", i);
        wl_count_t *n = &counts[i];
        TS_CHECK(n->failure == SB_OK, "client %u: %s", i, sb_status_name(n->failure));
        TS_CHECK(n->ring_sent == RING_PER_CLIENT && n->calls_sent == CALLS_PER_CLIENT,
                 "client %u sent %lu + %lu", i, (unsigned long)n->ring_sent,
                 (unsigned long)n->calls_sent);
        TS_CHECK(n->served == n->ring_sent, "client %u: server served %lu of %lu", i,
                 (unsigned long)n->served, (unsigned long)n->ring_sent);
        plat_printf("  client %u (%-22s depth %2u): ring %lu answered %lu, calls %lu answered %lu\n",
                    i + 1, wl_plan_name(&plans[i]), plans[i].depth, (unsigned long)n->ring_sent,
                    (unsigned long)n->ring_answered, (unsigned long)n->calls_sent,
                    (unsigned long)n->calls_answered);
        ring += n->ring_sent;
        calls += n->calls_sent;
        requests += n->ring_sent + n->calls_sent;
        answered += n->ring_answered + n->calls_answered;
        lost += n->ring_lost + (n->calls_sent - n->calls_answered - n->calls_wrong);
        duplicated += n->ring_duplicated;
        wrong += n->ring_wrong + n->calls_wrong;
        extra += n->extra_calls;
        served += n->served;
        ts_client_destroy(&c[i]);
    }
    TS_CHECK(ts_server_stop(&srv) == 0, "server stopped");
    sb_server_stats_t st = sb_server_stats(&srv.server);
    plat_printf("requests %lu (control calls %lu, ring %lu), answered %lu, lost %lu, "
                "duplicated %lu, wrong %lu\n",
                (unsigned long)requests, (unsigned long)calls, (unsigned long)ring,
                (unsigned long)answered, (unsigned long)lost, (unsigned long)duplicated,
                (unsigned long)wrong);
    plat_printf("server: %lu calls answered, %lu ring requests completed, %u errors, "
                "%lu out of order\n",
                (unsigned long)st.calls, (unsigned long)st.ring_requests, st.errors,
                (unsigned long)wl_order_errors());
    TS_CHECK(requests == CLIENTS * (uint64_t)(RING_PER_CLIENT + CALLS_PER_CLIENT), "requests");
    TS_CHECK(answered == requests && lost == 0 && duplicated == 0 && wrong == 0,
             "every request answered exactly once and right");
    /* The server counted exactly what the clients counted. */
    TS_CHECK(st.ring_requests == ring && served == ring, "server ring count %lu",
             (unsigned long)st.ring_requests);
    TS_CHECK(st.calls == calls + extra && st.errors == 0, "server call count %lu, want %lu",
             (unsigned long)st.calls, (unsigned long)(calls + extra));
    TS_CHECK(wl_order_errors() == 0, "in order per session");
    ts_exit("integration_many_clients");
}
