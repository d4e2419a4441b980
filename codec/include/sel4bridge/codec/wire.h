/*
 * The Cap'n Proto pointer word, as the encoding spec lays it out: the two low bits give the kind,
 * a signed 30-bit offset (in words, from the end of the pointer) follows, the upper 32 bits
 * describe the target. Shared by the reader, the builder, the generated code and the tests.
 */
#pragma once

#include <stdint.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "sel4bridge's codec reads message registers in place: little-endian targets only"
#endif

enum sb_codec_pointer_kind {
    SB_CODEC_PTR_STRUCT = 0,
    SB_CODEC_PTR_LIST = 1,
    SB_CODEC_PTR_FAR = 2,
    SB_CODEC_PTR_OTHER = 3, /* capability pointers (and reserved encodings) */
};

/* A list's element size code (bits 32..34 of a list pointer). */
enum sb_codec_elem_size {
    SB_CODEC_ELEM_VOID = 0,
    SB_CODEC_ELEM_BIT = 1,
    SB_CODEC_ELEM_BYTE = 2,
    SB_CODEC_ELEM_TWO_BYTES = 3,
    SB_CODEC_ELEM_FOUR_BYTES = 4,
    SB_CODEC_ELEM_EIGHT_BYTES = 5,
    SB_CODEC_ELEM_POINTER = 6,
    SB_CODEC_ELEM_INLINE_COMPOSITE = 7, /* struct list: a tag word, then the elements */
};

/* Largest element count (29 bits) of a list pointer, and of an inline-composite word count. */
#define SB_CODEC_LIST_MAX ((1u << 29) - 1)

/* The contracts (proofs/frama-c) only name each field, so that a proof sees two reads of one
 * field as equal; the offset's says it is a signed 30-bit value. */
/*@ assigns \nothing;
    ensures \result == (p & 3); */
static inline unsigned sb_codec_ptr_kind(uint64_t p) { return (unsigned)(p & 3); }
/* The 30-bit field, sign-extended by comparison rather than by an implementation-defined
 * conversion: offsets may point backwards. */
/*@ assigns \nothing;
    ensures -(1 << 29) <= \result < (1 << 29); */
static inline int32_t sb_codec_ptr_offset(uint64_t p)
{
    uint32_t u = (uint32_t)p >> 2;
    return u < (1u << 29) ? (int32_t)u : (int32_t)u - (1 << 30);
}
/*@ assigns \nothing;
    ensures \result == (uint16_t)(p >> 32); */
static inline uint16_t sb_codec_ptr_data_words(uint64_t p) { return (uint16_t)(p >> 32); }
/*@ assigns \nothing;
    ensures \result == (uint16_t)(p >> 48); */
static inline uint16_t sb_codec_ptr_ptr_count(uint64_t p) { return (uint16_t)(p >> 48); }
/*@ assigns \nothing;
    ensures \result == ((unsigned)(p >> 32) & 7) && \result <= 7; */
static inline unsigned sb_codec_ptr_elem_size(uint64_t p) { return (unsigned)(p >> 32) & 7; }
/*@ assigns \nothing;
    ensures \result == (uint32_t)(p >> 35); */
static inline uint32_t sb_codec_ptr_elem_count(uint64_t p) { return (uint32_t)(p >> 35); }

static inline uint64_t sb_codec_struct_ptr(int32_t offset, uint16_t data_words, uint16_t ptrs)
{
    return ((uint64_t)((uint32_t)offset << 2) & 0xffffffffu) | ((uint64_t)data_words << 32) |
           ((uint64_t)ptrs << 48);
}

static inline uint64_t sb_codec_list_ptr(int32_t offset, unsigned elem_size, uint32_t count)
{
    return ((uint64_t)(((uint32_t)offset << 2) | SB_CODEC_PTR_LIST) & 0xffffffffu) |
           ((uint64_t)(elem_size & 7) << 32) | ((uint64_t)count << 35);
}
