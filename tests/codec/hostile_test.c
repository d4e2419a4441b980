/*
 * Hostile messages: each crafted to break one check of the reader (or the builder), each answered
 * with one exact status and default values, never a crash. Messages are copied into heap blocks
 * of exactly their size, so that the ASan build of this test catches any read past the end.
 */
#include <stdlib.h>
#include <string.h>

#include "capnp_tool.h"
#include "codec_test.capnp.h"

#define SP sb_codec_struct_ptr
#define LP sb_codec_list_ptr

static uint64_t *copy(const uint64_t *w, size_t n)
{
    uint64_t *p = malloc(n ? n * 8 : 1);
    if (n)
        memcpy(p, w, n * 8);
    return p;
}

/* Read the root as AllTypes and touch every pointer field; return the reader's status. */
static sb_codec_status_t read_all(const uint64_t *words, size_t n)
{
    uint64_t *w = copy(words, n);
    sb_codec_reader_t msg;
    codec_test_AllTypes_reader_t r;
    sb_codec_list_t l;
    uint32_t i;
    volatile uint64_t sink = 0;

    sb_codec_reader_init(&msg, w, n);
    codec_test_AllTypes_read_root(&msg, &r);
    sink += codec_test_AllTypes_get_uint64Field(r);
    sink += codec_test_AllTypes_get_textField(r).len;
    sink += codec_test_AllTypes_get_dataField(r).len;
    sink += codec_test_Inner_get_id(codec_test_AllTypes_get_structField(r));
    sink += codec_test_Inner_get_name(codec_test_AllTypes_get_structField(r)).len;
    l = codec_test_AllTypes_get_uint64List(r);
    for (i = 0; i < sb_codec_list_len(l); i++)
        sink += sb_codec_list_get_u64(l, i);
    l = codec_test_AllTypes_get_boolList(r);
    for (i = 0; i < sb_codec_list_len(l); i++)
        sink += sb_codec_list_get_bool(l, i);
    sink += sb_codec_list_len(codec_test_AllTypes_get_voidList(r));
    l = codec_test_AllTypes_get_structList(r);
    for (i = 0; i < sb_codec_list_len(l); i++)
        sink += codec_test_Inner_get_name(codec_test_Inner_list_get(l, i)).len;
    sink += codec_test_AllTypes_get_word(r).len;
    sink += codec_test_AllTypes_point_get_label(codec_test_AllTypes_get_point(r)).len;
    (void)sink;
    free(w);
    return sb_codec_reader_status(&msg);
}

#define EXPECT(words, n, want)                                                                   \
    do {                                                                                         \
        sb_codec_status_t got_ = read_all(words, n);                                             \
        CHECK(got_ == (want), "got %s, want %s", sb_codec_status_name(got_),                     \
              sb_codec_status_name(want));                                                       \
    } while (0)

/* A root AllTypes struct (13 data words, 21 pointers) at word 1, pointers at words 14..34,
 * then free space: a template for messages with one bad pointer. */
#define DW 13
#define PC 21
#define P0 (1 + DW) /* word index of pointer 0 (textField) */
enum { TEXT = 0, DATA = 1, STRUCT = 2, BOOLLIST = 3, U64LIST = 11, VOIDLIST = 15, STRUCTLIST = 16 };
static uint64_t m[128];
static size_t base_message(void)
{
    memset(m, 0, sizeof m);
    m[0] = SP(0, DW, PC);
    return 1 + DW + PC;
}
/* Offset for a pointer in slot @slot to reach word @target. */
static int32_t off(int slot, int target) { return target - (P0 + slot) - 1; }

