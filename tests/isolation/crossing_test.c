/*
 * The cost of crossing address spaces (seL4 only): the same round trips — a raw
 * seL4_Call/seL4_ReplyRecv (1 word each way) and the bridge's ping; a raw notification ping-pong
 * (signal, the peer wakes and signals back) and the bridge's kick cycle (one ring request
 * submitted and kicked, served, completed and signalled, reaped) — measured once with client
 * and servers as threads of the root's VSpace and once with each a component in a VSpace of its
 * own, in one run. Passes or fails on correctness only (every call answered, every answer right); the
 * medians it prints are plat_cycles() cycles, which under QEMU -icount shift=0
 * (scripts/sel4-run.sh --timing) count emulated instructions, timer overhead subtracted. TCG
 * counts no TLB refills, so they show what crossing costs in instructions, not in a real TLB.
 */
#include "system.h"

#define WARMUP 200u
#define SAMPLES 2000u
#define RAW_STOP 0x5709u
#define SLOT_RAW 20  /* the measuring client: the raw server's endpoint */
#define SLOT_PING 21 /* client: signals it; raw server: waits on it */
#define SLOT_PONG 22 /* raw server: signals it; client: waits on it */
#define ROLE_CLIENT 2

enum { RAW_CALL, PING, RAW_NOTIFY, KICK, KINDS };
static const char *const kind_name[KINDS] = {
    "raw seL4_Call/ReplyRecv (1 word, 1 word)", "bridge ping (sb_client_ping)",
    "raw notification ping-pong (Signal, Wait)", "bridge kick cycle (1 ring request)"};

/* seq in, seq + 1 out, on its endpoint in IS_SLOT_EP, until RAW_STOP; then the notification
 * ping-pong, as many rounds as the client makes. */
static void raw_server(void *arg)
{
    (void)arg;
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(IS_SLOT_EP, &badge);
    for (; seL4_MessageInfo_get_label(info) != RAW_STOP;) {
        seL4_SetMR(0, seL4_GetMR(0) + 1);
        info = seL4_ReplyRecv(IS_SLOT_EP, seL4_MessageInfo_new(0, 0, 0, 1), &badge);
    }
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    for (uint32_t i = 0; i < WARMUP + SAMPLES; i++) {
        seL4_Wait(SLOT_PING, &badge);
        seL4_Signal(SLOT_PONG);
    }
}

/* The median of @n samples, found in place by selection (Hoare's partition). */
static uint64_t p50(uint64_t *v, uint32_t n)
{
    uint32_t lo = 0, hi = n - 1, k = n / 2;
    while (lo < hi) {
        uint64_t pivot = v[(lo + hi) / 2];
        uint32_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot) {
                i++;
            }
            while (v[j] > pivot) {
                j--;
            }
            if (i <= j) {
                uint64_t t = v[i];
                v[i++] = v[j];
                v[j] = t;
                if (j == 0) {
                    break;
                }
                j--;
            }
        }
        if (k <= j) {
            hi = j;
        } else if (k >= i) {
            lo = i;
        } else {
            break;
        }
    }
    return v[k];
}

/* Times @what (WARMUP + SAMPLES times) into @s; the median less @overhead, 0 if it ever failed. */
#define TIMED(s, overhead, right, what)                                                            \
    ({                                                                                             \
        for (uint32_t i_ = 0; i_ < WARMUP + SAMPLES; i_++) {                                       \
            uint64_t t0_ = plat_cycles();                                                          \
            bool ok_ = (what);                                                                     \
            uint64_t t1_ = plat_cycles();                                                          \
            right &= ok_;                                                                          \
            if (i_ >= WARMUP) {                                                                    \
                s[i_ - WARMUP] = t1_ - t0_;                                                        \
            }                                                                                      \
        }                                                                                          \
        right ? p50(s, SAMPLES) - (overhead) : 0;                                                  \
    })

static bool raw_call(seL4_Word seq)
{
    seL4_SetMR(0, seq);
    seL4_MessageInfo_t info = seL4_Call(SLOT_RAW, seL4_MessageInfo_new(0, 0, 0, 1));
    return seL4_MessageInfo_get_length(info) == 1 && seL4_GetMR(0) == seq + 1;
}

static bool raw_notify(void)
{
    seL4_Word badge = 0;
    seL4_Signal(SLOT_PING);
    seL4_Wait(SLOT_PONG, &badge);
    return badge == 0; /* an unbadged signal */
}

static bool kick(sb_client_t *c, uint64_t id)
{
    sb_queue_entry_t rq = {.id = id, .op = 1, .arg = {id, 0}}, done;
    if (sb_client_submit(c, &rq) != SB_OK) {
        return false;
    }
    while (sb_client_reap(c, &done) != SB_OK) {
        if (sb_client_wait(c) != SB_OK) {
            return false;
        }
    }
    return done.id == id && done.status == SB_OK && done.arg[0] == id * 3 + 1;
}

