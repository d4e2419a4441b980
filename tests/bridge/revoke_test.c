/*
 * Revocation: after the server revokes a bundle every slot the client held from it is empty,
 * every mapping of its frames faults, its kick and completion caps fault, a client blocked on its
 * completion notification wakes with SB_ERR_REVOKED, calls answer SB_ERR_REVOKED, nothing left
 * in the old rings is ever processed, and the session can be opened again. The server and every
 * client are components, each in an address space of its own (on seL4).
 */
#include "support/testsys.h"

#include <stdatomic.h>

#define SESSIONS 6
#define ADMIN 6
#define EP_ADMIN TS_SLOT_EP2
#define BASE_ADMIN (TS_SLOT_BASE + SB_BUNDLE_MAX + 1)
#define STALE_ID 0xdead0000u /* ids of requests left in a ring when it was revoked */

/* Counted by the server's handler; pages of their own, shared with the server. */
static struct {
    TS_PAGE_ALIGNED atomic_uint stale_processed;
} seen;

static sb_status_t handler(void *ctx, uint32_t session, const sb_queue_entry_t *rq,
                           uint64_t result[2])
{
    (void)ctx, (void)session;
    if ((rq->id & 0xffff0000u) == STALE_ID) {
        atomic_fetch_add(&seen.stale_processed, 1);
    }
    result[0] = rq->arg[0] + 1;
    return SB_OK;
}

static bool round_trip(sb_client_t *c, uint64_t id)
{
    sb_queue_entry_t rq = {.id = id, .op = 1, .arg = {id}}, done = {0};
    if (sb_client_submit(c, &rq) != SB_OK) {
        return false;
    }
    sb_status_t st;
    while ((st = sb_client_reap(c, &done)) == SB_ERR_RING_EMPTY) {
        if (sb_client_wait(c) != SB_OK) {
            return false;
        }
    }
    return st == SB_OK && done.id == id && done.arg[0] == id + 1;
}

/* ---- A: slots, calls and rings after a revoke. ---- */

