/*
 * seL4 only: the kernel itself says which IPCs took its fastpath. On a kernel built with
 * KernelBenchmarks=track_kernel_entries, seL4 logs every kernel entry (path, syscall, whether the
 * fastpath took it) into a 2 MiB frame the root task gives it. For each cap-less control call
 * the bridge makes, and for a raw seL4_Call beside them, this image resets the log, makes N
 * calls, and counts the Call and ReplyRecv entries: all 2N must be fastpath entries (the
 * client's seL4_Call and the server's seL4_ReplyRecv that answers it), or the image fails and
 * prints the entries that were not. A cap call, whose Call seL4 sends down the slowpath, is the
 * control that shows the log sees the difference. On a kernel without entry tracking it checks nothing and
 * exits 77 (ctest: skipped).
 */
#include "probe.h"
#include "support/testsys.h"

#include <sel4/sel4.h>

#define N 200

#ifndef CONFIG_BENCHMARK_TRACK_KERNEL_ENTRIES

int main(void)
{
    plat_init();
    plat_printf("fastpath: this kernel does not track kernel entries "
                "(KernelBenchmarks=track_kernel_entries); nothing checked\n");
    plat_exit(77);
}

#else

#include <sel4/benchmark_track_types.h>

#define LOG_VADDR 0x40000000UL /* 2 MiB-aligned, clear of the platform's thread area and window */
#define LOG_BYTES (1UL << 20)  /* the kernel's seL4_LogBufferSize on x86_64 builds here */

static volatile const benchmark_track_kernel_entry_t *log_entries;

/* A 2 MiB frame for the kernel's log, mapped for us to read. */
static bool log_init(void)
{
    seL4_CPtr frame, pd;
    if (plat_obj_alloc(seL4_X86_LargePageObject, 0, &frame) != seL4_NoError) {
        return false;
    }
    seL4_Error e = seL4_X86_Page_Map(frame, seL4_CapInitThreadVSpace, LOG_VADDR, seL4_ReadWrite,
                                     seL4_X86_Default_VMAttributes);
    if (e == seL4_FailedLookup) {
        /* No page directory there yet (the PDPT of the low 512 GiB holds the image). */
        if (plat_obj_alloc(seL4_X86_PageDirectoryObject, 0, &pd) != seL4_NoError ||
            seL4_X86_PageDirectory_Map(pd, seL4_CapInitThreadVSpace, LOG_VADDR,
                                       seL4_X86_Default_VMAttributes) != seL4_NoError) {
            return false;
        }
        e = seL4_X86_Page_Map(frame, seL4_CapInitThreadVSpace, LOG_VADDR, seL4_ReadWrite,
                              seL4_X86_Default_VMAttributes);
    }
    if (e != seL4_NoError || seL4_BenchmarkSetLogBuffer(frame) != seL4_NoError) {
        return false;
    }
    log_entries = (volatile const benchmark_track_kernel_entry_t *)LOG_VADDR;
    return true;
}

typedef struct {
    unsigned fast, slow, calls, reply_recvs;
} tally_t;

/* Count the Call and ReplyRecv entries logged since the reset; print the slow ones. */
static tally_t log_tally(const char *task)
{
    tally_t t = {0};
    seL4_Word n = seL4_BenchmarkFinalizeLog();
    seL4_Word max = LOG_BYTES / sizeof(benchmark_track_kernel_entry_t);
    TS_CHECK(n < max, "%s: the log filled up (%lu entries)", task, (unsigned long)n);
    unsigned printed = 0;
    for (seL4_Word i = 0; i < n && i < max; i++) {
        kernel_entry_t e = log_entries[i].entry;
        if (e.path != Entry_Syscall ||
            (e.syscall_no != (seL4_Word)-seL4_SysCall &&
             e.syscall_no != (seL4_Word)-seL4_SysReplyRecv)) {
            continue;
        }
        t.calls += e.syscall_no == (seL4_Word)-seL4_SysCall;
        t.reply_recvs += e.syscall_no == (seL4_Word)-seL4_SysReplyRecv;
        if (e.is_fastpath) {
            t.fast++;
        } else {
            t.slow++;
            if (printed++ < 5) {
                plat_printf("  %s: slowpath entry %lu: %s\n", task, (unsigned long)i,
                            e.syscall_no == (seL4_Word)-seL4_SysCall ? "Call" : "ReplyRecv");
            }
        }
    }
    return t;
}

/* ---- The tasks: each makes N calls between seL4_BenchmarkResetLog and FinalizeLog. ---- */

typedef enum {
    TASK_RAW,
    TASK_PING,
    TASK_STATS,
    TASK_KICK,
    TASK_NOTHING,
    TASK_ADD,
    TASK_NEXT,
    TASK_CAP_CALL, /* the control: a cap in the extraCap sends the Call down the slowpath */
    TASKS
} task_t;
static const char *const task_name[TASKS] = {
    "raw seL4_Call",      "bridge ping",       "bridge stats",      "bridge kick (synchronous)",
    "app Probe.nothing",  "app Probe.add",     "app Counter.next",  "bridge cap call (control)"};

/* One call of task @t (a bridge op or a fastpath-sized application method), answered right. */
static bool one(sb_client_t *c, task_t t, uint64_t i)
{
    uint64_t v = 0;
    switch (t) {
    case TASK_PING:
        return sb_client_ping(c) == SB_OK;
    case TASK_STATS:
        return sb_client_stats(c, NULL) == SB_OK;
    case TASK_KICK:
        return sb_client_kick_call(c, NULL, NULL) == SB_OK;
    case TASK_NOTHING:
        return apps_test_Probe_nothing(c) == SB_OK;
    case TASK_ADD:
        return apps_test_Probe_add(c, i, 7, &v) == SB_OK && v == i + 7;
    case TASK_CAP_CALL:
        return sb_client_cap_call(c, TS_SLOT_NTFN, i, NULL) == SB_OK;
    default:
        return apps_test_Counter_next(c, &v) == SB_OK && v != 0;
    }
}

