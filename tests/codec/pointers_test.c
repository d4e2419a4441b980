/*
 * Lists of pointers, AnyPointer and generics (pointers.capnp), built by hand with the generated
 * accessors and compared with `capnp encode --flat` word for word, read back element by element,
 * and attacked: a far pointer among the elements, elements that all point at one big object
 * (amplification), an element that is not text, an AnyPointer read as the wrong kind.
 *
 * usage: pointers_test <capnp> <pointers.capnp>
 */
#include <string.h>

#include "capnp_tool.h"
#include "pointers.capnp.h"

#define CAP 512

static const char *schema;
static uint64_t ref[CAP], ours[CAP];

/* Our words (built by @build) against the tool's for @text. */
static void against_tool(const char *text, void (*build)(pointers_Lists_builder_t))
{
    long n = tool_encode(schema, "Lists", text, ref, CAP);
    sb_codec_builder_t b;
    size_t m = 0;
    sb_codec_builder_init(&b, ours, CAP);
    build(pointers_Lists_init_root(&b));
    CHECK(n > 0 && sb_codec_builder_finish(&b, &m) == SB_CODEC_OK, "%s", text);
    if (n > 0 && (m != (size_t)n || memcmp(ours, ref, m * 8) != 0)) {
        CHECK(0, "%s: words differ", text);
        tool_dump_diff(ref, (size_t)n, ours, m);
    }
}

static const char *const names[] = {"seL4", "", "bridge"};

static void build_lists(pointers_Lists_builder_t r)
{
    sb_codec_list_builder_t l, m, row;
    uint32_t i;
    l = pointers_Lists_init_names(r, 3);
    for (i = 0; i < 3; i++)
        sb_codec_list_set_text(l, i, names[i], strlen(names[i]));
    l = pointers_Lists_init_blobs(r, 2);
    sb_codec_list_set_data(l, 0, "\x01\x02\x03", 3);
    sb_codec_list_set_data(l, 1, "", 0);
    l = pointers_Lists_init_matrix(r, 2);
    row = sb_codec_list_init_list(l, 0, SB_CODEC_ELEM_FOUR_BYTES, 2);
    sb_codec_list_set_u32(row, 0, (uint32_t)-7);
    sb_codec_list_set_u32(row, 1, 9);
    sb_codec_list_init_list(l, 1, SB_CODEC_ELEM_FOUR_BYTES, 0);
    l = pointers_Lists_init_nested(r, 1);
    row = sb_codec_list_init_list(l, 0, SB_CODEC_ELEM_POINTER, 2);
    sb_codec_list_set_text(row, 0, "a", 1);
    sb_codec_list_set_text(row, 1, "bc", 2);
    l = pointers_Lists_init_items(r, 1);
    row = sb_codec_list_init_struct_list(l, 0, 2, pointers_Item_DATA_WORDS, pointers_Item_POINTERS);
    pointers_Item_set_id(pointers_Item_list_at(row, 0), 1);
    pointers_Item_set_tag(pointers_Item_list_at(row, 0), "x", 1);
    pointers_Item_set_id(pointers_Item_list_at(row, 1), 2);
    l = pointers_Lists_init_deep(r, 1);
    m = sb_codec_list_init_list(l, 0, SB_CODEC_ELEM_POINTER, 1);
    row = sb_codec_list_init_list(m, 0, SB_CODEC_ELEM_BIT, 3);
    sb_codec_list_set_bool(row, 0, true);
    sb_codec_list_set_bool(row, 2, true);
    l = pointers_Lists_init_anys(r, 1); /* List(Box(Text)): the generic's value is an AnyPointer */
    sb_codec_any_set_text(pointers_Box_init_value(pointers_Box_list_at(l, 0)), "v", 1);
}

/* Brands known at generation time are concrete types (Box(Text) is pointers_Box_Text, its value
 * Text); the generic type (pointers_Box, value an AnyPointer) is the same struct, here used to set
 * the AnyPointer as a struct and a list (the brands say which, for capnp). */