static void test_root(void)
{
    uint64_t w[4] = {0};
    sb_codec_reader_t msg;
    sb_codec_struct_t r;

    /* No words at all: no root pointer. */
    sb_codec_reader_init(&msg, w, 0);
    CHECK(sb_codec_read_root(&msg, &r) == SB_CODEC_NO_ROOT, "empty message");
    CHECK(strcmp(sb_codec_strerror(SB_CODEC_NO_ROOT), "message is shorter than its root pointer")
              == 0, "message");
    /* A null root reads as the default struct. */
    EXPECT(w, 1, SB_CODEC_OK);
    /* Root beyond the end, before the start, larger than the message, at the largest offset. */
    w[0] = SP(5, 1, 0);
    EXPECT(w, 1, SB_CODEC_OUT_OF_BOUNDS);
    w[0] = SP(-3, 1, 0);
    EXPECT(w, 1, SB_CODEC_OUT_OF_BOUNDS);
    w[0] = SP(0, 0xffff, 0xffff);
    EXPECT(w, 4, SB_CODEC_OUT_OF_BOUNDS);
    w[0] = SP((1 << 29) - 1, 1, 1);
    EXPECT(w, 4, SB_CODEC_OUT_OF_BOUNDS);
    w[0] = SP(-(1 << 29), 0, 1);
    EXPECT(w, 4, SB_CODEC_OUT_OF_BOUNDS);
    /* Far pointers (both landing-pad kinds) and capability pointers at the root. */
    w[0] = 2 | (1ull << 32);
    EXPECT(w, 4, SB_CODEC_FAR_POINTER);
    w[0] = 2 | 4 | (8ull << 3);
    EXPECT(w, 4, SB_CODEC_FAR_POINTER);
    w[0] = 3;
    EXPECT(w, 4, SB_CODEC_CAP_POINTER);
    w[0] = 3 | (7ull << 32);
    EXPECT(w, 4, SB_CODEC_CAP_POINTER);
    w[0] = 3 | (1u << 2);
    EXPECT(w, 4, SB_CODEC_BAD_POINTER);
    /* A list where the root struct should be. */
    w[0] = LP(0, SB_CODEC_ELEM_BYTE, 8);
    EXPECT(w, 2, SB_CODEC_WRONG_POINTER_KIND);
    /* A reader refuses absurd lengths rather than trusting them. */
    sb_codec_reader_init(&msg, w, (size_t)1 << 40);
    CHECK(sb_codec_read_root(&msg, &r) == SB_CODEC_NO_ROOT, "huge length");
}

static void test_fields(void)
{
    size_t n;

    /* Fields of a struct smaller than the schema's (an older sender) read as defaults. */
    {
        uint64_t w[2] = {SP(0, 1, 0), 0x1122334455667788ull};
        sb_codec_reader_t msg;
        codec_test_AllTypes_reader_t r;
        sb_codec_reader_init(&msg, w, 2);
        CHECK(codec_test_AllTypes_read_root(&msg, &r) == SB_CODEC_OK, "small struct");
        CHECK(codec_test_AllTypes_get_uint64Default(r) == 0x0123456789abcdefull, "default");
        CHECK(codec_test_AllTypes_get_int32Default(r) == -123456, "default");
        CHECK(codec_test_AllTypes_get_boolDefault(r) == true, "default");
        CHECK(codec_test_AllTypes_get_textDefault(r).len == 12, "default text");
        CHECK(!codec_test_AllTypes_has_textField(r), "no pointers");
        CHECK(sb_codec_reader_status(&msg) == SB_CODEC_OK, "status");
    }
    /* Text: out of bounds, without NUL, empty (no room for the NUL), of 16-bit elements. */
    n = base_message();
    m[P0 + TEXT] = LP(off(TEXT, (int)n), SB_CODEC_ELEM_BYTE, 9);
    EXPECT(m, n + 1, SB_CODEC_OUT_OF_BOUNDS);
    m[n] = 0x6867666564636261ull; /* "abcdefgh", no NUL */
    m[P0 + TEXT] = LP(off(TEXT, (int)n), SB_CODEC_ELEM_BYTE, 8);
    EXPECT(m, n + 1, SB_CODEC_TEXT_NOT_TERMINATED);
    m[P0 + TEXT] = LP(off(TEXT, (int)n), SB_CODEC_ELEM_BYTE, 0);
    EXPECT(m, n + 1, SB_CODEC_TEXT_NOT_TERMINATED);
    m[P0 + TEXT] = LP(off(TEXT, (int)n), SB_CODEC_ELEM_TWO_BYTES, 4);
    EXPECT(m, n + 1, SB_CODEC_WRONG_ELEMENT_SIZE);
    m[P0 + TEXT] = SP(off(TEXT, (int)n), 1, 0);
    EXPECT(m, n + 1, SB_CODEC_WRONG_POINTER_KIND);
    /* Capability and far pointers in a field. */
    m[P0 + TEXT] = 3;
    EXPECT(m, n, SB_CODEC_CAP_POINTER);
    m[P0 + TEXT] = 0;
    m[P0 + STRUCT] = 2 | (3ull << 3);
    EXPECT(m, n, SB_CODEC_FAR_POINTER);
    /* A struct field pointing at a list. */
    m[P0 + STRUCT] = LP(off(STRUCT, (int)n), SB_CODEC_ELEM_BYTE, 0);
    EXPECT(m, n, SB_CODEC_WRONG_POINTER_KIND);
    m[P0 + STRUCT] = 0;
    /* Data: a list of pointers is not bytes. */
    m[P0 + DATA] = LP(off(DATA, (int)n), SB_CODEC_ELEM_POINTER, 1);
    EXPECT(m, n + 1, SB_CODEC_WRONG_ELEMENT_SIZE);
}

