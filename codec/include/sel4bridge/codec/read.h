/*
 * Reading a flat, single-segment Cap'n Proto message in place, e.g. straight from seL4's message
 * registers (seL4_GetIPCBuffer()->msg, length from seL4_MessageInfo_get_length).
 *
 * The bytes are hostile. Every pointer is bounds-checked against the message before it is
 * followed; far and capability pointers are refused; each dereference is charged to a traversal
 * limit (amplification) and to a nesting limit (depth). A pointer that fails a check reads as its
 * default (null) and records the first failure in the message reader: read the fields you need,
 * then check sb_codec_reader_status() once. Primitive fields never fail: a field beyond a struct's
 * data section (an older or smaller sender) reads as its default.
 *
 * Generated accessors (codec/gen/) wrap these calls with each field's offset and default.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sel4bridge/codec/status.h>
#include <sel4bridge/codec/wire.h>

/* Defaults for sb_codec_reader_init; sb_codec_reader_set_limits changes them. */
#define SB_CODEC_NESTING_DEFAULT 16
/* Words a reader may dereference, per word of message (plus a constant for tiny messages). */
#define SB_CODEC_TRAVERSAL_FACTOR 8
#define SB_CODEC_TRAVERSAL_MIN 64

/* One message being read. Lives on the reader's stack; points at the caller's words. */
typedef struct sb_codec_reader {
    const uint64_t *words;
    uint32_t nwords;
    uint32_t nesting_limit;
    uint64_t traversal_left; /* words still allowed to be dereferenced */
    sb_codec_status_t status; /* first failure, or SB_CODEC_OK */
} sb_codec_reader_t;

/* A struct inside a message (or the empty struct, when its pointer was null or refused). */
typedef struct sb_codec_struct {
    sb_codec_reader_t *msg;
    const uint8_t *data;
    const uint64_t *ptrs;
    uint32_t data_bits; /* size of the data section; fields beyond it read as defaults */
    uint16_t nptrs;
    uint16_t nesting; /* dereferences still allowed below this struct */
} sb_codec_struct_t;

/* A list inside a message (or the empty list). Elements are `step_bits` apart; when read as
 * structs each has `data_bits` of data followed by `nptrs` pointers. */
typedef struct sb_codec_list {
    sb_codec_reader_t *msg;
    const uint8_t *base;
    uint32_t count;
    uint32_t step_bits;
    uint32_t data_bits;
    uint16_t nptrs;
    uint16_t nesting;
} sb_codec_list_t;

/* Text (len excludes the NUL, which is present) and Data, pointing into the message. */
typedef struct sb_codec_text {
    const char *str;
    uint32_t len;
} sb_codec_text_t;

typedef struct sb_codec_data {
    const uint8_t *ptr;
    uint32_t len;
} sb_codec_data_t;

/* Message lengths above this are taken as empty; seL4 messages are at most 120 words. */
#define SB_CODEC_READER_MAX_WORDS (1u << 28)

/* Start reading @nwords words at @words, with the default limits. Never fails by itself. */
static inline void sb_codec_reader_init(sb_codec_reader_t *msg, const uint64_t *words,
                                        size_t nwords)
{
    if (nwords > SB_CODEC_READER_MAX_WORDS)
        nwords = 0;
    msg->words = words;
    msg->nwords = (uint32_t)nwords;
    msg->nesting_limit = SB_CODEC_NESTING_DEFAULT;
    msg->traversal_left = (uint64_t)nwords * SB_CODEC_TRAVERSAL_FACTOR + SB_CODEC_TRAVERSAL_MIN;
    msg->status = SB_CODEC_OK;
}
/* Replace the limits: @traversal_words dereferenced in all, @nesting levels of pointers. */
void sb_codec_reader_set_limits(sb_codec_reader_t *msg, uint64_t traversal_words,
                                uint32_t nesting);
/* The first failure seen while reading this message, or SB_CODEC_OK. */
static inline sb_codec_status_t sb_codec_reader_status(const sb_codec_reader_t *msg)
{
    return msg->status;
}

/* Internal to the reader: record a failure (the first one wins), and classify a pointer that
 * is not a struct pointer (far, capability, reserved or list) as a failure. */
void sb_codec_reader_fail(sb_codec_reader_t *msg, sb_codec_status_t st);
void sb_codec_reader_refuse_struct(sb_codec_reader_t *msg, uint64_t p);

/*
 * Follow the struct pointer at @pp (a word inside the message) with @nesting levels left. Inline
 * because the root read of every control message goes through it; sb_codec_get_struct uses it
 * too, so there is one copy of the checks. On failure *@out is the empty struct.
 */
