/*
 * Memory attacks across address spaces (seL4 only): the server and every client are components,
 * each in a VSpace of its own (PLAT_AS_SEPARATE). Attackers read and write what they can name —
 * the server's session table, the image's data, an honest client's bundle frame, their own
 * frames after a revoke, an unmapped address, the code — and fault in the middle of a ring
 * transfer. Each attempt must end in a VM fault at exactly that address, reported for that
 * attacker by the platform's fault handler, while the server and two honest clients go on with
 * every request answered exactly; a session whose client died mid-transfer is revoked and
 * reopened. The host model keeps every thread in one process and cannot enforce any of it
 * (docs/isolation.md), so this test is not built there.
 */
#include <sel4/sel4.h>
#include <sel4bridge/client.h>
#include <sel4bridge/plat.h>
#include <sel4bridge/server.h>
#include <stdbool.h>
#include <stdint.h>

/* Slots in every component's CSpace. */
#define SLOT_EP 16     /* server: its endpoint (Read + Grant); client: badged with its session */
#define SLOT_NTFN 17   /* server: its notification */
#define SLOT_UNTYPED 18
#define SLOT_REPORT 19 /* an endpoint to the root, badged with the component's role */
#define SLOT_BASE 32
#define SERVER_CNODE_BITS 11
#define CLIENT_CNODE_BITS 8

#define STOP_BIT ((seL4_Word)1 << 40) /* an application signal: stop the serve loop */
#define HONEST 2
#define ROUNDS 1500
#define BUNDLE_CAPS 6 /* two ring frames, two notifications, two data frames */
#define UNMAPPED 0x7000000000UL

/* What reports carry (the label of a call to SLOT_REPORT). */
enum { REPORT_READY = 1, REPORT_ADDRESS, REPORT_DONE };
/* Roles: the badge of a component's report cap. */
enum { ROLE_SERVER = 1, ROLE_HONEST = 2, ROLE_ATTACKER = 8 };

/* A global of the image: every component can name it from the code; none has it mapped. */
static volatile seL4_Word image_global = 0x5eed;

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            plat_printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                            \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static seL4_MessageInfo_t report(seL4_Word label, seL4_Word a, seL4_Word b)
{
    seL4_SetMR(0, a);
    seL4_SetMR(1, b);
    return seL4_Call(SLOT_REPORT, seL4_MessageInfo_new(label, 0, 0, 2));
}

/* ---- the server component ---- */

static sb_status_t handle(void *ctx, uint32_t session, const sb_queue_entry_t *rq,
                          uint64_t result[2])
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
        .endpoint = SLOT_EP,
        .notification = SLOT_NTFN,
        .tcb = seL4_CapInitThreadTCB,
        .cnode = seL4_CapInitThreadCNode,
        .untyped = SLOT_UNTYPED,
        .slot_base = SLOT_BASE,
        .slot_count = (1UL << SERVER_CNODE_BITS) - SLOT_BASE,
        .max_sessions = 12,
        .max_bundle = BUNDLE_CAPS,
        .pool_frames = 24,
        .default_depth = 8,
        .request = handle,
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
    report(REPORT_READY, st, (seL4_Word)&server.sessions[0]);
    if (st == SB_OK) {
        (void)sb_server_run(&server);
    }
}

/* ---- clients ---- */

static sb_status_t client_open(sb_client_t *c)
{
    sb_client_config_t cfg = {.endpoint = SLOT_EP,
                              .cnode = seL4_CapInitThreadCNode,
                              .slot_base = SLOT_BASE,
                              .slot_count = SB_BUNDLE_MAX + 1};
    sb_status_t st = sb_client_init(c, &cfg);
    return st == SB_OK ? sb_client_open(c, BUNDLE_CAPS, 8, SB_PHASE_KICK_EVERY_ENQUEUE) : st;
}

/* One ping and one ring request, both answered exactly: true when they were. */
static bool round_trip(sb_client_t *c, uint32_t session, uint64_t id)
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

/* arg: the session. Reports where its first data frame is (a leak), then ROUNDS round trips. */
static void honest_main(void *arg)
{
    uint32_t session = (uint32_t)(seL4_Word)arg;
    sb_client_t c;
    sb_status_t st = client_open(&c);
    report(REPORT_ADDRESS, st, (seL4_Word)sb_client_data(&c, 0));
    seL4_Word exact = 0;
    for (uint64_t i = 1; st == SB_OK && i <= ROUNDS; i++) {
        exact += round_trip(&c, session, i);
    }
    report(REPORT_DONE, exact, 0);
}

