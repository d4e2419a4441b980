/*
 * The codec against the reference implementation, on a schema with every supported field kind
 * (codec_test.capnp). For many random values: our builder's words equal `capnp encode --flat`'s,
 * our reader reads the tool's words back to the same value, and `capnp decode --flat` prints our
 * words exactly as it prints its own.
 *
 * usage: reference_test <capnp> <codec_test.capnp> [iterations]
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "capnp_tool.h"
#include "codec_test.capnp.h"

#define CAP 1024

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static uint64_t below(uint64_t n) { return rnd() % n; }

/* ---- the value model ---- */

typedef struct {
    uint32_t id;
    int has_name;
    char name[24];
    size_t name_len;
    bool flag;
} inner_t;

enum { L_BOOL, L_I8, L_I16, L_I32, L_I64, L_U8, L_U16, L_U32, L_U64, L_F32, L_F64, L_ENUM, NLISTS };
static const struct {
    unsigned bits;
    char kind; /* b(ool) i(nt) u(nsigned) f(loat) e(num) */
    sb_codec_list_builder_t (*init)(codec_test_AllTypes_builder_t, uint32_t);
    sb_codec_list_t (*get)(codec_test_AllTypes_reader_t);
    const char *name;
} lists[NLISTS] = {
    {1, 'b', codec_test_AllTypes_init_boolList, codec_test_AllTypes_get_boolList, "boolList"},
    {8, 'i', codec_test_AllTypes_init_int8List, codec_test_AllTypes_get_int8List, "int8List"},
    {16, 'i', codec_test_AllTypes_init_int16List, codec_test_AllTypes_get_int16List, "int16List"},
    {32, 'i', codec_test_AllTypes_init_int32List, codec_test_AllTypes_get_int32List, "int32List"},
    {64, 'i', codec_test_AllTypes_init_int64List, codec_test_AllTypes_get_int64List, "int64List"},
    {8, 'u', codec_test_AllTypes_init_uint8List, codec_test_AllTypes_get_uint8List, "uint8List"},
    {16, 'u', codec_test_AllTypes_init_uint16List, codec_test_AllTypes_get_uint16List,
     "uint16List"},
    {32, 'u', codec_test_AllTypes_init_uint32List, codec_test_AllTypes_get_uint32List,
     "uint32List"},
    {64, 'u', codec_test_AllTypes_init_uint64List, codec_test_AllTypes_get_uint64List,
     "uint64List"},
    {32, 'f', codec_test_AllTypes_init_float32List, codec_test_AllTypes_get_float32List,
     "float32List"},
    {64, 'f', codec_test_AllTypes_init_float64List, codec_test_AllTypes_get_float64List,
     "float64List"},
    {16, 'e', codec_test_AllTypes_init_enumList, codec_test_AllTypes_get_enumList, "enumList"},
};

typedef struct {
    bool b;
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    float f32;
    double f64;
    int has_text;
    char text[40];
    size_t text_len;
    int has_data;
    uint8_t data[20];
    size_t data_len;
    int has_struct;
    inner_t inner;
    uint16_t color;
    int nlist[NLISTS]; /* -1: absent */
    uint64_t list[NLISTS][9];
    int nvoid;        /* -1: absent */
    int nstructs;     /* -1: absent */
    inner_t structs[3];
    /* defaults */
    bool d_bool;
    int32_t d_i32;
    uint64_t d_u64;
    float d_f32;
    double d_f64;
    uint16_t d_enum;
    int has_d_text;
    char d_text[16];
    size_t d_text_len;
    int has_d_data;
    uint8_t d_data[8];
    size_t d_data_len;
    int8_t d_i8;
    uint16_t d_u16;
    /* union */
    int which; /* 0 none, 1 number, 2 word, 3 child */
    uint32_t number;
    char word[16];
    size_t word_len;
    inner_t child;
    /* group */
    int32_t x, y;
    int has_label;
    char label[16];
    size_t label_len;
    /* named union */
    int shape; /* 0 circle, 1 rect, 2 nothing */
    double circle;
    uint16_t width, height;
} value_t;

