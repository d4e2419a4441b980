/*
 * Applications on the bridge: a server's own Cap'n Proto interfaces, called with one seL4_Call per
 * method. tools/capnpc-c generates, from an application's schema, a client stub per method (over
 * sb_client_app_*) and a server skeleton (an sb_interface_t whose methods decode the request in
 * place, call <iface>_<method>_impl and encode the reply in place). This header is what both use.
 *
 * The label of an application call is SB_APP_LABEL(interface code, method ordinal): the code is
 * the low 32 bits of the interface's Cap'n Proto id (never 0: the generator refuses one that is),
 * so every application label is at least 2^16 and never one of the bridge's own ops (0..6).
 */
#pragma once

#include <sel4/sel4.h>
#include <stdbool.h>
#include <stdint.h>

#include <sel4bridge/client.h>
#include <sel4bridge/codec.h>
#include <sel4bridge/server.h>
#include <sel4bridge/status.h>

#define SB_APP_METHOD_BITS 16u
#define SB_APP_LABEL(code, method) (((seL4_Word)(code) << SB_APP_METHOD_BITS) | (seL4_Word)(method))
/* Labels below this are the bridge's own ops (or badOp). */
#define SB_APP_LABEL_MIN ((seL4_Word)1 << SB_APP_METHOD_BITS)

/* A deferred call's handle: a reply-slot index and a generation, so that a stale handle (its call
 * already answered, or its session closed) is refused instead of answering someone else. */
typedef uint32_t sb_deferred_t;

/* One call being served, as the skeleton hands it to <iface>_<method>_impl. */
typedef struct sb_app_call {
    sb_server_t *server;
    uint32_t session;     /* the caller's session id: its badge, never anything it wrote */
    void *session_ctx;    /* what the open hook stored for this session */
    void *app_ctx;        /* sb_app_config_t.ctx */
    /* The cap the call brought (a method with a cap parameter): the server's receive slot, or
     * seL4_CapNull when seL4 unwrapped it into cap_badge (a badged cap to our own endpoint). */
    seL4_CPtr cap;
    seL4_Word cap_badge;
    /* Error.detail when the handler refuses the call with a wire status (e.g. the ordinal of
     * the field that is out of range, with SB_ERR_BAD_ARGUMENT). */
    uint32_t detail;
    /* Set by sb_app_keep_cap / sb_app_defer; acted on by sb_app_settle once the handler is done
     * reading the request (a kernel invocation may overwrite the message registers). */
    seL4_CPtr keep_slot;
    bool defer;
    sb_deferred_t deferred;
} sb_app_call_t;

/*
 * What a request must satisfy before its body is decoded, one record per operation: the
 * bridge's own ops (their table in bridge/src/server.c) and every application method carry one,
 * and the server checks each the same way, in this order after the badge and the label.
 */
typedef struct sb_checks {
    uint8_t caps;      /* exactly this many extraCaps: 0 or 1 */
    uint8_t max_words; /* the largest request, root pointer included: 1..seL4_MsgMaxLength */
    uint8_t states;    /* bit n: may run in session state n (SB_SESSION_*) */
} sb_checks_t;
#define SB_METHOD_STATES (1u << SB_SESSION_OPEN) /* application methods: open sessions only */

/* A method's entry in its interface's table: its checks and its skeleton. */
typedef sb_status_t (*sb_method_fn)(sb_app_call_t *call, sb_codec_struct_t params,
                                    sb_codec_builder_t *reply);
typedef struct sb_method {
    sb_checks_t check;
    sb_method_fn fn;
    const char *name;
} sb_method_t;

/* An interface: what the generated skeleton exports as <iface>_interface. */
typedef struct sb_interface {
    const char *name;
    uint64_t id;   /* the Cap'n Proto interface id */
    uint32_t code; /* its low 32 bits: the label's upper part */
    uint16_t method_count;
    const sb_method_t *methods;
} sb_interface_t;

/* Session hooks. open may refuse (any status but SB_OK, sent to the client) and may store a
 * per-session context in *@session_ctx; close and revoke get it back. */
typedef sb_status_t (*sb_open_hook)(void *app_ctx, uint32_t session, void **session_ctx);
typedef void (*sb_session_hook)(void *app_ctx, uint32_t session, void *session_ctx);

/* Reply slots (deferred calls) a server can hold at most. */
#define SB_APP_REPLY_SLOTS_MAX 64u

