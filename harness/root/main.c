/*
 * The harness as a root task: every case beside its baseline, then the results document written
 * to the console between two marker lines, for harness/extract_results.py to lift out of a
 * serial log. Kernel-agnostic (libsel4 + plat.h only): it runs on seL4 and, unchanged, on the
 * host model, where the tests check its output.
 *
 * On seL4 every measured thread, bridge and baseline alike, is a component in a VSpace of its
 * own ("address_spaces": "separate"); built with SB_BENCH_SHARED_AS they are all threads of the
 * root's VSpace instead ("shared"), so that the two documents show what crossing costs. The host
 * model keeps every thread in one Linux process and cannot separate them: always "shared".
 *
 * Built with SB_BENCH_CROSS_CORE (an seL4 kernel of more than one core) it runs only the cases
 * whose two threads meet through notifications, kick and notify, with each timing thread on
 * core 0 and its peer on core 1, bridge and baseline alike (bench_peer_core).
 */
#include <stdint.h>
#include <string.h>

#include <sel4/sel4.h>
#include <sel4bridge/plat.h>

#include "clock.h"
#include "document.h"
#include "runner.h"
#include "tasks/peer.h"

#ifndef SB_BENCH_KERNEL
#define SB_BENCH_KERNEL "sel4"
#endif
#ifndef SB_BENCH_ARCH
#define SB_BENCH_ARCH "x86_64"
#endif
#ifndef SB_BENCH_PLATFORM
#define SB_BENCH_PLATFORM "pc99"
#endif
#ifndef SB_BENCH_GIT_COMMIT
#define SB_BENCH_GIT_COMMIT "unknown"
#endif
#ifndef SB_BENCH_N
#define SB_BENCH_N 10000u
#endif

#if defined(SB_KERNEL_SEL4) && !defined(SB_BENCH_SHARED_AS)
#define ADDRESS_SPACE PLAT_AS_SEPARATE
#define ADDRESS_SPACES "separate"
#else
#define ADDRESS_SPACE PLAT_AS_SHARED
#define ADDRESS_SPACES "shared"
#endif

#ifdef SB_BENCH_CROSS_CORE
#define PEER_CORE 1u
#define PINNING "two cores: each timing thread on core 0, its peer (server, waiter) on core 1"
#else
#define PEER_CORE 0u
#define PINNING "one core; threads at seL4 priorities, not pinned"
#endif

/* The cases this image runs: all, or across cores those of the kick / completion cycle. */
static bool wanted(const bench_case_t *c)
{
    if (PEER_CORE == 0) {
        return true;
    }
    return strcmp(c->task, "kick") == 0 || strcmp(c->task, "notify") == 0;
}

#define BEGIN_MARK "==== sel4bridge results begin ====\n"
#define END_MARK "==== sel4bridge results end ====\n"

/* The image's exit status, as sel4bridge-bench's: 0 every case measured and every check passed;
 * 1 a correctness check failed; 3 a case it was asked to measure was not measured. */
#define EXIT_CORRECTNESS 1
#define EXIT_NOT_MEASURED 3

static bench_result_t results[32];
/* Left out by design: every case outside the cross-core set, and the Linux mechanisms. */
static bench_skip_t skipped[33];

static void to_console(void *ctx, const char *s, size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++) {
        plat_putchar(s[i]);
    }
}

static void progress(const char *task, const char *variant, const char *impl, uint32_t n)
{
    if (n) {
        plat_printf("sel4bridge-bench: %s/%s: %s, n=%u\n", task, variant, impl, (unsigned)n);
    } else {
        plat_printf("sel4bridge-bench: %s/%s: %s: not measured\n", task, variant, impl);
    }
}

/* One named line per measurement asked for and not made, beside the document on the console
 * (a root task measures no Linux mechanism, so every one has its case). */
static void say_unmeasured(void *ctx, const bench_case_t *c, const char *side,
                           const bench_measurement_t *m)
{
    bench_say_unmeasured(to_console, ctx, c, side, m);
}