/* Printable text with escapes. No parentheses: capnp 0.9.2's text parser rejects a value that
 * has one inside a string and also uses `inf` ("Failed to read input"). */
static void rnd_text(char *s, size_t cap, size_t *len)
{
    static const char extra[] = "\"\\\n\t\x01\x7f\xe9";
    size_t i, n = below(cap);
    for (i = 0; i < n; i++) {
        s[i] = below(8) == 0 ? extra[below(sizeof extra - 1)] : (char)(' ' + below(95));
        if (s[i] == '(' || s[i] == ')')
            s[i] = '_';
    }
    *len = n;
}

static void rnd_bytes(uint8_t *p, size_t cap, size_t *len)
{
    size_t i, n = below(cap + 1);
    for (i = 0; i < n; i++)
        p[i] = (uint8_t)rnd();
    *len = n;
}

/* Floats that print exactly in decimal: small dyadic rationals, and sometimes infinities. */
static double rnd_double(void)
{
    switch (below(12)) {
    case 0: return INFINITY;
    case 1: return -INFINITY;
    case 2: return 0.0;
    default: return (double)((int64_t)(rnd() >> 14) - (1ll << 49)) / (double)(1ull << below(16));
    }
}
static float rnd_float(void)
{
    if (below(12) == 0)
        return below(2) ? INFINITY : -INFINITY;
    return (float)((int32_t)(rnd() >> 44) - (1 << 19)) / (float)(1u << below(8));
}

static void rnd_inner(inner_t *in)
{
    in->id = (uint32_t)rnd();
    in->has_name = below(2);
    if (in->has_name)
        rnd_text(in->name, sizeof in->name, &in->name_len);
    in->flag = below(2);
}

static uint64_t rnd_elem(int k)
{
    switch (lists[k].kind) {
    case 'b': return below(2);
    case 'e': return below(3);
    case 'f': {
        if (lists[k].bits == 32) {
            float f = rnd_float();
            return sb_codec_f32_bits(f);
        }
        return sb_codec_f64_bits(rnd_double());
    }
    default: return lists[k].bits == 64 ? rnd() : rnd() & ((1ull << lists[k].bits) - 1);
    }
}

static void rnd_value(value_t *v)
{
    int k, i;
    memset(v, 0, sizeof *v);
    v->b = below(2);
    v->i8 = (int8_t)rnd();
    v->i16 = (int16_t)rnd();
    v->i32 = (int32_t)rnd();
    v->i64 = below(8) == 0 ? INT64_MIN : (int64_t)rnd();
    v->u8 = (uint8_t)rnd();
    v->u16 = (uint16_t)rnd();
    v->u32 = (uint32_t)rnd();
    v->u64 = rnd();
    v->f32 = rnd_float();
    v->f64 = rnd_double();
    if ((v->has_text = below(3) != 0))
        rnd_text(v->text, sizeof v->text, &v->text_len);
    if ((v->has_data = below(3) != 0))
        rnd_bytes(v->data, sizeof v->data, &v->data_len);
    if ((v->has_struct = below(2)))
        rnd_inner(&v->inner);
    v->color = (uint16_t)below(3);
    for (k = 0; k < NLISTS; k++) {
        v->nlist[k] = below(3) == 0 ? -1 : (int)below(10);
        for (i = 0; i < v->nlist[k]; i++)
            v->list[k][i] = rnd_elem(k);
    }
    v->nvoid = below(3) == 0 ? -1 : (int)below(5);
    v->nstructs = below(3) == 0 ? -1 : (int)below(4);
    for (i = 0; i < v->nstructs; i++)
        rnd_inner(&v->structs[i]);
    /* Defaults: half the time left unset, so the value read must be the default. */
    v->d_bool = below(2) ? (bool)below(2) : true;
    v->d_i32 = below(2) ? (int32_t)rnd() : -123456;
    v->d_u64 = below(2) ? rnd() : 0x0123456789abcdefull;
    v->d_f32 = below(2) ? rnd_float() : 1.5f;
    v->d_f64 = below(2) ? rnd_double() : -2.25e100;
    v->d_enum = below(2) ? (uint16_t)below(3) : codec_test_Color_blue;
    if ((v->has_d_text = below(2)))
        rnd_text(v->d_text, sizeof v->d_text, &v->d_text_len);
    if ((v->has_d_data = below(2)))
        rnd_bytes(v->d_data, sizeof v->d_data, &v->d_data_len);
    v->d_i8 = below(2) ? (int8_t)rnd() : -7;
    v->d_u16 = below(2) ? (uint16_t)rnd() : 65535;
    v->which = (int)below(4);
    v->number = (uint32_t)rnd();
    rnd_text(v->word, sizeof v->word, &v->word_len);
    rnd_inner(&v->child);
    v->x = (int32_t)rnd();
    v->y = (int32_t)rnd();
    if ((v->has_label = below(2)))
        rnd_text(v->label, sizeof v->label, &v->label_len);
    v->shape = (int)below(3);
    v->circle = rnd_double();
    v->width = (uint16_t)rnd();
    v->height = (uint16_t)rnd();
}

