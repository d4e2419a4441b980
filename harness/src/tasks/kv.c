/*
 * The kv task: the key-value store of examples/kv served through the bridge, one server thread
 * and one client thread on session 1. Unlike the other tasks, both always run in the root's
 * address space: the store's state (a keyspace able to hold two 64 KiB values) and the client's
 * buffers are about 120 pages, and on seL4 the root task's plat_thread_share gives a component
 * only about 32 pages before it reports seL4_NotEnoughMemory. A component keeping that state in
 * frames it maps itself is the way to lift this; until then these rows are measured shared
 * (crossing address spaces costs 4 emulated instructions per round trip, README).
 *
 * What one sample covers:
 *   get, put (8 bytes)   one Kv.get / Kv.put call: encode, seL4_Call, the server's dispatch and
 *                        handler, reply, decode (beside the bridge's null call, bridge_call)
 *   put (b x bytes)      kv_put_batch: the b values copied into the data area, b requests with
 *                        one kick, the server checks each reference and copies the value into
 *                        the store, b completions reaped
 *   get (b x bytes)      kv_get_batch: b requests with one kick, the server copies each value
 *                        into the data area, the client copies them out
 * beside memcpy: the same b x bytes copied, frame by frame, from one set of frames to another,
 * both mapped by the measuring thread (the copy a transfer cannot avoid).
 */
#include <stddef.h>
#include <string.h>

#include "kv.h"
#include "peer.h"
#include "tasks.h"

#define SESSION 1u
#define SERVER_CNODE_BITS 11u
#define CLIENT_CNODE_BITS 8u
#define STOP_BIT ((seL4_Word)1 << 40)
#define KEY0 1000u      /* the batches' keys: KEY0 .. KEY0 + b - 1 */
#define SMALL_KEY 1u    /* the 8-byte value get reads */
#define SMALL_PUT_KEY 2u
#define AREA_BYTES (KV_DATA_FRAMES * SB_DATA_FRAME_BYTES)

enum { S_EP = 16, S_NTFN, S_UNTYPED, S_READY, S_FIRST_FREE = 32 };
enum { C_EP = 16, C_BUNDLE = 32 };
/* The memcpy thread's frames: source, then destination. */
enum { M_FRAMES = 32, M_FRAMES_MAX = 2 * (AREA_BYTES / SB_DATA_FRAME_BYTES) };

typedef enum { V_GET_SMALL, V_PUT_SMALL, V_PUT, V_GET, V_MEMCPY } variant_t;

static struct {
    BENCH_STATE bench_run_t run;
    bench_correctness_t correct;
    variant_t v;
    uint32_t b, bytes;
    seL4_CPtr ep, ntfn, ready, stop, untyped; /* root slots */
    seL4_CPtr frames[M_FRAMES_MAX];           /* root slots (memcpy) */
    uint32_t frame_count;
    plat_thread_t *server_thread, *client_thread;
    sb_server_config_t cfg;
    sb_status_t init_status;
    sb_server_t server;
    kv_server_t kv;
    kv_space_t space[1];                      /* session 1's keyspace */
    uint8_t src[AREA_BYTES], dst[AREA_BYTES]; /* the client's values, out and back */
} K;

/* ---- the server ---- */

static void stop_signal(void *ctx, seL4_Word bits)
{
    if (bits & STOP_BIT) {
        sb_server_stop(((kv_server_t *)ctx)->bridge);
    }
}

static void server_main(void *arg)
{
    (void)arg;
    bench_pin(BENCH_ROLE_SERVER);
    K.init_status = sb_server_init(&K.server, &K.cfg);
    if (K.init_status == SB_OK) {
        K.init_status = kv_server_attach(&K.kv, &K.server);
    }
    seL4_Signal(S_READY);
    if (K.init_status == SB_OK) {
        sb_server_run(&K.server);
    }
}

/* ---- the client ---- */

static void items_of(kv_item_t *items, uint8_t *buf)
{
    for (uint32_t j = 0; j < K.b; j++) {
        items[j] = (kv_item_t){.key = KEY0 + j, .value = buf + (size_t)j * K.bytes,
                               .size = K.bytes};
    }
}

/* Every item answered ok; a get's values checked where a wrong copy would show. */
static void check_items(const kv_item_t *items, bool get, bench_correctness_t *k)
{
    for (uint32_t j = 0; j < K.b; j++) {
        k->checks++;
        const uint8_t *v = items[j].value;
        if (items[j].status != SB_OK || items[j].outcome != kv_Outcome_ok ||
            items[j].size != K.bytes ||
            (get && (v[0] != (uint8_t)(j + 1) || v[K.bytes - 1] != (uint8_t)(j + 7)))) {
            k->lost++;
        }
    }
}