/* The attacks. Each takes its target address from the root (what it learned) in MR0 of the
 * reply to its first report, or from the code. */
static seL4_Word learn(seL4_Word own)
{
    report(REPORT_ADDRESS, own, 0);
    return seL4_GetMR(0);
}

static void read_learned(void *arg)
{
    (void)arg;
    (void)*(volatile seL4_Word *)learn(0);
}

static void write_learned(void *arg)
{
    (void)arg;
    *(volatile seL4_Word *)learn(0) = 0xbad;
}

static void read_global(void *arg)
{
    (void)arg;
    (void)image_global;
}

static void write_global(void *arg)
{
    (void)arg;
    image_global = 0xbad;
}

static void write_code(void *arg)
{
    (void)arg;
    *(volatile seL4_Word *)(seL4_Word)handle = 0xbad;
}

static void read_unmapped(void *arg)
{
    (void)arg;
    (void)*(volatile seL4_Word *)UNMAPPED;
}

/* Open, use the bundle, tell the root its data frame, have it revoked, then write there. */
static void after_revoke(void *arg)
{
    uint32_t session = (uint32_t)(seL4_Word)arg;
    sb_client_t c;
    sb_status_t st = client_open(&c);
    volatile seL4_Word *data = sb_client_data(&c, 0);
    bool ok = st == SB_OK && data != NULL && round_trip(&c, session, 1);
    if (ok) {
        *data = 1;
    }
    learn(ok ? (seL4_Word)data : 0);
    uint32_t revoked = 0;
    (void)sb_client_revoke(&c, 0, &revoked);
    *data = 2;
}

/* Submit requests, kick, and fault before reaping them: the server is left mid-transfer. */
static void mid_ring(void *arg)
{
    uint32_t session = (uint32_t)(seL4_Word)arg;
    sb_client_t c;
    if (client_open(&c) == SB_OK) {
        for (uint64_t i = 1; i <= 4; i++) {
            sb_queue_entry_t rq = {.id = i, .op = 1, .arg = {i, 0}};
            (void)sb_client_submit(&c, &rq);
        }
    }
    (void)*(volatile seL4_Word *)UNMAPPED;
    (void)session;
}

/* A later client of the session the mid-ring attacker held: revoke the dead bundle, reopen,
 * and be answered exactly. */
static void successor(void *arg)
{
    uint32_t session = (uint32_t)(seL4_Word)arg;
    sb_client_t c;
    sb_client_config_t cfg = {.endpoint = SLOT_EP,
                              .cnode = seL4_CapInitThreadCNode,
                              .slot_base = SLOT_BASE,
                              .slot_count = SB_BUNDLE_MAX + 1};
    sb_status_t opened = sb_client_init(&c, &cfg);
    uint32_t revoked = 0;
    sb_status_t rv = opened == SB_OK ? sb_client_revoke(&c, 0, &revoked) : opened;
    if (opened == SB_OK) {
        opened = sb_client_open(&c, BUNDLE_CAPS, 8, SB_PHASE_KICK_EVERY_ENQUEUE);
    }
    seL4_Word exact = 0;
    for (uint64_t i = 1; opened == SB_OK && i <= 100; i++) {
        exact += round_trip(&c, session, i);
    }
    report(REPORT_DONE, exact, ((seL4_Word)rv << 32) | revoked);
}

/* ---- the root: builds the system, plays the attackers, checks the outcome ---- */

static seL4_CPtr report_ep, server_ep, server_ntfn;
static seL4_Word honest_done[HONEST + 1];

static plat_thread_t *component(const char *name, seL4_Word cnode_bits, plat_thread_fn fn,
                                void *arg, seL4_Word role)
{
    plat_thread_t *t = NULL;
    plat_thread_attr_t attr = {.name = name, .cnode_bits = cnode_bits, .priority = 100,
                               .address_space = PLAT_AS_SEPARATE};
    if (plat_thread_create(&t, &attr, fn, arg) != 0) {
        plat_printf("memory_attack: cannot create '%s'\n", name);
        plat_exit(1);
    }
    CHECK(seL4_CNode_Mint(plat_thread_cnode(t), SLOT_REPORT, seL4_WordBits,
                          seL4_CapInitThreadCNode, report_ep, seL4_WordBits, seL4_AllRights,
                          role) == seL4_NoError);
    return t;
}

