/*
 * The driver Frama-C's Eva analyses for the server's dispatch of a message (run.sh server-eva):
 * the whole server (bridge/src/server*.c, the codec, and the generated skeletons of
 * tests/apps/apps_test.capnp) as compiled, entered only through sb_server_handle — what
 * sb_server_run calls with each message seL4_Recv returns — so that the dispatch's internals
 * may change without this file.
 *
 * Eva must find no alarm (no read or write outside an object, no signed overflow, no shift out
 * of range, no division by zero, no invalid pointer comparison or call, no libc precondition
 * left unproved) for every call a client can make: the message info word (label,
 * capsUnwrapped, extraCaps, length: all 64 bits, so lengths up to 127 too), the badge's 63 low
 * bits, the 120 message registers and the unwrapped badge in the IPC buffer are any values.
 * Every precondition of the queue's functions is decided; where Eva cannot decide one of the
 * reader's (sb_struct_ok, sb_list_ok: relations its domains do not keep), it goes on and run.sh
 * lists it: each is proved by WP from the caller's own precondition (codec-reader,
 * codec-accessors, server-calls). List, Text and Data pointers are read by their WP-proved
 * contracts (README, Verification).
 * At each handler's entry Eva also checks the words the decoding read (read.h's ghost counter of
 * word reads, whose per-function bounds WP proves): at most the root and each field's bound,
 * 28 words for the widest method, whatever the message.
 *
 * The server it arrives at: sb_server_init with the largest configuration (SB_MAX_SESSIONS
 * sessions, bundles up to SB_BUNDLE_MAX caps, the full frame pool, session 1 the admin, rings
 * starting at any index), the applications Probe and Counter with one reply slot, and then
 * every session granted a bundle (any size up to 19 caps, so that all fit in the pool; one
 * depth per session, every depth the queue allows occurring; phases alternating) and left
 * open, closed or revoked — so each session is in any state, its rings attached — then
 * maybe a deferred call of session 1 held in the reply slot, then SB_EVA_HISTORY messages of
 * any kind (0 by default; see its definition below).
 *
 * What is taken as given (the environment, stubbed below; nothing else is):
 *  - The kernel: each invocation the server makes (CNode, Untyped, TCB, plat_frame_map)
 *    returns any seL4_Error and may leave any value in every message register (its reply
 *    travels there); seL4_Signal and seL4_Send change nothing the server can see. While the
 *    server is set up every invocation succeeds, and each ring frame is a 4 KiB page of its own.
 *  - The IPC buffer is the thread's own block (seL4_GetIPCBuffer), as libsel4 sets it.
 *  - The client: writes anything into its ring and data frames before each message.
 *  - The application (handlers, hooks, ring-request handler) returns any status, writes any
 *    value to its results, and hands back result arrays that are NULL or hold as many elements
 *    as it says; a handler may defer its call, keep its cap, answer any deferred handle, and
 *    reads every element of every list it was given. The ring-request handler may defer its
 *    request (SB_DEFERRED) and may first complete one of its session deferred before
 *    (sb_server_complete); on the notification path the application then completes one of any
 *    session, in range or not.
 *  The notification path is run.sh server-ring-eva (SB_EVA_NOTIFICATION): the message is the
 *  bound notification's word with one kick bit, of any session, so one drain from the serve
 *  loop (a word with several kick bits drains several sessions in turn: not analysed, Eva's
 *  bits & (bits - 1) keeps no bound on the bits left). No local is taken as initialised: a
 *  read before a write is an alarm (the split annotations of server.c and server_ring.h keep
 *  apart the paths that write the answer's op fields and the drain's queue outputs; run.sh).
 *  Text and Data bytes are not read here (their bounds are WP's, proofs/frama-c).
 */
#include <sel4/sel4.h>
#include <sel4bridge/app.h>
#include <sel4bridge/plat.h>
#include <sel4bridge/server.h>

#include <bridge.capnp.h>

#include "__fc_builtin.h"
#include "apps_test.capnp.h"
#include "server_internal.h"

/* ---- The kernel. ---- */

static seL4_IPCBuffer ipc_buffer;
__thread seL4_IPCBuffer *__sel4_ipc_buffer = &ipc_buffer;

static int serving; /* 0 while the server is set up: every invocation succeeds */

static seL4_Error invocation(void)
{
    if (!serving) {
        return seL4_NoError;
    }
    Frama_C_make_unknown((char *)ipc_buffer.msg, sizeof ipc_buffer.msg);
    return (seL4_Error)Frama_C_interval(seL4_NoError, seL4_NumErrors - 1);
}

