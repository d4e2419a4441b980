/*
 * The deterministic verdict on the host model: instructions per sample of a bridge variant and of
 * its baseline, counted by valgrind's callgrind. The harness runs itself under callgrind as a
 * child (--icount-child); the child measures each implementation twice, with N1 and N2 timed
 * iterations after the same warm-up, dumping the counts of the measured threads after each
 * (its own main thread does not collect). (I(N2) - I(N1)) / (N2 - N1) is one sample's
 * instructions, client and server threads together, with setup, warm-up and teardown cancelled
 * out. Threads do not spin before they sleep under callgrind (SEL4SIM_SPIN_NS=0), so a count
 * does not depend on how long a wake-up took.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define HAVE_CALLGRIND 1
#else
#define HAVE_CALLGRIND 0
#endif

#include <sel4bridge/plat.h>

#include "clock.h"
#include "host.h"

#define WARMUP 20u
#define N1 20u
#define N2 120u

extern char **environ;

const char *const icount_method =
    "callgrind (valgrind --tool=callgrind), host model: instructions of the measured threads "
    "(client and server) per sample, (I(120) - I(20)) / 100 over two runs of 20 warm-up and "
    "20 or 120 timed iterations, SEL4SIM_SPIN_NS=0; deterministic, so it decides the verdict of "
    "the call, cap_call and kick rows";

/* The rows whose one sample is one whole cycle of the same threads on both sides, so that a
 * count of the threads' instructions is the count of the sample. notify's sample is a segment of
 * a cycle (signal to wake-up) that a count per thread cannot cut at the same points; grant and
 * revoke do most of their work in Linux (mmap, fallocate), which callgrind does not see. */
bool icount_applies(const bench_case_t *c)
{
    return c->bridge && c->bridge->measure && c->baseline && c->baseline->measure &&
           (strcmp(c->task, "call") == 0 || strcmp(c->task, "cap_call") == 0 ||
            strcmp(c->task, "kick") == 0);
}

/* ---- the child, under callgrind ---- */

int icount_child(int argc, char **argv)
{
#if HAVE_CALLGRIND
    CALLGRIND_TOGGLE_COLLECT; /* this thread off: only the measured threads count */
#endif
    plat_init();
    bench_config_t cfg = {
        .warmup = WARMUP, .overhead = bench_timer_overhead(), .timer_hz = plat_timer_hz(),
        .pairs = 1,
    };
    static const uint32_t ns[2] = {N1, N2};
    for (int a = 0; a < argc; a++) {
        uint32_t idx = (uint32_t)strtoul(argv[a], NULL, 10);
        if (idx >= bench_case_count) {
            return 2;
        }
        const bench_case_t *c = &bench_cases[idx];
        const bench_impl_t *impls[2] = {c->baseline, c->bridge};
        for (int side = 0; side < 2; side++) {
            for (int k = 0; k < 2; k++) {
                bench_measurement_t m;
                char label[64];
                cfg.n = ns[k];
#if HAVE_CALLGRIND
                CALLGRIND_ZERO_STATS;
#endif
                bench_measure(&cfg, impls[side], &c->params, c->unit, c->ops_per_sample, &m);
                snprintf(label, sizeof(label), "sb-icount %u %d %u %s", idx, side, ns[k],
                         m.status == BENCH_MEASURED && bench_correct(&m.correct) ? "ok" : "bad");
#if HAVE_CALLGRIND
                CALLGRIND_DUMP_STATS_AT(label);
#endif
            }
        }
    }
    return 0;
}

/* ---- the parent ---- */

/* One dump file: its trigger label and its total. */
static bool read_dump(const char *path, char *label, size_t len, double *total)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        return false;
    }
    char line[512];
    bool have_label = false, have_total = false;
    const char *trigger = "desc: Trigger: Client Request: ";
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = 0;
        if (strncmp(line, trigger, strlen(trigger)) == 0) {
            snprintf(label, len, "%.100s", line + strlen(trigger));
            have_label = true;
        } else if (strncmp(line, "totals: ", 8) == 0) {
            *total = strtod(line + 8, NULL);
            have_total = true;
        }
    }
    fclose(f);
    return have_label && have_total;
}

