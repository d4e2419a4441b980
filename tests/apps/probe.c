/* The handlers of the test schema's interfaces (tests/apps/apps_test.capnp) and its hooks. */
#include "probe.h"

#include <string.h>

probe_state_t probe;

static sb_status_t on_open(void *ctx, uint32_t session, void **session_ctx)
{
    probe_state_t *p = ctx;
    if (session == p->refuse_session) {
        return SB_ERR_BAD_ARGUMENT;
    }
    p->opens[session]++;
    *session_ctx = &p->opens[session]; /* each session's context: its own counter */
    return SB_OK;
}

/* The bridge has answered the session's deferred calls (`revoked`) before a close or revoke
 * hook runs: forget its tickets. */
static void forget_waiters(probe_state_t *p, uint32_t session)
{
    for (uint32_t t = 0; t < 64; t++) {
        if (p->waiting[t] && p->waiting_session[t] == session) {
            p->waiting[t] = false;
            atomic_fetch_sub(&p->deferred_now, 1);
        }
    }
}

static void on_close(void *ctx, uint32_t session, void *session_ctx)
{
    probe_state_t *p = ctx;
    (void)session_ctx;
    p->closes++;
    forget_waiters(p, session); /* last: the root waits for deferred_now */
}

static void on_revoke(void *ctx, uint32_t session, void *session_ctx)
{
    probe_state_t *p = ctx;
    (void)session_ctx;
    p->revokes++;
    forget_waiters(p, session);
}

static const sb_interface_t *const interfaces[] = {&apps_test_Probe_interface,
                                                   &apps_test_Counter_interface};

const sb_app_config_t probe_app = {
    .interfaces = interfaces,
    .interface_count = 2,
    .ctx = &probe,
    .open = on_open,
    .close = on_close,
    .revoke = on_revoke,
    .reply_slot_base = PROBE_REPLY_SLOTS,
    .reply_slots = PROBE_REPLY_COUNT,
    .session_deferred_max = PROBE_SESSION_DEFERRED,
};

sb_status_t apps_test_Probe_add_impl(sb_app_call_t *call, uint64_t a, uint64_t b, uint64_t *sum)
{
    (void)call;
    *sum = a + b;
    return SB_OK;
}

sb_status_t apps_test_Probe_nothing_impl(sb_app_call_t *call)
{
    (void)call;
    return SB_OK;
}

/* Copy a list's elements out of the request (bounded by our array). */
#define COPY_LIST(list, out, count, get)                                                           \
    do {                                                                                           \
        uint32_t n_ = sb_codec_list_len(list);                                                     \
        if (n_ > sizeof out / sizeof out[0]) {                                                     \
            call->detail = 1;                                                                      \
            return SB_ERR_BAD_ARGUMENT;                                                            \
        }                                                                                          \
        for (uint32_t i_ = 0; i_ < n_; i_++) {                                                     \
            out[i_] = get;                                                                         \
        }                                                                                          \
        *count = n_;                                                                               \
    } while (0)

