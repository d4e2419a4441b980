/*
 * Data frames both sides map: bytes written through the client's mapping are read through the
 * server's and the other way round, across frame boundaries; every hostile reference (past the
 * end, wrapping, a frame or an in-frame offset beyond the bundle, crossing a frame for a pointer,
 * into another session's frames) is refused with its status; after the bundle is revoked the
 * server's area is empty and its old mapping faults.
 */
#include <sel4bridge/data.h>

#include "support/testsys.h"

enum {
    OP_SUM = 1,  /* arg: offset, length. The server copies the range out and hashes the copy. */
    OP_FILL,     /* arg: offset, length | seed << 32. The server writes pattern(seed) there. */
    OP_RESOLVE,  /* arg: offset, length. sb_data_resolve; result[0]: the first byte */
    OP_FRAME,    /* arg: frame | offset << 32, length. sb_data_resolve_frame, then 0xa5 there */
    OP_ADDRESS,  /* result[0]: the server's address of data frame 0 */
};

#define BIG_CAPS 8   /* session 1: 4 data frames, 16 KiB */
#define SMALL_CAPS 6 /* session 2: 2 data frames, 8 KiB */
#define BIG_BYTES (4u * SB_DATA_FRAME_BYTES)
#define SMALL_BYTES (2u * SB_DATA_FRAME_BYTES)

static uint8_t pattern(uint32_t seed, uint64_t i)
{
    return (uint8_t)((i * 131u + seed * 7u + (i >> 8)) ^ seed);
}

/* FNV-1a, continued from @h. */
static uint64_t hash(uint64_t h, const uint8_t *p, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 0x100000001b3ull;
    }
    return h;
}
#define HASH0 0xcbf29ce484222325ull

/* The server's handler: everything it reads of a frame goes through its own mapping. */
static sb_status_t handler(void *ctx, uint32_t session, const sb_queue_entry_t *rq,
                           uint64_t result[2])
{
    static uint8_t copy[SB_DATA_FRAME_BYTES]; /* the server's own memory */
    sb_data_area_t a = sb_server_data(&((ts_server_t *)ctx)->server, session);
    uint64_t off = rq->arg[0], len = rq->arg[1];
    void *p;
    sb_status_t st = SB_OK;
    switch (rq->op) {
    case OP_SUM: {
        if (!sb_data_in_area(a, off, len)) {
            return SB_ERR_DATA_RANGE;
        }
        uint64_t h = HASH0;
        for (uint64_t done = 0; done < len && st == SB_OK;) {
            uint64_t n = len - done < sizeof copy ? len - done : sizeof copy;
            st = sb_data_read(a, off + done, copy, n);
            h = hash(h, copy, n);
            done += n;
        }
        result[0] = h;
        result[1] = len;
        return st;
    }
    case OP_FILL: {
        len = (uint32_t)rq->arg[1];
        uint32_t seed = (uint32_t)(rq->arg[1] >> 32);
        if (!sb_data_in_area(a, off, len)) {
            return SB_ERR_DATA_RANGE;
        }
        for (uint64_t done = 0; done < len && st == SB_OK;) {
            uint64_t n = len - done < sizeof copy ? len - done : sizeof copy;
            for (uint64_t i = 0; i < n; i++) {
                copy[i] = pattern(seed, done + i);
            }
            st = sb_data_write(a, off + done, copy, n);
            done += n;
        }
        return st;
    }
    case OP_RESOLVE:
        st = sb_data_resolve(a, off, len, &p);
        result[0] = st == SB_OK && p ? *(uint8_t *)p : 0;
        result[1] = (uint64_t)(uintptr_t)p;
        return st;
    case OP_FRAME:
        st = sb_data_resolve_frame(a, (uint32_t)off, (uint32_t)(off >> 32), (uint32_t)len, &p);
        if (st == SB_OK) {
            for (uint64_t i = 0; i < len; i++) {
                ((uint8_t *)p)[i] = 0xa5;
            }
        }
        result[0] = len;
        return st;
    case OP_ADDRESS:
        result[0] = a.frames > 0 ? (uint64_t)(uintptr_t)a.frame[0] : 0;
        return SB_OK;
    default:
        return SB_ERR_UNKNOWN_REQUEST;
    }
}