static void test_lists(void)
{
    size_t n = base_message();

    /* Element counts whose byte size overflows 32 bits must still be caught by the bounds
     * check, not wrap into a small size. */
    m[P0 + U64LIST] = LP(off(U64LIST, (int)n), SB_CODEC_ELEM_EIGHT_BYTES, SB_CODEC_LIST_MAX);
    EXPECT(m, n, SB_CODEC_OUT_OF_BOUNDS);
    m[P0 + U64LIST] = LP(off(U64LIST, (int)n), SB_CODEC_ELEM_POINTER, SB_CODEC_LIST_MAX);
    EXPECT(m, n, SB_CODEC_OUT_OF_BOUNDS);
    m[P0 + U64LIST] = 0;
    m[P0 + STRUCTLIST] = LP(off(STRUCTLIST, (int)n), SB_CODEC_ELEM_INLINE_COMPOSITE,
                            SB_CODEC_LIST_MAX);
    EXPECT(m, n + 1, SB_CODEC_OUT_OF_BOUNDS);
    /* A tag that claims more elements than the list's words hold (2^30-1 elements of 0xffff
     * data words: a product that overflows 32 and 48 bits alike). */
    m[P0 + STRUCTLIST] = LP(off(STRUCTLIST, (int)n), SB_CODEC_ELEM_INLINE_COMPOSITE, 2);
    m[n] = ((uint64_t)((1u << 30) - 1) << 2) | (0xffffull << 32) | (0xffffull << 48);
    EXPECT(m, n + 3, SB_CODEC_BAD_LIST_TAG);
    m[n] = (3ull << 2) | (1ull << 32); /* 3 elements of 1 word in 2 words */
    EXPECT(m, n + 3, SB_CODEC_BAD_LIST_TAG);
    m[n] = LP(0, SB_CODEC_ELEM_BYTE, 1); /* a tag that is not a struct pointer */
    EXPECT(m, n + 3, SB_CODEC_BAD_LIST_TAG);
    m[n] = (2ull << 2) | (1ull << 32); /* well-formed: 2 elements of 1 data word */
    EXPECT(m, n + 3, SB_CODEC_OK);
    /* A struct list read where a bit list is expected, and a bit list where structs are. */
    m[P0 + BOOLLIST] = m[P0 + STRUCTLIST] - ((uint64_t)(STRUCTLIST - BOOLLIST) << 2);
    EXPECT(m, n + 3, SB_CODEC_WRONG_ELEMENT_SIZE);
    m[P0 + BOOLLIST] = 0;
    m[P0 + STRUCTLIST] = LP(off(STRUCTLIST, (int)n), SB_CODEC_ELEM_BIT, 64);
    EXPECT(m, n + 1, SB_CODEC_WRONG_ELEMENT_SIZE);
    /* A byte list where UInt64 elements are expected: elements too small. */
    m[P0 + STRUCTLIST] = 0;
    m[P0 + U64LIST] = LP(off(U64LIST, (int)n), SB_CODEC_ELEM_BYTE, 8);
    EXPECT(m, n + 1, SB_CODEC_WRONG_ELEMENT_SIZE);
    /* ...but a UInt64 list read from a struct list with a data word is capnp-compatible. */
    m[P0 + U64LIST] = LP(off(U64LIST, (int)n), SB_CODEC_ELEM_INLINE_COMPOSITE, 2);
    m[n] = (2ull << 2) | (1ull << 32);
    EXPECT(m, n + 3, SB_CODEC_OK);
}