sb_status_t apps_test_Probe_echo_impl(
    sb_app_call_t *call, bool flag, int8_t i8, int16_t i16, int32_t i32, int64_t i64, uint8_t u8,
    uint16_t u16, uint32_t u32, uint64_t u64, float f32, double f64, apps_test_Color_t color,
    sb_codec_text_t text, sb_codec_data_t data, sb_codec_list_t words, sb_codec_list_t flags,
    sb_codec_list_t shorts, sb_codec_list_t reals, bool *o_flag, int8_t *o_i8, int16_t *o_i16,
    int32_t *o_i32, int64_t *o_i64, uint8_t *o_u8, uint16_t *o_u16, uint32_t *o_u32,
    uint64_t *o_u64, float *o_f32, double *o_f64, apps_test_Color_t *o_color,
    sb_codec_text_t *o_text, sb_codec_data_t *o_data, const uint32_t **o_words,
    uint32_t *o_words_count, const bool **o_flags, uint32_t *o_flags_count,
    const int16_t **o_shorts, uint32_t *o_shorts_count, const double **o_reals,
    uint32_t *o_reals_count)
{
    *o_flag = flag, *o_i8 = i8, *o_i16 = i16, *o_i32 = i32, *o_i64 = i64;
    *o_u8 = u8, *o_u16 = u16, *o_u32 = u32, *o_u64 = u64, *o_f32 = f32, *o_f64 = f64;
    *o_color = color;
    if (text.len >= sizeof probe.text || data.len > sizeof probe.data) {
        call->detail = 0;
        return SB_ERR_BAD_ARGUMENT;
    }
    /* Results must not point into the request (the reply is encoded over it): copy. */
    if (text.len > 0) { /* an absent text or data is (NULL, 0) */
        memcpy(probe.text, text.str, text.len);
    }
    /* An absent text or data (NULL) stays absent in the reply. */
    *o_text = (sb_codec_text_t){text.str ? probe.text : NULL, text.len};
    if (data.len > 0) {
        memcpy(probe.data, data.ptr, data.len);
    }
    *o_data = (sb_codec_data_t){data.ptr ? probe.data : NULL, data.len};
    COPY_LIST(words, probe.words, o_words_count, sb_codec_list_get_u32(words, i_));
    COPY_LIST(flags, probe.flags, o_flags_count, sb_codec_list_get_bool(flags, i_));
    COPY_LIST(shorts, probe.shorts, o_shorts_count, (int16_t)sb_codec_list_get_u16(shorts, i_));
    COPY_LIST(reals, probe.reals, o_reals_count,
              sb_codec_bits_f64(sb_codec_list_get_u64(reals, i_)));
    /* An empty list is answered as an absent one (NULL). */
    *o_words = *o_words_count ? probe.words : NULL;
    *o_flags = *o_flags_count ? probe.flags : NULL;
    *o_shorts = *o_shorts_count ? probe.shorts : NULL;
    *o_reals = *o_reals_count ? probe.reals : NULL;
    return SB_OK;
}

sb_status_t apps_test_Probe_wait_impl(sb_app_call_t *call, uint32_t ticket, uint64_t *value)
{
    (void)value;
    if (ticket == PROBE_TICKET_MISDEFERRED) {
        return SB_DEFERRED; /* a handler bug on purpose: "deferred" without sb_app_defer */
    }
    if (ticket >= 64 || probe.waiting[ticket]) {
        call->detail = 0;
        return SB_ERR_BAD_ARGUMENT;
    }
    sb_status_t st = sb_app_defer(call, &probe.deferred[ticket]);
    if (st == SB_OK) {
        probe.waiting[ticket] = true;
        probe.waiting_session[ticket] = call->session;
        atomic_fetch_add(&probe.deferred_now, 1);
    }
    return st;
}

sb_status_t apps_test_Probe_post_impl(sb_app_call_t *call, uint32_t ticket, uint64_t value,
                                      bool *woken)
{
    if (ticket >= 64) {
        call->detail = 0;
        return SB_ERR_BAD_ARGUMENT;
    }
    /* Our params are read (they are in the message registers the answer is encoded into). */
    if (probe.waiting[ticket]) {
        probe.waiting[ticket] = false;
        atomic_fetch_sub(&probe.deferred_now, 1);
        /* SB_ERR_NO_CALLER when the waiter's session ended meanwhile (the bridge answered it). */
        *woken = apps_test_Probe_wait_reply(call->server, probe.deferred[ticket], SB_OK, value) ==
                 SB_OK;
    } else if (probe.deferred[ticket] != 0) {
        /* The ticket's last handle is stale (answered, or its session ended): refused, never
         * sent to whoever holds that reply slot now. woken says if it was not. */
        *woken = apps_test_Probe_wait_reply(call->server, probe.deferred[ticket], SB_OK, value) !=
                 SB_ERR_NO_CALLER;
    }
    return SB_OK;
}

