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

/* The server's application state; page-aligned (so it fills whole pages), for a server in an
 * address space of its own to be given exactly it (plat_thread_share). */
typedef struct probe_state {
    _Alignas(4096) uint32_t opens[SB_MAX_SESSIONS + 1]; /* per session id */
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

/* Probe.echo with one set of reference values, sent by the calls test (to the real server) and
 * the wire test (answered with the capnp tool's bytes): what comes back must equal what was
 * sent, field by field. */
typedef struct probe_echo_result {
    bool flag;
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    float f32;
    double f64;
    apps_test_Color_t color;
    sb_codec_text_t text;
    sb_codec_data_t data;
    sb_codec_list_t words, flags, shorts, reals;
} probe_echo_result_t;

/* The reference values as a capnp text literal of AllKinds (what the wire test answers with and
 * expects the request to be). */
#define PROBE_ECHO_TEXT                                                                            \
    "(flag = true, i8 = -5, i16 = -300, i32 = -70000, i64 = -5000000000, u8 = 250, "               \
    "u16 = 65000, u32 = 4000000000, u64 = 9223372036854775808, f32 = 1.5, f64 = -2.25, "           \
    "color = blue, text = \"hello, server\", data = \"\\x00\\x01\\x02\\xff\", "                    \
    "words = [1, 4294967295, 7], flags = [true, false, true, true, false, false, false, false, "   \
    "true], shorts = [-1, 32767, -32768], reals = [0.5, -1e300])"

/* Calls Probe.echo with the reference values; the results go to *r. */
sb_status_t probe_echo_reference(sb_client_t *c, probe_echo_result_t *r);

/* NULL when *r holds the reference values exactly, else which part differs. */
const char *probe_echo_mismatch(const probe_echo_result_t *r);