static void calls_client(ts_client_t *tc)
{
    sb_client_t *c = &tc->client, admin;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(ts_client_init_on(&admin, EP_ADMIN, BASE_ADMIN, SB_BUNDLE_MAX + 1), SB_OK);
    TS_CHECK_STATUS(sb_client_open(&admin, 4, 0, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);

    TS_CHECK_STATUS(sb_client_open(c, 8, 8, SB_PHASE_SIGNAL_WHEN_ASKED), SB_OK);
    for (uint64_t id = 1; id <= 10; id++) {
        TS_CHECK(round_trip(c, id), "round trip %lu before the revoke", (unsigned long)id);
    }
    /* Requests published without a kick: still in the ring when it is revoked. */
    for (uint32_t i = 0; i < 3; i++) {
        sb_queue_entry_t rq = {.id = STALE_ID | i, .op = 1};
        TS_CHECK(sb_queue_enqueue(&c->requests, &rq) == SB_QUEUE_OK, "stale request %u", i);
    }
    seL4_CPtr old_kick = c->kick;
    ts_sync(); /* root: our bundle slots are filled */

    uint32_t caps = 0;
    TS_CHECK_STATUS(sb_client_revoke(&admin, tc->session, &caps), SB_OK);
    TS_CHECK(caps == 8, "caps revoked: %u", caps);
    ts_sync(); /* root: our bundle slots are empty */

    /* We have not been told yet; the server tells us on the next call. */
    TS_CHECK(c->open, "the client cannot know before it asks");
    TS_CHECK_STATUS(sb_client_ping(c), SB_ERR_REVOKED);
    TS_CHECK(!c->open && c->revoked, "after the reply the client knows");
    /* The hot path now answers locally, touching neither the ring nor the caps. */
    sb_queue_entry_t rq = {.id = 1}, done;
    uint32_t n;
    TS_CHECK_STATUS(sb_client_submit(c, &rq), SB_ERR_REVOKED);
    TS_CHECK_STATUS(sb_client_submit_batch(c, &rq, 1, &n), SB_ERR_REVOKED);
    TS_CHECK_STATUS(sb_client_reap(c, &done), SB_ERR_REVOKED);
    TS_CHECK_STATUS(sb_client_wait(c), SB_ERR_REVOKED);
    TS_CHECK_STATUS(sb_client_kick_call(c, NULL, NULL), SB_ERR_REVOKED);
    /* The server's answers for a revoked session. */
    sb_stats_t st;
    TS_CHECK_STATUS(sb_client_stats(c, &st), SB_OK);
    TS_CHECK(st.revoked_bundles == 1, "revoked bundles %u", st.revoked_bundles);
    sb_cap_call_result_t cr;
    TS_CHECK_STATUS(sb_client_cap_call(c, TS_SLOT_NTFN, 1, &cr), SB_ERR_REVOKED);
    TS_CHECK_STATUS(sb_client_revoke(c, 0, NULL), SB_ERR_REVOKED);
    /* A kick through the old slot: the slot is empty, so the signal goes nowhere (seL4 answers
     * the invocation of a null cap with an error a Send never sees). */
    seL4_Signal(old_kick);
    seL4_NBSend(old_kick, seL4_MessageInfo_new(0, 0, 0, 0));

    /* Open again: a fresh bundle, fresh rings, none of the stale requests. */
    TS_CHECK_STATUS(sb_client_open(c, 8, 8, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    for (uint64_t id = 100; id < 110; id++) {
        TS_CHECK(round_trip(c, id), "round trip %lu after reopening", (unsigned long)id);
    }
    /* Who may revoke what. */
    TS_CHECK_STATUS(sb_client_revoke(c, ADMIN, NULL), SB_ERR_BAD_ARGUMENT);
    TS_CHECK_STATUS(sb_client_revoke(&admin, SESSIONS + 1, NULL), SB_ERR_BAD_ARGUMENT);
    TS_CHECK_STATUS(sb_client_revoke(&admin, 3, NULL), SB_ERR_BAD_ARGUMENT); /* not open */
    TS_CHECK(admin.open, "the admin's own bundle is untouched");
    /* Our own bundle: session 0 means ours. */
    TS_CHECK_STATUS(sb_client_revoke(c, 0, &caps), SB_OK);
    TS_CHECK(!c->open && c->revoked && caps == 8, "own revoke");
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
    TS_CHECK_STATUS(sb_client_ping(c), SB_ERR_BAD_SESSION);
    TS_CHECK_STATUS(sb_client_close(&admin, NULL), SB_OK);
    tc->result = 0;
}

static void test_calls(ts_server_t *srv)
{
    ts_client_t c;
    TS_CHECK(ts_client_create(srv, &c, 1, ts_client_rights(), calls_client, NULL, 0) == 0, "c");
    ts_client_add_session(srv, &c, EP_ADMIN, ADMIN, ts_client_rights());
    ts_client_start(&c);
    ts_await(&c);
    for (seL4_CPtr i = 0; i < 8; i++) {
        TS_CHECK(!ts_slot_empty(c.thread, TS_SLOT_BASE + 1 + i), "bundle slot %lu filled",
                 (unsigned long)i);
    }
    ts_release(&c);
    ts_await(&c);
    for (seL4_CPtr i = 0; i <= 8; i++) {
        TS_CHECK(ts_slot_empty(c.thread, TS_SLOT_BASE + i), "slot %lu empty after the revoke",
                 (unsigned long)i);
    }
    ts_release(&c);
    TS_CHECK(ts_client_join(&c) == 0 && c.result == 0, "calls client ran");
    ts_client_destroy(&c);
    TS_CHECK(atomic_load(&seen.stale_processed) == 0,
             "%u requests of a revoked ring were processed", atomic_load(&seen.stale_processed));
}

/* ---- B: use after revoke faults, as on seL4. ---- */

enum { TOUCH_DATA, TOUCH_RING, SIGNAL_KICK, WAIT_COMPLETION, USES };
static const char *const use_name[] = {"read a data frame", "write the request ring",
                                       "seL4_Signal kick, then Wait", "seL4_Wait on completion"};
/* What a use client reports to the root: pages of their own, shared with it. */
static struct {
    TS_PAGE_ALIGNED volatile seL4_Word addr[USES];
    volatile bool kick_survived;
} used;

static void use_client(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    unsigned use = (unsigned)(uintptr_t)tc->arg;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, 5, 8, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    TS_CHECK(round_trip(c, 1), "a round trip first");
    volatile uint8_t *data = sb_client_data(c, 0);
    volatile uint32_t *ring = (volatile uint32_t *)c->frames[0];
    seL4_CPtr kick = c->kick, completion = c->completion;
    used.addr[TOUCH_DATA] = (seL4_Word)data;
    used.addr[TOUCH_RING] = (seL4_Word)ring;
    used.addr[SIGNAL_KICK] = completion;
    used.addr[WAIT_COMPLETION] = completion;
    TS_CHECK_STATUS(sb_client_revoke(c, 0, NULL), SB_OK);
    tc->result = 0; /* everything after this line faults */
    seL4_Word badge;
    switch (use) {
    case TOUCH_DATA:
        (void)*data;
        break;
    case TOUCH_RING:
        *ring = 12345;
        break;
    case SIGNAL_KICK:
        /* Invoking an empty slot is not a lookup failure: seL4 answers it with an error that
         * a Send never returns. The kick is simply gone; the wait below is what faults. */
        seL4_Signal(kick);
        used.kick_survived = true;
        seL4_Wait(completion, &badge);
        break;
    default:
        seL4_Wait(completion, &badge);
        break;
    }
    tc->result = 1; /* not reached */
}

static void test_use_after_revoke(ts_server_t *srv)
{
    seL4_CPtr fault_ep;
    TS_CHECK(plat_obj_alloc(seL4_EndpointObject, 0, &fault_ep) == seL4_NoError, "fault ep");
    for (unsigned use = 0; use < USES; use++) {
        ts_client_t c;
        TS_CHECK(ts_client_create(srv, &c, 2, ts_client_rights(), use_client,
                                  (void *)(uintptr_t)use, fault_ep) == 0 &&
                     ts_client_share(&c, &used, sizeof used) == 0,
                 "client");
        ts_client_start(&c);
        seL4_Word badge = 0;
        seL4_MessageInfo_t f = seL4_Recv(fault_ep, &badge);
        seL4_Word label = seL4_MessageInfo_get_label(f);
        bool vm = use == TOUCH_DATA || use == TOUCH_RING;
        TS_CHECK(badge == 2 && label == (vm ? seL4_Fault_VMFault : seL4_Fault_CapFault),
                 "%s: fault label %lu badge %lu", use_name[use], (unsigned long)label,
                 (unsigned long)badge);
        seL4_Word addr = seL4_GetMR(vm ? seL4_VMFault_Addr : seL4_CapFault_Addr);
        TS_CHECK(addr == used.addr[use], "%s: fault at %lx, want %lx", use_name[use],
                 (unsigned long)addr, (unsigned long)used.addr[use]);
        plat_printf("  %-26s -> %s fault at 0x%lx\n", use_name[use], vm ? "VM" : "cap",
                    (unsigned long)addr);
        TS_CHECK(c.result == 0, "%s: the client went past the faulting access", use_name[use]);
        if (use == SIGNAL_KICK) {
            TS_CHECK(used.kick_survived, "a kick through the empty slot is silently dropped");
        }
        ts_client_destroy(&c);
        /* The session was revoked, not closed: close it so the next client can open it. */
    }
    seL4_CNode_Delete(seL4_CapInitThreadCNode, fault_ep, seL4_WordBits);
    plat_slot_free(fault_ep);
}

/* ---- C: a client blocked on its completion notification is woken by the revoke. ---- */

static void waiter_client(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    /* The previous round left this session revoked or open: close it first. */
    sb_client_close(c, NULL);
    TS_CHECK_STATUS(sb_client_open(c, 4, 8, SB_PHASE_SIGNAL_WHEN_ASKED), SB_OK);
    seL4_Signal(TS_SLOT_TO_ROOT);
    sb_status_t st;
    while ((st = sb_client_wait(c)) == SB_OK) {
    }
    tc->result = st == SB_ERR_REVOKED && !c->open && c->revoked ? 0 : 2;
}

static void test_waiter(ts_server_t *srv)
{
    /* Whether the client is already blocked in seL4_Wait when the revoke comes is a race no
     * test can fix: if it loses, its seL4_Wait finds the slot empty and faults — also correct.
     * A few tries, then at least one wake-up by SB_SIGNAL_REVOKED must have been seen. */
    unsigned woken = 0, faulted = 0;
    for (int round = 0; round < 5 && woken == 0; round++) {
        ts_client_t c;
        TS_CHECK(ts_client_create(srv, &c, 3, ts_client_rights(), waiter_client, NULL, 0) == 0,
                 "waiter");
        ts_client_start(&c);
        ts_await(&c);
        ts_spin_us(20000);
        ts_server_revoke(srv, 3);
        int r = ts_client_join(&c);
        if (r == 0) {
            TS_CHECK(c.result == 0, "the waiter woke with SB_ERR_REVOKED (result %d)", c.result);
            woken += c.result == 0;
        } else {
            faulted++;
        }
        ts_client_destroy(&c);
    }
    plat_printf("  blocked waiter: woken with SB_ERR_REVOKED %u, faulted in the race %u\n",
                woken, faulted);
    TS_CHECK(woken == 1, "a blocked waiter was woken by the revoke");
}

int main(void)
{
    plat_init();
    ts_address_space = PLAT_AS_SEPARATE;
    static ts_server_t srv = {.cfg = {.max_sessions = SESSIONS, .max_bundle = 8, .pool_frames = 16,
                                      .default_depth = 8, .admin_session = ADMIN,
                                      .request = handler}};
    srv.share[0] = (ts_region_t){&seen, sizeof seen};
    TS_CHECK(ts_server_start(&srv) == 0 && srv.init_status == SB_OK, "server");
    plat_printf("after revoke:\n");
    test_calls(&srv);
    test_use_after_revoke(&srv);
    test_waiter(&srv);
    TS_CHECK(ts_server_stop(&srv) == 0, "server stopped");
    sb_server_stats_t st = sb_server_stats(&srv.server);
    TS_CHECK(srv.server.pool_free_count == 16, "every pool frame back: %u",
             srv.server.pool_free_count);
    plat_printf("  server: %lu calls, %lu ring requests, %u bundles revoked, %u open\n",
                (unsigned long)st.calls, (unsigned long)st.ring_requests, st.revoked_bundles,
                st.open_sessions);
    ts_exit("bridge_revoke");
}