static bool have_valgrind(void)
{
    return system("valgrind --version >/dev/null 2>&1") == 0;
}

uint32_t icount_run(const char *dir, bench_result_t *results, uint32_t nr, const char **why)
{
    *why = NULL;
    if (!HAVE_CALLGRIND) {
        *why = "built without <valgrind/callgrind.h>";
        return 0;
    }
    if (!have_valgrind()) {
        *why = "valgrind is not installed";
        return 0;
    }
    char self[4096];
    ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (l <= 0) {
        *why = "cannot find the harness's own executable";
        return 0;
    }
    self[l] = 0;
    static char out_opt[4200], idx_text[64][12];
    char base[4096];
    snprintf(base, sizeof(base), "%s/icount.%d", dir, (int)getpid());
    snprintf(out_opt, sizeof(out_opt), "--callgrind-out-file=%s", base);
    char *args[96] = {"valgrind", "--tool=callgrind", "--collect-atstart=yes", "--dump-line=no",
                      "--compress-strings=no", "--error-limit=no", out_opt, self,
                      "--icount-child"};
    int na = 9;
    uint32_t counted = 0;
    for (uint32_t i = 0; i < nr && na < 90 && i < 64; i++) {
        if (!icount_applies(results[i].c)) {
            continue;
        }
        snprintf(idx_text[i], sizeof(idx_text[i]), "%u", (unsigned)(results[i].c - bench_cases));
        args[na++] = idx_text[i];
        counted++;
    }
    args[na] = NULL;
    if (!counted) {
        return 0;
    }
    fprintf(stderr, "sel4bridge-bench: counting instructions under callgrind (%u rows, "
                    "SEL4SIM_SPIN_NS=0)\n", (unsigned)counted);
    setenv("SEL4SIM_SPIN_NS", "0", 1);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    char logpath[4200];
    snprintf(logpath, sizeof(logpath), "%s.log", base);
    posix_spawn_file_actions_addopen(&fa, 2, logpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    int rc = posix_spawnp(&pid, "valgrind", &fa, NULL, args, environ);
    posix_spawn_file_actions_destroy(&fa);
    unsetenv("SEL4SIM_SPIN_NS");
    int status = 0;
    if (rc != 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        static char failed[4300];
        snprintf(failed, sizeof(failed), "the callgrind run failed: see %s", logpath);
        *why = failed;
        return 0;
    }
    /* Dumps are <base>.1, <base>.2, ... in the order the child made them. */
    double counts[64][2][2];
    bool seen[64][2][2];
    memset(seen, 0, sizeof(seen));
    for (int d = 1; d < 1000; d++) {
        char path[4200], label[128];
        double total = 0;
        snprintf(path, sizeof(path), "%s.%d", base, d);
        if (!read_dump(path, label, sizeof(label), &total)) {
            break;
        }
        unlink(path);
        unsigned idx, side, n;
        char ok[8];
        if (sscanf(label, "sb-icount %u %u %u %7s", &idx, &side, &n, ok) != 4 ||
            idx >= 64 || side > 1 || strcmp(ok, "ok") != 0) {
            continue;
        }
        counts[idx][side][n == N2] = total;
        seen[idx][side][n == N2] = true;
    }
    unlink(base);
    unlink(logpath);
    uint32_t got = 0;
    for (uint32_t i = 0; i < nr; i++) {
        bench_result_t *r = &results[i];
        uint32_t idx = (uint32_t)(r->c - bench_cases);
        if (!icount_applies(r->c) || idx >= 64 || !seen[idx][0][0] || !seen[idx][0][1] ||
            !seen[idx][1][0] || !seen[idx][1][1]) {
            continue;
        }
        double base_ir = (counts[idx][0][1] - counts[idx][0][0]) / (double)(N2 - N1);
        double bridge_ir = (counts[idx][1][1] - counts[idx][1][0]) / (double)(N2 - N1);
        if (base_ir <= 0 || bridge_ir <= 0) {
            continue;
        }
        r->icount = (bench_icount_t){true, bridge_ir, base_ir, bridge_ir / base_ir,
                                     BENCH_VERDICT_NONE};
        bench_judge(r);
        got++;
    }
    if (!got) {
        *why = "the callgrind run gave no counts";
    }
    return got;
}
