/* The isolation tests' system of components (system.h). */
#include "system.h"

#define STOP_BIT ((seL4_Word)1 << 40) /* an application signal: stop the serve loop */

seL4_MessageInfo_t is_report(seL4_Word label, seL4_Word a, seL4_Word b)
{
    seL4_SetMR(0, a);
    seL4_SetMR(1, b);
    return seL4_Call(IS_SLOT_REPORT, seL4_MessageInfo_new(label, 0, 0, 2));
}

sb_status_t is_handle(void *ctx, uint32_t session, const sb_queue_entry_t *rq, uint64_t result[2])
{
    (void)ctx;
    result[0] = rq->arg[0] * 3 + session;
    result[1] = ~rq->arg[1];
    return SB_OK;
}

static void on_signal(void *ctx, seL4_Word bits)
{
    if (bits & STOP_BIT) {
        sb_server_stop(ctx);
    }
}

static void server_config(sb_server_config_t *cfg, void *ctx)
{
    *cfg = (sb_server_config_t){
        .endpoint = IS_SLOT_EP,
        .notification = IS_SLOT_NTFN,
        .tcb = seL4_CapInitThreadTCB,
        .cnode = seL4_CapInitThreadCNode,
        .untyped = IS_SLOT_UNTYPED,
        .slot_base = IS_SLOT_BASE,
        .slot_count = (1UL << IS_SERVER_CNODE_BITS) - IS_SLOT_BASE,
        .max_sessions = 12,
        .max_bundle = IS_BUNDLE_CAPS,
        .pool_frames = 24,
        .default_depth = 8,
        .request = is_handle,
        .signal = on_signal,
        .ctx = ctx,
    };
}

/* Its whole state on its own stack; it tells the root where its session table is, as a leak
 * would tell an attacker. */
static void server_main(void *arg)
{
    (void)arg;
    sb_server_t server;
    sb_server_config_t cfg;
    server_config(&cfg, &server);
    sb_status_t st = sb_server_init(&server, &cfg);
    is_report(IS_REPORT_READY, st, (seL4_Word)&server.sessions[0]);
    if (st == SB_OK) {
        (void)sb_server_run(&server);
    }
}

sb_status_t is_client_init(sb_client_t *c)
{
    sb_client_config_t cfg = {.endpoint = IS_SLOT_EP,
                              .cnode = seL4_CapInitThreadCNode,
                              .slot_base = IS_SLOT_BASE,
                              .slot_count = SB_BUNDLE_MAX + 1};
    return sb_client_init(c, &cfg);
}

sb_status_t is_client_open(sb_client_t *c)
{
    sb_status_t st = is_client_init(c);
    return st == SB_OK ? sb_client_open(c, IS_BUNDLE_CAPS, 8, SB_PHASE_KICK_EVERY_ENQUEUE) : st;
}

bool is_round_trip(sb_client_t *c, uint32_t session, uint64_t id)
{
    if (sb_client_ping(c) != SB_OK) {
        return false;
    }
    sb_queue_entry_t rq = {.id = id, .op = 1, .arg = {id, id ^ 0x55}}, done;
    if (sb_client_submit(c, &rq) != SB_OK) {
        return false;
    }
    while (sb_client_reap(c, &done) != SB_OK) {
        if (sb_client_wait(c) != SB_OK) {
            return false;
        }
    }
    return done.id == id && done.status == SB_OK && done.arg[0] == id * 3 + session &&
           done.arg[1] == ~(id ^ 0x55);
}

plat_thread_t *is_component(is_system_t *sys, const char *name, seL4_Word cnode_bits,
                            plat_thread_fn fn, void *arg, seL4_Word role)
{
    plat_thread_t *t = NULL;
    plat_thread_attr_t attr = {.name = name, .cnode_bits = cnode_bits, .priority = 100,
                               .address_space = sys->address_space};
    if (plat_thread_create(&t, &attr, fn, arg) != 0 ||
        seL4_CNode_Mint(plat_thread_cnode(t), IS_SLOT_REPORT, seL4_WordBits,
                        seL4_CapInitThreadCNode, sys->report_ep, seL4_WordBits, seL4_AllRights,
                        role) != seL4_NoError) {
        plat_printf("isolation: cannot create '%s'\n", name);
        plat_exit(1);
    }
    return t;
}

