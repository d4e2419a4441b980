/*
 * The key-value store's tests, on the host model and as a seL4 image: exact results of every
 * method (small values in control calls, large ones through the data frames), the quota of keys
 * and bytes, hostile references (past the end, wrapping, overlapping, into another session's
 * frames) refused by name, a revoke in the middle of a transfer (nothing acknowledged lost,
 * nothing corrupt), and six clients at once with every answer checked against a model.
 */
#include <string.h>

#include "kv_system.h"

static unsigned failures;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond) && failures++ < 30) {                                                          \
            plat_printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                            \
            plat_printf(__VA_ARGS__);                                                              \
            plat_printf("\n");                                                                     \
        }                                                                                          \
    } while (0)
#define CHECK_ST(got, want)                                                                        \
    do {                                                                                           \
        sb_status_t got_ = (got), want_ = (want);                                                  \
        CHECK(got_ == want_, "got %s, want %s", sb_status_name(got_), sb_status_name(want_));      \
    } while (0)
#define CHECK_OUT(got, want)                                                                       \
    CHECK((got) == (want), "outcome %s, want %s", kv_outcome_name(got), kv_outcome_name(want))

static const kv_quota_t quota = {.keys = 64, .bytes = 150 * 1024};

/* The bytes of version @v of @key's value: every byte depends on all three. */
static uint8_t byte_of(uint64_t key, uint32_t v, uint32_t i)
{
    uint32_t x = (uint32_t)key * 2654435761u ^ v * 40503u ^ i * 2246822519u;
    return (uint8_t)(x ^ x >> 13 ^ x >> 24);
}

static void fill(uint8_t *buf, uint64_t key, uint32_t v, uint32_t size)
{
    for (uint32_t i = 0; i < size; i++) {
        buf[i] = byte_of(key, v, i);
    }
}

static bool holds(const uint8_t *buf, uint64_t key, uint32_t v, uint32_t size)
{
    for (uint32_t i = 0; i < size; i++) {
        if (buf[i] != byte_of(key, v, i)) {
            return false;
        }
    }
    return true;
}

static uint8_t big[2][KV_VALUE_MAX + 1]; /* the one thread at a time that uses them */

/* ---- Exact results of every method ---- */

