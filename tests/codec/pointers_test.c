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
    box.s = pointers_Lists_init_listBox(r).s;
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
    {
        pointers_Box_reader_t g = {pointers_Lists_get_listBox(r).s};
        l = sb_codec_any_as_list(pointers_Box_get_value(g), SB_CODEC_ELEM_TWO_BYTES);
    }
    CHECK(l.count == 2 && sb_codec_list_get_u16(l, 1) == 6, "listBox.value as List(UInt16)");
    l = pointers_Box_List_UInt16_get_value(pointers_Lists_get_listBox(r));
    CHECK(l.count == 2 && sb_codec_list_get_u16(l, 0) == 5, "listBox.value, typed");
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

/* The offset of a pointer at word @from to an object at word @to. */
static int32_t to(uint32_t from, uint32_t target) { return (int32_t)target - (int32_t)from - 1; }

/* ---- Brands inside lists, bound to lists, to AnyPointer and to other brands. ---- */

#define BRANDS_TEXT                                                                                \
    "(boxes = [(value = (id = 1, tag = \"a\"), label = \"b0\"), ()], "                             \
    "maps = [(key = \"k\", value = (id = 2))], "                                                  \
    "nestedBox = (value = (value = \"inner\", label = \"il\"), label = \"ol\"), "                 \
    "textBag = (items = [(value = \"t0\"), (label = \"l1\")]), "                                  \
    "listBag = (items = [(value = [\"x\", \"y\"])]), "                                             \
    "bagBox = (value = (items = [(value = 0x\"01\")])), "                                          \
    "lists = [[(key = \"p\", value = (id = 3))], []])"

static void build_brands(pointers_Brands_builder_t r)
{
    sb_codec_list_builder_t l, m;
    pointers_Box_Item_builder_t bi;
    pointers_Pair_Text_Item_builder_t pi;
    pointers_Box_Box_Text_builder_t bb;
    pointers_Box_Text_builder_t bt;
    pointers_Box_List_Text_builder_t bl;
    pointers_Box_Data_builder_t bd;

    l = pointers_Brands_init_boxes(r, 2);
    bi = pointers_Box_Item_list_at(l, 0);
    pointers_Item_builder_t item = pointers_Box_Item_init_value(bi);
    pointers_Item_set_id(item, 1);
    pointers_Item_set_tag(item, "a", 1);
    pointers_Box_Item_set_label(bi, "b0", 2);
    l = pointers_Brands_init_maps(r, 1);
    pi = pointers_Pair_Text_Item_list_at(l, 0);
    pointers_Pair_Text_Item_set_key(pi, "k", 1);
    pointers_Item_set_id(pointers_Pair_Text_Item_init_value(pi), 2);
    bb = pointers_Brands_init_nestedBox(r);
    bt = pointers_Box_Box_Text_init_value(bb);
    pointers_Box_Text_set_value(bt, "inner", 5);
    pointers_Box_Text_set_label(bt, "il", 2);
    pointers_Box_Box_Text_set_label(bb, "ol", 2);
    l = pointers_Bag_Text_init_items(pointers_Brands_init_textBag(r), 2);
    pointers_Box_Text_set_value(pointers_Box_Text_list_at(l, 0), "t0", 2);
    pointers_Box_Text_set_label(pointers_Box_Text_list_at(l, 1), "l1", 2);
    l = pointers_Bag_List_Text_init_items(pointers_Brands_init_listBag(r), 1);
    bl = pointers_Box_List_Text_list_at(l, 0);
    m = pointers_Box_List_Text_init_value(bl, 2);
    sb_codec_list_set_text(m, 0, "x", 1);
    sb_codec_list_set_text(m, 1, "y", 1);
    l = pointers_Bag_Data_init_items(pointers_Box_Bag_Data_init_value(pointers_Brands_init_bagBox(r)), 1);
    bd = pointers_Box_Data_list_at(l, 0);
    pointers_Box_Data_set_value(bd, "\x01", 1);
    l = pointers_Brands_init_lists(r, 2);
    m = sb_codec_list_init_struct_list(l, 0, 1, pointers_Pair_Text_Item_DATA_WORDS,
                                       pointers_Pair_Text_Item_POINTERS);
    pi = pointers_Pair_Text_Item_list_at(m, 0);
    pointers_Pair_Text_Item_set_key(pi, "p", 1);
    pointers_Item_set_id(pointers_Pair_Text_Item_init_value(pi), 3);
    (void)sb_codec_list_init_struct_list(l, 1, 0, pointers_Pair_Text_Item_DATA_WORDS,
                                         pointers_Pair_Text_Item_POINTERS);
}

