/*
 * libFuzzer target for the codec's reader: any bytes, read as the widest test struct (every
 * field kind, lists of structs, unions, groups), as a recursive struct, as lists of pointers and
 * AnyPointers (pointers.capnp; each AnyPointer also copied whole into a builder), as every kind
 * of brand (inside lists, bound to lists, to AnyPointer, to other brands), as struct and list
 * fields with defaults (defaults.capnp: a null field reads its default's own words, whose reader
 * must never fail), and as every bridge message. The reader must never read outside the message (ASan), never trip UBSan, and every
 * text or data it hands out must lie inside the message, text NUL-terminated.
 */
#include <stdlib.h>
#include <string.h>

#include "bridge.capnp.h"
#include "codec_test.capnp.h"
#include "defaults.capnp.h"
#include "pointers.capnp.h"

#define MAX_WORDS 512

static const uint64_t *lo, *hi; /* the message being read */

static void inside(const void *p, size_t n)
{
    if (n && ((const uint8_t *)p < (const uint8_t *)lo || (const uint8_t *)p + n > (const uint8_t *)hi))
        abort();
}

/* Text is either inside the message or the field's default. */
static void text(sb_codec_text_t t, const char *dflt)
{
    if ((const uint8_t *)t.str < (const uint8_t *)lo || (const uint8_t *)t.str >= (const uint8_t *)hi) {
        if (t.len != strlen(dflt) || strcmp(t.str, dflt) != 0)
            abort();
        return;
    }
    inside(t.str, (size_t)t.len + 1);
    if (t.str[t.len] != 0)
        abort();
}

/* Data is inside the message, or empty, or dataDefault's 4 bytes. */
static void data(sb_codec_data_t d)
{
    if (d.len && ((const uint8_t *)d.ptr < (const uint8_t *)lo || d.ptr >= (const uint8_t *)hi)) {
        if (d.len != 4 || memcmp(d.ptr, "\xde\xad\xbe\xef", 4) != 0)
            abort();
        return;
    }
    inside(d.ptr, d.len);
}

static void inner(codec_test_Inner_reader_t r)
{
    (void)codec_test_Inner_get_id(r);
    (void)codec_test_Inner_get_flag(r);
    text(codec_test_Inner_get_name(r), "");
}

static void all_types(sb_codec_reader_t *msg)
{
    codec_test_AllTypes_reader_t r;
    sb_codec_list_t l;
    uint32_t i;
    volatile uint64_t sink = 0;

    if (codec_test_AllTypes_read_root(msg, &r) != SB_CODEC_OK)
        return;
    /* Unsigned: any int64 the message holds must be summable without overflow. */
    sink += (uint64_t)codec_test_AllTypes_get_int64Field(r) + codec_test_AllTypes_get_boolField(r);
    sink += codec_test_AllTypes_get_float64Field(r) != 0.0;
    text(codec_test_AllTypes_get_textField(r), "");
    data(codec_test_AllTypes_get_dataField(r));
    inner(codec_test_AllTypes_get_structField(r));
    l = codec_test_AllTypes_get_boolList(r);
    for (i = 0; i < sb_codec_list_len(l) && i < 4096; i++)
        sink += sb_codec_list_get_bool(l, i);
    l = codec_test_AllTypes_get_int16List(r);
    for (i = 0; i < sb_codec_list_len(l) && i < 4096; i++)
        sink += sb_codec_list_get_u16(l, i);
    l = codec_test_AllTypes_get_uint64List(r);
    for (i = 0; i < sb_codec_list_len(l) && i < 4096; i++)
        sink += sb_codec_list_get_u64(l, i);
    l = codec_test_AllTypes_get_float32List(r);
    for (i = 0; i < sb_codec_list_len(l) && i < 4096; i++)
        sink += sb_codec_list_get_u32(l, i);
    sink += sb_codec_list_len(codec_test_AllTypes_get_voidList(r));
    l = codec_test_AllTypes_get_structList(r);
    for (i = 0; i < sb_codec_list_len(l) && i < 4096; i++)
        inner(codec_test_Inner_list_get(l, i));
    /* An index past the end reads as the empty struct: every field its default. */
    if (codec_test_Inner_get_id(codec_test_Inner_list_get(l, sb_codec_list_len(l))) != 0 ||
        codec_test_Inner_has_name(codec_test_Inner_list_get(l, sb_codec_list_len(l))))
        abort();
    text(codec_test_AllTypes_get_textDefault(r), "default text");
    data(codec_test_AllTypes_get_dataDefault(r));
    switch (codec_test_AllTypes_which(r)) {
    case codec_test_AllTypes_which_word: text(codec_test_AllTypes_get_word(r), ""); break;
    case codec_test_AllTypes_which_child: inner(codec_test_AllTypes_get_child(r)); break;
    default: sink += codec_test_AllTypes_get_number(r);
    }
    text(codec_test_AllTypes_point_get_label(codec_test_AllTypes_get_point(r)), "");
    sink += codec_test_AllTypes_shape_rect_get_width(
        codec_test_AllTypes_shape_get_rect(codec_test_AllTypes_get_shape(r)));
    (void)sink;
}

