/*
 * The grant and revoke baselines make the bridge's system calls, no more and no fewer: one
 * iteration of each bridge variant and of its raw baseline (raw_bundle.c) is run on the host
 * model with every libsel4 call and frame mapping recorded (the linker's --wrap) while a sample
 * is being timed, i.e. between the timing thread's two plat_cycles() reads (calls made inside a
 * wrapped call, such as the host model's own spinning, are not time stamps), those of the timing
 * thread and, while it waits in a call, those of the others (as one core would run them: the
 * host model's threads run in parallel, and a client's wait that overlaps the server's timed
 * revoke on the host comes before it on one core). The two records must
 * be equal call for call: the same calls, by the same threads, in the same order, with the same
 * object types and sizes, depths, rights, badges, message lengths and cap counts. The record is
 * printed, so the test's log is the list of what each sample does.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <sel4/sel4.h>
#include <sel4bridge/plat.h>

#include "tasks/peer.h"
#include "tasks/tasks.h"

#define MAX_EVENTS 1024
#define MAX_THREADS 8

typedef struct {
    int thread; /* by first appearance in the timed window */
    char text[96];
} event_t;

static struct {
    pthread_mutex_t lock;
    bool open; /* a sample is being timed */
    uint32_t n;
    event_t e[MAX_EVENTS];
    pthread_t threads[MAX_THREADS];
    int nthreads;
    bool overflow;
} trace = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Inside a wrapped call (the host model's blocking spins on plat_cycles too): not a time stamp. */
static __thread int in_call;

/* The thread that times the sample, and whether it is inside a call: another thread's calls
 * belong to the sample only while the timing thread waits in one, as on one core. */
static pthread_t timer;
static _Atomic int timer_in_call; /* in a call that blocks: Call, ReplyRecv, Recv */

static void enter_call(bool blocking)
{
    if (in_call++ == 0 && blocking && pthread_equal(pthread_self(), timer)) {
        atomic_store(&timer_in_call, 1);
    }
}
#define enter() enter_call(false)
#define enter_blocking() enter_call(true)

static void leave(void)
{
    if (--in_call == 0 && pthread_equal(pthread_self(), timer)) {
        atomic_store(&timer_in_call, 0);
    }
}

static void record(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void record(const char *fmt, ...)
{
    pthread_mutex_lock(&trace.lock);
    bool mine = pthread_equal(pthread_self(), timer);
    if (trace.open && (mine || atomic_load(&timer_in_call))) {
        if (trace.n == MAX_EVENTS) {
            trace.overflow = true;
        } else {
            int t = 0;
            while (t < trace.nthreads && !pthread_equal(trace.threads[t], pthread_self())) {
                t++;
            }
            if (t == trace.nthreads && t < MAX_THREADS) {
                trace.threads[trace.nthreads++] = pthread_self();
            }
            event_t *ev = &trace.e[trace.n++];
            ev->thread = t;
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(ev->text, sizeof ev->text, fmt, ap);
            va_end(ap);
        }
    }
    pthread_mutex_unlock(&trace.lock);
}

/* ---- the wrapped calls ---- */

#define INFO_FMT "len %lu caps %lu"
#define INFO_ARGS(i)                                                                               \
    (unsigned long)seL4_MessageInfo_get_length(i), (unsigned long)seL4_MessageInfo_get_extraCaps(i)

uint64_t __real_plat_cycles(void);
uint64_t __wrap_plat_cycles(void)
{
    if (in_call == 0) {
        pthread_mutex_lock(&trace.lock);
        trace.open = !trace.open;
        if (trace.open) { /* a new sample: the record is of the last one */
            trace.n = 0;
            trace.nthreads = 0;
            timer = pthread_self();
        }
        pthread_mutex_unlock(&trace.lock);
    }
    return __real_plat_cycles();
}

int __real_plat_thread_join(plat_thread_t *t);
int __wrap_plat_thread_join(plat_thread_t *t)
{
    enter();
    int ret = __real_plat_thread_join(t);
    leave();
    return ret;
}

seL4_MessageInfo_t __real_seL4_NBRecv(seL4_CPtr src, seL4_Word *b);
seL4_MessageInfo_t __wrap_seL4_NBRecv(seL4_CPtr src, seL4_Word *b)
{
    record("seL4_NBRecv");
    enter();
    seL4_MessageInfo_t ret = __real_seL4_NBRecv(src, b);
    leave();
    return ret;
}

seL4_MessageInfo_t __real_seL4_Call(seL4_CPtr dest, seL4_MessageInfo_t info);
seL4_MessageInfo_t __wrap_seL4_Call(seL4_CPtr dest, seL4_MessageInfo_t info)
{
    record("seL4_Call " INFO_FMT, INFO_ARGS(info));
    enter_blocking();
    seL4_MessageInfo_t ret = __real_seL4_Call(dest, info);
    leave();
    return ret;
}

seL4_MessageInfo_t __real_seL4_ReplyRecv(seL4_CPtr dest, seL4_MessageInfo_t info, seL4_Word *b);
seL4_MessageInfo_t __wrap_seL4_ReplyRecv(seL4_CPtr dest, seL4_MessageInfo_t info, seL4_Word *b)
{
    record("seL4_ReplyRecv " INFO_FMT, INFO_ARGS(info));
    enter_blocking();
    seL4_MessageInfo_t ret = __real_seL4_ReplyRecv(dest, info, b);
    leave();
    return ret;
}

seL4_MessageInfo_t __real_seL4_Recv(seL4_CPtr src, seL4_Word *b);
seL4_MessageInfo_t __wrap_seL4_Recv(seL4_CPtr src, seL4_Word *b)
{
    record("seL4_Recv");
    enter_blocking();
    seL4_MessageInfo_t ret = __real_seL4_Recv(src, b);
    leave();
    return ret;
}

void __real_seL4_Reply(seL4_MessageInfo_t info);
void __wrap_seL4_Reply(seL4_MessageInfo_t info)
{
    record("seL4_Reply " INFO_FMT, INFO_ARGS(info));
    enter();
    __real_seL4_Reply(info);
    leave();
}

void __real_seL4_Signal(seL4_CPtr dest);
void __wrap_seL4_Signal(seL4_CPtr dest)
{
    record("seL4_Signal");
    enter();
    __real_seL4_Signal(dest);
    leave();
}

void __real_seL4_Send(seL4_CPtr dest, seL4_MessageInfo_t info);
void __wrap_seL4_Send(seL4_CPtr dest, seL4_MessageInfo_t info)
{
    record("seL4_Send " INFO_FMT, INFO_ARGS(info));
    enter();
    __real_seL4_Send(dest, info);
    leave();
}

seL4_Error __real_seL4_Untyped_Retype(seL4_Untyped s, seL4_Word type, seL4_Word bits,
                                      seL4_CNode root, seL4_Word index, seL4_Word depth,
                                      seL4_Word offset, seL4_Word n);
seL4_Error __wrap_seL4_Untyped_Retype(seL4_Untyped s, seL4_Word type, seL4_Word bits,
                                      seL4_CNode root, seL4_Word index, seL4_Word depth,
                                      seL4_Word offset, seL4_Word n)
{
    record("seL4_Untyped_Retype type %lu size_bits %lu depth %lu objects %lu",
           (unsigned long)type, (unsigned long)bits, (unsigned long)depth, (unsigned long)n);
    enter();
    seL4_Error ret = __real_seL4_Untyped_Retype(s, type, bits, root, index, depth, offset, n);
    leave();
    return ret;
}

seL4_Error __real_seL4_CNode_Copy(seL4_CNode s, seL4_Word di, seL4_Uint8 dd, seL4_CNode sr,
                                  seL4_Word si, seL4_Uint8 sd, seL4_CapRights_t r);
seL4_Error __wrap_seL4_CNode_Copy(seL4_CNode s, seL4_Word di, seL4_Uint8 dd, seL4_CNode sr,
                                  seL4_Word si, seL4_Uint8 sd, seL4_CapRights_t r)
{
    record("seL4_CNode_Copy depths %u/%u rights %#lx", dd, sd, (unsigned long)r.words[0]);
    enter();
    seL4_Error ret = __real_seL4_CNode_Copy(s, di, dd, sr, si, sd, r);
    leave();
    return ret;
}

seL4_Error __real_seL4_CNode_Mint(seL4_CNode s, seL4_Word di, seL4_Uint8 dd, seL4_CNode sr,
                                  seL4_Word si, seL4_Uint8 sd, seL4_CapRights_t r, seL4_Word b);
seL4_Error __wrap_seL4_CNode_Mint(seL4_CNode s, seL4_Word di, seL4_Uint8 dd, seL4_CNode sr,
                                  seL4_Word si, seL4_Uint8 sd, seL4_CapRights_t r, seL4_Word b)
{
    record("seL4_CNode_Mint depths %u/%u rights %#lx badge %#lx", dd, sd,
           (unsigned long)r.words[0], (unsigned long)b);
    enter();
    seL4_Error ret = __real_seL4_CNode_Mint(s, di, dd, sr, si, sd, r, b);
    leave();
    return ret;
}

seL4_Error __real_seL4_CNode_Move(seL4_CNode s, seL4_Word di, seL4_Uint8 dd, seL4_CNode sr,
                                  seL4_Word si, seL4_Uint8 sd);
seL4_Error __wrap_seL4_CNode_Move(seL4_CNode s, seL4_Word di, seL4_Uint8 dd, seL4_CNode sr,
                                  seL4_Word si, seL4_Uint8 sd)
{
    record("seL4_CNode_Move depths %u/%u", dd, sd);
    enter();
    seL4_Error ret = __real_seL4_CNode_Move(s, di, dd, sr, si, sd);
    leave();
    return ret;
}

seL4_Error __real_seL4_CNode_Delete(seL4_CNode s, seL4_Word i, seL4_Uint8 d);
seL4_Error __wrap_seL4_CNode_Delete(seL4_CNode s, seL4_Word i, seL4_Uint8 d)
{
    record("seL4_CNode_Delete depth %u", d);
    enter();
    seL4_Error ret = __real_seL4_CNode_Delete(s, i, d);
    leave();
    return ret;
}

seL4_Error __real_seL4_CNode_Revoke(seL4_CNode s, seL4_Word i, seL4_Uint8 d);
seL4_Error __wrap_seL4_CNode_Revoke(seL4_CNode s, seL4_Word i, seL4_Uint8 d)
{
    record("seL4_CNode_Revoke depth %u", d);
    enter();
    seL4_Error ret = __real_seL4_CNode_Revoke(s, i, d);
    leave();
    return ret;
}

seL4_Error __real_seL4_TCB_BindNotification(seL4_TCB s, seL4_CPtr n);
seL4_Error __wrap_seL4_TCB_BindNotification(seL4_TCB s, seL4_CPtr n)
{
    record("seL4_TCB_BindNotification");
    enter();
    seL4_Error ret = __real_seL4_TCB_BindNotification(s, n);
    leave();
    return ret;
}

seL4_Error __real_plat_frame_map(seL4_CPtr frame, void **vaddr);
seL4_Error __wrap_plat_frame_map(seL4_CPtr frame, void **vaddr)
{
    record("plat_frame_map");
    enter();
    seL4_Error ret = __real_plat_frame_map(frame, vaddr);
    leave();
    return ret;
}

seL4_Error __real_plat_frame_unmap(seL4_CPtr frame);
seL4_Error __wrap_plat_frame_unmap(seL4_CPtr frame)
{
    record("plat_frame_unmap");
    enter();
    seL4_Error ret = __real_plat_frame_unmap(frame);
    leave();
    return ret;
}

/* ---- the test ---- */

typedef struct {
    uint32_t n;
    event_t e[MAX_EVENTS];
} record_t;

static record_t bridge_rec, raw_rec;

/* One timed iteration of @impl with parameter @k, its record in @out. 0 on success. */
static int run_one(const bench_impl_t *impl, uint32_t k, record_t *out)
{
    bench_params_t params = {k, 0, 0};
    uint64_t sample = 0;
    bench_correctness_t correct = {0};
    /* One warm-up iteration first: the threads' own start-up is then behind them. */
    bench_run_t run = {.params = &params, .n = 1, .warmup = 1, .samples = &sample,
                       .correct = &correct};
    if (impl->setup(&run) != 0) {
        printf("FAIL %s k=%u: setup: %s\n", impl->name, k, run.error);
        return -1;
    }
    pthread_mutex_lock(&trace.lock);
    trace.open = false;
    trace.n = 0;
    trace.nthreads = 0;
    trace.overflow = false;
    pthread_mutex_unlock(&trace.lock);
    int rc = impl->measure(&run);
    pthread_mutex_lock(&trace.lock);
    bool was_open = trace.open;
    trace.open = false;
    out->n = trace.n;
    memcpy(out->e, trace.e, sizeof(event_t) * trace.n);
    bool overflow = trace.overflow;
    pthread_mutex_unlock(&trace.lock);
    impl->teardown(&run);
    if (rc != 0 || was_open || overflow || correct.violations || correct.lost ||
        correct.duplicated || correct.errors) {
        printf("FAIL %s k=%u: measure %d, window left open %d, overflow %d, violations %u, "
               "lost %u, duplicated %u, errors %u\n",
               impl->name, k, rc, was_open, overflow, correct.violations, correct.lost,
               correct.duplicated, correct.errors);
        return -1;
    }
    return 0;
}

static int compare(const char *task, uint32_t k, const bench_impl_t *bridge,
                   const bench_impl_t *raw)
{
    if (run_one(bridge, k, &bridge_rec) != 0 || run_one(raw, k, &raw_rec) != 0) {
        return 1;
    }
    int bad = bridge_rec.n != raw_rec.n || bridge_rec.n == 0;
    printf("%s k=%u: %u calls in the bridge's sample, %u in %s's\n", task, k, bridge_rec.n,
           raw_rec.n, raw->name);
    uint32_t most = bridge_rec.n > raw_rec.n ? bridge_rec.n : raw_rec.n;
    for (uint32_t i = 0; i < most; i++) {
        const event_t *a = i < bridge_rec.n ? &bridge_rec.e[i] : NULL;
        const event_t *b = i < raw_rec.n ? &raw_rec.e[i] : NULL;
        bool same = a && b && a->thread == b->thread && strcmp(a->text, b->text) == 0;
        bad |= !same;
        if (same) {
            printf("  %3u thread %d  %s\n", i, a->thread, a->text);
        } else {
            printf("  %3u DIFFER bridge: %d %s | raw: %d %s\n", i, a ? a->thread : -1,
                   a ? a->text : "(none)", b ? b->thread : -1, b ? b->text : "(none)");
        }
    }
    printf("%s %s k=%u\n", bad ? "FAIL" : "ok", task, k);
    return bad;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    plat_init();
    int failed = 0;
    static const uint32_t grant_k[] = {4, 5, 8, 32, 64};
    for (size_t i = 0; i < sizeof grant_k / sizeof grant_k[0]; i++) {
        failed += compare("grant", grant_k[i], &bench_bridge_grant, &bench_raw_grant);
        failed += compare("revoke", grant_k[i], &bench_bridge_revoke, &bench_raw_bundle_revoke);
    }
    printf("%s\n", failed ? "FAILED" : "all equal");
    return failed ? 1 : 0;
}
