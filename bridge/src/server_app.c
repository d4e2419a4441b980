/*
 * The server's side of applications: registering interfaces, finding a label's method, deferred
 * calls (the caller's reply cap saved into a slot, answered later with seL4_Send on it), and the
 * session hooks, with every deferred call of an ending session answered so nothing is stranded.
 */
#include <sel4bridge/app.h>

#include <bridge.capnp.h>

#include "server_app.h"

_Static_assert(SB_APP_REPLY_SLOTS_MAX == sizeof ((sb_server_t *)0)->replies /
                                             sizeof ((sb_server_t *)0)->replies[0],
               "one entry per reply slot");

sb_status_t sb_server_set_app(sb_server_t *s, const sb_app_config_t *app)
{
    if (app->reply_slots > SB_APP_REPLY_SLOTS_MAX ||
        (app->reply_slots > 0 && app->reply_slot_base == seL4_CapNull) ||
        (app->interface_count > 0 && app->interfaces == NULL)) {
        return SB_ERR_CONFIG;
    }
    for (uint32_t i = 0; i < app->interface_count; i++) {
        const sb_interface_t *f = app->interfaces[i];
        if (f == NULL || f->code == 0 || (f->method_count > 0 && f->methods == NULL)) {
            return SB_ERR_CONFIG;
        }
        for (uint32_t j = 0; j < i; j++) {
            if (app->interfaces[j]->code == f->code) {
                return SB_ERR_CONFIG; /* a label must name one interface */
            }
        }
        for (uint32_t m = 0; m < f->method_count; m++) {
            const sb_method_t *mt = &f->methods[m];
            if (mt->fn == NULL || mt->check.caps > 1 || mt->check.max_words == 0 ||
                mt->check.max_words > seL4_MsgMaxLength) {
                return SB_ERR_CONFIG;
            }
        }
    }
    s->app = app;
    return SB_OK;
}

const sb_method_t *sb_app_method(const sb_server_t *s, seL4_Word label, sb_status_t *why)
{
    const sb_app_config_t *app = s->app;
    seL4_Word code = label >> SB_APP_METHOD_BITS;
    seL4_Word method = label & ((1u << SB_APP_METHOD_BITS) - 1);
    for (uint32_t i = 0; app && i < app->interface_count; i++) {
        const sb_interface_t *f = app->interfaces[i];
        if (f->code == code) {
            if (method < f->method_count) {
                return &f->methods[method];
            }
            *why = SB_ERR_UNKNOWN_METHOD;
            return NULL;
        }
    }
    *why = SB_ERR_UNKNOWN_INTERFACE;
    return NULL;
}

/* Slot i's handle: the index in the low byte, the generation above it. */
static sb_deferred_t handle(const sb_server_t *s, uint32_t i)
{
    return (s->replies[i].generation << 8) | i;
}

/* The slot a handle names, if it is still the same deferred call; else -1. */
static int slot_of(const sb_server_t *s, sb_deferred_t d)
{
    uint32_t i = d & 0xff;
    if (s->app == NULL || i >= s->app->reply_slots || s->replies[i].session == 0 ||
        handle(s, i) != d) {
        return -1;
    }
    return (int)i;
}

static void release(sb_server_t *s, uint32_t i)
{
    sb_session(s, s->replies[i].session)->deferred--;
    s->replies[i].session = 0;
    s->replies[i].generation = (s->replies[i].generation + 1) & 0xffffff;
}

sb_status_t sb_app_defer(sb_app_call_t *call, sb_deferred_t *d)
{
    sb_server_t *s = call->server;
    const sb_app_config_t *app = s->app;
    sb_server_session_t *ss = sb_session(s, call->session);
    uint32_t share = app->session_deferred_max ? app->session_deferred_max : app->reply_slots;
    if (call->defer) {
        *d = call->deferred;
        return SB_OK;
    }
    if (ss->deferred >= share) {
        return SB_ERR_NO_RESOURCES;
    }
    for (uint32_t i = 0; i < app->reply_slots; i++) {
        if (s->replies[i].session == 0) {
            s->replies[i].session = call->session;
            ss->deferred++;
            call->defer = true;
            call->deferred = *d = handle(s, i);
            return SB_OK;
        }
    }
    return SB_ERR_NO_RESOURCES;
}