static void client_loop(sb_client_t *c, bench_run_t *r, bench_correctness_t *k)
{
    const uint32_t total = r->warmup + r->n;
    kv_item_t items[KV_RING_DEPTH];
    for (uint32_t i = 0; i < total; i++) {
        uint64_t start = 0, end = 0, word = 0;
        uint32_t size = 0;
        kv_Outcome_t out = kv_Outcome_notFound;
        sb_status_t st = SB_OK;
        switch (K.v) {
        case V_GET_SMALL:
            start = plat_cycles();
            st = kv_Kv_get(c, SMALL_KEY, &out, &size, &word);
            end = plat_cycles();
            k->lost += st != SB_OK || out != kv_Outcome_ok || size != 8 ||
                       word != 0x0123456789abcdefull;
            break;
        case V_PUT_SMALL:
            start = plat_cycles();
            st = kv_Kv_put(c, SMALL_PUT_KEY, i, 8, &out);
            end = plat_cycles();
            k->lost += st != SB_OK || out != kv_Outcome_ok;
            break;
        case V_PUT:
            items_of(items, K.src);
            start = plat_cycles();
            st = kv_put_batch(c, items, K.b);
            end = plat_cycles();
            check_items(items, false, k);
            break;
        default:
            items_of(items, K.dst);
            memset(K.dst, 0, (size_t)K.b * K.bytes); /* so a value not copied shows */
            start = plat_cycles();
            st = kv_get_batch(c, items, K.b);
            end = plat_cycles();
            check_items(items, true, k);
            break;
        }
        k->checks++;
        k->errors += st != SB_OK;
        bench_record(r, i, start, end);
    }
}

static void client_main(void *arg)
{
    (void)arg;
    bench_pin(BENCH_ROLE_CLIENT);
    bench_run_t *r = &K.run;
    bench_correctness_t k = {0};
    sb_client_t c;
    sb_client_config_t cfg = {.endpoint = C_EP, .cnode = seL4_CapInitThreadCNode,
                              .slot_base = C_BUNDLE, .slot_count = KV_BUNDLE_CAPS + 1u};
    kv_Outcome_t out = kv_Outcome_notFound;
    if (sb_client_init(&c, &cfg) != SB_OK || kv_open(&c, SB_PHASE_KICK_EVERY_ENQUEUE) != SB_OK) {
        k.errors++;
        *r->correct = k;
        return;
    }
    /* The values the gets find, stored untimed: value j starts with j + 1 and ends with j + 7. */
    for (uint32_t j = 0; j < K.b; j++) {
        uint8_t *v = K.src + (size_t)j * K.bytes;
        memset(v, (int)(j + 3), K.bytes);
        v[0] = (uint8_t)(j + 1);
        v[K.bytes - 1] = (uint8_t)(j + 7);
    }
    kv_item_t items[KV_RING_DEPTH];
    if (K.b > 0) {
        items_of(items, K.src);
        k.errors += kv_put_batch(&c, items, K.b) != SB_OK;
        check_items(items, false, &k);
    }
    k.errors += kv_Kv_put(&c, SMALL_KEY, 0x0123456789abcdefull, 8, &out) != SB_OK || out != kv_Outcome_ok;
    client_loop(&c, r, &k);
    k.errors += sb_client_close(&c, NULL) != SB_OK;
    *r->correct = k;
}

/* ---- the baseline: memcpy between two sets of frames ---- */

static void memcpy_main(void *arg)
{
    (void)arg;
    bench_pin(BENCH_ROLE_CLIENT);
    bench_run_t *r = &K.run;
    bench_correctness_t k = {0};
    void *frame[M_FRAMES_MAX];
    uint32_t half = K.frame_count / 2;
    for (uint32_t i = 0; i < K.frame_count; i++) {
        if (plat_frame_map(M_FRAMES + i, &frame[i]) != seL4_NoError) {
            k.errors++;
            *r->correct = k;
            return;
        }
        memset(frame[i], (int)i, SB_DATA_FRAME_BYTES);
    }
    sb_data_area_t from = {frame, half}, to = {frame + half, half};
    const uint64_t bytes = (uint64_t)K.b * K.bytes;
    const uint32_t total = r->warmup + r->n;
    for (uint32_t i = 0; i < total; i++) {
        uint64_t start = plat_cycles();
        for (uint64_t off = 0; off < bytes; off += SB_DATA_FRAME_BYTES) {
            uint64_t n = bytes - off < SB_DATA_FRAME_BYTES ? bytes - off : SB_DATA_FRAME_BYTES;
            memcpy((uint8_t *)to.frame[off / SB_DATA_FRAME_BYTES],
                   (const uint8_t *)from.frame[off / SB_DATA_FRAME_BYTES], n);
        }
        uint64_t end = plat_cycles();
        k.checks++;
        k.lost += ((uint8_t *)to.frame[0])[0] != 0; /* frame 0's bytes arrived */
        bench_record(r, i, start, end);
    }
    *r->correct = k;
}

