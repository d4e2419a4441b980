/* The bridge tests' system builder: see testsys.h. */
#include "testsys.h"

#include <sel4bridge/app.h>

#include <stdatomic.h>

plat_address_space_t ts_address_space = PLAT_AS_SHARED;

/* What every component shares with the root, on a page of its own: the failure count, and the
 * timer's frequency (plat_timer_hz reads the bootinfo, which only the root has mapped). */
static struct {
    TS_PAGE_ALIGNED atomic_uint failures;
    _Atomic uint64_t timer_hz; /* set once, the same value each time; read by any thread */
} common;

bool ts_fail(const char *file, int line, const char *what)
{
    if (atomic_fetch_add(&common.failures, 1) >= 40) {
        return false;
    }
    plat_printf("FAIL %s:%d: %s\n", file, line, what);
    return true;
}

unsigned ts_failures(void)
{
    return atomic_load(&common.failures);
}

_Noreturn void ts_exit(const char *name)
{
    unsigned n = ts_failures();
    plat_printf("%s: %s (%u failure%s)\n", name, n ? "FAILED" : "passed", n, n == 1 ? "" : "s");
    plat_exit(n ? 1 : 0);
}

seL4_CapRights_t ts_client_rights(void)
{
    return seL4_CapRights_new(1, 1, 0, 1); /* GrantReply, Grant, no Read, Write */
}

/* Put a cap derived from root slot @src into slot @dest of @t's CSpace. */
static seL4_Error give(plat_thread_t *t, seL4_CPtr dest, seL4_CPtr src, seL4_CapRights_t rights,
                       seL4_Word badge)
{
    return seL4_CNode_Mint(plat_thread_cnode(t), dest, seL4_WordBits, seL4_CapInitThreadCNode, src,
                           seL4_WordBits, rights, badge);
}

/* Make @t's shared pages: the common page and @own (a ts_server_t or ts_client_t). */
static int share_common(plat_thread_t *t, const void *own, size_t bytes)
{
    atomic_store_explicit(&common.timer_hz, plat_timer_hz(), memory_order_relaxed);
    return plat_thread_share(t, &common, sizeof common) == seL4_NoError &&
                   plat_thread_share(t, own, bytes) == seL4_NoError
               ? 0
               : -1;
}

static void server_main(void *arg)
{
    ts_server_t *s = arg;
    if (s->main) {
        s->main(s);
        return;
    }
    s->init_status = sb_server_init(&s->server, &s->cfg);
    if (s->init_status == SB_OK && s->app) {
        s->init_status = sb_server_set_app(&s->server, s->app);
    }
    seL4_Signal(TS_SLOT_READY);
    if (s->init_status == SB_OK) {
        s->run_status = sb_server_run(&s->server);
    }
}

/* TS_STOP_BIT arrives through the server's notification as an application signal. */
static void server_signal(void *ctx, seL4_Word bits)
{
    ts_server_t *s = ctx;
    for (uint32_t n = 1; n < 22; n++) {
        if (bits & TS_REVOKE_BIT(n)) {
            if (sb_server_revoke(&s->server, n) == SB_OK) {
                s->revokes[n]++;
            }
        }
    }
    if (bits & TS_STOP_BIT) {
        sb_server_stop(&s->server);
    }
}

void ts_server_revoke(ts_server_t *s, uint32_t session)
{
    if (!s->revoke_caps[session]) {
        s->revoke_caps[session] = plat_slot_alloc();
        seL4_CNode_Mint(seL4_CapInitThreadCNode, s->revoke_caps[session], seL4_WordBits,
                        seL4_CapInitThreadCNode, s->ntfn, seL4_WordBits, seL4_CanWrite,
                        TS_REVOKE_BIT(session));
    }
    seL4_Signal(s->revoke_caps[session]);
}

