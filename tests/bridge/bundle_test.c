/*
 * The bundle pre-grant: open a session and receive k caps in one reply (one CNode cap in the one
 * extraCap), copied out and mapped; the layout, the slots it fills, clean data frames, the limits
 * (bundle size, ring depth, phase, session ids, the frame pool) and the server's own
 * configuration errors. The server and the client are components, each in an address space of
 * its own (on seL4).
 */
#include "support/testsys.h"

#include <string.h>

#define SESSIONS 4
#define POOL 64

/* A second and third session in the same thread, on endpoint caps of their own. */
#define EP_B (TS_SLOT_EP2)
#define EP_C (TS_SLOT_EP2 + 1)
#define EP_FAR (TS_SLOT_EP2 + 2)   /* badge of session SESSIONS + 1: beyond the limit */
#define EP_ODD (TS_SLOT_EP2 + 3)   /* a badge sb_client_badge() never makes */
#define BASE_A TS_SLOT_BASE
#define BASE_B (BASE_A + SB_BUNDLE_MAX + 1)
#define BASE_C (BASE_B + SB_BUNDLE_MAX + 1)

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

/* Open with @k caps on @c, check the layout and the data frames, scribble on them. */
static void open_and_check(sb_client_t *c, uint16_t k)
{
    sb_status_t st = sb_client_open(c, k, 0, SB_PHASE_KICK_EVERY_ENQUEUE);
    TS_CHECK_STATUS(st, SB_OK);
    if (st != SB_OK) {
        return;
    }
    const sb_bundle_layout_t *l = &c->layout;
    TS_CHECK(l->caps == k && l->cnode_bits == sb_bundle_cnode_bits(k) && l->frame_count == k - 2 &&
                 l->kick_slot == k - 2 && l->completion_slot == k - 1 && l->ring_depth == 32 &&
                 l->frame_bits == 12,
             "layout of k=%u: caps %u bits %u frames %u kick %u completion %u depth %u", k,
             l->caps, l->cnode_bits, l->frame_count, l->kick_slot, l->completion_slot,
             l->ring_depth);
    for (uint32_t i = 0; i + 4 < k; i++) {
        uint8_t *d = sb_client_data(c, i);
        TS_CHECK(d != NULL, "data frame %u mapped", i);
        if (d) {
            TS_CHECK(all_zero(d, 4096), "data frame %u of k=%u is clean", i, k);
            memset(d, 0xa5, 4096); /* the next session that gets this frame must not see it */
        }
    }
    TS_CHECK(sb_client_data(c, k - 4) == NULL, "no data frame beyond the bundle");
}