seL4_Error seL4_CNode_Revoke(seL4_CNode s, seL4_Word i, seL4_Uint8 d)
{
    (void)s, (void)i, (void)d;
    return invocation();
}
seL4_Error seL4_CNode_Delete(seL4_CNode s, seL4_Word i, seL4_Uint8 d)
{
    (void)s, (void)i, (void)d;
    return invocation();
}
seL4_Error seL4_CNode_Copy(seL4_CNode s, seL4_Word di, seL4_Uint8 dd, seL4_CNode r, seL4_Word si,
                           seL4_Uint8 sd, seL4_CapRights_t rights)
{
    (void)s, (void)di, (void)dd, (void)r, (void)si, (void)sd, (void)rights;
    return invocation();
}
seL4_Error seL4_CNode_Mint(seL4_CNode s, seL4_Word di, seL4_Uint8 dd, seL4_CNode r, seL4_Word si,
                           seL4_Uint8 sd, seL4_CapRights_t rights, seL4_Word badge)
{
    (void)s, (void)di, (void)dd, (void)r, (void)si, (void)sd, (void)rights, (void)badge;
    return invocation();
}
seL4_Error seL4_CNode_Move(seL4_CNode s, seL4_Word di, seL4_Uint8 dd, seL4_CNode r, seL4_Word si,
                           seL4_Uint8 sd)
{
    (void)s, (void)di, (void)dd, (void)r, (void)si, (void)sd;
    return invocation();
}
seL4_Error seL4_CNode_SaveCaller(seL4_CNode s, seL4_Word i, seL4_Uint8 d)
{
    (void)s, (void)i, (void)d;
    return invocation();
}
seL4_Error seL4_Untyped_Retype(seL4_Untyped s, seL4_Word type, seL4_Word bits, seL4_CNode root,
                               seL4_Word index, seL4_Word depth, seL4_Word offset, seL4_Word n)
{
    (void)s, (void)type, (void)bits, (void)root, (void)index, (void)depth, (void)offset, (void)n;
    return invocation();
}
seL4_Error seL4_TCB_BindNotification(seL4_TCB s, seL4_CPtr n)
{
    (void)s, (void)n;
    return invocation();
}
void seL4_Signal(seL4_CPtr dest)
{
    (void)dest;
}
void seL4_Send(seL4_CPtr dest, seL4_MessageInfo_t info)
{
    (void)dest, (void)info;
}

/* Ring frames: two per session, each a page of its own, mapped by sb_server_init; data frames,
 * mapped at each grant, all share one page (the dispatch never reads them). */
static uint8_t frames[2 * SB_MAX_SESSIONS][1 << SB_FRAME_BITS];
static uint8_t data_frame[1 << SB_FRAME_BITS];
static unsigned frames_mapped;
static int initialised; /* sb_server_init has returned: every later frame is a data frame */

seL4_Error plat_frame_map(seL4_CPtr frame, void **vaddr)
{
    (void)frame;
    if (!initialised) {
        *vaddr = frames[frames_mapped++ % (2 * SB_MAX_SESSIONS)];
        return seL4_NoError;
    }
    seL4_Error e = invocation();
    if (e == seL4_NoError) {
        *vaddr = data_frame;
    }
    return e;
}

/* ---- The application. ---- */

static uint32_t app_words[8];
static bool app_flags[8];
static int16_t app_shorts[8];
static double app_reals[8];
static char app_text[16];
static uint8_t app_data[16];

static sb_status_t any_status(void)
{
    return (sb_status_t)Frama_C_interval(SB_OK, SB_ERR_NOT_DEFERRED);
}

/* What any handler may do besides its results: defer, keep the cap, answer a deferred call. */
static sb_status_t any_handler(sb_app_call_t *call)
{
    sb_deferred_t d;
    if (Frama_C_nondet(0, 1)) {
        (void)sb_app_defer(call, &d);
    }
    if (Frama_C_nondet(0, 1)) {
        sb_app_keep_cap(call, Frama_C_unsigned_long_interval(0, UINT64_MAX));
    }
    if (Frama_C_nondet(0, 1)) {
        (void)apps_test_Probe_wait_reply(call->server, Frama_C_unsigned_int_interval(0, UINT32_MAX),
                                         any_status(),
                                         Frama_C_unsigned_long_interval(0, UINT64_MAX));
    }
    return any_status();
}