/* ---- the value as capnp text ---- */

static char *out;
static size_t outlen;
static void put(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    outlen += (size_t)vsnprintf(out + outlen, 65536 - outlen, fmt, ap);
    va_end(ap);
}

static void put_text(const char *s, size_t n)
{
    size_t i;
    put("\"");
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            put("\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            put("\\x%02x", c);
        else
            put("%c", c);
    }
    put("\"");
}

/* capnp 0.9.2 cannot parse an empty hex literal 0x"": empty Data is written "". */
static void put_data(const uint8_t *p, size_t n)
{
    size_t i;
    if (n == 0) {
        put("\"\"");
        return;
    }
    put("0x\"");
    for (i = 0; i < n; i++)
        put("%02x", p[i]);
    put("\"");
}

static void put_double(double d)
{
    char buf[40];
    if (isinf(d)) {
        put(d > 0 ? "inf" : "-inf");
        return;
    }
    snprintf(buf, sizeof buf, "%.17g", d);
    put("%s%s", buf, strpbrk(buf, ".e") ? "" : ".0");
}

static const char *colors[] = {"red", "green", "blue"};

static void put_inner(const inner_t *in)
{
    put("(id = %u, ", in->id);
    if (in->has_name) {
        put("name = ");
        put_text(in->name, in->name_len);
        put(", ");
    }
    put("flag = %s)", in->flag ? "true" : "false");
}

static void put_elem(int k, uint64_t e)
{
    switch (lists[k].kind) {
    case 'b': put(e ? "true" : "false"); break;
    case 'e': put("%s", colors[e]); break;
    case 'f':
        put_double(lists[k].bits == 32 ? (double)sb_codec_bits_f32((uint32_t)e)
                                       : sb_codec_bits_f64(e));
        break;
    case 'u': put("%llu", (unsigned long long)e); break;
    default: {
        int64_t s = lists[k].bits == 8    ? (int8_t)e
                    : lists[k].bits == 16 ? (int16_t)e
                    : lists[k].bits == 32 ? (int32_t)e
                                          : (int64_t)e;
        put("%lld", (long long)s);
    }
    }
}