static void grant_client(ts_client_t *tc)
{
    sb_client_t *a = &tc->client, b, cc, far, odd;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(ts_client_init_on(&b, EP_B, BASE_B, SB_BUNDLE_MAX + 1), SB_OK);
    TS_CHECK_STATUS(ts_client_init_on(&cc, EP_C, BASE_C, SB_BUNDLE_MAX + 1), SB_OK);
    TS_CHECK_STATUS(ts_client_init_on(&far, EP_FAR, BASE_C, 5), SB_OK);
    TS_CHECK_STATUS(ts_client_init_on(&odd, EP_ODD, BASE_C, 5), SB_OK);

    /* Every size, twice (the second time on frames the first one scribbled on). */
    static const uint16_t sizes[] = {4, 5, 8, 32, 64, 64, 8, 4};
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        open_and_check(a, sizes[i]);
        ts_sync(); /* the root looks at our slots */
        TS_CHECK_STATUS(sb_client_close(a, NULL), SB_OK);
        ts_sync(); /* and again, once closed */
    }

    /* The pool: 64 frames; a bundle of k takes k - 4. */
    open_and_check(a, 64); /* 60 */
    TS_CHECK_STATUS(sb_client_open(&b, 16, 0, SB_PHASE_KICK_EVERY_ENQUEUE), SB_ERR_POOL_EXHAUSTED);
    TS_CHECK(sb_client_last_error(&b).status == SB_ERR_NO_RESOURCES &&
                 sb_client_last_error(&b).detail == SB_ERR_POOL_EXHAUSTED,
             "wire: noResources, detail SB_ERR_POOL_EXHAUSTED");
    open_and_check(&b, 8);  /* 4: the last ones */
    open_and_check(&cc, 4); /* 0: still fine */
    TS_CHECK_STATUS(sb_client_close(&cc, NULL), SB_OK);
    TS_CHECK_STATUS(sb_client_open(&cc, 5, 0, SB_PHASE_KICK_EVERY_ENQUEUE), SB_ERR_POOL_EXHAUSTED);
    TS_CHECK_STATUS(sb_client_close(a, NULL), SB_OK);
    open_and_check(&cc, 33); /* frames came back */
    TS_CHECK_STATUS(sb_client_close(&cc, NULL), SB_OK);
    TS_CHECK_STATUS(sb_client_close(&b, NULL), SB_OK);

    /* Arguments: each refusal names the field (Error.detail is its ordinal). */
    struct {
        uint16_t caps, depth;
        sb_phase_t phase;
        uint32_t field;
    } bad[] = {
        {3, 0, SB_PHASE_KICK_EVERY_ENQUEUE, 0},   {0, 0, SB_PHASE_KICK_EVERY_ENQUEUE, 0},
        {4, 3, SB_PHASE_KICK_EVERY_ENQUEUE, 1},
        {4, 128, SB_PHASE_KICK_EVERY_ENQUEUE, 1}, {4, 48, SB_PHASE_KICK_EVERY_ENQUEUE, 1},
        {4, 0, (sb_phase_t)7, 2},
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        TS_CHECK_STATUS(sb_client_open(a, bad[i].caps, bad[i].depth, bad[i].phase),
                        SB_ERR_BAD_ARGUMENT);
        TS_CHECK(sb_client_last_error(a).detail == bad[i].field &&
                     sb_client_last_error(a).op == 1,
                 "case %u: detail %u, want field %u", i, sb_client_last_error(a).detail,
                 bad[i].field);
    }
    /* Depths the client picks. */
    TS_CHECK_STATUS(sb_client_open(a, 4, 1, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    TS_CHECK(a->layout.ring_depth == 1, "depth 1");
    TS_CHECK_STATUS(sb_client_close(a, NULL), SB_OK);
    TS_CHECK_STATUS(sb_client_open(a, 4, 64, SB_PHASE_SIGNAL_WHEN_ASKED), SB_OK);
    TS_CHECK(a->layout.ring_depth == 64 && a->layout.phase == SB_PHASE_SIGNAL_WHEN_ASKED,
             "depth 64, phase 2");
    TS_CHECK_STATUS(sb_client_close(a, NULL), SB_OK);
    /* More caps than our slots (or than any bundle): refused before anything is sent. */
    TS_CHECK_STATUS(sb_client_open(a, 65, 0, SB_PHASE_KICK_EVERY_ENQUEUE), SB_ERR_NO_SLOTS);
    sb_client_t small;
    TS_CHECK_STATUS(ts_client_init_on(&small, EP_C, BASE_C, 8), SB_OK);
    TS_CHECK_STATUS(sb_client_open(&small, 8, 0, SB_PHASE_KICK_EVERY_ENQUEUE), SB_ERR_NO_SLOTS);

    /* Session ids: beyond the server's limit, or a badge of the wrong shape. */
    TS_CHECK_STATUS(sb_client_open(&far, 4, 0, SB_PHASE_KICK_EVERY_ENQUEUE),
                    SB_ERR_TOO_MANY_SESSIONS);
    TS_CHECK_STATUS(sb_client_ping(&far), SB_ERR_TOO_MANY_SESSIONS);
    TS_CHECK_STATUS(sb_client_open(&odd, 4, 0, SB_PHASE_KICK_EVERY_ENQUEUE), SB_ERR_BAD_BADGE);
    TS_CHECK(sb_client_last_error(&odd).status == SB_ERR_BAD_SESSION, "wire: badSession");
    tc->result = 0;
}

static void check_slots(ts_client_t *c, seL4_CPtr base, uint32_t k, bool open)
{
    /* The receive slot is empty again once the caps are copied out. */
    TS_CHECK(ts_slot_empty(c->thread, base), "receive slot empty (k=%u)", k);
    for (uint32_t i = 0; i < k; i++) {
        TS_CHECK(ts_slot_empty(c->thread, base + 1 + i) == !open, "slot %u of k=%u %s", i, k,
                 open ? "filled" : "empty after close");
    }
    TS_CHECK(ts_slot_empty(c->thread, base + 1 + k), "nothing beyond the bundle");
}

static void test_grant(void)
{
    static ts_server_t srv = {.cfg = {.max_sessions = SESSIONS, .max_bundle = SB_BUNDLE_MAX,
                                      .pool_frames = POOL, .default_depth = 32}};
    TS_CHECK(ts_server_start(&srv) == 0, "server");
    TS_CHECK_STATUS(srv.init_status, SB_OK);
    ts_client_t c;
    TS_CHECK(ts_client_create(&srv, &c, 1, ts_client_rights(), grant_client, NULL, 0) == 0, "c");
    ts_client_add_session(&srv, &c, EP_B, 2, ts_client_rights());
    ts_client_add_session(&srv, &c, EP_C, 3, ts_client_rights());
    ts_client_add_session(&srv, &c, EP_FAR, SESSIONS + 1, ts_client_rights());
    seL4_CNode_Mint(plat_thread_cnode(c.thread), EP_ODD, seL4_WordBits, seL4_CapInitThreadCNode,
                    srv.ep, seL4_WordBits, ts_client_rights(), sb_client_badge(1) | (1ul << 40));
    ts_client_start(&c);
    static const uint16_t sizes[] = {4, 5, 8, 32, 64, 64, 8, 4};
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        ts_await(&c);
        check_slots(&c, BASE_A, sizes[i], true);
        ts_release(&c);
        ts_await(&c);
        check_slots(&c, BASE_A, sizes[i], false);
        ts_release(&c);
    }
    TS_CHECK(ts_client_join(&c) == 0 && c.result == 0, "grant client ran");
    ts_client_destroy(&c);
    sb_server_stats_t st = sb_server_stats(&srv.server);
    TS_CHECK(st.open_sessions == 0, "no session left open: %u", st.open_sessions);
    TS_CHECK(srv.server.pool_free_count == POOL, "every pool frame back: %u",
             srv.server.pool_free_count);
    TS_CHECK(ts_server_stop(&srv) == 0, "server stopped");
}

