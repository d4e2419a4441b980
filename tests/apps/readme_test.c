/*
 * The README's "Writing a server" example, run: its server (extracted from README.md at build
 * time, with the skeleton generated from tests/apps/readme/tally.capnp) on a server thread, its
 * client on a client thread whose session is open, and the client's answer checked.
 */
#include "support/testsys.h"

#include <sel4bridge/app.h>

sb_status_t tally_serve(sb_server_t *srv);
uint64_t tally_client(sb_client_t *c);

static uint64_t answer, second;

static void server_main(ts_server_t *s)
{
    s->init_status = sb_server_init(&s->server, &s->cfg);
    if (s->init_status == SB_OK) {
        s->run_status = tally_serve(&s->server); /* returns only if registration failed */
    }
}

static void client_main(ts_client_t *tc)
{
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(&tc->client, 4, 0, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    answer = tally_client(&tc->client);
    /* A new session starts from 0 again (the open hook). */
    TS_CHECK_STATUS(sb_client_close(&tc->client, NULL), SB_OK);
    TS_CHECK_STATUS(sb_client_open(&tc->client, 4, 0, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    second = tally_client(&tc->client);
    tc->result = 0;
}

int main(void)
{
    plat_init();
    TS_CHECK(ts_run_example(server_main, client_main) == 0, "the example's server and client ran");
    TS_CHECK(answer == 42 && second == 42, "the example's answers: %lu, %lu",
             (unsigned long)answer, (unsigned long)second);
    ts_exit("apps_readme");
}