static void test_amplification(void)
{
    size_t n = base_message();
    int s;

    /* A void list that claims 2^29-1 elements in no words: charged per element. */
    m[P0 + VOIDLIST] = LP(off(VOIDLIST, (int)n), SB_CODEC_ELEM_VOID, SB_CODEC_LIST_MAX);
    EXPECT(m, n, SB_CODEC_TRAVERSAL_LIMIT);
    m[P0 + VOIDLIST] = 0;
    /* A struct list of 2^30-1 empty structs: also charged per element. */
    m[P0 + STRUCTLIST] = LP(off(STRUCTLIST, (int)n), SB_CODEC_ELEM_INLINE_COMPOSITE, 0);
    m[n] = (uint64_t)((1u << 30) - 1) << 2;
    EXPECT(m, n + 1, SB_CODEC_TRAVERSAL_LIMIT);
    m[P0 + STRUCTLIST] = 0;
    /* Overlapping pointers: every pointer of a struct list's elements is the same 80-word
     * byte list, so reading them all would visit 80 words per element. */
    {
        const int elems = 8, words = 80;
        size_t list = n, bytes = n + 1 + (size_t)elems;
        m[P0 + STRUCTLIST] = LP(off(STRUCTLIST, (int)list), SB_CODEC_ELEM_INLINE_COMPOSITE,
                                (uint32_t)elems);
        m[list] = ((uint64_t)elems << 2) | (1ull << 48); /* elements: 0 data, 1 pointer */
        memset(&m[bytes], 'x', (size_t)words * 8);
        m[bytes + (size_t)words - 1] = 0; /* NUL-terminated */
        for (s = 0; s < elems; s++)
            m[list + 1 + (size_t)s] = LP((int32_t)(bytes - (list + 1 + (size_t)s) - 1),
                                         SB_CODEC_ELEM_BYTE, (uint32_t)words * 8);
        /* The message is 124 words, so the default limit is 124*8+64 = 1056 words; three
         * passes over the names charge 3*8*80 = 1920. */
        {
            uint64_t *w = copy(m, bytes + (size_t)words);
            sb_codec_reader_t msg;
            codec_test_AllTypes_reader_t r;
            sb_codec_list_t l;
            int pass;
            uint32_t i;
            sb_codec_reader_init(&msg, w, bytes + (size_t)words);
            codec_test_AllTypes_read_root(&msg, &r);
            l = codec_test_AllTypes_get_structList(r);
            for (pass = 0; pass < 3; pass++)
                for (i = 0; i < sb_codec_list_len(l); i++)
                    (void)codec_test_Inner_get_name(codec_test_Inner_list_get(l, i));
            CHECK(sb_codec_reader_status(&msg) == SB_CODEC_TRAVERSAL_LIMIT, "got %s",
                  sb_codec_status_name(sb_codec_reader_status(&msg)));
            /* A larger limit set by the caller lets the same reads through. */
            sb_codec_reader_init(&msg, w, bytes + (size_t)words);
            sb_codec_reader_set_limits(&msg, 1u << 20, SB_CODEC_NESTING_DEFAULT);
            codec_test_AllTypes_read_root(&msg, &r);
            l = codec_test_AllTypes_get_structList(r);
            for (pass = 0; pass < 3; pass++)
                for (i = 0; i < sb_codec_list_len(l); i++)
                    CHECK(codec_test_Inner_get_name(codec_test_Inner_list_get(l, i)).len ==
                              (uint32_t)words * 8 - 1, "name");
            CHECK(sb_codec_reader_status(&msg) == SB_CODEC_OK, "got %s",
                  sb_codec_status_name(sb_codec_reader_status(&msg)));
            free(w);
        }
    }
}

