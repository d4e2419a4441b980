/*
 * sel4bridge-bench: the harness on the host model. Runs the six tasks beside their raw baselines
 * (and the Linux mechanisms), prints a table, writes results/<run_id>.json and
 * results/latest.json, and exits non-zero when a correctness check failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sel4bridge/plat.h>

#include "clock.h"
#include "document.h"
#include "host.h"

#define EXIT_CORRECTNESS 1 /* a lost or duplicated message, a use after revoke, a kernel error */
#define EXIT_USAGE 2
#define EXIT_FAILED 3      /* a measurement could not run, or the results could not be written */

#define FULL_N 100000u
#define QUICK_N 5000u

static bench_result_t results[64];
static bench_measurement_t linux_results[LINUX_BASELINE_COUNT];

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
            "  --list          list the cases and exit\n"
            "Exit status: 0 ok; 1 a correctness check failed; 2 usage; 3 a measurement failed.\n",
            QUICK_N, FULL_N, (unsigned)BENCH_MAX_SAMPLES);
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
    } else if (p->b) {
        snprintf(buf, len, "b=%u", p->b);
    } else {
        snprintf(buf, len, "-");
    }
    return buf;
}

static void progress(const char *task, const char *variant, const char *impl, uint32_t n)
{
    static unsigned step;
    if (n) {
        fprintf(stderr, "[%3u] %s/%s: %s, n=%u\n", ++step, task, variant, impl, n);
    } else {
        fprintf(stderr, "[%3u] %s/%s: %s: not measured\n", ++step, task, variant, impl);
    }
}

static void print_row(const char *label, const char *params, const bench_measurement_t *m,
                      const char *tail)
{
    if (m->status != BENCH_MEASURED) {
        printf("%-16s %-6s %-30s %-12s  %s%s\n", label, params, m->name,
               m->status == BENCH_NOT_MEASURED ? "not measured" : "FAILED",
               m->status_reason ? m->status_reason : "", tail);
        return;
    }
    const bench_stats_t *s = &m->summary.stats;
    printf("%-16s %-6s %-30s %7u %10llu %10llu %10llu %10llu %-9s%s\n", label, params, m->name,
           s->n, (unsigned long long)s->p50, (unsigned long long)s->p95,
           (unsigned long long)s->p99, (unsigned long long)s->p999,
           m->unit == BENCH_UNIT_REQ_PER_S ? "req/s" : "cycles", tail);
}

static void print_table(const bench_result_t *r, uint32_t nr, const bench_measurement_t *lx,
                        uint32_t nlx, uint64_t hz)
{
    printf("\n%-16s %-6s %-30s %7s %10s %10s %10s %10s %-9s %7s %7s %s\n", "task/variant",
           "params", "implementation", "n", "p50", "p95", "p99", "p99.9", "unit", "ratio",
           "target", "met");
    for (uint32_t i = 0; i < nr; i++) {
        const bench_case_t *c = r[i].c;
        char label[64], params[16], tail[96];
        snprintf(label, sizeof(label), "%s/%s", c->task, c->variant);
        params_text(&c->params, params, sizeof(params));
        const char *met = r[i].met < 0 ? "-" : r[i].met ? "yes" : "NO";
        if (r[i].have_ratio) {
            snprintf(tail, sizeof(tail), " %7.3f %7.2f %s", r[i].overhead_ratio,
                     c->target.ratio_max, met);
        } else {
            snprintf(tail, sizeof(tail), "   (target ratio %.2f, met %s)", c->target.ratio_max,
                     met);
        }
        print_row(label, params, &r[i].bridge, tail);
        print_row("  baseline", "", &r[i].baseline, "");
    }
    if (nlx) {
        printf("\nLinux mechanisms on this host (same clock):\n");
        for (uint32_t i = 0; i < nlx; i++) {
            char tail[48];
            snprintf(tail, sizeof(tail), " beside %s", lx[i].related_task);
            print_row("  linux", "", &lx[i], tail);
        }
    }
    printf("\ncycles at %.3f GHz: 1000 cycles = %.1f ns\n", (double)hz / 1e9, 1e12 / (double)hz);
}