static void outer(sb_codec_reader_t *msg)
{
    codec_test_Outer_reader_t r;
    int depth = 0;

    if (codec_test_Outer_read_root(msg, &r) != SB_CODEC_OK)
        return;
    while (codec_test_Outer_has_next(r) && depth++ < 64) {
        sb_codec_list_t l = codec_test_Outer_get_items(r);
        uint32_t i;
        for (i = 0; i < sb_codec_list_len(l) && i < 64; i++)
            (void)codec_test_Outer_Nested_get_value(codec_test_Outer_Nested_list_get(l, i));
        r = codec_test_Outer_get_next(r);
    }
    /* The nesting limit must have stopped any cycle. */
    if (depth > SB_CODEC_NESTING_DEFAULT)
        abort();
}

/* The root's pointers read as lists of every element size the API takes, lists of pointers too
 * (no schema field asks for one yet: the generator refuses them), each element's pointer
 * followed as a struct: everything handed out lies inside the message. */
static void any_lists(sb_codec_reader_t *msg)
{
    sb_codec_struct_t root;
    if (sb_codec_read_root(msg, &root) != SB_CODEC_OK)
        return;
    for (uint16_t i = 0; i < root.nptrs && i < 32; i++) {
        for (unsigned want = SB_CODEC_ELEM_VOID; want <= SB_CODEC_ELEM_INLINE_COMPOSITE; want++) {
            sb_codec_list_t l = sb_codec_get_list(root, i, want);
            /* Objects are named by bit position in the message's words. */
            inside((const uint8_t *)msg->words + l.base / 8,
                   ((uint64_t)l.count * l.step_bits + 7) / 8);
            for (uint32_t e = 0; e < l.count && e < 64 && want >= SB_CODEC_ELEM_POINTER; e++) {
                sb_codec_struct_t el = sb_codec_list_get_struct(l, e);
                sb_codec_struct_t to = sb_codec_get_struct(el, 0);
                inside((const uint8_t *)msg->words + to.data / 8, to.data_bits / 8);
                inside(msg->words + to.ptrs, (size_t)to.nptrs * 8);
            }
        }
    }
}

/* Every element of a list of text / data. */
static void texts(sb_codec_list_t l)
{
    for (uint32_t i = 0; i < sb_codec_list_len(l) && i < 256; i++)
        text(sb_codec_list_get_text(l, i), "");
}
static void datas(sb_codec_list_t l)
{
    for (uint32_t i = 0; i < sb_codec_list_len(l) && i < 256; i++) {
        sb_codec_data_t d = sb_codec_list_get_data(l, i);
        if (d.len)
            inside(d.ptr, d.len);
    }
}

