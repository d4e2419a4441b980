/* Peers and objects for the tasks: untimed setup through plat.h and seL4_CNode_Copy/Mint. */
#include "peer.h"

#include <string.h>

plat_address_space_t bench_address_space = PLAT_AS_SHARED;
seL4_Word bench_peer_core = 0;

int bench_obj_new(bench_run_t *run, seL4_Word type, seL4_CPtr *slot)
{
    seL4_Error err = plat_obj_alloc(type, 0, slot);
    if (err != seL4_NoError) {
        *slot = 0;
        run->error = "plat_obj_alloc failed (untyped memory or root slots exhausted)";
        return -1;
    }
    return 0;
}

void bench_obj_free(seL4_CPtr *slot)
{
    if (*slot) {
        seL4_CNode_Delete(seL4_CapInitThreadCNode, *slot, seL4_WordBits);
        plat_slot_free(*slot);
        *slot = 0;
    }
}

static int give_caps(bench_run_t *run, plat_thread_t *t, const bench_peer_t *p)
{
    seL4_CPtr cnode = plat_thread_cnode(t);
    for (uint32_t i = 0; i < BENCH_PEER_MAX_CAPS; i++) {
        const bench_cap_t *c = &p->caps[i];
        if (!c->slot) {
            continue;
        }
        seL4_Error err =
            c->badge ? seL4_CNode_Mint(cnode, BENCH_PEER_CAP(i), seL4_WordBits,
                                       seL4_CapInitThreadCNode, c->slot, seL4_WordBits,
                                       seL4_AllRights, c->badge)
                     : seL4_CNode_Copy(cnode, BENCH_PEER_CAP(i), seL4_WordBits,
                                       seL4_CapInitThreadCNode, c->slot, seL4_WordBits,
                                       seL4_AllRights);
        if (err != seL4_NoError) {
            run->error = "seL4_CNode_Copy/Mint of a cap into a peer's CSpace failed";
            return -1;
        }
    }
    return 0;
}

int bench_share(bench_run_t *run, plat_thread_t *t, const void *state, size_t bytes)
{
    seL4_Error err = plat_thread_share(t, &bench_runner_page, sizeof(bench_runner_page));
    if (err == seL4_NoError && run->n > 0) {
        err = plat_thread_share(t, run->samples, (size_t)run->n * sizeof(run->samples[0]));
    }
    if (err == seL4_NoError && bytes > 0) {
        err = plat_thread_share(t, state, bytes);
    }
    if (err != seL4_NoError) {
        run->error = "plat_thread_share of the runner's page, the samples or the task's state "
                     "with a measured component failed";
        return -1;
    }
    return 0;
}

int bench_pair_create(bench_run_t *run, bench_pair_t *pair, const bench_peer_t peers[2],
                      const void *state, size_t state_bytes)
{
    memset(pair, 0, sizeof(*pair));
    for (int i = 0; i < 2; i++) {
        const bench_peer_t *p = &peers[i];
        if (!p->fn) {
            continue;
        }
        plat_thread_attr_t attr = {
            .name = p->name,
            .cnode_bits = BENCH_PEER_CNODE_BITS,
            .priority = p->priority,
            .fault_ep = 0,
            .address_space = bench_address_space,
            .core = i == BENCH_ROLE_SERVER ? bench_peer_core : 0,
        };
        if (plat_thread_create(&pair->thread[i], &attr, p->fn, p->arg) != 0) {
            pair->thread[i] = NULL;
            run->error = "plat_thread_create failed";
            bench_pair_destroy(pair);
            return -1;
        }
        if (give_caps(run, pair->thread[i], p) != 0 ||
            bench_share(run, pair->thread[i], state, state_bytes) != 0) {
            bench_pair_destroy(pair);
            return -1;
        }
    }
    return 0;
}

int bench_pair_run(bench_run_t *run, bench_pair_t *pair)
{
    static const int order[2] = {BENCH_ROLE_SERVER, BENCH_ROLE_CLIENT};
    for (int i = 0; i < 2; i++) {
        plat_thread_t *t = pair->thread[order[i]];
        if (t && plat_thread_start(t) != seL4_NoError) {
            run->error = "plat_thread_start failed";
            return -1;
        }
    }
    /* The client first: if it faulted, its server is still blocked waiting for it and is left
     * to bench_pair_destroy rather than joined. */
    plat_thread_t *client = pair->thread[BENCH_ROLE_CLIENT];
    plat_thread_t *server = pair->thread[BENCH_ROLE_SERVER];
    if (client && plat_thread_join(client) != 0) {
        run->error = "the measuring thread faulted";
        return -1;
    }
    if (server && plat_thread_join(server) != 0) {
        run->error = "the peer thread faulted";
        return -1;
    }
    return 0;
}

void bench_pair_destroy(bench_pair_t *pair)
{
    for (int i = 0; i < 2; i++) {
        if (pair->thread[i]) {
            plat_thread_destroy(pair->thread[i]);
            pair->thread[i] = NULL;
        }
    }
}