sb_status_t apps_test_Probe_keep_impl(sb_app_call_t *call, seL4_CPtr cap, uint64_t tag,
                                      uint64_t *o_tag, bool *kept, uint64_t *badge)
{
    *o_tag = tag;
    *badge = call->cap_badge;
    if (cap != seL4_CapNull) {
        sb_app_keep_cap(call, PROBE_KEEP_SLOT);
        *kept = true;
        probe.kept_caps++;
    }
    return SB_OK;
}

sb_status_t apps_test_Probe_session_impl(sb_app_call_t *call, uint32_t *session, uint32_t *opens,
                                         uint32_t *closes, uint32_t *revokes)
{
    *session = call->session;
    *opens = *(uint32_t *)call->session_ctx;
    *closes = probe.closes;
    *revokes = probe.revokes;
    return SB_OK;
}

sb_status_t apps_test_Counter_next_impl(sb_app_call_t *call, uint64_t *value)
{
    (void)call;
    *value = ++probe.counter;
    return SB_OK;
}

static const uint32_t echo_words[] = {1, 0xffffffffu, 7};
static const bool echo_flags[] = {true, false, true, true, false, false, false, false, true};
static const int16_t echo_shorts[] = {-1, 32767, -32768};
static const double echo_reals[] = {0.5, -1e300};
static const uint8_t echo_data[] = {0, 1, 2, 255};
static const char echo_text[] = "hello, server";

sb_status_t probe_echo_reference(sb_client_t *c, probe_echo_result_t *r)
{
    *r = (probe_echo_result_t){.color = apps_test_Color_red};
    return apps_test_Probe_echo(
        c, true, -5, -300, -70000, -5000000000ll, 250, 65000, 4000000000u, 1ull << 63, 1.5f,
        -2.25, apps_test_Color_blue, echo_text, sizeof echo_text - 1, echo_data,
        sizeof echo_data, echo_words, 3, echo_flags, 9, echo_shorts, 3, echo_reals, 2, &r->flag,
        &r->i8, &r->i16, &r->i32, &r->i64, &r->u8, &r->u16, &r->u32, &r->u64, &r->f32, &r->f64,
        &r->color, &r->text, &r->data, &r->words, &r->flags, &r->shorts, &r->reals);
}

const char *probe_echo_mismatch(const probe_echo_result_t *r)
{
    if (!(r->flag && r->i8 == -5 && r->i16 == -300 && r->i32 == -70000 &&
          r->i64 == -5000000000ll && r->u8 == 250 && r->u16 == 65000 && r->u32 == 4000000000u &&
          r->u64 == 1ull << 63 && r->f32 == 1.5f && r->f64 == -2.25 &&
          r->color == apps_test_Color_blue)) {
        return "primitives";
    }
    if (r->text.len != sizeof echo_text - 1 || memcmp(r->text.str, echo_text, r->text.len) != 0 ||
        r->text.str[r->text.len] != 0) {
        return "text";
    }
    if (r->data.len != sizeof echo_data || memcmp(r->data.ptr, echo_data, sizeof echo_data) != 0) {
        return "data";
    }
    if (sb_codec_list_len(r->words) != 3 || sb_codec_list_len(r->flags) != 9 ||
        sb_codec_list_len(r->shorts) != 3 || sb_codec_list_len(r->reals) != 2) {
        return "list lengths";
    }
    for (uint32_t i = 0; i < 9; i++) {
        if ((i < 3 && (sb_codec_list_get_u32(r->words, i) != echo_words[i] ||
                       (int16_t)sb_codec_list_get_u16(r->shorts, i) != echo_shorts[i])) ||
            (i < 2 && sb_codec_bits_f64(sb_codec_list_get_u64(r->reals, i)) != echo_reals[i]) ||
            sb_codec_list_get_bool(r->flags, i) != echo_flags[i]) {
            return "list elements";
        }
    }
    return NULL;
}