static void to_file(void *ctx, const char *s, size_t len)
{
    fwrite(s, 1, len, (FILE *)ctx);
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

int main(int argc, char **argv)
{
    uint32_t n = FULL_N, warmup = 0;
    bool quick = false, custom = false, linux_on = true, list = false;
    const char *out = "results";
    pin_policy_t pin = PIN_SPLIT;
    static const struct option opts[] = {
        {"quick", no_argument, NULL, 'q'},      {"n", required_argument, NULL, 'n'},
        {"warmup", required_argument, NULL, 'w'}, {"out", required_argument, NULL, 'o'},
        {"pin", required_argument, NULL, 'p'},  {"no-linux", no_argument, NULL, 'L'},
        {"list", no_argument, NULL, 'l'},       {"help", no_argument, NULL, 'h'},
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
            char params[16];
            printf("%-8s %-8s %-6s %-20s vs %-18s  target: %s\n", k->task, k->variant,
                   params_text(&k->params, params, sizeof(params)), k->bridge->name,
                   k->baseline->name, k->target.description);
        }
        return 0;
    }
    if (warmup == 0) {
        warmup = n / 10u < 100u ? 100u : n / 10u;
    }

    char run_id[40], started[32], finished[32], cpu[256], commit[48], cmdline[1024] = "";
    host_uuid4(run_id, sizeof(run_id));
    host_utc_now(started, sizeof(started));
    for (int i = 0; i < argc; i++) {
        size_t l = strlen(cmdline);
        snprintf(cmdline + l, sizeof(cmdline) - l, "%s%s", i ? " " : "", argv[i]);
    }

    plat_init();
    int cpus = host_cpu_count();
    pin_configure(pin, cpus);
    bench_hooks.pin = pin_thread;
    bench_hooks.progress = progress;

    bench_config_t cfg = {
        .n = n, .warmup = warmup, .overhead = bench_timer_overhead(), .timer_hz = plat_timer_hz(),
    };
    fprintf(stderr, "sel4bridge-bench: run %s, n=%u, warm-up %u, timer overhead %llu cycles, "
                    "%s\n", run_id, n, warmup, (unsigned long long)cfg.overhead, pin_describe());

    uint32_t nr = 0;
    for (uint32_t c = 0; c < bench_case_count && nr < sizeof(results) / sizeof(results[0]); c++) {
        if (selected(&bench_cases[c], sel, nsel) && (!quick || bench_cases[c].quick)) {
            bench_run_case(&cfg, &bench_cases[c], &results[nr++]);
        }
    }
    uint32_t nlx = linux_on ? linux_baselines_run(&cfg, linux_results) : 0;
    host_utc_now(finished, sizeof(finished));

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
    bench_run_info_t info = {
        .run_id = run_id,
        .started_at = started,
        .finished_at = finished,
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
    };

    print_table(results, nr, linux_results, nlx, cfg.timer_hz);

    char name[64];
    snprintf(name, sizeof(name), "%s.json", run_id);
    if (make_dirs(out) != 0 || write_document(out, name, &info, nr, nlx) != 0 ||
        write_document(out, "latest.json", &info, nr, nlx) != 0) {
        return EXIT_FAILED;
    }
    fprintf(stderr, "sel4bridge-bench: wrote %s/%s and %s/latest.json\n", out, name, out);

    bool ok = bench_results_ok(results, nr, linux_results, nlx);
    bool failed = false;
    for (uint32_t i = 0; i < nr; i++) {
        failed |= results[i].bridge.status == BENCH_FAILED ||
                  results[i].baseline.status == BENCH_FAILED;
    }
    for (uint32_t i = 0; i < nlx; i++) {
        failed |= linux_results[i].status == BENCH_FAILED;
    }
    if (!ok) {
        fprintf(stderr, "sel4bridge-bench: CORRECTNESS CHECK FAILED (see correctness in %s/%s)\n",
                out, name);
        return EXIT_CORRECTNESS;
    }
    if (failed) {
        fprintf(stderr, "sel4bridge-bench: a measurement failed (see status_reason)\n");
        return EXIT_FAILED;
    }
    return 0;
}
