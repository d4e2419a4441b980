/*
 * The threads and objects a task measures with: two peers (the timing client and its server or
 * waiter), each in its own CSpace holding the caps the task gives it, made in setup and destroyed
 * in teardown so that no timed loop creates anything.
 *
 * Each peer runs in the address space bench_address_space says: the root's (PLAT_AS_SHARED), or a
 * VSpace of its own (PLAT_AS_SEPARATE, a component), as the bridge variant and its baseline alike
 * do. A component sees none of the root's data, so what a measured thread touches of it is laid
 * out on pages of its own and shared with it (bench_share): the runner's page, the block's slice
 * of the sample pool, and the task's state (a copy of the run, its counters; BENCH_STATE).
 */
#pragma once

#include <stdint.h>

#include <sel4/sel4.h>
#include <sel4bridge/plat.h>

#include "runner.h"
#include "task.h"

/* Where a peer finds the i-th cap it was given, in its own CSpace. */
#define BENCH_PEER_CAP(i) ((seL4_CPtr)(PLAT_FIRST_FREE_SLOT + (i)))
#define BENCH_PEER_MAX_CAPS 4u
/* Radix of a peer's CSpace: room for a bundle of 64 caps copied out past the given caps. */
#define BENCH_PEER_CNODE_BITS 8u
/* Default priority of both peers; a waiter that must preempt its signaller gets one more. */
#define BENCH_PEER_PRIO 100u

typedef struct {
    seL4_CPtr slot;  /* root-task slot to copy from; 0 leaves the peer's slot empty */
    seL4_Word badge; /* 0: copied with all rights; else minted with this badge */
} bench_cap_t;

typedef struct {
    const char *name;
    seL4_Word priority;
    plat_thread_fn fn;
    void *arg;
    bench_cap_t caps[BENCH_PEER_MAX_CAPS];
} bench_peer_t;

typedef struct {
    plat_thread_t *thread[2]; /* indexed by bench_role_t */
} bench_pair_t;

/* Where measured threads run; set once by the front end before any case (default: shared). */
extern plat_address_space_t bench_address_space;
/* The core of each timing thread's peer (the server, the waiter; bridge and baseline alike): the
 * timing thread stays on core 0 with the root. 0 (default): both on one core. seL4 only
 * (plat_thread_attr_t.core). */
extern seL4_Word bench_peer_core;

/* A task's state, shared with its components: starts on a page and fills whole pages (its size
 * is a multiple of its alignment), so sharing it shares nothing else of the root's. */
#define BENCH_STATE _Alignas(BENCH_PAGE)

/*
 * Give thread @t what it touches of the root's memory: the runner's page, the samples of
 * @run (whole pages of the pool) and [@state, @state + @bytes) (0 bytes: none). Nothing to do
 * for a thread in the root's address space. On failure sets run->error.
 */
int bench_share(bench_run_t *run, plat_thread_t *t, const void *state, size_t bytes);

/*
 * The run as a task's threads see it: a copy @to in the task's state whose correctness counters
 * are @correct (in the state too), as @from is on the root's stack; bench_run_done adds them to
 * @from's once the threads are joined.
 */
static inline void bench_run_copy(bench_run_t *to, bench_correctness_t *correct,
                                  const bench_run_t *from)
{
    *to = *from;
    *correct = (bench_correctness_t){0};
    to->correct = correct;
}

static inline void bench_run_done(bench_run_t *from, const bench_run_t *copy)
{
    bench_correctness_add(from->correct, copy->correct);
}

/* Retype one object into a fresh root slot; on failure sets run->error. */
int bench_obj_new(bench_run_t *run, seL4_Word type, seL4_CPtr *slot);
/* Delete the object's cap and free the slot (0 is ignored). */
void bench_obj_free(seL4_CPtr *slot);

/* Create the peers (not running), each in bench_address_space and given the task's @state
 * (bench_share). @peers[0] is the client; @peers[1] may have fn == NULL. */
int bench_pair_create(bench_run_t *run, bench_pair_t *pair, const bench_peer_t peers[2],
                      const void *state, size_t state_bytes);
/* Start the server first so it is waiting, then the client; join both. */
int bench_pair_run(bench_run_t *run, bench_pair_t *pair);
void bench_pair_destroy(bench_pair_t *pair);
