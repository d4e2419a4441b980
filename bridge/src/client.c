/*
 * The client's control calls: encode the request in place in the IPC buffer's message registers,
 * seL4_Call, decode the reply in place. Opening a session also copies the bundle's caps out of
 * the granted CNode and maps its frames.
 */
#include <sel4bridge/app.h>
#include <sel4bridge/client.h>
#include <sel4bridge/plat.h>
#include <string.h>

#include "wire.h"

_Static_assert(SB_PHASE_KICK_EVERY_ENQUEUE == (int)bridge_Phase_kickEveryEnqueue, "wire phase");
_Static_assert(SB_PHASE_SIGNAL_WHEN_ASKED == (int)bridge_Phase_signalWhenAsked, "wire phase");

sb_status_t sb_client_init(sb_client_t *c, const sb_client_config_t *cfg)
{
    memset(c, 0, sizeof *c);
    if (cfg->endpoint == seL4_CapNull || cfg->cnode == seL4_CapNull ||
        cfg->slot_base == seL4_CapNull || cfg->slot_count < SB_BUNDLE_MIN + 1) {
        return SB_ERR_CONFIG;
    }
    c->cfg = *cfg;
    return SB_OK;
}

void sb_client_forget_bundle(sb_client_t *c, bool revoked)
{
    c->open = false;
    c->revoked = revoked;
    c->in_flight = 0;
    memset(&c->requests, 0, sizeof c->requests);
    memset(&c->completions, 0, sizeof c->completions);
    memset(c->frames, 0, sizeof c->frames);
}

/* A refusal's status (@label, checked below SB_WIRE_STATUS_COUNT) from its Error body, which is
 * kept for the caller. A detail that is itself a bridge status (e.g. SB_ERR_POOL_EXHAUSTED under
 * noResources) is the more precise answer, so it is what the call returns. */
static sb_status_t refusal(sb_client_t *c, seL4_Word label, sb_codec_struct_t root)
{
    bridge_Error_reader_t e = {root};
    c->last_error.status = (sb_status_t)label;
    c->last_error.op = bridge_Error_get_op(e);
    c->last_error.detail = bridge_Error_get_detail(e);
    if (label == SB_ERR_REVOKED || label == SB_ERR_BAD_SESSION) {
        /* The server holds no bundle for us any more: its caps are gone from our slots. */
        if (c->open || label == SB_ERR_REVOKED) {
            sb_client_forget_bundle(c, label == SB_ERR_REVOKED);
        }
    }
    uint32_t d = c->last_error.detail;
    if (d >= SB_ERR_BAD_LENGTH && d <= SB_ERR_MESSAGE_TOO_LONG) {
        return (sb_status_t)d;
    }
    return (sb_status_t)label;
}

/* The reply's status: its label and length, checked, then its root (the op's reply struct, or
 * for a refusal the Error body). */
static inline __attribute__((always_inline)) sb_status_t
reply_status(sb_client_t *c, seL4_MessageInfo_t reply, seL4_Word max_words,
             sb_codec_reader_t *reader, sb_codec_struct_t *root)
{
    seL4_Word label = seL4_MessageInfo_get_label(reply);
    seL4_Word length = seL4_MessageInfo_get_length(reply);
    if (label >= SB_WIRE_STATUS_COUNT || length > max_words) {
        return SB_ERR_BAD_REPLY;
    }
    sb_codec_reader_init(reader, sb_msg_words(), (size_t)length);
    if (sb_codec_read_root(reader, root) != SB_CODEC_OK) {
        return SB_ERR_BAD_REPLY;
    }
    return label == SB_OK ? SB_OK : refusal(c, label, *root);
}

/* One control call: the request encoded in place in our message registers (begin), then the
 * reply decoded in place there (its root is an Error body when the status is not SB_OK). */
typedef struct sb_exchange {
    sb_codec_reader_t reader;
    sb_codec_struct_t reply;
    seL4_MessageInfo_t info;
} sb_exchange_t;

/* The request's builder is a local of its own, apart from the exchange (whose reader the codec
 * is handed by address): with call() inline, gcc then keeps it in registers and knows the
 * request's length, instead of storing the builder and reading its status back after the
 * fields were written. */
