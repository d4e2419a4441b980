/*
 * The test schema's server: handlers of Probe and Counter (probe.c) and the application config
 * that registers them, for the apps tests on both kernels.
 */
#pragma once

#include <sel4bridge/app.h>
#include <stdatomic.h>

#include "apps_test.capnp.h"

/* Slots of the server's CSpace the application owns (above what the bridge's server uses). */
#define PROBE_KEEP_SLOT 1800    /* Probe.keep moves the cap here (then deletes it after checking) */
#define PROBE_REPLY_SLOTS 1900  /* the deferred calls' reply caps */
#define PROBE_REPLY_COUNT 16
#define PROBE_SESSION_DEFERRED 8 /* deferred calls one session may hold */
#define PROBE_TICKET_MISDEFERRED 100 /* Probe.wait's handler returns SB_DEFERRED without deferring */

typedef struct probe_state {
    uint32_t opens[SB_MAX_SESSIONS + 1]; /* per session id */
    _Atomic uint32_t closes, revokes;
    uint32_t refuse_session; /* the open hook refuses this session id with SB_ERR_BAD_ARGUMENT */
    uint64_t counter;
    /* Probe.wait's tickets: the deferred call waiting on each. */
    bool waiting[64];
    uint32_t waiting_session[64];
    sb_deferred_t deferred[64];
    _Atomic uint32_t deferred_now; /* tickets waiting; the root reads it */
    uint32_t kept_caps; /* calls whose handler asked to keep the cap */
    /* What Probe.echo copies its pointer results into: a result may not point into the request. */
    char text[256];
    uint8_t data[256];
    uint32_t words[64];
    bool flags[64];
    int16_t shorts[64];
    double reals[64];
} probe_state_t;

extern probe_state_t probe;
extern const sb_app_config_t probe_app;
