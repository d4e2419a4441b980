/*
 * sel4bridge-bench: the harness on the host model. Runs the six tasks beside their raw baselines
 * (and the Linux mechanisms), prints a table, writes results/<run_id>.json and
 * results/latest.json, and exits non-zero when a correctness check failed or a measurement it
 * was asked for was not made.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sel4bridge/plat.h>

#include "clock.h"
#include "document.h"
#include "host.h"

#define EXIT_CORRECTNESS 1 /* a lost or duplicated message, a use after revoke, a kernel error */
#define EXIT_USAGE 2
#define EXIT_FAILED 3      /* a measurement asked for was not made (a fault, a setup that could
                            * not be made, a hang, no implementation), or the results could not
                            * be written */

#define FULL_N 100000u
#define QUICK_N 5000u
#define QUICK_BUDGET_S 10u
#define FULL_BUDGET_S 120u
#define HUNG_WINDOW_S 60u

static bench_result_t results[64];
static bench_measurement_t linux_results[LINUX_BASELINE_COUNT];
/* Left out by design: the Linux mechanisms under --no-linux, cases outside the --quick set. */
static bench_skip_t skipped[65];

static void usage(FILE *f)
{
    fprintf(f,
            "usage: sel4bridge-bench [options] [TASK[/VARIANT] ...]\n"
            "Measures each task through the bridge beside its raw-kernel baseline, on the host\n"
            "model; TASKs are call, cap_call, grant, notify, kick, revoke (all by default).\n"
            "  --quick         n = %u, for a check in well under a minute\n"
            "  -n, --n N       timed iterations per measurement (default %u, at most %u)\n"
            "  --warmup W      discarded iterations before each (default n/10, at least 100)\n"
            "  --out DIR       results directory (default ./results)\n"
            "  --pin POLICY    split (timing thread CPU 0, peer CPU 1; the default), same, none\n"
            "  --no-linux      skip the Linux baselines\n"
            "  --budget S      time budget of one case, both sides (default %u with --quick, else\n"
            "                  %u); a case that progresses slowly is measured with fewer samples\n"
            "  --timeout S     a case in which no iteration completed for S seconds is reported\n"
            "                  hung and the run ends with what it has (default %u)\n"
            "  --no-icount     no instruction counts under callgrind (cycles decide every verdict)\n"
            "  --list          list the cases and exit\n"
            "Exit status: 0 ok; 1 a correctness check failed; 2 usage; 3 a measurement asked\n"
            "for was not made (each is named on stderr and in the results' unmeasured).\n",
            QUICK_N, FULL_N, (unsigned)BENCH_MAX_SAMPLES, QUICK_BUDGET_S, FULL_BUDGET_S,
            HUNG_WINDOW_S);
}

static bool selected(const bench_case_t *c, char **sel, int nsel)
{
    if (nsel == 0) {
        return true;
    }
    for (int i = 0; i < nsel; i++) {
        size_t tl = strlen(c->task);
        if (strcmp(sel[i], c->task) == 0 ||
            (strncmp(sel[i], c->task, tl) == 0 && sel[i][tl] == '/' &&
             strcmp(sel[i] + tl + 1, c->variant) == 0)) {
            return true;
        }
    }
    return false;
}

static const char *params_text(const bench_params_t *p, char *buf, size_t len)
{
    if (p->k) {
        snprintf(buf, len, "k=%u", p->k);
    } else if (p->b && p->bytes) {
        snprintf(buf, len, "b=%u,%uB", p->b, p->bytes);
    } else if (p->b) {
        snprintf(buf, len, "b=%u", p->b);
    } else if (p->bytes) {
        snprintf(buf, len, "%uB", p->bytes);
    } else {
        snprintf(buf, len, "-");
    }
    return buf;
}

static void progress(const char *task, const char *variant, const char *impl, uint32_t n)
{
    static unsigned step;
    if (n) {
        fprintf(stderr, "[%3u] %s/%s: %s, n=%u in blocks\n", ++step, task, variant, impl, n);
    } else {
        fprintf(stderr, "[%3u] %s/%s: %s: not measured\n", ++step, task, variant, impl);
    }
}