static uint64_t any_u64(void)
{
    return Frama_C_unsigned_long_interval(0, UINT64_MAX);
}

sb_status_t apps_test_Probe_add_impl(sb_app_call_t *call, uint64_t a, uint64_t b, uint64_t *sum_out)
{
    /*@ assert sb_decode_reads: sb_codec_word_reads <= 3; */ /* the root, a, b */
    *sum_out = a + b;
    return any_handler(call);
}

sb_status_t apps_test_Probe_nothing_impl(sb_app_call_t *call)
{
    /*@ assert sb_decode_reads: sb_codec_word_reads <= 1; */ /* the root */
    return any_handler(call);
}

/* A result array: NULL, or up to its size of elements. */
#define ANY_RESULT(out, count, array)                                                          \
    do {                                                                                       \
        *(out) = Frama_C_nondet(0, 1) ? (array) : NULL;                                        \
        *(count) = Frama_C_unsigned_int_interval(0, sizeof(array) / sizeof((array)[0]));       \
    } while (0)

sb_status_t apps_test_Probe_echo_impl(sb_app_call_t *call, bool flag, int8_t i8, int16_t i16,
    int32_t i32, int64_t i64, uint8_t u8, uint16_t u16, uint32_t u32, uint64_t u64, float f32,
    double f64, apps_test_Color_t color, sb_codec_text_t text, sb_codec_data_t data,
    sb_codec_list_t words, sb_codec_list_t flags, sb_codec_list_t shorts, sb_codec_list_t reals,
    bool *flag_out, int8_t *i8_out, int16_t *i16_out, int32_t *i32_out, int64_t *i64_out,
    uint8_t *u8_out, uint16_t *u16_out, uint32_t *u32_out, uint64_t *u64_out, float *f32_out,
    double *f64_out, apps_test_Color_t *color_out, sb_codec_text_t *text_out,
    sb_codec_data_t *data_out, const uint32_t **words_out, uint32_t *words_count_out,
    const bool **flags_out, uint32_t *flags_count_out, const int16_t **shorts_out,
    uint32_t *shorts_count_out, const double **reals_out, uint32_t *reals_count_out)
{
    /*@ assert sb_decode_reads: sb_codec_word_reads <= 28; */ /* the root, 12 primitives, 4 lists, Data, Text */
    /* Every element of every list the client sent is read: the handler's reads, not the
     * decoding's, so the count is put back after them. */
    /*@ ghost uint64_t decoded = sb_codec_word_reads; */
    uint64_t sum = text.len + data.len;
    for (uint32_t i = 0; i < sb_codec_list_len(words); i++) {
        sum += sb_codec_list_get_u32(words, i);
    }
    for (uint32_t i = 0; i < sb_codec_list_len(flags); i++) {
        sum += sb_codec_list_get_bool(flags, i);
    }
    for (uint32_t i = 0; i < sb_codec_list_len(shorts); i++) {
        sum += sb_codec_list_get_u16(shorts, i);
    }
    for (uint32_t i = 0; i < sb_codec_list_len(reals); i++) {
        sum += sb_codec_list_get_u64(reals, i);
    }
    /*@ ghost sb_codec_word_reads = decoded; */
    (void)f32, (void)f64;
    *flag_out = flag;
    *i8_out = i8;
    *i16_out = i16;
    *i32_out = i32;
    *i64_out = i64;
    *u8_out = u8;
    *u16_out = u16;
    *u32_out = u32;
    *u64_out = u64 ^ sum;
    *f32_out = 0.5f;
    *f64_out = 0.25;
    *color_out = color;
    text_out->str = Frama_C_nondet(0, 1) ? app_text : NULL;
    text_out->len = Frama_C_unsigned_int_interval(0, sizeof app_text - 1);
    data_out->ptr = Frama_C_nondet(0, 1) ? app_data : NULL;
    data_out->len = Frama_C_unsigned_int_interval(0, sizeof app_data);
    ANY_RESULT(words_out, words_count_out, app_words);
    ANY_RESULT(flags_out, flags_count_out, app_flags);
    ANY_RESULT(shorts_out, shorts_count_out, app_shorts);
    ANY_RESULT(reals_out, reals_count_out, app_reals);
    return any_handler(call);
}

sb_status_t apps_test_Probe_wait_impl(sb_app_call_t *call, uint32_t ticket, uint64_t *value_out)
{
    /*@ assert sb_decode_reads: sb_codec_word_reads <= 2; */ /* the root, ticket */
    (void)ticket;
    *value_out = any_u64();
    return any_handler(call);
}

