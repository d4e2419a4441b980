/*
 * The README's bridge example, run: its server and its client (extracted from README.md at build
 * time) on threads the test's system builder makes, with caps in the slots the example names.
 */
#include "support/testsys.h"

sb_status_t example_server(void);
sb_status_t example_client(uint64_t *answer);

static uint64_t answer;
static sb_status_t server_status = SB_OK, client_status = SB_ERR_STOPPED;

static void server_main(ts_server_t *s)
{
    (void)s;
    server_status = example_server(); /* returns only if init failed */
}

static void client_main(ts_client_t *tc)
{
    client_status = example_client(&answer);
    tc->result = 0;
}

int main(void)
{
    plat_init();
    /* The sizes the example's server asks for, so that its untyped is big enough. */
    static ts_server_t srv = {.cfg = {.max_sessions = 8, .max_bundle = 8, .pool_frames = 16,
                                      .default_depth = 32},
                              .main = server_main};
    TS_CHECK(ts_server_start(&srv) == 0, "server thread");
    ts_client_t c;
    TS_CHECK(ts_client_create(&srv, &c, 1, ts_client_rights(), client_main, NULL, 0) == 0,
             "client thread");
    ts_client_start(&c);
    TS_CHECK(ts_client_join(&c) == 0 && c.result == 0, "the example client returned");
    TS_CHECK_STATUS(client_status, SB_OK);
    TS_CHECK(answer == 42, "the example's answer: %lu", (unsigned long)answer);
    TS_CHECK_STATUS(server_status, SB_OK);
    ts_client_destroy(&c);
    /* The example's server serves forever: take its thread away. */
    plat_thread_destroy(srv.thread);
    ts_exit("bridge_readme");
}
