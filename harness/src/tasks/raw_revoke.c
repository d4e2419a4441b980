/*
 * Raw baseline of revocation: seL4_CNode_Revoke of a notification cap with k derived copies
 * (seL4_CNode_Copy makes each a child in the capability derivation tree). One thread, in its own
 * CSpace, makes the k copies (untimed), revokes (timed), then checks (untimed) that every copy
 * is gone: copying from a revoked slot must fail with seL4_FailedLookup — a success is a
 * use-after-revoke violation — while the revoked cap itself must still be usable.
 */
#include <string.h>

#include "peer.h"
#include "tasks.h"

enum { CAP_ORIGINAL, CAP_SCRATCH }; /* then the k copies */

/*
 * The revoked cap is given to the thread minted with a badge: a badged notification cap minted
 * from an unbadged one is revocable (seL4's isCapRevocable), and its copies (same badge, not
 * first-badged) are its children, so revoking it deletes them. A plain copy of the root task's
 * cap would not be revocable and would have no children to revoke.
 */
#define ORIGINAL_BADGE 0x7u
#define COPY_SLOT(j) BENCH_PEER_CAP(2u + (j))
#define MAX_COPIES ((1u << BENCH_PEER_CNODE_BITS) - PLAT_FIRST_FREE_SLOT - 2u)

/* Shared with the revoker (BENCH_STATE); the run is its copy. */
static struct {
    BENCH_STATE bench_run_t run;
    bench_correctness_t correct;
    uint32_t k;
    seL4_CPtr ntfn; /* root slot */
    bench_pair_t pair;
} s;

static seL4_Error copy(seL4_CPtr dest, seL4_CPtr src)
{
    return seL4_CNode_Copy(seL4_CapInitThreadCNode, dest, seL4_WordBits, seL4_CapInitThreadCNode,
                           src, seL4_WordBits, seL4_AllRights);
}

/* Every copy must be gone, the original must remain. */
static void check(bench_correctness_t *c)
{
    for (uint32_t j = 0; j < s.k; j++) {
        seL4_Error err = copy(BENCH_PEER_CAP(CAP_SCRATCH), COPY_SLOT(j));
        c->checks++;
        if (err == seL4_NoError) {
            c->violations++;
            seL4_CNode_Delete(seL4_CapInitThreadCNode, BENCH_PEER_CAP(CAP_SCRATCH), seL4_WordBits);
        } else if (err != seL4_FailedLookup) {
            c->errors++;
        }
    }
    c->checks++;
    if (copy(BENCH_PEER_CAP(CAP_SCRATCH), BENCH_PEER_CAP(CAP_ORIGINAL)) != seL4_NoError ||
        seL4_CNode_Delete(seL4_CapInitThreadCNode, BENCH_PEER_CAP(CAP_SCRATCH), seL4_WordBits) !=
            seL4_NoError) {
        c->errors++;
    }
}

static void revoker(void *arg)
{
    (void)arg;
    bench_pin(BENCH_ROLE_CLIENT);
    bench_run_t *r = &s.run;
    bench_correctness_t c = {0};
    for (uint32_t i = 0; i < r->warmup + r->n; i++) {
        for (uint32_t j = 0; j < s.k; j++) {
            if (copy(COPY_SLOT(j), BENCH_PEER_CAP(CAP_ORIGINAL)) != seL4_NoError) {
                c.errors++;
            }
        }
        uint64_t start = plat_cycles();
        seL4_Error err =
            seL4_CNode_Revoke(seL4_CapInitThreadCNode, BENCH_PEER_CAP(CAP_ORIGINAL), seL4_WordBits);
        uint64_t end = plat_cycles();
        c.errors += err != seL4_NoError;
        bench_record(r, i, start, end);
        check(&c);
    }
    *r->correct = c;
}

static int setup(bench_run_t *r)
{
    memset(&s, 0, sizeof(s));
    bench_run_copy(&s.run, &s.correct, r);
    s.k = r->params->k ? r->params->k : 1u;
    if (s.k > MAX_COPIES) {
        r->error = "k is larger than the revoking thread's CSpace";
        return -1;
    }
    if (bench_obj_new(r, seL4_NotificationObject, &s.ntfn) != 0) {
        return -1;
    }
    bench_peer_t peers[2] = {
        [BENCH_ROLE_CLIENT] = {"bench-revoker", BENCH_PEER_PRIO, revoker, NULL,
                               {{s.ntfn, ORIGINAL_BADGE}}},
    };
    return bench_pair_create(r, &s.pair, peers, &s, sizeof(s));
}

static int measure(bench_run_t *r)
{
    int rc = bench_pair_run(r, &s.pair);
    bench_run_done(r, &s.run);
    return rc;
}

static void teardown(bench_run_t *r)
{
    (void)r;
    bench_pair_destroy(&s.pair);
    bench_obj_free(&s.ntfn);
}

const bench_impl_t bench_raw_revoke = {
    "raw_revoke",
    "seL4_CNode_Revoke of a notification cap with k derived copies, each then checked unusable",
    setup, measure, teardown, NULL,
};