/* One ring request, answered: the completion's status, results in @res. */
static sb_status_t ask(sb_client_t *c, uint32_t op, uint64_t a0, uint64_t a1, uint64_t res[2])
{
    static uint64_t id;
    sb_queue_entry_t rq = {.id = ++id, .op = op, .arg = {a0, a1}}, done = {0};
    sb_status_t st = sb_client_submit(c, &rq);
    while (st == SB_OK && (st = sb_client_reap(c, &done)) == SB_ERR_RING_EMPTY) {
        st = sb_client_wait(c);
    }
    if (st != SB_OK) {
        return st;
    }
    if (done.id != rq.id) {
        return SB_ERR_BAD_REPLY;
    }
    if (res) {
        res[0] = done.arg[0];
        res[1] = done.arg[1];
    }
    return (sb_status_t)done.status;
}

/* Fill [off, off + len) of the client's area with pattern(seed) written directly through the
 * frame pointers (as an application would), then through sb_data_write for the second half. */
static void client_fill(sb_data_area_t a, uint64_t off, uint64_t len, uint32_t seed)
{
    for (uint64_t i = 0; i < len / 2; i++) {
        uint64_t o = off + i;
        ((uint8_t *)a.frame[o / SB_DATA_FRAME_BYTES])[o % SB_DATA_FRAME_BYTES] = pattern(seed, i);
    }
    static uint8_t rest[BIG_BYTES];
    for (uint64_t i = len / 2; i < len; i++) {
        rest[i - len / 2] = pattern(seed, i);
    }
    TS_CHECK_STATUS(sb_data_write(a, off + len / 2, rest, len - len / 2), SB_OK);
}

static uint64_t expected_hash(uint64_t len, uint32_t seed)
{
    uint64_t h = HASH0;
    for (uint64_t i = 0; i < len; i++) {
        uint8_t b = pattern(seed, i);
        h = hash(h, &b, 1);
    }
    return h;
}

/* True when the client's mapping of [off, off + len) holds pattern(seed). */
static bool client_sees(sb_data_area_t a, uint64_t off, uint64_t len, uint32_t seed)
{
    static uint8_t got[BIG_BYTES];
    if (sb_data_read(a, off, got, len) != SB_OK) {
        return false;
    }
    for (uint64_t i = 0; i < len; i++) {
        if (got[i] != pattern(seed, i)) {
            return false;
        }
    }
    return true;
}

static volatile uint64_t server_frame0; /* the server's address of session 1's frame 0 */
static volatile uint64_t big_hash;      /* session 1's area, hashed by the server */