static void print_row(const char *label, const char *params, const bench_measurement_t *m,
                      const char *tail)
{
    if (m->status != BENCH_MEASURED) {
        printf("%-16s %-6s %-22s %-12s  %s%s\n", label, params, m->name,
               m->status == BENCH_NOT_MEASURED ? "not measured" : "FAILED",
               m->status_reason ? m->status_reason : "", tail);
        return;
    }
    const bench_stats_t *s = &m->summary.stats;
    printf("%-16s %-6s %-22s %6u %10llu %10llu %10llu %10llu %-6s%s\n", label, params, m->name,
           s->n, (unsigned long long)s->p50, (unsigned long long)s->p95,
           (unsigned long long)s->p99, (unsigned long long)s->p999,
           m->unit == BENCH_UNIT_REQ_PER_S ? "req/s" : "cycles", tail);
}

/* "yes", "NO", "inconclusive", "-": NO in capitals, as a failure should read. */
static const char *verdict_text(bench_verdict_t v)
{
    switch (v) {
    case BENCH_VERDICT_YES:
        return "yes";
    case BENCH_VERDICT_NO:
        return "NO";
    case BENCH_VERDICT_INCONCLUSIVE:
        return "inconclusive";
    case BENCH_VERDICT_NONE:
        break;
    }
    return "-";
}

/* What follows the figures of a bridge row: ratio, interval, target, verdict and its basis. */
static void row_tail(const bench_result_t *r, char *tail, size_t len)
{
    const bench_case_t *c = r->c;
    size_t o = 0;
    if (r->have_ratio) {
        o += (size_t)snprintf(tail + o, len - o, " %6.3f [%6.3f,%6.3f] %6.2f", r->overhead_ratio,
                              r->ci.lo, r->ci.hi, c->target.ratio_max);
    } else {
        o += (size_t)snprintf(tail + o, len - o, "   (target ratio %.2f)", c->target.ratio_max);
    }
    o += (size_t)snprintf(tail + o < tail + len ? tail + o : tail, o < len ? len - o : 0,
                          " %s", verdict_text(r->verdict));
    if (o < len && r->verdict_basis && strcmp(r->verdict_basis, "instructions") == 0) {
        o += (size_t)snprintf(tail + o, len - o, " by instructions %.3f (%.0f/%.0f; cycles: %s)",
                              r->icount.ratio, r->icount.bridge, r->icount.baseline,
                              verdict_text(r->cycles_verdict));
    } else if (o < len && r->verdict_basis && strcmp(r->verdict_basis, "correctness") == 0) {
        o += (size_t)snprintf(tail + o, len - o, " (a correctness check failed)");
    } else if (o < len && r->have_ratio && r->ci.level < BENCH_CI_LEVEL) {
        o += (size_t)snprintf(tail + o, len - o, " (%u of %u pairs: too few for a 95%% interval)",
                              (unsigned)r->ci.pairs, (unsigned)r->pairs_planned);
    }
    if (o < len && r->loaded && r->verdict_basis && strcmp(r->verdict_basis, "cycles") == 0) {
        o += (size_t)snprintf(tail + o, len - o, " [loaded machine; the interval alone: %s]",
                              verdict_text(r->cycles_verdict));
    }
    if (o < len && r->bridge.status == BENCH_MEASURED &&
        (r->bridge.budget_limited || r->baseline.budget_limited)) {
        snprintf(tail + o, len - o, " [time budget: n %u of %u, %u of %u pairs]",
                 (unsigned)r->bridge.summary.stats.n, (unsigned)r->bridge.n_planned,
                 (unsigned)r->pairs, (unsigned)r->pairs_planned);
    }
}