static void to_text(const value_t *v)
{
    int k, i;
    outlen = 0;
    put("(voidField = void, boolField = %s, int8Field = %d, int16Field = %d, int32Field = %d, ",
        v->b ? "true" : "false", v->i8, v->i16, v->i32);
    if (v->i64 == INT64_MIN)
        put("int64Field = -9223372036854775808, ");
    else
        put("int64Field = %lld, ", (long long)v->i64);
    put("uint8Field = %u, uint16Field = %u, uint32Field = %u, uint64Field = %llu, ", v->u8, v->u16,
        v->u32, (unsigned long long)v->u64);
    put("float32Field = ");
    put_double(v->f32);
    put(", float64Field = ");
    put_double(v->f64);
    if (v->has_text) {
        put(", textField = ");
        put_text(v->text, v->text_len);
    }
    if (v->has_data) {
        put(", dataField = ");
        put_data(v->data, v->data_len);
    }
    if (v->has_struct) {
        put(", structField = ");
        put_inner(&v->inner);
    }
    put(", enumField = %s", colors[v->color]);
    for (k = 0; k < NLISTS; k++) {
        if (v->nlist[k] < 0)
            continue;
        put(", %s = [", lists[k].name);
        for (i = 0; i < v->nlist[k]; i++) {
            put(i ? ", " : "");
            put_elem(k, v->list[k][i]);
        }
        put("]");
    }
    if (v->nvoid >= 0) {
        put(", voidList = [");
        for (i = 0; i < v->nvoid; i++)
            put(i ? ", void" : "void");
        put("]");
    }
    if (v->nstructs >= 0) {
        put(", structList = [");
        for (i = 0; i < v->nstructs; i++) {
            put(i ? ", " : "");
            put_inner(&v->structs[i]);
        }
        put("]");
    }
    put(", boolDefault = %s, int32Default = %d, uint64Default = %llu, float32Default = ",
        v->d_bool ? "true" : "false", v->d_i32, (unsigned long long)v->d_u64);
    put_double(v->d_f32);
    put(", float64Default = ");
    put_double(v->d_f64);
    put(", enumDefault = %s", colors[v->d_enum]);
    if (v->has_d_text) {
        put(", textDefault = ");
        put_text(v->d_text, v->d_text_len);
    }
    if (v->has_d_data) {
        put(", dataDefault = ");
        put_data(v->d_data, v->d_data_len);
    }
    put(", int8Default = %d, uint16Default = %u", v->d_i8, v->d_u16);
    switch (v->which) {
    case 0: put(", none = void"); break;
    case 1: put(", number = %u", v->number); break;
    case 2:
        put(", word = ");
        put_text(v->word, v->word_len);
        break;
    default:
        put(", child = ");
        put_inner(&v->child);
    }
    put(", point = (x = %d, y = %d", v->x, v->y);
    if (v->has_label) {
        put(", label = ");
        put_text(v->label, v->label_len);
    }
    put(")");
    switch (v->shape) {
    case 0:
        put(", shape = (circle = ");
        put_double(v->circle);
        put(")");
        break;
    case 1: put(", shape = (rect = (width = %u, height = %u))", v->width, v->height); break;
    default: put(", shape = (nothing = void)");
    }
    put(")\n");
}

/* ---- building, in pointer order, depth first ---- */

static void build_inner(codec_test_Inner_builder_t b, const inner_t *in)
{
    codec_test_Inner_set_id(b, in->id);
    if (in->has_name)
        codec_test_Inner_set_name(b, in->name, in->name_len);
    codec_test_Inner_set_flag(b, in->flag);
}

static void set_elem(sb_codec_list_builder_t l, int k, uint32_t i, uint64_t e)
{
    switch (lists[k].bits) {
    case 1: sb_codec_list_set_bool(l, i, e != 0); break;
    case 8: sb_codec_list_set_u8(l, i, (uint8_t)e); break;
    case 16: sb_codec_list_set_u16(l, i, (uint16_t)e); break;
    case 32: sb_codec_list_set_u32(l, i, (uint32_t)e); break;
    default: sb_codec_list_set_u64(l, i, e);
    }
}