/*
 * A version-4 UUID with no entropy source but the cycle counter: the low bits of many counter
 * reads around kernel calls jitter, and the run's start time in cycles differs between runs.
 */
static void make_uuid(char out[37])
{
    static const char hex[] = "0123456789abcdef";
    uint64_t x = plat_cycles() ^ 0x9e3779b97f4a7c15ull;
    uint8_t b[16];
    for (int i = 0; i < 16; i++) {
        seL4_Yield();
        x ^= plat_cycles();
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        b[i] = (uint8_t)(x >> 24);
    }
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    int o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out[o++] = '-';
        }
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[o] = 0;
}

int main(void)
{
    plat_init();
    bench_hooks.progress = progress;
    bench_address_space = ADDRESS_SPACE;
    bench_peer_core = PEER_CORE;
    char run_id[37];
    make_uuid(run_id);

    bench_config_t cfg = {
        .n = SB_BENCH_N,
        .warmup = SB_BENCH_N / 10u < 100u ? 100u : SB_BENCH_N / 10u,
        .overhead = bench_timer_overhead(),
        .timer_hz = plat_timer_hz(),
        /* No time budget: under QEMU's -icount the run is deterministic and every pair the same,
         * so the interval is a point and each verdict a plain yes or no. */
        .pairs = BENCH_PAIRS,
    };
    uint32_t nr = 0, nskipped = 0;
    skipped[nskipped++] = (bench_skip_t){NULL, "a root task: the Linux mechanisms are measured "
                                               "by the host model's sel4bridge-bench"};
    for (uint32_t c = 0; c < bench_case_count && nr < sizeof(results) / sizeof(results[0]); c++) {
        if (wanted(&bench_cases[c])) {
            bench_run_case(&cfg, &bench_cases[c], &results[nr++]);
        } else if (nskipped < sizeof(skipped) / sizeof(skipped[0])) {
            skipped[nskipped++] = (bench_skip_t){&bench_cases[c], "not a cross-core case: "
                                                 "only kick and notify meet across cores"};
        }
    }

    static const bench_kv_t config[] = {
        {"model", BENCH_KV_STRING, SB_BENCH_KERNEL, 0, false},
        {"max_prio", BENCH_KV_NUMBER, NULL, seL4_MaxPrio, false},
    };
    bench_run_info_t info = {
        .run_id = run_id,
        /* No wall clock on a bare root task: the extractor stamps the time it read the log. */
        .started_at = "1970-01-01T00:00:00Z",
        .kernel = SB_BENCH_KERNEL,
        .arch = SB_BENCH_ARCH,
        .platform = SB_BENCH_PLATFORM,
        .cpu = "unknown",
        .timer_hz = cfg.timer_hz,
        .git_commit = SB_BENCH_GIT_COMMIT,
        .git_dirty = -1,
        .kernel_config = config,
        .kernel_config_len = sizeof(config) / sizeof(config[0]),
        .address_spaces = ADDRESS_SPACES,
        .mode = "full",
        .pinning_description = PINNING,
        .warmup = cfg.warmup,
        .n_requested = cfg.n,
        .timer_overhead = cfg.overhead,
        .timer_overhead_method = BENCH_OVERHEAD_METHOD,
        .argv = "root task",
        .pairs = cfg.pairs,
        .skipped = skipped,
        .nskipped = nskipped,
    };
    plat_printf("%s", BEGIN_MARK);
    bench_emit_document(&info, results, nr, NULL, 0, to_console, NULL, false);
    plat_printf("%s", END_MARK);
    uint32_t unmeasured = bench_for_each_unmeasured(results, nr, NULL, 0, say_unmeasured, NULL);
    if (!bench_results_ok(results, nr, NULL, 0)) {
        plat_printf("sel4bridge-bench: CORRECTNESS CHECK FAILED (see correctness)\n");
        plat_exit(EXIT_CORRECTNESS);
    }
    if (unmeasured > 0) {
        plat_printf("sel4bridge-bench: FAILED: %u of the measurements asked for not made\n",
                    (unsigned)unmeasured);
        plat_exit(EXIT_NOT_MEASURED);
    }
    plat_exit(0);
}