static inline __attribute__((always_inline)) sb_codec_builder_t begin(void)
{
    sb_codec_builder_t b;
    sb_codec_builder_init(&b, sb_msg_words(), SB_MSG_MAX_WORDS);
    return b;
}

static inline __attribute__((always_inline)) sb_status_t
call(sb_client_t *c, sb_exchange_t *x, const sb_codec_builder_t *request, uint32_t op,
     seL4_Word caps)
{
    size_t words = 0;
    (void)sb_codec_builder_finish(request, &words); /* fixed-size requests fit in 4 words */
    x->info = seL4_Call(c->cfg.endpoint, seL4_MessageInfo_new(op, 0, caps, words));
    return reply_status(c, x->info, SB_MSG_MAX_WORDS, &x->reader, &x->reply);
}

sb_codec_builder_t *sb_client_app_begin(sb_app_exchange_t *x)
{
    sb_codec_builder_init(&x->request, sb_msg_words(), seL4_MsgMaxLength);
    return &x->request;
}

sb_status_t sb_client_app_call(sb_client_t *c, sb_app_exchange_t *x, seL4_Word label,
                               seL4_CPtr cap)
{
    size_t words = 0;
    if (sb_codec_builder_finish(&x->request, &words) != SB_CODEC_OK) {
        return SB_ERR_MESSAGE_TOO_LONG;
    }
    seL4_Word caps = 0;
    if (cap != seL4_CapNull) {
        seL4_SetCap(0, cap);
        caps = 1;
    }
    x->info = seL4_Call(c->cfg.endpoint, seL4_MessageInfo_new(label, 0, caps, words));
    return reply_status(c, x->info, seL4_MsgMaxLength, &c->app_reply, &x->reply);
}

/* A ping's reply other than an empty PingReply: out of line, so that the null call does not
 * pay for a reader's registers and stack. */
static __attribute__((noinline)) sb_status_t ping_refused(sb_client_t *c, seL4_MessageInfo_t info)
{
    sb_codec_reader_t reader;
    sb_codec_struct_t root;
    return reply_status(c, info, SB_MSG_MAX_WORDS, &reader, &root);
}

/* The null call. Its reply is an empty PingReply, which carries nothing to read: the label alone
 * says it was answered, and only a refusal's Error body is decoded. */
sb_status_t sb_client_ping(sb_client_t *c)
{
    /* An empty PingRequest is its root pointer alone, the empty struct's (as sb_codec_init_root
     * writes it), written directly. */
    _Static_assert(bridge_PingRequest_ROOT_WORDS == 1, "an empty struct is its root pointer");
    sb_msg_words()[0] = sb_codec_struct_ptr(-1, 0, 0);
    seL4_MessageInfo_t info = seL4_Call(
        c->cfg.endpoint, seL4_MessageInfo_new(bridge_Op_ping, 0, 0, bridge_PingRequest_ROOT_WORDS));
    if (seL4_MessageInfo_get_label(info) == SB_OK &&
        seL4_MessageInfo_get_length(info) <= SB_MSG_MAX_WORDS) {
        return SB_OK;
    }
    return ping_refused(c, info);
}

sb_status_t sb_client_cap_call(sb_client_t *c, seL4_CPtr cap, uint64_t tag,
                               sb_cap_call_result_t *out)
{
    sb_codec_builder_t request = begin();
    bridge_CapCallRequest_set_tag(bridge_CapCallRequest_init_root(&request), tag);
    seL4_SetCap(0, cap);
    sb_exchange_t x;
    sb_status_t st = call(c, &x, &request, bridge_Op_capCall, 1);
    if (st == SB_OK && out) {
        bridge_CapCallReply_reader_t rep = {x.reply};
        out->tag = bridge_CapCallReply_get_tag(rep);
        out->cap_badge = bridge_CapCallReply_get_capBadge(rep);
        out->unwrapped = bridge_CapCallReply_get_unwrapped(rep);
    }
    return st;
}