/* Reports each kind's median in MR0..3 (0 for a kind that was ever answered wrong). */
static void measure(void *arg)
{
    (void)arg;
    uint64_t s[SAMPLES], m[KINDS];
    for (uint32_t i = 0; i < SAMPLES; i++) {
        uint64_t t0 = plat_cycles();
        s[i] = plat_cycles() - t0;
    }
    uint64_t overhead = p50(s, SAMPLES);
    bool right = true;
    seL4_Word seq = 0;
    m[RAW_CALL] = TIMED(s, overhead, right, raw_call(seq++));
    seL4_Call(SLOT_RAW, seL4_MessageInfo_new(RAW_STOP, 0, 0, 0));
    right = true;
    m[RAW_NOTIFY] = TIMED(s, overhead, right, raw_notify());
    sb_client_t c;
    right = is_client_open(&c) == SB_OK; /* ping and kick need an open session */
    m[PING] = TIMED(s, overhead, right, sb_client_ping(&c) == SB_OK);
    uint64_t id = 0;
    m[KICK] = TIMED(s, overhead, right, kick(&c, ++id));
    for (int k = 0; k < KINDS; k++) {
        seL4_SetMR(k, m[k]);
    }
    seL4_Call(IS_SLOT_REPORT, seL4_MessageInfo_new(IS_REPORT_DONE, 0, 0, KINDS));
}

/* One system in @as; its medians in @out (0: answered wrong). */
static int run(plat_address_space_t as, uint64_t out[KINDS])
{
    is_system_t sys = {.address_space = as};
    if (is_server_start(&sys) != SB_OK) {
        return -1;
    }
    seL4_CPtr raw_ep, ping, pong;
    if (plat_obj_alloc(seL4_EndpointObject, 0, &raw_ep) != seL4_NoError ||
        plat_obj_alloc(seL4_NotificationObject, 0, &ping) != seL4_NoError ||
        plat_obj_alloc(seL4_NotificationObject, 0, &pong) != seL4_NoError) {
        return -1;
    }
    plat_thread_t *raw = is_component(&sys, "raw server", IS_CLIENT_CNODE_BITS, raw_server, NULL,
                                      IS_ROLE_SERVER + 100);
    plat_thread_t *client = is_client(&sys, "measure", measure, 1, ROLE_CLIENT);
    int r = 0;
    const struct {
        plat_thread_t *t;
        seL4_CPtr slot, cap;
    } give[] = {{raw, IS_SLOT_EP, raw_ep}, {raw, SLOT_PING, ping},   {raw, SLOT_PONG, pong},
                {client, SLOT_RAW, raw_ep}, {client, SLOT_PING, ping}, {client, SLOT_PONG, pong}};
    for (unsigned i = 0; i < sizeof give / sizeof give[0]; i++) {
        if (seL4_CNode_Copy(plat_thread_cnode(give[i].t), give[i].slot, seL4_WordBits,
                            seL4_CapInitThreadCNode, give[i].cap, seL4_WordBits,
                            seL4_AllRights) != seL4_NoError) {
            return -1;
        }
    }
    if (plat_thread_start(raw) != seL4_NoError || plat_thread_start(client) != seL4_NoError) {
        return -1;
    }
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(sys.report_ep, &badge);
    if (badge != ROLE_CLIENT || seL4_MessageInfo_get_label(info) != IS_REPORT_DONE) {
        r = -1;
    }
    for (int k = 0; k < KINDS; k++) {
        out[k] = seL4_GetMR(k);
    }
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    if (plat_thread_join(client) != 0 || plat_thread_join(raw) != 0 || is_server_stop(&sys) != 0) {
        r = -1;
    }
    plat_thread_destroy(client);
    plat_thread_destroy(raw);
    seL4_CPtr mine[] = {raw_ep, ping, pong};
    for (unsigned i = 0; i < 3; i++) {
        (void)seL4_CNode_Delete(seL4_CapInitThreadCNode, mine[i], seL4_WordBits);
        plat_slot_free(mine[i]);
    }
    return r;
}

int main(void)
{
    plat_init();
    uint64_t shared[KINDS] = {0}, separate[KINDS] = {0};
    int r = run(PLAT_AS_SHARED, shared) | run(PLAT_AS_SEPARATE, separate);
    int failed = r != 0;
    for (int k = 0; k < KINDS; k++) {
        failed |= shared[k] == 0 || separate[k] == 0;
        plat_printf("crossing: %s p50: shared %lu, separate %lu (%+ld)\n", kind_name[k],
                    (unsigned long)shared[k], (unsigned long)separate[k],
                    (long)(separate[k] - shared[k]));
    }
    for (int k = PING; k < KINDS && !failed; k += 2) {
        /* Each bridge figure over the raw one beside it, measured across the same spaces. */
        uint64_t a = shared[k] * 100 / shared[k - 1], b = separate[k] * 100 / separate[k - 1];
        plat_printf("crossing: %s / %s: shared %lu.%02lu, separate %lu.%02lu\n", kind_name[k],
                    kind_name[k - 1], (unsigned long)(a / 100), (unsigned long)(a % 100),
                    (unsigned long)(b / 100), (unsigned long)(b % 100));
    }
    plat_printf("crossing: %s\n", failed ? "FAILED" : "passed");
    return failed;
}