sb_status_t apps_test_Probe_post_impl(sb_app_call_t *call, uint32_t ticket, uint64_t value,
                                      bool *woken_out)
{
    /*@ assert sb_decode_reads: sb_codec_word_reads <= 3; */ /* the root, ticket, value */
    /* The ticket is the client's: answering it as a handle must be refused when stale. */
    *woken_out = apps_test_Probe_wait_reply(call->server, ticket, SB_OK, value) == SB_OK;
    return any_handler(call);
}

sb_status_t apps_test_Probe_keep_impl(sb_app_call_t *call, seL4_CPtr cap, uint64_t tag,
                                      uint64_t *tag_out, bool *kept_out, uint64_t *badge_out)
{
    /*@ assert sb_decode_reads: sb_codec_word_reads <= 2; */ /* the root, tag (the cap is the extraCap) */
    *tag_out = tag;
    *kept_out = cap != seL4_CapNull;
    *badge_out = call->cap_badge;
    return any_handler(call);
}

sb_status_t apps_test_Probe_session_impl(sb_app_call_t *call, uint32_t *session_out,
                                         uint32_t *opens_out, uint32_t *closes_out,
                                         uint32_t *revokes_out)
{
    /*@ assert sb_decode_reads: sb_codec_word_reads <= 1; */ /* the root */
    *session_out = call->session;
    *opens_out = Frama_C_unsigned_int_interval(0, UINT32_MAX);
    *closes_out = Frama_C_unsigned_int_interval(0, UINT32_MAX);
    *revokes_out = Frama_C_unsigned_int_interval(0, UINT32_MAX);
    return any_handler(call);
}

sb_status_t apps_test_Counter_next_impl(sb_app_call_t *call, uint64_t *value_out)
{
    /*@ assert sb_decode_reads: sb_codec_word_reads <= 1; */ /* the root */
    *value_out = any_u64();
    return any_handler(call);
}

static int session_ctx;

static sb_status_t app_open(void *ctx, uint32_t session, void **session_out)
{
    (void)ctx, (void)session;
    *session_out = Frama_C_nondet(0, 1) ? &session_ctx : NULL;
    return serving ? any_status() : SB_OK; /* the sessions prepared below open */
}

static void app_end(void *ctx, uint32_t session, void *session_ctx)
{
    (void)ctx, (void)session, (void)session_ctx;
}

static sb_server_t server;

/* What the application may do with the ring requests it deferred: complete one of @session's,
 * any id, with any status and result (or none). */
static void any_completion(uint32_t session)
{
    static uint64_t result[2];
    result[0] = any_u64();
    result[1] = any_u64();
    (void)sb_server_complete(&server, session, any_u64(), any_status(),
                             Frama_C_nondet(0, 1) ? result : NULL);
}

/* Ring requests: any status, SB_DEFERRED included (the request is then pending until
 * sb_server_complete), any result; a handler may first complete a request of its session
 * deferred before. */
static sb_status_t ring_request(void *ctx, uint32_t session, const sb_queue_entry_t *request,
                                uint64_t result[2])
{
    (void)ctx;
    if (Frama_C_nondet(0, 1)) {
        any_completion(session); /* the drain's own session: its held and pending change */
    }
    result[0] = request->arg[0];
    result[1] = any_u64();
    return (sb_status_t)Frama_C_interval(SB_OK, SB_ERR_NOT_DEFERRED);
}

static void app_signal(void *ctx, seL4_Word bits)
{
    (void)ctx, (void)bits;
}

static const sb_interface_t *const interfaces[] = {&apps_test_Probe_interface,
                                                   &apps_test_Counter_interface};

/* ---- The messages. ---- */

/* Messages of any kind analysed before the last one (run.sh's SB_EVA_DEFINES=-DSB_EVA_HISTORY=n;
 * 0 in ctest). */
#ifndef SB_EVA_HISTORY
#define SB_EVA_HISTORY 0
#endif

/* A message as seL4_Recv returns it: any info word, any badge, any words in the IPC buffer;
 * before it, the clients wrote anything into their ring and data frames. */