/* Session 1: both directions, across frames; hostile references to its own area. */
static void big_client(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    uint64_t r[2];
    tc->result = 1;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, BIG_CAPS, 8, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    sb_data_area_t a = sb_client_data_area(c);
    TS_CHECK(a.frames == 4 && sb_data_bytes(a) == BIG_BYTES, "4 data frames: %u", a.frames);

    /* Client writes, server reads: the whole area, then pieces across frame boundaries. */
    client_fill(a, 0, BIG_BYTES, 1);
    TS_CHECK_STATUS(ask(c, OP_SUM, 0, BIG_BYTES, r), SB_OK);
    TS_CHECK(r[0] == expected_hash(BIG_BYTES, 1) && r[1] == BIG_BYTES, "server read all 16 KiB");
    static const struct {
        uint64_t off, len;
    } pieces[] = {{4000, 200}, {4095, 1}, {4096, 4096}, {1, 3 * 4096 + 100}, {16383, 1}, {8, 0}};
    for (unsigned i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
        client_fill(a, pieces[i].off, pieces[i].len, 10 + i);
        TS_CHECK_STATUS(ask(c, OP_SUM, pieces[i].off, pieces[i].len, r), SB_OK);
        TS_CHECK(r[0] == expected_hash(pieces[i].len, 10 + i), "piece %u read by the server", i);
    }

    /* Server writes, client reads: its writes show through the client's mapping. */
    TS_CHECK_STATUS(ask(c, OP_FILL, 0, BIG_BYTES | (2ull << 32), r), SB_OK);
    TS_CHECK(client_sees(a, 0, BIG_BYTES, 2), "client read the server's 16 KiB");
    TS_CHECK_STATUS(ask(c, OP_FILL, 4090, 20 | (3ull << 32), r), SB_OK);
    TS_CHECK(client_sees(a, 4090, 20, 3), "a piece across frames 0/1");
    TS_CHECK(((uint8_t *)a.frame[0])[4089] == pattern(2, 4089) &&
                 ((uint8_t *)a.frame[1])[13] == pattern(3, 19) &&
                 ((uint8_t *)a.frame[1])[14] == pattern(2, 4096 + 14),
             "the piece starts and ends exactly where it should");

    /* A pointer by frame: the server writes through it, the client sees exactly those bytes. */
    TS_CHECK_STATUS(ask(c, OP_FRAME, 3 | (4000ull << 32), 96, r), SB_OK);
    uint8_t *f3 = a.frame[3];
    TS_CHECK(f3[3999] == pattern(2, 3 * 4096 + 3999) && f3[4000] == 0xa5 && f3[4095] == 0xa5,
             "frame 3, bytes 4000..4095 written through the server's pointer");
    TS_CHECK_STATUS(ask(c, OP_RESOLVE, 3 * 4096 + 4000, 96, r), SB_OK);
    TS_CHECK(r[0] == 0xa5, "resolved by offset: the same byte");
    f3[0] = 0x5a; /* written by the client, read through the server's pointer */
    TS_CHECK_STATUS(ask(c, OP_RESOLVE, 3 * 4096, 1, r), SB_OK);
    TS_CHECK(r[0] == 0x5a, "the server's pointer reads the client's write: %lu",
             (unsigned long)r[0]);

    /* Hostile references: each refused by name, nothing read or written. */
    static const struct {
        uint32_t op;
        uint64_t a0, a1;
        sb_status_t want;
    } bad[] = {
        {OP_SUM, BIG_BYTES, 1, SB_ERR_DATA_RANGE},              /* past the end */
        {OP_SUM, BIG_BYTES - 1, 2, SB_ERR_DATA_RANGE},          /* its last byte past the end */
        {OP_SUM, BIG_BYTES + 1, 0, SB_ERR_DATA_RANGE},          /* empty, but past the end */
        {OP_SUM, 1, UINT64_MAX, SB_ERR_DATA_RANGE},             /* offset + length wraps to 0 */
        {OP_SUM, 4096, UINT64_MAX - 4095, SB_ERR_DATA_RANGE},   /* wraps exactly to 0 */
        {OP_SUM, UINT64_MAX, 1, SB_ERR_DATA_RANGE},             /* wraps to 0 */
        {OP_SUM, UINT64_MAX - 4095, 4096, SB_ERR_DATA_RANGE},   /* a wrapping frame */
        {OP_FILL, BIG_BYTES - 8, 9, SB_ERR_DATA_RANGE},         /* a write past the end */
        {OP_RESOLVE, 4095, 2, SB_ERR_DATA_SPLIT},               /* one pointer, two frames */
        {OP_RESOLVE, 100, 4096, SB_ERR_DATA_SPLIT},
        {OP_RESOLVE, BIG_BYTES, 1, SB_ERR_DATA_RANGE},
        {OP_FRAME, 4, 1, SB_ERR_DATA_RANGE},                    /* frame beyond the bundle */
        {OP_FRAME, UINT32_MAX, 1, SB_ERR_DATA_RANGE},
        {OP_FRAME, 0 | (4096ull << 32), 1, SB_ERR_DATA_RANGE},  /* offset beyond its frame */
        {OP_FRAME, 1 | (0xffffffffull << 32), 2, SB_ERR_DATA_RANGE},
        {OP_FRAME, 2 | (4095ull << 32), 2, SB_ERR_DATA_SPLIT},  /* would run into frame 3 */
        {OP_FRAME, 3 | (4095ull << 32), 2, SB_ERR_DATA_RANGE},  /* past the last frame */
        {OP_FRAME, 2, 0xffffffffull, SB_ERR_DATA_RANGE},
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sb_status_t st = ask(c, bad[i].op, bad[i].a0, bad[i].a1, NULL);
        TS_CHECK(st == bad[i].want, "hostile reference %u: %s, want %s", i, sb_status_name(st),
                 sb_status_name(bad[i].want));
    }
    /* Overlapping references are just reads of the same bytes: both answered exactly. */
    TS_CHECK_STATUS(ask(c, OP_SUM, 100, 5000, r), SB_OK);
    uint64_t first = r[0];
    TS_CHECK_STATUS(ask(c, OP_SUM, 100, 5000, r), SB_OK);
    TS_CHECK(r[0] == first, "overlapping references read the same bytes");

    TS_CHECK_STATUS(ask(c, OP_SUM, 0, BIG_BYTES, r), SB_OK);
    big_hash = r[0];
    TS_CHECK_STATUS(ask(c, OP_ADDRESS, 0, 0, r), SB_OK);
    server_frame0 = r[0];
    TS_CHECK(r[0] != 0 && r[0] != (uint64_t)(uintptr_t)a.frame[0],
             "the server maps frame 0 at an address of its own");
    ts_sync(); /* session 2 tries to reach our frames */
    TS_CHECK_STATUS(ask(c, OP_SUM, 0, BIG_BYTES, r), SB_OK);
    TS_CHECK(r[0] == big_hash, "session 2 changed nothing of ours");
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
    TS_CHECK(sb_client_data_area(c).frames == 0, "closed: the client's area is empty");
    tc->result = 0;
}

