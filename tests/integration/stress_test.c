/*
 * Stress of the kick / completion cycle where lost wake-ups live: windows equal to the ring's
 * depth (so the server's completion ring fills whenever it answers a ring's worth before the
 * client reaps), both phases, many short sessions (every open a fresh grant, every close a
 * revoke), small rings, and extra threads that compete for the CPUs. Bounded in count; nothing is
 * timed. Every request must be answered exactly once, in order, and the server's counts must
 * equal the clients'. The server and every client are components, each in an address space of
 * its own (on seL4); the hogs, which only compete for the CPU, run in the root's.
 */
#include "workload.h"

#include <stdatomic.h>

#define CLIENTS 4
#define SESSIONS_PER_CLIENT 150
#define HOGS 3

static atomic_bool hogs_stop;

/* A thread that wants the CPU too: spins, yielding now and then, until told to stop. */
static void hog(void *arg)
{
    (void)arg;
    while (!atomic_load_explicit(&hogs_stop, memory_order_relaxed)) {
        ts_spin_us(500);
    }
}

/* Session s of client i: the phase, depth and mode cycle through every combination. */
static wl_plan_t plan_for(unsigned i, unsigned s)
{
    static const uint16_t depths[] = {2, 4, 8};
    static const wl_mode_t modes[] = {WL_PIPELINED, WL_BATCHED, WL_PIPELINED, WL_KICK_CALL};
    uint16_t depth = depths[(i + s) % 3];
    wl_mode_t mode = modes[(i + s / 2) % 4];
    return (wl_plan_t){.phase = (i + s) % 2 ? SB_PHASE_SIGNAL_WHEN_ASKED : SB_PHASE_KICK_EVERY_ENQUEUE,
                       .depth = depth,
                       .mode = mode,
                       .batch = depth, /* a whole ring's worth per kick */
                       .ring = 12u * depth + 1,
                       .calls = 2};
}

/* Page-aligned: shared with its client alone. */
typedef struct {
    TS_PAGE_ALIGNED unsigned index;
    uint64_t ring, served, failed_sessions;
} stresser_t;

static void stresser(ts_client_t *tc)
{
    stresser_t *me = tc->arg;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    for (unsigned s = 0; s < SESSIONS_PER_CLIENT; s++) {
        wl_plan_t plan = plan_for(me->index, s);
        wl_count_t n;
        wl_run(&tc->client, &plan, &n);
        bool exact = n.failure == SB_OK && n.ring_sent == plan.ring &&
                     n.ring_answered == plan.ring && n.ring_lost == 0 &&
                     n.ring_duplicated == 0 && n.ring_wrong == 0 &&
                     n.calls_answered == plan.calls && n.calls_wrong == 0 && n.served == plan.ring;
        TS_CHECK(exact,
                 "client %u session %u (phase %d, depth %u, mode %d): %s, %lu of %lu answered, "
                 "%lu lost, %lu duplicated, %lu wrong, server served %lu",
                 me->index, s, (int)plan.phase, plan.depth, (int)plan.mode,
                 sb_status_name(n.failure), (unsigned long)n.ring_answered,
                 (unsigned long)plan.ring, (unsigned long)n.ring_lost,
                 (unsigned long)n.ring_duplicated, (unsigned long)n.ring_wrong,
                 (unsigned long)n.served);
        me->ring += n.ring_answered;
        me->served += n.served;
        me->failed_sessions += !exact;
    }
    tc->result = 0;
}

int main(void)
{
    plat_init();
    ts_address_space = PLAT_AS_SEPARATE;
    static ts_server_t srv = {.cfg = {.max_sessions = CLIENTS, .max_bundle = 4, .pool_frames = 0,
                                      .default_depth = 8, .request = wl_handler}};
    wl_server_share(&srv);
    TS_CHECK(ts_server_start(&srv) == 0 && srv.init_status == SB_OK, "server");
    plat_thread_t *hogs[HOGS];
    for (int h = 0; h < HOGS; h++) {
        plat_thread_attr_t attr = {.name = "hog", .cnode_bits = 6, .priority = 100};
        TS_CHECK(plat_thread_create(&hogs[h], &attr, hog, NULL) == 0 &&
                     plat_thread_start(hogs[h]) == seL4_NoError,
                 "hog %d", h);
    }
    static ts_client_t c[CLIENTS];
    static stresser_t me[CLIENTS];
    for (unsigned i = 0; i < CLIENTS; i++) {
        me[i].index = i;
        wl_check_order(i + 1, true);
        TS_CHECK(ts_client_create(&srv, &c[i], i + 1, ts_client_rights(), stresser, &me[i], 0) ==
                         0 &&
                     ts_client_share(&c[i], &me[i], sizeof me[i]) == 0,
                 "client %u", i);
        ts_client_start(&c[i]);
    }
    uint64_t ring = 0, served = 0, failed = 0;
    for (unsigned i = 0; i < CLIENTS; i++) {
        TS_CHECK(ts_client_join(&c[i]) == 0 && c[i].result == 0, "client %u ran to the end", i);
        ts_client_destroy(&c[i]);
        ring += me[i].ring;
        served += me[i].served;
        failed += me[i].failed_sessions;
    }
    atomic_store(&hogs_stop, true);
    for (int h = 0; h < HOGS; h++) {
        TS_CHECK(plat_thread_join(hogs[h]) == 0, "hog %d stopped", h);
        plat_thread_destroy(hogs[h]);
    }
    TS_CHECK(ts_server_stop(&srv) == 0, "server stopped");
    sb_server_stats_t st = sb_server_stats(&srv.server);
    uint64_t want = 0;
    for (unsigned i = 0; i < CLIENTS; i++) {
        for (unsigned s = 0; s < SESSIONS_PER_CLIENT; s++) {
            want += plan_for(i, s).ring;
        }
    }
    plat_printf("stress: %u clients x %u sessions, %lu ring requests answered of %lu, %lu "
                "sessions not exact, %lu out of order; server: %lu ring requests, %u bundles "
                "revoked\n",
                CLIENTS, SESSIONS_PER_CLIENT, (unsigned long)ring, (unsigned long)want,
                (unsigned long)failed, (unsigned long)wl_order_errors(),
                (unsigned long)st.ring_requests, st.revoked_bundles);
    TS_CHECK(ring == want && served == want && st.ring_requests == want &&
                 wl_order_errors() == 0 && st.errors == 0 &&
                 st.revoked_bundles == CLIENTS * SESSIONS_PER_CLIENT && st.open_sessions == 0,
             "every request answered once, in order, and counted alike");
    ts_exit("integration_stress");
}
