/* The kick / completion cycle out of line (server_ring.h): for the control calls, the receive
 * paths other than sb_server_run's loop, and sb_server_complete. */
#include "server_ring.h"

/* The race build only (server_internal.h): a test program that defines its own stops the server
 * here. Defined, not a weak reference left undefined: on aarch64 and riscv64 gcc loads such an
 * address from the GOT, in the image's data, which a component does not map. */
#ifdef SB_RACE_POINTS
__attribute__((weak)) void sb_race_point(sb_server_t *s, uint32_t session, sb_race_point_t where)
{
    (void)s, (void)session, (void)where;
}
#endif

sb_status_t sb_ring_unknown_request(void *ctx, uint32_t session, const sb_queue_entry_t *request,
                                    uint64_t result[2])
{
    (void)ctx, (void)session, (void)request, (void)result;
    return SB_ERR_UNKNOWN_REQUEST;
}

void sb_ring_serve_kicks(sb_server_t *s, seL4_Word bits)
{
    serve_kicks(s, bits);
}

void sb_ring_drain(sb_server_t *s, uint32_t session, bool quiet)
{
    /* A control call's drain: the session's kick bit, if its budget ran out earlier, is served
     * now (serve_kicks clears the bits it is given). */
    s->pending &= ~sb_kick_bit(session);
    drain(s, session, quiet);
}

sb_status_t sb_server_complete(sb_server_t *s, uint32_t session, uint64_t id, sb_status_t status,
                               const uint64_t result[2])
{
    if (session == 0 || session > s->cfg.max_sessions) {
        return SB_ERR_BAD_SESSION;
    }
    sb_server_session_t *ss = sb_session(s, session);
    uint32_t i = 0;
    while (i < SB_QUEUE_MAX_DEPTH &&
           !((ss->pending >> i & 1) && ss->pending_req[i].id == id)) {
        i++;
    }
    if (ss->state != SB_SESSION_OPEN || i == SB_QUEUE_MAX_DEPTH) {
        return SB_ERR_NO_CALLER;
    }
    ss->pending &= ~((uint64_t)1 << i);
    ss->held--;
    sb_queue_entry_t done = {.id = id, .op = ss->pending_req[i].op, .status = (uint32_t)status,
                             .arg = {result ? result[0] : 0, result ? result[1] : 0}};
    /* The drain kept room for it; a ring without room was moved by the client: corrupt. */
    if (sb_queue_enqueue(&ss->completions, &done) != SB_QUEUE_OK) {
        corrupt(s, session);
        return SB_ERR_REVOKED;
    }
    ss->served++;
    signal_completions(s, session, ss, ss->phase == SB_PHASE_SIGNAL_WHEN_ASKED);
    return SB_OK;
}