plat_thread_t *is_client(is_system_t *sys, const char *name, plat_thread_fn fn, uint32_t session,
                         seL4_Word role)
{
    plat_thread_t *t =
        is_component(sys, name, IS_CLIENT_CNODE_BITS, fn, (void *)(seL4_Word)session, role);
    if (seL4_CNode_Mint(plat_thread_cnode(t), IS_SLOT_EP, seL4_WordBits, seL4_CapInitThreadCNode,
                        sys->server_ep, seL4_WordBits, seL4_CapRights_new(1, 1, 0, 1),
                        sb_client_badge(session)) != seL4_NoError) {
        plat_printf("isolation: cannot give '%s' its endpoint cap\n", name);
        plat_exit(1);
    }
    return t;
}

sb_status_t is_server_start(is_system_t *sys)
{
    sb_server_config_t cfg;
    server_config(&cfg, NULL);
    seL4_CPtr untyped;
    if (plat_obj_alloc(seL4_EndpointObject, 0, &sys->report_ep) != seL4_NoError ||
        plat_obj_alloc(seL4_EndpointObject, 0, &sys->server_ep) != seL4_NoError ||
        plat_obj_alloc(seL4_NotificationObject, 0, &sys->server_ntfn) != seL4_NoError ||
        plat_obj_alloc(seL4_UntypedObject, sb_server_untyped_bits(&cfg), &untyped) !=
            seL4_NoError) {
        return SB_ERR_CONFIG;
    }
    sys->server = is_component(sys, "server", IS_SERVER_CNODE_BITS, server_main, NULL,
                               IS_ROLE_SERVER);
    seL4_CPtr cn = plat_thread_cnode(sys->server);
    if (seL4_CNode_Mint(cn, IS_SLOT_EP, seL4_WordBits, seL4_CapInitThreadCNode, sys->server_ep,
                        seL4_WordBits, seL4_CapRights_new(0, 1, 1, 0), 0) != seL4_NoError ||
        seL4_CNode_Copy(cn, IS_SLOT_NTFN, seL4_WordBits, seL4_CapInitThreadCNode,
                        sys->server_ntfn, seL4_WordBits, seL4_AllRights) != seL4_NoError ||
        seL4_CNode_Move(cn, IS_SLOT_UNTYPED, seL4_WordBits, seL4_CapInitThreadCNode, untyped,
                        seL4_WordBits) != seL4_NoError ||
        plat_thread_start(sys->server) != seL4_NoError) {
        return SB_ERR_CONFIG;
    }
    plat_slot_free(untyped);
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(sys->report_ep, &badge);
    if (badge != IS_ROLE_SERVER || seL4_MessageInfo_get_label(info) != IS_REPORT_READY) {
        return SB_ERR_CONFIG;
    }
    sb_status_t st = (sb_status_t)seL4_GetMR(0);
    sys->session_table = seL4_GetMR(1);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    return st;
}

int is_server_stop(is_system_t *sys)
{
    seL4_CPtr stop = plat_slot_alloc();
    if (seL4_CNode_Mint(seL4_CapInitThreadCNode, stop, seL4_WordBits, seL4_CapInitThreadCNode,
                        sys->server_ntfn, seL4_WordBits, seL4_CanWrite, STOP_BIT) !=
        seL4_NoError) {
        return -1;
    }
    seL4_Signal(stop);
    int r = plat_thread_join(sys->server);
    plat_fault_t f;
    if (plat_thread_fault(sys->server, &f)) {
        r = -1;
    }
    plat_thread_destroy(sys->server);
    seL4_CPtr mine[] = {stop, sys->report_ep, sys->server_ep, sys->server_ntfn};
    for (unsigned i = 0; i < sizeof mine / sizeof mine[0]; i++) {
        (void)seL4_CNode_Delete(seL4_CapInitThreadCNode, mine[i], seL4_WordBits);
        plat_slot_free(mine[i]);
    }
    return r;
}
