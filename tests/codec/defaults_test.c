/*
 * Default values of struct, list, Text and Data fields (defaults.capnp), as capnp has them: a null
 * pointer reads as the field's default, whose words are those `capnp eval --flat` gives for the
 * field; <S>_set_<f>_default writes a copy of it, and a message built from every default is the
 * one `capnp encode --flat` writes for those values; a pointer that is set but refused reads as
 * empty, not as the default, and says why.
 *
 * usage: defaults_test <capnp> <defaults.capnp>
 */
#include <string.h>

#include "capnp_tool.h"
#include "defaults.capnp.h"

#define CAP 256

static const char *schema;

/* A struct default's words against `capnp eval --flat` of the field. */
static void words(const char *name, const uint64_t *ours, size_t n)
{
    uint64_t ref[CAP];
    long m = tool_eval(schema, name, ref, CAP);
    CHECK(m == (long)n && memcmp(ref, ours, n * 8) == 0, "%s: words differ from capnp eval", name);
    if (m >= 0 && (m != (long)n || memcmp(ref, ours, n * 8) != 0))
        tool_dump_diff(ref, (size_t)m, ours, n);
}

static int text_is(sb_codec_text_t t, const char *s, uint32_t len)
{
    return t.len == len && memcmp(t.str, s, len) == 0 && t.str[len] == '\0';
}

static int data_is(sb_codec_data_t d, const void *s, uint32_t len)
{
    return d.len == len && (len == 0 || memcmp(d.ptr, s, len) == 0);
}

/* Every field of a Defaults read back as its default (@r's pointers all null). */
static void check_defaults(defaults_Defaults_reader_t r)
{
    sb_codec_reader_t dm[11];
    for (unsigned i = 0; i < 11; i++)
        sb_codec_reader_init(&dm[i], NULL, 0); /* stays so when the field is set */
    defaults_Inner_reader_t in = defaults_Defaults_get_inner(r, &dm[0]);
    sb_codec_list_t l = defaults_Inner_get_l(in);
    CHECK(defaults_Inner_get_a(in) == 5 && text_is(defaults_Inner_get_t(in), "five", 4), "inner");
    CHECK(l.count == 3 && (int16_t)sb_codec_list_get_u16(l, 0) == 1 &&
              (int16_t)sb_codec_list_get_u16(l, 1) == -2 &&
              (int16_t)sb_codec_list_get_u16(l, 2) == 3, "inner.l");

    l = defaults_Defaults_get_nums(r, &dm[1]);
    CHECK(l.count == 3 && sb_codec_list_get_u32(l, 0) == 7 && sb_codec_list_get_u32(l, 2) == 9,
          "nums");
    l = defaults_Defaults_get_names(r, &dm[2]);
    CHECK(l.count == 3 && text_is(sb_codec_list_get_text(l, 0), "x", 1) &&
              text_is(sb_codec_list_get_text(l, 1), "", 0) &&
              text_is(sb_codec_list_get_text(l, 2), "yz", 2), "names");
    l = defaults_Defaults_get_blobs(r, &dm[3]);
    CHECK(l.count == 2 && data_is(sb_codec_list_get_data(l, 0), "\x00\xff", 2) &&
              data_is(sb_codec_list_get_data(l, 1), "", 0), "blobs");
    l = defaults_Defaults_get_inners(r, &dm[4]);
    CHECK(l.count == 2 && defaults_Inner_get_a(defaults_Inner_list_get(l, 0)) == 1 &&
              text_is(defaults_Inner_get_t(defaults_Inner_list_get(l, 1)), "two", 3) &&
              defaults_Inner_has_l(defaults_Inner_list_get(l, 1)) &&
              defaults_Inner_get_l(defaults_Inner_list_get(l, 1)).count == 0, "inners");
    l = defaults_Defaults_get_matrix(r, &dm[5]);
    CHECK(l.count == 3 && sb_codec_list_get_list(l, 0, SB_CODEC_ELEM_BYTE).count == 2 &&
              sb_codec_list_get_u8(sb_codec_list_get_list(l, 0, SB_CODEC_ELEM_BYTE), 1) == 2 &&
              sb_codec_list_get_list(l, 1, SB_CODEC_ELEM_BYTE).count == 0 &&
              (int8_t)sb_codec_list_get_u8(sb_codec_list_get_list(l, 2, SB_CODEC_ELEM_BYTE), 0) ==
                  -3, "matrix");
    {
        geometry_Point_reader_t p = defaults_Defaults_get_point(r, &dm[6]);
        CHECK(geometry_Point_get_x(p) == -1 && geometry_Point_get_y(p) == INT32_MAX, "point");
    }
    {
        defaults_Box_Text_reader_t b = defaults_Defaults_get_box(r, &dm[7]);
        CHECK(text_is(defaults_Box_Text_get_value(b), "boxed", 5) && defaults_Box_Text_get_n(b) == 4,
              "box");
    }
    l = defaults_Defaults_get_flags(r, &dm[8]);
    CHECK(l.count == 3 && sb_codec_list_get_bool(l, 0) && !sb_codec_list_get_bool(l, 1) &&
              sb_codec_list_get_bool(l, 2), "flags");
    CHECK(text_is(defaults_Defaults_get_text(r), "t\0ext", 5), "text");
    CHECK(data_is(defaults_Defaults_get_data(r), "\x01\x02\x03", 3), "data");
    /* No default: the empty struct. */
    CHECK(defaults_Inner_get_a(defaults_Defaults_get_plain(r)) == 0 &&
              !defaults_Inner_has_t(defaults_Defaults_get_plain(r)), "plain");
    CHECK(defaults_Inner_get_a(defaults_Defaults_get_some(r, &dm[9])) == 13, "some");
    l = defaults_Defaults_group_get_deep(defaults_Defaults_get_group(r), &dm[10]);
    CHECK(l.count == 2 && sb_codec_list_get_list(l, 0, SB_CODEC_ELEM_POINTER).count == 2 &&
              text_is(sb_codec_list_get_text(sb_codec_list_get_list(l, 0, SB_CODEC_ELEM_POINTER),
                                             1), "b", 1) &&
              sb_codec_list_get_list(l, 1, SB_CODEC_ELEM_POINTER).count == 0, "group.deep");
    for (unsigned i = 0; i < 11; i++)
        CHECK(sb_codec_reader_status(&dm[i]) == SB_CODEC_OK, "default %u's reader", i);
}

