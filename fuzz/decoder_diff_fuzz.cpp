/*
 * Differential libFuzzer target for the codec's reader: the same bytes are read by ours
 * (codec/src/read.c, through the generated C accessors) and by the reference Cap'n Proto C++
 * reader (libcapnp), as AllTypes and as Outer of tests/codec/codec_test.capnp, every field, and
 * as Lists of tests/codec/pointers.capnp: its lists of pointers (List(Text), List(Data),
 * List(List(Int32)), List(List(Text)), List(List(Item))), element by element.
 *
 * At each pointer both readers follow:
 *   - both read it: the values must be equal (lists element by element, text and data byte by
 *     byte, structs field by field, unions by discriminant and active member);
 *   - the reference refuses it (throws): ours must refuse it too;
 *   - ours refuses it where the reference reads it: only for our documented limits
 *     (documented_limit below: the traversal and nesting limits, far pointers, and a list of
 *     bytes read as a list of Bool).
 * Then what ours read is built again with codec/src/build.c, in schema pointer order, and:
 *   - ours reads the rebuilt words back as the very same values (the log of values is equal);
 *   - the reference copies the rebuilt message (MessageBuilder::setRoot, the layout
 *     `capnp encode --flat` writes) into exactly the same words.
 *
 * Input: the message is the first size / 8 * 8 bytes (up to MAX_WORDS, far beyond seL4's 120
 * words, to reach the reader's size arithmetic); a trailing partial word, if any, selects other
 * limits for sb_codec_reader_set_limits from its last byte (nesting: bits 0-2, traversal: bits
 * 3-5). The reference reader always gets limits above ours.
 */
#include <capnp/message.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <type_traits>
#include <vector>

#include "codec_test.capnp.h" /* the reference's C++ accessors, generated at build time */
#include "pointers.capnp.h"

extern "C" {
#include "../tests/codec/gen/codec_test.capnp.h" /* ours */
#include "../tests/codec/gen/pointers.capnp.h"
}

#define MAX_WORDS 8192
#define MAX_ELEMENTS (1u << 20) /* elements compared per list (zero-sized structs can claim 2^29) */

namespace {

/* The limits a trailing byte selects; entry 4 of each is the default. */
const uint32_t nesting_choice[8] = {0, 1, 2, 3, SB_CODEC_NESTING_DEFAULT, 40, 64, 200};
uint64_t traversal_choice(unsigned i, size_t n)
{
    const uint64_t t[8] = {0, 1, 8, n, n * SB_CODEC_TRAVERSAL_FACTOR + SB_CODEC_TRAVERSAL_MIN,
                           16 * n + 64, 64 * n + 64, 1u << 20};
    return t[i & 7];
}

/* Where ours may refuse what the reference reads: limits the README documents. */
bool documented_limit(sb_codec_status_t st)
{
    switch (st) {
    case SB_CODEC_TRAVERSAL_LIMIT: /* 8 x words + 64 by default; capnp's is 8 Mi words */
    case SB_CODEC_NESTING_LIMIT:   /* 16 by default; capnp's is 64 */
    case SB_CODEC_FAR_POINTER:     /* a flat message has one segment: no far pointers at all */
        return true;
    default:
        return false;
    }
}

[[noreturn]] void mismatch(const char *field, const char *what, sb_codec_status_t st)
{
    fprintf(stderr, "decoder_diff: %s: %s (ours: %s)\n", field, what, sb_codec_status_name(st));
    abort();
}

/* One reading of a message by ours (and, where cmp is true, by the reference beside it). */
struct Pass {
    sb_codec_reader_t *msg;
    sb_codec_builder_t *out; /* rebuild what is read into it, or nullptr */
    std::vector<uint64_t> log; /* every value ours read, in order */
    bool strict; /* ours must refuse nothing (reading our own rebuilt message) */
    bool byte_list_as_bool; /* set when ours refused a byte list read as Bool (see below) */

