/*
 * Application calls through the bridge, on a real server with the test schema's two interfaces:
 * every field kind there and back, the labels of unknown interfaces and methods, the checks of
 * the table (length, caps, session state), a hostile body, a cap parameter kept or deleted, the
 * session hooks and per-session context, and deferred replies — many clients waiting, answered in
 * another order, a waiter whose session closes or is revoked, one that never collects. The
 * server and every client are components, each in an address space of its own (on seL4): a
 * waiter's expected status is a constant of the image, the poster's order is on pages shared
 * with it alone, the probe's state on pages shared with the server.
 */
#include "support/testsys.h"
#include "probe.h"

#include <stdatomic.h>
#include <string.h>

#define SESSIONS 16 /* 1 basic; 2..8 deferred; 9..11 session ends; 12 refused; 13 ring */

/* A raw call: @n words at @label with @cap (0: none); the reply's label, and Error.detail. */
static seL4_Word raw_call(seL4_Word label, const uint64_t *words, seL4_Word n, seL4_CPtr cap,
                          uint32_t *detail)
{
    seL4_IPCBuffer *ipc = seL4_GetIPCBuffer();
    for (seL4_Word i = 0; i < n; i++) {
        ipc->msg[i] = words[i];
    }
    if (cap) {
        seL4_SetCap(0, cap);
    }
    seL4_MessageInfo_t r = seL4_Call(TS_SLOT_EP, seL4_MessageInfo_new(label, 0, cap ? 1 : 0, n));
    /* Error: root pointer, then status (16 bits), op (16), detail (32). */
    *detail = seL4_MessageInfo_get_length(r) >= 2 ? (uint32_t)(ipc->msg[1] >> 32) : 0;
    return seL4_MessageInfo_get_label(r);
}

/* ---- One client through every kind of call. ---- */

/* Probe.echo with @len bytes of text and nothing else. */
static sb_status_t echo_text(sb_client_t *c, size_t len)
{
    char text[1000]; /* on the client's stack: a component has no data */
    memset(text, 'x', sizeof text);
    return apps_test_Probe_echo(c, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, text, len, NULL, 0,
                                NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, NULL, NULL, NULL, NULL,
                                NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                NULL, NULL);
}

