/*
 * The honest client of the integration tests: ring requests and control calls interleaved, every
 * answer checked for identity, order and result, and counted — sent, answered, lost, duplicated —
 * so that a test can add the clients up and compare with the server's own count.
 */
#pragma once

#include "support/testsys.h"

#define WL_OP 7 /* the op honest clients send: result[0] = 2 * arg[0] + 1, result[1] = id */

typedef enum {
    WL_ONE_AT_A_TIME, /* submit, wait, reap */
    WL_PIPELINED,     /* keep the ring full to its depth */
    WL_BATCHED,       /* batches with one kick each */
    WL_KICK_CALL,     /* publish without a signal, then the synchronous kick */
} wl_mode_t;

typedef struct wl_plan {
    sb_phase_t phase;
    uint16_t depth;
    wl_mode_t mode;
    uint32_t batch;       /* for WL_BATCHED */
    uint64_t ring;        /* ring requests to send */
    uint64_t calls;       /* control calls to make (ping and capCall, alternately) */
} wl_plan_t;

typedef struct wl_count {
    uint64_t ring_sent, ring_answered, ring_lost, ring_duplicated, ring_wrong;
    uint64_t calls_sent, calls_answered, calls_wrong;
    uint64_t extra_calls; /* open, close, stats: answered calls outside the plan */
    uint64_t served;      /* CloseSessionReply.served: the server's count of our ring requests */
    sb_status_t failure;  /* first unexpected status, SB_OK if none */
} wl_count_t;

/* Run @plan on @c (already set up, no session open); open, run, close. */
void wl_run(sb_client_t *c, const wl_plan_t *plan, wl_count_t *count);

/* The server side: answer WL_OP, and check that each session's ids arrive as 1, 2, 3, ... */
sb_status_t wl_handler(void *ctx, uint32_t session, const sb_queue_entry_t *rq, uint64_t result[2]);
/* Sessions whose order the handler checks (the adversary's are not). */
void wl_check_order(uint32_t session, bool on);
/* The handler's own state (pages of its own): put it in a free srv->share[] before the start. */
void wl_server_share(ts_server_t *srv);
/* Ring requests the handler saw out of order, over all checked sessions. */
uint64_t wl_order_errors(void);

/* A crew of honest clients: sessions first .. first + n - 1, each with its own plan. */
#define WL_CREW_MAX 16
/* Page-aligned: shared with its client alone when the clients are components. */
typedef struct wl_member {
    TS_PAGE_ALIGNED wl_plan_t plan;
    wl_count_t count;
} wl_member_t;
typedef struct wl_crew {
    unsigned n;
    ts_client_t client[WL_CREW_MAX];
    wl_member_t member[WL_CREW_MAX];
} wl_crew_t;

/* What a crew did, added up. */
typedef struct wl_total {
    uint64_t ring, calls, requests, answered, lost, duplicated, wrong, extra_calls, served;
} wl_total_t;

/* Make and start @n clients on @srv from session @first; client i runs
 * wl_plan_for(plan_first + i * plan_step, ring, calls), its order checked by the handler. */
void wl_crew_start(wl_crew_t *crew, ts_server_t *srv, uint32_t first, unsigned n,
                   unsigned plan_first, unsigned plan_step, uint64_t ring, uint64_t calls);
/* Join them; check each ran its whole plan with no failure and was served every ring request;
 * add them up into *@total, print the sum as @who, check that it is exact (everything answered
 * once and right, in order), and destroy the threads. @verbose prints a line per client. */
void wl_crew_finish(wl_crew_t *crew, const char *who, bool verbose, wl_total_t *total);

/* xorshift64: the tests' reproducible pseudo-random numbers. */
static inline uint64_t wl_random(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* A standard mix of plans, one per client index (phases, modes, depths, batches). */
wl_plan_t wl_plan_for(unsigned index, uint64_t ring, uint64_t calls);
const char *wl_plan_name(const wl_plan_t *plan);