sb_status_t sb_client_kick_call(sb_client_t *c, uint32_t *consumed, uint32_t *completed)
{
    if (!c->open) {
        return sb_client_closed_status(c);
    }
    sb_codec_builder_t request = begin();
    bridge_KickRequest_set_produced(bridge_KickRequest_init_root(&request), c->requests.tail);
    sb_exchange_t x;
    sb_status_t st = call(c, &x, &request, bridge_Op_kick, 0);
    if (st == SB_OK) {
        bridge_KickReply_reader_t rep = {x.reply};
        if (consumed) {
            *consumed = bridge_KickReply_get_consumed(rep);
        }
        if (completed) {
            *completed = bridge_KickReply_get_completed(rep);
        }
    }
    return st;
}

sb_status_t sb_client_stats(sb_client_t *c, sb_stats_t *out)
{
    sb_codec_builder_t request = begin();
    bridge_StatsRequest_init_root(&request);
    sb_exchange_t x;
    sb_status_t st = call(c, &x, &request, bridge_Op_stats, 0);
    if (st == SB_OK && out) {
        bridge_StatsReply_reader_t rep = {x.reply};
        out->calls = bridge_StatsReply_get_calls(rep);
        out->ring_requests = bridge_StatsReply_get_ringRequests(rep);
        out->errors = bridge_StatsReply_get_errors(rep);
        out->open_sessions = bridge_StatsReply_get_openSessions(rep);
        out->revoked_bundles = bridge_StatsReply_get_revokedBundles(rep);
    }
    return st;
}

sb_status_t sb_client_revoke(sb_client_t *c, uint32_t session, uint32_t *caps_revoked)
{
    sb_codec_builder_t request = begin();
    bridge_RevokeBundleRequest_set_session(bridge_RevokeBundleRequest_init_root(&request), session);
    sb_exchange_t x;
    sb_status_t st = call(c, &x, &request, bridge_Op_revokeBundle, 0);
    if (st == SB_OK) {
        if (caps_revoked) {
            *caps_revoked =
                bridge_RevokeBundleReply_get_capsRevoked((bridge_RevokeBundleReply_reader_t){x.reply});
        }
        if (session == 0 || session == c->layout.session) {
            sb_client_forget_bundle(c, true);
        }
    }
    return st;
}

sb_status_t sb_client_close(sb_client_t *c, uint64_t *served)
{
    sb_codec_builder_t request = begin();
    bridge_CloseSessionRequest_init_root(&request);
    sb_exchange_t x;
    sb_status_t st = call(c, &x, &request, bridge_Op_closeSession, 0);
    if (st == SB_OK) {
        if (served) {
            *served = bridge_CloseSessionReply_get_served((bridge_CloseSessionReply_reader_t){x.reply});
        }
        sb_client_forget_bundle(c, false);
    }
    return st;
}

/* A layout this client can use: everything inside the CNode and the slots we have. */
static bool layout_ok(const sb_client_t *c, const sb_bundle_layout_t *l, uint16_t caps)
{
    uint32_t slots = (uint32_t)1 << l->cnode_bits;
    return l->caps == caps && l->caps <= SB_BUNDLE_MAX && l->cnode_bits <= 6 &&
           l->caps <= slots && l->frame_bits == SB_FRAME_BITS && l->frame_count >= 2 &&
           (uint32_t)l->first_frame_slot + l->frame_count <= l->caps &&
           l->request_ring_frame < l->frame_count && l->completion_ring_frame < l->frame_count &&
           l->request_ring_frame != l->completion_ring_frame &&
           l->request_ring_frame < 2 && l->completion_ring_frame < 2 && /* data frames after */
           l->kick_slot < l->caps &&
           l->completion_slot < l->caps && l->kick_slot != l->completion_slot &&
           (l->kick_slot < l->first_frame_slot ||
            l->kick_slot >= l->first_frame_slot + l->frame_count) &&
           (l->completion_slot < l->first_frame_slot ||
            l->completion_slot >= l->first_frame_slot + l->frame_count) &&
           sb_queue_depth_valid(l->ring_depth) && l->phase <= SB_PHASE_SIGNAL_WHEN_ASKED &&
           (seL4_Word)l->caps + 1 <= c->cfg.slot_count;
}

/* Our slot for bundle slot @i; slot_base itself receives the bundle CNode. */
static seL4_CPtr own_slot(const sb_client_t *c, uint32_t i)
{
    return c->cfg.slot_base + 1 + i;
}