static void basic_client(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    uint64_t sum = 0;
    /* No session yet: refused as the bridge's own ops are. */
    TS_CHECK_STATUS(apps_test_Probe_add(c, 1, 2, &sum), SB_ERR_BAD_SESSION);
    TS_CHECK_STATUS(sb_client_open(c, 4, 0, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);

    uint32_t session = 0, opens = 0;
    TS_CHECK_STATUS(apps_test_Probe_session(c, &session, &opens, NULL, NULL), SB_OK);
    TS_CHECK(session == tc->session && opens == 1, "session %u opens %u", session, opens);
    TS_CHECK_STATUS(apps_test_Probe_add(c, 40, 2, &sum), SB_OK);
    TS_CHECK(sum == 42, "sum %lu", (unsigned long)sum);
    TS_CHECK_STATUS(apps_test_Probe_nothing(c), SB_OK);
    uint64_t v1 = 0, v2 = 0;
    TS_CHECK_STATUS(apps_test_Counter_next(c, &v1), SB_OK);
    TS_CHECK_STATUS(apps_test_Counter_next(c, &v2), SB_OK);
    TS_CHECK(v2 == v1 + 1, "the second interface counts: %lu %lu", (unsigned long)v1,
             (unsigned long)v2);

    /* Every field kind there and back. */
    probe_echo_result_t echoed;
    TS_CHECK_STATUS(probe_echo_reference(c, &echoed), SB_OK);
    const char *wrong = probe_echo_mismatch(&echoed);
    TS_CHECK(wrong == NULL, "echo: the %s differ", wrong);
    /* A refusal from the handler (text longer than it keeps), and a request too long for
     * seL4_MsgMaxLength, refused before anything is sent. */
    TS_CHECK_STATUS(echo_text(c, 299), SB_ERR_BAD_ARGUMENT);
    TS_CHECK_STATUS(echo_text(c, 999), SB_ERR_MESSAGE_TOO_LONG);

    /* Labels and the table's checks, sent raw. */
    uint32_t detail = 0;
    uint64_t add[3] = {sb_codec_struct_ptr(0, 2, 0), 1, 2};
    TS_CHECK(raw_call(SB_APP_LABEL(0x1234, 0), add, 3, 0, &detail) == SB_ERR_BAD_OP &&
                 detail == SB_ERR_UNKNOWN_INTERFACE, "unknown interface: detail %u", detail);
    TS_CHECK(raw_call(SB_APP_LABEL(apps_test_Probe_CODE, 7), add, 3, 0, &detail) ==
                     SB_ERR_BAD_OP && detail == SB_ERR_UNKNOWN_METHOD,
             "unknown method: detail %u", detail);
    TS_CHECK(raw_call(SB_APP_LABEL(apps_test_Counter_CODE, 1), add, 3, 0, &detail) ==
                     SB_ERR_BAD_OP && detail == SB_ERR_UNKNOWN_METHOD,
             "Counter has one method: detail %u", detail);
    TS_CHECK(raw_call(7, add, 3, 0, &detail) == SB_ERR_BAD_OP && detail == 0,
             "between the bridge's ops and the applications'");
    TS_CHECK(raw_call(SB_APP_LABEL_MIN - 1, add, 3, 0, &detail) == SB_ERR_BAD_OP, "2^16 - 1");
    uint64_t long_add[5] = {sb_codec_struct_ptr(0, 2, 0), 1, 2, 3, 4};
    TS_CHECK(raw_call(apps_test_Probe_add_LABEL, long_add, 5, 0, &detail) == SB_ERR_BAD_MESSAGE &&
                 detail == SB_ERR_BAD_LENGTH, "add is at most 3 words: detail %u", detail);
    TS_CHECK(raw_call(apps_test_Probe_add_LABEL, add, 0, 0, &detail) == SB_ERR_BAD_MESSAGE &&
                 detail == SB_ERR_BAD_LENGTH, "0 words: detail %u", detail);
    TS_CHECK(raw_call(apps_test_Probe_add_LABEL, add, 3, TS_SLOT_NTFN, &detail) == SB_ERR_BAD_CAP &&
                 detail == SB_ERR_UNEXPECTED_CAP, "a cap add does not take: detail %u", detail);
    uint64_t keep[3] = {sb_codec_struct_ptr(0, 1, 1), 9, 0};
    TS_CHECK(raw_call(apps_test_Probe_keep_LABEL, keep, 3, 0, &detail) == SB_ERR_BAD_CAP &&
                 detail == SB_ERR_MISSING_CAP, "keep without its cap: detail %u", detail);
    /* A hostile body: echo's text pointer points past the message. */
    uint64_t bad[8] = {sb_codec_struct_ptr(0, 6, 6)};
    bad[7] = ((uint64_t)1 << 32) | (100u << 2) | 1; /* a list pointer 100 words on */
    TS_CHECK(raw_call(apps_test_Probe_echo_LABEL, bad, 8, 0, &detail) == SB_ERR_BAD_MESSAGE,
             "hostile echo");
    /* A handler that says "deferred" without deferring: its caller is answered at once. */
    uint64_t never = 0;
    TS_CHECK_STATUS(apps_test_Probe_wait(c, PROBE_TICKET_MISDEFERRED, &never), SB_ERR_NO_RESOURCES);
    TS_CHECK(sb_client_last_error(c).detail == SB_ERR_NOT_DEFERRED, "detail %u",
             sb_client_last_error(c).detail);
    /* The session still works after all that. */
    TS_CHECK_STATUS(apps_test_Probe_add(c, 1, 1, &sum), SB_OK);

    /* A cap parameter: kept by the handler, then a second one refused (its slot is full) and
     * deleted by the bridge; a badged cap to the server's own endpoint arrives as a badge. */
    uint64_t tag = 0, badge = 0;
    bool kept = false;
    TS_CHECK_STATUS(apps_test_Probe_keep(c, TS_SLOT_NTFN, 77, &tag, &kept, &badge), SB_OK);
    TS_CHECK(tag == 77 && kept && badge == 0, "kept: tag %lu", (unsigned long)tag);
    ts_sync(); /* the root checks the slots */
    TS_CHECK_STATUS(apps_test_Probe_keep(c, TS_SLOT_FRAME, 78, &tag, &kept, &badge),
                    SB_ERR_NO_RESOURCES);
    TS_CHECK(sb_client_last_error(c).detail == SB_ERR_KERNEL, "detail %u",
             sb_client_last_error(c).detail);
    kept = true;
    TS_CHECK_STATUS(apps_test_Probe_keep(c, TS_SLOT_EP, 79, &tag, &kept, &badge), SB_OK);
    TS_CHECK(tag == 79 && !kept && badge == sb_client_badge(tc->session), "unwrapped: %lx",
             (unsigned long)badge);
    ts_sync();
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
    tc->result = 0;
}

static void test_basic(ts_server_t *srv)
{
    ts_client_t c;
    TS_CHECK(ts_client_create(srv, &c, 1, ts_client_rights(), basic_client, NULL, 0) == 0,
             "client");
    ts_client_start(&c);
    ts_await(&c);
    TS_CHECK(!ts_slot_empty(srv->thread, PROBE_KEEP_SLOT), "the kept cap is in its slot");
    TS_CHECK(ts_slot_empty(srv->thread, TS_SLOT_BASE), "the receive slot is empty");
    seL4_CNode_Delete(plat_thread_cnode(srv->thread), PROBE_KEEP_SLOT, seL4_WordBits);
    seL4_CNode_Copy(plat_thread_cnode(srv->thread), PROBE_KEEP_SLOT, seL4_WordBits,
                    seL4_CapInitThreadCNode, srv->ntfn, seL4_WordBits, seL4_AllRights);
    ts_release(&c);
    ts_await(&c);
    TS_CHECK(ts_slot_empty(srv->thread, TS_SLOT_BASE), "the refused cap was deleted");
    seL4_CNode_Delete(plat_thread_cnode(srv->thread), PROBE_KEEP_SLOT, seL4_WordBits);
    ts_release(&c);
    TS_CHECK(ts_client_join(&c) == 0 && c.result == 0, "basic client");
    ts_client_destroy(&c);
    /* Two asked to keep their cap: the first moved, the second refused (its slot was full). */
    TS_CHECK(probe.kept_caps == 2, "keeps asked: %u", probe.kept_caps);
}

/* ---- Deferred replies. ---- */


/* A waiter: open, wait on the ticket = its session id, expect the posted value (or a status). */
static void waiter(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    sb_status_t want = tc->arg ? *(const sb_status_t *)tc->arg : SB_OK;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, 4, 0, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    uint64_t value = 0;
    sb_status_t st = apps_test_Probe_wait(c, tc->session, &value);
    TS_CHECK_STATUS(st, want);
    TS_CHECK(st != SB_OK || value == 100u * tc->session, "session %u got %lu", tc->session,
             (unsigned long)value);
    tc->result = 0;
}

/* A waiter of a session another thread opened. */
static void plain_waiter(ts_client_t *tc)
{
    uint64_t value = 0;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(apps_test_Probe_wait(&tc->client, tc->session, &value),
                    *(const sb_status_t *)tc->arg);
    tc->result = 0;
}

/* Wait (bounded by a count of turns, never a time) until the server holds @n deferred calls. */
static void await_deferred(ts_server_t *srv, uint32_t n)
{
    for (unsigned i = 0; i < 200000 && atomic_load(&probe.deferred_now) != n; i++) {
        ts_spin_us(10);
    }
    TS_CHECK(atomic_load(&probe.deferred_now) == n, "server holds %u deferred calls, want %u",
             atomic_load(&probe.deferred_now), n);
    (void)srv;
}

static void poster(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    const uint32_t *order = tc->arg;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, 4, 0, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    for (uint32_t i = 0; order[i]; i++) {
        bool woken = false;
        TS_CHECK_STATUS(apps_test_Probe_post(c, order[i], 100u * order[i], &woken), SB_OK);
        TS_CHECK(woken, "ticket %u woken", order[i]);
    }
    /* Again: every handle is stale now, and is refused (woken false). */
    for (uint32_t i = 0; order[i]; i++) {
        bool woken = true;
        TS_CHECK_STATUS(apps_test_Probe_post(c, order[i], 1, &woken), SB_OK);
        TS_CHECK(!woken, "stale handle of ticket %u refused", order[i]);
    }
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
    tc->result = 0;
}

#define WAITERS 6

static void test_deferred(ts_server_t *srv)
{
    ts_client_t w[WAITERS], p;
    struct {
        TS_PAGE_ALIGNED uint32_t v[WAITERS + 1]; /* pages of its own: the poster's */
    } order = {{0}};
    for (uint32_t i = 0; i < WAITERS; i++) {
        TS_CHECK(ts_client_create(srv, &w[i], 2 + i, ts_client_rights(), waiter, NULL, 0) == 0,
                 "waiter");
        ts_client_start(&w[i]);
        await_deferred(srv, i + 1); /* they wait in session order ... */
        order.v[WAITERS - 1 - i] = 2 + i; /* ... and are answered in the reverse one */
    }
    TS_CHECK(ts_client_create(srv, &p, 8, ts_client_rights(), poster, order.v, 0) == 0 &&
                 ts_client_share(&p, &order, sizeof order) == 0,
             "poster");
    ts_client_start(&p);
    TS_CHECK(ts_client_join(&p) == 0 && p.result == 0, "poster");
    ts_client_destroy(&p);
    for (uint32_t i = 0; i < WAITERS; i++) {
        TS_CHECK(ts_client_join(&w[i]) == 0 && w[i].result == 0, "waiter %u", i);
        ts_client_destroy(&w[i]);
    }
    TS_CHECK(atomic_load(&probe.deferred_now) == 0, "every deferred call answered");
}

/* A session that ends while its call waits: closed by its other thread, revoked by the server,
 * and one whose waiting thread is destroyed (never collects): nothing stays held. */
static void closer(ts_client_t *tc)
{
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    ts_sync(); /* the root has seen the waiter wait */
    /* The session was opened by the waiter's thread (same badge): close it from here. */
    sb_status_t st = sb_client_close(&tc->client, NULL);
    TS_CHECK_STATUS(st, SB_OK);
    tc->result = 0;
}

static void test_session_end(ts_server_t *srv)
{
    static const sb_status_t revoked = SB_ERR_REVOKED;
    uint32_t closes = probe.closes, revokes = probe.revokes;
    ts_client_t w, c;
    /* Closed by another thread of the session: the waiter is answered `revoked`. */
    TS_CHECK(ts_client_create(srv, &w, 9, ts_client_rights(), waiter, (void *)&revoked, 0) == 0,
             "w");
    ts_client_start(&w);
    await_deferred(srv, 1);
    TS_CHECK(ts_client_create(srv, &c, 9, ts_client_rights(), closer, NULL, 0) == 0, "closer");
    ts_client_start(&c);
    ts_await(&c);
    ts_release(&c);
    TS_CHECK(ts_client_join(&c) == 0 && c.result == 0, "closer");
    TS_CHECK(ts_client_join(&w) == 0 && w.result == 0, "waiter answered at close");
    ts_client_destroy(&c);
    ts_client_destroy(&w);
    TS_CHECK(probe.closes == closes + 1, "close hook ran");
    await_deferred(srv, 0);

    /* Revoked by the server: the same. */
    TS_CHECK(ts_client_create(srv, &w, 10, ts_client_rights(), waiter, (void *)&revoked, 0) == 0,
             "w");
    ts_client_start(&w);
    await_deferred(srv, 1);
    ts_server_revoke(srv, 10);
    TS_CHECK(ts_client_join(&w) == 0 && w.result == 0, "waiter answered at revoke");
    ts_client_destroy(&w);
    await_deferred(srv, 0);
    TS_CHECK(probe.revokes == revokes + 1, "revoke hook ran: %u", probe.revokes);

    /* Never collected: the waiting thread is destroyed; the slot is the session's until it
     * ends, then free. */
    TS_CHECK(ts_client_create(srv, &w, 11, ts_client_rights(), waiter, NULL, 0) == 0, "w");
    ts_client_start(&w);
    await_deferred(srv, 1);
    ts_client_destroy(&w);
    TS_CHECK(ts_client_create(srv, &c, 11, ts_client_rights(), closer, NULL, 0) == 0, "closer");
    ts_client_start(&c);
    ts_await(&c);
    ts_release(&c);
    TS_CHECK(ts_client_join(&c) == 0 && c.result == 0, "closer");
    ts_client_destroy(&c);
    await_deferred(srv, 0);
}

/* A hostile ring: the session's opener pushes its request ring's tail past the ring and kicks;
 * the server revokes the bundle in its drain, and answers the session's deferred call. */
static void corrupter(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, 4, 0, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    ts_sync(); /* the root starts a waiter of our session */
    atomic_store(&c->requests.ring->tail, c->requests.tail + 1000);
    sb_client_kick(c);
    /* The kick is seen before this call (seL4 returns the bound notification's word first). */
    TS_CHECK_STATUS(sb_client_ping(c), SB_ERR_REVOKED);
    tc->result = 0;
}

static void test_hostile_ring(ts_server_t *srv)
{
    static const sb_status_t revoked = SB_ERR_REVOKED;
    uint32_t revokes = probe.revokes;
    ts_client_t w, c;
    TS_CHECK(ts_client_create(srv, &c, 13, ts_client_rights(), corrupter, NULL, 0) == 0, "c");
    ts_client_start(&c);
    ts_await(&c);
    /* A second thread of session 13 waits (it does not open: the session is open). */
    TS_CHECK(ts_client_create(srv, &w, 13, ts_client_rights(), plain_waiter, (void *)&revoked,
                              0) == 0,
             "waiter");
    ts_client_start(&w);
    await_deferred(srv, 1);
    ts_release(&c);
    TS_CHECK(ts_client_join(&c) == 0 && c.result == 0, "corrupter");
    TS_CHECK(ts_client_join(&w) == 0 && w.result == 0, "waiter answered at the ring's revoke");
    ts_client_destroy(&c);
    ts_client_destroy(&w);
    await_deferred(srv, 0);
    TS_CHECK(probe.revokes == revokes + 1, "revoke hook ran: %u", probe.revokes);
}

/* The open hook refuses a session: its status reaches the client, and no bundle is granted. */
static void refused(ts_client_t *tc)
{
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(&tc->client, 4, 0, SB_PHASE_KICK_EVERY_ENQUEUE),
                    SB_ERR_BAD_ARGUMENT);
    uint64_t sum;
    TS_CHECK_STATUS(apps_test_Probe_add(&tc->client, 1, 2, &sum), SB_ERR_BAD_SESSION);
    tc->result = 0;
}