sb_status_t sb_app_settle(sb_app_call_t *call, sb_status_t status)
{
    sb_server_t *s = call->server;
    sb_status_t st = status;
    if (st == SB_DEFERRED) {
        /* The contract is sb_app_defer, then SB_OK; a handler that says "deferred" without having
         * saved its caller would leave that caller blocked for good (the reply cap goes at our
         * next receive), so it is answered now with the reason. */
        st = call->defer ? SB_OK : SB_ERR_NOT_DEFERRED;
    }
    if (call->keep_slot != seL4_CapNull && call->cap != seL4_CapNull) {
        if (seL4_CNode_Move(s->cfg.cnode, call->keep_slot, seL4_WordBits, s->cfg.cnode, call->cap,
                            seL4_WordBits) != seL4_NoError) {
            st = st != SB_OK ? st : SB_ERR_KERNEL; /* the application's slot was not empty */
        } else {
            call->cap = seL4_CapNull; /* the receive slot is empty again */
        }
    }
    if (call->defer) {
        int i = slot_of(s, call->deferred);
        /* The one-shot reply cap moves out of our TCB: the next receive cannot drop it. */
        if (st != SB_OK || i < 0 ||
            seL4_CNode_SaveCaller(s->cfg.cnode, s->app->reply_slot_base + (seL4_Word)i,
                                  seL4_WordBits) != seL4_NoError) {
            if (i >= 0) {
                release(s, (uint32_t)i);
            }
            call->defer = false;
            return st != SB_OK ? st : SB_ERR_KERNEL;
        }
        return SB_DEFERRED;
    }
    return st;
}

sb_status_t sb_app_deferred_begin(sb_server_t *s, sb_deferred_t d, sb_codec_builder_t *b)
{
    if (slot_of(s, d) < 0) {
        return SB_ERR_NO_CALLER;
    }
    sb_codec_builder_init(b, (uint64_t *)seL4_GetIPCBuffer()->msg, seL4_MsgMaxLength);
    return SB_OK;
}

/* An Error body for @status (the op field carries the method ordinal, as for any call). */
static size_t put_error(sb_codec_builder_t *b, sb_status_t status, uint32_t detail)
{
    size_t words = 0;
    sb_codec_builder_init(b, (uint64_t *)seL4_GetIPCBuffer()->msg, seL4_MsgMaxLength);
    bridge_Error_builder_t e = bridge_Error_init_root(b);
    bridge_Error_set_status(e, (bridge_Status_t)status);
    bridge_Error_set_detail(e, detail);
    (void)sb_codec_builder_finish(b, &words);
    return words;
}

sb_status_t sb_app_deferred_send(sb_server_t *s, sb_deferred_t d, sb_status_t status,
                                 sb_codec_builder_t *b)
{
    int i = slot_of(s, d);
    if (i < 0) {
        return SB_ERR_NO_CALLER;
    }
    size_t words = 0;
    uint32_t detail = 0;
    if (status == SB_OK && sb_codec_builder_finish(b, &words) != SB_CODEC_OK) {
        status = SB_ERR_MESSAGE_TOO_LONG;
    }
    if (status >= SB_WIRE_STATUS_COUNT) {
        detail = status; /* a local reason travels as the detail of noResources */
        status = SB_ERR_NO_RESOURCES;
    }
    if (status != SB_OK) {
        words = put_error(b, status, detail);
    }
    /* A reply cap answers once and is gone; if the caller is gone too (its thread destroyed),
     * the slot is already empty and the send is a harmless invocation of a null cap. */
    seL4_Send(s->app->reply_slot_base + (seL4_Word)i, seL4_MessageInfo_new(status, 0, 0, words));
    release(s, (uint32_t)i);
    return SB_OK;
}

uint32_t sb_app_deferred_count(const sb_server_t *s)
{
    uint32_t n = 0;
    for (uint32_t i = 0; s->app && i < s->app->reply_slots; i++) {
        n += s->replies[i].session != 0;
    }
    return n;
}

sb_status_t sb_app_session_open(sb_server_t *s, uint32_t session)
{
    sb_server_session_t *ss = sb_session(s, session);
    ss->app_ctx = NULL;
    if (s->app && s->app->open) {
        return s->app->open(s->app->ctx, session, &ss->app_ctx);
    }
    return SB_OK;
}

void sb_app_session_end(sb_server_t *s, uint32_t session, bool closed)
{
    sb_server_session_t *ss = sb_session(s, session);
    if (s->app == NULL) {
        return;
    }
    /* Every call the session still has deferred is answered now, `revoked`: its client is
     * unblocked and the slot is ours again, whatever the application does later. */
    for (uint32_t i = 0; i < s->app->reply_slots && ss->deferred > 0; i++) {
        if (s->replies[i].session == session) {
            sb_codec_builder_t b;
            (void)sb_app_deferred_send(s, handle(s, i), SB_ERR_REVOKED, &b);
        }
    }
    sb_session_hook hook = closed ? s->app->close : s->app->revoke;
    if (hook) {
        hook(s->app->ctx, session, ss->app_ctx);
    }
    ss->app_ctx = NULL;
}
