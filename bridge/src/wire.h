/* The message registers as the codec sees them, and the one struct both sides put on the wire
 * field by field (the bundle layout). Every request and reply of the bridge is fixed-size. */
#pragma once

#include <sel4/sel4.h>
#include <stdint.h>

#include <bridge.capnp.h>
#include <sel4bridge/bundle.h>

/* Every message, request or reply, root pointer included: seL4's fastpath takes at most this
 * many message registers, so a cap-less call is always fastpath-eligible. */
#define SB_MSG_MAX_WORDS seL4_FastMessageRegisters

_Static_assert(sizeof(seL4_Word) == sizeof(uint64_t), "message registers are 64-bit words");
_Static_assert(bridge_OpenSessionReply_ROOT_WORDS <= SB_MSG_MAX_WORDS, "fastpath-sized");
_Static_assert(bridge_CapCallReply_ROOT_WORDS <= SB_MSG_MAX_WORDS, "fastpath-sized");
_Static_assert(bridge_StatsReply_ROOT_WORDS <= SB_MSG_MAX_WORDS, "fastpath-sized");
_Static_assert(bridge_Error_ROOT_WORDS <= SB_MSG_MAX_WORDS, "fastpath-sized");

/* The calling thread's message registers, encoded and decoded in place. */
static inline uint64_t *sb_msg_words(void)
{
    return (uint64_t *)seL4_GetIPCBuffer()->msg;
}

static inline void sb_wire_put_layout(bridge_OpenSessionReply_builder_t r,
                                      const sb_bundle_layout_t *l)
{
    bridge_OpenSessionReply_set_session(r, l->session);
    bridge_OpenSessionReply_set_bundleCaps(r, l->caps);
    bridge_OpenSessionReply_set_cnodeSizeBits(r, l->cnode_bits);
    bridge_OpenSessionReply_set_frameSizeBits(r, l->frame_bits);
    bridge_OpenSessionReply_set_firstFrameSlot(r, l->first_frame_slot);
    bridge_OpenSessionReply_set_frameCount(r, l->frame_count);
    bridge_OpenSessionReply_set_requestRingFrame(r, l->request_ring_frame);
    bridge_OpenSessionReply_set_completionRingFrame(r, l->completion_ring_frame);
    bridge_OpenSessionReply_set_kickSlot(r, l->kick_slot);
    bridge_OpenSessionReply_set_completionSlot(r, l->completion_slot);
    bridge_OpenSessionReply_set_ringDepth(r, l->ring_depth);
    bridge_OpenSessionReply_set_phase(r, (bridge_Phase_t)l->phase);
}

static inline void sb_wire_get_layout(bridge_OpenSessionReply_reader_t r, sb_bundle_layout_t *l)
{
    l->session = bridge_OpenSessionReply_get_session(r);
    l->caps = bridge_OpenSessionReply_get_bundleCaps(r);
    l->cnode_bits = bridge_OpenSessionReply_get_cnodeSizeBits(r);
    l->frame_bits = bridge_OpenSessionReply_get_frameSizeBits(r);
    l->first_frame_slot = bridge_OpenSessionReply_get_firstFrameSlot(r);
    l->frame_count = bridge_OpenSessionReply_get_frameCount(r);
    l->request_ring_frame = bridge_OpenSessionReply_get_requestRingFrame(r);
    l->completion_ring_frame = bridge_OpenSessionReply_get_completionRingFrame(r);
    l->kick_slot = bridge_OpenSessionReply_get_kickSlot(r);
    l->completion_slot = bridge_OpenSessionReply_get_completionSlot(r);
    l->ring_depth = bridge_OpenSessionReply_get_ringDepth(r);
    l->phase = (uint8_t)bridge_OpenSessionReply_get_phase(r);
}
