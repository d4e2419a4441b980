/* The key-value store's client side: small values in control calls, larger ones laid in the
 * bundle's data area and announced on the request ring, a batch with one kick. */
#include <string.h>

#include "kv.h"

sb_status_t kv_open(sb_client_t *c, sb_phase_t phase)
{
    return sb_client_open(c, KV_BUNDLE_CAPS, KV_RING_DEPTH, phase);
}

/* Submit one request per item (value i at the offset after value i-1's) with one kick, then
 * collect every completion. For a put the values are copied in first. */
static sb_status_t batch(sb_client_t *c, kv_item_t *items, uint32_t n, uint32_t op)
{
    sb_data_area_t area = sb_client_data_area(c);
    sb_queue_entry_t rq[KV_RING_DEPTH];
    uint64_t offset = 0;
    if (n > KV_RING_DEPTH || n > c->layout.ring_depth - c->in_flight) {
        return SB_ERR_RING_FULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        if (!sb_data_in_area(area, offset, items[i].size)) {
            return SB_ERR_DATA_RANGE; /* the batch does not fit the data area */
        }
        if (op == kv_ringPut) {
            (void)sb_data_write(area, offset, items[i].value, items[i].size);
        }
        rq[i] = (sb_queue_entry_t){
            .id = i, .op = op, .arg = {items[i].key, offset | (uint64_t)items[i].size << 32}};
        items[i].status = SB_ERR_NOT_OPEN; /* until its completion says otherwise */
        offset += items[i].size;
    }
    uint32_t sent = 0, done = 0;
    sb_status_t st = sb_client_submit_batch(c, rq, n, &sent);
    if (st == SB_OK && sent != n) {
        st = SB_ERR_RING_FULL;
    }
    while (st == SB_OK && done < sent) {
        sb_queue_entry_t cq;
        st = sb_client_reap(c, &cq);
        if (st == SB_ERR_RING_EMPTY) {
            st = sb_client_wait(c);
            continue;
        }
        if (st != SB_OK) {
            break;
        }
        if (cq.id >= n || cq.op != op) {
            return SB_ERR_BAD_REPLY;
        }
        kv_item_t *it = &items[cq.id];
        it->status = (sb_status_t)cq.status;
        it->outcome = (kv_Outcome_t)cq.arg[0];
        uint64_t at = rq[cq.id].arg[1] & 0xffffffffu, room = it->size;
        if (op == kv_ringGet) {
            it->size = (uint32_t)cq.arg[1];
            if (it->status == SB_OK && it->outcome == kv_Outcome_ok) {
                /* The server's answer is only as good as the server: check the size it gave. */
                if (it->size > room) {
                    return SB_ERR_BAD_REPLY;
                }
                (void)sb_data_read(area, at, it->value, it->size);
            }
        }
        done++;
    }
    return st;
}

sb_status_t kv_put_batch(sb_client_t *c, kv_item_t *items, uint32_t n)
{
    return batch(c, items, n, kv_ringPut);
}

sb_status_t kv_get_batch(sb_client_t *c, kv_item_t *items, uint32_t n)
{
    return batch(c, items, n, kv_ringGet);
}

/* An item's answer as one status: the bridge's, or SB_OK with the outcome. */
static sb_status_t item_status(const kv_item_t *it, kv_Outcome_t *outcome)
{
    *outcome = it->outcome;
    return it->status;
}

sb_status_t kv_put(sb_client_t *c, uint64_t key, const void *value, uint32_t size,
                   kv_Outcome_t *outcome)
{
    if (size <= KV_SMALL_MAX) {
        uint8_t bytes[KV_SMALL_MAX] = {0};
        memcpy(bytes, value, size);
        return kv_Kv_put(c, key, kv_small_word(bytes), (uint8_t)size, outcome);
    }
    kv_item_t it = {.key = key, .value = (void *)value, .size = size};
    sb_status_t st = kv_put_batch(c, &it, 1);
    return st != SB_OK ? st : item_status(&it, outcome);
}

sb_status_t kv_get(sb_client_t *c, uint64_t key, void *buf, uint32_t room, uint32_t *size,
                   kv_Outcome_t *outcome)
{
    uint64_t word = 0;
    sb_status_t st = kv_Kv_get(c, key, outcome, size, &word);
    if (st != SB_OK || *outcome != kv_Outcome_ok) {
        return st;
    }
    if (*size > room) {
        *outcome = kv_Outcome_tooLarge;
        return SB_OK;
    }
    if (*size <= KV_SMALL_MAX) {
        for (uint32_t i = 0; i < *size; i++) {
            ((uint8_t *)buf)[i] = (uint8_t)(word >> (8 * i));
        }
        return SB_OK;
    }
    kv_item_t it = {.key = key, .value = buf, .size = room};
    st = kv_get_batch(c, &it, 1);
    *size = it.size;
    return st != SB_OK ? st : item_status(&it, outcome);
}