static sb_codec_status_t build(const value_t *v, uint64_t *words, size_t cap, size_t *nwords)
{
    sb_codec_builder_t msg;
    codec_test_AllTypes_builder_t b;
    int k, i;

    sb_codec_builder_init(&msg, words, cap);
    b = codec_test_AllTypes_init_root(&msg);
    codec_test_AllTypes_set_boolField(b, v->b);
    codec_test_AllTypes_set_int8Field(b, v->i8);
    codec_test_AllTypes_set_int16Field(b, v->i16);
    codec_test_AllTypes_set_int32Field(b, v->i32);
    codec_test_AllTypes_set_int64Field(b, v->i64);
    codec_test_AllTypes_set_uint8Field(b, v->u8);
    codec_test_AllTypes_set_uint16Field(b, v->u16);
    codec_test_AllTypes_set_uint32Field(b, v->u32);
    codec_test_AllTypes_set_uint64Field(b, v->u64);
    codec_test_AllTypes_set_float32Field(b, v->f32);
    codec_test_AllTypes_set_float64Field(b, v->f64);
    codec_test_AllTypes_set_enumField(b, v->color);
    codec_test_AllTypes_set_boolDefault(b, v->d_bool);
    codec_test_AllTypes_set_int32Default(b, v->d_i32);
    codec_test_AllTypes_set_uint64Default(b, v->d_u64);
    codec_test_AllTypes_set_float32Default(b, v->d_f32);
    codec_test_AllTypes_set_float64Default(b, v->d_f64);
    codec_test_AllTypes_set_enumDefault(b, v->d_enum);
    codec_test_AllTypes_set_int8Default(b, v->d_i8);
    codec_test_AllTypes_set_uint16Default(b, v->d_u16);

    /* Pointers 0..20 in order: the layout `capnp encode` produces. */
    if (v->has_text)
        codec_test_AllTypes_set_textField(b, v->text, v->text_len);
    if (v->has_data)
        codec_test_AllTypes_set_dataField(b, v->data, v->data_len);
    if (v->has_struct)
        build_inner(codec_test_AllTypes_init_structField(b), &v->inner);
    for (k = 0; k < NLISTS; k++) {
        sb_codec_list_builder_t l;
        if (v->nlist[k] < 0)
            continue;
        l = lists[k].init(b, (uint32_t)v->nlist[k]);
        for (i = 0; i < v->nlist[k]; i++)
            set_elem(l, k, (uint32_t)i, v->list[k][i]);
    }
    if (v->nvoid >= 0)
        codec_test_AllTypes_init_voidList(b, (uint32_t)v->nvoid);
    if (v->nstructs >= 0) {
        sb_codec_list_builder_t l = codec_test_AllTypes_init_structList(b, (uint32_t)v->nstructs);
        for (i = 0; i < v->nstructs; i++)
            build_inner(codec_test_Inner_list_at(l, (uint32_t)i), &v->structs[i]);
    }
    if (v->has_d_text)
        codec_test_AllTypes_set_textDefault(b, v->d_text, v->d_text_len);
    if (v->has_d_data)
        codec_test_AllTypes_set_dataDefault(b, v->d_data, v->d_data_len);
    switch (v->which) {
    case 0: codec_test_AllTypes_set_none(b); break;
    case 1: codec_test_AllTypes_set_number(b, v->number); break;
    case 2: codec_test_AllTypes_set_word(b, v->word, v->word_len); break;
    default: build_inner(codec_test_AllTypes_init_child(b), &v->child);
    }
    {
        codec_test_AllTypes_point_builder_t p = codec_test_AllTypes_init_point(b);
        codec_test_AllTypes_point_set_x(p, v->x);
        codec_test_AllTypes_point_set_y(p, v->y);
        if (v->has_label)
            codec_test_AllTypes_point_set_label(p, v->label, v->label_len);
    }
    {
        codec_test_AllTypes_shape_builder_t s = codec_test_AllTypes_init_shape(b);
        if (v->shape == 0) {
            codec_test_AllTypes_shape_set_circle(s, v->circle);
        } else if (v->shape == 1) {
            codec_test_AllTypes_shape_rect_builder_t r = codec_test_AllTypes_shape_init_rect(s);
            codec_test_AllTypes_shape_rect_set_width(r, v->width);
            codec_test_AllTypes_shape_rect_set_height(r, v->height);
        } else {
            codec_test_AllTypes_shape_set_nothing(s);
        }
    }
    return sb_codec_builder_finish(&msg, nwords);
}

