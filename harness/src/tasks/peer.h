/*
 * The threads and objects a task measures with: two peers (the timing client and its server or
 * waiter), each in its own CSpace holding the caps the task gives it, made in setup and destroyed
 * in teardown so that no timed loop creates anything.
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
/* Radix of a peer's CSpace: room for the revoke task's 64 copies past the given caps. */
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

/* Retype one object into a fresh root slot; on failure sets run->error. */
int bench_obj_new(bench_run_t *run, seL4_Word type, seL4_CPtr *slot);
/* Delete the object's cap and free the slot (0 is ignored). */
void bench_obj_free(seL4_CPtr *slot);

/* Create the peers (not running). @peers[0] is the client; @peers[1] may have fn == NULL. */
int bench_pair_create(bench_run_t *run, bench_pair_t *pair, const bench_peer_t peers[2]);
/* Start the server first so it is waiting, then the client; join both. */
int bench_pair_run(bench_run_t *run, bench_pair_t *pair);
void bench_pair_destroy(bench_pair_t *pair);
