/*
 * A small streaming JSON writer for the results document. Output goes through a callback (a file
 * on the host, the serial console on seL4); no allocation, no stdio, fixed nesting depth.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef void (*bench_out_fn)(void *ctx, const char *s, size_t len);

#define BENCH_JSON_MAX_DEPTH 16

typedef struct {
    bench_out_fn out;
    void *ctx;
    uint32_t depth;
    bool first[BENCH_JSON_MAX_DEPTH]; /* no member written yet at this level */
    bool after_key;                   /* a key was written, its value comes next */
    bool overflow;                    /* nesting went past BENCH_JSON_MAX_DEPTH */
    const char *indent;               /* NULL: compact */
} bench_json_t;

void bench_json_init(bench_json_t *j, bench_out_fn out, void *ctx, bool pretty);

void bench_json_begin_object(bench_json_t *j);
void bench_json_end_object(bench_json_t *j);
void bench_json_begin_array(bench_json_t *j);
void bench_json_end_array(bench_json_t *j);
void bench_json_key(bench_json_t *j, const char *key);

void bench_json_string(bench_json_t *j, const char *s); /* NULL writes null */
void bench_json_u64(bench_json_t *j, uint64_t v);
void bench_json_i64(bench_json_t *j, int64_t v);
void bench_json_double(bench_json_t *j, double v); /* integral values exactly, else 3 decimals */
void bench_json_bool(bench_json_t *j, bool v);
void bench_json_null(bench_json_t *j);

/* Format helpers shared with the console table; return the length written (no terminator). */
size_t bench_fmt_u64(char *buf, uint64_t v);
size_t bench_fmt_double(char *buf, double v, unsigned decimals);
