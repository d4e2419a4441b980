/* The honest client of the integration tests: see workload.h. */
#include "workload.h"

#include <stdatomic.h>

/* Written only by the server thread (the handler); read by the root once the server stopped.
 * Pages of its own, shared with the server (wl_server_share). */
static struct {
    TS_PAGE_ALIGNED uint64_t expect_id[SB_MAX_SESSIONS + 1];
    bool check[SB_MAX_SESSIONS + 1];
    atomic_uint_fast64_t order_errors;
} order;

void wl_check_order(uint32_t session, bool on)
{
    order.check[session] = on;
    order.expect_id[session] = 0;
}

void wl_server_share(ts_server_t *srv)
{
    for (unsigned i = 0; i < sizeof srv->share / sizeof srv->share[0]; i++) {
        if (srv->share[i].bytes == 0) {
            srv->share[i] = (ts_region_t){&order, sizeof order};
            return;
        }
    }
    TS_CHECK(false, "no free region in the server's share[]");
}

uint64_t wl_order_errors(void)
{
    return atomic_load(&order.order_errors);
}

sb_status_t wl_handler(void *ctx, uint32_t session, const sb_queue_entry_t *rq, uint64_t result[2])
{
    (void)ctx;
    if (session <= SB_MAX_SESSIONS && order.check[session]) {
        /* A session's ids restart at 1 with each bundle. */
        if (rq->id == 1) {
            order.expect_id[session] = 1;
        }
        if (rq->id != order.expect_id[session]) {
            atomic_fetch_add(&order.order_errors, 1);
        }
        order.expect_id[session] = rq->id + 1;
    }
    if (rq->op != WL_OP) {
        return SB_ERR_UNKNOWN_REQUEST;
    }
    result[0] = 2 * rq->arg[0] + 1;
    result[1] = rq->id;
    return SB_OK;
}

static void note_failure(wl_count_t *n, sb_status_t st)
{
    if (n->failure == SB_OK) {
        n->failure = st;
    }
}

/* Control calls until @target have been made. */
static void calls_up_to(sb_client_t *c, wl_count_t *n, uint64_t target)
{
    while (n->calls_sent < target) {
        uint64_t tag = ++n->calls_sent;
        sb_status_t st;
        bool ok;
        if (tag & 1) {
            st = sb_client_ping(c);
            ok = st == SB_OK;
        } else {
            sb_cap_call_result_t r = {0};
            st = sb_client_cap_call(c, TS_SLOT_NTFN, tag, &r);
            ok = st == SB_OK && r.tag == tag && !r.unwrapped;
        }
        if (st != SB_OK) {
            note_failure(n, st);
        }
        n->calls_answered += ok;
        n->calls_wrong += st == SB_OK && !ok;
    }
}

/* Take every completion waiting; check each against the next id expected. */
static uint64_t reap_all(sb_client_t *c, wl_count_t *n, uint64_t *next_done)
{
    uint64_t got = 0;
    sb_queue_entry_t done;
    while (sb_client_reap(c, &done) == SB_OK) {
        got++;
        if (done.id == *next_done) {
            bool right = done.status == SB_OK && done.op == WL_OP &&
                         done.arg[0] == 2 * (done.id * 5) + 1 && done.arg[1] == done.id;
            n->ring_answered += right;
            n->ring_wrong += !right;
            (*next_done)++;
        } else if (done.id < *next_done) {
            n->ring_duplicated++;
        } else {
            n->ring_lost += done.id - *next_done; /* skipped: never answered */
            n->ring_answered++;
            *next_done = done.id + 1;
        }
    }
    return got;
}

