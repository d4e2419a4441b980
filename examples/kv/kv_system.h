/*
 * The system the store's tests and benchmarks run in, built by the root task with plat.h and
 * libsel4 alone: a server thread (its endpoint, bound notification and untyped memory) serving
 * the store, and client threads, each reaching it through an endpoint cap minted with its
 * session's badge.
 */
#pragma once

#include <sel4bridge/plat.h>

#include "kv.h"

/* Slots in every thread's CSpace. */
#define KVS_SLOT_EP 16      /* server: the endpoint (Read + Grant); client: badged (Write, GrantReply) */
#define KVS_SLOT_NTFN 17    /* server: its notification */
#define KVS_SLOT_UNTYPED 18 /* server: its untyped memory */
#define KVS_SLOT_READY 19   /* server: signalled once init is done */
#define KVS_SLOT_EP2 20     /* client: a second endpoint cap, for kv_peer_t.second_session */
#define KVS_SLOT_BASE2 128  /* client: the second session's slots */
#define KVS_SLOT_BASE 32    /* first slot the bridge may use */

typedef struct kv_system {
    kv_server_t kv;
    kv_space_t spaces[KV_SESSIONS];
    sb_server_t bridge;
    sb_server_config_t cfg;
    sb_status_t init_status, run_status;
    plat_thread_t *thread;
    seL4_CPtr ep, ntfn, ready, stop; /* root slots */
} kv_system_t;

/* Start the server for @sessions sessions (at most KV_SESSIONS) under @quota; @admin is the
 * session that may revoke others' bundles (0: none). 0 once its init is done and succeeded. */
int kv_system_start(kv_system_t *s, uint32_t sessions, kv_quota_t quota, uint32_t admin);
/* Stop the serve loop and destroy the thread; 0 when it ended normally. */
int kv_system_stop(kv_system_t *s);

typedef struct kv_peer kv_peer_t;
struct kv_peer {
    uint32_t session;
    void (*fn)(kv_peer_t *p); /* runs on the client's thread; sets result (0: success) */
    void *arg;
    uint32_t second_session;  /* set before kv_peer_start: a second session on KVS_SLOT_EP2 */
    sb_client_t client;       /* initialised on the client's thread before fn runs */
    sb_client_t second;       /* the second session's, when there is one */
    sb_status_t init_status;
    int result;
    plat_thread_t *thread;
};

/* Start a client thread on @session running @fn. */
int kv_peer_start(kv_system_t *s, kv_peer_t *p, uint32_t session, void (*fn)(kv_peer_t *),
                  void *arg);
/* Wait for it and destroy it: its result, or -1 when it faulted or never ran. */
int kv_peer_join(kv_peer_t *p);
