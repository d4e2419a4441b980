/*
 * Revocation under load: a victim client submits, kicks and reaps without pause while the server
 * revokes its bundle at random moments, 100 times over, with honest clients busy beside it. Each
 * time the victim either learns of it from a reply or its completion word (SB_ERR_REVOKED), or
 * its next touch of the bundle faults (a VM fault on a ring, a cap fault on a wait) — both are
 * seL4's semantics. The server must never process a request of a revoked bundle, the old slots
 * must be empty, and the honest clients' results must stay exact. The server and every client
 * are components, each in an address space of its own (on seL4).
 */
#include "workload.h"

#include <stdatomic.h>

#define HONEST 4
#define VICTIM 5
#define ROUNDS 100
#define RING_PER_CLIENT 10000
#define CALLS_PER_CLIENT 2000
#define EP_REPORT TS_SLOT_EP2 /* the victim's cap to the root's report endpoint */
#define REPORT_REPLY 100      /* label of a victim's report: "a reply said revoked" */
#define REPORT_WAIT 101       /* "my completion word said revoked" */

static ts_server_t srv;

/* Shared by the root and the victim (pages of their own). */
static struct {
    /* The victim's bundle epoch: its n-th successful open made epoch n. Request ids carry it. */
    TS_PAGE_ALIGNED atomic_uint epoch;
    atomic_uint reaped; /* completions reaped in the current epoch */
    atomic_uint stop;
    atomic_uint_fast64_t answered, wrong;
} victim;

/* Server side (server thread only; read by the root once it stopped): shared with the server. */
static struct {
    TS_PAGE_ALIGNED uint64_t violations;
    uint64_t processed, expect;
    uint32_t epoch_seen;
} seen;

static sb_status_t handler(void *ctx, uint32_t session, const sb_queue_entry_t *rq,
                           uint64_t result[2])
{
    if (session != VICTIM) {
        return wl_handler(ctx, session, rq, result);
    }
    uint32_t epoch = (uint32_t)(rq->id >> 32), seq = (uint32_t)rq->id;
    /* srv.revokes[VICTIM] counts the bundles revoked so far (bundles 1..n); it is written by
     * this thread, in the signal callback. A request of one of them must never get here. */
    if (epoch <= atomic_load(&srv.revokes[VICTIM])) {
        seen.violations++;
    }
    if (epoch != seen.epoch_seen) {
        seen.epoch_seen = epoch;
        seen.expect = 1;
    }
    if (seq != seen.expect++) {
        seen.violations++;
    }
    seen.processed++;
    result[0] = rq->id ^ 0x5555;
    return SB_OK;
}

static void report(seL4_Word label)
{
    seL4_Call(EP_REPORT, seL4_MessageInfo_new(label, 0, 0, 0));
}

static void revoke_victim(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    if (ts_client_setup(tc) != SB_OK) {
        return;
    }
    while (!atomic_load(&victim.stop)) {
        /* A new bundle: the session is revoked (or new), so open works. */
        uint32_t epoch = atomic_load(&victim.epoch) + 1;
        sb_phase_t phase = epoch & 1 ? SB_PHASE_KICK_EVERY_ENQUEUE : SB_PHASE_SIGNAL_WHEN_ASKED;
        if (sb_client_open(c, 6, 16, phase) != SB_OK) {
            tc->result = 2;
            return;
        }
        atomic_store(&victim.epoch, epoch);
        atomic_store(&victim.reaped, 0);
        uint32_t next = 1, expect = 1;
        sb_status_t st = SB_OK;
        while (st == SB_OK) {
            while (c->in_flight < 16) {
                sb_queue_entry_t rq = {.id = ((uint64_t)epoch << 32) | next, .op = 1};
                if ((st = sb_client_submit(c, &rq)) != SB_OK) {
                    break;
                }
                next++;
            }
            sb_queue_entry_t done;
            while (st == SB_OK && (st = sb_client_reap(c, &done)) == SB_OK) {
                bool right = done.id == (((uint64_t)epoch << 32) | expect) &&
                             done.arg[0] == (done.id ^ 0x5555) && done.status == SB_OK;
                atomic_fetch_add(right ? &victim.answered : &victim.wrong, 1);
                expect++;
                /* Now and then a control call: the way to learn of a revoke without a wait. */
                if ((atomic_fetch_add(&victim.reaped, 1) & 31) == 31) {
                    if ((st = sb_client_ping(c)) == SB_ERR_REVOKED) {
                        report(REPORT_REPLY);
                    }
                }
            }
            if (st == SB_ERR_RING_EMPTY && c->in_flight == 0) {
                st = SB_OK; /* all answered: submit more rather than wait */
            } else if (st == SB_ERR_RING_EMPTY) {
                if ((st = sb_client_wait(c)) == SB_ERR_REVOKED) {
                    report(REPORT_WAIT);
                }
            }
        }
        if (st != SB_ERR_REVOKED) {
            tc->result = 3;
            return;
        }
    }
    tc->result = 0;
}

static uint64_t rng = 88172645463325252u;

static int new_victim(ts_client_t *v, seL4_CPtr report_ep)
{
    if (ts_client_create(&srv, v, VICTIM, ts_client_rights(), revoke_victim, NULL, report_ep) !=
            0 ||
        ts_client_share(v, &victim, sizeof victim) != 0) {
        return -1;
    }
    seL4_CNode_Mint(plat_thread_cnode(v->thread), EP_REPORT, seL4_WordBits,
                    seL4_CapInitThreadCNode, report_ep, seL4_WordBits, seL4_AllRights, VICTIM);
    return ts_client_start(v);
}