void wl_run(sb_client_t *c, const wl_plan_t *p, wl_count_t *n)
{
    *n = (wl_count_t){0};
    sb_status_t st = sb_client_open(c, 4, p->depth, p->phase);
    n->extra_calls++;
    if (st != SB_OK) {
        note_failure(n, st);
        return;
    }
    uint64_t next_id = 1, next_done = 1;
    while (next_done <= p->ring) {
        /* Control calls spread evenly over the run. */
        calls_up_to(c, n, p->calls * (next_done - 1) / p->ring);
        uint32_t room = c->layout.ring_depth - c->in_flight;
        uint32_t want = p->mode == WL_ONE_AT_A_TIME ? (c->in_flight ? 0 : 1)
                        : p->mode == WL_BATCHED     ? (room >= p->batch ? p->batch : 0)
                                                    : room;
        if (want > p->ring - next_id + 1) {
            want = (uint32_t)(p->ring - next_id + 1);
        }
        if (want > 0) {
            sb_queue_entry_t rq[64];
            if (want > 64) {
                want = 64;
            }
            for (uint32_t i = 0; i < want; i++) {
                rq[i] = (sb_queue_entry_t){.id = next_id + i, .op = WL_OP, .arg = {(next_id + i) * 5}};
            }
            uint32_t done = 0;
            if (p->mode == WL_KICK_CALL) {
                /* Publish without a kick; the call below makes the server drain. */
                if (sb_queue_enqueue_batch(&c->requests, rq, want, &done) != SB_QUEUE_OK) {
                    note_failure(n, SB_ERR_RING_CORRUPT);
                    return;
                }
                c->in_flight += done;
            } else if (p->mode == WL_BATCHED) {
                st = sb_client_submit_batch(c, rq, want, &done);
            } else {
                for (; done < want; done++) {
                    if ((st = sb_client_submit(c, &rq[done])) != SB_OK) {
                        break;
                    }
                }
                if (st == SB_ERR_RING_FULL) {
                    st = SB_OK;
                }
            }
            if (st != SB_OK) {
                note_failure(n, st);
                return;
            }
            n->ring_sent += done;
            next_id += done;
        }
        if (reap_all(c, n, &next_done) > 0) {
            continue;
        }
        if (p->mode == WL_KICK_CALL) {
            st = sb_client_kick_call(c, NULL, NULL);
            n->extra_calls++;
        } else {
            st = sb_client_wait(c);
        }
        if (st != SB_OK) {
            note_failure(n, st);
            return;
        }
    }
    calls_up_to(c, n, p->calls);
    st = sb_client_close(c, &n->served);
    n->extra_calls++;
    if (st != SB_OK) {
        note_failure(n, st);
    }
}

wl_plan_t wl_plan_for(unsigned index, uint64_t ring, uint64_t calls)
{
    static const wl_plan_t mix[] = {
        {SB_PHASE_KICK_EVERY_ENQUEUE, 8, WL_ONE_AT_A_TIME, 1, 0, 0},
        {SB_PHASE_KICK_EVERY_ENQUEUE, 32, WL_PIPELINED, 1, 0, 0},
        {SB_PHASE_KICK_EVERY_ENQUEUE, 64, WL_BATCHED, 8, 0, 0},
        {SB_PHASE_KICK_EVERY_ENQUEUE, 64, WL_BATCHED, 64, 0, 0},
        {SB_PHASE_SIGNAL_WHEN_ASKED, 32, WL_PIPELINED, 1, 0, 0},
        {SB_PHASE_SIGNAL_WHEN_ASKED, 64, WL_BATCHED, 8, 0, 0},
        {SB_PHASE_SIGNAL_WHEN_ASKED, 8, WL_ONE_AT_A_TIME, 1, 0, 0},
        {SB_PHASE_SIGNAL_WHEN_ASKED, 16, WL_KICK_CALL, 1, 0, 0},
    };
    wl_plan_t p = mix[index % (sizeof mix / sizeof mix[0])];
    p.ring = ring;
    p.calls = calls;
    return p;
}