static int text_is(sb_codec_text_t t, const char *s)
{
    return t.len == strlen(s) && memcmp(t.str, s, t.len) == 0;
}

static void brands(void)
{
    long n = tool_encode(schema, "Brands", BRANDS_TEXT, ref, CAP);
    sb_codec_builder_t b;
    sb_codec_reader_t m;
    pointers_Brands_reader_t r;
    sb_codec_list_t l;
    size_t words = 0;

    /* Built through the concrete types: capnp's words. */
    sb_codec_builder_init(&b, ours, CAP);
    build_brands(pointers_Brands_init_root(&b));
    CHECK(n > 0 && sb_codec_builder_finish(&b, &words) == SB_CODEC_OK, "brands");
    if (n > 0 && (words != (size_t)n || memcmp(ours, ref, words * 8) != 0)) {
        CHECK(0, "brands: words differ");
        tool_dump_diff(ref, (size_t)n, ours, words);
    }
    /* Read back through them, field by field. */
    sb_codec_reader_init(&m, ref, n > 0 ? (size_t)n : 0);
    CHECK(pointers_Brands_read_root(&m, &r) == SB_CODEC_OK, "brands root");
    l = pointers_Brands_get_boxes(r);
    CHECK(l.count == 2 &&
              text_is(pointers_Item_get_tag(pointers_Box_Item_get_value(pointers_Box_Item_list_get(l, 0))), "a") &&
              !pointers_Box_Item_has_value(pointers_Box_Item_list_get(l, 1)), "boxes");
    l = pointers_Brands_get_maps(r);
    CHECK(text_is(pointers_Pair_Text_Item_get_key(pointers_Pair_Text_Item_list_get(l, 0)), "k") &&
              pointers_Item_get_id(pointers_Pair_Text_Item_get_value(
                  pointers_Pair_Text_Item_list_get(l, 0))) == 2, "maps");
    CHECK(text_is(pointers_Box_Text_get_value(pointers_Box_Box_Text_get_value(
                      pointers_Brands_get_nestedBox(r))), "inner"), "nestedBox");
    l = pointers_Bag_Text_get_items(pointers_Brands_get_textBag(r));
    CHECK(l.count == 2 && text_is(pointers_Box_Text_get_value(pointers_Box_Text_list_get(l, 0)), "t0"),
          "textBag");
    l = pointers_Box_List_Text_get_value(pointers_Box_List_Text_list_get(
        pointers_Bag_List_Text_get_items(pointers_Brands_get_listBag(r)), 0));
    CHECK(l.count == 2 && text_is(sb_codec_list_get_text(l, 1), "y"), "listBag");
    l = pointers_Bag_Data_get_items(pointers_Box_Bag_Data_get_value(pointers_Brands_get_bagBox(r)));
    CHECK(l.count == 1 && pointers_Box_Data_get_value(pointers_Box_Data_list_get(l, 0)).len == 1,
          "bagBox");
    l = sb_codec_list_get_list(pointers_Brands_get_lists(r), 0, SB_CODEC_ELEM_INLINE_COMPOSITE);
    CHECK(l.count == 1 && pointers_Item_get_id(pointers_Pair_Text_Item_get_value(
                              pointers_Pair_Text_Item_list_get(l, 0))) == 3, "lists");
    /* The generic type reads the same words, its parameter as AnyPointer. */
    {
        pointers_Bag_reader_t g = {pointers_Brands_get_textBag(r).s};
        pointers_Box_reader_t e = pointers_Box_list_get(pointers_Bag_get_items(g), 0);
        CHECK(text_is(sb_codec_any_as_text(pointers_Box_get_value(e)), "t0"), "textBag, generic");
    }
    CHECK(sb_codec_reader_status(&m) == SB_CODEC_OK, "brands status %s",
          sb_codec_status_name(sb_codec_reader_status(&m)));

    /* Box(AnyPointer): capnp's text cannot hold its value; set as a struct, read back as one. */
    {
        pointers_Box_AnyPointer_reader_t a;
        pointers_Item_builder_t it;
        sb_codec_builder_init(&b, ours, CAP);
        it.s = sb_codec_any_init_struct(
            pointers_Box_AnyPointer_init_value(pointers_Brands_init_anyBox(pointers_Brands_init_root(&b))),
            pointers_Item_DATA_WORDS, pointers_Item_POINTERS);
        pointers_Item_set_id(it, 9);
        CHECK(sb_codec_builder_finish(&b, &words) == SB_CODEC_OK, "anyBox");
        sb_codec_reader_init(&m, ours, words);
        CHECK(pointers_Brands_read_root(&m, &r) == SB_CODEC_OK, "anyBox root");
        a = pointers_Brands_get_anyBox(r);
        pointers_Item_reader_t ir = {sb_codec_any_as_struct(pointers_Box_AnyPointer_get_value(a))};
        CHECK(pointers_Item_get_id(ir) == 9 && sb_codec_reader_status(&m) == SB_CODEC_OK,
              "anyBox.value as Item");
    }
}