static plat_thread_t *client(const char *name, plat_thread_fn fn, uint32_t session,
                             seL4_Word role)
{
    plat_thread_t *t = component(name, CLIENT_CNODE_BITS, fn, (void *)(seL4_Word)session, role);
    CHECK(seL4_CNode_Mint(plat_thread_cnode(t), SLOT_EP, seL4_WordBits, seL4_CapInitThreadCNode,
                          server_ep, seL4_WordBits, seL4_CapRights_new(1, 1, 0, 1),
                          sb_client_badge(session)) == seL4_NoError);
    return t;
}

/* Receive the next report from @role, taking the honest clients' final reports on the way
 * (@role 0: return after one of those). Returns its label; MR0/MR1 in @mr. The caller replies
 * to @role's. */
static seL4_Word await_report(seL4_Word role, seL4_Word mr[2])
{
    for (;;) {
        seL4_Word badge = 0;
        seL4_MessageInfo_t info = seL4_Recv(report_ep, &badge);
        seL4_Word label = seL4_MessageInfo_get_label(info);
        mr[0] = seL4_GetMR(0);
        mr[1] = seL4_GetMR(1);
        if (badge == role) {
            return label;
        }
        if (badge >= ROLE_HONEST && badge < ROLE_HONEST + HONEST && label == REPORT_DONE) {
            honest_done[badge - ROLE_HONEST + 1] = mr[0] + 1;
        } else {
            CHECK(!"an unexpected report");
        }
        seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
        if (role == 0) {
            return 0;
        }
    }
}

/* Run one attacker to its end: it must stop on a VM fault at @addr (a write when @write). */
static void attack(const char *name, plat_thread_fn fn, uint32_t session, seL4_Word learned,
                   seL4_Word addr, bool write)
{
    seL4_Word role = ROLE_ATTACKER + session;
    plat_thread_t *t = client(name, fn, session, role);
    CHECK(plat_thread_start(t) == seL4_NoError);
    if (fn == read_learned || fn == write_learned || fn == after_revoke) {
        seL4_Word mr[2];
        CHECK(await_report(role, mr) == REPORT_ADDRESS);
        if (fn == after_revoke) {
            addr = mr[0]; /* its own data frame, which it used before the revoke */
            CHECK(addr != 0);
        }
        seL4_SetMR(0, learned);
        seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 1));
    }
    CHECK(plat_thread_join(t) == -1);
    plat_fault_t f = {0};
    bool faulted = plat_thread_fault(t, &f);
    CHECK(faulted);
    CHECK(f.label == seL4_Fault_VMFault);
    CHECK(f.addr == addr);
    CHECK(((f.fsr & 2) != 0) == write);
    plat_printf("attack '%s': %s of 0x%lx -> %s at 0x%lx reported\n", name,
                write ? "write" : "read", (unsigned long)addr,
                faulted && f.label == seL4_Fault_VMFault ? "VM fault" : "NO VM FAULT",
                (unsigned long)f.addr);
    plat_thread_destroy(t);
}