static void delete_slot(sb_client_t *c, seL4_CPtr slot)
{
    seL4_CNode_Delete(c->cfg.cnode, slot, seL4_WordBits);
}

/* Copy the bundle's caps out of the granted CNode, map its frames, attach the rings. */
static sb_status_t take_bundle(sb_client_t *c)
{
    const sb_bundle_layout_t *l = &c->layout;
    seL4_CPtr bundle = c->cfg.slot_base;
    uint32_t copied = 0, mapped = 0;
    sb_status_t st = SB_OK;
    /* Copy with the bundle CNode as the source root and its radix as the depth: our CSpace
     * resolves every cptr at seL4_WordBits, so a cap inside the bundle cannot be named directly. */
    for (; copied < l->caps; copied++) {
        if (seL4_CNode_Copy(c->cfg.cnode, own_slot(c, copied), seL4_WordBits, bundle, copied,
                            l->cnode_bits, seL4_AllRights) != seL4_NoError) {
            st = SB_ERR_BAD_REPLY;
            break;
        }
    }
    for (; st == SB_OK && mapped < l->frame_count; mapped++) {
        if (plat_frame_map(own_slot(c, l->first_frame_slot + mapped), &c->frames[mapped]) !=
            seL4_NoError) {
            st = SB_ERR_BAD_REPLY;
        }
    }
    /* The caps are ours now; the CNode cap is not needed (and a later grant reuses the slot). */
    delete_slot(c, bundle);
    if (st == SB_OK) {
        (void)sb_queue_producer_attach(&c->requests, c->frames[l->request_ring_frame], l->ring_depth);
        (void)sb_queue_consumer_attach(&c->completions, c->frames[l->completion_ring_frame],
                                       l->ring_depth);
        c->kick = own_slot(c, l->kick_slot);
        c->completion = own_slot(c, l->completion_slot);
        return SB_OK;
    }
    while (mapped-- > 0) {
        plat_frame_unmap(own_slot(c, l->first_frame_slot + mapped));
    }
    while (copied-- > 0) {
        delete_slot(c, own_slot(c, copied));
    }
    return st;
}

sb_status_t sb_client_open(sb_client_t *c, uint16_t caps, uint16_t depth, sb_phase_t phase)
{
    if (c->open) {
        return SB_ERR_SESSION_EXISTS;
    }
    if ((seL4_Word)caps + 1 > c->cfg.slot_count) {
        return SB_ERR_NO_SLOTS;
    }
    sb_codec_builder_t request = begin();
    bridge_OpenSessionRequest_builder_t req = bridge_OpenSessionRequest_init_root(&request);
    bridge_OpenSessionRequest_set_bundleCaps(req, caps);
    bridge_OpenSessionRequest_set_ringDepth(req, depth);
    bridge_OpenSessionRequest_set_phase(req, (bridge_Phase_t)phase);
    /* The one cap of the reply lands in slot_base, which is empty between grants. */
    seL4_SetCapReceivePath(c->cfg.cnode, c->cfg.slot_base, seL4_WordBits);
    sb_exchange_t x;
    sb_status_t st = call(c, &x, &request, bridge_Op_openSession, 0);
    bool got_cap = seL4_MessageInfo_get_extraCaps(x.info) == 1 &&
                   seL4_MessageInfo_get_capsUnwrapped(x.info) == 0;
    if (st != SB_OK) {
        if (got_cap) {
            delete_slot(c, c->cfg.slot_base);
        }
        return st;
    }
    sb_wire_get_layout((bridge_OpenSessionReply_reader_t){x.reply}, &c->layout);
    if (!got_cap || !layout_ok(c, &c->layout, caps)) {
        /* The server holds a bundle we cannot use: give it back so the session is not stuck. */
        if (got_cap) {
            delete_slot(c, c->cfg.slot_base);
        }
        sb_client_close(c, NULL);
        return got_cap ? SB_ERR_BAD_REPLY : SB_ERR_NO_GRANT;
    }
    st = take_bundle(c);
    if (st != SB_OK) {
        sb_client_close(c, NULL);
        return st;
    }
    c->open = true;
    c->revoked = false;
    c->in_flight = 0;
    return SB_OK;
}
