/*
 * Raw baselines on an endpoint: the seL4_Call / seL4_ReplyRecv round trip (call), and the same
 * with one cap in the extraCap that the server deletes from its receive slot each time (cap_call).
 * Each call carries a sequence number that the server returns plus one, so a lost or mixed-up
 * reply is counted, not just timed.
 */
#include <string.h>

#include "peer.h"
#include "tasks.h"

#define LABEL_STOP 0x5709u /* tells the server to reply once more and return */

enum { CAP_EP, CAP_CARRIED };     /* the client's caps */
enum { SRV_EP, SRV_RECV_SLOT };   /* the server's caps; its receive slot starts empty */

/* Shared with the peers (BENCH_STATE); the run is the threads' copy. */
static struct {
    BENCH_STATE bench_run_t run;
    bench_correctness_t correct;
    bool with_cap;
    seL4_CPtr ep, carried; /* root slots */
    bench_pair_t pair;
    /* Written by the server thread only; read after it was joined. */
    bench_correctness_t server;
} s;

static void server(void *arg)
{
    (void)arg;
    bench_pin(BENCH_ROLE_SERVER);
    if (s.with_cap) {
        seL4_SetCapReceivePath(seL4_CapInitThreadCNode, BENCH_PEER_CAP(SRV_RECV_SLOT),
                               seL4_WordBits);
    }
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(BENCH_PEER_CAP(SRV_EP), &badge);
    while (seL4_MessageInfo_get_label(info) != LABEL_STOP) {
        seL4_Word seq = seL4_GetMR(0);
        if (s.with_cap) {
            s.server.checks++;
            if (seL4_MessageInfo_get_extraCaps(info) != 1) {
                s.server.lost++;
            } else if (seL4_CNode_Delete(seL4_CapInitThreadCNode, BENCH_PEER_CAP(SRV_RECV_SLOT),
                                         seL4_WordBits) != seL4_NoError) {
                s.server.errors++;
            }
        }
        seL4_SetMR(0, seq + 1u);
        info = seL4_ReplyRecv(BENCH_PEER_CAP(SRV_EP), seL4_MessageInfo_new(0, 0, 0, 1), &badge);
    }
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
}

static void client(void *arg)
{
    (void)arg;
    bench_pin(BENCH_ROLE_CLIENT);
    bench_run_t *r = &s.run;
    const seL4_Word extra = s.with_cap ? 1u : 0u;
    seL4_Word seq = 0;
    uint32_t wrong = 0;
    for (uint32_t i = 0; i < r->warmup + r->n; i++) {
        uint64_t start = plat_cycles();
        seL4_SetMR(0, seq);
        if (extra) {
            seL4_SetCap(0, BENCH_PEER_CAP(CAP_CARRIED));
        }
        seL4_Call(BENCH_PEER_CAP(CAP_EP), seL4_MessageInfo_new(0, 0, extra, 1));
        wrong += seL4_GetMR(0) != seq + 1u;
        seq++;
        uint64_t end = plat_cycles();
        bench_record(r, i, start, end);
    }
    r->correct->checks += (uint32_t)seq;
    r->correct->lost += wrong;
    seL4_Call(BENCH_PEER_CAP(CAP_EP), seL4_MessageInfo_new(LABEL_STOP, 0, 0, 0));
}

static int setup(bench_run_t *r, bool with_cap)
{
    memset(&s, 0, sizeof(s));
    bench_run_copy(&s.run, &s.correct, r);
    s.with_cap = with_cap;
    if (bench_obj_new(r, seL4_EndpointObject, &s.ep) != 0 ||
        (with_cap && bench_obj_new(r, seL4_NotificationObject, &s.carried) != 0)) {
        return -1;
    }
    bench_peer_t peers[2] = {
        [BENCH_ROLE_CLIENT] = {"bench-client", BENCH_PEER_PRIO, client, NULL,
                               {{s.ep, 0}, {s.carried, 0}}},
        [BENCH_ROLE_SERVER] = {"bench-server", BENCH_PEER_PRIO, server, NULL, {{s.ep, 0}}},
    };
    return bench_pair_create(r, &s.pair, peers, &s, sizeof(s));
}

static int setup_call(bench_run_t *r) { return setup(r, false); }
static int setup_cap_call(bench_run_t *r) { return setup(r, true); }

static int measure(bench_run_t *r)
{
    int rc = bench_pair_run(r, &s.pair);
    bench_run_done(r, &s.run);
    r->correct->checks += s.server.checks;
    r->correct->lost += s.server.lost;
    r->correct->errors += s.server.errors;
    return rc;
}

static void teardown(bench_run_t *r)
{
    (void)r;
    bench_pair_destroy(&s.pair);
    bench_obj_free(&s.carried);
    bench_obj_free(&s.ep);
}

const bench_impl_t bench_raw_call = {
    "raw_call", "seL4_Call / seL4_ReplyRecv round trip, one message register each way",
    setup_call, measure, teardown, NULL,
};
const bench_impl_t bench_raw_cap_call = {
    "raw_cap_call",
    "round trip carrying one notification cap in the extraCap; the server deletes it from its "
    "receive slot before replying",
    setup_cap_call, measure, teardown, NULL,
};
