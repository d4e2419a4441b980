/* The one checked resolution of a reference into a bundle's data area, and the copies built on
 * it (sel4bridge/data.h). */
#include <sel4bridge/data.h>
#include <string.h>

sb_status_t sb_data_resolve(sb_data_area_t a, uint64_t offset, uint64_t length, void **p)
{
    *p = NULL;
    /* Both values are the client's: compare the length with what is left after the offset, so
     * that no sum can wrap past the end. */
    if (!sb_data_in_area(a, offset, length)) {
        return SB_ERR_DATA_RANGE;
    }
    if (length == 0) {
        return SB_OK;
    }
    uint64_t frame = offset >> SB_FRAME_BITS, in_frame = offset & (SB_DATA_FRAME_BYTES - 1);
    if (length > SB_DATA_FRAME_BYTES - in_frame) {
        return SB_ERR_DATA_SPLIT; /* the next frame is mapped elsewhere */
    }
    *p = (uint8_t *)a.frame[frame] + in_frame;
    return SB_OK;
}

/* Run @copy over each frame's piece of a range already checked to be inside the area. */
static void each_piece(sb_data_area_t a, uint64_t offset, uint8_t *mine, uint64_t length,
                       bool into_area)
{
    while (length > 0) {
        uint64_t in_frame = offset & (SB_DATA_FRAME_BYTES - 1);
        uint64_t n = SB_DATA_FRAME_BYTES - in_frame < length ? SB_DATA_FRAME_BYTES - in_frame
                                                             : length;
        uint8_t *shared = (uint8_t *)a.frame[offset >> SB_FRAME_BITS] + in_frame;
        if (into_area) {
            memcpy(shared, mine, n);
        } else {
            memcpy(mine, shared, n);
        }
        offset += n;
        mine += n;
        length -= n;
    }
}

sb_status_t sb_data_read(sb_data_area_t a, uint64_t offset, void *dst, uint64_t length)
{
    if (!sb_data_in_area(a, offset, length)) {
        return SB_ERR_DATA_RANGE;
    }
    each_piece(a, offset, dst, length, false);
    return SB_OK;
}

sb_status_t sb_data_write(sb_data_area_t a, uint64_t offset, const void *src, uint64_t length)
{
    if (!sb_data_in_area(a, offset, length)) {
        return SB_ERR_DATA_RANGE;
    }
    each_piece(a, offset, (uint8_t *)src, length, true);
    return SB_OK;
}