static void build_boxes(pointers_Lists_builder_t r)
{
    pointers_Box_Text_builder_t tb = pointers_Lists_init_textBox(r);
    pointers_Box_builder_t box;
    pointers_Item_builder_t item;
    sb_codec_list_builder_t l;
    pointers_Box_Text_set_value(tb, "text", 4);
    pointers_Box_Text_set_label(tb, "t", 1);
    box.s = pointers_Lists_init_itemBox(r).s;
    item.s = sb_codec_any_init_struct(pointers_Box_init_value(box), pointers_Item_DATA_WORDS,
                                      pointers_Item_POINTERS);
    pointers_Item_set_id(item, 77);
    pointers_Item_set_tag(item, "item", 4);
    box = pointers_Lists_init_listBox(r);
    l = sb_codec_any_init_list(pointers_Box_init_value(box), SB_CODEC_ELEM_TWO_BYTES, 2);
    sb_codec_list_set_u16(l, 0, 5);
    sb_codec_list_set_u16(l, 1, 6);
    pointers_Box_Data_set_value(pointers_Lists_init_dataBox(r), "\xff\x00", 2);
}

static void read_back(void)
{
    sb_codec_reader_t m;
    pointers_Lists_reader_t r;
    sb_codec_list_t l, row;
    sb_codec_text_t t;
    sb_codec_data_t d;
    pointers_Item_reader_t item;
    sb_codec_any_t a;
    uint32_t i;
    long n = tool_encode(schema, "Lists",
                         "(names = [\"seL4\", \"\", \"bridge\"], blobs = [0x\"010203\"], "
                         "nested = [[\"a\", \"bc\"]], items = [[(id = 1, tag = \"x\")]], "
                         "itemBox = (value = (id = 77, tag = \"item\")), "
                         "listBox = (value = [5, 6]), textBox = (value = \"text\"))",
                         ref, CAP);
    sb_codec_reader_init(&m, ref, n > 0 ? (size_t)n : 0);
    CHECK(pointers_Lists_read_root(&m, &r) == SB_CODEC_OK, "root");
    l = pointers_Lists_get_names(r);
    CHECK(l.count == 3, "names");
    for (i = 0; i < 3; i++) {
        t = sb_codec_list_get_text(l, i);
        CHECK(t.len == strlen(names[i]) && memcmp(t.str, names[i], t.len) == 0, "names[%u]", i);
    }
    d = sb_codec_list_get_data(pointers_Lists_get_blobs(r), 0);
    CHECK(d.len == 3 && d.ptr[2] == 3, "blobs[0]");
    row = sb_codec_list_get_list(pointers_Lists_get_nested(r), 0, SB_CODEC_ELEM_POINTER);
    t = sb_codec_list_get_text(row, 1);
    CHECK(row.count == 2 && t.len == 2 && memcmp(t.str, "bc", 2) == 0, "nested[0][1]");
    row = sb_codec_list_get_list(pointers_Lists_get_items(r), 0, SB_CODEC_ELEM_INLINE_COMPOSITE);
    CHECK(pointers_Item_get_id(pointers_Item_list_get(row, 0)) == 1, "items[0][0].id");
    {
        pointers_Box_reader_t g = {pointers_Lists_get_itemBox(r).s};
        a = pointers_Box_get_value(g);
    }
    CHECK(!sb_codec_any_is_null(a), "itemBox.value");
    item.s = sb_codec_any_as_struct(a);
    t = pointers_Item_get_tag(item);
    CHECK(pointers_Item_get_id(item) == 77 && t.len == 4, "itemBox.value as Item");
    l = sb_codec_any_as_list(pointers_Box_get_value(pointers_Lists_get_listBox(r)),
                             SB_CODEC_ELEM_TWO_BYTES);
    CHECK(l.count == 2 && sb_codec_list_get_u16(l, 1) == 6, "listBox.value as List(UInt16)");
    CHECK(pointers_Item_get_id(pointers_Box_Item_get_value(pointers_Lists_get_itemBox(r))) == 77,
          "itemBox.value, typed");
    t = pointers_Box_Text_get_value(pointers_Lists_get_textBox(r));
    CHECK(t.len == 4 && memcmp(t.str, "text", 4) == 0, "textBox.value, typed");
    CHECK(sb_codec_reader_status(&m) == SB_CODEC_OK, "status %s",
          sb_codec_status_name(sb_codec_reader_status(&m)));
    /* Checked where it is read: the struct read as a list is refused, and reads as empty. */
    l = sb_codec_any_as_list(a, SB_CODEC_ELEM_BYTE);
    CHECK(l.count == 0 && sb_codec_reader_status(&m) == SB_CODEC_WRONG_POINTER_KIND,
          "struct as list: %s", sb_codec_status_name(sb_codec_reader_status(&m)));
}

