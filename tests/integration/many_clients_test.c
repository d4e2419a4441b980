/*
 * Many clients at once: 8 clients, each with its own session and its own mix (Phase 1 and 2;
 * one at a time, pipelined, batched, synchronous kick), send 104,000 requests in all through the
 * control call and the kick cycle. Every request must be answered exactly once, in order per
 * session; the clients' counts must equal the server's. The server and every client are
 * components, each in an address space of its own (on seL4; the host model shares one).
 */
#include "workload.h"

#define CLIENTS 8
#define RING_PER_CLIENT 8000
#define CALLS_PER_CLIENT 5000

int main(void)
{
    plat_init();
    ts_address_space = PLAT_AS_SEPARATE;
    static ts_server_t srv = {.cfg = {.max_sessions = CLIENTS, .max_bundle = 8, .pool_frames = 8,
                                      .default_depth = 32, .request = wl_handler}};
    wl_server_share(&srv);
    TS_CHECK(ts_server_start(&srv) == 0 && srv.init_status == SB_OK, "server");
    static wl_crew_t crew;
    wl_crew_start(&crew, &srv, 1, CLIENTS, 0, 1, RING_PER_CLIENT, CALLS_PER_CLIENT);
    wl_total_t t;
    wl_crew_finish(&crew, "many clients", true, &t);
    TS_CHECK(ts_server_stop(&srv) == 0, "server stopped");
    sb_server_stats_t st = sb_server_stats(&srv.server);
    plat_printf("server: %lu calls answered, %lu ring requests completed, %u errors, "
                "%lu out of order\n",
                (unsigned long)st.calls, (unsigned long)st.ring_requests, st.errors,
                (unsigned long)wl_order_errors());
    TS_CHECK(t.requests == CLIENTS * (uint64_t)(RING_PER_CLIENT + CALLS_PER_CLIENT), "requests");
    /* The server counted exactly what the clients counted. */
    TS_CHECK(st.ring_requests == t.ring && t.served == t.ring, "server ring count %lu",
             (unsigned long)st.ring_requests);
    TS_CHECK(st.calls == t.calls + t.extra_calls && st.errors == 0,
             "server call count %lu, want %lu", (unsigned long)st.calls,
             (unsigned long)(t.calls + t.extra_calls));
    ts_exit("integration_many_clients");
}