static void print_table(const bench_result_t *r, uint32_t nr, const bench_measurement_t *lx,
                        uint32_t nlx, uint64_t hz, const bench_machine_t *machine)
{
    printf("\n%-16s %-6s %-22s %6s %10s %10s %10s %10s %-6s %6s %-15s %6s %s\n", "task/variant",
           "params", "implementation", "n", "p50", "p95", "p99", "p99.9", "unit", "ratio",
           "95% interval", "target", "met");
    for (uint32_t i = 0; i < nr; i++) {
        const bench_case_t *c = r[i].c;
        char label[64], params[32], tail[320];
        snprintf(label, sizeof(label), "%s/%s", c->task, c->variant);
        params_text(&c->params, params, sizeof(params));
        row_tail(&r[i], tail, sizeof(tail));
        print_row(label, params, &r[i].bridge, tail);
        print_row("  baseline", "", &r[i].baseline,
                  r[i].baseline.budget_limited && r[i].bridge.status != BENCH_MEASURED
                      ? " [time budget: fewer samples]" : "");
    }
    if (nlx) {
        printf("\nLinux mechanisms on this host (same clock):\n");
        for (uint32_t i = 0; i < nlx; i++) {
            char tail[96];
            snprintf(tail, sizeof(tail), " beside %s%s", lx[i].related_task,
                     lx[i].budget_limited ? " [time budget: fewer samples]" : "");
            print_row("  linux", "", &lx[i], tail);
        }
    }
    printf("\nratio: median of %u paired blocks (bridge block p50 / baseline block p50); interval:"
           " 95%% sign-test interval of that median;\nmet: yes if the whole interval is at most"
           " the target, NO if all of it is above, else inconclusive; where callgrind counted\n"
           "instructions, their ratio decides (deterministic) and the cycles' verdict is shown"
           " beside it;\non a loaded machine a verdict decided by cycles is inconclusive (the"
           " samples time waits for a CPU).\n", (unsigned)BENCH_PAIRS);
    if (machine->have_load) {
        printf("machine: load average %.2f at the start, %.2f at the end, %u CPUs%s%s: %s\n",
               machine->load_start[0], machine->load_end[0], (unsigned)machine->cpus_end,
               machine->governor ? ", governor " : "", machine->governor ? machine->governor : "",
               machine->loaded ? "LOADED: verdicts decided by cycles are inconclusive"
                               : "not loaded");
    }
    printf("cycles at %.3f GHz: 1000 cycles = %.1f ns\n", (double)hz / 1e9, 1e12 / (double)hz);
}

static void to_file(void *ctx, const char *s, size_t len)
{
    fwrite(s, 1, len, (FILE *)ctx);
}

/* One named line per measurement asked for and not made, on stderr. */
static void say_unmeasured(void *ctx, const bench_case_t *c, const char *side,
                           const bench_measurement_t *m)
{
    bench_say_unmeasured(to_file, ctx, c, side, m);
}

static int write_document(const char *dir, const char *name, const bench_run_info_t *info,
                          uint32_t nr, uint32_t nlx)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fprintf(stderr, "sel4bridge-bench: cannot write %s: %s\n", tmp, strerror(errno));
        return -1;
    }
    bench_emit_document(info, results, nr, linux_results, nlx, to_file, f, true);
    /* Written whole, then renamed: a reader never sees half a document. */
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "sel4bridge-bench: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int make_dirs(const char *dir)
{
    char p[4096];
    snprintf(p, sizeof(p), "%s", dir);
    for (char *s = p + 1; *s; s++) {
        if (*s == '/') {
            *s = 0;
            mkdir(p, 0755);
            *s = '/';
        }
    }
    if (mkdir(p, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "sel4bridge-bench: cannot create %s: %s\n", dir, strerror(errno));
        return -1;
    }
    return 0;
}

#define MAX_CASES 64u

/* The run as a whole: what finish() needs, whether from main or from the watchdog. */
static struct {
    bench_run_info_t info;
    char finished[32];
    const char *out;
    const bench_case_t *cases[MAX_CASES];
    uint32_t ncases;
    uint32_t nlx;
    _Atomic uint32_t current; /* the case being measured; UINT32_MAX when none */
    _Atomic uint32_t done;    /* cases finished */
    pthread_mutex_t finishing; /* held by whoever writes the results: main or the watchdog */
    bench_machine_t machine;
} run = {.current = UINT32_MAX, .finishing = PTHREAD_MUTEX_INITIALIZER};

static uint64_t now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec;
}

