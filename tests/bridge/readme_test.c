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
    TS_CHECK(ts_run_example(server_main, client_main) == 0, "the example's server and client ran");
    TS_CHECK_STATUS(client_status, SB_OK);
    TS_CHECK(answer == 42, "the example's answer: %lu", (unsigned long)answer);
    TS_CHECK_STATUS(server_status, SB_OK);
    ts_exit("bridge_readme");
}