/* ---- setup / measure / teardown ---- */

static int fail(bench_run_t *r, const char *why)
{
    r->error = why;
    return -1;
}

static int mint(plat_thread_t *t, seL4_CPtr dest, seL4_CPtr src, seL4_CapRights_t rights,
                seL4_Word badge)
{
    return seL4_CNode_Mint(plat_thread_cnode(t), dest, seL4_WordBits, seL4_CapInitThreadCNode,
                           src, seL4_WordBits, rights, badge) == seL4_NoError ? 0 : -1;
}

static int start_thread(bench_run_t *r, plat_thread_t **t, const char *name, plat_thread_fn fn,
                        seL4_Word cnode_bits)
{
    /* In the root's address space whatever bench_address_space says (see above). */
    plat_thread_attr_t attr = {.name = name, .cnode_bits = cnode_bits,
                               .priority = BENCH_PEER_PRIO, .address_space = PLAT_AS_SHARED};
    if (plat_thread_create(t, &attr, fn, NULL) != 0) {
        *t = NULL;
        return fail(r, "plat_thread_create failed");
    }
    return 0;
}

static int setup_memcpy(bench_run_t *r)
{
    memset(&K, 0, offsetof(typeof(K), kv));
    bench_run_copy(&K.run, &K.correct, r);
    K.v = V_MEMCPY;
    K.b = r->params->b;
    K.bytes = r->params->bytes;
    uint64_t bytes = (uint64_t)K.b * K.bytes;
    K.frame_count = 2 * (uint32_t)((bytes + SB_DATA_FRAME_BYTES - 1) / SB_DATA_FRAME_BYTES);
    if (K.frame_count == 0 || K.frame_count > M_FRAMES_MAX) {
        return fail(r, "b x bytes is not what the data area holds");
    }
    if (start_thread(r, &K.client_thread, "bench-kv-memcpy", memcpy_main, CLIENT_CNODE_BITS) != 0) {
        return -1;
    }
    for (uint32_t i = 0; i < K.frame_count; i++) {
        if (bench_obj_new(r, SB_FRAME_OBJECT, &K.frames[i]) != 0 ||
            seL4_CNode_Move(plat_thread_cnode(K.client_thread), M_FRAMES + i, seL4_WordBits,
                            seL4_CapInitThreadCNode, K.frames[i], seL4_WordBits) != seL4_NoError) {
            return fail(r, "could not give the memcpy thread its frames");
        }
        plat_slot_free(K.frames[i]);
        K.frames[i] = 0;
    }
    return 0;
}

