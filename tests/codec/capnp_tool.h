/*
 * Host-only test helpers: run the reference `capnp` tool (encode --flat / decode --flat) on a
 * schema, and a tiny check macro. The codec's tests compare our bytes with the tool's.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Set up a scratch directory; @capnp is the tool's path. Returns 0 or -1. */
int tool_init(const char *capnp);
void tool_cleanup(void);

/* `capnp encode --flat schema type` of @text into @words (capacity @cap words).
 * Returns the word count, or -1 (the tool's stderr is shown). */
long tool_encode(const char *schema, const char *type, const char *text, uint64_t *words,
                 size_t cap);
/* `capnp eval --flat schema name` (a constant, or a field's default) into @words. Returns the
 * word count, or -1. */
long tool_eval(const char *schema, const char *name, uint64_t *words, size_t cap);
/* `capnp decode --flat schema type` of @nwords words; the text goes to @out (NUL-terminated).
 * Returns 0, or -1. */
int tool_decode(const char *schema, const char *type, const uint64_t *words, size_t nwords,
                char *out, size_t cap);

/* Print both messages word by word, marking the first difference. */
void tool_dump_diff(const uint64_t *a, size_t na, const uint64_t *b, size_t nb);

extern int tool_failures;
#define CHECK(cond, ...)                                                                         \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);            \
            fprintf(stderr, __VA_ARGS__);                                                        \
            fputc('\n', stderr);                                                                 \
            tool_failures++;                                                                     \
        }                                                                                        \
    } while (0)