static void exact(kv_peer_t *p)
{
    sb_client_t *c = &p->client;
    kv_Outcome_t out;
    uint32_t size = 0;
    uint64_t word = 0;
    CHECK_ST(kv_open(c, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    /* Small values: one control call each. */
    CHECK_ST(kv_Kv_get(c, 7, &out, &size, &word), SB_OK);
    CHECK_OUT(out, kv_Outcome_notFound);
    CHECK_ST(kv_Kv_put(c, 7, 0x0807060504030201ull, 8, &out), SB_OK);
    CHECK_OUT(out, kv_Outcome_ok);
    CHECK_ST(kv_Kv_get(c, 7, &out, &size, &word), SB_OK);
    CHECK(out == kv_Outcome_ok && size == 8 && word == 0x0807060504030201ull, "small get %lx",
          (unsigned long)word);
    CHECK_ST(kv_Kv_put(c, 7, 0xffffffffffffffffull, 3, &out), SB_OK); /* only 3 bytes kept */
    CHECK_ST(kv_Kv_get(c, 7, &out, &size, &word), SB_OK);
    CHECK(size == 3 && word == 0xffffff, "3 bytes: %lx", (unsigned long)word);
    /* The wire order of a small value: byte i in bits 8i..8i+7, from bytes (kv_put) to the
     * word and from the word to bytes (kv_get). */
    static const uint8_t three[3] = {1, 2, 3};
    uint8_t back[KV_SMALL_MAX] = {0};
    CHECK_ST(kv_put(c, 11, three, 3, &out), SB_OK);
    CHECK_ST(kv_Kv_get(c, 11, &out, &size, &word), SB_OK);
    CHECK(size == 3 && word == 0x030201, "bytes to word: %lx", (unsigned long)word);
    CHECK_ST(kv_Kv_put(c, 12, 0x0807060504030201ull, 3, &out), SB_OK);
    CHECK_ST(kv_get(c, 12, back, sizeof back, &size, &out), SB_OK);
    CHECK(size == 3 && back[0] == 1 && back[1] == 2 && back[2] == 3 && back[3] == 0,
          "word to bytes: %u %u %u %u", back[0], back[1], back[2], back[3]);
    CHECK_ST(kv_Kv_delete(c, 11, &out), SB_OK); /* the counts below are of the other keys */
    CHECK_ST(kv_Kv_delete(c, 12, &out), SB_OK);
    CHECK_ST(kv_Kv_put(c, 8, 0, 0, &out), SB_OK); /* an empty value is a value */
    CHECK_ST(kv_Kv_get(c, 8, &out, &size, &word), SB_OK);
    CHECK(out == kv_Outcome_ok && size == 0, "empty value");
    CHECK_ST(kv_Kv_put(c, 9, 1, 9, &out), SB_ERR_BAD_ARGUMENT);
    CHECK(sb_client_last_error(c).detail == 2, "detail: field 2 (size)");
    /* Large values through the data frames, and back. */
    static const uint32_t sizes[] = {9, 4096, 5000, 65536, 12345};
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        fill(big[0], 100 + i, 1, sizes[i]);
        CHECK_ST(kv_put(c, 100 + i, big[0], sizes[i], &out), SB_OK);
        CHECK_OUT(out, kv_Outcome_ok);
    }
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        memset(big[1], 0, sizeof big[1]);
        CHECK_ST(kv_get(c, 100 + i, big[1], KV_VALUE_MAX, &size, &out), SB_OK);
        CHECK(out == kv_Outcome_ok && size == sizes[i] && holds(big[1], 100 + i, 1, size),
              "value %u: %s, %u bytes", i, kv_outcome_name(out), size);
    }
    CHECK_ST(kv_get(c, 103, big[1], 65535, &size, &out), SB_OK);
    CHECK(out == kv_Outcome_tooLarge && size == 65536, "room too small: %s", kv_outcome_name(out));
    kv_item_t too_big = {.key = 110, .value = big[0], .size = KV_VALUE_MAX + 1};
    CHECK_ST(kv_put_batch(c, &too_big, 1), SB_OK);
    CHECK(too_big.status == SB_OK && too_big.outcome == kv_Outcome_tooLarge, "65537 bytes: %s",
          kv_outcome_name(too_big.outcome));
    /* A value replaced by one of another size, then deleted. */
    fill(big[0], 101, 2, 300);
    CHECK_ST(kv_put(c, 101, big[0], 300, &out), SB_OK);
    CHECK_ST(kv_get(c, 101, big[1], KV_VALUE_MAX, &size, &out), SB_OK);
    CHECK(size == 300 && holds(big[1], 101, 2, 300), "replaced");
    CHECK_ST(kv_get(c, 102, big[1], KV_VALUE_MAX, &size, &out), SB_OK);
    CHECK(size == 5000 && holds(big[1], 102, 1, 5000), "its neighbour untouched");
    CHECK_ST(kv_Kv_delete(c, 101, &out), SB_OK);
    CHECK_OUT(out, kv_Outcome_ok);
    CHECK_ST(kv_Kv_delete(c, 101, &out), SB_OK);
    CHECK_OUT(out, kv_Outcome_notFound);
    CHECK_ST(kv_get(c, 103, big[1], KV_VALUE_MAX, &size, &out), SB_OK);
    CHECK(size == 65536 && holds(big[1], 103, 1, 65536), "the others intact after a delete");
    /* Stats: keys 7, 8, 100, 102, 103, 104. */
    uint32_t keys = 0, qk = 0;
    uint64_t bytes = 0, qb = 0;
    CHECK_ST(kv_Kv_stats(c, &keys, &bytes, &qk, &qb), SB_OK);
    CHECK(keys == 6 && bytes == 3 + 0 + 9 + 5000 + 65536 + 12345 && qk == quota.keys &&
              qb == quota.bytes,
          "stats: %u keys, %lu bytes", keys, (unsigned long)bytes);
    /* Scan: ascending, limited, with more; at most 32 whatever the limit. */
    sb_codec_list_t ks, ss;
    bool more = false;
    CHECK_ST(kv_Kv_scan(c, 8, 3, &ks, &ss, &more), SB_OK);
    CHECK(sb_codec_list_len(ks) == 3 && sb_codec_list_get_u64(ks, 0) == 8 &&
              sb_codec_list_get_u64(ks, 1) == 100 && sb_codec_list_get_u64(ks, 2) == 102 &&
              sb_codec_list_get_u32(ss, 2) == 5000 && more,
          "scan from 8, 3");
    CHECK_ST(kv_Kv_scan(c, 103, 1000, &ks, &ss, &more), SB_OK);
    CHECK(sb_codec_list_len(ks) == 2 && sb_codec_list_get_u64(ks, 1) == 104 && !more, "scan end");
    for (uint64_t k = 1000; k < 1040; k++) {
        CHECK_ST(kv_Kv_put(c, k, k, 1, &out), SB_OK);
    }
    CHECK_ST(kv_Kv_scan(c, 0, 1000, &ks, &ss, &more), SB_OK);
    CHECK(sb_codec_list_len(ks) == kv_scanMax && more, "scan capped at 32: %u",
          sb_codec_list_len(ks));
    CHECK_ST(sb_client_close(c, NULL), SB_OK);
    p->result = 0;
}