int main(void)
{
    plat_init();
    CHECK(plat_obj_alloc(seL4_EndpointObject, 0, &report_ep) == seL4_NoError);
    CHECK(plat_obj_alloc(seL4_EndpointObject, 0, &server_ep) == seL4_NoError);
    CHECK(plat_obj_alloc(seL4_NotificationObject, 0, &server_ntfn) == seL4_NoError);

    /* The server, with its untyped memory. */
    sb_server_config_t cfg;
    server_config(&cfg, NULL);
    seL4_CPtr untyped;
    CHECK(plat_obj_alloc(seL4_UntypedObject, sb_server_untyped_bits(&cfg), &untyped) ==
          seL4_NoError);
    plat_thread_t *server = component("server", SERVER_CNODE_BITS, server_main, NULL, ROLE_SERVER);
    seL4_CPtr cn = plat_thread_cnode(server);
    CHECK(seL4_CNode_Mint(cn, SLOT_EP, seL4_WordBits, seL4_CapInitThreadCNode, server_ep,
                          seL4_WordBits, seL4_CapRights_new(0, 1, 1, 0), 0) == seL4_NoError);
    CHECK(seL4_CNode_Copy(cn, SLOT_NTFN, seL4_WordBits, seL4_CapInitThreadCNode, server_ntfn,
                          seL4_WordBits, seL4_AllRights) == seL4_NoError);
    CHECK(seL4_CNode_Move(cn, SLOT_UNTYPED, seL4_WordBits, seL4_CapInitThreadCNode, untyped,
                          seL4_WordBits) == seL4_NoError);
    CHECK(plat_thread_start(server) == seL4_NoError);
    seL4_Word mr[2];
    CHECK(await_report(ROLE_SERVER, mr) == REPORT_READY);
    CHECK(mr[0] == SB_OK);
    seL4_Word session_table = mr[1];
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));

    /* Two honest clients, running beside every attack. */
    plat_thread_t *honest[HONEST + 1];
    seL4_Word honest_frame[HONEST + 1];
    for (uint32_t s = 1; s <= HONEST; s++) {
        honest[s] = client("honest", honest_main, s, ROLE_HONEST + s - 1);
        CHECK(plat_thread_start(honest[s]) == seL4_NoError);
        CHECK(await_report(ROLE_HONEST + s - 1, mr) == REPORT_ADDRESS);
        CHECK(mr[0] == SB_OK && mr[1] != 0);
        honest_frame[s] = mr[1];
        seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    }

    attack("read the server's session table", read_learned, 3, session_table, session_table,
           false);
    attack("write the server's session table", write_learned, 4, session_table, session_table,
           true);
    attack("read a global of the image", read_global, 5, 0, (seL4_Word)&image_global, false);
    attack("write a global of the image", write_global, 6, 0, (seL4_Word)&image_global, true);
    attack("read another client's bundle frame", read_learned, 7, honest_frame[1],
           honest_frame[1], false);
    attack("write another client's bundle frame", write_learned, 8, honest_frame[2],
           honest_frame[2], true);
    attack("write its own frame after the revoke", after_revoke, 9, 0, 0, true);
    attack("read an unmapped address", read_unmapped, 10, 0, UNMAPPED, false);
    attack("write the code", write_code, 10, 0, (seL4_Word)handle, true);
    attack("fault in the middle of a ring transfer", mid_ring, 11, 0, UNMAPPED, false);

    /* The dead client's session: revoked and reopened by its successor, answered exactly. */
    plat_thread_t *next = client("successor", successor, 11, ROLE_ATTACKER + 11);
    CHECK(plat_thread_start(next) == seL4_NoError);
    CHECK(await_report(ROLE_ATTACKER + 11, mr) == REPORT_DONE);
    CHECK(mr[0] == 100);
    CHECK(mr[1] >> 32 == SB_OK && (uint32_t)mr[1] == BUNDLE_CAPS);
    plat_printf("successor on session 11: revoke %s (%u caps), %lu of 100 answered exactly\n",
                sb_status_name((sb_status_t)(mr[1] >> 32)), (unsigned)(uint32_t)mr[1],
                (unsigned long)mr[0]);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK(plat_thread_join(next) == 0);
    plat_thread_destroy(next);

    /* The honest clients: every request answered exactly. */
    for (uint32_t s = 1; s <= HONEST; s++) {
        while (honest_done[s] == 0) {
            CHECK(await_report(0, mr) == 0); /* only honest reports may come now */
        }
        CHECK(honest_done[s] - 1 == ROUNDS);
        plat_printf("honest client %u: %lu of %u round trips answered exactly\n", s,
                    (unsigned long)(honest_done[s] - 1), ROUNDS);
        CHECK(plat_thread_join(honest[s]) == 0);
        plat_thread_destroy(honest[s]);
    }

    /* The server is stopped by its own signal, never having faulted. */
    seL4_CPtr stop = plat_slot_alloc();
    CHECK(seL4_CNode_Mint(seL4_CapInitThreadCNode, stop, seL4_WordBits, seL4_CapInitThreadCNode,
                          server_ntfn, seL4_WordBits, seL4_CanWrite, STOP_BIT) == seL4_NoError);
    seL4_Signal(stop);
    CHECK(plat_thread_join(server) == 0);
    plat_fault_t f;
    CHECK(!plat_thread_fault(server, &f));
    plat_thread_destroy(server);
    CHECK(image_global == 0x5eed);
    plat_printf("memory_attack: %s (%d failed)\n", failures ? "FAILED" : "passed", failures);
    return failures;
}