/* Session 2: its offsets are relative to its own two frames, so the first byte beyond them is
 * out of range, however session 1's frames lie in the server's address space. */
static void small_client(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    uint64_t r[2];
    tc->result = 1;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, SMALL_CAPS, 8, SB_PHASE_SIGNAL_WHEN_ASKED), SB_OK);
    TS_CHECK(sb_client_data_area(c).frames == 2, "2 data frames");
    TS_CHECK_STATUS(ask(c, OP_FILL, 0, SMALL_BYTES | (4ull << 32), r), SB_OK);
    TS_CHECK(client_sees(sb_client_data_area(c), 0, SMALL_BYTES, 4), "session 2's own frames");
    TS_CHECK_STATUS(ask(c, OP_SUM, SMALL_BYTES, 1, r), SB_ERR_DATA_RANGE);
    TS_CHECK_STATUS(ask(c, OP_FILL, SMALL_BYTES, 4096 | (9ull << 32), r), SB_ERR_DATA_RANGE);
    TS_CHECK_STATUS(ask(c, OP_FRAME, 2, 1, r), SB_ERR_DATA_RANGE);
    TS_CHECK_STATUS(ask(c, OP_FRAME, 3 | (4000ull << 32), 96, r), SB_ERR_DATA_RANGE);
    /* The server's own address of session 1's frame, as an offset from ours: still ours to
     * check, so out of range whatever it is. */
    TS_CHECK_STATUS(ask(c, OP_ADDRESS, 0, 0, r), SB_OK);
    uint64_t delta = server_frame0 - r[0];
    sb_status_t want = sb_data_in_area(sb_client_data_area(c), delta, 16) ? SB_OK
                                                                          : SB_ERR_DATA_RANGE;
    TS_CHECK_STATUS(ask(c, OP_FILL, delta, 16 | (9ull << 32), r), want);
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
    tc->result = 0;
}

/* After the revoke, the server's old mapping of a data frame is gone: a read of it faults. */
static void stale_reader(ts_client_t *tc)
{
    tc->result = 0;
    (void)*(volatile uint8_t *)(uintptr_t)server_frame0;
    tc->result = 1; /* not reached */
}