/* ---- reading back ---- */

static int text_eq(sb_codec_text_t t, const char *s, size_t n)
{
    return t.len == n && memcmp(t.str, s, n) == 0 && t.str[n] == 0;
}

static void check_inner(codec_test_Inner_reader_t r, const inner_t *in, const char *what)
{
    CHECK(codec_test_Inner_get_id(r) == in->id, "%s.id", what);
    CHECK(codec_test_Inner_has_name(r) == (in->has_name != 0), "%s.name presence", what);
    if (in->has_name)
        CHECK(text_eq(codec_test_Inner_get_name(r), in->name, in->name_len), "%s.name", what);
    CHECK(codec_test_Inner_get_flag(r) == in->flag, "%s.flag", what);
}

static uint64_t get_elem(sb_codec_list_t l, int k, uint32_t i)
{
    switch (lists[k].bits) {
    case 1: return sb_codec_list_get_bool(l, i);
    case 8: return sb_codec_list_get_u8(l, i);
    case 16: return sb_codec_list_get_u16(l, i);
    case 32: return sb_codec_list_get_u32(l, i);
    default: return sb_codec_list_get_u64(l, i);
    }
}

static int same_f32(float a, float b) { return sb_codec_f32_bits(a) == sb_codec_f32_bits(b); }
static int same_f64(double a, double b) { return sb_codec_f64_bits(a) == sb_codec_f64_bits(b); }