/* ---- Quota of keys and bytes ---- */

static void quotas(kv_peer_t *p)
{
    sb_client_t *c = &p->client;
    kv_Outcome_t out;
    CHECK_ST(kv_open(c, SB_PHASE_SIGNAL_WHEN_ASKED), SB_OK);
    for (uint64_t k = 0; k < quota.keys; k++) {
        CHECK_ST(kv_Kv_put(c, k, k, 8, &out), SB_OK);
        CHECK_OUT(out, kv_Outcome_ok);
    }
    CHECK_ST(kv_Kv_put(c, 500, 1, 1, &out), SB_OK);
    CHECK_OUT(out, kv_Outcome_quotaKeys);
    CHECK_ST(kv_Kv_put(c, 5, 55, 8, &out), SB_OK); /* replacing is no new key */
    CHECK_OUT(out, kv_Outcome_ok);
    CHECK_ST(kv_Kv_delete(c, 6, &out), SB_OK);
    CHECK_ST(kv_Kv_put(c, 500, 1, 1, &out), SB_OK);
    CHECK_OUT(out, kv_Outcome_ok);
    for (uint64_t k = 0; k < quota.keys; k++) {
        kv_Kv_delete(c, k, &out);
    }
    kv_Kv_delete(c, 500, &out);
    /* Bytes: 64 KiB + 64 KiB + 22 KiB is the quota exactly; one byte more is refused. */
    fill(big[0], 1, 1, KV_VALUE_MAX);
    CHECK_ST(kv_put(c, 1, big[0], KV_VALUE_MAX, &out), SB_OK);
    CHECK_OUT(out, kv_Outcome_ok);
    CHECK_ST(kv_put(c, 2, big[0], KV_VALUE_MAX, &out), SB_OK);
    CHECK_OUT(out, kv_Outcome_ok);
    CHECK_ST(kv_put(c, 3, big[0], quota.bytes - 2 * KV_VALUE_MAX, &out), SB_OK);
    CHECK_OUT(out, kv_Outcome_ok);
    CHECK_ST(kv_Kv_put(c, 4, 1, 1, &out), SB_OK);
    CHECK_OUT(out, kv_Outcome_quotaBytes);
    fill(big[0], 1, 2, KV_VALUE_MAX);
    CHECK_ST(kv_put(c, 1, big[0], KV_VALUE_MAX, &out), SB_OK); /* the same size again: fits */
    CHECK_OUT(out, kv_Outcome_ok);
    CHECK_ST(kv_put(c, 3, big[0], quota.bytes - 2 * KV_VALUE_MAX + 1, &out), SB_OK);
    CHECK_OUT(out, kv_Outcome_quotaBytes); /* growing by one byte does not */
    uint32_t keys = 0, size = 0;
    uint64_t bytes = 0;
    CHECK_ST(kv_Kv_stats(c, &keys, &bytes, NULL, NULL), SB_OK);
    CHECK(keys == 3 && bytes == quota.bytes, "at the quota: %u keys, %lu bytes", keys,
          (unsigned long)bytes);
    CHECK_ST(kv_get(c, 1, big[1], KV_VALUE_MAX, &size, &out), SB_OK);
    CHECK(size == KV_VALUE_MAX && holds(big[1], 1, 2, size), "the replaced value");
    CHECK_ST(kv_get(c, 3, big[1], KV_VALUE_MAX, &size, &out), SB_OK);
    CHECK(size == quota.bytes - 2 * KV_VALUE_MAX && holds(big[1], 1, 1, size),
          "the refused growth left the old value");
    CHECK_ST(sb_client_close(c, NULL), SB_OK);
    p->result = 0;
}