static inline bool sb_codec_deref_struct(sb_codec_reader_t *msg, const uint64_t *pp,
                                         uint32_t nesting, sb_codec_struct_t *out)
{
    uint64_t p = *pp, size;
    int64_t target;

    out->msg = msg;
    out->data = NULL;
    out->ptrs = NULL;
    out->data_bits = 0;
    out->nptrs = 0;
    out->nesting = 0;
    if (p == 0)
        return true;
    if (sb_codec_ptr_kind(p) != SB_CODEC_PTR_STRUCT) {
        sb_codec_reader_refuse_struct(msg, p);
        return false;
    }
    /* Depth: each level costs one; a cyclic message runs out here instead of the stack. */
    if (nesting == 0) {
        sb_codec_reader_fail(msg, SB_CODEC_NESTING_LIMIT);
        return false;
    }
    /* Bounds, in 64-bit arithmetic on 30-bit offsets and 16-bit sizes: nothing can wrap. The
     * offset is signed, so the target may also lie before the message. */
    size = (uint64_t)sb_codec_ptr_data_words(p) + sb_codec_ptr_ptr_count(p);
    target = (int64_t)(pp - msg->words) + 1 + sb_codec_ptr_offset(p);
    if (target < 0 || (uint64_t)target + size > msg->nwords) {
        sb_codec_reader_fail(msg, SB_CODEC_OUT_OF_BOUNDS);
        return false;
    }
    /* Amplification: overlapping pointers can make a small message visit the same words over
     * and over; every word dereferenced is charged, as capnp's ReadLimiter does. */
    if (size > msg->traversal_left) {
        msg->traversal_left = 0;
        sb_codec_reader_fail(msg, SB_CODEC_TRAVERSAL_LIMIT);
        return false;
    }
    msg->traversal_left -= size;
    out->data = (const uint8_t *)(msg->words + target);
    out->ptrs = msg->words + target + sb_codec_ptr_data_words(p);
    out->data_bits = (uint32_t)sb_codec_ptr_data_words(p) * 64;
    out->nptrs = sb_codec_ptr_ptr_count(p);
    out->nesting = (uint16_t)(nesting - 1);
    return true;
}

/* The root struct. Fails (and records) SB_CODEC_NO_ROOT for a message of no words. */
static inline sb_codec_status_t sb_codec_read_root(sb_codec_reader_t *msg,
                                                   sb_codec_struct_t *root)
{
    if (msg->nwords < 1) {
        sb_codec_reader_fail(msg, SB_CODEC_NO_ROOT);
        root->msg = msg;
        root->data = NULL;
        root->ptrs = NULL;
        root->data_bits = 0;
        root->nptrs = 0;
        root->nesting = 0;
        return SB_CODEC_NO_ROOT;
    }
    if (!sb_codec_deref_struct(msg, msg->words, msg->nesting_limit, root))
        return msg->status;
    return SB_CODEC_OK;
}

/* Pointer fields. A null pointer gives the empty struct/list (or the default text/data); a
 * refused one does too, and records why in the message reader. */
sb_codec_struct_t sb_codec_get_struct(sb_codec_struct_t s, uint16_t ptr_index);
/* @elem_size: the sb_codec_elem_size the schema's element type is encoded with. */
sb_codec_list_t sb_codec_get_list(sb_codec_struct_t s, uint16_t ptr_index, unsigned elem_size);
sb_codec_text_t sb_codec_get_text(sb_codec_struct_t s, uint16_t ptr_index, const char *dflt,
                                  uint32_t dflt_len);
sb_codec_data_t sb_codec_get_data(sb_codec_struct_t s, uint16_t ptr_index, const uint8_t *dflt,
                                  uint32_t dflt_len);

static inline bool sb_codec_has_ptr(sb_codec_struct_t s, uint16_t ptr_index)
{
    return ptr_index < s.nptrs && s.ptrs[ptr_index] != 0;
}

/* The i-th element of a struct list (the empty struct when i is out of range). */
sb_codec_struct_t sb_codec_list_get_struct(sb_codec_list_t l, uint32_t i);

/* Primitive fields: @off counts in units of the field's own size, as capnp's slot offsets do;
 * the stored value is XORed with the field's default, as in Cap'n Proto's encoding. */
#define SB_CODEC_DEFINE_GET(name, type)                                                          \
    static inline type sb_codec_get_##name(sb_codec_struct_t s, uint32_t off, type dflt)        \
    {                                                                                            \
        type v;                                                                                  \
        if (((uint64_t)off + 1) * sizeof(type) * 8 > s.data_bits)                             \
            return dflt;                                                                         \
        memcpy(&v, s.data + (size_t)off * sizeof(type), sizeof(type));                          \
        return (type)(v ^ dflt);                                                                 \
    }                                                                                            \
    static inline type sb_codec_list_get_##name(sb_codec_list_t l, uint32_t i)                  \
    {                                                                                            \
        type v;                                                                                  \
        if (i >= l.count || l.data_bits < sizeof(type) * 8)                                     \
            return 0;                                                                            \
        memcpy(&v, l.base + (uint64_t)i * l.step_bits / 8, sizeof(type));                       \
        return v;                                                                                \
    }
SB_CODEC_DEFINE_GET(u8, uint8_t)
SB_CODEC_DEFINE_GET(u16, uint16_t)
SB_CODEC_DEFINE_GET(u32, uint32_t)
SB_CODEC_DEFINE_GET(u64, uint64_t)
#undef SB_CODEC_DEFINE_GET

static inline bool sb_codec_get_bool(sb_codec_struct_t s, uint32_t bit, bool dflt)
{
    if ((uint64_t)bit + 1 > s.data_bits)
        return dflt;
    return (bool)(((s.data[bit / 8] >> (bit % 8)) & 1) ^ dflt);
}

static inline bool sb_codec_list_get_bool(sb_codec_list_t l, uint32_t i)
{
    uint64_t bit = (uint64_t)i * l.step_bits;
    if (i >= l.count || l.data_bits < 1)
        return false;
    return (l.base[bit / 8] >> (bit % 8)) & 1;
}

/* Floats travel as their IEEE bit patterns; defaults are XORed on the bits. */
static inline float sb_codec_bits_f32(uint32_t b)
{
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}
static inline double sb_codec_bits_f64(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}
static inline uint32_t sb_codec_f32_bits(float f)
{
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}
static inline uint64_t sb_codec_f64_bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

/* Number of elements of a list (0 for a null or refused list). */
static inline uint32_t sb_codec_list_len(sb_codec_list_t l) { return l.count; }
