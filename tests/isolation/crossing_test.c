/*
 * The cost of crossing address spaces (seL4 only): the same raw seL4_Call/seL4_ReplyRecv round
 * trip (1 word each way) and the same bridge ping, measured once with client and servers as
 * threads of the root's VSpace and once with each a component in a VSpace of its own, in one
 * run. Passes or fails on correctness only (every call answered, every answer right); the
 * medians it prints are plat_cycles() cycles, which under QEMU -icount shift=0
 * (scripts/sel4-run.sh --timing) count emulated instructions, timer overhead subtracted. TCG
 * counts no TLB refills, so they show what crossing costs in instructions, not in a real TLB.
 */
#include "system.h"

#define WARMUP 200u
#define SAMPLES 2000u
#define RAW_STOP 0x5709u
#define SLOT_RAW 20 /* the measuring client: the raw server's endpoint */
#define ROLE_CLIENT 2

/* seq in, seq + 1 out, on its endpoint in IS_SLOT_EP, until RAW_STOP. */
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

/* Reports the raw call's and the ping's medians, 0 for a kind that was ever answered wrong. */
static void measure(void *arg)
{
    (void)arg;
    uint64_t s[SAMPLES];
    for (uint32_t i = 0; i < SAMPLES; i++) {
        uint64_t t0 = plat_cycles();
        s[i] = plat_cycles() - t0;
    }
    uint64_t overhead = p50(s, SAMPLES);
    bool raw_right = true, ping_right = true;
    for (uint32_t i = 0; i < WARMUP + SAMPLES; i++) {
        seL4_SetMR(0, i);
        uint64_t t0 = plat_cycles();
        seL4_MessageInfo_t info = seL4_Call(SLOT_RAW, seL4_MessageInfo_new(0, 0, 0, 1));
        uint64_t t1 = plat_cycles();
        raw_right &= seL4_MessageInfo_get_length(info) == 1 && seL4_GetMR(0) == i + 1;
        if (i >= WARMUP) {
            s[i - WARMUP] = t1 - t0;
        }
    }
    uint64_t raw = p50(s, SAMPLES) - overhead;
    seL4_Call(SLOT_RAW, seL4_MessageInfo_new(RAW_STOP, 0, 0, 0));
    sb_client_t c;
    ping_right = is_client_open(&c) == SB_OK; /* ping needs an open session */
    for (uint32_t i = 0; i < WARMUP + SAMPLES && ping_right; i++) {
        uint64_t t0 = plat_cycles();
        sb_status_t st = sb_client_ping(&c);
        uint64_t t1 = plat_cycles();
        ping_right &= st == SB_OK;
        if (i >= WARMUP) {
            s[i - WARMUP] = t1 - t0;
        }
    }
    uint64_t ping = p50(s, SAMPLES) - overhead;
    is_report(IS_REPORT_DONE, raw_right ? raw : 0, ping_right ? ping : 0);
}

/* One system in @as; its two medians in @out (0: answered wrong). */
static int run(plat_address_space_t as, uint64_t out[2])
{
    is_system_t sys = {.address_space = as};
    if (is_server_start(&sys) != SB_OK) {
        return -1;
    }
    seL4_CPtr raw_ep;
    if (plat_obj_alloc(seL4_EndpointObject, 0, &raw_ep) != seL4_NoError) {
        return -1;
    }
    plat_thread_t *raw = is_component(&sys, "raw server", IS_CLIENT_CNODE_BITS, raw_server, NULL,
                                      IS_ROLE_SERVER + 100);
    plat_thread_t *client = is_client(&sys, "measure", measure, 1, ROLE_CLIENT);
    int r = 0;
    if (seL4_CNode_Copy(plat_thread_cnode(raw), IS_SLOT_EP, seL4_WordBits,
                        seL4_CapInitThreadCNode, raw_ep, seL4_WordBits,
                        seL4_AllRights) != seL4_NoError ||
        seL4_CNode_Copy(plat_thread_cnode(client), SLOT_RAW, seL4_WordBits,
                        seL4_CapInitThreadCNode, raw_ep, seL4_WordBits,
                        seL4_AllRights) != seL4_NoError ||
        plat_thread_start(raw) != seL4_NoError || plat_thread_start(client) != seL4_NoError) {
        return -1;
    }
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(sys.report_ep, &badge);
    if (badge != ROLE_CLIENT || seL4_MessageInfo_get_label(info) != IS_REPORT_DONE) {
        r = -1;
    }
    out[0] = seL4_GetMR(0);
    out[1] = seL4_GetMR(1);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    if (plat_thread_join(client) != 0 || plat_thread_join(raw) != 0 || is_server_stop(&sys) != 0) {
        r = -1;
    }
    plat_thread_destroy(client);
    plat_thread_destroy(raw);
    (void)seL4_CNode_Delete(seL4_CapInitThreadCNode, raw_ep, seL4_WordBits);
    plat_slot_free(raw_ep);
    return r;
}

int main(void)
{
    plat_init();
    uint64_t shared[2] = {0}, separate[2] = {0};
    int r = run(PLAT_AS_SHARED, shared) | run(PLAT_AS_SEPARATE, separate);
    static const char *const kind[2] = {"raw seL4_Call/ReplyRecv (1 word, 1 word)",
                                        "bridge ping (sb_client_ping)"};
    int failed = r != 0;
    for (int k = 0; k < 2; k++) {
        failed |= shared[k] == 0 || separate[k] == 0;
        plat_printf("crossing: %s p50: shared %lu, separate %lu (+%ld)\n", kind[k],
                    (unsigned long)shared[k], (unsigned long)separate[k],
                    (long)(separate[k] - shared[k]));
    }
    plat_printf("crossing: %s\n", failed ? "FAILED" : "passed");
    return failed;
}
