/*
 * A client binds its completion notification to its own TCB (its read-only cap is all
 * seL4_TCB_BindNotification asks for), then leaves its session in each of the three ways a
 * session ends: it closes it, the server revokes it, or it corrupts its ring so that the server
 * revokes it. Each time the server must go on answering a bystander session exactly, the binding
 * must be gone with the object, and the next session given the same slot must work in full
 * (call, ring, kick, wait) — in both phases. The server and every client are components, each in
 * an address space of its own (on seL4).
 */
#include "support/testsys.h"

enum { END_CLOSE, END_REVOKE, END_CORRUPT, ENDS };
static const char *const end_name[ENDS] = {"closes", "is revoked", "corrupts its ring"};

static sb_status_t handler(void *ctx, uint32_t session, const sb_queue_entry_t *rq,
                           uint64_t result[2])
{
    (void)ctx;
    result[0] = rq->arg[0] + 1;
    result[1] = session;
    return SB_OK;
}

/* One request through the ring, waiting (sb_client_wait) for its completion. */
static bool round_trip(sb_client_t *c, uint32_t session, uint64_t id)
{
    sb_queue_entry_t rq = {.id = id, .op = 1, .arg = {id * 7}}, done = {0};
    sb_status_t st = sb_client_submit(c, &rq);
    while (st == SB_OK && (st = sb_client_reap(c, &done)) == SB_ERR_RING_EMPTY) {
        st = sb_client_wait(c);
    }
    return st == SB_OK && done.id == id && done.status == SB_OK && done.arg[0] == id * 7 + 1 &&
           done.arg[1] == session;
}

/* Everything a session does: a call, ring round trips, a synchronous kick; all answered exactly. */
static void exercise(sb_client_t *c, uint32_t session, uint64_t first, const char *who)
{
    TS_CHECK_STATUS(sb_client_ping(c), SB_OK);
    for (uint64_t id = first; id < first + 8; id++) {
        TS_CHECK(round_trip(c, session, id), "%s: ring round trip %lu", who, (unsigned long)id);
    }
    sb_queue_entry_t rq = {.id = first + 8, .op = 1, .arg = {5}}, done = {0};
    TS_CHECK_STATUS(sb_client_submit(c, &rq), SB_OK);
    uint32_t consumed = 0, completed = 0;
    TS_CHECK_STATUS(sb_client_kick_call(c, &consumed, &completed), SB_OK);
    TS_CHECK(consumed == completed, "%s: kick drained the ring (%u consumed, %u completed)", who,
             consumed, completed);
    sb_status_t st;
    while ((st = sb_client_reap(c, &done)) == SB_ERR_RING_EMPTY) {
        st = sb_client_wait(c);
        if (st != SB_OK) {
            break;
        }
    }
    TS_CHECK(st == SB_OK && done.id == first + 8 && done.arg[0] == 6,
             "%s: the kicked request answered (%s, id %lu)", who, sb_status_name(st),
             (unsigned long)done.id);
}

/* Page-aligned: shared with the attacker and its successor alone. */
typedef struct {
    TS_PAGE_ALIGNED int end;
    sb_phase_t phase;
} attack_t;

/* Session 1: bind, use the bundle, end the session as @a says, then prove the binding is gone. */
static void attacker(ts_client_t *tc)
{
    const attack_t *a = tc->arg;
    sb_client_t *c = &tc->client;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, 4, 8, a->phase), SB_OK);
    seL4_Error e = seL4_TCB_BindNotification(seL4_CapInitThreadTCB, c->completion);
    TS_CHECK(e == seL4_NoError, "bind the completion notification: error %d", (int)e);
    /* Bound to ourselves, our own waits still work (the waiter is the bound thread). */
    exercise(c, 1, 100, "bound attacker");
    switch (a->end) {
    case END_CLOSE:
        TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
        break;
    case END_REVOKE:
        ts_sync(); /* the root has the server revoke us */
        TS_CHECK_STATUS(sb_client_ping(c), SB_ERR_REVOKED);
        break;
    case END_CORRUPT: {
        /* More requests published than the ring holds: the server revokes the bundle. */
        sb_queue_t *ring = c->requests.ring;
        atomic_store_explicit(&ring->tail, c->requests.tail + 8 + 5, memory_order_release);
        TS_CHECK_STATUS(sb_client_kick_call(c, NULL, NULL), SB_ERR_REVOKED);
        break;
    }
    }
    TS_CHECK(!c->open, "the attacker's bundle is gone");
    /* The object died with the session, and its binding with it: binding another notification
     * succeeds (a thread still bound would get seL4_IllegalOperation). */
    e = seL4_TCB_BindNotification(seL4_CapInitThreadTCB, TS_SLOT_NTFN);
    TS_CHECK(e == seL4_NoError, "%s: bind a notification of our own afterwards: error %d",
             end_name[a->end], (int)e);
    (void)seL4_TCB_UnbindNotification(seL4_CapInitThreadTCB);
    if (a->end != END_CLOSE) {
        TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK); /* free the session for the next one */
    }
    tc->result = 0;
}

