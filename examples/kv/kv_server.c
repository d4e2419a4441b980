/*
 * The key-value store's server: the Kv interface's handlers (control calls) and the ring
 * requests' handler (values through the data frames). Everything a client sends is hostile: the
 * key and the reference arrive in message registers or a ring entry the bridge already copied,
 * so they are ours; the value bytes sit in frames the client can rewrite at any moment, so they
 * are read exactly once, by sb_data_read straight into the keyspace's heap, and never looked at
 * in the frame again (the store does not interpret them, so there is nothing else to check).
 */
#include <string.h>

#include "kv.h"

const char *kv_outcome_name(kv_Outcome_t outcome)
{
    switch (outcome) {
    case kv_Outcome_ok:
        return "ok";
    case kv_Outcome_notFound:
        return "notFound";
    case kv_Outcome_quotaKeys:
        return "quotaKeys";
    case kv_Outcome_quotaBytes:
        return "quotaBytes";
    case kv_Outcome_tooLarge:
        return "tooLarge";
    }
    return "?";
}

/* The first entry whose key is >= @key (binary search over the sorted entries). */
static uint32_t lower_bound(const kv_space_t *s, uint64_t key)
{
    uint32_t lo = 0, hi = s->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->entry[mid].key < key) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static kv_entry_t *find(kv_space_t *s, uint64_t key)
{
    uint32_t i = lower_bound(s, key);
    return i < s->count && s->entry[i].key == key ? &s->entry[i] : NULL;
}

/* Take entry @e's bytes out of the heap, keeping the heap packed. */
static void release_bytes(kv_space_t *s, kv_entry_t *e)
{
    uint32_t end = e->offset + e->size;
    memmove(&s->heap[e->offset], &s->heap[end], s->used - end);
    for (uint32_t i = 0; i < s->count; i++) {
        if (s->entry[i].offset >= end) {
            s->entry[i].offset -= e->size;
        }
    }
    s->used -= e->size;
    e->size = 0;
    e->offset = s->used;
}

/* A value's bytes come from one of two places: a control call's register (@small) or the
 * session's data area. */
typedef struct source {
    const uint8_t *small;
    sb_data_area_t area;
    uint64_t offset;
} source_t;

/*
 * Store @size bytes from @src under @key, or say why not; the keyspace is unchanged unless the
 * answer is ok. The reference was checked against the area by the caller.
 */
static kv_Outcome_t store(const kv_server_t *kv, kv_space_t *s, uint64_t key, const source_t *src,
                          uint32_t size)
{
    if (size > KV_VALUE_MAX) {
        return kv_Outcome_tooLarge;
    }
    kv_entry_t *e = find(s, key);
    uint32_t old = e ? e->size : 0;
    if (!e && s->count >= kv->quota.keys) {
        return kv_Outcome_quotaKeys;
    }
    if ((uint64_t)s->used - old + size > kv->quota.bytes) {
        return kv_Outcome_quotaBytes;
    }
    if (e && old != size) {
        release_bytes(s, e); /* the new value goes at the end */
    } else if (!e) {
        uint32_t i = lower_bound(s, key);
        memmove(&s->entry[i + 1], &s->entry[i], (s->count - i) * sizeof s->entry[0]);
        s->count++;
        e = &s->entry[i];
        *e = (kv_entry_t){.key = key, .offset = s->used, .size = 0};
    }
    if (e->size == 0 && size > 0) {
        e->offset = s->used;
        s->used += size;
    }
    e->size = size;
    /* The one read of the value: from here on the store has its own copy. */
    if (src->small) {
        memcpy(&s->heap[e->offset], src->small, size);
    } else {
        (void)sb_data_read(src->area, src->offset, &s->heap[e->offset], size);
    }
    return kv_Outcome_ok;
}

static kv_space_t *space_of(kv_server_t *kv, uint32_t session)
{
    return &kv->space[session - 1]; /* sessions are 1..max_sessions: a keyspace each */
}

/* ---- Control calls (the Kv interface) ---- */

sb_status_t kv_Kv_get_impl(sb_app_call_t *call, uint64_t key, kv_Outcome_t *outcome,
                           uint32_t *size, uint64_t *value)
{
    kv_space_t *s = space_of(call->app_ctx, call->session);
    const kv_entry_t *e = find(s, key);
    if (!e) {
        *outcome = kv_Outcome_notFound;
        return SB_OK;
    }
    *size = e->size;
    if (e->size <= KV_SMALL_MAX) {
        uint8_t bytes[KV_SMALL_MAX] = {0};
        memcpy(bytes, &s->heap[e->offset], e->size);
        *value = kv_small_word(bytes);
    }
    *outcome = kv_Outcome_ok;
    return SB_OK;
}