/* The raw baseline's server: seL4_ReplyRecv with an empty reply, forever. */
static void raw_server(void *arg)
{
    (void)arg;
    seL4_Word badge;
    (void)seL4_Recv(TS_SLOT_EP, &badge);
    for (;;) {
        (void)seL4_ReplyRecv(TS_SLOT_EP, seL4_MessageInfo_new(0, 0, 0, 1), &badge);
    }
}

static volatile task_t current;

static void client(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, 4, 8, SB_PHASE_SIGNAL_WHEN_ASKED), SB_OK);
    for (task_t t = TASK_PING; t < TASKS; t++) {
        ts_sync(); /* the root resets the log */
        unsigned wrong = 0;
        for (int i = 0; i < N; i++) {
            wrong += !one(c, t, (uint64_t)i);
        }
        TS_CHECK(wrong == 0, "%s: %u calls answered wrongly", task_name[t], wrong);
        ts_sync(); /* the root reads the log */
    }
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
    tc->result = 0;
}

static void raw_client(ts_client_t *tc)
{
    ts_sync();
    for (int i = 0; i < N; i++) {
        seL4_SetMR(0, (seL4_Word)i);
        (void)seL4_Call(TS_SLOT_EP2, seL4_MessageInfo_new(0, 0, 0, 1));
    }
    ts_sync();
    tc->result = 0;
}

static void expect_all_fast(task_t t, tally_t k)
{
    plat_printf("  %-26s Call %u, ReplyRecv %u: fastpath %u, slowpath %u\n", task_name[t],
                k.calls, k.reply_recvs, k.fast, k.slow);
    TS_CHECK(k.calls == N && k.reply_recvs == N && k.fast == 2 * N && k.slow == 0,
             "%s: every Call and ReplyRecv on the fastpath", task_name[t]);
}

int main(void)
{
    plat_init();
    TS_CHECK(log_init(), "the kernel's log buffer");
    static ts_server_t srv = {.cfg = {.max_sessions = 2, .max_bundle = 4, .pool_frames = 0,
                                      .default_depth = 8},
                              .app = &probe_app};
    TS_CHECK(ts_server_start(&srv) == 0 && srv.init_status == SB_OK, "server");
    plat_printf("kernel entries per task, %d calls each (seL4's own log):\n", N);

    /* The raw baseline: a thread of the same priority answering on its own endpoint. */
    seL4_CPtr raw_ep;
    TS_CHECK(plat_obj_alloc(seL4_EndpointObject, 0, &raw_ep) == seL4_NoError, "raw endpoint");
    plat_thread_t *raw;
    plat_thread_attr_t attr = {.name = "raw server", .cnode_bits = 6, .priority = 100};
    TS_CHECK(plat_thread_create(&raw, &attr, raw_server, NULL) == 0 &&
                 seL4_CNode_Mint(plat_thread_cnode(raw), TS_SLOT_EP, seL4_WordBits,
                                 seL4_CapInitThreadCNode, raw_ep, seL4_WordBits,
                                 seL4_CapRights_new(1, 1, 1, 0), 0) == seL4_NoError &&
                 plat_thread_start(raw) == seL4_NoError,
             "raw server");
    ts_client_t rc;
    TS_CHECK(ts_client_create(&srv, &rc, 2, ts_client_rights(), raw_client, NULL, 0) == 0, "rc");
    TS_CHECK(seL4_CNode_Mint(plat_thread_cnode(rc.thread), TS_SLOT_EP2, seL4_WordBits,
                             seL4_CapInitThreadCNode, raw_ep, seL4_WordBits,
                             seL4_CapRights_new(1, 1, 0, 1), 1) == seL4_NoError,
             "raw client's endpoint");
    ts_client_start(&rc);
    ts_await(&rc);
    seL4_BenchmarkResetLog();
    ts_release(&rc);
    ts_await(&rc);
    expect_all_fast(TASK_RAW, log_tally(task_name[TASK_RAW]));
    ts_release(&rc);
    TS_CHECK(ts_client_join(&rc) == 0 && rc.result == 0, "raw client");
    ts_client_destroy(&rc);

    ts_client_t c;
    TS_CHECK(ts_client_create(&srv, &c, 1, ts_client_rights(), client, NULL, 0) == 0, "client");
    ts_client_start(&c);
    for (task_t t = TASK_PING; t < TASKS; t++) {
        ts_await(&c);
        seL4_BenchmarkResetLog();
        ts_release(&c);
        ts_await(&c);
        tally_t k = log_tally(task_name[t]);
        if (t == TASK_CAP_CALL) {
            /* The log must see it: the client's N Calls carry a cap, and the server deletes
             * each cap it received with a CNode invocation (a Call too): 2N Calls on the
             * slowpath; the reply has no cap, so the N ReplyRecvs keep the fastpath. */
            plat_printf("  %-26s Call %u, ReplyRecv %u: fastpath %u, slowpath %u\n",
                        task_name[t], k.calls, k.reply_recvs, k.fast, k.slow);
            TS_CHECK(k.calls == 2 * N && k.reply_recvs == N && k.slow == 2 * N && k.fast == N,
                     "%s: the log shows the Calls on the slowpath", task_name[t]);
        } else {
            expect_all_fast(t, k);
        }
        ts_release(&c);
    }
    TS_CHECK(ts_client_join(&c) == 0 && c.result == 0, "client ran to the end");
    ts_client_destroy(&c);
    ts_exit("fastpath");
}

#endif