/* Follow Outer.next as far as it goes; return the depth reached and the status. */
static int follow(const uint64_t *words, size_t n, uint32_t nesting, sb_codec_status_t *st)
{
    uint64_t *w = copy(words, n);
    sb_codec_reader_t msg;
    codec_test_Outer_reader_t r;
    int depth = 0;

    sb_codec_reader_init(&msg, w, n);
    if (nesting)
        sb_codec_reader_set_limits(&msg, 1u << 20, nesting);
    codec_test_Outer_read_root(&msg, &r);
    while (codec_test_Outer_has_next(r) && depth < 1000) {
        r = codec_test_Outer_get_next(r);
        if (sb_codec_reader_status(&msg) != SB_CODEC_OK)
            break;
        depth++;
    }
    *st = sb_codec_reader_status(&msg);
    free(w);
    return depth;
}

static void test_nesting(void)
{
    uint64_t w[128];
    sb_codec_builder_t b;
    codec_test_Outer_builder_t o;
    sb_codec_status_t st;
    size_t n = 0;
    int i, depth;

    /* A cycle: Outer.next points back at the struct it is in. Without a nesting limit a
     * reader (or a recursive consumer) would never stop. */
    w[0] = SP(0, 0, 3);
    w[1] = 0;
    w[2] = SP(1 - 2 - 1, 0, 3); /* slot 1 (next), at word 2, points at word 1 */
    w[3] = 0;
    depth = follow(w, 4, 0, &st);
    CHECK(st == SB_CODEC_NESTING_LIMIT && depth == SB_CODEC_NESTING_DEFAULT - 1,
          "cycle: %s at depth %d", sb_codec_status_name(st), depth);

    /* A legitimate chain 20 deep: refused at the default limit, read with a larger one. */
    sb_codec_builder_init(&b, w, 128);
    o = codec_test_Outer_init_root(&b);
    for (i = 0; i < 20; i++)
        o = codec_test_Outer_init_next(o);
    CHECK(sb_codec_builder_finish(&b, &n) == SB_CODEC_OK && n == 1 + 21 * 3, "chain %zu", n);
    depth = follow(w, n, 0, &st);
    CHECK(st == SB_CODEC_NESTING_LIMIT && depth == SB_CODEC_NESTING_DEFAULT - 1,
          "chain: %s at depth %d", sb_codec_status_name(st), depth);
    depth = follow(w, n, 32, &st);
    CHECK(st == SB_CODEC_OK && depth == 20, "chain with limit 32: %s at depth %d",
          sb_codec_status_name(st), depth);
}

