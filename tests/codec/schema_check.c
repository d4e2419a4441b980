/*
 * The schema check: for every struct of a set of schema files, random values (random_values, in
 * capnp's text format, on stdin) are encoded with `capnp encode --flat`, read through the
 * generated accessors and rebuilt through them (<S>_copy of <file>.capnp.copy.h): the words must
 * be those capnp wrote, byte for byte, and the reader must record no failure.
 *
 * Built once per set: SB_CHECK_SET names a header that includes the set's copy headers and
 * defines SB_CHECK_TABLES, a list of { "<schema file>", <prefix>copy_table } pairs.
 *
 * usage: schema_check <capnp>  < lines "<schema file> TAB <struct> TAB <value>"
 */
#include <stdlib.h>
#include <string.h>

#include "capnp_tool.h"
#include SB_CHECK_SET

#define CAP 4096
#define LINE 65536

typedef struct {
    const char *file;
    const sb_codec_copy_entry_t *table;
} set_t;

static const set_t sets[] = SB_CHECK_TABLES;
#define NSETS (sizeof sets / sizeof sets[0])

typedef struct {
    unsigned structs, refused, values, exact, skipped;
} count_t;

static uint64_t ref[CAP], ours[CAP];
static char line[LINE];

int main(int argc, char **argv)
{
    count_t count[NSETS];
    const char *seen[NSETS][512];
    unsigned nseen[NSETS];
    unsigned i;
    if (argc < 2 || tool_init(argv[1]) != 0) {
        fprintf(stderr, "usage: schema_check <capnp> < values\n");
        return 2;
    }
    memset(count, 0, sizeof count);
    memset(nseen, 0, sizeof nseen);
    while (fgets(line, sizeof line, stdin)) {
        char *file = line, *name, *text;
        const sb_codec_copy_entry_t *e = NULL;
        unsigned s, k;
        long n;
        size_t m = 0;
        sb_codec_reader_t in;
        sb_codec_builder_t out;
        sb_codec_status_t st;
        int fresh = 1;
        line[strcspn(line, "\n")] = 0;
        if (!(name = strchr(file, '\t')) || !(text = strchr(name + 1, '\t')))
            continue;
        *name++ = 0;
        *text++ = 0;
        for (s = 0; s < NSETS && strcmp(sets[s].file, file) != 0; s++)
            ;
        if (s == NSETS) {
            CHECK(0, "%s: not in this set", file);
            continue;
        }
        for (k = 0; k < nseen[s]; k++)
            fresh &= strcmp(seen[s][k], name) != 0;
        for (k = 0; sets[s].table[k].name; k++)
            if (strcmp(sets[s].table[k].name, name) == 0)
                e = &sets[s].table[k];
        if (fresh && nseen[s] < 512) {
            seen[s][nseen[s]++] = strdup(name);
            count[s].structs++;
            if (!e) {
                count[s].refused++;
                printf("%s: %s: not generated (refused)\n", file, name);
            }
        }
        if (!e)
            continue;
        /* A value the text format cannot carry (an AnyPointer union member is printed opaque). */
        if (strstr(text, "<opaque pointer>") || strstr(text, "<external capability>")) {
            count[s].skipped++;
            continue;
        }
        count[s].values++;
        n = tool_encode(file, name, text, ref, CAP);
        CHECK(n > 0, "%s %s: capnp encode failed on %s", file, name, text);
        if (n <= 0)
            continue;
        sb_codec_reader_init(&in, ref, (size_t)n);
        sb_codec_reader_set_limits(&in, (uint64_t)n * 64 + 1024, 64);
        sb_codec_builder_init(&out, ours, CAP);
        st = e->copy_root(&in, &out);
        CHECK(st == SB_CODEC_OK, "%s %s: read %s: %s", file, name, sb_codec_status_name(st), text);
        CHECK(sb_codec_builder_finish(&out, &m) == SB_CODEC_OK, "%s %s: builder", file, name);
        if (st == SB_CODEC_OK && m == (size_t)n && memcmp(ours, ref, m * 8) == 0) {
            count[s].exact++;
        } else {
            CHECK(0, "%s %s: rebuilt words differ for %s", file, name, text);
            tool_dump_diff(ref, (size_t)n, ours, m);
        }
    }
    for (i = 0; i < NSETS; i++)
        printf("%s: %u structs, %u generated, %u refused; %u of %u values byte-exact"
               " (%u skipped: an opaque pointer in the text)\n",
               sets[i].file, count[i].structs, count[i].structs - count[i].refused,
               count[i].refused, count[i].exact, count[i].values, count[i].skipped);
    {
        unsigned values = 0;
        for (i = 0; i < NSETS; i++)
            values += count[i].values;
        CHECK(values > 0, "no value was checked");
    }
    tool_cleanup();
    if (tool_failures) {
        fprintf(stderr, "%d check(s) failed\n", tool_failures);
        return 1;
    }
    return 0;
}