/* Session 1 again, after the attacker: a fresh bundle that works in full. */
static void successor(ts_client_t *tc)
{
    const attack_t *a = tc->arg;
    sb_client_t *c = &tc->client;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, 6, 8, a->phase), SB_OK);
    exercise(c, 1, 200, "next session in the slot");
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
    tc->result = 0;
}

/* Session 2, open for the whole test: after every attack it must be served exactly. */
#define BYSTANDER_ROUNDS (2 * ENDS)

static void bystander(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, 5, 8, SB_PHASE_SIGNAL_WHEN_ASKED), SB_OK);
    for (int round = 0; round < BYSTANDER_ROUNDS; round++) {
        ts_sync();
        exercise(c, 2, 1000 + 100 * (uint64_t)round, "bystander");
    }
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
    tc->result = 0;
}

static void run_attack(ts_server_t *srv, ts_client_t *by, attack_t *a)
{
    unsigned failures = ts_failures();
    unsigned before = srv->revokes[1];
    ts_client_t c;
    TS_CHECK(ts_client_create(srv, &c, 1, ts_client_rights(), attacker, a, 0) == 0 &&
                 ts_client_share(&c, a, sizeof *a) == 0,
             "attacker");
    ts_client_start(&c);
    if (a->end == END_REVOKE) {
        ts_await(&c);
        ts_server_revoke(srv, 1);
        /* Let the attacker go only once the server thread has revoked (and so, before the fix,
         * polled the bound notification). */
        while (srv->revokes[1] == before) {
            ts_spin_us(100);
        }
        ts_release(&c);
    }
    TS_CHECK(ts_client_join(&c) == 0 && c.result == 0, "attacker that %s ran to the end",
             end_name[a->end]);
    ts_client_destroy(&c);

    ts_await(by); /* the bystander's round: the server still answers it */
    ts_release(by);

    TS_CHECK(ts_client_create(srv, &c, 1, ts_client_rights(), successor, a, 0) == 0 &&
                 ts_client_share(&c, a, sizeof *a) == 0,
             "next");
    ts_client_start(&c);
    TS_CHECK(ts_client_join(&c) == 0 && c.result == 0,
             "the next session after an attacker that %s works", end_name[a->end]);
    ts_client_destroy(&c);
    plat_printf("  phase %d, attacker that %s: %s\n", (int)a->phase, end_name[a->end],
                ts_failures() == failures ? "passed" : "FAILED");
}

int main(void)
{
    plat_init();
    ts_address_space = PLAT_AS_SEPARATE;
    static ts_server_t srv = {.cfg = {.max_sessions = 3, .max_bundle = 8, .pool_frames = 8,
                                      .default_depth = 8, .request = handler}};
    TS_CHECK(ts_server_start(&srv) == 0 && srv.init_status == SB_OK, "server");
    plat_printf("bind the completion notification, then end the session:\n");
    static attack_t attacks[2 * ENDS];
    ts_client_t by;
    TS_CHECK(ts_client_create(&srv, &by, 2, ts_client_rights(), bystander, NULL, 0) == 0,
             "bystander");
    ts_client_start(&by);
    for (int i = 0; i < 2 * ENDS; i++) {
        attacks[i] = (attack_t){.end = i % ENDS,
                                .phase = i < ENDS ? SB_PHASE_KICK_EVERY_ENQUEUE
                                                  : SB_PHASE_SIGNAL_WHEN_ASKED};
        run_attack(&srv, &by, &attacks[i]);
    }
    TS_CHECK(ts_client_join(&by) == 0 && by.result == 0, "bystander ran to the end");
    ts_client_destroy(&by);
    TS_CHECK(ts_server_stop(&srv) == 0, "server stopped");
    sb_server_stats_t st = sb_server_stats(&srv.server);
    TS_CHECK(st.open_sessions == 0 && st.revoked_bundles == 2 * ENDS * 2 + 1,
             "every bundle revoked once: %u revoked, %u open", st.revoked_bundles,
             st.open_sessions);
    TS_CHECK(srv.server.pool_free_count == 8, "every pool frame back: %u",
             srv.server.pool_free_count);
    ts_exit("bridge_bind");
}