    void put(uint64_t v) { log.push_back(v); }
    void put_bytes(const void *p, size_t n)
    {
        put(n);
        const uint8_t *b = static_cast<const uint8_t *>(p);
        for (size_t i = 0; i < n; i++)
            put(b[i]);
    }
};

/* A pointer to an object of no words (an empty struct, a Void or empty list): capnp clamps a
 * target outside the segment to its end and reads the object; ours refuses the pointer
 * (OUT_OF_BOUNDS: every pointer must point inside the message). */
bool zero_sized(uint64_t ptr)
{
    switch (sb_codec_ptr_kind(ptr)) {
    case SB_CODEC_PTR_STRUCT:
        return sb_codec_ptr_data_words(ptr) + sb_codec_ptr_ptr_count(ptr) == 0;
    case SB_CODEC_PTR_LIST:
        return sb_codec_ptr_elem_size(ptr) != SB_CODEC_ELEM_INLINE_COMPOSITE &&
               (sb_codec_ptr_elem_size(ptr) == SB_CODEC_ELEM_VOID || sb_codec_ptr_elem_count(ptr) == 0);
    default:
        return false;
    }
}

/* The pointer word of field @i of @s (0 when the struct has no such pointer). */
uint64_t ptr_word(sb_codec_struct_t s, unsigned i)
{
    return i < s.nptrs ? s.msg->words[s.ptrs + i] : 0;
}

/* One pointer access on both sides (@ptr the pointer word): true when both read it (then
 * compare and descend). */
bool both(Pass &p, bool cmp, const char *field, uint64_t ptr, const std::function<void()> &ours,
          const std::function<void()> &ref)
{
    p.msg->status = SB_CODEC_OK; /* the first failure of this access, not of an earlier one */
    ours();
    sb_codec_status_t st = p.msg->status;
    if (p.strict && st != SB_CODEC_OK)
        mismatch(field, "ours refuses the message it built itself", st);
    if (!cmp)
        return false;
    bool ref_threw = false;
    try {
        ref();
    } catch (const kj::Exception &) {
        ref_threw = true;
    }
    if (st == SB_CODEC_OK && ref_threw)
        mismatch(field, "the reference refuses what ours reads", st);
    if (st != SB_CODEC_OK && !ref_threw && !documented_limit(st)) {
        /* capnp 0.9 reads a list of bytes (or wider) as a List(Bool), its bits at a step of the
         * element size; ours refuses any non-bit list as Bool (WRONG_ELEMENT_SIZE). */
        if (st == SB_CODEC_WRONG_ELEMENT_SIZE && p.byte_list_as_bool)
            return false;
        if (st == SB_CODEC_OUT_OF_BOUNDS && zero_sized(ptr))
            return false;
        mismatch(field, "ours refuses what the reference reads", st);
    }
    return st == SB_CODEC_OK && !ref_threw;
}

void same(bool eq, const char *field)
{
    if (!eq)
        mismatch(field, "the readers disagree on the value", SB_CODEC_OK);
}

/* Whether the pointer is null, on both sides (capnp throws for a reserved pointer kind even
 * here; ours calls any non-zero word present). */
void same_has(bool cmp, const char *field, bool has, const std::function<bool()> &ref_has)
{
    if (!cmp)
        return;
    bool r;
    try {
        r = ref_has();
    } catch (const kj::Exception &) {
        return;
    }
    same(has == r, field);
}

template <typename T, typename U> T bits_of(U v)
{
    static_assert(sizeof(T) == sizeof(U), "same size");
    T t;
    memcpy(&t, &v, sizeof t);
    return t;
}

/* A primitive value as the bits it travels as (floats by their bit patterns, so NaNs compare). */
template <typename T> uint64_t raw(T v)
{
    if constexpr (std::is_same<T, bool>::value)
        return v;
    else if constexpr (std::is_same<T, float>::value)
        return bits_of<uint32_t>(v);
    else if constexpr (std::is_same<T, double>::value)
        return bits_of<uint64_t>(v);
    else
        return static_cast<uint64_t>(static_cast<typename std::make_unsigned<T>::type>(v));
}

/* ---- pointer fields, generic ---- */

void text(Pass &p, bool cmp, const char *field, uint64_t ptr, bool has, const std::function<bool()> &ref_has,
          const std::function<sb_codec_text_t()> &ours, const std::function<capnp::Text::Reader()> &ref,
          const std::function<void(const char *, size_t)> &set)
{
    sb_codec_text_t t = {"", 0};
    capnp::Text::Reader rt;
    same_has(cmp, field, has, ref_has);
    bool ok = both(p, cmp, field, ptr, [&] { t = ours(); }, [&] { rt = ref(); });
    p.put_bytes(t.str, t.len);
    if (ok)
        same(t.len == rt.size() && memcmp(t.str, rt.cStr(), t.len) == 0 && rt.cStr()[t.len] == 0, field);
    if (p.out && has && p.msg->status == SB_CODEC_OK)
        set(t.str, t.len);
}

void data(Pass &p, bool cmp, const char *field, uint64_t ptr, bool has, const std::function<bool()> &ref_has,
          const std::function<sb_codec_data_t()> &ours, const std::function<capnp::Data::Reader()> &ref,
          const std::function<void(const void *, size_t)> &set)
{
    sb_codec_data_t d = {nullptr, 0};
    capnp::Data::Reader rd;
    same_has(cmp, field, has, ref_has);
    bool ok = both(p, cmp, field, ptr, [&] { d = ours(); }, [&] { rd = ref(); });
    p.put_bytes(d.ptr, d.len);
    if (ok)
        same(d.len == rd.size() && (d.len == 0 || memcmp(d.ptr, rd.begin(), d.len) == 0), field);
    if (p.out && has && p.msg->status == SB_CODEC_OK)
        set(d.ptr, d.len);
}

/* A list of primitives: Raw is how ours hands out an element, RefT the reference's type. */
template <typename Raw, typename RefT>
void prim_list(Pass &p, bool cmp, const char *field, uint64_t ptr, bool has, const std::function<bool()> &ref_has,
               const std::function<sb_codec_list_t()> &ours,
               const std::function<typename capnp::List<RefT>::Reader()> &ref,
               const std::function<sb_codec_list_builder_t(uint32_t)> &init,
               Raw (*get)(sb_codec_list_t, uint32_t),
               void (*set)(sb_codec_list_builder_t, uint32_t, Raw))
{
    sb_codec_list_t l = {};
    typename capnp::List<RefT>::Reader rl;
    same_has(cmp, field, has, ref_has);
    bool ok = both(p, cmp, field, ptr, [&] { l = ours(); }, [&] { rl = ref(); });
    uint32_t n = sb_codec_list_len(l);
    p.put(n);
    if (ok)
        same(n == rl.size(), field);
    bool build = p.out && has && p.msg->status == SB_CODEC_OK;
    sb_codec_list_builder_t lb = {};
    if (build)
        lb = init(n);
    for (uint32_t i = 0; i < n && i < MAX_ELEMENTS; i++) {
        Raw v = get(l, i);
        p.put(v);
        if (ok)
            same(v == bits_of<Raw>(static_cast<RefT>(rl[i])), field);
        if (build)
            set(lb, i, v);
    }
}

bool list_get_bool(sb_codec_list_t l, uint32_t i) { return sb_codec_list_get_bool(l, i); }
void list_set_bool(sb_codec_list_builder_t l, uint32_t i, bool v) { sb_codec_list_set_bool(l, i, v); }

/* ---- the schema's structs ---- */

void inner(Pass &p, bool cmp, const char *field, codec_test_Inner_reader_t r, Inner::Reader ref,
           codec_test_Inner_builder_t *b)
{
    uint32_t id = codec_test_Inner_get_id(r);
    bool flag = codec_test_Inner_get_flag(r);
    p.put(id);
    p.put(flag);
    if (cmp)
        same(id == ref.getId() && flag == ref.getFlag(), field);
    if (b) {
        codec_test_Inner_set_id(*b, id);
        codec_test_Inner_set_flag(*b, flag);
    }
    text(p, cmp, field, ptr_word(r.s, 0), codec_test_Inner_has_name(r), [&] { return ref.hasName(); },
         [&] { return codec_test_Inner_get_name(r); }, [&] { return ref.getName(); },
         [&](const char *s, size_t n) {
             if (b)
                 codec_test_Inner_set_name(*b, s, n);
         });
}

/* A struct field holding an Inner: follow it on both sides, rebuild it with @init. */
void inner_field(Pass &p, bool cmp, const char *field, uint64_t ptr, bool has, const std::function<bool()> &ref_has,
                 const std::function<codec_test_Inner_reader_t()> &ours,
                 const std::function<Inner::Reader()> &ref,
                 const std::function<codec_test_Inner_builder_t()> &init)
{
    codec_test_Inner_reader_t r = {};
    Inner::Reader rr;
    same_has(cmp, field, has, ref_has);
    bool ok = both(p, cmp, field, ptr, [&] { r = ours(); }, [&] { rr = ref(); });
    codec_test_Inner_builder_t ib;
    bool build = p.out && has && p.msg->status == SB_CODEC_OK;
    if (build)
        ib = init();
    inner(p, ok, field, r, rr, build ? &ib : nullptr);
}

#define PRIM_LIST(name, index, Raw, RefT, getter, setter)                                           \
    prim_list<Raw, RefT>(                                                                          \
        p, cmp, #name, ptr_word(r.s, index), codec_test_AllTypes_has_##name(r), [&] { return ref.has##name##_cap(); },                   \
        [&] { return codec_test_AllTypes_get_##name(r); }, [&] { return ref.get##name##_cap(); },  \
        [&](uint32_t n) { return codec_test_AllTypes_init_##name(*b, n); }, getter, setter)

void all_types(Pass &p, bool cmp, codec_test_AllTypes_reader_t r, AllTypes::Reader ref,
               codec_test_AllTypes_builder_t *b)
{
    /* Primitive fields never fail: equal values, all of them. */
#define PRIM(name, Name, T)                                                                        \
    do {                                                                                           \
        T v = codec_test_AllTypes_get_##name(r);                                                   \
        p.put(raw(v));                                                                             \
        if (cmp)                                                                                   \
            same(raw(v) == raw(static_cast<T>(ref.get##Name())), #name);                           \
        if (b)                                                                                     \
            codec_test_AllTypes_set_##name(*b, v);                                                 \
    } while (0)
    PRIM(boolField, BoolField, bool);
    PRIM(int8Field, Int8Field, int8_t);
    PRIM(int16Field, Int16Field, int16_t);
    PRIM(int32Field, Int32Field, int32_t);
    PRIM(int64Field, Int64Field, int64_t);
    PRIM(uint8Field, Uint8Field, uint8_t);
    PRIM(uint16Field, Uint16Field, uint16_t);
    PRIM(uint32Field, Uint32Field, uint32_t);
    PRIM(uint64Field, Uint64Field, uint64_t);
    PRIM(float32Field, Float32Field, float);
    PRIM(float64Field, Float64Field, double);
    PRIM(boolDefault, BoolDefault, bool);
    PRIM(int32Default, Int32Default, int32_t);
    PRIM(uint64Default, Uint64Default, uint64_t);
    PRIM(float32Default, Float32Default, float);
    PRIM(float64Default, Float64Default, double);
    PRIM(int8Default, Int8Default, int8_t);
    PRIM(uint16Default, Uint16Default, uint16_t);
#undef PRIM
    /* Enums raw (offsets and the default as the generated accessors have them): the accessors
     * return a C enum, and in C++ a value beyond the enumerators' range is undefined. */
    uint16_t e = sb_codec_get_u16(r.s, 18, 0), ed = sb_codec_get_u16(r.s, 19, codec_test_Color_blue);
    p.put(e);
    p.put(ed);
    if (cmp)
        same(e == static_cast<uint16_t>(ref.getEnumField()) &&
                 ed == static_cast<uint16_t>(ref.getEnumDefault()), "enumField/enumDefault");
    if (b) {
        sb_codec_set_u16(b->s, 18, e, 0);
        sb_codec_set_u16(b->s, 19, ed, codec_test_Color_blue);
    }
    /* The group point and the union shape: data fields only (point.label is pointer 20). */
    codec_test_AllTypes_point_reader_t pt = codec_test_AllTypes_get_point(r);
    int32_t x = codec_test_AllTypes_point_get_x(pt), y = codec_test_AllTypes_point_get_y(pt);
    p.put(static_cast<uint32_t>(x));
    p.put(static_cast<uint32_t>(y));
    if (cmp)
        same(x == ref.getPoint().getX() && y == ref.getPoint().getY(), "point");
    if (b) {
        codec_test_AllTypes_point_builder_t pb = codec_test_AllTypes_init_point(*b);
        codec_test_AllTypes_point_set_x(pb, x);
        codec_test_AllTypes_point_set_y(pb, y);
    }
    codec_test_AllTypes_shape_reader_t sh = codec_test_AllTypes_get_shape(r);
    uint16_t sw = codec_test_AllTypes_shape_which(sh);
    p.put(sw);
    if (cmp)
        same(sw == static_cast<uint16_t>(ref.getShape().which()), "shape.which");
    if (b)
        sb_codec_set_u16(codec_test_AllTypes_init_shape(*b).s, 48, sw, 0); /* any value, raw */
    if (sw == codec_test_AllTypes_shape_which_circle) {
        double c = codec_test_AllTypes_shape_get_circle(sh);
        p.put(bits_of<uint64_t>(c));
        if (cmp)
            same(bits_of<uint64_t>(c) == bits_of<uint64_t>(ref.getShape().getCircle()), "shape.circle");
        if (b)
            codec_test_AllTypes_shape_set_circle(codec_test_AllTypes_init_shape(*b), c);
    } else if (sw == codec_test_AllTypes_shape_which_rect) {
        codec_test_AllTypes_shape_rect_reader_t rc = codec_test_AllTypes_shape_get_rect(sh);
        uint16_t w = codec_test_AllTypes_shape_rect_get_width(rc), h = codec_test_AllTypes_shape_rect_get_height(rc);
        p.put(w);
        p.put(h);
        if (cmp)
            same(w == ref.getShape().getRect().getWidth() && h == ref.getShape().getRect().getHeight(),
                 "shape.rect");
        if (b) {
            codec_test_AllTypes_shape_rect_builder_t rb =
                codec_test_AllTypes_shape_init_rect(codec_test_AllTypes_init_shape(*b));
            codec_test_AllTypes_shape_rect_set_width(rb, w);
            codec_test_AllTypes_shape_rect_set_height(rb, h);
        }
    }
    uint16_t which = codec_test_AllTypes_which(r);
    p.put(which);
    if (cmp)
        same(which == static_cast<uint16_t>(ref.which()), "which");
    if (b)
        sb_codec_set_u16(b->s, 37, which, 0); /* any value, raw */
    if (which == codec_test_AllTypes_which_number) {
        uint32_t num = codec_test_AllTypes_get_number(r);
        p.put(num);
        if (cmp)
            same(num == ref.getNumber(), "number");
        if (b)
            codec_test_AllTypes_set_number(*b, num);
    }

    /* Pointer fields, in pointer order (0..20): the rebuilt message is laid out as capnp's. */
    text(p, cmp, "textField", ptr_word(r.s, 0), codec_test_AllTypes_has_textField(r), [&] { return ref.hasTextField(); },
         [&] { return codec_test_AllTypes_get_textField(r); }, [&] { return ref.getTextField(); },
         [&](const char *s, size_t n) { codec_test_AllTypes_set_textField(*b, s, n); });
    data(p, cmp, "dataField", ptr_word(r.s, 1), codec_test_AllTypes_has_dataField(r), [&] { return ref.hasDataField(); },
         [&] { return codec_test_AllTypes_get_dataField(r); }, [&] { return ref.getDataField(); },
         [&](const void *d, size_t n) { codec_test_AllTypes_set_dataField(*b, d, n); });
    inner_field(p, cmp, "structField", ptr_word(r.s, 2), codec_test_AllTypes_has_structField(r), [&] { return ref.hasStructField(); },
                [&] { return codec_test_AllTypes_get_structField(r); },
                [&] { return ref.getStructField(); },
                [&] { return codec_test_AllTypes_init_structField(*b); });
#define hasboolList_cap hasBoolList
#define getboolList_cap getBoolList
#define hasint8List_cap hasInt8List
#define getint8List_cap getInt8List
#define hasint16List_cap hasInt16List
#define getint16List_cap getInt16List
#define hasint32List_cap hasInt32List
#define getint32List_cap getInt32List
#define hasint64List_cap hasInt64List
#define getint64List_cap getInt64List
#define hasuint8List_cap hasUint8List
#define getuint8List_cap getUint8List
#define hasuint16List_cap hasUint16List
#define getuint16List_cap getUint16List
#define hasuint32List_cap hasUint32List
#define getuint32List_cap getUint32List
#define hasuint64List_cap hasUint64List
#define getuint64List_cap getUint64List
#define hasfloat32List_cap hasFloat32List
#define getfloat32List_cap getFloat32List
#define hasfloat64List_cap hasFloat64List
#define getfloat64List_cap getFloat64List
#define hasenumList_cap hasEnumList
#define getenumList_cap getEnumList
    p.byte_list_as_bool = true;
    PRIM_LIST(boolList, 3, bool, bool, list_get_bool, list_set_bool);
    p.byte_list_as_bool = false;
    PRIM_LIST(int8List, 4, uint8_t, int8_t, sb_codec_list_get_u8, sb_codec_list_set_u8);
    PRIM_LIST(int16List, 5, uint16_t, int16_t, sb_codec_list_get_u16, sb_codec_list_set_u16);
    PRIM_LIST(int32List, 6, uint32_t, int32_t, sb_codec_list_get_u32, sb_codec_list_set_u32);
    PRIM_LIST(int64List, 7, uint64_t, int64_t, sb_codec_list_get_u64, sb_codec_list_set_u64);
    PRIM_LIST(uint8List, 8, uint8_t, uint8_t, sb_codec_list_get_u8, sb_codec_list_set_u8);
    PRIM_LIST(uint16List, 9, uint16_t, uint16_t, sb_codec_list_get_u16, sb_codec_list_set_u16);
    PRIM_LIST(uint32List, 10, uint32_t, uint32_t, sb_codec_list_get_u32, sb_codec_list_set_u32);
    PRIM_LIST(uint64List, 11, uint64_t, uint64_t, sb_codec_list_get_u64, sb_codec_list_set_u64);
    PRIM_LIST(float32List, 12, uint32_t, float, sb_codec_list_get_u32, sb_codec_list_set_u32);
    PRIM_LIST(float64List, 13, uint64_t, double, sb_codec_list_get_u64, sb_codec_list_set_u64);
    PRIM_LIST(enumList, 14, uint16_t, Color, sb_codec_list_get_u16, sb_codec_list_set_u16);
    {
        /* Void elements have no value: only the count. */
        sb_codec_list_t l = {};
        capnp::List<capnp::Void>::Reader rl;
        bool has = codec_test_AllTypes_has_voidList(r);
        same_has(cmp, "voidList", has, [&] { return ref.hasVoidList(); });
        bool ok = both(p, cmp, "voidList", ptr_word(r.s, 15), [&] { l = codec_test_AllTypes_get_voidList(r); },
                       [&] { rl = ref.getVoidList(); });
        p.put(sb_codec_list_len(l));
        if (ok)
            same(sb_codec_list_len(l) == rl.size(), "voidList");
        if (p.out && has && p.msg->status == SB_CODEC_OK)
            codec_test_AllTypes_init_voidList(*b, sb_codec_list_len(l));
    }
    {
        sb_codec_list_t l = {};
        capnp::List<Inner>::Reader rl;
        bool has = codec_test_AllTypes_has_structList(r);
        same_has(cmp, "structList", has, [&] { return ref.hasStructList(); });
        bool ok = both(p, cmp, "structList", ptr_word(r.s, 16), [&] { l = codec_test_AllTypes_get_structList(r); },
                       [&] { rl = ref.getStructList(); });
        uint32_t n = sb_codec_list_len(l);
        p.put(n);
        if (ok)
            same(n == rl.size(), "structList");
        bool build = p.out && has && p.msg->status == SB_CODEC_OK;
        sb_codec_list_builder_t lb = {};
        if (build)
            lb = codec_test_AllTypes_init_structList(*b, n);
        for (uint32_t i = 0; i < n && i < MAX_ELEMENTS; i++) {
            codec_test_Inner_builder_t eb = {};
            if (build)
                eb = codec_test_Inner_list_at(lb, i);
            inner(p, ok, "structList[i]", codec_test_Inner_list_get(l, i), ok ? rl[i] : Inner::Reader(),
                  build ? &eb : nullptr);
        }
    }
    text(p, cmp, "textDefault", ptr_word(r.s, 17), codec_test_AllTypes_has_textDefault(r), [&] { return ref.hasTextDefault(); },
         [&] { return codec_test_AllTypes_get_textDefault(r); }, [&] { return ref.getTextDefault(); },
         [&](const char *s, size_t n) { codec_test_AllTypes_set_textDefault(*b, s, n); });
    data(p, cmp, "dataDefault", ptr_word(r.s, 18), codec_test_AllTypes_has_dataDefault(r), [&] { return ref.hasDataDefault(); },
         [&] { return codec_test_AllTypes_get_dataDefault(r); }, [&] { return ref.getDataDefault(); },
         [&](const void *d, size_t n) { codec_test_AllTypes_set_dataDefault(*b, d, n); });
    if (which == codec_test_AllTypes_which_word)
        text(p, cmp, "word", ptr_word(r.s, 19), codec_test_AllTypes_has_word(r), [&] { return ref.hasWord(); },
             [&] { return codec_test_AllTypes_get_word(r); }, [&] { return ref.getWord(); },
             [&](const char *s, size_t n) { codec_test_AllTypes_set_word(*b, s, n); });
    else if (which == codec_test_AllTypes_which_child)
        inner_field(p, cmp, "child", ptr_word(r.s, 19), codec_test_AllTypes_has_child(r), [&] { return ref.hasChild(); },
                    [&] { return codec_test_AllTypes_get_child(r); }, [&] { return ref.getChild(); },
                    [&] { return codec_test_AllTypes_init_child(*b); });
    text(p, cmp, "point.label", ptr_word(r.s, 20), codec_test_AllTypes_point_has_label(pt), [&] { return ref.getPoint().hasLabel(); },
         [&] { return codec_test_AllTypes_point_get_label(pt); },
         [&] { return ref.getPoint().getLabel(); },
         [&](const char *s, size_t n) {
             codec_test_AllTypes_point_set_label(codec_test_AllTypes_init_point(*b), s, n);
         });
}

void outer(Pass &p, bool cmp, codec_test_Outer_reader_t r, Outer::Reader ref, codec_test_Outer_builder_t *b)
{
    {
        codec_test_Outer_Nested_reader_t nr = {};
        Outer::Nested::Reader rn;
        bool has = codec_test_Outer_has_nested(r);
        same_has(cmp, "Outer.nested", has, [&] { return ref.hasNested(); });
        bool ok = both(p, cmp, "Outer.nested", ptr_word(r.s, 0), [&] { nr = codec_test_Outer_get_nested(r); },
                       [&] { rn = ref.getNested(); });
        uint16_t v = codec_test_Outer_Nested_get_value(nr);
        p.put(v);
        if (ok)
            same(v == rn.getValue(), "Outer.nested.value");
        if (b && has && p.msg->status == SB_CODEC_OK)
            codec_test_Outer_Nested_set_value(codec_test_Outer_init_nested(*b), v);
    }
    {
        /* Recursion as deep as our nesting limit lets it go (at most 200 levels here). */
        codec_test_Outer_reader_t nx = {};
        Outer::Reader rx;
        bool has = codec_test_Outer_has_next(r);
        same_has(cmp, "Outer.next", has, [&] { return ref.hasNext(); });
        bool ok = both(p, cmp, "Outer.next", ptr_word(r.s, 1), [&] { nx = codec_test_Outer_get_next(r); },
                       [&] { rx = ref.getNext(); });
        bool followed = has && p.msg->status == SB_CODEC_OK;
        p.put(followed);
        if (followed) {
            codec_test_Outer_builder_t nb = {};
            if (b)
                nb = codec_test_Outer_init_next(*b);
            outer(p, ok, nx, rx, b ? &nb : nullptr);
        }
    }
    {
        sb_codec_list_t l = {};
        capnp::List<Outer::Nested>::Reader rl;
        bool has = codec_test_Outer_has_items(r);
        same_has(cmp, "Outer.items", has, [&] { return ref.hasItems(); });
        bool ok = both(p, cmp, "Outer.items", ptr_word(r.s, 2), [&] { l = codec_test_Outer_get_items(r); },
                       [&] { rl = ref.getItems(); });
        uint32_t n = sb_codec_list_len(l);
        p.put(n);
        if (ok)
            same(n == rl.size(), "Outer.items");
        bool build = b && has && p.msg->status == SB_CODEC_OK;
        sb_codec_list_builder_t lb = {};
        if (build)
            lb = codec_test_Outer_init_items(*b, n);
        for (uint32_t i = 0; i < n && i < MAX_ELEMENTS; i++) {
            uint16_t v = codec_test_Outer_Nested_get_value(codec_test_Outer_Nested_list_get(l, i));
            p.put(v);
            if (ok)
                same(v == rl[i].getValue(), "Outer.items[i]");
            if (build)
                codec_test_Outer_Nested_set_value(codec_test_Outer_Nested_list_at(lb, i), v);
        }
    }
}

/* ---- lists of pointers (pointers.capnp) ---- */

/* Follow the list of pointers of a field (or of an element) on both sides; true when ours has
 * it (then *@l and *@rl are the lists, *@lb its rebuilt list when @build). */
template <typename RefList>
bool pointer_list(Pass &p, bool cmp, const char *field, uint64_t ptr, bool has,
                  const std::function<sb_codec_list_t()> &ours, const std::function<RefList()> &ref,
                  sb_codec_list_t *l, RefList *rl, bool *ok)
{
    *ok = both(p, cmp, field, ptr, [&] { *l = ours(); }, [&] { *rl = ref(); });
    uint32_t n = sb_codec_list_len(*l);
    p.put(n);
    if (*ok)
        same(n == rl->size(), field);
    return has && p.msg->status == SB_CODEC_OK;
}

/* The element pointer word of element @i of a list of pointers. */
uint64_t elem_ptr(sb_codec_list_t l, uint32_t i)
{
    sb_codec_any_t a = sb_codec_list_get_any(l, i);
    return ptr_word(a.s, 0);
}
bool elem_has(sb_codec_list_t l, uint32_t i) { return !sb_codec_any_is_null(sb_codec_list_get_any(l, i)); }

void texts(Pass &p, bool ok, const char *field, sb_codec_list_t l, capnp::List<capnp::Text>::Reader rl,
           sb_codec_list_builder_t *lb)
{
    for (uint32_t i = 0; i < sb_codec_list_len(l) && i < MAX_ELEMENTS; i++) {
        bool has = elem_has(l, i);
        text(p, ok, field, elem_ptr(l, i), has, [&] { return has; },
             [&] { return sb_codec_list_get_text(l, i); }, [&] { return rl[i]; },
             [&](const char *s, size_t n) {
                 if (lb)
                     sb_codec_list_set_text(*lb, i, s, n);
             });
    }
}

void lists(Pass &p, bool cmp, pointers_Lists_reader_t r, Lists::Reader ref, pointers_Lists_builder_t *b)
{
    sb_codec_list_t l = {};
    bool ok, build;
    sb_codec_list_builder_t lb = {};
    {
        capnp::List<capnp::Text>::Reader rl;
        build = pointer_list<capnp::List<capnp::Text>::Reader>(
            p, cmp, "names", ptr_word(r.s, 0), pointers_Lists_has_names(r),
            [&] { return pointers_Lists_get_names(r); }, [&] { return ref.getNames(); }, &l, &rl, &ok);
        if (p.out && build)
            lb = pointers_Lists_init_names(*b, sb_codec_list_len(l));
        texts(p, ok, "names[i]", l, rl, p.out && build ? &lb : nullptr);
    }
    {
        capnp::List<capnp::Data>::Reader rl;
        build = pointer_list<capnp::List<capnp::Data>::Reader>(
            p, cmp, "blobs", ptr_word(r.s, 1), pointers_Lists_has_blobs(r),
            [&] { return pointers_Lists_get_blobs(r); }, [&] { return ref.getBlobs(); }, &l, &rl, &ok);
        if (p.out && build)
            lb = pointers_Lists_init_blobs(*b, sb_codec_list_len(l));
        for (uint32_t i = 0; i < sb_codec_list_len(l) && i < MAX_ELEMENTS; i++) {
            bool has = elem_has(l, i);
            data(p, ok, "blobs[i]", elem_ptr(l, i), has, [&] { return has; },
                 [&] { return sb_codec_list_get_data(l, i); }, [&] { return rl[i]; },
                 [&](const void *d, size_t n) {
                     if (p.out && build)
                         sb_codec_list_set_data(lb, i, d, n);
                 });
        }
    }
    {
        capnp::List<capnp::List<int32_t>>::Reader rl;
        build = pointer_list<capnp::List<capnp::List<int32_t>>::Reader>(
            p, cmp, "matrix", ptr_word(r.s, 2), pointers_Lists_has_matrix(r),
            [&] { return pointers_Lists_get_matrix(r); }, [&] { return ref.getMatrix(); }, &l, &rl, &ok);
        if (p.out && build)
            lb = pointers_Lists_init_matrix(*b, sb_codec_list_len(l));
        for (uint32_t i = 0; i < sb_codec_list_len(l) && i < MAX_ELEMENTS; i++) {
            bool has = elem_has(l, i);
            prim_list<uint32_t, int32_t>(
                p, ok, "matrix[i]", elem_ptr(l, i), has, [&] { return has; },
                [&] { return sb_codec_list_get_list(l, i, SB_CODEC_ELEM_FOUR_BYTES); },
                [&] { return rl[i]; },
                [&](uint32_t n) { return sb_codec_list_init_list(lb, i, SB_CODEC_ELEM_FOUR_BYTES, n); },
                sb_codec_list_get_u32, sb_codec_list_set_u32);
        }
    }
    {
        capnp::List<capnp::List<capnp::Text>>::Reader rl;
        build = pointer_list<capnp::List<capnp::List<capnp::Text>>::Reader>(
            p, cmp, "nested", ptr_word(r.s, 3), pointers_Lists_has_nested(r),
            [&] { return pointers_Lists_get_nested(r); }, [&] { return ref.getNested(); }, &l, &rl, &ok);
        if (p.out && build)
            lb = pointers_Lists_init_nested(*b, sb_codec_list_len(l));
        for (uint32_t i = 0; i < sb_codec_list_len(l) && i < MAX_ELEMENTS; i++) {
            sb_codec_list_t row = {};
            capnp::List<capnp::Text>::Reader rrow;
            bool rok;
            bool rb = pointer_list<capnp::List<capnp::Text>::Reader>(
                p, ok, "nested[i]", elem_ptr(l, i), elem_has(l, i),
                [&] { return sb_codec_list_get_list(l, i, SB_CODEC_ELEM_POINTER); }, [&] { return rl[i]; },
                &row, &rrow, &rok);
            sb_codec_list_builder_t rowb = {};
            if (p.out && build && rb)
                rowb = sb_codec_list_init_list(lb, i, SB_CODEC_ELEM_POINTER, sb_codec_list_len(row));
            texts(p, rok, "nested[i][j]", row, rrow, p.out && build && rb ? &rowb : nullptr);
        }
    }
    {
        capnp::List<capnp::List<Item>>::Reader rl;
        build = pointer_list<capnp::List<capnp::List<Item>>::Reader>(
            p, cmp, "items", ptr_word(r.s, 4), pointers_Lists_has_items(r),
            [&] { return pointers_Lists_get_items(r); }, [&] { return ref.getItems(); }, &l, &rl, &ok);
        if (p.out && build)
            lb = pointers_Lists_init_items(*b, sb_codec_list_len(l));
        for (uint32_t i = 0; i < sb_codec_list_len(l) && i < MAX_ELEMENTS; i++) {
            sb_codec_list_t row = {};
            capnp::List<Item>::Reader rrow;
            bool rok;
            bool rb = pointer_list<capnp::List<Item>::Reader>(
                p, ok, "items[i]", elem_ptr(l, i), elem_has(l, i),
                [&] { return sb_codec_list_get_list(l, i, SB_CODEC_ELEM_INLINE_COMPOSITE); },
                [&] { return rl[i]; }, &row, &rrow, &rok);
            sb_codec_list_builder_t rowb = {};
            if (p.out && build && rb)
                rowb = sb_codec_list_init_struct_list(lb, i, sb_codec_list_len(row), pointers_Item_DATA_WORDS,
                                                      pointers_Item_POINTERS);
            for (uint32_t j = 0; j < sb_codec_list_len(row) && j < MAX_ELEMENTS; j++) {
                pointers_Item_reader_t it = pointers_Item_list_get(row, j);
                Item::Reader rit = rok ? rrow[j] : Item::Reader();
                uint16_t id = pointers_Item_get_id(it);
                p.put(id);
                if (rok)
                    same(id == rit.getId(), "items[i][j].id");
                pointers_Item_builder_t ib = {};
                bool eb = p.out && build && rb;
                if (eb) {
                    ib = pointers_Item_list_at(rowb, j);
                    pointers_Item_set_id(ib, id);
                }
                text(p, rok, "items[i][j].tag", ptr_word(it.s, 0), pointers_Item_has_tag(it),
                     [&] { return rit.hasTag(); }, [&] { return pointers_Item_get_tag(it); },
                     [&] { return rit.getTag(); },
                     [&](const char *s, size_t n) {
                         if (eb)
                             pointers_Item_set_tag(ib, s, n);
                     });
            }
        }
    }
}

kj::ArrayPtr<const capnp::word> segment(const uint64_t *w, size_t n)
{
    return kj::arrayPtr(reinterpret_cast<const capnp::word *>(w), n);
}

capnp::ReaderOptions reference_limits()
{
    capnp::ReaderOptions o;
    o.traversalLimitInWords = uint64_t(1) << 40; /* above any of ours */
    o.nestingLimit = 1 << 20;
    return o;
}

/*
 * Read @w as Root with ours (limits as chosen) and with the reference, rebuild what ours read,
 * then check the rebuilt words both ways.
 */
template <typename Root, typename RootC, typename RootB>
void differential(const uint64_t *w, size_t n, uint32_t nesting, uint64_t traversal,
                  sb_codec_status_t (*read_root)(sb_codec_reader_t *, RootC *),
                  RootB (*init_root)(sb_codec_builder_t *),
                  void (*walk)(Pass &, bool, RootC, typename Root::Reader, RootB *))
{
    sb_codec_reader_t msg;
    sb_codec_reader_init(&msg, w, n);
    sb_codec_reader_set_limits(&msg, traversal, nesting);
    /* Enough for what can be read within the traversal limit, at schema sizes; a rebuild that
     * does not fit (zero-sized elements claiming huge counts) skips the round trip. */
    std::vector<uint64_t> out(64 * n + 4096);
    sb_codec_builder_t bld;
    sb_codec_builder_init(&bld, out.data(), out.size());
    RootB root_b = init_root(&bld);

    auto seg = segment(w, n);
    capnp::SegmentArrayMessageReader ref_msg(kj::arrayPtr(&seg, 1), reference_limits());
    Pass p{&msg, &bld, {}, false, false};
    RootC r = {};
    typename Root::Reader rr;
    bool ok = both(p, true, "root", n ? w[0] : 0, [&] { read_root(&msg, &r); }, [&] { rr = ref_msg.getRoot<Root>(); });
    walk(p, ok, r, rr, &root_b);

    size_t built;
    if (sb_codec_builder_finish(&bld, &built) != SB_CODEC_OK)
        return;
    /* Ours reads its rebuilt message as the same values, refusing nothing. */
    sb_codec_reader_t again;
    sb_codec_reader_init(&again, out.data(), built);
    sb_codec_reader_set_limits(&again, UINT64_MAX, 0xffff);
    Pass q{&again, nullptr, {}, true, false};
    RootC r2 = {};
    both(q, false, "rebuilt root", 0, [&] { read_root(&again, &r2); }, [] {});
    walk(q, false, r2, typename Root::Reader(), nullptr);
    if (q.log != p.log)
        mismatch("rebuilt message", "ours reads other values from its own rebuilt words", SB_CODEC_OK);
    /* The reference lays the same value out in exactly the same words. */
    auto bseg = segment(out.data(), built);
    capnp::SegmentArrayMessageReader rebuilt(kj::arrayPtr(&bseg, 1), reference_limits());
    capnp::MallocMessageBuilder copy(built + 16, capnp::AllocationStrategy::FIXED_SIZE);
    copy.setRoot(rebuilt.getRoot<Root>());
    auto segs = copy.getSegmentsForOutput();
    if (segs.size() != 1 || segs[0].size() != built ||
        memcmp(segs[0].begin(), out.data(), built * sizeof(uint64_t)) != 0)
        mismatch("rebuilt message", "the reference lays out the rebuilt value in other words", SB_CODEC_OK);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t size)
{
    size_t n = size / 8;
    if (n > MAX_WORDS)
        return 0;
    uint32_t nesting = SB_CODEC_NESTING_DEFAULT;
    uint64_t traversal = n * SB_CODEC_TRAVERSAL_FACTOR + SB_CODEC_TRAVERSAL_MIN;
    if (size % 8) {
        uint8_t c = bytes[size - 1];
        nesting = nesting_choice[c & 7];
        traversal = traversal_choice(c >> 3, n);
    }
    /* An exact heap block, so that ASan sees any read past the message. */
    uint64_t *w = static_cast<uint64_t *>(malloc(n ? n * 8 : 1));
    if (n)
        memcpy(w, bytes, n * 8);
    differential<AllTypes>(w, n, nesting, traversal, codec_test_AllTypes_read_root,
                           codec_test_AllTypes_init_root, all_types);
    differential<Outer>(w, n, nesting, traversal, codec_test_Outer_read_root, codec_test_Outer_init_root,
                        outer);
    differential<Lists>(w, n, nesting, traversal, pointers_Lists_read_root, pointers_Lists_init_root,
                        lists);
    free(w);
    return 0;
}
