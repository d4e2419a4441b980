/*
 * A bundle's data area as one side maps it: the data frames (bundle slots 2 .. k-3), each 4 KiB,
 * numbered from 0, and byte offset o in the area is byte o % 4096 of frame o / 4096. The server
 * maps every data frame it grants (sb_server_data) and the client maps its copies
 * (sb_client_data_area), so a request can name bytes in the area instead of carrying them.
 *
 * A reference a client sends (a byte offset and a length, or a frame index, an offset in that
 * frame and a length) goes through one checked resolution, sb_data_resolve, which refuses
 * anything outside this bundle's own area with SB_ERR_DATA_RANGE: past the end, a length that
 * would wrap, a frame index beyond the bundle, an in-frame offset beyond the frame. No reference
 * can reach another session's frames: offsets are relative to this session's own area, and the
 * area holds only its own frames' addresses.
 *
 * Frames are mapped one by one, so the area is contiguous only within a frame: sb_data_resolve
 * returns a pointer for a range inside one frame (SB_ERR_DATA_SPLIT for one that crosses a frame
 * boundary), and sb_data_read / sb_data_write copy a range of any length frame by frame.
 *
 * The bytes in a data frame are shared: the client can rewrite them at any moment, even while
 * the server reads them. Whatever the server must check, it copies into its own memory first
 * (sb_data_read) and checks and uses only the copy, never the frame again. The reference
 * itself arrives in the message registers or a ring entry the server already copied, so it is
 * the server's own once received.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <sel4bridge/bundle.h>
#include <sel4bridge/status.h>

#define SB_DATA_FRAME_BYTES ((uint32_t)1 << SB_FRAME_BITS)

/* One side's mapping of a bundle's data area: frame[i] is data frame i's address. */
typedef struct sb_data_area {
    void *const *frame;
    uint32_t frames; /* 0 when no bundle is open (every reference is then out of range) */
} sb_data_area_t;

/* The area's size in bytes. */
static inline uint64_t sb_data_bytes(sb_data_area_t a)
{
    return (uint64_t)a.frames << SB_FRAME_BITS;
}

/* True when [@offset, @offset + @length) lies inside the area; never overflows. */
static inline bool sb_data_in_area(sb_data_area_t a, uint64_t offset, uint64_t length)
{
    uint64_t size = sb_data_bytes(a);
    return offset <= size && length <= size - offset;
}

/*
 * Resolve [@offset, @offset + @length) into *@p, a pointer into one frame of the area.
 * SB_ERR_DATA_RANGE when the range is not inside the area, SB_ERR_DATA_SPLIT when it crosses a
 * frame boundary. A zero length inside the area (offset up to the end) resolves to NULL.
 */
sb_status_t sb_data_resolve(sb_data_area_t a, uint64_t offset, uint64_t length, void **p);

/* A reference by frame: data frame @frame, @offset bytes into it, @length bytes. An offset
 * outside the frame is refused even when the byte it would reach is in the area. */
static inline sb_status_t sb_data_resolve_frame(sb_data_area_t a, uint32_t frame, uint32_t offset,
                                                uint32_t length, void **p)
{
    if (frame >= a.frames || offset >= SB_DATA_FRAME_BYTES) {
        return SB_ERR_DATA_RANGE;
    }
    return sb_data_resolve(a, ((uint64_t)frame << SB_FRAME_BITS) + offset, length, p);
}

/* Copy @length bytes at @offset in the area into @dst (the reader's own memory), frame by frame;
 * SB_ERR_DATA_RANGE (nothing copied) when the range is not inside the area. */
sb_status_t sb_data_read(sb_data_area_t a, uint64_t offset, void *dst, uint64_t length);
/* Copy @length bytes from @src into the area at @offset, frame by frame; SB_ERR_DATA_RANGE
 * (nothing copied) when the range is not inside the area. */
sb_status_t sb_data_write(sb_data_area_t a, uint64_t offset, const void *src, uint64_t length);