sb_status_t kv_Kv_put_impl(sb_app_call_t *call, uint64_t key, uint64_t value, uint8_t size,
                           kv_Outcome_t *outcome)
{
    if (size > KV_SMALL_MAX) {
        call->detail = 2; /* the field's ordinal: size */
        return SB_ERR_BAD_ARGUMENT;
    }
    uint8_t bytes[KV_SMALL_MAX];
    kv_small_bytes(value, bytes);
    source_t src = {.small = bytes};
    kv_server_t *kv = call->app_ctx;
    *outcome = store(kv, space_of(kv, call->session), key, &src, size);
    return SB_OK;
}

sb_status_t kv_Kv_delete_impl(sb_app_call_t *call, uint64_t key, kv_Outcome_t *outcome)
{
    kv_space_t *s = space_of(call->app_ctx, call->session);
    kv_entry_t *e = find(s, key);
    if (!e) {
        *outcome = kv_Outcome_notFound;
        return SB_OK;
    }
    release_bytes(s, e);
    uint32_t i = (uint32_t)(e - s->entry);
    memmove(&s->entry[i], &s->entry[i + 1], (s->count - i - 1) * sizeof s->entry[0]);
    s->count--;
    *outcome = kv_Outcome_ok;
    return SB_OK;
}

sb_status_t kv_Kv_scan_impl(sb_app_call_t *call, uint64_t start, uint32_t limit,
                            const uint64_t **keys, uint32_t *keys_count, const uint32_t **sizes,
                            uint32_t *sizes_count, bool *more)
{
    kv_server_t *kv = call->app_ctx;
    kv_space_t *s = space_of(kv, call->session);
    uint32_t i = lower_bound(s, start), n = 0;
    if (limit > kv_scanMax) {
        limit = kv_scanMax;
    }
    for (; n < limit && i < s->count; n++, i++) {
        kv->scan_keys[n] = s->entry[i].key;
        kv->scan_sizes[n] = s->entry[i].size;
    }
    *keys = kv->scan_keys;
    *sizes = kv->scan_sizes;
    *keys_count = *sizes_count = n;
    *more = i < s->count;
    return SB_OK;
}

sb_status_t kv_Kv_stats_impl(sb_app_call_t *call, uint32_t *keys, uint64_t *bytes,
                             uint32_t *quota_keys, uint64_t *quota_bytes)
{
    kv_server_t *kv = call->app_ctx;
    kv_space_t *s = space_of(kv, call->session);
    *keys = s->count;
    *bytes = s->used;
    *quota_keys = kv->quota.keys;
    *quota_bytes = kv->quota.bytes;
    return SB_OK;
}

/* ---- Ring requests: values through the data area ---- */

sb_status_t kv_server_ring(void *ctx, uint32_t session, const sb_queue_entry_t *rq,
                           uint64_t result[2])
{
    kv_server_t *kv = ctx;
    kv_space_t *s = space_of(kv, session);
    sb_data_area_t area = sb_server_data(kv->bridge, session);
    uint64_t key = rq->arg[0], offset = (uint32_t)rq->arg[1];
    uint32_t length = (uint32_t)(rq->arg[1] >> 32);
    /* The whole reference is checked before anything is stored or written: a put that is
     * refused leaves the old value in place. */
    if (!sb_data_in_area(area, offset, length)) {
        return SB_ERR_DATA_RANGE;
    }
    if (rq->op == kv_ringPut) {
        source_t src = {.area = area, .offset = offset};
        result[0] = store(kv, s, key, &src, length);
        result[1] = length;
        return SB_OK;
    }
    if (rq->op == kv_ringGet) {
        const kv_entry_t *e = find(s, key);
        result[0] = !e ? kv_Outcome_notFound
                       : e->size > length ? kv_Outcome_tooLarge : kv_Outcome_ok;
        result[1] = e ? e->size : 0;
        if (result[0] == kv_Outcome_ok) {
            (void)sb_data_write(area, offset, &s->heap[e->offset], e->size);
        }
        return SB_OK;
    }
    return SB_ERR_UNKNOWN_REQUEST;
}

/* ---- Setup ---- */

sb_status_t kv_server_config(kv_server_t *kv, sb_server_config_t *cfg, kv_quota_t quota,
                             kv_space_t *spaces, uint32_t count)
{
    if (quota.keys > KV_KEYS_MAX || quota.bytes > KV_SPACE_BYTES || cfg->max_sessions > count ||
        spaces == NULL) {
        return SB_ERR_CONFIG;
    }
    memset(kv, 0, sizeof *kv);
    for (uint32_t i = 0; i < cfg->max_sessions; i++) {
        spaces[i].count = spaces[i].used = 0;
    }
    kv->space = spaces;
    kv->quota = quota;
    cfg->request = kv_server_ring;
    cfg->ctx = kv;
    return SB_OK;
}

sb_status_t kv_server_attach(kv_server_t *kv, sb_server_t *bridge)
{
    kv->bridge = bridge;
    kv->interfaces[0] = &kv_Kv_interface;
    kv->app = (sb_app_config_t){.interfaces = kv->interfaces, .interface_count = 1, .ctx = kv};
    return sb_server_set_app(bridge, &kv->app);
}