/* The defaults written out, every field set to its default value. */
static const char every_default[] =
    "(inner = (a = 5, t = \"five\", l = [1, -2, 3]), nums = [7, 8, 9], names = [\"x\", \"\", "
    "\"yz\"], blobs = [0x\"00 ff\", \"\"], inners = [(a = 1), (t = \"two\", l = [])], "
    "matrix = [[1, 2], [], [-3]], point = (x = -1, y = 2147483647), "
    "box = (value = \"boxed\", n = 4), flags = [true, false, true], text = \"t\\x00ext\", "
    "data = 0x\"01 02 03\", some = (a = 13), group = (deep = [[\"a\", \"b\"], []]))";

int main(int argc, char **argv)
{
    uint64_t ref[CAP], ours[CAP];
    sb_codec_reader_t in;
    sb_codec_builder_t out;
    defaults_Defaults_reader_t r;
    defaults_Defaults_builder_t b;
    size_t m = 0;
    long n;
    if (argc < 3 || tool_init(argv[1]) != 0) {
        fprintf(stderr, "usage: defaults_test <capnp> <defaults.capnp>\n");
        return 2;
    }
    schema = argv[2];

    /* Struct defaults: the words capnp gives for the field. */
    words("Defaults.inner", defaults_Defaults_inner_default_words(),
          defaults_Defaults_inner_default_WORDS);
    words("Defaults.point", defaults_Defaults_point_default_words(),
          defaults_Defaults_point_default_WORDS);
    words("Defaults.box", defaults_Defaults_box_default_words(), defaults_Defaults_box_default_WORDS);
    /* (capnp 0.9.2's eval cannot print a union member's default: "Tried to get() a union
     * member which is not currently initialized"; `some` is checked by reading it below.) */

    /* An empty message from capnp: every field reads as its default. */
    n = tool_encode(schema, "Defaults", "()", ref, CAP);
    CHECK(n > 0, "capnp encode ()");
    sb_codec_reader_init(&in, ref, n > 0 ? (size_t)n : 0);
    CHECK(defaults_Defaults_read_root(&in, &r) == SB_CODEC_OK, "root");
    check_defaults(r);
    CHECK(sb_codec_reader_status(&in) == SB_CODEC_OK, "status");

    /* Every default copied in, in pointer order: capnp's words for the same values. */
    sb_codec_builder_init(&out, ours, CAP);
    b = defaults_Defaults_init_root(&out);
    defaults_Defaults_set_inner_default(b);
    defaults_Defaults_set_nums_default(b);
    defaults_Defaults_set_names_default(b);
    defaults_Defaults_set_blobs_default(b);
    defaults_Defaults_set_inners_default(b);
    defaults_Defaults_set_matrix_default(b);
    defaults_Defaults_set_point_default(b);
    defaults_Defaults_set_box_default(b);
    defaults_Defaults_set_flags_default(b);
    defaults_Defaults_set_text(b, "t\0ext", 5);
    defaults_Defaults_set_data(b, "\x01\x02\x03", 3);
    defaults_Defaults_set_some_default(b);
    defaults_Defaults_group_set_deep_default(defaults_Defaults_init_group(b));
    CHECK(sb_codec_builder_finish(&out, &m) == SB_CODEC_OK, "builder");
    n = tool_encode(schema, "Defaults", every_default, ref, CAP);
    CHECK(n > 0 && m == (size_t)n && memcmp(ours, ref, m * 8) == 0,
          "every default: words differ from capnp encode");
    if (n > 0 && (m != (size_t)n || memcmp(ours, ref, m * 8) != 0))
        tool_dump_diff(ref, (size_t)n, ours, m);

    /* The same values set explicitly read back as they are (now from the message). */
    sb_codec_reader_init(&in, ref, n > 0 ? (size_t)n : 0);
    CHECK(defaults_Defaults_read_root(&in, &r) == SB_CODEC_OK, "root");
    CHECK(defaults_Defaults_has_inner(r) && defaults_Defaults_has_nums(r), "set");
    check_defaults(r);
    CHECK(sb_codec_reader_status(&in) == SB_CODEC_OK, "status");

    /* A value other than the default. */
    n = tool_encode(schema, "Defaults", "(inner = (a = 6), nums = [])", ref, CAP);
    sb_codec_reader_init(&in, ref, n > 0 ? (size_t)n : 0);
    CHECK(defaults_Defaults_read_root(&in, &r) == SB_CODEC_OK, "root");
    {
        sb_codec_reader_t dm;
        defaults_Inner_reader_t inner = defaults_Defaults_get_inner(r, &dm);
        CHECK(defaults_Inner_get_a(inner) == 6 && !defaults_Inner_has_t(inner), "inner = (a = 6)");
        CHECK(defaults_Defaults_get_nums(r, &dm).count == 0, "nums = []");
    }

    /* A set pointer that is refused (far) reads as empty, not as the default, and says so. */
    n = tool_encode(schema, "Defaults", "()", ref, CAP);
    CHECK(n > 1 + defaults_Defaults_DATA_WORDS, "capnp encode ()");
    if (n > 1 + defaults_Defaults_DATA_WORDS) {
        sb_codec_reader_t dm;
        ref[1 + defaults_Defaults_DATA_WORDS] = 0x0000000100000002ull; /* far, to segment 1 */
        sb_codec_reader_init(&in, ref, (size_t)n);
        CHECK(defaults_Defaults_read_root(&in, &r) == SB_CODEC_OK, "root");
        CHECK(defaults_Inner_get_a(defaults_Defaults_get_inner(r, &dm)) == 0, "far inner: empty");
        CHECK(sb_codec_reader_status(&in) == SB_CODEC_FAR_POINTER, "far inner: status %s",
              sb_codec_status_name(sb_codec_reader_status(&in)));
    }
    tool_cleanup();
    if (tool_failures) {
        fprintf(stderr, "%d check(s) failed\n", tool_failures);
        return 1;
    }
    printf("defaults: 3 struct defaults word for word as capnp eval, 13 defaults read from a null "
           "pointer, every default copied in byte for byte as capnp encode, a refused pointer "
           "read as empty\n");
    return 0;
}