/* The server's own configuration: each mistake is refused by name at init. */
static void test_config(void)
{
    static const struct {
        sb_server_config_t cfg;
        seL4_Word untyped_bits, slot_count;
        sb_status_t want;
    } cases[] = {
        {{.max_sessions = 0, .max_bundle = 8, .default_depth = 8}, 0, 0, SB_ERR_CONFIG},
        {{.max_sessions = 33, .max_bundle = 8, .default_depth = 8}, 20, 0, SB_ERR_CONFIG},
        {{.max_sessions = 2, .max_bundle = 3, .default_depth = 8}, 0, 0, SB_ERR_CONFIG},
        {{.max_sessions = 2, .max_bundle = 65, .default_depth = 8}, 0, 0, SB_ERR_CONFIG},
        {{.max_sessions = 2, .max_bundle = 8, .default_depth = 6}, 0, 0, SB_ERR_CONFIG},
        {{.max_sessions = 2, .max_bundle = 8, .pool_frames = 513, .default_depth = 8}, 22, 0,
         SB_ERR_CONFIG},
        {{.max_sessions = 2, .max_bundle = 8, .default_depth = 8, .admin_session = 3}, 0, 0,
         SB_ERR_CONFIG},
        {{.max_sessions = 4, .max_bundle = 8, .pool_frames = 8, .default_depth = 8}, 0, 30,
         SB_ERR_NO_SLOTS},
        {{.max_sessions = 4, .max_bundle = 8, .pool_frames = 8, .default_depth = 8}, 14, 0,
         SB_ERR_NO_MEMORY},
        {{.max_sessions = 4, .max_bundle = 8, .pool_frames = 8, .default_depth = 8}, 0, 0, SB_OK},
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        static ts_server_t srv;
        memset(&srv, 0, sizeof srv);
        srv.cfg = cases[i].cfg;
        srv.untyped_bits = cases[i].untyped_bits;
        srv.slot_count = cases[i].slot_count;
        TS_CHECK(ts_server_start(&srv) == 0, "server %u", i);
        TS_CHECK(srv.init_status == cases[i].want, "config %u: %s, want %s", i,
                 sb_status_name(srv.init_status), sb_status_name(cases[i].want));
        TS_CHECK(ts_server_stop(&srv) == 0, "server %u stopped", i);
    }
    plat_printf("untyped for 32 sessions, k <= 64, 512 pool frames: 2^%lu bytes\n",
                (unsigned long)sb_server_untyped_bits(&(sb_server_config_t){
                    .max_sessions = 32, .max_bundle = 64, .pool_frames = 512}));
}

int main(void)
{
    plat_init();
    ts_address_space = PLAT_AS_SEPARATE;
    test_grant();
    test_config();
    ts_exit("bridge_bundle");
}
