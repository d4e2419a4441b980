/*
 * Round trips in one run, on one kernel: a raw seL4_Call/seL4_ReplyRecv (1 word each way), the
 * bridge's ping, and fastpath-sized application methods of the test schema (Probe.nothing: 1 word
 * each way; Probe.add: 3 words, 2 back; Counter.next: 1, 2) served by the same bridge server.
 * Passes or fails on correctness only (every call answered, every answer right); the medians it
 * prints are cycles of plat_cycles(), which under QEMU -icount shift=0 (scripts/sel4-run.sh
 * --timing) count emulated instructions, timer overhead subtracted. The servers and the client
 * are components, each in an address space of its own (on seL4): the client's samples are on its
 * stack, its medians on pages shared with it alone.
 */
#include "probe.h"
#include "support/testsys.h"

#define WARMUP 200u
#define SAMPLES 2000u
#define RAW_STOP 0x5709u

static seL4_CPtr raw_ep;

/* The raw server: seq in, seq + 1 out, one word each way, on its own endpoint. */
static void raw_server(void *arg)
{
    (void)arg;
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(TS_SLOT_EP, &badge);
    while (seL4_MessageInfo_get_label(info) != RAW_STOP) {
        seL4_SetMR(0, seL4_GetMR(0) + 1);
        info = seL4_ReplyRecv(TS_SLOT_EP, seL4_MessageInfo_new(0, 0, 0, 1), &badge);
    }
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
}

static uint64_t median(uint64_t *samples)
{
    /* Shell sort: no libc on seL4. */
    for (uint32_t gap = SAMPLES / 2; gap > 0; gap /= 2) {
        for (uint32_t i = gap; i < SAMPLES; i++) {
            uint64_t v = samples[i];
            uint32_t j = i;
            for (; j >= gap && samples[j - gap] > v; j -= gap) {
                samples[j] = samples[j - gap];
            }
            samples[j] = v;
        }
    }
    return samples[SAMPLES / 2];
}

typedef enum { RAW, PING, NOTHING, ADD, NEXT, KINDS } kind_t;
static const char *const names[KINDS] = {
    "raw seL4_Call/ReplyRecv (1 word, 1 word)", "bridge ping (sb_client_ping)",
    "app Probe.nothing (1 word, 1 word)", "app Probe.add (3 words, 2 words)",
    "app Counter.next (1 word, 2 words)"};
static struct {
    TS_PAGE_ALIGNED uint64_t result[KINDS];
    uint64_t overhead;
    unsigned wrong;
} measured;

/* One call of @k; returns 0 when its answer is right. */
static int one(sb_client_t *c, kind_t k, uint64_t i)
{
    uint64_t v = 0;
    switch (k) {
    case RAW:
        seL4_SetMR(0, i);
        seL4_Call(TS_SLOT_EP2, seL4_MessageInfo_new(0, 0, 0, 1));
        return seL4_GetMR(0) != i + 1;
    case PING:
        return sb_client_ping(c) != SB_OK;
    case NOTHING:
        return apps_test_Probe_nothing(c) != SB_OK;
    case ADD:
        return apps_test_Probe_add(c, i, 7, &v) != SB_OK || v != i + 7;
    default:
        return apps_test_Counter_next(c, &v) != SB_OK || v == 0;
    }
}

static void client(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, 4, 0, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    uint64_t samples[SAMPLES];
    for (uint32_t i = 0; i < SAMPLES; i++) {
        uint64_t a = plat_cycles(), b = plat_cycles();
        samples[i] = b - a;
    }
    uint64_t overhead = median(samples);
    measured.overhead = overhead;
    for (kind_t k = RAW; k < KINDS; k++) {
        for (uint32_t i = 0; i < WARMUP + SAMPLES; i++) {
            uint64_t start = plat_cycles();
            measured.wrong += one(c, k, i);
            uint64_t end = plat_cycles();
            if (i >= WARMUP) {
                samples[i - WARMUP] = end - start;
            }
        }
        uint64_t m = median(samples);
        measured.result[k] = m > overhead ? m - overhead : 0;
    }
    seL4_Call(TS_SLOT_EP2, seL4_MessageInfo_new(RAW_STOP, 0, 0, 0));
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
    tc->result = 0;
}

int main(void)
{
    plat_init();
    ts_address_space = PLAT_AS_SEPARATE;
    static ts_server_t srv = {.cfg = {.max_sessions = 2, .max_bundle = 4, .pool_frames = 4,
                                      .default_depth = 8},
                              .app = &probe_app,
                              .share = {{&probe, sizeof probe}}};
    TS_CHECK(ts_server_start(&srv) == 0 && srv.init_status == SB_OK, "server");
    plat_thread_attr_t attr = {.name = "raw-server", .cnode_bits = 8, .priority = 100,
                               .address_space = ts_address_space};
    plat_thread_t *raw;
    TS_CHECK(plat_obj_alloc(seL4_EndpointObject, 0, &raw_ep) == seL4_NoError, "raw endpoint");
    TS_CHECK(plat_thread_create(&raw, &attr, raw_server, NULL) == 0, "raw server");
    seL4_CNode_Copy(plat_thread_cnode(raw), TS_SLOT_EP, seL4_WordBits, seL4_CapInitThreadCNode,
                    raw_ep, seL4_WordBits, seL4_AllRights);
    plat_thread_start(raw);
    ts_client_t c;
    TS_CHECK(ts_client_create(&srv, &c, 1, ts_client_rights(), client, NULL, 0) == 0 &&
                 ts_client_share(&c, &measured, sizeof measured) == 0,
             "client");
    /* The raw endpoint, as a raw client would hold it: Write and GrantReply, no badge. */
    seL4_CNode_Mint(plat_thread_cnode(c.thread), TS_SLOT_EP2, seL4_WordBits,
                    seL4_CapInitThreadCNode, raw_ep, seL4_WordBits,
                    seL4_CapRights_new(1, 0, 0, 1), 0);
    ts_client_start(&c);
    TS_CHECK(ts_client_join(&c) == 0 && c.result == 0, "client");
    TS_CHECK(measured.wrong == 0, "%u calls answered wrongly", measured.wrong);
    plat_thread_join(raw);
    plat_thread_destroy(raw);
    ts_client_destroy(&c);
    plat_printf("round trips, median of %u after %u warm-up (plat_cycles, %lu overhead "
                "subtracted):\n", SAMPLES, WARMUP, (unsigned long)measured.overhead);
    for (kind_t k = RAW; k < KINDS; k++) {
        const uint64_t *result = measured.result;
        uint64_t r100 = result[RAW] ? result[k] * 100 / result[RAW] : 0;
        plat_printf("  %-42s %6lu  (%lu.%02lu x raw)\n", names[k], (unsigned long)result[k],
                    (unsigned long)(r100 / 100), (unsigned long)(r100 % 100));
    }
    TS_CHECK(ts_server_stop(&srv) == 0, "server stopped");
    ts_exit("apps_roundtrip");
}