static void check(const uint64_t *words, size_t nwords, const value_t *v)
{
    sb_codec_reader_t msg;
    codec_test_AllTypes_reader_t r;
    int k, i;

    sb_codec_reader_init(&msg, words, nwords);
    CHECK(codec_test_AllTypes_read_root(&msg, &r) == SB_CODEC_OK, "read_root");
    CHECK(codec_test_AllTypes_get_boolField(r) == v->b, "bool");
    CHECK(codec_test_AllTypes_get_int8Field(r) == v->i8, "int8");
    CHECK(codec_test_AllTypes_get_int16Field(r) == v->i16, "int16");
    CHECK(codec_test_AllTypes_get_int32Field(r) == v->i32, "int32");
    CHECK(codec_test_AllTypes_get_int64Field(r) == v->i64, "int64");
    CHECK(codec_test_AllTypes_get_uint8Field(r) == v->u8, "uint8");
    CHECK(codec_test_AllTypes_get_uint16Field(r) == v->u16, "uint16");
    CHECK(codec_test_AllTypes_get_uint32Field(r) == v->u32, "uint32");
    CHECK(codec_test_AllTypes_get_uint64Field(r) == v->u64, "uint64");
    CHECK(same_f32(codec_test_AllTypes_get_float32Field(r), v->f32), "float32");
    CHECK(same_f64(codec_test_AllTypes_get_float64Field(r), v->f64), "float64");
    CHECK(codec_test_AllTypes_has_textField(r) == (v->has_text != 0), "text presence");
    if (v->has_text)
        CHECK(text_eq(codec_test_AllTypes_get_textField(r), v->text, v->text_len), "text");
    CHECK(codec_test_AllTypes_has_dataField(r) == (v->has_data != 0), "data presence");
    if (v->has_data) {
        sb_codec_data_t d = codec_test_AllTypes_get_dataField(r);
        CHECK(d.len == v->data_len && (!d.len || memcmp(d.ptr, v->data, d.len) == 0), "data");
    }
    CHECK(codec_test_AllTypes_has_structField(r) == (v->has_struct != 0), "struct presence");
    if (v->has_struct)
        check_inner(codec_test_AllTypes_get_structField(r), &v->inner, "structField");
    CHECK(codec_test_AllTypes_get_enumField(r) == v->color, "enum");
    for (k = 0; k < NLISTS; k++) {
        sb_codec_list_t l = lists[k].get(r);
        CHECK(sb_codec_list_len(l) == (uint32_t)(v->nlist[k] < 0 ? 0 : v->nlist[k]), "%s len",
              lists[k].name);
        for (i = 0; i < v->nlist[k]; i++)
            CHECK(get_elem(l, k, (uint32_t)i) == v->list[k][i], "%s[%d]", lists[k].name, i);
    }
    CHECK(sb_codec_list_len(codec_test_AllTypes_get_voidList(r)) ==
              (uint32_t)(v->nvoid < 0 ? 0 : v->nvoid),
          "voidList len");
    {
        sb_codec_list_t l = codec_test_AllTypes_get_structList(r);
        CHECK(sb_codec_list_len(l) == (uint32_t)(v->nstructs < 0 ? 0 : v->nstructs),
              "structList len");
        for (i = 0; i < v->nstructs; i++)
            check_inner(codec_test_Inner_list_get(l, (uint32_t)i), &v->structs[i], "structList");
    }
    CHECK(codec_test_AllTypes_get_boolDefault(r) == v->d_bool, "boolDefault");
    CHECK(codec_test_AllTypes_get_int32Default(r) == v->d_i32, "int32Default");
    CHECK(codec_test_AllTypes_get_uint64Default(r) == v->d_u64, "uint64Default");
    CHECK(same_f32(codec_test_AllTypes_get_float32Default(r), v->d_f32), "float32Default");
    CHECK(same_f64(codec_test_AllTypes_get_float64Default(r), v->d_f64), "float64Default");
    CHECK(codec_test_AllTypes_get_enumDefault(r) == v->d_enum, "enumDefault");
    if (v->has_d_text)
        CHECK(text_eq(codec_test_AllTypes_get_textDefault(r), v->d_text, v->d_text_len),
              "textDefault");
    else
        CHECK(text_eq(codec_test_AllTypes_get_textDefault(r), "default text", 12),
              "textDefault's default");
    {
        sb_codec_data_t d = codec_test_AllTypes_get_dataDefault(r);
        const uint8_t *want = v->has_d_data ? v->d_data : (const uint8_t *)"\xde\xad\xbe\xef";
        size_t n = v->has_d_data ? v->d_data_len : 4;
        CHECK(d.len == n && (!n || memcmp(d.ptr, want, n) == 0), "dataDefault");
    }
    CHECK(codec_test_AllTypes_get_int8Default(r) == v->d_i8, "int8Default");
    CHECK(codec_test_AllTypes_get_uint16Default(r) == v->d_u16, "uint16Default");
    CHECK(codec_test_AllTypes_which(r) == v->which, "which");
    if (v->which == codec_test_AllTypes_which_number)
        CHECK(codec_test_AllTypes_get_number(r) == v->number, "number");
    if (v->which == codec_test_AllTypes_which_word)
        CHECK(text_eq(codec_test_AllTypes_get_word(r), v->word, v->word_len), "word");
    if (v->which == codec_test_AllTypes_which_child)
        check_inner(codec_test_AllTypes_get_child(r), &v->child, "child");
    {
        codec_test_AllTypes_point_reader_t p = codec_test_AllTypes_get_point(r);
        CHECK(codec_test_AllTypes_point_get_x(p) == v->x, "point.x");
        CHECK(codec_test_AllTypes_point_get_y(p) == v->y, "point.y");
        CHECK(codec_test_AllTypes_point_has_label(p) == (v->has_label != 0), "label presence");
        if (v->has_label)
            CHECK(text_eq(codec_test_AllTypes_point_get_label(p), v->label, v->label_len),
                  "point.label");
    }
    {
        codec_test_AllTypes_shape_reader_t s = codec_test_AllTypes_get_shape(r);
        CHECK(codec_test_AllTypes_shape_which(s) == v->shape, "shape.which");
        if (v->shape == codec_test_AllTypes_shape_which_circle)
            CHECK(same_f64(codec_test_AllTypes_shape_get_circle(s), v->circle), "circle");
        if (v->shape == codec_test_AllTypes_shape_which_rect) {
            codec_test_AllTypes_shape_rect_reader_t rr = codec_test_AllTypes_shape_get_rect(s);
            CHECK(codec_test_AllTypes_shape_rect_get_width(rr) == v->width, "rect.width");
            CHECK(codec_test_AllTypes_shape_rect_get_height(rr) == v->height, "rect.height");
        }
    }
    CHECK(sb_codec_reader_status(&msg) == SB_CODEC_OK, "reader status %s",
          sb_codec_status_name(sb_codec_reader_status(&msg)));
}

