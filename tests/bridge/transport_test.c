/*
 * The transport: control calls as sent (label, length in words, extraCaps, recorded by a spy
 * receiver), sessions by badge, one cap per message through the receive slot, and the serve loop.
 * The server, the spy and every client are components, each in an address space of its own (on
 * seL4).
 */
#include "support/testsys.h"

#include <string.h>

/* ---- The calls as they go out: a spy endpoint records what the client library sends. ---- */

#define SPY_MAX 16
/* Written by the spy, read by the root once it ended: pages of their own, shared with the spy. */
static struct {
    TS_PAGE_ALIGNED unsigned count;
    struct {
        seL4_Word label, length, extra_caps;
    } call[SPY_MAX];
} spy_log;

static seL4_CPtr spy_ep;

/* Answer every call with an empty `ok` body (a null root pointer reads as all defaults). */
static void spy_main(void *arg)
{
    (void)arg;
    seL4_Word badge;
    seL4_SetCapReceivePath(seL4_CapInitThreadCNode, TS_SLOT_BASE, seL4_WordBits);
    seL4_MessageInfo_t info = seL4_Recv(TS_SLOT_EP, &badge);
    for (;;) {
        if (spy_log.count < SPY_MAX) {
            spy_log.call[spy_log.count].label = seL4_MessageInfo_get_label(info);
            spy_log.call[spy_log.count].length = seL4_MessageInfo_get_length(info);
            spy_log.call[spy_log.count].extra_caps = seL4_MessageInfo_get_extraCaps(info);
            spy_log.count++;
        }
        /* Drop any cap that arrived so the next one is not refused for a full slot. */
        seL4_CNode_Delete(seL4_CapInitThreadCNode, TS_SLOT_BASE, seL4_WordBits);
        if (seL4_MessageInfo_get_label(info) == 99) {
            seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
            return;
        }
        seL4_SetMR(0, 0);
        info = seL4_ReplyRecv(TS_SLOT_EP, seL4_MessageInfo_new(0, 0, 0, 1), &badge);
    }
}

static const char *op_name(seL4_Word op)
{
    static const char *const names[] = {"ping",         "openSession",  "capCall", "kick",
                                        "closeSession", "revokeBundle", "stats"};
    return op < 7 ? names[op] : "?";
}

/* Client 1: open a real session, then point its endpoint at the spy and make every call. */
static void lengths_client(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, 4, 0, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    seL4_CPtr real = c->cfg.endpoint;
    c->cfg.endpoint = TS_SLOT_EP + 8; /* the spy's endpoint, given below */
    uint32_t consumed, completed;
    sb_stats_t stats;
    sb_cap_call_result_t cap;
    uint32_t revoked;
    TS_CHECK_STATUS(sb_client_ping(c), SB_OK);
    TS_CHECK_STATUS(sb_client_kick_call(c, &consumed, &completed), SB_OK);
    TS_CHECK_STATUS(sb_client_stats(c, &stats), SB_OK);
    TS_CHECK_STATUS(sb_client_cap_call(c, TS_SLOT_NTFN, 5, &cap), SB_OK);
    TS_CHECK_STATUS(sb_client_revoke(c, 7, &revoked), SB_OK);
    c->cfg.endpoint = real;
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
    c->cfg.endpoint = TS_SLOT_EP + 8;
    /* The spy grants nothing: the client says so, and gives the session back (a close). */
    TS_CHECK_STATUS(sb_client_open(c, 8, 16, SB_PHASE_SIGNAL_WHEN_ASKED), SB_ERR_NO_GRANT);
    seL4_Call(c->cfg.endpoint, seL4_MessageInfo_new(99, 0, 0, 0));
    tc->result = 0;
}