/* Table, documents, exit status. With @hung, cases from run.done on are reported as failed. */
static int finish(uint32_t nr, bool hung)
{
    host_utc_now(run.finished, sizeof(run.finished));
    machine_end(&run.machine);
    for (uint32_t i = 0; run.machine.loaded && i < nr; i++) {
        results[i].loaded = true;
        bench_judge(&results[i]);
    }
    /* The table whole on stdout, flushed, before any closing line on stderr: in a terminal the
     * two never interleave. */
    fflush(stderr);
    print_table(results, nr, linux_results, run.nlx, run.info.timer_hz, &run.machine);
    fflush(stdout);
    char name[64];
    snprintf(name, sizeof(name), "%s.json", run.info.run_id);
    if (make_dirs(run.out) != 0 || write_document(run.out, name, &run.info, nr, run.nlx) != 0 ||
        write_document(run.out, "latest.json", &run.info, nr, run.nlx) != 0) {
        return EXIT_FAILED;
    }
    fprintf(stderr, "sel4bridge-bench: wrote %s/%s and %s/latest.json\n", run.out, name, run.out);

    /* A hang marks its case and every later one failed: they are among these. */
    uint32_t unmeasured = bench_for_each_unmeasured(results, nr, linux_results, run.nlx,
                                                    say_unmeasured, stderr);
    if (!bench_results_ok(results, nr, linux_results, run.nlx)) {
        fprintf(stderr, "sel4bridge-bench: CORRECTNESS CHECK FAILED (see correctness in %s/%s)\n",
                run.out, name);
        return EXIT_CORRECTNESS;
    }
    if (unmeasured > 0 || hung) {
        fprintf(stderr, "sel4bridge-bench: FAILED: %u of the measurements asked for not made "
                        "(unmeasured in %s/%s)\n", (unsigned)unmeasured, run.out, name);
        return EXIT_FAILED;
    }
    return 0;
}

static void mark_not_run(bench_measurement_t *m, const bench_impl_t *impl, bench_unit_t unit,
                         const char *why)
{
    if (m->status == BENCH_MEASURED && m->summary.stats.n > 0) {
        return; /* finished before the hang */
    }
    memset(m, 0, sizeof(*m));
    m->name = impl ? impl->name : "none";
    m->description = impl ? impl->description : NULL;
    m->unit = unit;
    m->status = impl && impl->measure ? BENCH_FAILED : BENCH_NOT_MEASURED;
    m->status_reason = impl && impl->measure ? why : (impl ? impl->not_measured_reason : why);
}

/*
 * A measurement that never ends (a lost wake-up in an implementation, a deadlock) must not leave
 * the run without results. Slow is not stuck: the watchdog watches bench_progress (iterations
 * recorded, blocks started), and only when none completed for the whole window does it report
 * the case as hung, the rest as not run, write everything measured so far and end the process.
 * A case that merely progresses slowly is cut by the runner's time budget instead.
 */
static uint32_t watchdog_limit;
static void *watchdog(void *arg)
{
    (void)arg;
    uint64_t last = atomic_load(&bench_progress);
    uint64_t since = now_s();
    for (;;) {
        sleep(1);
        uint64_t p = atomic_load(&bench_progress);
        uint32_t cur = atomic_load(&run.current);
        if (p != last || cur == UINT32_MAX) {
            last = p;
            since = now_s();
            continue;
        }
        if (now_s() - since < watchdog_limit) {
            continue;
        }
        if (pthread_mutex_trylock(&run.finishing) != 0) {
            return NULL; /* main is already writing the results */
        }
        static char why[200];
        snprintf(why, sizeof(why), "no iteration completed for %u s (%llu before): the "
                 "measurement hung (a lost wake-up or a deadlock); the process was ended",
                 watchdog_limit, (unsigned long long)p);
        fprintf(stderr, "sel4bridge-bench: %s/%s %s\n", run.cases[cur]->task,
                run.cases[cur]->variant, why);
        host_report_hang(stderr);
        for (uint32_t i = cur; i < run.ncases; i++) {
            const bench_case_t *c = run.cases[i];
            const char *reason = i == cur ? why : "not run: an earlier measurement hung";
            results[i].c = c;
            mark_not_run(&results[i].baseline, c->baseline, c->unit, reason);
            mark_not_run(&results[i].bridge, c->bridge, c->unit, reason);
            bench_judge(&results[i]);
        }
        int rc = finish(run.ncases, true);
        fflush(stdout);
        fflush(stderr);
        _exit(rc == 0 ? EXIT_FAILED : rc);
    }
}