int main(void)
{
    plat_init();
    ts_address_space = PLAT_AS_SEPARATE;
    srv.cfg = (sb_server_config_t){.max_sessions = VICTIM, .max_bundle = 8, .pool_frames = 16,
                                   .default_depth = 32, .request = handler};
    srv.share[0] = (ts_region_t){&seen, sizeof seen};
    wl_server_share(&srv);
    TS_CHECK(ts_server_start(&srv) == 0 && srv.init_status == SB_OK, "server");
    seL4_CPtr report_ep;
    TS_CHECK(plat_obj_alloc(seL4_EndpointObject, 0, &report_ep) == seL4_NoError, "report ep");

    static ts_client_t v;
    static wl_crew_t crew;
    wl_crew_start(&crew, &srv, 1, HONEST, 0, 2, RING_PER_CLIENT, CALLS_PER_CLIENT);
    TS_CHECK(new_victim(&v, report_ep) == 0, "victim");

    unsigned by_reply = 0, by_wait = 0, vm_faults = 0, cap_faults = 0, other = 0;
    for (unsigned round = 1; round <= ROUNDS; round++) {
        /* Let the victim get going in its new bundle, then revoke at a random moment. */
        while (atomic_load(&victim.epoch) != round || atomic_load(&victim.reaped) < 40) {
            seL4_Yield();
        }
        ts_spin_us(wl_random(&rng) % 400);
        ts_server_revoke(&srv, VICTIM);
        seL4_Word badge = 0;
        seL4_MessageInfo_t info = seL4_Recv(report_ep, &badge);
        seL4_Word label = seL4_MessageInfo_get_label(info);
        /* A VM fault must be at a frame of the revoked bundle, not anywhere else: in its own
         * address space the victim faults on anything the root did not share with it, too. */
        if (label == seL4_Fault_VMFault) {
            seL4_Word at = seL4_GetMR(seL4_VMFault_Addr);
            bool in_bundle = false;
            for (unsigned f = 0; f < SB_BUNDLE_MAX && !in_bundle; f++) {
                seL4_Word base = (seL4_Word)v.client.frames[f];
                in_bundle = base != 0 && at - base < ((seL4_Word)1 << SB_FRAME_BITS);
            }
            TS_CHECK(in_bundle, "round %u: VM fault at 0x%lx, not in the bundle's frames", round,
                     (unsigned long)at);
        }
        TS_CHECK(badge == VICTIM, "report badge %lu", (unsigned long)badge);
        /* A fault can come while the server is still revoking the rest of the bundle (the frames
         * go before the notifications and the CNode): wait until sb_server_revoke returned. */
        while (atomic_load(&srv.revokes[VICTIM]) != round) {
            seL4_Yield();
        }
        /* Whatever the outcome, the revoked bundle's slots in the victim's CSpace are empty. */
        for (seL4_CPtr s = TS_SLOT_BASE; s <= TS_SLOT_BASE + 6; s++) {
            TS_CHECK(ts_slot_empty(v.thread, s), "round %u: slot %lu empty", round,
                     (unsigned long)s);
        }
        if (round == ROUNDS) {
            atomic_store(&victim.stop, 1);
        }
        switch (label) {
        case REPORT_REPLY:
        case REPORT_WAIT:
            by_reply += label == REPORT_REPLY;
            by_wait += label == REPORT_WAIT;
            seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0)); /* go on: open again */
            break;
        case seL4_Fault_VMFault:
        case seL4_Fault_CapFault:
            vm_faults += label == seL4_Fault_VMFault;
            cap_faults += label == seL4_Fault_CapFault;
            ts_client_destroy(&v);
            if (round < ROUNDS) {
                TS_CHECK(new_victim(&v, report_ep) == 0, "a new victim");
            }
            break;
        default:
            other++;
            TS_CHECK(false, "round %u: unexpected report label %lu", round, (unsigned long)label);
            break;
        }
    }
    if (v.thread) {
        TS_CHECK(ts_client_join(&v) == 0 && v.result == 0, "the victim ended (result %d)",
                 v.result);
        ts_client_destroy(&v);
    }

    wl_total_t t;
    wl_crew_finish(&crew, "honest clients beside it", false, &t);
    TS_CHECK(ts_server_stop(&srv) == 0, "server stopped");
    plat_printf("revocations %u: learnt from a reply %u, from the completion word %u; "
                "VM faults %u, cap faults %u\n",
                atomic_load(&srv.revokes[VICTIM]), by_reply, by_wait, vm_faults, cap_faults);
    plat_printf("victim: %lu requests processed by the server, %lu answered right, %lu wrong; "
                "requests of revoked bundles processed: %lu\n",
                (unsigned long)seen.processed, (unsigned long)atomic_load(&victim.answered),
                (unsigned long)atomic_load(&victim.wrong), (unsigned long)seen.violations);
    TS_CHECK(atomic_load(&srv.revokes[VICTIM]) == ROUNDS, "every revoke took effect: %u",
             atomic_load(&srv.revokes[VICTIM]));
    TS_CHECK(by_reply + by_wait + vm_faults + cap_faults == ROUNDS && other == 0, "outcomes");
    TS_CHECK(seen.violations == 0, "no request of a revoked bundle was processed");
    TS_CHECK(atomic_load(&victim.wrong) == 0, "the victim's answers were right up to each revoke");
    TS_CHECK(t.requests == HONEST * (uint64_t)(RING_PER_CLIENT + CALLS_PER_CLIENT),
             "the honest clients' requests");
    TS_CHECK(srv.server.pool_free_count == 16, "pool frames back: %u", srv.server.pool_free_count);
    ts_exit("integration_revoke");
}