/* An AnyPointer read as each kind (the reader checks it as that kind), and copied whole. */
static void any(sb_codec_any_t a)
{
    static uint64_t out[MAX_WORDS * 4];
    sb_codec_struct_t st = sb_codec_any_as_struct(a);
    sb_codec_list_t l = sb_codec_any_as_list(a, SB_CODEC_ELEM_POINTER);
    sb_codec_builder_t b;
    size_t n;
    inside((const uint8_t *)lo + st.data / 8, st.data_bits / 8);
    inside(lo + st.ptrs, (size_t)st.nptrs * 8);
    texts(l);
    text(sb_codec_any_as_text(a), "");
    data(sb_codec_any_as_data(a));
    l = sb_codec_any_as_list(a, SB_CODEC_ELEM_INLINE_COMPOSITE);
    inside((const uint8_t *)lo + l.base / 8, ((uint64_t)l.count * l.step_bits + 7) / 8);
    /* The copy reads with the same reader (and its limits): it stays in both buffers. */
    sb_codec_builder_init(&b, out, sizeof out / sizeof out[0]);
    sb_codec_any_copy(sb_codec_init_any(sb_codec_init_root(&b, 0, 1), 0), a);
    if (sb_codec_builder_finish(&b, &n) == SB_CODEC_OK && n > sizeof out / sizeof out[0])
        abort();
}

/* pointers.capnp's Lists: List(Text), List(Data), List(List(...)) to three levels, AnyPointer,
 * generic values. Each element followed is charged: a list of pointers at one big object runs
 * out of the traversal limit (the reader must stop, never loop or read outside). */
static void pointer_lists(sb_codec_reader_t *msg)
{
    pointers_Lists_reader_t r;
    sb_codec_list_t l, row, cell;
    uint32_t i, j, k;
    volatile uint64_t sink = 0;

    if (pointers_Lists_read_root(msg, &r) != SB_CODEC_OK)
        return;
    texts(pointers_Lists_get_names(r));
    datas(pointers_Lists_get_blobs(r));
    l = pointers_Lists_get_matrix(r);
    for (i = 0; i < sb_codec_list_len(l) && i < 64; i++) {
        row = sb_codec_list_get_list(l, i, SB_CODEC_ELEM_FOUR_BYTES);
        for (j = 0; j < sb_codec_list_len(row) && j < 64; j++)
            sink += sb_codec_list_get_u32(row, j);
    }
    l = pointers_Lists_get_nested(r);
    for (i = 0; i < sb_codec_list_len(l) && i < 64; i++)
        texts(sb_codec_list_get_list(l, i, SB_CODEC_ELEM_POINTER));
    l = pointers_Lists_get_items(r);
    for (i = 0; i < sb_codec_list_len(l) && i < 64; i++) {
        row = sb_codec_list_get_list(l, i, SB_CODEC_ELEM_INLINE_COMPOSITE);
        for (j = 0; j < sb_codec_list_len(row) && j < 64; j++)
            text(pointers_Item_get_tag(pointers_Item_list_get(row, j)), "");
    }
    l = pointers_Lists_get_deep(r);
    for (i = 0; i < sb_codec_list_len(l) && i < 16; i++) {
        row = sb_codec_list_get_list(l, i, SB_CODEC_ELEM_POINTER);
        for (j = 0; j < sb_codec_list_len(row) && j < 16; j++) {
            cell = sb_codec_list_get_list(row, j, SB_CODEC_ELEM_BIT);
            for (k = 0; k < sb_codec_list_len(cell) && k < 64; k++)
                sink += sb_codec_list_get_bool(cell, k);
        }
    }
    any(pointers_Lists_get_anything(r));
    l = pointers_Lists_get_anys(r);
    for (i = 0; i < sb_codec_list_len(l) && i < 64; i++)
        any(pointers_Box_get_value(pointers_Box_list_get(l, i)));
    if (pointers_Lists_which(r) == pointers_Lists_which_some)
        any(pointers_Lists_get_some(r));
    {
        /* The brand's concrete type, and the generic type over the same struct. */
        pointers_Box_reader_t g = {pointers_Lists_get_itemBox(r).s};
        text(pointers_Item_get_tag(pointers_Box_Item_get_value(pointers_Lists_get_itemBox(r))), "");
        any(pointers_Box_get_value(g));
        text(pointers_Box_Text_get_value(pointers_Lists_get_textBox(r)), "");
    }
    {
        pointers_Box_reader_t g = {pointers_Lists_get_listBox(r).s};
        any(pointers_Box_get_value(g));
        l = pointers_Box_List_UInt16_get_value(pointers_Lists_get_listBox(r));
        for (i = 0; i < sb_codec_list_len(l) && i < 64; i++)
            sink += sb_codec_list_get_u16(l, i);
    }
    (void)sink;
}