int ts_server_start(ts_server_t *s)
{
    if (plat_obj_alloc(seL4_EndpointObject, 0, &s->ep) != seL4_NoError ||
        plat_obj_alloc(seL4_NotificationObject, 0, &s->ntfn) != seL4_NoError ||
        plat_obj_alloc(seL4_NotificationObject, 0, &s->ready) != seL4_NoError) {
        return -1;
    }
    s->stop = plat_slot_alloc();
    if (seL4_CNode_Mint(seL4_CapInitThreadCNode, s->stop, seL4_WordBits, seL4_CapInitThreadCNode,
                        s->ntfn, seL4_WordBits, seL4_CanWrite, TS_STOP_BIT) != seL4_NoError) {
        return -1;
    }
    /* The application's signal callback is ours: it stops the loop. */
    s->cfg.endpoint = TS_SLOT_EP;
    s->cfg.notification = TS_SLOT_NTFN;
    s->cfg.tcb = seL4_CapInitThreadTCB;
    s->cfg.cnode = seL4_CapInitThreadCNode;
    s->cfg.untyped = TS_SLOT_UNTYPED;
    s->cfg.slot_base = TS_SLOT_BASE;
    s->cfg.slot_count =
        s->slot_count ? s->slot_count : ((seL4_Word)1 << TS_SERVER_CNODE_BITS) - TS_SLOT_BASE;
    s->cfg.signal = server_signal;
    s->cfg.ctx = s;
    seL4_CPtr untyped;
    seL4_Word bits = s->untyped_bits ? s->untyped_bits : sb_server_untyped_bits(&s->cfg);
    if (plat_obj_alloc(seL4_UntypedObject, bits, &untyped) !=
        seL4_NoError) {
        return -1;
    }
    plat_thread_attr_t attr = {.name = "server", .cnode_bits = TS_SERVER_CNODE_BITS,
                               .priority = 100, .fault_ep = 0,
                               .address_space = ts_address_space};
    if (plat_thread_create(&s->thread, &attr, server_main, s) != 0) {
        return -1;
    }
    plat_thread_t *t = s->thread;
    if (share_common(t, s, sizeof *s) != 0) {
        return -1;
    }
    for (unsigned i = 0; i < sizeof s->share / sizeof s->share[0]; i++) {
        if (s->share[i].bytes &&
            plat_thread_share(t, s->share[i].addr, s->share[i].bytes) != seL4_NoError) {
            return -1;
        }
    }
    if (give(t, TS_SLOT_EP, s->ep, seL4_CapRights_new(0, 1, 1, 0), 0) != seL4_NoError ||
        give(t, TS_SLOT_NTFN, s->ntfn, seL4_AllRights, 0) != seL4_NoError ||
        give(t, TS_SLOT_READY, s->ready, seL4_CanWrite, 0) != seL4_NoError ||
        seL4_CNode_Move(plat_thread_cnode(t), TS_SLOT_UNTYPED, seL4_WordBits,
                        seL4_CapInitThreadCNode, untyped, seL4_WordBits) != seL4_NoError) {
        return -1;
    }
    plat_slot_free(untyped);
    if (plat_thread_start(t) != seL4_NoError) {
        return -1;
    }
    if (!s->main) {
        seL4_Word badge;
        seL4_Wait(s->ready, &badge);
    }
    return 0;
}

int ts_server_stop(ts_server_t *s)
{
    seL4_Signal(s->stop);
    int r = plat_thread_join(s->thread);
    plat_thread_destroy(s->thread);
    s->thread = NULL;
    seL4_CPtr mine[] = {s->ep, s->ntfn, s->ready, s->stop};
    for (unsigned i = 0; i < sizeof mine / sizeof mine[0]; i++) {
        seL4_CNode_Delete(seL4_CapInitThreadCNode, mine[i], seL4_WordBits);
        plat_slot_free(mine[i]);
    }
    for (unsigned n = 0; n < 22; n++) {
        if (s->revoke_caps[n]) {
            seL4_CNode_Delete(seL4_CapInitThreadCNode, s->revoke_caps[n], seL4_WordBits);
            plat_slot_free(s->revoke_caps[n]);
            s->revoke_caps[n] = 0;
        }
    }
    return r;
}

static void client_main(void *arg)
{
    ts_client_t *c = arg;
    c->fn(c);
}

int ts_client_create(ts_server_t *s, ts_client_t *c, uint32_t session, seL4_CapRights_t rights,
                     ts_client_fn fn, void *arg, seL4_CPtr fault_ep)
{
    c->session = session;
    c->fn = fn;
    c->arg = arg;
    c->fault_ep = fault_ep;
    c->result = -1;
    seL4_CPtr minted_fault_ep = 0;
    if (fault_ep) {
        /* plat copies this cap into the thread's CSpace as its fault endpoint. */
        minted_fault_ep = plat_slot_alloc();
        if (seL4_CNode_Mint(seL4_CapInitThreadCNode, minted_fault_ep, seL4_WordBits,
                            seL4_CapInitThreadCNode, fault_ep, seL4_WordBits, seL4_AllRights,
                            session) != seL4_NoError) {
            return -1;
        }
    }
    /* On a kernel of more than one core each request and its answer cross cores (on one core,
     * core 1 is core 0: plat_thread_attr_t.core is taken modulo the cores). */
    plat_thread_attr_t attr = {.name = "client", .cnode_bits = TS_CLIENT_CNODE_BITS,
                               .priority = 100, .fault_ep = minted_fault_ep,
                               .address_space = ts_address_space, .core = TS_CLIENT_CORE};
    int r = plat_thread_create(&c->thread, &attr, client_main, c);
    if (r == 0) {
        r = share_common(c->thread, c, sizeof *c);
    }
    if (minted_fault_ep) {
        seL4_CNode_Delete(seL4_CapInitThreadCNode, minted_fault_ep, seL4_WordBits);
        plat_slot_free(minted_fault_ep);
    }
    if (r != 0) {
        return -1;
    }
    if (plat_obj_alloc(seL4_NotificationObject, 0, &c->to_root) != seL4_NoError ||
        plat_obj_alloc(seL4_NotificationObject, 0, &c->from_root) != seL4_NoError ||
        give(c->thread, TS_SLOT_TO_ROOT, c->to_root, seL4_CanWrite, 0) != seL4_NoError ||
        give(c->thread, TS_SLOT_FROM_ROOT, c->from_root, seL4_CanRead, 0) != seL4_NoError) {
        return -1;
    }
    seL4_CPtr own_ntfn, own_frame;
    if (give(c->thread, TS_SLOT_EP, s->ep, rights, sb_client_badge(session)) != seL4_NoError ||
        plat_obj_alloc(seL4_NotificationObject, 0, &own_ntfn) != seL4_NoError ||
        seL4_CNode_Move(plat_thread_cnode(c->thread), TS_SLOT_NTFN, seL4_WordBits,
                        seL4_CapInitThreadCNode, own_ntfn, seL4_WordBits) != seL4_NoError ||
        plat_obj_alloc(SB_FRAME_OBJECT, 0, &own_frame) != seL4_NoError ||
        seL4_CNode_Move(plat_thread_cnode(c->thread), TS_SLOT_FRAME, seL4_WordBits,
                        seL4_CapInitThreadCNode, own_frame, seL4_WordBits) != seL4_NoError) {
        return -1;
    }
    plat_slot_free(own_ntfn);
    plat_slot_free(own_frame);
    return 0;
}

