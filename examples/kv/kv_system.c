/* The root task's side of the store's tests: a server thread and client threads (kv_system.h). */
#include "kv_system.h"

#define KVS_STOP_BIT ((seL4_Word)1 << 40) /* an application signal: stop serving */
#define KVS_SERVER_CNODE_BITS 11
#define KVS_CLIENT_CNODE_BITS 8

/* Put a cap derived from root slot @src into slot @dest of @t's CSpace. */
static seL4_Error give(plat_thread_t *t, seL4_CPtr dest, seL4_CPtr src, seL4_CapRights_t rights,
                       seL4_Word badge)
{
    return seL4_CNode_Mint(plat_thread_cnode(t), dest, seL4_WordBits, seL4_CapInitThreadCNode, src,
                           seL4_WordBits, rights, badge);
}

static void stop_signal(void *ctx, seL4_Word bits)
{
    if (bits & KVS_STOP_BIT) {
        sb_server_stop(((kv_server_t *)ctx)->bridge);
    }
}

static void server_main(void *arg)
{
    kv_system_t *s = arg;
    s->init_status = sb_server_init(&s->bridge, &s->cfg);
    if (s->init_status == SB_OK) {
        s->init_status = kv_server_attach(&s->kv, &s->bridge);
    }
    seL4_Signal(KVS_SLOT_READY);
    if (s->init_status == SB_OK) {
        s->run_status = sb_server_run(&s->bridge);
    }
}

int kv_system_start(kv_system_t *s, uint32_t sessions, kv_quota_t quota, uint32_t admin)
{
    s->cfg = (sb_server_config_t){
        .endpoint = KVS_SLOT_EP, .notification = KVS_SLOT_NTFN, .tcb = seL4_CapInitThreadTCB,
        .cnode = seL4_CapInitThreadCNode, .untyped = KVS_SLOT_UNTYPED,
        .slot_base = KVS_SLOT_BASE,
        .slot_count = ((seL4_Word)1 << KVS_SERVER_CNODE_BITS) - KVS_SLOT_BASE,
        .max_sessions = sessions, .max_bundle = KV_BUNDLE_CAPS,
        .pool_frames = sessions * KV_DATA_FRAMES, .default_depth = KV_RING_DEPTH,
        .admin_session = admin};
    if (sessions > KV_SESSIONS ||
        kv_server_config(&s->kv, &s->cfg, quota, s->spaces, KV_SESSIONS) != SB_OK) {
        return -1;
    }
    s->cfg.signal = stop_signal;
    seL4_CPtr untyped;
    if (plat_obj_alloc(seL4_EndpointObject, 0, &s->ep) != seL4_NoError ||
        plat_obj_alloc(seL4_NotificationObject, 0, &s->ntfn) != seL4_NoError ||
        plat_obj_alloc(seL4_NotificationObject, 0, &s->ready) != seL4_NoError ||
        plat_obj_alloc(seL4_UntypedObject, sb_server_untyped_bits(&s->cfg), &untyped) !=
            seL4_NoError) {
        return -1;
    }
    s->stop = plat_slot_alloc();
    if (seL4_CNode_Mint(seL4_CapInitThreadCNode, s->stop, seL4_WordBits, seL4_CapInitThreadCNode,
                        s->ntfn, seL4_WordBits, seL4_CanWrite, KVS_STOP_BIT) != seL4_NoError) {
        return -1;
    }
    plat_thread_attr_t attr = {.name = "kv server", .cnode_bits = KVS_SERVER_CNODE_BITS,
                               .priority = 100};
    if (plat_thread_create(&s->thread, &attr, server_main, s) != 0) {
        return -1;
    }
    plat_thread_t *t = s->thread;
    if (give(t, KVS_SLOT_EP, s->ep, seL4_CapRights_new(0, 1, 1, 0), 0) != seL4_NoError ||
        give(t, KVS_SLOT_NTFN, s->ntfn, seL4_AllRights, 0) != seL4_NoError ||
        give(t, KVS_SLOT_READY, s->ready, seL4_CanWrite, 0) != seL4_NoError ||
        seL4_CNode_Move(plat_thread_cnode(t), KVS_SLOT_UNTYPED, seL4_WordBits,
                        seL4_CapInitThreadCNode, untyped, seL4_WordBits) != seL4_NoError ||
        plat_thread_start(t) != seL4_NoError) {
        return -1;
    }
    plat_slot_free(untyped);
    seL4_Word badge;
    seL4_Wait(s->ready, &badge);
    return s->init_status == SB_OK ? 0 : -1;
}

int kv_system_stop(kv_system_t *s)
{
    seL4_Signal(s->stop);
    int r = plat_thread_join(s->thread);
    plat_thread_destroy(s->thread);
    seL4_CPtr mine[] = {s->ep, s->ntfn, s->ready, s->stop};
    for (unsigned i = 0; i < sizeof mine / sizeof mine[0]; i++) {
        seL4_CNode_Delete(seL4_CapInitThreadCNode, mine[i], seL4_WordBits);
        plat_slot_free(mine[i]);
    }
    return r == 0 && s->run_status == SB_ERR_STOPPED ? 0 : -1;
}

static void peer_main(void *arg)
{
    kv_peer_t *p = arg;
    sb_client_config_t cfg = {.endpoint = KVS_SLOT_EP, .cnode = seL4_CapInitThreadCNode,
                              .slot_base = KVS_SLOT_BASE, .slot_count = KV_BUNDLE_CAPS + 1};
    p->init_status = sb_client_init(&p->client, &cfg);
    if (p->init_status == SB_OK && p->second_session) {
        cfg.endpoint = KVS_SLOT_EP2;
        cfg.slot_base = KVS_SLOT_BASE2;
        p->init_status = sb_client_init(&p->second, &cfg);
    }
    p->result = -1;
    if (p->init_status == SB_OK) {
        p->fn(p);
    }
}

int kv_peer_start(kv_system_t *s, kv_peer_t *p, uint32_t session, void (*fn)(kv_peer_t *),
                  void *arg)
{
    p->session = session;
    p->fn = fn;
    p->init_status = SB_ERR_NOT_OPEN;
    p->arg = arg;
    p->result = -1;
    plat_thread_attr_t attr = {.name = "kv client", .cnode_bits = KVS_CLIENT_CNODE_BITS,
                               .priority = 100};
    if (plat_thread_create(&p->thread, &attr, peer_main, p) != 0) {
        return -1;
    }
    /* Write and GrantReply: it can call and be answered, never receive on the endpoint. */
    if (give(p->thread, KVS_SLOT_EP, s->ep, seL4_CapRights_new(1, 0, 0, 1),
             sb_client_badge(session)) != seL4_NoError ||
        (p->second_session &&
         give(p->thread, KVS_SLOT_EP2, s->ep, seL4_CapRights_new(1, 0, 0, 1),
              sb_client_badge(p->second_session)) != seL4_NoError) ||
        plat_thread_start(p->thread) != seL4_NoError) {
        return -1;
    }
    return 0;
}

int kv_peer_join(kv_peer_t *p)
{
    int r = plat_thread_join(p->thread);
    plat_thread_destroy(p->thread);
    p->thread = NULL;
    return r == 0 ? p->result : -1;
}
