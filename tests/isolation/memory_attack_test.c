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
#include "system.h"

#define HONEST 2
#define ROUNDS 1500
#define UNMAPPED 0x7000000000UL

/* Roles (report badges): the honest clients 2.., the attackers ROLE_ATTACKER + session. */
enum { ROLE_HONEST = 2, ROLE_ATTACKER = 8 };

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

/* arg: the session. Reports where its first data frame is (a leak), then ROUNDS round trips. */
static void honest_main(void *arg)
{
    uint32_t session = (uint32_t)(seL4_Word)arg;
    sb_client_t c;
    sb_status_t st = is_client_open(&c);
    is_report(IS_REPORT_ADDRESS, st, (seL4_Word)sb_client_data(&c, 0));
    seL4_Word exact = 0;
    for (uint64_t i = 1; st == SB_OK && i <= ROUNDS; i++) {
        exact += is_round_trip(&c, session, i);
    }
    is_report(IS_REPORT_DONE, exact, 0);
}

/* The attacks. Each takes its target address from the root (what it learned) in MR0 of the
 * reply to its first report, or from the code. */
static seL4_Word learn(seL4_Word own)
{
    is_report(IS_REPORT_ADDRESS, own, 0);
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
    *(volatile seL4_Word *)(seL4_Word)is_handle = 0xbad;
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
    sb_status_t st = is_client_open(&c);
    volatile seL4_Word *data = sb_client_data(&c, 0);
    bool ok = st == SB_OK && data != NULL && is_round_trip(&c, session, 1);
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
    if (is_client_open(&c) == SB_OK) {
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
    sb_status_t opened = is_client_init(&c);
    uint32_t revoked = 0;
    sb_status_t rv = opened == SB_OK ? sb_client_revoke(&c, 0, &revoked) : opened;
    if (opened == SB_OK) {
        opened = sb_client_open(&c, IS_BUNDLE_CAPS, 8, SB_PHASE_KICK_EVERY_ENQUEUE);
    }
    seL4_Word exact = 0;
    for (uint64_t i = 1; opened == SB_OK && i <= 100; i++) {
        exact += is_round_trip(&c, session, i);
    }
    is_report(IS_REPORT_DONE, exact, ((seL4_Word)rv << 32) | revoked);
}

/* ---- the root: builds the system, plays the attackers, checks the outcome ---- */

static is_system_t sys = {.address_space = PLAT_AS_SEPARATE};
static seL4_Word honest_done[HONEST + 1];

/* Receive the next report from @role, taking the honest clients' final reports on the way
 * (@role 0: return after one of those). Returns its label; MR0/MR1 in @mr. The caller replies
 * to @role's. */
static seL4_Word await_report(seL4_Word role, seL4_Word mr[2])
{
    for (;;) {
        seL4_Word badge = 0;
        seL4_MessageInfo_t info = seL4_Recv(sys.report_ep, &badge);
        seL4_Word label = seL4_MessageInfo_get_label(info);
        mr[0] = seL4_GetMR(0);
        mr[1] = seL4_GetMR(1);
        if (badge == role) {
            return label;
        }
        if (badge >= ROLE_HONEST && badge < ROLE_HONEST + HONEST && label == IS_REPORT_DONE) {
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
    plat_thread_t *t = is_client(&sys, name, fn, session, role);
    CHECK(plat_thread_start(t) == seL4_NoError);
    if (fn == read_learned || fn == write_learned || fn == after_revoke) {
        seL4_Word mr[2];
        CHECK(await_report(role, mr) == IS_REPORT_ADDRESS);
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
    CHECK(f.write == write);
    plat_printf("attack '%s': %s of 0x%lx -> %s at 0x%lx reported\n", name,
                write ? "write" : "read", (unsigned long)addr,
                faulted && f.label == seL4_Fault_VMFault ? "VM fault" : "NO VM FAULT",
                (unsigned long)f.addr);
    plat_thread_destroy(t);
}

int main(void)
{
    plat_init();
    CHECK(is_server_start(&sys) == SB_OK);
    seL4_Word mr[2];
    seL4_Word session_table = sys.session_table;

    /* Two honest clients, running beside every attack. */
    plat_thread_t *honest[HONEST + 1];
    seL4_Word honest_frame[HONEST + 1];
    for (uint32_t s = 1; s <= HONEST; s++) {
        honest[s] = is_client(&sys, "honest", honest_main, s, ROLE_HONEST + s - 1);
        CHECK(plat_thread_start(honest[s]) == seL4_NoError);
        CHECK(await_report(ROLE_HONEST + s - 1, mr) == IS_REPORT_ADDRESS);
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
    attack("write the code", write_code, 10, 0, (seL4_Word)is_handle, true);
    attack("fault in the middle of a ring transfer", mid_ring, 11, 0, UNMAPPED, false);

    /* The dead client's session: revoked and reopened by its successor, answered exactly. */
    plat_thread_t *next = is_client(&sys, "successor", successor, 11, ROLE_ATTACKER + 11);
    CHECK(plat_thread_start(next) == seL4_NoError);
    CHECK(await_report(ROLE_ATTACKER + 11, mr) == IS_REPORT_DONE);
    CHECK(mr[0] == 100);
    CHECK(mr[1] >> 32 == SB_OK && (uint32_t)mr[1] == IS_BUNDLE_CAPS);
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
    CHECK(is_server_stop(&sys) == 0);
    CHECK(image_global == 0x5eed);
    plat_printf("memory_attack: %s (%d failed)\n", failures ? "FAILED" : "passed", failures);
    return failures;
}