static void test_lengths(ts_server_t *srv)
{
    plat_thread_attr_t attr = {.name = "spy", .cnode_bits = 8, .priority = 100,
                               .address_space = ts_address_space};
    plat_thread_t *spy;
    TS_CHECK(plat_obj_alloc(seL4_EndpointObject, 0, &spy_ep) == seL4_NoError, "spy endpoint");
    TS_CHECK(plat_thread_create(&spy, &attr, spy_main, NULL) == 0 &&
                 plat_thread_share(spy, &spy_log, sizeof spy_log) == seL4_NoError,
             "spy thread");
    seL4_CNode_Copy(plat_thread_cnode(spy), TS_SLOT_EP, seL4_WordBits, seL4_CapInitThreadCNode,
                    spy_ep, seL4_WordBits, seL4_AllRights);
    plat_thread_start(spy);

    ts_client_t c;
    TS_CHECK(ts_client_create(srv, &c, 1, ts_client_rights(), lengths_client, NULL, 0) == 0,
             "client");
    seL4_CNode_Mint(plat_thread_cnode(c.thread), TS_SLOT_EP + 8, seL4_WordBits,
                    seL4_CapInitThreadCNode, spy_ep, seL4_WordBits, ts_client_rights(),
                    sb_client_badge(1));
    ts_client_start(&c);
    TS_CHECK(ts_client_join(&c) == 0 && c.result == 0, "the lengths client ran");
    ts_client_destroy(&c);
    plat_thread_join(spy);
    plat_thread_destroy(spy);

    /* What was sent, in order: ping, kick, stats, capCall, revokeBundle, openSession, and the
     * close the client sends when a grant brings no cap. */
    static const seL4_Word want_label[] = {0, 3, 6, 2, 5, 1, 4};
    static const seL4_Word want_caps[] = {0, 0, 0, 1, 0, 0, 0};
    TS_CHECK(spy_log.count == 8, "spy saw %u calls, want 8", spy_log.count);
    plat_printf("control calls as sent (label, words, extraCaps):\n");
    for (unsigned i = 0; i < spy_log.count && i < 7; i++) {
        plat_printf("  %-13s label %lu  %lu word%s  %lu cap%s\n", op_name(spy_log.call[i].label),
                    (unsigned long)spy_log.call[i].label, (unsigned long)spy_log.call[i].length,
                    spy_log.call[i].length == 1 ? " " : "s",
                    (unsigned long)spy_log.call[i].extra_caps,
                    spy_log.call[i].extra_caps == 1 ? "" : "s");
        TS_CHECK(spy_log.call[i].label == want_label[i], "call %u: label %lu", i,
                 (unsigned long)spy_log.call[i].label);
        TS_CHECK(spy_log.call[i].extra_caps == want_caps[i], "call %u: extraCaps", i);
        /* Fastpath-eligible: at most seL4_FastMessageRegisters words, whether or not a cap goes. */
        TS_CHECK(spy_log.call[i].length >= 1 && spy_log.call[i].length <= seL4_FastMessageRegisters,
                 "call %u (%s) is %lu words", i, op_name(spy_log.call[i].label),
                 (unsigned long)spy_log.call[i].length);
    }
}

/* ---- Sessions by badge, the one extraCap, and the receive slot. ---- */