typedef struct sb_app_config {
    const sb_interface_t *const *interfaces; /* any number; codes must differ */
    uint32_t interface_count;
    void *ctx;
    sb_open_hook open;      /* NULL: every open is accepted, session_ctx NULL */
    sb_session_hook close;  /* the client closed its session */
    sb_session_hook revoke; /* the server revoked the bundle (admin, sb_server_revoke, a bad ring) */
    /* Empty slots in the server's CSpace for deferred calls' reply caps (seL4_CNode_SaveCaller):
     * reply_slots of them from reply_slot_base, at most SB_APP_REPLY_SLOTS_MAX. 0: no deferral. */
    seL4_CPtr reply_slot_base;
    uint32_t reply_slots;
    /* Deferred calls one session may hold at once (0: reply_slots), so that one client cannot
     * take every reply slot. */
    uint32_t session_deferred_max;
} sb_app_config_t;

/*
 * Register an application with a server (after sb_server_init, before serving). @app must stay
 * alive. SB_ERR_CONFIG when two interfaces share a code, a method table is malformed, or the
 * reply slots are too many.
 */
sb_status_t sb_server_set_app(sb_server_t *s, const sb_app_config_t *app);

/* ---- In a handler (<iface>_<method>_impl). ---- */

/* Keep the call's cap: it is moved from the receive slot into @slot (empty, in the server's
 * CSpace) once the handler returns. Otherwise the bridge deletes it. */
static inline void sb_app_keep_cap(sb_app_call_t *call, seL4_CPtr slot)
{
    call->keep_slot = slot;
}

/*
 * Answer this call later: the client stays blocked in its seL4_Call while the server serves
 * others. Returns SB_OK and the handle in *@d (answer with <iface>_<method>_reply), or
 * SB_ERR_NO_RESOURCES when every reply slot (or the session's share) is taken. The handler then
 * returns SB_OK; its results are ignored.
 */
sb_status_t sb_app_defer(sb_app_call_t *call, sb_deferred_t *d);

/* The skeleton's step between the handler (which returned @status) and the reply: move a kept
 * cap, save the caller of a deferred call. Returns SB_DEFERRED when no reply is due now, else
 * @status or why settling failed. */
sb_status_t sb_app_settle(sb_app_call_t *call, sb_status_t status);

/*
 * Answering a deferred call (the generated <iface>_<method>_reply does this): begin encodes into
 * this thread's message registers, so read what you need of a request in hand first; send
 * answers with seL4_Send on the saved reply cap and frees the slot. SB_ERR_NO_CALLER for a
 * handle already answered or whose session ended (those are answered `revoked` by the bridge).
 */
sb_status_t sb_app_deferred_begin(sb_server_t *s, sb_deferred_t d, sb_codec_builder_t *b);
sb_status_t sb_app_deferred_send(sb_server_t *s, sb_deferred_t d, sb_status_t status,
                                 sb_codec_builder_t *b);

/* True when [@p, @p + @len) overlaps this thread's message registers: the skeleton encodes the
 * reply over the request, so a result there must be copied by the handler first. */
static inline bool sb_app_in_request(const void *p, size_t len)
{
    /* As addresses: C leaves < undefined between pointers into different objects, and a result
     * is usually in another object than the IPC buffer. */
    uintptr_t b = (uintptr_t)seL4_GetIPCBuffer()->msg, q = (uintptr_t)p;
    return len > 0 && q < b + sizeof(seL4_Word) * seL4_MsgMaxLength && b < q + len;
}

/* Deferred calls held now (all sessions). */
uint32_t sb_app_deferred_count(const sb_server_t *s);

/* ---- Client side: what the generated stubs call. ---- */

typedef struct sb_app_exchange {
    sb_codec_builder_t request;
    sb_codec_struct_t reply; /* the results' root (read with the client's app_reply) on SB_OK */
    seL4_MessageInfo_t info;
} sb_app_exchange_t;

/* Start a request in place in the IPC buffer (up to seL4_MsgMaxLength words). */
sb_codec_builder_t *sb_client_app_begin(sb_app_exchange_t *x);
/*
 * Send it with @label and, when @cap is not seL4_CapNull, @cap in the one extraCap; decode the
 * reply in place. SB_ERR_MESSAGE_TOO_LONG when the request did not fit; the server's refusal as
 * the control calls return it (sb_client_last_error() keeps the Error body).
 */
sb_status_t sb_client_app_call(sb_client_t *c, sb_app_exchange_t *x, seL4_Word label,
                               seL4_CPtr cap);