/* A list of AnyPointer, which no capnp 0.9.2 schema can declare ("'List(AnyPointer)' is not
 * supported."): the runtime's elements of a list of pointers, each read as what it is (a struct,
 * a text, a list) and copied whole; capnp's List(Text) read the same way. */
static void any_list(void)
{
    uint64_t w[16], out[32];
    sb_codec_reader_t m;
    sb_codec_builder_t b;
    sb_codec_struct_t root;
    sb_codec_list_t l;
    size_t words = 0;
    memset(w, 0, sizeof w);
    /* Root: no data, 1 pointer (word 1) -> a list of 3 pointers (words 2..4). */
    w[0] = sb_codec_struct_ptr(0, 0, 1);
    w[1] = sb_codec_list_ptr(to(1, 2), SB_CODEC_ELEM_POINTER, 3);
    w[2] = sb_codec_struct_ptr(to(2, 5), 1, 0); /* a struct of one data word, word 5 */
    w[5] = 0x1234;
    w[3] = sb_codec_list_ptr(to(3, 6), SB_CODEC_ELEM_BYTE, 3); /* "hi", word 6 */
    w[6] = 'h' | ('i' << 8);
    w[4] = sb_codec_list_ptr(to(4, 7), SB_CODEC_ELEM_TWO_BYTES, 2); /* [7, 8], word 7 */
    w[7] = 7 | (8 << 16);
    sb_codec_reader_init(&m, w, 8);
    CHECK(sb_codec_read_root(&m, &root) == SB_CODEC_OK, "any list root");
    l = sb_codec_get_list(root, 0, SB_CODEC_ELEM_POINTER);
    CHECK(l.count == 3 && sb_codec_get_u64(sb_codec_any_as_struct(sb_codec_list_get_any(l, 0)), 0, 0) ==
                              0x1234, "element 0 as a struct");
    CHECK(text_is(sb_codec_any_as_text(sb_codec_list_get_any(l, 1)), "hi"), "element 1 as text");
    CHECK(sb_codec_list_get_u16(sb_codec_any_as_list(sb_codec_list_get_any(l, 2),
                                                     SB_CODEC_ELEM_TWO_BYTES), 1) == 8,
          "element 2 as a list");
    CHECK(sb_codec_reader_status(&m) == SB_CODEC_OK, "any list status");
    sb_codec_builder_init(&b, out, 32);
    sb_codec_any_copy(sb_codec_init_any(sb_codec_init_root(&b, 0, 1), 0), sb_codec_get_any(root, 0));
    CHECK(sb_codec_builder_finish(&b, &words) == SB_CODEC_OK && words == 8 &&
              memcmp(out, w, sizeof out[0] * 8) == 0, "any list copied word for word");
    /* Element 0 read as text: the kind is checked where it is read. */
    CHECK(sb_codec_any_as_text(sb_codec_list_get_any(l, 0)).len == 0 &&
              sb_codec_reader_status(&m) == SB_CODEC_WRONG_POINTER_KIND, "struct as text");
    /* capnp's List(Text) read as a list of AnyPointer. */
    long n = tool_encode(schema, "Lists", "(names = [\"seL4\", \"\", \"bridge\"])", ref, CAP);
    pointers_Lists_reader_t r;
    sb_codec_reader_init(&m, ref, n > 0 ? (size_t)n : 0);
    CHECK(pointers_Lists_read_root(&m, &r) == SB_CODEC_OK, "names root");
    l = pointers_Lists_get_names(r);
    for (uint32_t i = 0; i < 3; i++)
        CHECK(text_is(sb_codec_any_as_text(sb_codec_list_get_any(l, i)), names[i]), "names[%u] as any", i);
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
    brands();
    any_list();
    hostile();
    tool_cleanup();
    if (tool_failures) {
        fprintf(stderr, "%d check(s) failed\n", tool_failures);
        return 1;
    }
    printf("lists of pointers, AnyPointer, generics: 3 messages byte-exact (one of every kind of "
           "brand), read back, a list of AnyPointer read and copied, 4 attacks refused\n");
    return 0;
}
