/* Running the reference capnp tool for the codec's tests (host-only, libc allowed). */
#define _GNU_SOURCE
#include "capnp_tool.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int tool_failures;
static char dir[64];
static const char *tool;

int tool_init(const char *capnp)
{
    strcpy(dir, "/tmp/sb-codec-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    tool = capnp;
    return 0;
}

void tool_cleanup(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", dir);
}

static int write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    if (fwrite(p, 1, n, f) != n) {
        fclose(f);
        return -1;
    }
    return fclose(f);
}

static long read_file(const char *path, void *p, size_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t n;
    if (!f)
        return -1;
    n = fread(p, 1, cap, f);
    if (!feof(f) && n == cap) {
        fclose(f);
        return -1; /* larger than the buffer */
    }
    fclose(f);
    return (long)n;
}

static int run(const char *verb, const char *schema, const char *type, const void *in,
               size_t inlen, void *out, size_t cap, long *outlen)
{
    char in_path[128], out_path[128], cmd[1024];
    snprintf(in_path, sizeof in_path, "%s/in", dir);
    snprintf(out_path, sizeof out_path, "%s/out", dir);
    if (write_file(in_path, in, inlen) != 0)
        return -1;
    snprintf(cmd, sizeof cmd, "'%s' %s --flat '%s' '%s' < '%s' > '%s'", tool, verb, schema, type,
             in_path, out_path);
    if (system(cmd) != 0) {
        fprintf(stderr, "failed: %s\n", cmd);
        return -1;
    }
    *outlen = read_file(out_path, out, cap);
    return *outlen < 0 ? -1 : 0;
}

long tool_encode(const char *schema, const char *type, const char *text, uint64_t *words,
                 size_t cap)
{
    long n;
    if (run("encode", schema, type, text, strlen(text), words, cap * 8, &n) != 0)
        return -1;
    if (n % 8) {
        fprintf(stderr, "capnp encode wrote %ld bytes, not whole words\n", n);
        return -1;
    }
    return n / 8;
}

long tool_eval(const char *schema, const char *name, uint64_t *words, size_t cap)
{
    char out_path[128], cmd[1024];
    long n;
    snprintf(out_path, sizeof out_path, "%s/eval", dir);
    snprintf(cmd, sizeof cmd, "'%s' eval --flat '%s' '%s' > '%s'", tool, schema, name, out_path);
    if (system(cmd) != 0) {
        fprintf(stderr, "failed: %s\n", cmd);
        return -1;
    }
    n = read_file(out_path, words, cap * 8);
    return n < 0 || n % 8 ? -1 : n / 8;
}

int tool_decode(const char *schema, const char *type, const uint64_t *words, size_t nwords,
                char *out, size_t cap)
{
    long n;
    if (run("decode", schema, type, words, nwords * 8, out, cap - 1, &n) != 0)
        return -1;
    out[n] = 0;
    return 0;
}

void tool_dump_diff(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    size_t i, n = na > nb ? na : nb;
    for (i = 0; i < n; i++) {
        int differ = i >= na || i >= nb || a[i] != b[i];
        fprintf(stderr, "  %3zu: %016llx %016llx%s\n", i,
                i < na ? (unsigned long long)a[i] : 0ull, i < nb ? (unsigned long long)b[i] : 0ull,
                differ ? "  <--" : "");
    }
}