/* The checks themselves, on an area made of plain memory. */
static void test_resolve(void)
{
    static uint8_t f0[SB_DATA_FRAME_BYTES], f1[SB_DATA_FRAME_BYTES];
    void *const frames[] = {f0, f1};
    sb_data_area_t a = {frames, 2}, none = {frames, 0};
    void *p = &p;
    TS_CHECK(sb_data_resolve(a, 0, 8192, &p) == SB_ERR_DATA_SPLIT && p == NULL, "split");
    TS_CHECK(sb_data_resolve(a, 4096, 4096, &p) == SB_OK && p == f1, "frame 1, whole");
    TS_CHECK(sb_data_resolve(a, 4095, 1, &p) == SB_OK && p == f0 + 4095, "last byte of 0");
    TS_CHECK(sb_data_resolve(a, 8192, 0, &p) == SB_OK && p == NULL, "empty at the end");
    TS_CHECK(sb_data_resolve(a, 8192, 1, &p) == SB_ERR_DATA_RANGE && p == NULL, "past the end");
    TS_CHECK(sb_data_resolve(a, 8193, 0, &p) == SB_ERR_DATA_RANGE, "empty past the end");
    TS_CHECK(sb_data_resolve(a, 2, UINT64_MAX - 1, &p) == SB_ERR_DATA_RANGE, "wrap to 0");
    TS_CHECK(sb_data_resolve(none, 0, 1, &p) == SB_ERR_DATA_RANGE, "no bundle");
    TS_CHECK(sb_data_resolve_frame(a, 1, 4095, 1, &p) == SB_OK && p == f1 + 4095, "by frame");
    TS_CHECK(sb_data_resolve_frame(a, 0, 4096, 1, &p) == SB_ERR_DATA_RANGE, "offset 4096");
    TS_CHECK(sb_data_resolve_frame(a, 2, 0, 0, &p) == SB_ERR_DATA_RANGE, "frame 2 of 2");
    uint8_t buf[16] = {0};
    TS_CHECK(sb_data_write(a, 4090, "0123456789abcdef", 16) == SB_OK && f0[4090] == '0' &&
                 f1[9] == 'f',
             "a write across the boundary");
    TS_CHECK(sb_data_read(a, 4090, buf, 16) == SB_OK && buf[6] == '6', "and read back");
    TS_CHECK(sb_data_read(a, 8180, buf, 13) == SB_ERR_DATA_RANGE && buf[0] == '0',
             "a refused read copies nothing");
    TS_CHECK(sb_data_write(a, UINT64_MAX - 3, buf, 8) == SB_ERR_DATA_RANGE, "a wrapping write");
}

int main(void)
{
    plat_init();
    test_resolve();
    static ts_server_t srv = {.cfg = {.max_sessions = 2, .max_bundle = BIG_CAPS, .pool_frames = 6,
                                      .default_depth = 8, .request = handler}};
    srv.cfg.ctx = &srv;
    TS_CHECK(ts_server_start(&srv) == 0 && srv.init_status == SB_OK, "server");
    ts_client_t big, small;
    TS_CHECK(ts_client_create(&srv, &big, 1, ts_client_rights(), big_client, NULL, 0) == 0, "c1");
    TS_CHECK(ts_client_create(&srv, &small, 2, ts_client_rights(), small_client, NULL, 0) == 0,
             "c2");
    ts_client_start(&big);
    ts_await(&big);
    ts_client_start(&small);
    TS_CHECK(ts_client_join(&small) == 0 && small.result == 0, "session 2 ran");
    ts_release(&big);
    TS_CHECK(ts_client_join(&big) == 0 && big.result == 0, "session 1 ran");
    ts_client_destroy(&big);
    ts_client_destroy(&small);
    TS_CHECK(sb_server_data(&srv.server, 1).frames == 0 && sb_server_data(&srv.server, 2).frames == 0,
             "closed sessions: the server's areas are empty");
    TS_CHECK(srv.server.sessions[0].data[0] == NULL, "and its pointers forgotten");

    seL4_CPtr fault_ep;
    TS_CHECK(plat_obj_alloc(seL4_EndpointObject, 0, &fault_ep) == seL4_NoError, "fault ep");
    ts_client_t stale;
    TS_CHECK(ts_client_create(&srv, &stale, 1, ts_client_rights(), stale_reader, NULL, fault_ep) ==
                 0,
             "stale reader");
    ts_client_start(&stale);
    seL4_Word badge = 0;
    seL4_MessageInfo_t f = seL4_Recv(fault_ep, &badge);
    TS_CHECK(seL4_MessageInfo_get_label(f) == seL4_Fault_VMFault &&
                 seL4_GetMR(seL4_VMFault_Addr) == server_frame0,
             "the server's old mapping of frame 0 faults at its address (label %lu)",
             (unsigned long)seL4_MessageInfo_get_label(f));
    ts_client_destroy(&stale);
    TS_CHECK(ts_server_stop(&srv) == 0, "server stopped");
    TS_CHECK(srv.server.pool_free_count == 6, "every pool frame back: %u",
             srv.server.pool_free_count);
    plat_printf("data frames: both directions, 18 hostile references refused, stale mapping faults\n");
    ts_exit("bridge_data");
}