static void session_client(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    /* No session yet: every call but open is refused by badge. */
    TS_CHECK_STATUS(sb_client_ping(c), SB_ERR_BAD_SESSION);
    TS_CHECK(sb_client_last_error(c).status == SB_ERR_BAD_SESSION && sb_client_last_error(c).op == 0,
             "Error body names the status and the op");
    sb_stats_t st;
    TS_CHECK_STATUS(sb_client_stats(c, &st), SB_ERR_BAD_SESSION);
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_ERR_BAD_SESSION);

    /* This server's largest bundle is 16 caps. */
    TS_CHECK_STATUS(sb_client_open(c, 17, 0, SB_PHASE_KICK_EVERY_ENQUEUE), SB_ERR_BAD_ARGUMENT);
    TS_CHECK(sb_client_last_error(c).detail == 0, "field 0 (bundleCaps)");
    TS_CHECK_STATUS(sb_client_open(c, 4, 0, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    TS_CHECK(c->layout.session == tc->session, "session id %u is the badge's",
             c->layout.session);
    TS_CHECK_STATUS(sb_client_open(c, 4, 0, SB_PHASE_KICK_EVERY_ENQUEUE), SB_ERR_SESSION_EXISTS);
    for (int i = 0; i < 100; i++) {
        TS_CHECK_STATUS(sb_client_ping(c), SB_OK);
    }

    /* One cap per call, many calls in a row: the server empties its receive slot after each,
     * so none is dropped. The client keeps its own cap (a transfer copies). */
    for (uint64_t tag = 1; tag <= 50; tag++) {
        sb_cap_call_result_t r = {0};
        seL4_CPtr cap = (tag & 1) ? TS_SLOT_NTFN : TS_SLOT_FRAME;
        TS_CHECK_STATUS(sb_client_cap_call(c, cap, tag, &r), SB_OK);
        TS_CHECK(r.tag == tag && !r.unwrapped && r.cap_badge == 0, "cap call %lu",
                 (unsigned long)tag);
    }
    /* Our own badged endpoint cap to the server: seL4 unwraps it into its badge. */
    sb_cap_call_result_t r = {0};
    TS_CHECK_STATUS(sb_client_cap_call(c, TS_SLOT_EP, 77, &r), SB_OK);
    TS_CHECK(r.unwrapped && r.cap_badge == sb_client_badge(tc->session) && r.tag == 77,
             "unwrapped badge %lx", (unsigned long)r.cap_badge);
    /* A cap-taking call with no cap: refused, says which. */
    TS_CHECK_STATUS(sb_client_cap_call(c, seL4_CapNull, 1, &r), SB_ERR_MISSING_CAP);

    TS_CHECK_STATUS(sb_client_stats(c, &st), SB_OK);
    TS_CHECK(st.open_sessions == 1, "open sessions %u (ours only)", st.open_sessions);
    uint64_t served = 99;
    TS_CHECK_STATUS(sb_client_close(c, &served), SB_OK);
    TS_CHECK(served == 0, "served %lu", (unsigned long)served);
    TS_CHECK_STATUS(sb_client_ping(c), SB_ERR_BAD_SESSION);
    tc->result = 0;
}

/* A client whose endpoint cap lacks Grant: seL4 drops the cap it sends, and the server says the
 * cap is missing; cap-less calls work as before. */
static void no_grant_client(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, 4, 0, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    sb_cap_call_result_t r;
    TS_CHECK_STATUS(sb_client_cap_call(c, TS_SLOT_NTFN, 3, &r), SB_ERR_MISSING_CAP);
    TS_CHECK_STATUS(sb_client_ping(c), SB_OK);
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
    tc->result = 0;
}

static void test_sessions(ts_server_t *srv)
{
    ts_client_t a, b;
    TS_CHECK(ts_client_create(srv, &a, 2, ts_client_rights(), session_client, NULL, 0) == 0, "a");
    TS_CHECK(ts_client_create(srv, &b, 3, seL4_CapRights_new(1, 0, 0, 1), no_grant_client, NULL,
                              0) == 0,
             "b");
    /* One after the other, so that the session client's count of open sessions is exact. */
    ts_client_start(&a);
    TS_CHECK(ts_client_join(&a) == 0 && a.result == 0, "session client");
    ts_client_start(&b);
    TS_CHECK(ts_client_join(&b) == 0 && b.result == 0, "no-grant client");
    /* Every bundle slot and the receive slot of both clients are empty after close. */
    for (seL4_CPtr slot = TS_SLOT_BASE; slot < TS_SLOT_BASE + 5; slot++) {
        TS_CHECK(ts_slot_empty(a.thread, slot), "client a slot %lu", (unsigned long)slot);
        TS_CHECK(ts_slot_empty(b.thread, slot), "client b slot %lu", (unsigned long)slot);
    }
    /* And the server's receive slot is empty between messages. */
    TS_CHECK(ts_slot_empty(srv->thread, TS_SLOT_BASE), "server receive slot");
    ts_client_destroy(&a);
    ts_client_destroy(&b);
}

int main(void)
{
    plat_init();
    ts_address_space = PLAT_AS_SEPARATE;
    static ts_server_t srv = {.cfg = {.max_sessions = 4, .max_bundle = 16, .pool_frames = 16,
                                      .default_depth = 32}};
    TS_CHECK(ts_server_start(&srv) == 0, "server thread");
    TS_CHECK_STATUS(srv.init_status, SB_OK);
    test_lengths(&srv);
    test_sessions(&srv);
    TS_CHECK(ts_server_stop(&srv) == 0, "server stopped");
    TS_CHECK_STATUS(srv.run_status, SB_ERR_STOPPED);
    ts_exit("bridge_transport");
}
