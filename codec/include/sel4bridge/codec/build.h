/*
 * Building a flat, single-segment Cap'n Proto message into a caller's fixed buffer, e.g. straight
 * into seL4's message registers (seL4_GetIPCBuffer()->msg, at most seL4_MsgMaxLength words).
 *
 * Objects are laid out in the order they are created: the root pointer, the root struct, then
 * each object when its field is set or initialised. Set pointer fields in the schema's pointer
 * order, depth first (a struct's children before its next sibling), and the words are exactly
 * those `capnp encode --flat` writes for the same value. Fixed-size messages (no pointer fields,
 * like every capability-free bridge message) are byte-exact in any order.
 *
 * When the buffer is full the builder records SB_CODEC_BUFFER_FULL and hands out empty builders
 * on which every setter is a no-op: build the whole message, then check the status once in
 * sb_codec_builder_finish().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sel4bridge/codec/read.h>
#include <sel4bridge/codec/status.h>
#include <sel4bridge/codec/wire.h>

typedef struct sb_codec_builder {
    uint64_t *words;
    uint32_t cap;  /* words in the caller's buffer */
    uint32_t used; /* words written so far, root pointer included */
    sb_codec_status_t status;
} sb_codec_builder_t;

/* A struct being built (or the empty builder, after a failure). */
typedef struct sb_codec_struct_builder {
    sb_codec_builder_t *msg;
    uint8_t *data;
    uint64_t *ptrs;
    uint32_t data_bytes;
    uint16_t nptrs;
} sb_codec_struct_builder_t;

/* A list being built: @count elements @step_bits apart; struct elements have @data_bytes of
 * data then @nptrs pointers. */
typedef struct sb_codec_list_builder {
    sb_codec_builder_t *msg;
    uint8_t *base;
    uint32_t count;
    uint32_t step_bits;
    uint32_t data_bytes;
    uint16_t nptrs;
} sb_codec_list_builder_t;

/* Start a message in @words (capacity @cap words). The words are zeroed as they are used, so
 * stale message registers need no clearing. */
static inline void sb_codec_builder_init(sb_codec_builder_t *msg, uint64_t *words, size_t cap)
{
    msg->words = words;
    msg->cap = cap > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uint32_t)cap;
    msg->used = 0;
    msg->status = SB_CODEC_OK;
}
/* The general case of sb_codec_init_root (a buffer too small, a message already started). */
sb_codec_struct_builder_t sb_codec_init_root_slow(sb_codec_builder_t *msg, uint16_t data_words,
                                                  uint16_t nptrs);

/* The root struct of @data_words data words and @nptrs pointers. Inline: with the generated
 * sizes as constants, a control message's root is a few stores. */
static inline sb_codec_struct_builder_t sb_codec_init_root(sb_codec_builder_t *msg,
                                                           uint16_t data_words, uint16_t nptrs)
{
    sb_codec_struct_builder_t s;
    uint32_t size = (uint32_t)data_words + nptrs;

    if (msg->used != 0 || msg->status != SB_CODEC_OK || size >= msg->cap)
        return sb_codec_init_root_slow(msg, data_words, nptrs);
    /* An empty struct points at itself (offset -1), as capnp encodes it, so it is not null. */
    msg->words[0] = sb_codec_struct_ptr(size ? 0 : -1, data_words, nptrs);
    /* The builtin: a freestanding build (-ffreestanding) would call memset even for the few
     * constant words of a control message; this way they are stores. */
    __builtin_memset(msg->words + 1, 0, (size_t)size * sizeof(uint64_t));
    msg->used = 1 + size;
    s.msg = msg;
    s.data = (uint8_t *)(msg->words + 1);
    s.ptrs = msg->words + 1 + data_words;
    s.data_bytes = (uint32_t)data_words * 8;
    s.nptrs = nptrs;
    return s;
}
/* The message's status; on SB_CODEC_OK *@nwords is its length in words (the root included). */
static inline sb_codec_status_t sb_codec_builder_finish(const sb_codec_builder_t *msg,
                                                        size_t *nwords)
{
    if (msg->status == SB_CODEC_OK && nwords)
        *nwords = msg->used;
    return msg->status;
}