static void test_refused(ts_server_t *srv)
{
    ts_client_t c;
    probe.refuse_session = 12;
    TS_CHECK(ts_client_create(srv, &c, 12, ts_client_rights(), refused, NULL, 0) == 0, "client");
    ts_client_start(&c);
    TS_CHECK(ts_client_join(&c) == 0 && c.result == 0, "refused client");
    ts_client_destroy(&c);
    TS_CHECK(probe.opens[12] == 0, "no session 12");
}

int main(void)
{
    plat_init();
    ts_address_space = PLAT_AS_SEPARATE;
    static ts_server_t srv = {.cfg = {.max_sessions = SESSIONS, .max_bundle = 8,
                                      .pool_frames = 64, .default_depth = 8},
                              .app = &probe_app,
                              .share = {{&probe, sizeof probe}}};
    TS_CHECK(ts_server_start(&srv) == 0 && srv.init_status == SB_OK, "server: %s",
             sb_status_name(srv.init_status));
    test_basic(&srv);
    test_deferred(&srv);
    test_session_end(&srv);
    test_hostile_ring(&srv);
    test_refused(&srv);
    TS_CHECK(ts_server_stop(&srv) == 0, "server stopped");
    TS_CHECK(sb_app_deferred_count(&srv.server) == 0, "no reply slot held");
    TS_CHECK(srv.server.pool_free_count == 64, "every pool frame back: %u",
             srv.server.pool_free_count);
    plat_printf("  hooks: %u closes, %u revokes; %u caps kept\n", probe.closes, probe.revokes,
                probe.kept_caps);
    ts_exit("apps_calls");
}