static void test_truncated(void)
{
    uint64_t w[256];
    sb_codec_builder_t b;
    codec_test_AllTypes_builder_t a;
    sb_codec_list_builder_t l;
    size_t n = 0, k;

    /* A message whose last object is a text: every truncation cuts an object short. */
    sb_codec_builder_init(&b, w, 256);
    a = codec_test_AllTypes_init_root(&b);
    codec_test_AllTypes_set_textField(a, "truncate me", 11);
    codec_test_Inner_set_name(codec_test_AllTypes_init_structField(a), "inner", 5);
    l = codec_test_AllTypes_init_uint64List(a, 3);
    sb_codec_list_set_u64(l, 2, 7);
    codec_test_AllTypes_point_set_label(codec_test_AllTypes_init_point(a), "label!", 6);
    CHECK(sb_codec_builder_finish(&b, &n) == SB_CODEC_OK, "build");
    EXPECT(w, n, SB_CODEC_OK);
    for (k = 1; k < n; k++)
        EXPECT(w, k, SB_CODEC_OUT_OF_BOUNDS);
}

static void test_builder(void)
{
    uint64_t w[8];
    sb_codec_builder_t b;
    codec_test_AllTypes_builder_t a;
    size_t n = 99;
    static const char big[16];

    /* A root that does not fit; then lengths the wire cannot carry, refused before anything
     * is read from the source. */
    sb_codec_builder_init(&b, w, 8);
    a = codec_test_AllTypes_init_root(&b);
    codec_test_AllTypes_set_textField(a, big, (size_t)1 << 29);
    CHECK(sb_codec_builder_finish(&b, &n) == SB_CODEC_BUFFER_FULL && n == 99,
          "root does not fit 8 words: %s", sb_codec_status_name(b.status));
    {
        uint64_t big_buf[64];
        codec_test_Inner_builder_t in;
        sb_codec_builder_init(&b, big_buf, 64);
        in = codec_test_Inner_init_root(&b);
        codec_test_Inner_set_name(in, big, (size_t)1 << 29);
        CHECK(sb_codec_builder_finish(&b, &n) == SB_CODEC_BAD_ARGUMENT, "text too long: %s",
              sb_codec_status_name(b.status));
        sb_codec_builder_init(&b, big_buf, 64);
        (void)codec_test_AllTypes_init_root(&b);
        CHECK(b.status == SB_CODEC_OK && b.used == 1 + DW + PC, "AllTypes root %u", b.used);
        sb_codec_builder_init(&b, big_buf, 64);
        a = codec_test_AllTypes_init_root(&b);
        codec_test_AllTypes_init_uint8List(a, SB_CODEC_LIST_MAX + 1);
        CHECK(sb_codec_builder_finish(&b, &n) == SB_CODEC_BAD_ARGUMENT, "list too long: %s",
              sb_codec_status_name(b.status));
        sb_codec_builder_init(&b, big_buf, 64);
        a = codec_test_AllTypes_init_root(&b);
        codec_test_AllTypes_init_uint8List(a, 1000);
        CHECK(sb_codec_builder_finish(&b, &n) == SB_CODEC_BUFFER_FULL, "list too big: %s",
              sb_codec_status_name(b.status));
    }
}

static void test_status_names(void)
{
    int s, t;
    for (s = 0; s < SB_CODEC_STATUS_COUNT; s++) {
        CHECK(strncmp(sb_codec_status_name(s), "SB_CODEC_", 9) == 0, "name of %d", s);
        CHECK(strlen(sb_codec_strerror(s)) > 5, "message of %d", s);
        for (t = 0; t < s; t++)
            CHECK(strcmp(sb_codec_status_name(s), sb_codec_status_name(t)) != 0, "dup %d", s);
    }
    CHECK(strcmp(sb_codec_status_name(SB_CODEC_STATUS_COUNT), "SB_CODEC_?") == 0, "unknown");
    CHECK(strcmp(sb_codec_status_name(SB_CODEC_FAR_POINTER), "SB_CODEC_FAR_POINTER") == 0, "far");
}

int main(void)
{
    test_root();
    test_fields();
    test_lists();
    test_amplification();
    test_nesting();
    test_truncated();
    test_builder();
    test_status_names();
    printf("hostile_test: %d failure(s)\n", tool_failures);
    return tool_failures ? 1 : 0;
}
