/*
 * The Linux mechanisms a user would pick instead of the bridge, measured the same way and on the
 * same clock as the tasks: futex, pipe, Unix domain socket, eventfd. Each is a pair of one-way
 * channels between two pinned threads; "round trip" (beside call) times there and back in the
 * first thread, "wake-up" (beside notify) times a signal to the waiting thread's return, as the
 * notify task does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sel4bridge/plat.h>

#include "host.h"

typedef enum { MECH_FUTEX, MECH_PIPE, MECH_UNIX, MECH_EVENTFD } mech_t;

/* Channel 0 carries client -> peer, channel 1 peer -> client. */
static struct {
    mech_t mech;
    bool one_way;
    bench_run_t *run;
    _Atomic uint32_t futex_word[2];
    int rfd[2], wfd[2]; /* pipe, socket, eventfd: read and write ends per channel */
    _Atomic uint64_t start;
    uint32_t peer_errors;
} L;

static long futex(_Atomic uint32_t *addr, int op, uint32_t val)
{
    return syscall(SYS_futex, (uint32_t *)addr, op, val, NULL, NULL, 0);
}

static int chan_signal(int c)
{
    switch (L.mech) {
    case MECH_FUTEX:
        atomic_store_explicit(&L.futex_word[c], 1u, memory_order_release);
        futex(&L.futex_word[c], FUTEX_WAKE_PRIVATE, 1);
        return 0;
    case MECH_EVENTFD: {
        uint64_t one = 1;
        return write(L.wfd[c], &one, sizeof(one)) == sizeof(one) ? 0 : -1;
    }
    default: {
        char b = 'k';
        return write(L.wfd[c], &b, 1) == 1 ? 0 : -1;
    }
    }
}

static int chan_wait(int c)
{
    switch (L.mech) {
    case MECH_FUTEX:
        /* Sleep only while the word is 0; a wake between the check and the sleep is not lost
         * because FUTEX_WAIT rechecks the word in the kernel. */
        while (atomic_exchange_explicit(&L.futex_word[c], 0u, memory_order_acquire) == 0u) {
            if (futex(&L.futex_word[c], FUTEX_WAIT_PRIVATE, 0) != 0 && errno != EAGAIN &&
                errno != EINTR) {
                return -1;
            }
        }
        return 0;
    case MECH_EVENTFD: {
        uint64_t v;
        return read(L.rfd[c], &v, sizeof(v)) == sizeof(v) && v == 1 ? 0 : -1;
    }
    default: {
        char b;
        return read(L.rfd[c], &b, 1) == 1 && b == 'k' ? 0 : -1;
    }
    }
}

static void *peer(void *arg)
{
    (void)arg;
    pin_thread(BENCH_ROLE_SERVER);
    bench_run_t *r = L.run;
    for (uint32_t i = 0; i < r->warmup + r->n; i++) {
        if (chan_wait(0) != 0) {
            L.peer_errors++;
            break;
        }
        if (L.one_way) {
            uint64_t end = plat_cycles();
            bench_record(r, i, atomic_load_explicit(&L.start, memory_order_acquire), end);
        }
        if (chan_signal(1) != 0) {
            L.peer_errors++;
            break;
        }
    }
    return NULL;
}

static int client_loop(bench_run_t *r)
{
    pin_thread(BENCH_ROLE_CLIENT);
    for (uint32_t i = 0; i < r->warmup + r->n; i++) {
        uint64_t start = plat_cycles();
        atomic_store_explicit(&L.start, start, memory_order_release);
        if (chan_signal(0) != 0 || chan_wait(1) != 0) {
            r->correct->lost++;
            return -1;
        }
        if (!L.one_way) {
            bench_record(r, i, start, plat_cycles());
        }
        r->correct->checks++;
    }
    return 0;
}

static void close_fds(void)
{
    for (int c = 0; c < 2; c++) {
        if (L.rfd[c] >= 0) {
            close(L.rfd[c]);
        }
        if (L.wfd[c] >= 0 && L.wfd[c] != L.rfd[c]) {
            close(L.wfd[c]);
        }
        L.rfd[c] = L.wfd[c] = -1;
    }
}