/* Pointer fields: each allocates its object at the end of the message and points the field at
 * it. Set each pointer field once (a second set leaves the first object behind, unreferenced). */
sb_codec_struct_builder_t sb_codec_init_struct(sb_codec_struct_builder_t s, uint16_t ptr_index,
                                               uint16_t data_words, uint16_t nptrs);
/* A list of @count elements of @elem_size (a primitive or pointer size code). */
sb_codec_list_builder_t sb_codec_init_list(sb_codec_struct_builder_t s, uint16_t ptr_index,
                                           unsigned elem_size, uint32_t count);
/* A list of @count structs of @data_words/@nptrs each (a tag word, then the elements). */
sb_codec_list_builder_t sb_codec_init_struct_list(sb_codec_struct_builder_t s, uint16_t ptr_index,
                                                  uint32_t count, uint16_t data_words,
                                                  uint16_t nptrs);
/* Text of @len bytes (a NUL is appended), Data of @len bytes. */
void sb_codec_set_text(sb_codec_struct_builder_t s, uint16_t ptr_index, const char *str,
                       size_t len);
void sb_codec_set_data(sb_codec_struct_builder_t s, uint16_t ptr_index, const void *ptr,
                       size_t len);
/* The i-th element of a struct list (the empty builder when i is out of range). */
sb_codec_struct_builder_t sb_codec_list_struct_at(sb_codec_list_builder_t l, uint32_t i);

/*
 * AnyPointer: a pointer set as the struct, list, text or data of the application's choice. An
 * element of a list of pointers (List(Text), List(Data), List(List(T)), List(AnyPointer), made by
 * sb_codec_init_list with SB_CODEC_ELEM_POINTER) is one too: sb_codec_list_any_at, or the
 * shorthands below. Set the elements in order, each once, for capnp's own words.
 */
typedef struct sb_codec_any_builder {
    sb_codec_struct_builder_t s; /* the struct (or list element) that holds the pointer */
    uint16_t ptr_index;
} sb_codec_any_builder_t;

static inline sb_codec_any_builder_t sb_codec_init_any(sb_codec_struct_builder_t s,
                                                       uint16_t ptr_index)
{
    sb_codec_any_builder_t a;
    a.s = s;
    a.ptr_index = ptr_index;
    return a;
}
/* Element i of a list of pointers (an empty builder when i is out of range). */
static inline sb_codec_any_builder_t sb_codec_list_any_at(sb_codec_list_builder_t l, uint32_t i)
{
    return sb_codec_init_any(sb_codec_list_struct_at(l, i), 0);
}
static inline sb_codec_struct_builder_t sb_codec_any_init_struct(sb_codec_any_builder_t a,
                                                                 uint16_t data_words,
                                                                 uint16_t nptrs)
{
    return sb_codec_init_struct(a.s, a.ptr_index, data_words, nptrs);
}
static inline sb_codec_list_builder_t sb_codec_any_init_list(sb_codec_any_builder_t a,
                                                             unsigned elem_size, uint32_t count)
{
    return sb_codec_init_list(a.s, a.ptr_index, elem_size, count);
}
static inline sb_codec_list_builder_t sb_codec_any_init_struct_list(sb_codec_any_builder_t a,
                                                                    uint32_t count,
                                                                    uint16_t data_words,
                                                                    uint16_t nptrs)
{
    return sb_codec_init_struct_list(a.s, a.ptr_index, count, data_words, nptrs);
}
static inline void sb_codec_any_set_text(sb_codec_any_builder_t a, const char *str, size_t len)
{
    sb_codec_set_text(a.s, a.ptr_index, str, len);
}
static inline void sb_codec_any_set_data(sb_codec_any_builder_t a, const void *ptr, size_t len)
{
    sb_codec_set_data(a.s, a.ptr_index, ptr, len);
}
/*
 * Set @dst to a copy of what @src points at, whatever it is (capnp's AnyPointer set from a reader):
 * structs with their data and pointers, lists of every element size, text and data, depth first
 * in pointer order, so the words are those capnp writes for the same object. What @src's reader
 * refuses (far, capability, out of bounds...) is recorded there and copied as null.
 */
