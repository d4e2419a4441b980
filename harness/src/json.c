/* The streaming JSON writer: separators and indentation tracked per nesting level. */
#include "json.h"

#include <string.h>

static void put(bench_json_t *j, const char *s, size_t len)
{
    j->out(j->ctx, s, len);
}

static void puts_(bench_json_t *j, const char *s)
{
    put(j, s, strlen(s));
}

static void newline(bench_json_t *j)
{
    if (!j->indent) {
        return;
    }
    put(j, "\n", 1);
    for (uint32_t i = 0; i < j->depth; i++) {
        puts_(j, j->indent);
    }
}

/* Before any value: a comma between array members, nothing after a key. */
static void before_value(bench_json_t *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth == 0) {
        return;
    }
    if (!j->first[j->depth]) {
        put(j, ",", 1);
    }
    j->first[j->depth] = false;
    newline(j);
}

void bench_json_init(bench_json_t *j, bench_out_fn out, void *ctx, bool pretty)
{
    memset(j, 0, sizeof(*j));
    j->out = out;
    j->ctx = ctx;
    j->indent = pretty ? "  " : NULL;
}

static void json_open(bench_json_t *j, const char *c)
{
    before_value(j);
    puts_(j, c);
    if (j->depth + 1u >= BENCH_JSON_MAX_DEPTH) {
        j->overflow = true;
        return;
    }
    j->depth++;
    j->first[j->depth] = true;
}

static void json_close(bench_json_t *j, const char *c)
{
    bool empty = j->first[j->depth];
    if (j->depth > 0) {
        j->depth--;
    }
    if (!empty) {
        newline(j);
    }
    puts_(j, c);
}

void bench_json_begin_object(bench_json_t *j) { json_open(j, "{"); }
void bench_json_end_object(bench_json_t *j) { json_close(j, "}"); }
void bench_json_begin_array(bench_json_t *j) { json_open(j, "["); }
void bench_json_end_array(bench_json_t *j) { json_close(j, "]"); }

static void string_body(bench_json_t *j, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    put(j, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            put(j, e, 2);
        } else if (c == '\n') {
            puts_(j, "\\n");
        } else if (c == '\t') {
            puts_(j, "\\t");
        } else if (c < 0x20) {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(j, e, 6);
        } else {
            put(j, s, 1);
        }
    }
    put(j, "\"", 1);
}

void bench_json_key(bench_json_t *j, const char *key)
{
    before_value(j);
    string_body(j, key);
    put(j, j->indent ? ": " : ":", j->indent ? 2 : 1);
    j->after_key = true;
}

void bench_json_string(bench_json_t *j, const char *s)
{
    if (!s) {
        bench_json_null(j);
        return;
    }
    before_value(j);
    string_body(j, s);
}

size_t bench_fmt_u64(char *buf, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v);
    for (size_t i = 0; i < n; i++) {
        buf[i] = tmp[n - 1u - i];
    }
    return n;
}

size_t bench_fmt_double(char *buf, double v, unsigned decimals)
{
    size_t n = 0;
    if (v != v) {
        memcpy(buf, "nan", 3);
        return 3;
    }
    if (v < 0) {
        buf[n++] = '-';
        v = -v;
    }
    if (v >= 1.8e19) { /* beyond uint64_t: no such figure in a result, say so plainly */
        memcpy(buf + n, "inf", 3);
        return n + 3;
    }
    uint64_t scale = 1;
    for (unsigned i = 0; i < decimals; i++) {
        scale *= 10u;
    }
    uint64_t ip = (uint64_t)v;
    uint64_t fp = (uint64_t)((v - (double)ip) * (double)scale + 0.5);
    if (fp >= scale) {
        ip++;
        fp -= scale;
    }
    n += bench_fmt_u64(buf + n, ip);
    if (decimals) {
        buf[n++] = '.';
        for (uint64_t d = scale / 10u; d; d /= 10u) {
            buf[n++] = (char)('0' + (fp / d) % 10u);
        }
    }
    return n;
}

void bench_json_u64(bench_json_t *j, uint64_t v)
{
    char buf[24];
    before_value(j);
    put(j, buf, bench_fmt_u64(buf, v));
}

void bench_json_i64(bench_json_t *j, int64_t v)
{
    char buf[24];
    before_value(j);
    size_t n = 0;
    uint64_t m = (uint64_t)v;
    if (v < 0) {
        buf[n++] = '-';
        m = 0u - m;
    }
    n += bench_fmt_u64(buf + n, m);
    put(j, buf, n);
}

void bench_json_double(bench_json_t *j, double v)
{
    if (v != v || v > 1.8e19 || v < -1.8e19) {
        bench_json_null(j); /* JSON has no NaN or infinity */
        return;
    }
    char buf[48];
    before_value(j);
    double a = v < 0 ? -v : v;
    if (a < 9007199254740992.0 && (double)(int64_t)v == v) {
        size_t n = 0;
        if (v < 0) {
            buf[n++] = '-';
        }
        n += bench_fmt_u64(buf + n, (uint64_t)a);
        put(j, buf, n);
        return;
    }
    /* Three decimals, or as many as keep three significant digits of a small value (a ratio of a
     * few ten-thousandths must not print as 0), up to 12. */
    unsigned decimals = 3;
    for (double x = a; x > 0 && x < 0.1 && decimals < 12; x *= 10) {
        decimals++;
    }
    size_t n = bench_fmt_double(buf, v, decimals);
    /* Trim trailing zeros of the fraction ("1.500" -> "1.5"); keep one digit after the point. */
    while (n > 2 && buf[n - 1] == '0' && buf[n - 2] != '.') {
        n--;
    }
    put(j, buf, n);
}

void bench_json_bool(bench_json_t *j, bool v)
{
    before_value(j);
    puts_(j, v ? "true" : "false");
}

void bench_json_null(bench_json_t *j)
{
    before_value(j);
    puts_(j, "null");
}