static void watchdog_start(uint32_t limit)
{
    watchdog_limit = limit;
    pthread_t t;
    if (pthread_create(&t, NULL, watchdog, NULL) == 0) {
        pthread_detach(t);
    }
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "--icount-child") == 0) {
        return icount_child(argc - 2, argv + 2);
    }
    uint32_t n = FULL_N, warmup = 0, timeout_s = 0, budget_s = 0;
    bool quick = false, custom = false, linux_on = true, list = false, icount_on = true;
    const char *out = "results";
    pin_policy_t pin = PIN_SPLIT;
    static const struct option opts[] = {
        {"quick", no_argument, NULL, 'q'},      {"n", required_argument, NULL, 'n'},
        {"warmup", required_argument, NULL, 'w'}, {"out", required_argument, NULL, 'o'},
        {"pin", required_argument, NULL, 'p'},  {"no-linux", no_argument, NULL, 'L'},
        {"list", no_argument, NULL, 'l'},       {"help", no_argument, NULL, 'h'},
        {"timeout", required_argument, NULL, 't'}, {"budget", required_argument, NULL, 'b'},
        {"no-icount", no_argument, NULL, 'I'},
        {NULL, 0, NULL, 0},
    };
    int o;
    while ((o = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
        char *end;
        switch (o) {
        case 'q':
            quick = true;
            n = QUICK_N;
            break;
        case 'n':
            n = (uint32_t)strtoul(optarg, &end, 10);
            if (*end || n == 0 || n > BENCH_MAX_SAMPLES) {
                fprintf(stderr, "sel4bridge-bench: --n wants 1..%u, not '%s'\n",
                        (unsigned)BENCH_MAX_SAMPLES, optarg);
                return EXIT_USAGE;
            }
            custom = true;
            break;
        case 'w':
            warmup = (uint32_t)strtoul(optarg, &end, 10);
            if (*end) {
                fprintf(stderr, "sel4bridge-bench: --warmup wants a number, not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            custom = true;
            break;
        case 'o':
            out = optarg;
            break;
        case 'p':
            if (strcmp(optarg, "split") == 0) {
                pin = PIN_SPLIT;
            } else if (strcmp(optarg, "same") == 0) {
                pin = PIN_SAME;
            } else if (strcmp(optarg, "none") == 0) {
                pin = PIN_NONE;
            } else {
                fprintf(stderr, "sel4bridge-bench: --pin wants split, same or none\n");
                return EXIT_USAGE;
            }
            break;
        case 'L':
            linux_on = false;
            break;
        case 't':
            timeout_s = (uint32_t)strtoul(optarg, &end, 10);
            if (*end || timeout_s == 0) {
                fprintf(stderr, "sel4bridge-bench: --timeout wants seconds, not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'b':
            budget_s = (uint32_t)strtoul(optarg, &end, 10);
            if (*end || budget_s == 0) {
                fprintf(stderr, "sel4bridge-bench: --budget wants seconds, not '%s'\n", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'I':
            icount_on = false;
            break;
        case 'l':
            list = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    char **sel = argv + optind;
    int nsel = argc - optind;
    for (int i = 0; i < nsel; i++) {
        bool any = false;
        for (uint32_t c = 0; c < bench_case_count; c++) {
            any |= selected(&bench_cases[c], &sel[i], 1);
        }
        if (!any) {
            fprintf(stderr, "sel4bridge-bench: no task '%s' (try --list)\n", sel[i]);
            return EXIT_USAGE;
        }
    }
    if (list) {
        for (uint32_t c = 0; c < bench_case_count; c++) {
            const bench_case_t *k = &bench_cases[c];
            char params[32];
            printf("%-8s %-8s %-6s %-20s vs %-18s  target: %s\n", k->task, k->variant,
                   params_text(&k->params, params, sizeof(params)), k->bridge->name,
                   k->baseline->name, k->target.description);
        }
        return 0;
    }
    if (warmup == 0) {
        warmup = n / 10u < 100u ? 100u : n / 10u;
    }

    char run_id[40], started[32], cpu[256], commit[48], cmdline[1024] = "";
    host_uuid4(run_id, sizeof(run_id));
    host_utc_now(started, sizeof(started));
    for (int i = 0; i < argc; i++) {
        size_t l = strlen(cmdline);
        snprintf(cmdline + l, sizeof(cmdline) - l, "%s%s", i ? " " : "", argv[i]);
    }

    machine_start(&run.machine);
    plat_init();
    int cpus = host_cpu_count();
    pin_configure(pin, cpus);
    bench_hooks.pin = pin_thread;
    bench_hooks.progress = progress;
    bench_hooks.now = plat_cycles;

    if (budget_s == 0) {
        budget_s = n <= QUICK_N ? QUICK_BUDGET_S : FULL_BUDGET_S;
    }
    bench_config_t cfg = {
        .n = n, .warmup = warmup, .overhead = bench_timer_overhead(), .timer_hz = plat_timer_hz(),
        .pairs = BENCH_PAIRS,
    };
    cfg.budget_cycles = (uint64_t)budget_s * cfg.timer_hz;
    fprintf(stderr, "sel4bridge-bench: run %s, n=%u in %u pairs of blocks, warm-up %u, time "
                    "budget %u s per case, timer overhead %llu cycles, %s; load average %.2f on "
                    "%d CPUs\n", run_id, n, (unsigned)BENCH_PAIRS, warmup, budget_s,
            (unsigned long long)cfg.overhead, pin_describe(), run.machine.load_start[0], cpus);

    int dirty;
    static const bench_kv_t kernel_config[] = {
        {"model", BENCH_KV_STRING, "sim", 0, false},
        {"description", BENCH_KV_STRING,
         "host model of non-MCS seL4 on Linux: kernel objects in a library, threads are pthreads",
         0, false},
        {"mcs", BENCH_KV_BOOL, NULL, 0, false},
        {"fastpath", BENCH_KV_BOOL, NULL, 0, false},
        {"max_prio", BENCH_KV_NUMBER, NULL, seL4_MaxPrio, false},
        {"build", BENCH_KV_STRING, SB_BUILD_TYPE, 0, false},
    };
    run.info = (bench_run_info_t){
        .run_id = run_id,
        .started_at = started,
        .finished_at = run.finished,
        .kernel = "sim",
        .arch = SB_ARCH,
        .platform = "linux",
        .cpu = host_cpu_model(cpu, sizeof(cpu)),
        .cpu_count = (uint32_t)cpus,
        .timer_hz = cfg.timer_hz,
        .git_commit = host_git_commit(commit, sizeof(commit), &dirty),
        .git_dirty = dirty,
        .kernel_config = kernel_config,
        .kernel_config_len = sizeof(kernel_config) / sizeof(kernel_config[0]),
        /* One Linux process: the host model cannot give a thread a VSpace of its own
         * (docs/isolation.md), so every peer runs with bench_address_space's default. */
        .address_spaces = "shared",
        .mode = custom || nsel ? "custom" : quick ? "quick" : "full",
        .quick = quick,
        .pinning_enabled = pin != PIN_NONE,
        .pinning_description = pin_describe(),
        .warmup = warmup,
        .n_requested = n,
        .timer_overhead = cfg.overhead,
        .timer_overhead_method = BENCH_OVERHEAD_METHOD,
        .argv = cmdline,
        .pairs = BENCH_PAIRS,
        .budget_s = budget_s,
        .machine = &run.machine,
    };
    run.out = out;
    uint32_t nskipped = 0;
    if (!linux_on) {
        skipped[nskipped++] = (bench_skip_t){NULL, "--no-linux"};
    }
    for (uint32_t c = 0; c < bench_case_count && run.ncases < MAX_CASES; c++) {
        if (!selected(&bench_cases[c], sel, nsel)) {
            continue; /* not asked for: neither measured nor skipped */
        }
        if (!quick || bench_cases[c].quick) {
            run.cases[run.ncases++] = &bench_cases[c];
        } else if (nskipped < sizeof(skipped) / sizeof(skipped[0])) {
            skipped[nskipped++] = (bench_skip_t){&bench_cases[c], "not in the --quick set"};
        }
    }
    run.info.skipped = skipped;
    run.info.nskipped = nskipped;
    watchdog_start(timeout_s ? timeout_s : HUNG_WINDOW_S);

    for (uint32_t i = 0; i < run.ncases; i++) {
        atomic_store(&run.current, i);
        bench_run_case(&cfg, run.cases[i], &results[i]);
        atomic_store(&run.done, i + 1u);
    }
    atomic_store(&run.current, UINT32_MAX);
    /* A Linux mechanism is one side, not a pair: half a case's budget. */
    bench_config_t lcfg = cfg;
    lcfg.budget_cycles = cfg.budget_cycles / 2u;
    run.nlx = linux_on ? linux_baselines_run(&lcfg, linux_results) : 0;
    if (icount_on && make_dirs(out) == 0) {
        const char *why;
        if (icount_run(out, results, run.ncases, &why) > 0) {
            run.info.icount_method = icount_method;
        } else if (why) {
            fprintf(stderr, "sel4bridge-bench: no instruction counts (%s): cycles decide every "
                            "verdict\n", why);
        }
    }
    pthread_mutex_lock(&run.finishing);
    return finish(run.ncases, false);
}