/* ---- Hostile references ---- */

/* One raw ring request, its completion's status and results. */
static sb_status_t raw(sb_client_t *c, uint32_t op, uint64_t key, uint64_t offset, uint64_t len,
                       uint64_t res[2])
{
    sb_queue_entry_t rq = {.id = 77, .op = op, .arg = {key, offset | len << 32}}, done;
    sb_status_t st = sb_client_submit(c, &rq);
    while (st == SB_OK && (st = sb_client_reap(c, &done)) == SB_ERR_RING_EMPTY) {
        st = sb_client_wait(c);
    }
    if (st != SB_OK) {
        return st;
    }
    res[0] = done.arg[0];
    res[1] = done.arg[1];
    return (sb_status_t)done.status;
}

static volatile bool neighbour_stored; /* session 4's value is in place */
static volatile bool hostile_done;     /* session 3 has tried every offset */

static void hostile(kv_peer_t *p)
{
    sb_client_t *c = &p->client;
    kv_Outcome_t out;
    uint32_t size;
    uint64_t r[2];
    const uint64_t area = (uint64_t)KV_DATA_FRAMES * SB_DATA_FRAME_BYTES;
    CHECK_ST(kv_open(c, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    fill(big[0], 50, 1, 1000);
    CHECK_ST(kv_put(c, 50, big[0], 1000, &out), SB_OK);
    static const struct {
        uint32_t op;
        uint64_t offset, len;
    } bad[] = {
        {kv_ringPut, area, 1},                  /* past the end */
        {kv_ringPut, area - 10, 11},            /* its last byte past the end */
        {kv_ringPut, area + 1, 0},              /* empty, past the end */
        {kv_ringPut, 0xffffff00u, 0x200},       /* wraps in 32 bits */
        {kv_ringPut, 0xffffffffu, 0xffffffffu}, /* the largest reference */
        {kv_ringGet, area - 100, 1000},         /* room past the end */
        {kv_ringGet, 2 * area, 1},              /* where a neighbour's frames might be */
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sb_status_t st = raw(c, bad[i].op, 50, bad[i].offset, bad[i].len, r);
        CHECK(st == SB_ERR_DATA_RANGE, "reference %u: %s", i, sb_status_name(st));
    }
    CHECK_ST(kv_get(c, 50, big[1], KV_VALUE_MAX, &size, &out), SB_OK);
    CHECK(size == 1000 && holds(big[1], 50, 1, 1000), "refused puts left the value as it was");
    CHECK_ST(raw(c, 99, 50, 0, 8, r), SB_ERR_UNKNOWN_REQUEST);

    /* Overlapping references in one batch, served in ring order: a put from [0, 100), a get
     * of it into [50, 150), a put from [0, 150) that reads half of what the get wrote. */
    sb_data_area_t a = sb_client_data_area(c);
    fill(big[0], 60, 1, 100);
    sb_data_write(a, 0, big[0], 100);
    sb_queue_entry_t rq[3] = {{.id = 1, .op = kv_ringPut, .arg = {60, 0 | 100ull << 32}},
                              {.id = 2, .op = kv_ringGet, .arg = {60, 50 | 100ull << 32}},
                              {.id = 3, .op = kv_ringPut, .arg = {61, 0 | 150ull << 32}}};
    uint32_t sent = 0, got = 0;
    CHECK_ST(sb_client_submit_batch(c, rq, 3, &sent), SB_OK);
    while (got < sent) {
        sb_queue_entry_t done;
        sb_status_t st = sb_client_reap(c, &done);
        if (st == SB_ERR_RING_EMPTY) {
            st = sb_client_wait(c);
        } else {
            CHECK(st == SB_OK && done.id == got + 1 && done.status == SB_OK &&
                      done.arg[0] == kv_Outcome_ok,
                  "overlapping request %u", got + 1);
            got++;
        }
        if (st != SB_OK) {
            break;
        }
    }
    CHECK_ST(kv_get(c, 61, big[1], KV_VALUE_MAX, &size, &out), SB_OK);
    CHECK(size == 150 && holds(big[1], 60, 1, 50) && holds(big[1] + 50, 60, 1, 100),
          "the third request read the bytes the second wrote");

    /* Into another session's frames: session 4 (another thread) stored a value through its own
     * area; no offset of ours reaches it, and its value is unchanged. */
    while (!neighbour_stored) {
        seL4_Yield();
    }
    for (uint64_t off = area; off < 8 * area; off += area / 2) {
        sb_status_t st = raw(c, kv_ringGet, 50, off, 64, r);
        CHECK(st == SB_ERR_DATA_RANGE, "offset %lu: %s", (unsigned long)off, sb_status_name(st));
        st = raw(c, kv_ringPut, 50, off, 64, r);
        CHECK(st == SB_ERR_DATA_RANGE, "offset %lu: %s", (unsigned long)off, sb_status_name(st));
    }
    hostile_done = true;
    CHECK_ST(sb_client_close(c, NULL), SB_OK);
    p->result = 0;
}

/* Session 4 stores a value through its own area, and finds it unchanged after session 3's
 * attempts on every offset beyond session 3's area. */
static void neighbour(kv_peer_t *p)
{
    sb_client_t *c = &p->client;
    kv_Outcome_t out;
    uint32_t size = 0;
    static uint8_t mine[3000], got[3000];
    CHECK_ST(kv_open(c, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    fill(mine, 70, 1, sizeof mine);
    CHECK_ST(kv_put(c, 50, mine, sizeof mine, &out), SB_OK);
    neighbour_stored = true;
    while (!hostile_done) {
        seL4_Yield();
    }
    CHECK_ST(kv_get(c, 50, got, sizeof got, &size, &out), SB_OK);
    CHECK(out == kv_Outcome_ok && size == sizeof got && holds(got, 70, 1, size),
          "session 4's value unchanged");
    CHECK_ST(sb_client_close(c, NULL), SB_OK);
    p->result = 0;
}

/* ---- A revoke in the middle of a transfer ---- */

static void revoked_mid_transfer(kv_peer_t *p)
{
    sb_client_t *c = &p->client, *admin = &p->second;
    static uint8_t vals[3][8][4096];
    kv_item_t items[8];
    uint32_t size;
    kv_Outcome_t out;
    CHECK_ST(kv_open(c, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    CHECK_ST(kv_open(admin, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    /* A: eight puts, every completion reaped. */
    for (uint32_t i = 0; i < 8; i++) {
        fill(vals[0][i], 100 + i, 1, 4096);
        items[i] = (kv_item_t){.key = 100 + i, .value = vals[0][i], .size = 4096};
    }
    CHECK_ST(kv_put_batch(c, items, 8), SB_OK);
    /* B: version 2 of the same keys, kicked; four completions reaped, four left in the ring.
     * C: eight new keys, kicked; none reaped. Then the admin revokes our bundle. */
    sb_data_area_t a = sb_client_data_area(c);
    sb_queue_entry_t rq[16];
    for (uint32_t i = 0; i < 8; i++) {
        fill(vals[1][i], 100 + i, 2, 4096);
        fill(vals[2][i], 200 + i, 3, 4096);
        sb_data_write(a, (uint64_t)i * 4096, vals[1][i], 4096);
        sb_data_write(a, (uint64_t)(8 + i) * 4096, vals[2][i], 4096);
        rq[i] = (sb_queue_entry_t){.id = i, .op = kv_ringPut,
                                   .arg = {100 + i, (uint64_t)i * 4096 | 4096ull << 32}};
        rq[8 + i] = (sb_queue_entry_t){.id = 8 + i, .op = kv_ringPut,
                                       .arg = {200 + i, (uint64_t)(8 + i) * 4096 | 4096ull << 32}};
    }
    uint32_t sent = 0, reaped = 0;
    CHECK_ST(sb_client_submit_batch(c, rq, 8, &sent), SB_OK);
    while (reaped < 4) {
        sb_queue_entry_t done;
        sb_status_t st = sb_client_reap(c, &done);
        if (st == SB_ERR_RING_EMPTY) {
            CHECK_ST(sb_client_wait(c), SB_OK);
            continue;
        }
        CHECK(st == SB_OK && done.id == reaped && done.status == SB_OK &&
                  done.arg[0] == kv_Outcome_ok,
              "B %u acknowledged", reaped);
        reaped++;
    }
    CHECK_ST(sb_client_submit_batch(c, rq + 8, 8, &sent), SB_OK);
    uint32_t caps = 0;
    CHECK_ST(sb_client_revoke(admin, p->session, &caps), SB_OK);
    CHECK(caps > 0, "the admin revoked %u caps", caps);
    /* We learn of it from our next call (the rings are gone: no ring access now). */
    CHECK_ST(kv_Kv_stats(c, NULL, NULL, NULL, NULL), SB_ERR_REVOKED);
    CHECK_ST(kv_open(c, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    /* Every acknowledged put is there exactly (A's keys hold B's values: B's four reaped
     * completions say so, and its other four were completed before the revoke, as the server
     * drains a kicked ring before it takes the next call); C's are absent or exact. */
    for (uint32_t i = 0; i < 4; i++) {
        CHECK_ST(kv_get(c, 100 + i, big[1], KV_VALUE_MAX, &size, &out), SB_OK);
        CHECK(out == kv_Outcome_ok && size == 4096 && holds(big[1], 100 + i, 2, 4096),
              "acknowledged put %u survives the revoke", i);
    }
    unsigned b_rest = 0, c_there = 0;
    for (uint32_t i = 4; i < 8; i++) {
        CHECK_ST(kv_get(c, 100 + i, big[1], KV_VALUE_MAX, &size, &out), SB_OK);
        bool v1 = holds(big[1], 100 + i, 1, 4096), v2 = holds(big[1], 100 + i, 2, 4096);
        CHECK(out == kv_Outcome_ok && size == 4096 && (v1 || v2), "key %u intact", 100 + i);
        b_rest += v2;
    }
    for (uint32_t i = 0; i < 8; i++) {
        CHECK_ST(kv_get(c, 200 + i, big[1], KV_VALUE_MAX, &size, &out), SB_OK);
        CHECK(out == kv_Outcome_notFound ||
                  (out == kv_Outcome_ok && size == 4096 && holds(big[1], 200 + i, 3, 4096)),
              "key %u absent or exact", 200 + i);
        c_there += out == kv_Outcome_ok;
    }
    uint32_t keys = 0;
    uint64_t bytes = 0;
    CHECK_ST(kv_Kv_stats(c, &keys, &bytes, NULL, NULL), SB_OK);
    CHECK(keys == 8 + c_there && bytes == 4096ull * keys, "stats after the revoke: %u keys", keys);
    plat_printf("revoke mid-transfer: 4 of 4 acknowledged puts kept, %u of 4 unreaped completed "
                "ones, %u of 8 unreaped kicked ones stored; nothing corrupt\n",
                b_rest, c_there);
    CHECK_ST(sb_client_close(c, NULL), SB_OK);
    CHECK_ST(sb_client_close(admin, NULL), SB_OK);
    p->result = 0;
}

/* ---- Many clients, every answer checked against a model ---- */

#define MANY 6
#define MANY_OPS 150
#define MANY_KEYS 24
#define MANY_VALUE_MAX 16384
#define PIECE (MANY_VALUE_MAX / 3) /* a batch's values: three at most, 9..PIECE - 1 bytes */

typedef struct model {
    bool present[MANY_KEYS];
    uint32_t version[MANY_KEYS], size[MANY_KEYS], keys, bytes;
} model_t;

static uint8_t many_buf[MANY + 1][2][MANY_VALUE_MAX];
static unsigned many_checked[MANY + 1];

static uint32_t next_rand(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* What the store must answer to a put of @size under key index @k. */
static kv_Outcome_t model_put(model_t *m, uint32_t k, uint32_t size, uint32_t v)
{
    uint32_t old = m->present[k] ? m->size[k] : 0;
    if (!m->present[k] && m->keys >= quota.keys) {
        return kv_Outcome_quotaKeys;
    }
    if (m->bytes - old + size > quota.bytes) {
        return kv_Outcome_quotaBytes;
    }
    m->keys += !m->present[k];
    m->bytes = m->bytes - old + size;
    m->present[k] = true;
    m->size[k] = size;
    m->version[k] = v;
    return kv_Outcome_ok;
}

static void many(kv_peer_t *p)
{
    sb_client_t *c = &p->client;
    uint8_t *in = many_buf[p->session][0], *outb = many_buf[p->session][1];
    model_t m = {0};
    uint32_t seed = 0x9e3779b9u * p->session, version = 0;
    unsigned checked = 0;
    kv_Outcome_t out;
    CHECK_ST(kv_open(c, p->session & 1 ? SB_PHASE_KICK_EVERY_ENQUEUE : SB_PHASE_SIGNAL_WHEN_ASKED),
             SB_OK);
    for (unsigned op = 0; op < MANY_OPS; op++) {
        uint32_t r = next_rand(&seed), k = r % MANY_KEYS, key = 1000 * p->session + k;
        switch ((r >> 8) % 5) {
        case 0: { /* small put */
            uint32_t size = (r >> 12) % 9;
            fill(in, key, ++version, size);
            kv_Outcome_t want = model_put(&m, k, size, version);
            CHECK_ST(kv_put(c, key, in, size, &out), SB_OK);
            CHECK(out == want, "session %u op %u: small put %s, want %s", p->session, op,
                  kv_outcome_name(out), kv_outcome_name(want));
            break;
        }
        case 1: { /* a batch of up to 3 large puts, one kick */
            kv_item_t items[3];
            kv_Outcome_t want[3];
            uint32_t n = 1 + (r >> 12) % 3;
            for (uint32_t i = 0; i < n; i++) {
                uint32_t ki = (k + i) % MANY_KEYS, size = 9 + next_rand(&seed) % (PIECE - 9);
                uint8_t *buf = in + i * PIECE;
                fill(buf, 1000 * p->session + ki, ++version, size);
                items[i] = (kv_item_t){.key = 1000 * p->session + ki, .value = buf, .size = size};
                want[i] = model_put(&m, ki, size, version);
            }
            CHECK_ST(kv_put_batch(c, items, n), SB_OK);
            for (uint32_t i = 0; i < n; i++) {
                CHECK(items[i].status == SB_OK && items[i].outcome == want[i],
                      "session %u op %u: batch put %u: %s, want %s", p->session, op, i,
                      kv_outcome_name(items[i].outcome), kv_outcome_name(want[i]));
            }
            break;
        }
        case 2:
        case 3: { /* get: control call, then the ring for a large value */
            uint32_t size = 0;
            CHECK_ST(kv_get(c, key, outb, MANY_VALUE_MAX, &size, &out), SB_OK);
            if (m.present[k]) {
                CHECK(out == kv_Outcome_ok && size == m.size[k] &&
                          holds(outb, key, m.version[k], size),
                      "session %u op %u: get key %u: %s, %u bytes", p->session, op, key,
                      kv_outcome_name(out), size);
            } else {
                CHECK_OUT(out, kv_Outcome_notFound);
            }
            break;
        }
        default: /* delete */
            CHECK_ST(kv_Kv_delete(c, key, &out), SB_OK);
            CHECK_OUT(out, m.present[k] ? kv_Outcome_ok : kv_Outcome_notFound);
            if (m.present[k]) {
                m.present[k] = false;
                m.keys--;
                m.bytes -= m.size[k];
            }
            break;
        }
        checked++;
    }
    uint32_t keys = 0;
    uint64_t bytes = 0;
    CHECK_ST(kv_Kv_stats(c, &keys, &bytes, NULL, NULL), SB_OK);
    CHECK(keys == m.keys && bytes == m.bytes, "session %u stats: %u keys %lu bytes, model %u %u",
          p->session, keys, (unsigned long)bytes, m.keys, m.bytes);
    sb_codec_list_t ks, ss;
    bool more;
    CHECK_ST(kv_Kv_scan(c, 0, kv_scanMax, &ks, &ss, &more), SB_OK);
    uint32_t n = 0;
    for (uint32_t k = 0; k < MANY_KEYS; k++) {
        if (m.present[k]) {
            CHECK(sb_codec_list_get_u64(ks, n) == 1000 * p->session + k &&
                      sb_codec_list_get_u32(ss, n) == m.size[k],
                  "scan entry %u", n);
            n++;
        }
    }
    CHECK(sb_codec_list_len(ks) == n && !more, "scan: %u keys, model %u", sb_codec_list_len(ks), n);
    many_checked[p->session] = checked + 2;
    CHECK_ST(sb_client_close(c, NULL), SB_OK);
    p->result = 0;
}

int main(void)
{
    plat_init();
    static kv_system_t sys;
    CHECK(kv_system_start(&sys, KV_SESSIONS, quota, 6) == 0, "server started");

    static kv_peer_t peer[KV_SESSIONS + 1];
    CHECK(kv_peer_start(&sys, &peer[1], 1, exact, NULL) == 0, "peer 1");
    CHECK(kv_peer_join(&peer[1]) == 0, "exact results");
    CHECK(kv_peer_start(&sys, &peer[2], 2, quotas, NULL) == 0, "peer 2");
    CHECK(kv_peer_join(&peer[2]) == 0, "quotas");
    CHECK(kv_peer_start(&sys, &peer[4], 4, neighbour, NULL) == 0, "peer 4");
    CHECK(kv_peer_start(&sys, &peer[3], 3, hostile, NULL) == 0, "peer 3");
    CHECK(kv_peer_join(&peer[3]) == 0, "hostile references");
    CHECK(kv_peer_join(&peer[4]) == 0, "neighbour");
    peer[5].second_session = 6; /* the admin */
    CHECK(kv_peer_start(&sys, &peer[5], 5, revoked_mid_transfer, NULL) == 0, "peer 5");
    CHECK(kv_peer_join(&peer[5]) == 0, "revoke mid-transfer");
    CHECK(kv_system_stop(&sys) == 0, "server stopped");

    /* A fresh store for the many-clients run. */
    CHECK(kv_system_start(&sys, KV_SESSIONS, quota, 0) == 0, "server started again");
    for (uint32_t s = 1; s <= MANY; s++) {
        peer[s].second_session = 0;
        CHECK(kv_peer_start(&sys, &peer[s], s, many, NULL) == 0, "many %u", s);
    }
    unsigned total = 0;
    for (uint32_t s = 1; s <= MANY; s++) {
        CHECK(kv_peer_join(&peer[s]) == 0, "many %u ran", s);
        total += many_checked[s];
    }
    CHECK(kv_system_stop(&sys) == 0, "server stopped");
    plat_printf("many clients: %u clients, %u answers checked against the model\n", MANY, total);
    plat_printf("kv: %s (%u failure%s)\n", failures ? "FAILED" : "passed", failures,
                failures == 1 ? "" : "s");
    plat_exit(failures ? 1 : 0);
}
