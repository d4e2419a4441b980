/*
 * Cost of encoding and decoding the null call (PingRequest) and the open-session reply, each
 * into/from a 120-word array like seL4's message registers. Not a test: prints ns per operation
 * (median of runs). Under `valgrind --tool=callgrind` run it with a small count and read each
 * bench_* function's inclusive instructions divided by the count.
 *
 * usage: codec_bench [iterations per run, default 2000000]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bridge.capnp.h"

#define MSG_MAX_LENGTH 120 /* seL4_MsgMaxLength */

static uint64_t mr[MSG_MAX_LENGTH];
static size_t mr_len;
static volatile uint64_t sink;

__attribute__((noinline)) void bench_encode_ping(void)
{
    sb_codec_builder_t b;
    size_t n = 0;
    sb_codec_builder_init(&b, mr, MSG_MAX_LENGTH);
    (void)bridge_PingRequest_init_root(&b);
    if (sb_codec_builder_finish(&b, &n) != SB_CODEC_OK)
        abort();
    mr_len = n;
}

__attribute__((noinline)) void bench_decode_ping(void)
{
    sb_codec_reader_t msg;
    bridge_PingRequest_reader_t r;
    sb_codec_reader_init(&msg, mr, mr_len);
    if (bridge_PingRequest_read_root(&msg, &r) != SB_CODEC_OK)
        abort();
}

__attribute__((noinline)) void bench_encode_open_reply(void)
{
    sb_codec_builder_t b;
    bridge_OpenSessionReply_builder_t o;
    size_t n = 0;
    sb_codec_builder_init(&b, mr, MSG_MAX_LENGTH);
    o = bridge_OpenSessionReply_init_root(&b);
    bridge_OpenSessionReply_set_session(o, 7);
    bridge_OpenSessionReply_set_bundleCaps(o, 6);
    bridge_OpenSessionReply_set_cnodeSizeBits(o, 4);
    bridge_OpenSessionReply_set_frameSizeBits(o, 12);
    bridge_OpenSessionReply_set_firstFrameSlot(o, 2);
    bridge_OpenSessionReply_set_frameCount(o, 4);
    bridge_OpenSessionReply_set_requestRingFrame(o, 0);
    bridge_OpenSessionReply_set_completionRingFrame(o, 2);
    bridge_OpenSessionReply_set_kickSlot(o, 0);
    bridge_OpenSessionReply_set_completionSlot(o, 1);
    bridge_OpenSessionReply_set_ringDepth(o, 64);
    bridge_OpenSessionReply_set_phase(o, bridge_Phase_signalWhenAsked);
    if (sb_codec_builder_finish(&b, &n) != SB_CODEC_OK)
        abort();
    mr_len = n;
}

__attribute__((noinline)) void bench_decode_open_reply(void)
{
    sb_codec_reader_t msg;
    bridge_OpenSessionReply_reader_t r;
    uint64_t s = 0;
    sb_codec_reader_init(&msg, mr, mr_len);
    if (bridge_OpenSessionReply_read_root(&msg, &r) != SB_CODEC_OK)
        abort();
    s += bridge_OpenSessionReply_get_session(r);
    s += bridge_OpenSessionReply_get_bundleCaps(r);
    s += bridge_OpenSessionReply_get_cnodeSizeBits(r);
    s += bridge_OpenSessionReply_get_frameSizeBits(r);
    s += bridge_OpenSessionReply_get_firstFrameSlot(r);
    s += bridge_OpenSessionReply_get_frameCount(r);
    s += bridge_OpenSessionReply_get_requestRingFrame(r);
    s += bridge_OpenSessionReply_get_completionRingFrame(r);
    s += bridge_OpenSessionReply_get_kickSlot(r);
    s += bridge_OpenSessionReply_get_completionSlot(r);
    s += bridge_OpenSessionReply_get_ringDepth(r);
    s += bridge_OpenSessionReply_get_phase(r);
    sink = s;
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median over 9 runs of the mean ns per call. */
static double measure(void (*fn)(void), long iters)
{
    double runs[9];
    int r;
    long i;
    for (r = 0; r < 9; r++) {
        double t0 = now_ns();
        for (i = 0; i < iters; i++)
            fn();
        runs[r] = (now_ns() - t0) / (double)iters;
    }
    qsort(runs, 9, sizeof *runs, cmp);
    return runs[4];
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 2000000;

    printf("iterations per run: %ld, median of 9 runs\n", iters);
    bench_encode_ping();
    printf("encode PingRequest       %6.2f ns  (%zu words)\n", measure(bench_encode_ping, iters),
           mr_len);
    printf("decode PingRequest       %6.2f ns\n", measure(bench_decode_ping, iters));
    bench_encode_open_reply();
    printf("encode OpenSessionReply  %6.2f ns  (%zu words)\n",
           measure(bench_encode_open_reply, iters), mr_len);
    printf("decode OpenSessionReply  %6.2f ns  (12 fields)\n",
           measure(bench_decode_open_reply, iters));
    return 0;
}