static void any_message(void)
{
    Frama_C_make_unknown((char *)frames, sizeof frames);
    Frama_C_make_unknown((char *)data_frame, sizeof data_frame);
    Frama_C_make_unknown((char *)&ipc_buffer, sizeof ipc_buffer);
    seL4_MessageInfo_t info = {{any_u64()}};
    seL4_MessageInfo_t reply;
    seL4_Word badge;
#ifdef SB_EVA_NOTIFICATION
    /* The bound notification: seL4 sets the badge to the notification word; here one kick bit,
     * of any of the 32 (a session open or not), and any application bits: one drain. One state
     * per bit (split): Eva's bits & (bits - 1) would forget that one bit was set. */
    uint32_t kicked = Frama_C_unsigned_int_interval(0, 31);
    badge = (any_u64() & SB_APP_SIGNAL_BITS) | (seL4_Word)1 << kicked;
    /*@ split kicked; */
#else
    badge = any_u64() | SB_BADGE_CALL; /* a call: see the header */
#endif
    /*@ ghost sb_codec_word_reads = 0; */
    (void)sb_server_handle(&server, info, badge, &reply);
#ifdef SB_EVA_NOTIFICATION
    /* Then the application completes a deferred ring request of any session, in range or not
     * (one state per session, split: merged, the sessions' rings would be). */
    uint32_t session = Frama_C_unsigned_int_interval(0, SB_MAX_SESSIONS + 1);
    /*@ split session; */
    any_completion(session);
    /*@ merge session; */
#endif
    /* The work of decoding one message (read.h's ghost count of word reads): the root and the
     * fields of the widest op or method (Probe.echo), whatever the message. */
    /*@ assert sb_dispatch_reads: sb_codec_word_reads <= 28; */
}

/* Session @n is granted its bundle, with a depth of its own (every depth the queue allows
 * occurs) and a bundle small enough that all fit in the pool together, then is left open,
 * closed or revoked: every session's rings are attached, whatever state it is in. */
#define PREPARED_CAPS (SB_BUNDLE_MIN + SB_SERVER_POOL_MAX / SB_MAX_SESSIONS - 1)
static int prepare_session(uint32_t n)
{
    static const uint32_t depths[] = {1, 2, 4, 8, 16, 32, 64};
    uint32_t caps = (uint32_t)Frama_C_interval(SB_BUNDLE_MIN, PREPARED_CAPS);
    if (sb_bundle_grant(&server, n, caps, depths[n % 7], n % 2) != SB_OK) {
        return 1;
    }
    switch (Frama_C_interval(0, 2)) {
    case 0:
        return 0;
    case 1:
        return sb_server_revoke(&server, n) != SB_OK;
    default:
        return sb_bundle_revoke(&server, n, SB_SESSION_FREE) != SB_OK;
    }
}

int main(void)
{
    sb_server_config_t cfg = {
        .endpoint = 16,
        .notification = 17,
        .tcb = 18,
        .cnode = 19,
        .untyped = 20,
        .slot_base = 64,
        .max_sessions = SB_MAX_SESSIONS,
        .max_bundle = SB_BUNDLE_MAX,
        .pool_frames = SB_SERVER_POOL_MAX,
        .default_depth = 8,
        .admin_session = 1,
        .ring_start = Frama_C_unsigned_int_interval(0, UINT32_MAX),
        .request = ring_request,
        .signal = app_signal,
    };
    cfg.slot_count = sb_server_slots_needed(&cfg);
    static const sb_app_config_t app = {
        .interfaces = interfaces,
        .interface_count = 2,
        .open = app_open,
        .close = app_end,
        .revoke = app_end,
        .reply_slot_base = 4096,
        .reply_slots = 1,
    };
    if (sb_server_init(&server, &cfg) != SB_OK || sb_server_set_app(&server, &app) != SB_OK) {
        return 1;
    }
    initialised = 1;
    /*@ loop unroll SB_MAX_SESSIONS; */
    for (uint32_t n = 1; n <= SB_MAX_SESSIONS; n++) {
        if (prepare_session(n)) {
            return 1;
        }
    }
    /* Maybe a deferred call held: session 1's, in the one reply slot, as its handler would have
     * deferred it (sb_app_defer, then sb_app_settle saves the caller). */
    if (Frama_C_nondet(0, 1)) {
        sb_app_call_t call = {.server = &server, .session = 1};
        sb_deferred_t d;
        if (sb_app_defer(&call, &d) != SB_OK || sb_app_settle(&call, SB_OK) != SB_DEFERRED) {
            return 1;
        }
    }
    serving = 1;
    /* Earlier messages of any kind (deferred calls held, sessions reopened with other depths,
     * bundles revoked), then the one analysed. */
    /*@ loop unroll SB_EVA_HISTORY; */
    for (int i = 0; i < SB_EVA_HISTORY; i++) {
        any_message();
    }
    any_message();
    return 0;
}