int ts_client_share(ts_client_t *c, const void *addr, size_t bytes)
{
    return plat_thread_share(c->thread, addr, bytes) == seL4_NoError ? 0 : -1;
}

int ts_client_add_session(ts_server_t *s, ts_client_t *c, seL4_CPtr slot, uint32_t session,
                          seL4_CapRights_t rights)
{
    return give(c->thread, slot, s->ep, rights, sb_client_badge(session)) == seL4_NoError ? 0 : -1;
}

sb_status_t ts_client_init_on(sb_client_t *client, seL4_CPtr ep, seL4_CPtr base, seL4_Word count)
{
    sb_client_config_t cfg = {
        .endpoint = ep,
        .cnode = seL4_CapInitThreadCNode,
        .slot_base = base,
        .slot_count = count,
    };
    return sb_client_init(client, &cfg);
}

sb_status_t ts_client_setup(ts_client_t *c)
{
    return ts_client_init_on(&c->client, TS_SLOT_EP, TS_SLOT_BASE, SB_BUNDLE_MAX + 1);
}

void ts_sync(void)
{
    seL4_Word badge;
    seL4_Signal(TS_SLOT_TO_ROOT);
    seL4_Wait(TS_SLOT_FROM_ROOT, &badge);
}

void ts_await(ts_client_t *c)
{
    seL4_Word badge;
    seL4_Wait(c->to_root, &badge);
}

void ts_release(ts_client_t *c)
{
    seL4_Signal(c->from_root);
}

void ts_spin_us(uint64_t us)
{
    /* common.timer_hz is set before any component starts; the root may spin before that. */
    uint64_t hz = atomic_load_explicit(&common.timer_hz, memory_order_relaxed);
    hz = hz ? hz : plat_timer_hz();
    uint64_t end = plat_cycles() + hz / 1000000 * us;
    while (plat_cycles() < end) {
        seL4_Yield(); /* the machine's cores are shared: let the threads under test run */
    }
}

int ts_client_start(ts_client_t *c)
{
    return plat_thread_start(c->thread) == seL4_NoError ? 0 : -1;
}

int ts_client_join(ts_client_t *c)
{
    return plat_thread_join(c->thread);
}

void ts_client_destroy(ts_client_t *c)
{
    plat_thread_destroy(c->thread);
    c->thread = NULL;
    seL4_CNode_Delete(seL4_CapInitThreadCNode, c->to_root, seL4_WordBits);
    seL4_CNode_Delete(seL4_CapInitThreadCNode, c->from_root, seL4_WordBits);
    plat_slot_free(c->to_root);
    plat_slot_free(c->from_root);
}

int ts_run_example(void (*server_main)(ts_server_t *s), ts_client_fn client_main)
{
    static ts_server_t srv;
    srv = (ts_server_t){.cfg = {.max_sessions = 8, .max_bundle = 8, .pool_frames = 16,
                                .default_depth = 32},
                        .main = server_main};
    if (ts_server_start(&srv) != 0) {
        return -1;
    }
    ts_client_t c;
    int rc = -1;
    if (ts_client_create(&srv, &c, 1, ts_client_rights(), client_main, NULL, 0) == 0) {
        ts_client_start(&c);
        rc = ts_client_join(&c) == 0 && c.result == 0 ? 0 : -1;
        ts_client_destroy(&c);
    }
    plat_thread_destroy(srv.thread);
    return rc;
}

bool ts_slot_empty(plat_thread_t *t, seL4_CPtr slot)
{
    seL4_CPtr probe = plat_slot_alloc();
    seL4_Error e = seL4_CNode_Copy(seL4_CapInitThreadCNode, probe, seL4_WordBits,
                                   plat_thread_cnode(t), slot, seL4_WordBits, seL4_AllRights);
    if (e == seL4_NoError) {
        seL4_CNode_Delete(seL4_CapInitThreadCNode, probe, seL4_WordBits);
    }
    plat_slot_free(probe);
    /* seL4 answers a copy from an empty slot with seL4_FailedLookup (the source lookup). */
    return e == seL4_FailedLookup;
}
