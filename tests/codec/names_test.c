/*
 * Names that collide with what the generator emits (names.capnp): the header compiles with
 * -Wall -Wextra -Werror, the renamed accessors and constants work, and values read from
 * `capnp encode --flat` are rebuilt byte for byte.
 *
 * usage: names_test <capnp> <names.capnp>
 */
#include <string.h>

#include "capnp_tool.h"
#include "names.capnp.h"

#define CAP 64

static const char *schema;

/* Encode @text with the tool; read it back and rebuild it with @rebuild; compare the words. */
static void roundtrip(const char *type, const char *text,
                      void (*check)(sb_codec_reader_t *, const char *),
                      void (*rebuild)(sb_codec_reader_t *, sb_codec_builder_t *))
{
    uint64_t ref[CAP], ours[CAP];
    long n = tool_encode(schema, type, text, ref, CAP);
    size_t m = 0;
    sb_codec_reader_t in;
    sb_codec_builder_t out;
    CHECK(n > 0, "%s %s: capnp encode failed", type, text);
    if (n <= 0)
        return;
    sb_codec_reader_init(&in, ref, (size_t)n);
    check(&in, text);
    CHECK(sb_codec_reader_status(&in) == SB_CODEC_OK, "%s: %s", text,
          sb_codec_status_name(sb_codec_reader_status(&in)));
    sb_codec_reader_init(&in, ref, (size_t)n);
    sb_codec_builder_init(&out, ours, CAP);
    rebuild(&in, &out);
    CHECK(sb_codec_builder_finish(&out, &m) == SB_CODEC_OK, "%s: builder", text);
    CHECK(m == (size_t)n && memcmp(ours, ref, m * 8) == 0, "%s: rebuilt words differ", text);
    if (m != (size_t)n || memcmp(ours, ref, m * 8) != 0)
        tool_dump_diff(ref, (size_t)n, ours, m);
}

/* Node: (which = 5, kind = reader, root = (which = 3, kind = t, root = (kind = builder))) */
static void check_node(sb_codec_reader_t *m, const char *text)
{
    names_Node_reader_t r, c, g;
    CHECK(names_Node_read_root(m, &r) == SB_CODEC_OK, "%s: root", text);
    CHECK(names_Node_get_which(r) == 5, "%s: which", text);
    CHECK(names_Node_get_kind(r) == names_Node_Kind_reader, "%s: kind", text);
    CHECK(names_Node_has_root_(r), "%s: has root", text);
    c = names_Node_get_root_(r);
    CHECK(names_Node_get_which(c) == 3, "%s: root.which", text);
    CHECK(names_Node_get_kind(c) == names_Node_Kind_t_, "%s: root.kind", text);
    g = names_Node_get_root_(c);
    CHECK(names_Node_get_kind(g) == names_Node_Kind_builder, "%s: root.root.kind", text);
    CHECK(!names_Node_has_root_(g), "%s: root.root.root", text);
}

static void copy_node(names_Node_reader_t r, names_Node_builder_t b)
{
    names_Node_set_which(b, names_Node_get_which(r));
    names_Node_set_kind(b, names_Node_get_kind(r));
    if (names_Node_has_root_(r))
        copy_node(names_Node_get_root_(r), names_Node_init_root_(b));
}

static void rebuild_node(sb_codec_reader_t *m, sb_codec_builder_t *out)
{
    names_Node_reader_t r;
    if (names_Node_read_root(m, &r) == SB_CODEC_OK)
        copy_node(r, names_Node_init_root(out));
}

/* Choice: (number = 9, root = [1, 2, 3]) or (word = "seL4", root = []) */
static void check_choice(sb_codec_reader_t *m, const char *text)
{
    names_Choice_reader_t r;
    sb_codec_list_t l;
    CHECK(names_Choice_read_root(m, &r) == SB_CODEC_OK, "%s: root", text);
    l = names_Choice_get_root_(r);
    if (names_Choice_which(r) == names_Choice_which_number) {
        CHECK(names_Choice_get_number(r) == 9, "%s: number", text);
        CHECK(l.count == 3 && sb_codec_list_get_u8(l, 2) == 3, "%s: root", text);
    } else {
        sb_codec_text_t t = names_Choice_get_word(r);
        CHECK(names_Choice_which(r) == names_Choice_which_word, "%s: which", text);
        CHECK(t.len == 4 && memcmp(t.str, "seL4", 4) == 0, "%s: word", text);
        CHECK(names_Choice_has_root_(r) && l.count == 0, "%s: empty root", text);
    }
}

static void rebuild_choice(sb_codec_reader_t *m, sb_codec_builder_t *out)
{
    names_Choice_reader_t r;
    names_Choice_builder_t b;
    sb_codec_list_t l;
    uint32_t i;
    if (names_Choice_read_root(m, &r) != SB_CODEC_OK)
        return;
    b = names_Choice_init_root(out);
    if (names_Choice_which(r) == names_Choice_which_number) {
        names_Choice_set_number(b, names_Choice_get_number(r));
    } else {
        sb_codec_text_t t = names_Choice_get_word(r);
        names_Choice_set_word(b, t.str, t.len);
    }
    l = names_Choice_get_root_(r);
    if (names_Choice_has_root_(r)) {
        sb_codec_list_builder_t lb = names_Choice_init_root_(b, l.count);
        for (i = 0; i < l.count; i++)
            sb_codec_list_set_u8(lb, i, sb_codec_list_get_u8(l, i));
    }
}

int main(int argc, char **argv)
{
    if (argc < 3 || tool_init(argv[1]) != 0) {
        fprintf(stderr, "usage: names_test <capnp> <names.capnp>\n");
        return 2;
    }
    schema = argv[2];

    CHECK(names_minInt64 == INT64_MIN, "minInt64");
    CHECK(names_maxInt64 == INT64_MAX, "maxInt64");
    CHECK(names_minInt32 == INT32_MIN, "minInt32");
    CHECK(names_maxUInt64 == UINT64_MAX, "maxUInt64");
    CHECK(names_Choice_which_ == 7, "Choice.which");
    CHECK(names_Node_Kind_t_ == 0 && names_Node_Kind_builder == 2, "Node.Kind");

    roundtrip("Node", "(which = 5, kind = reader, root = (which = 3, kind = t, "
                      "root = (kind = builder)))", check_node, rebuild_node);
    roundtrip("Choice", "(number = 9, root = [1, 2, 3])", check_choice, rebuild_choice);
    roundtrip("Choice", "(word = \"seL4\", root = [])", check_choice, rebuild_choice);

    tool_cleanup();
    if (tool_failures) {
        fprintf(stderr, "%d check(s) failed\n", tool_failures);
        return 1;
    }
    printf("names that collide with generated ones: 3 messages rebuilt byte for byte, "
           "6 constants exact\n");
    return 0;
}