static int setup(bench_run_t *r)
{
    L.run = r;
    L.peer_errors = 0;
    atomic_store(&L.futex_word[0], 0u);
    atomic_store(&L.futex_word[1], 0u);
    L.rfd[0] = L.rfd[1] = L.wfd[0] = L.wfd[1] = -1;
    for (int c = 0; c < 2; c++) {
        int fds[2];
        switch (L.mech) {
        case MECH_FUTEX:
            break;
        case MECH_PIPE:
            if (pipe(fds) != 0) {
                goto fail;
            }
            L.rfd[c] = fds[0];
            L.wfd[c] = fds[1];
            break;
        case MECH_UNIX:
            /* One stream socket pair per direction, as two processes would hold it. */
            if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
                goto fail;
            }
            L.rfd[c] = fds[0];
            L.wfd[c] = fds[1];
            break;
        case MECH_EVENTFD:
            L.rfd[c] = L.wfd[c] = eventfd(0, 0);
            if (L.rfd[c] < 0) {
                goto fail;
            }
            break;
        }
    }
    return 0;
fail:
    r->error = strerror(errno);
    close_fds();
    return -1;
}

static int measure(bench_run_t *r)
{
    pthread_t t;
    if (pthread_create(&t, NULL, peer, NULL) != 0) {
        r->error = "pthread_create failed";
        return -1;
    }
    int rc = client_loop(r);
    if (rc != 0) {
        /* The peer may be blocked on a channel the client no longer feeds: end it. */
        pthread_cancel(t);
    }
    pthread_join(t, NULL);
    r->correct->errors += L.peer_errors;
    if (rc != 0 && !r->error) {
        r->error = "a Linux call failed";
    }
    return rc;
}

static void teardown(bench_run_t *r)
{
    (void)r;
    close_fds();
}

static const struct {
    mech_t mech;
    const char *name;
    const char *what;
} mechs[] = {
    {MECH_FUTEX, "futex", "futex word per direction, FUTEX_WAIT / FUTEX_WAKE"},
    {MECH_PIPE, "pipe", "one pipe per direction, 1-byte write / read"},
    {MECH_UNIX, "unix_socket", "AF_UNIX stream socket pair per direction, 1-byte write / read"},
    {MECH_EVENTFD, "eventfd", "one eventfd per direction, 8-byte write / read"},
};

uint32_t linux_baselines_run(const bench_config_t *cfg, bench_measurement_t *out)
{
    static char names[LINUX_BASELINE_COUNT][48];
    static char descs[LINUX_BASELINE_COUNT][200];
    static const bench_params_t none;
    /* On two CPUs a wake-up crosses CPUs (an IPI, and on a VM a vCPU leaving idle); on one it
     * is a context switch. Which is cheaper depends on the machine, so both are measured. */
    static const struct {
        pin_policy_t policy;
        const char *suffix;
        const char *what;
    } placements[] = {
        {PIN_SPLIT, "_2cpu", "threads on CPUs 0 and 1"},
        {PIN_SAME, "_1cpu", "both threads on CPU 0"},
        {PIN_NONE, "", "threads not pinned"},
    };
    pin_policy_t saved = pin_policy();
    uint32_t n = 0;
    for (size_t p = 0; p < sizeof(placements) / sizeof(placements[0]); p++) {
        if ((saved == PIN_NONE) != (placements[p].policy == PIN_NONE)) {
            continue;
        }
        pin_set_policy(placements[p].policy);
        for (int one_way = 0; one_way < 2; one_way++) {
            for (size_t m = 0; m < sizeof(mechs) / sizeof(mechs[0]); m++) {
                snprintf(names[n], sizeof(names[n]), "linux_%s_%s%s", mechs[m].name,
                         one_way ? "wakeup" : "roundtrip", placements[p].suffix);
                snprintf(descs[n], sizeof(descs[n]), "%s: %s; %s", mechs[m].what,
                         one_way ? "signal to the waiting thread's return" : "there and back",
                         placements[p].what);
                const bench_impl_t impl = {names[n], descs[n], setup, measure, teardown, NULL};
                L.mech = mechs[m].mech;
                L.one_way = one_way;
                if (bench_hooks.progress) {
                    bench_hooks.progress("linux", one_way ? "wakeup" : "roundtrip", names[n],
                                         cfg->n);
                }
                bench_measure(cfg, &impl, &none, BENCH_UNIT_CYCLES, 1, &out[n]);
                out[n].related_task = one_way ? "notify" : "call";
                n++;
            }
        }
    }
    pin_set_policy(saved);
    return n;
}