/* Lists' pointer is pointer 0 of a root with 1 data word and 15 pointers. */
#define ROOT sb_codec_struct_ptr(0, 1, 15)

static sb_codec_status_t read_names(const uint64_t *w, size_t n, uint32_t *texts)
{
    sb_codec_reader_t m;
    pointers_Lists_reader_t r;
    sb_codec_list_t l;
    uint32_t i;
    sb_codec_reader_init(&m, w, n);
    pointers_Lists_read_root(&m, &r);
    l = pointers_Lists_get_names(r);
    *texts = 0;
    for (i = 0; i < l.count; i++)
        *texts += sb_codec_list_get_text(l, i).len > 0;
    return sb_codec_reader_status(&m);
}

/* The offset of a pointer at word @from to an object at word @to. */
static int32_t to(uint32_t from, uint32_t target) { return (int32_t)target - (int32_t)from - 1; }

static void hostile(void)
{
    uint64_t w[80];
    uint32_t texts, i;
    /* Root, data word, 15 pointers (words 2..16); names (pointer 0, word 2) -> a list of two
     * pointers at words 17 and 18; element 0 -> "ab" at word 19. */
    memset(w, 0, sizeof w);
    w[0] = ROOT;
    w[2] = sb_codec_list_ptr(to(2, 17), SB_CODEC_ELEM_POINTER, 2);
    w[17] = sb_codec_list_ptr(to(17, 19), SB_CODEC_ELEM_BYTE, 3);
    w[19] = 'a' | ('b' << 8);
    w[18] = 2; /* a far pointer: refused, the element reads as empty */
    CHECK(read_names(w, 20, &texts) == SB_CODEC_FAR_POINTER && texts == 1,
          "far pointer element: %u texts", texts);
    w[18] = sb_codec_struct_ptr(0, 1, 0); /* a struct where text should be */
    CHECK(read_names(w, 20, &texts) == SB_CODEC_WRONG_POINTER_KIND && texts == 1,
          "struct element");
    w[18] = 0;
    w[19] = 0x636261; /* "abc" in a list of 3 bytes: no NUL */
    CHECK(read_names(w, 20, &texts) == SB_CODEC_TEXT_NOT_TERMINATED, "unterminated");
    /* Amplification: 40 elements (words 17..56) all at one 16-word text (words 57..72). The
     * limit for 73 words is 8 * 73 + 64 = 648: root 16 + list 40 + 40 * 16 = 696 runs out. */
    memset(w, 0, sizeof w);
    w[0] = ROOT;
    w[2] = sb_codec_list_ptr(to(2, 17), SB_CODEC_ELEM_POINTER, 40);
    for (i = 0; i < 40; i++)
        w[17 + i] = sb_codec_list_ptr(to(17 + i, 57), SB_CODEC_ELEM_BYTE, 16 * 8);
    w[57] = 'x';
    CHECK(read_names(w, 73, &texts) == SB_CODEC_TRAVERSAL_LIMIT && texts < 40 && texts > 30,
          "amplification: %u texts read", texts);
}

int main(int argc, char **argv)
{
    if (argc < 3 || tool_init(argv[1]) != 0) {
        fprintf(stderr, "usage: pointers_test <capnp> <pointers.capnp>\n");
        return 2;
    }
    schema = argv[2];
    against_tool("(names = [\"seL4\", \"\", \"bridge\"], blobs = [0x\"010203\", \"\"], "
                 "matrix = [[-7, 9], []], nested = [[\"a\", \"bc\"]], "
                 "items = [[(id = 1, tag = \"x\"), (id = 2)]], deep = [[[true, false, true]]], "
                 "anys = [(value = \"v\")])",
                 build_lists);
    against_tool("(textBox = (value = \"text\", label = \"t\"), "
                 "itemBox = (value = (id = 77, tag = \"item\")), listBox = (value = [5, 6]), "
                 "dataBox = (value = 0x\"ff00\"))",
                 build_boxes);
    read_back();
    hostile();
    tool_cleanup();
    if (tool_failures) {
        fprintf(stderr, "%d check(s) failed\n", tool_failures);
        return 1;
    }
    printf("lists of pointers, AnyPointer, generics: 2 messages byte-exact, read back, "
           "4 attacks refused\n");
    return 0;
}
