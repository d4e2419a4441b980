/*
 * Sessions and badges: how the server tells its clients apart, and the limits that follow.
 * A system builder (the root task) mints each client's endpoint cap with sb_client_badge(id); the
 * server knows a session only by that badge, never by anything a client writes.
 */
#pragma once

#include <sel4/sel4.h>
#include <stdint.h>

/*
 * One seL4_Recv on the server's endpoint returns either a call (the badge of the caller's
 * endpoint cap) or, because the server's notification is bound to its TCB, the notification word
 * (seL4 sets only the badge register then). The badge alone must say which, so the 64 bits are
 * split:
 *   bit 63        set in every client endpoint badge, never in a notification badge
 *   bits 0..31    kick bits: session id n kicks with bit n-1 (hence at most 32 sessions)
 *   bits 32..62   the server application's own signals (sb_server_config_t.signal)
 */
_Static_assert(seL4_BadgeBits == 64, "the badge split below assumes 64-bit badges");

#define SB_MAX_SESSIONS 32u
#define SB_BADGE_CALL ((seL4_Word)1 << 63)
#define SB_KICK_BITS ((seL4_Word)0xffffffffu)
#define SB_APP_SIGNAL_BITS (~(SB_BADGE_CALL | SB_KICK_BITS))

/* The badge for the endpoint cap of the client with session id @session (1..SB_MAX_SESSIONS). */
static inline seL4_Word sb_client_badge(uint32_t session)
{
    return SB_BADGE_CALL | session;
}

/* The notification bit a session's kick cap carries. */
static inline seL4_Word sb_kick_bit(uint32_t session)
{
    return (seL4_Word)1 << (session - 1);
}

/*
 * Bits of a client's completion-notification word: the server signals SB_SIGNAL_COMPLETION after
 * posting completions, and SB_SIGNAL_REVOKED once the bundle has been revoked, so that a client
 * blocked in sb_client_wait() learns of it without touching the (now unmapped) rings.
 */
#define SB_SIGNAL_COMPLETION ((seL4_Word)1)
#define SB_SIGNAL_REVOKED ((seL4_Word)2)

/* Signalling protocol of a session's rings: the wire's Phase enum, value for value. */
typedef enum sb_phase {
    SB_PHASE_KICK_EVERY_ENQUEUE = 0, /* Phase 1: the producer signals after every enqueue */
    SB_PHASE_SIGNAL_WHEN_ASKED = 1,  /* Phase 2: only when the consumer said it will sleep */
} sb_phase_t;