static int setup(bench_run_t *r, variant_t v)
{
    memset(&K, 0, offsetof(typeof(K), kv));
    bench_run_copy(&K.run, &K.correct, r);
    K.v = v;
    K.b = r->params->b;
    K.bytes = r->params->bytes;
    if ((uint64_t)K.b * K.bytes > AREA_BYTES || K.b > KV_RING_DEPTH) {
        return fail(r, "b x bytes is more than the data area holds");
    }
    K.cfg = (sb_server_config_t){
        .endpoint = S_EP, .notification = S_NTFN, .tcb = seL4_CapInitThreadTCB,
        .cnode = seL4_CapInitThreadCNode, .untyped = S_UNTYPED, .slot_base = S_FIRST_FREE,
        .slot_count = ((seL4_Word)1 << SERVER_CNODE_BITS) - S_FIRST_FREE, .max_sessions = 1,
        .max_bundle = KV_BUNDLE_CAPS, .pool_frames = KV_DATA_FRAMES,
        .default_depth = KV_RING_DEPTH};
    if (kv_server_config(&K.kv, &K.cfg, (kv_quota_t){.keys = 64, .bytes = KV_SPACE_BYTES}, K.space,
                         1) != SB_OK) {
        return fail(r, "kv_server_config refused the configuration");
    }
    K.cfg.signal = stop_signal;
    if (bench_obj_new(r, seL4_EndpointObject, &K.ep) ||
        bench_obj_new(r, seL4_NotificationObject, &K.ntfn) ||
        bench_obj_new(r, seL4_NotificationObject, &K.ready)) {
        return -1;
    }
    if (plat_obj_alloc(seL4_UntypedObject, sb_server_untyped_bits(&K.cfg), &K.untyped) !=
        seL4_NoError) {
        K.untyped = 0;
        return fail(r, "no untyped memory for the server's bundles");
    }
    K.stop = plat_slot_alloc();
    if (!K.stop || seL4_CNode_Mint(seL4_CapInitThreadCNode, K.stop, seL4_WordBits,
                                   seL4_CapInitThreadCNode, K.ntfn, seL4_WordBits, seL4_CanWrite,
                                   STOP_BIT) != seL4_NoError) {
        return fail(r, "could not mint the stop signal");
    }
    if (start_thread(r, &K.server_thread, "bench-kv-server", server_main, SERVER_CNODE_BITS) ||
        start_thread(r, &K.client_thread, "bench-kv-client", client_main, CLIENT_CNODE_BITS)) {
        return -1;
    }
    plat_thread_t *s = K.server_thread, *c = K.client_thread;
    if (mint(s, S_EP, K.ep, seL4_CapRights_new(0, 1, 1, 0), 0) ||
        mint(s, S_NTFN, K.ntfn, seL4_AllRights, 0) ||
        mint(s, S_READY, K.ready, seL4_CanWrite, 0) ||
        seL4_CNode_Move(plat_thread_cnode(s), S_UNTYPED, seL4_WordBits, seL4_CapInitThreadCNode,
                        K.untyped, seL4_WordBits) != seL4_NoError) {
        return fail(r, "could not give the server its caps");
    }
    plat_slot_free(K.untyped);
    K.untyped = 0;
    if (mint(c, C_EP, K.ep, seL4_CapRights_new(1, 0, 0, 1), sb_client_badge(SESSION))) {
        return fail(r, "could not give the client its cap");
    }
    if (plat_thread_start(s) != seL4_NoError) {
        return fail(r, "plat_thread_start (server) failed");
    }
    seL4_Word badge;
    seL4_Wait(K.ready, &badge);
    if (K.init_status != SB_OK) {
        return fail(r, sb_status_message(K.init_status));
    }
    return 0;
}

static int measure(bench_run_t *r)
{
    if (plat_thread_start(K.client_thread) != seL4_NoError) {
        return fail(r, "plat_thread_start (client) failed");
    }
    if (plat_thread_join(K.client_thread) != 0) {
        return fail(r, "the measuring thread faulted");
    }
    bench_run_done(r, &K.run);
    return 0;
}

static void teardown(bench_run_t *r)
{
    (void)r;
    if (K.server_thread) {
        seL4_Signal(K.stop);
        plat_thread_join(K.server_thread);
        plat_thread_destroy(K.server_thread);
        K.server_thread = NULL;
    }
    if (K.client_thread) {
        plat_thread_destroy(K.client_thread);
        K.client_thread = NULL;
    }
    seL4_CPtr *mine[] = {&K.ep, &K.ntfn, &K.ready, &K.stop, &K.untyped};
    for (size_t i = 0; i < sizeof(mine) / sizeof(mine[0]); i++) {
        bench_obj_free(mine[i]);
    }
    for (uint32_t i = 0; i < M_FRAMES_MAX; i++) {
        bench_obj_free(&K.frames[i]);
    }
}

#define KV_IMPL(sym, name, variant, what)                                                          \
    static int setup_##sym(bench_run_t *r) { return setup(r, variant); }                           \
    const bench_impl_t bench_kv_##sym = {name, what, setup_##sym, measure, teardown, NULL}

#define SHARED_AS " (threads in the root's address space)"
KV_IMPL(get_small, "kv_get", V_GET_SMALL,
        "Kv.get of an 8-byte value in one application call" SHARED_AS);
KV_IMPL(put_small, "kv_put", V_PUT_SMALL,
        "Kv.put of an 8-byte value in one application call" SHARED_AS);
KV_IMPL(put, "kv_put", V_PUT,
        "kv_put_batch: b values into the data area, b ring requests, one kick, b completions"
        SHARED_AS);
KV_IMPL(get, "kv_get", V_GET,
        "kv_get_batch: b ring requests, one kick, b values copied out of the data area" SHARED_AS);
const bench_impl_t bench_kv_memcpy = {
    "memcpy",
    "memcpy of the same b x bytes, frame by frame, between two sets of mapped frames" SHARED_AS,
    setup_memcpy, measure, teardown, NULL};
