/*
 * A bundle: everything a client's hot path needs, granted in one reply as one CNode cap, and
 * where each cap sits in that CNode. The layout travels in OpenSessionReply; this server fills
 * the CNode as
 *   slot 0                 frame: the request ring   (client produces, server consumes)
 *   slot 1                 frame: the completion ring (server produces, client consumes)
 *   slots 2 .. k-3         frames: the data area, one 4 KiB frame each, zeroed for each session
 *   slot k-2               notification, write-only, badged with the session's kick bit
 *   slot k-1               notification, read-only: the client waits here for completions
 */
#pragma once

#include <sel4/sel4.h>
#include <stdint.h>

#include <sel4bridge/plat.h>
#include <sel4bridge/session.h>

/* The object type of a 4 KiB frame, the only frame size the bridge uses (a system builder needs
 * it too): the architecture's libsel4 name, as plat.h gives it. */
#define SB_FRAME_OBJECT PLAT_FRAME_OBJECT

#define SB_BUNDLE_MIN 4u  /* two ring frames and two notifications */
#define SB_BUNDLE_MAX 64u /* a bundle CNode of radix 6 */
#define SB_FRAME_BITS 12u

/* OpenSessionReply, decoded and checked by the client. */
typedef struct sb_bundle_layout {
    uint32_t session;      /* the session id (the badge without SB_BADGE_CALL) */
    uint16_t caps;         /* k: caps in the bundle CNode */
    uint8_t cnode_bits;    /* radix of the bundle CNode */
    uint8_t frame_bits;    /* each frame is 2^frame_bits bytes */
    uint16_t first_frame_slot;
    uint16_t frame_count;
    uint16_t request_ring_frame;    /* frame index, not slot */
    uint16_t completion_ring_frame; /* frame index, not slot */
    uint16_t kick_slot;
    uint16_t completion_slot;
    uint16_t ring_depth;
    uint8_t phase; /* sb_phase_t */
} sb_bundle_layout_t;

/* The smallest radix of a CNode holding @caps slots. */
static inline uint8_t sb_bundle_cnode_bits(uint32_t caps)
{
    uint8_t bits = 0;
    while (((uint32_t)1 << bits) < caps) {
        bits++;
    }
    return bits;
}