/* pointers.capnp's Brands: each brand's concrete type, through lists of them. */
static void brands(sb_codec_reader_t *msg)
{
    pointers_Brands_reader_t r;
    sb_codec_list_t l, row;
    uint32_t i, j;
    volatile uint64_t sink = 0;

    if (pointers_Brands_read_root(msg, &r) != SB_CODEC_OK)
        return;
    l = pointers_Brands_get_boxes(r);
    for (i = 0; i < sb_codec_list_len(l) && i < 64; i++) {
        pointers_Box_Item_reader_t b = pointers_Box_Item_list_get(l, i);
        text(pointers_Item_get_tag(pointers_Box_Item_get_value(b)), "");
        text(pointers_Box_Item_get_label(b), "");
    }
    l = pointers_Brands_get_maps(r);
    for (i = 0; i < sb_codec_list_len(l) && i < 64; i++) {
        pointers_Pair_Text_Item_reader_t p = pointers_Pair_Text_Item_list_get(l, i);
        text(pointers_Pair_Text_Item_get_key(p), "");
        sink += pointers_Item_get_id(pointers_Pair_Text_Item_get_value(p));
    }
    text(pointers_Box_Text_get_value(pointers_Box_Box_Text_get_value(pointers_Brands_get_nestedBox(r))),
         "");
    any(pointers_Box_AnyPointer_get_value(pointers_Brands_get_anyBox(r)));
    l = pointers_Bag_Text_get_items(pointers_Brands_get_textBag(r));
    for (i = 0; i < sb_codec_list_len(l) && i < 64; i++)
        text(pointers_Box_Text_get_value(pointers_Box_Text_list_get(l, i)), "");
    l = pointers_Bag_List_Text_get_items(pointers_Brands_get_listBag(r));
    for (i = 0; i < sb_codec_list_len(l) && i < 16; i++)
        texts(pointers_Box_List_Text_get_value(pointers_Box_List_Text_list_get(l, i)));
    l = pointers_Bag_Data_get_items(pointers_Box_Bag_Data_get_value(pointers_Brands_get_bagBox(r)));
    for (i = 0; i < sb_codec_list_len(l) && i < 64; i++)
        data(pointers_Box_Data_get_value(pointers_Box_Data_list_get(l, i)));
    l = pointers_Brands_get_lists(r);
    for (i = 0; i < sb_codec_list_len(l) && i < 16; i++) {
        row = sb_codec_list_get_list(l, i, SB_CODEC_ELEM_INLINE_COMPOSITE);
        for (j = 0; j < sb_codec_list_len(row) && j < 16; j++)
            text(pointers_Pair_Text_Item_get_key(pointers_Pair_Text_Item_list_get(row, j)), "");
    }
    (void)sink;
}

/* Text read from a default's words @w (@n words) or from the message. */
static void text_in(sb_codec_text_t t, const uint64_t *w, size_t n)
{
    const uint8_t *p = (const uint8_t *)t.str;
    if (t.len == 0 && t.str == NULL)
        return;
    if (p >= (const uint8_t *)w && p + t.len < (const uint8_t *)(w + n)) {
        if (t.str[t.len] != 0)
            abort();
        return;
    }
    text(t, "");
}

/* A default's reader: started over the schema's own words when the field was null, which never
 * fail; left as it was (an empty reader) when the field was set. */
static void default_ok(sb_codec_reader_t *dm)
{
    if (sb_codec_reader_status(dm) != SB_CODEC_OK)
        abort();
    sb_codec_reader_init(dm, NULL, 0);
}