const char *wl_plan_name(const wl_plan_t *p)
{
    static const char *const names[2][4] = {
        {"phase 1, one at a time", "phase 1, pipelined", "phase 1, batched", "phase 1, kick call"},
        {"phase 2, one at a time", "phase 2, pipelined", "phase 2, batched", "phase 2, kick call"},
    };
    return names[p->phase == SB_PHASE_SIGNAL_WHEN_ASKED][p->mode];
}

static void member_main(ts_client_t *tc)
{
    wl_member_t *m = tc->arg;
    if (ts_client_setup(tc) != SB_OK) {
        return;
    }
    wl_run(&tc->client, &m->plan, &m->count);
    tc->result = 0;
}

void wl_crew_start(wl_crew_t *crew, ts_server_t *srv, uint32_t first, unsigned n,
                   unsigned plan_first, unsigned plan_step, uint64_t ring, uint64_t calls)
{
    crew->n = n;
    for (unsigned i = 0; i < n; i++) {
        crew->member[i].plan = wl_plan_for(plan_first + i * plan_step, ring, calls);
        wl_check_order(first + i, true);
        TS_CHECK(ts_client_create(srv, &crew->client[i], first + i, ts_client_rights(),
                                  member_main, &crew->member[i], 0) == 0 &&
                     ts_client_share(&crew->client[i], &crew->member[i],
                                     sizeof crew->member[i]) == 0,
                 "client %u", i);
    }
    for (unsigned i = 0; i < n; i++) {
        ts_client_start(&crew->client[i]);
    }
}

void wl_crew_finish(wl_crew_t *crew, const char *who, bool verbose, wl_total_t *t)
{
    *t = (wl_total_t){0};
    for (unsigned i = 0; i < crew->n; i++) {
        ts_client_t *c = &crew->client[i];
        const wl_plan_t *p = &crew->member[i].plan;
        const wl_count_t *n = &crew->member[i].count;
        TS_CHECK(ts_client_join(c) == 0 && c->result == 0, "client %u ran", c->session);
        TS_CHECK(n->failure == SB_OK, "client %u: %s", c->session, sb_status_name(n->failure));
        TS_CHECK(n->ring_sent == p->ring && n->calls_sent == p->calls, "client %u sent %lu + %lu",
                 c->session, (unsigned long)n->ring_sent, (unsigned long)n->calls_sent);
        TS_CHECK(n->served == n->ring_sent, "client %u: the server served %lu of %lu", c->session,
                 (unsigned long)n->served, (unsigned long)n->ring_sent);
        if (verbose) {
            plat_printf("  client %u (%-22s depth %2u, batch %2u): ring %lu answered %lu, "
                        "calls %lu answered %lu\n",
                        c->session, wl_plan_name(p), p->depth, p->batch,
                        (unsigned long)n->ring_sent, (unsigned long)n->ring_answered,
                        (unsigned long)n->calls_sent, (unsigned long)n->calls_answered);
        }
        t->ring += n->ring_sent;
        t->calls += n->calls_sent;
        t->requests += n->ring_sent + n->calls_sent;
        t->answered += n->ring_answered + n->calls_answered;
        t->lost += n->ring_lost + (n->calls_sent - n->calls_answered - n->calls_wrong);
        t->duplicated += n->ring_duplicated;
        t->wrong += n->ring_wrong + n->calls_wrong;
        t->extra_calls += n->extra_calls;
        t->served += n->served;
        ts_client_destroy(c);
    }
    plat_printf("%s: requests %lu (control calls %lu, ring %lu), answered %lu, lost %lu, "
                "duplicated %lu, wrong %lu\n",
                who, (unsigned long)t->requests, (unsigned long)t->calls, (unsigned long)t->ring,
                (unsigned long)t->answered, (unsigned long)t->lost, (unsigned long)t->duplicated,
                (unsigned long)t->wrong);
    TS_CHECK(t->answered == t->requests && t->lost == 0 && t->duplicated == 0 && t->wrong == 0 &&
                 wl_order_errors() == 0,
             "%s: every request answered exactly once, right and in order", who);
}