void sb_codec_any_copy(sb_codec_any_builder_t dst, sb_codec_any_t src);

/*
 * Set pointer @ptr_index of @s to a copy of the struct @src reads (capnp's setter from a reader:
 * its data and pointers as its sender laid them out, depth first, so the words are capnp's). An
 * empty reader of no message (zeroed) leaves the field null.
 */
void sb_codec_set_struct(sb_codec_struct_builder_t s, uint16_t ptr_index, sb_codec_struct_t src);

/* Shorthands for the elements of List(Text), List(Data) and List(List(T)). */
static inline void sb_codec_list_set_text(sb_codec_list_builder_t l, uint32_t i, const char *str,
                                          size_t len)
{
    sb_codec_any_set_text(sb_codec_list_any_at(l, i), str, len);
}
static inline void sb_codec_list_set_data(sb_codec_list_builder_t l, uint32_t i, const void *ptr,
                                          size_t len)
{
    sb_codec_any_set_data(sb_codec_list_any_at(l, i), ptr, len);
}
static inline sb_codec_list_builder_t sb_codec_list_init_list(sb_codec_list_builder_t l,
                                                              uint32_t i, unsigned elem_size,
                                                              uint32_t count)
{
    return sb_codec_any_init_list(sb_codec_list_any_at(l, i), elem_size, count);
}
static inline sb_codec_list_builder_t sb_codec_list_init_struct_list(sb_codec_list_builder_t l,
                                                                     uint32_t i, uint32_t count,
                                                                     uint16_t data_words,
                                                                     uint16_t nptrs)
{
    return sb_codec_any_init_struct_list(sb_codec_list_any_at(l, i), count, data_words, nptrs);
}

/* Primitive fields, @off in units of the field's size; the value is stored XORed with the
 * field's default, as Cap'n Proto does, so an all-zero struct reads as all defaults. The copy is
 * the builtin, as in sb_codec_init_root: a freestanding build (-ffreestanding) would call memcpy
 * for each field (about 25 instructions for 8 bytes in a root task's memcpy); this way it is
 * one store. */
#define SB_CODEC_DEFINE_SET(name, type)                                                          \
    static inline void sb_codec_set_##name(sb_codec_struct_builder_t s, uint32_t off, type v,   \
                                           type dflt)                                            \
    {                                                                                            \
        v = (type)(v ^ dflt);                                                                    \
        if (((uint64_t)off + 1) * sizeof(type) <= s.data_bytes)                                 \
            __builtin_memcpy(s.data + (size_t)off * sizeof(type), &v, sizeof(type));             \
    }                                                                                            \
    static inline void sb_codec_list_set_##name(sb_codec_list_builder_t l, uint32_t i, type v)  \
    {                                                                                            \
        if (i < l.count && l.data_bytes >= sizeof(type))                                        \
            __builtin_memcpy(l.base + (uint64_t)i * l.step_bits / 8, &v, sizeof(type));         \
    }
SB_CODEC_DEFINE_SET(u8, uint8_t)
SB_CODEC_DEFINE_SET(u16, uint16_t)
SB_CODEC_DEFINE_SET(u32, uint32_t)
SB_CODEC_DEFINE_SET(u64, uint64_t)
#undef SB_CODEC_DEFINE_SET

static inline void sb_codec_set_bool(sb_codec_struct_builder_t s, uint32_t bit, bool v, bool dflt)
{
    if ((uint64_t)bit / 8 >= s.data_bytes)
        return;
    if (v != dflt)
        s.data[bit / 8] |= (uint8_t)(1u << (bit % 8));
    else
        s.data[bit / 8] &= (uint8_t) ~(1u << (bit % 8));
}

static inline void sb_codec_list_set_bool(sb_codec_list_builder_t l, uint32_t i, bool v)
{
    uint64_t bit = (uint64_t)i * l.step_bits;
    if (i >= l.count)
        return;
    if (v)
        l.base[bit / 8] |= (uint8_t)(1u << (bit % 8));
    else
        l.base[bit / 8] &= (uint8_t) ~(1u << (bit % 8));
}