int main(int argc, char **argv)
{
    static uint64_t ours[CAP], ref[CAP];
    static char text[65536], dec_ours[65536], dec_ref[65536];
    int iterations = argc > 3 ? atoi(argv[3]) : 150, it, before;
    long total_words = 0;

    if (argc < 3 || tool_init(argv[1]) != 0) {
        fprintf(stderr, "usage: %s <capnp> <codec_test.capnp> [iterations]\n", argv[0]);
        return 2;
    }
    out = text;
    for (it = 0; it < iterations; it++) {
        value_t v;
        size_t n = 0;
        long nref;

        rnd_value(&v);
        to_text(&v);
        before = tool_failures;
        nref = tool_encode(argv[2], "AllTypes", text, ref, CAP);
        CHECK(nref > 0, "capnp encode failed");
        if (nref > 0) {
        CHECK(build(&v, ours, CAP, &n) == SB_CODEC_OK, "build");
        CHECK(n == (size_t)nref && memcmp(ours, ref, n * 8) == 0,
              "iteration %d: our words differ from capnp encode --flat", it);
        if (n != (size_t)nref || memcmp(ours, ref, n * 8) != 0)
            tool_dump_diff(ours, n, ref, (size_t)nref);
        check(ref, (size_t)nref, &v);
        CHECK(tool_decode(argv[2], "AllTypes", ours, n, dec_ours, sizeof dec_ours) == 0,
              "capnp decode of our words");
        CHECK(tool_decode(argv[2], "AllTypes", ref, (size_t)nref, dec_ref, sizeof dec_ref) == 0,
              "capnp decode of its words");
        CHECK(strcmp(dec_ours, dec_ref) == 0, "decoded text differs:\n%s\n%s", dec_ours, dec_ref);
        }
        if (tool_failures != before) {
            FILE *f = fopen("codec_reference_failure.txt", "w");
            if (f) {
                fputs(text, f);
                fclose(f);
            }
            fprintf(stderr, "value (also in codec_reference_failure.txt): %s", text);
            break;
        }
        total_words += nref;
    }
    /* The builder fails cleanly when the buffer is too small, at every size below the need. */
    {
        value_t v;
        size_t need = 0, cap;
        rnd_value(&v);
        v.has_text = 1;
        v.text_len = 30;
        memset(v.text, 'a', 30);
        CHECK(build(&v, ours, CAP, &need) == SB_CODEC_OK, "build");
        for (cap = 0; cap < need; cap++) {
            size_t n = 12345;
            CHECK(build(&v, ours, cap, &n) == SB_CODEC_BUFFER_FULL && n == 12345,
                  "cap %zu of %zu", cap, need);
        }
    }
    tool_cleanup();
    printf("reference_test: %d values, %ld words in all, %d failure(s)\n", it, total_words,
           tool_failures);
    return tool_failures ? 1 : 0;
}