/* defaults.capnp's Defaults: struct, list, List(Text), List(List) defaults. */
static void defaults(sb_codec_reader_t *msg)
{
    defaults_Defaults_reader_t r;
    sb_codec_reader_t dm;
    sb_codec_list_t l;
    uint32_t i;
    volatile uint64_t sink = 0;

    if (defaults_Defaults_read_root(msg, &r) != SB_CODEC_OK)
        return;
    sb_codec_reader_init(&dm, NULL, 0);
    {
        defaults_Inner_reader_t in = defaults_Defaults_get_inner(r, &dm);
        text_in(defaults_Inner_get_t(in), defaults_Defaults_inner_default_words(),
                defaults_Defaults_inner_default_WORDS);
        l = defaults_Inner_get_l(in);
        for (i = 0; i < sb_codec_list_len(l) && i < 64; i++)
            sink += sb_codec_list_get_u16(l, i);
        default_ok(&dm);
    }
    l = defaults_Defaults_get_names(r, &dm);
    for (i = 0; i < sb_codec_list_len(l) && i < 64; i++)
        text_in(sb_codec_list_get_text(l, i), defaults_Defaults_names_default_words(),
                defaults_Defaults_names_default_WORDS);
    default_ok(&dm);
    l = defaults_Defaults_get_matrix(r, &dm);
    for (i = 0; i < sb_codec_list_len(l) && i < 16; i++)
        sink += sb_codec_list_len(sb_codec_list_get_list(l, i, SB_CODEC_ELEM_BYTE));
    default_ok(&dm);
    l = defaults_Defaults_get_inners(r, &dm);
    for (i = 0; i < sb_codec_list_len(l) && i < 64; i++)
        text_in(defaults_Inner_get_t(defaults_Inner_list_get(l, i)),
                defaults_Defaults_inners_default_words(), defaults_Defaults_inners_default_WORDS);
    default_ok(&dm);
    text_in(defaults_Box_Text_get_value(defaults_Defaults_get_box(r, &dm)),
            defaults_Defaults_box_default_words(), defaults_Defaults_box_default_WORDS);
    default_ok(&dm);
    l = defaults_Defaults_group_get_deep(defaults_Defaults_get_group(r), &dm);
    for (i = 0; i < sb_codec_list_len(l) && i < 16; i++) {
        sb_codec_list_t row = sb_codec_list_get_list(l, i, SB_CODEC_ELEM_POINTER);
        for (uint32_t j = 0; j < sb_codec_list_len(row) && j < 16; j++)
            text_in(sb_codec_list_get_text(row, j), defaults_Defaults_group_deep_default_words(),
                    defaults_Defaults_group_deep_default_WORDS);
    }
    default_ok(&dm);
    (void)sink;
}

static void bridge(sb_codec_reader_t *msg)
{
    bridge_OpenSessionReply_reader_t o;
    bridge_Error_reader_t e;
    volatile uint64_t sink = 0;

    if (bridge_OpenSessionReply_read_root(msg, &o) == SB_CODEC_OK)
        sink += bridge_OpenSessionReply_get_session(o) + bridge_OpenSessionReply_get_phase(o) +
                bridge_OpenSessionReply_get_ringDepth(o);
    if (bridge_Error_read_root(msg, &e) == SB_CODEC_OK)
        sink += bridge_Error_get_detail(e) + bridge_Error_get_status(e);
    (void)sink;
}

int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    /* The message registers are whole words; a heap block of exactly that size lets ASan see
     * any read past the end. */
    size_t n = size / 8;
    uint64_t *w;
    sb_codec_reader_t msg;

    if (n > MAX_WORDS)
        return 0;
    w = malloc(n ? n * 8 : 1);
    if (n)
        memcpy(w, bytes, n * 8);
    lo = w;
    hi = w + n;
    sb_codec_reader_init(&msg, w, n);
    all_types(&msg);
    sb_codec_reader_init(&msg, w, n);
    outer(&msg);
    sb_codec_reader_init(&msg, w, n);
    any_lists(&msg);
    sb_codec_reader_init(&msg, w, n);
    pointer_lists(&msg);
    sb_codec_reader_init(&msg, w, n);
    brands(&msg);
    sb_codec_reader_init(&msg, w, n);
    defaults(&msg);
    sb_codec_reader_init(&msg, w, n);
    /* Limits beyond the largest: the nesting limit stops at 0xffff. */
    sb_codec_reader_set_limits(&msg, UINT64_MAX, UINT32_MAX);
    if (msg.nesting_limit != 0xffff)
        abort();
    bridge(&msg);
    /* Whatever happened, the status is one of ours with a name and a message. */
    if ((unsigned)sb_codec_reader_status(&msg) >= SB_CODEC_STATUS_COUNT ||
        !sb_codec_strerror(sb_codec_reader_status(&msg)))
        abort();
    free(w);
    return 0;
}
