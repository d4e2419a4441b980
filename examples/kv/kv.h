/*
 * A key-value store on the bridge, written against the installed public headers only: the
 * server (kv_server.c) and what a client calls (kv_client.c). Schema: kv.capnp.
 *
 * Keys are 64-bit; each session id (the badge) has a keyspace of its own, kept for the server's
 * life, so a session closed, revoked or reopened finds what it stored. A value of up to 8 bytes
 * goes in one control call that fits seL4's IPC fastpath; larger ones (up to 64 KiB) go through
 * the bundle's data frames, one ring request per value and one kick per batch.
 */
#pragma once

#include <sel4bridge/app.h>
#include <sel4bridge/client.h>
#include <sel4bridge/data.h>
#include <sel4bridge/server.h>

#include "kv.capnp.h"

#define KV_SESSIONS 8u                 /* sessions the tests' system serves */
#define KV_KEYS_MAX 256u               /* keys one keyspace can hold */
#define KV_SPACE_BYTES (160u * 1024u)  /* value bytes one keyspace can hold */
#define KV_VALUE_MAX kv_valueMax       /* 64 KiB */
#define KV_SMALL_MAX 8u                /* values carried in a control call */
#define KV_DATA_FRAMES 32u             /* a client's data area: 128 KiB */
#define KV_BUNDLE_CAPS (SB_BUNDLE_MIN + KV_DATA_FRAMES)
#define KV_RING_DEPTH 32u

/* A small value travels in the call's one 64-bit word, byte i in bits 8i to 8i + 7 whatever the
 * machine's byte order. Unrolled, so that gcc makes each of these one load or one store (a loop
 * of shifts costs about 50 instructions, on both sides of every small put and get). */
static inline uint64_t kv_small_word(const uint8_t bytes[KV_SMALL_MAX])
{
    uint64_t word = 0;
#pragma GCC unroll 8
    for (unsigned i = 0; i < KV_SMALL_MAX; i++) {
        word |= (uint64_t)bytes[i] << (8 * i);
    }
    return word;
}

static inline void kv_small_bytes(uint64_t word, uint8_t bytes[KV_SMALL_MAX])
{
#pragma GCC unroll 8
    for (unsigned i = 0; i < KV_SMALL_MAX; i++) {
        bytes[i] = (uint8_t)(word >> (8 * i));
    }
}

/* What each session may hold; at most KV_KEYS_MAX keys and KV_SPACE_BYTES bytes. */
typedef struct kv_quota {
    uint32_t keys;
    uint32_t bytes;
} kv_quota_t;

/* One key's value: @size bytes at @offset in the keyspace's heap. */
typedef struct kv_entry {
    uint64_t key;
    uint32_t offset;
    uint32_t size;
} kv_entry_t;

/* A keyspace: entries sorted by key; the heap's first @used bytes are exactly the values. */
typedef struct kv_space {
    uint32_t count;
    uint32_t used;
    kv_entry_t entry[KV_KEYS_MAX];
    uint8_t heap[KV_SPACE_BYTES];
} kv_space_t;

/* The server's state: its own memory, never shared with a client. */
typedef struct kv_server {
    sb_server_t *bridge;
    kv_quota_t quota;
    const sb_interface_t *interfaces[1];
    sb_app_config_t app;
    uint64_t scan_keys[kv_scanMax]; /* a scan's results: never in the request's registers */
    uint32_t scan_sizes[kv_scanMax];
    kv_space_t *space; /* session n's keyspace is space[n - 1] */
} kv_server_t;

/*
 * Server: before sb_server_init, point @cfg's ring handler at the store, whose keyspaces are
 * @spaces (@count of them, at least cfg->max_sessions; the caller's memory, wherever the server
 * keeps its state: a component has no data or bss of its own). SB_ERR_CONFIG for a quota beyond
 * a keyspace or too few keyspaces. After sb_server_init, register the Kv interface with
 * kv_server_attach, then serve (sb_server_run).
 */
sb_status_t kv_server_config(kv_server_t *kv, sb_server_config_t *cfg, kv_quota_t quota,
                             kv_space_t *spaces, uint32_t count);
sb_status_t kv_server_attach(kv_server_t *kv, sb_server_t *bridge);
/* The ring requests' handler kv_server_config installs (sb_request_fn). */
sb_status_t kv_server_ring(void *ctx, uint32_t session, const sb_queue_entry_t *rq,
                           uint64_t result[2]);

/* ---- Client ---- */

/* Open this client's session with the bundle the store's clients use. */
sb_status_t kv_open(sb_client_t *c, sb_phase_t phase);

/* One value through the data area, for kv_put_batch and kv_get_batch. */
typedef struct kv_item {
    uint64_t key;
    void *value;          /* put: the bytes to store; get: where the value is copied */
    uint32_t size;        /* put: the value's size; get: the room at value, then the value's size */
    kv_Outcome_t outcome; /* the store's answer */
    sb_status_t status;   /* the bridge's answer to the ring request (SB_ERR_DATA_RANGE ...) */
} kv_item_t;

/*
 * Put (get) @n items with one kick: their values are laid one after another in the data area
 * (each must fit: their sizes together at most KV_DATA_FRAMES frames, n at most the ring's
 * depth), announced on the request ring, and completed on the completion ring; each item's
 * status and outcome are set. Returns SB_OK once every completion is in, else why not
 * (SB_ERR_REVOKED: the bundle was revoked; the items without a completion were not answered).
 */
sb_status_t kv_put_batch(sb_client_t *c, kv_item_t *items, uint32_t n);
sb_status_t kv_get_batch(sb_client_t *c, kv_item_t *items, uint32_t n);

/* One value of any size: up to KV_SMALL_MAX bytes in a control call, else through the ring. */
sb_status_t kv_put(sb_client_t *c, uint64_t key, const void *value, uint32_t size,
                   kv_Outcome_t *outcome);
/* The value under @key into @buf (room @room): its size in *@size; a value larger than the room
 * is kv_Outcome_tooLarge with its size. One control call for a small value, and one ring request
 * more for a larger one. */
sb_status_t kv_get(sb_client_t *c, uint64_t key, void *buf, uint32_t room, uint32_t *size,
                   kv_Outcome_t *outcome);

/* The names of the store's outcomes, for messages. */
const char *kv_outcome_name(kv_Outcome_t outcome);
