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

/*
 * Objects inside the message are named by positions in its words, never by byte pointers: a
 * field is read as the word that holds it, shifted (the target is little-endian, so this is the
 * byte order of the wire). One bounds argument then covers every read, and the proof (below and
 * proofs/frama-c) follows each access in the words the kernel delivered.
 */

/* A struct inside a message (or the empty struct, when its pointer was null or refused). */
typedef struct sb_codec_struct {
    sb_codec_reader_t *msg;
    uint64_t data;      /* bit position of the data section in the message */
    uint32_t ptrs;      /* word index of the pointer section */
    uint32_t data_bits; /* size of the data section; fields beyond it read as defaults */
    uint16_t nptrs;
    uint16_t nesting; /* dereferences still allowed below this struct */
} sb_codec_struct_t;

/* A list inside a message (or the empty list). Elements are `step_bits` apart from bit `base`;
 * when read as structs each has `data_bits` of data followed by `nptrs` pointers. */
typedef struct sb_codec_list {
    sb_codec_reader_t *msg;
    uint64_t base;
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

/*
 * ACSL vocabulary of the contracts below (comments to a compiler; Frama-C WP proves every
 * function of the reader against its contract, with -wp-rte: proofs/frama-c/codec_*.c).
 *   sb_reader_ok(m)      the reader is valid, its words readable and apart from it.
 *   sb_struct_ok(s)      every field a getter may read lies inside the message: the data section
 *                        [data, data + data_bits) and the pointers [ptrs, ptrs + nptrs).
 *   sb_list_ok(l)        the same for all count elements of a list, each of which has room for
 *                        its data and pointers; pointers are only ever in whole words. An
 *                        empty list reads nothing.
 *   sb_failed{A,B}(m)    between A and B a failure was recorded, the first one kept.
 *   sb_charged{A,B}(m,w) between A and B at least w words were charged to the traversal limit.
 * A contract holds for every value of the words: the message is never trusted.
 */
/*@
  predicate sb_reader_ok(sb_codec_reader_t *m) =
    \valid(m) && m->nwords <= SB_CODEC_READER_MAX_WORDS && m->nesting_limit <= 65535 &&
    \valid_read(m->words + (0 .. m->nwords - 1)) &&
    \separated(m, m->words + (0 .. m->nwords - 1));
  predicate sb_struct_ok(sb_codec_struct_t s) =
    sb_reader_ok(s.msg) && s.data + s.data_bits <= 64 * s.msg->nwords &&
    s.ptrs + s.nptrs <= s.msg->nwords;
  predicate sb_list_ok(sb_codec_list_t l) =
    sb_reader_ok(l.msg) &&
    (l.count > 0 ==>
       l.data_bits + 64 * l.nptrs <= l.step_bits &&
       l.base + l.count * l.step_bits <= 64 * l.msg->nwords &&
       (l.nptrs > 0 ==> l.base % 64 == 0 && l.step_bits % 64 == 0 && l.data_bits % 64 == 0));
  predicate sb_struct_empty(sb_codec_struct_t s) = s.data_bits == 0 && s.nptrs == 0;
  predicate sb_list_empty(sb_codec_list_t l) = l.count == 0;
  predicate sb_failed{A, B}(sb_codec_reader_t *m) =
    \at(m->status, B) != SB_CODEC_OK &&
    (\at(m->status, A) != SB_CODEC_OK ==> \at(m->status, B) == \at(m->status, A));
  predicate sb_charged{A, B}(sb_codec_reader_t *m, integer w) =
    \at(m->traversal_left, B) + w <= \at(m->traversal_left, A);
  // Words a list's elements span: what reading it may touch.
  logic integer sb_list_words(sb_codec_list_t l) = (l.count * l.step_bits + 63) / 64;
*/

/*
 * Work: every read of a message word goes through sb_codec_word(), which counts it in a ghost
 * counter (ACSL only: no code, no storage in a build); composite_list's read of a list tag,
 * made in place, counts itself. Each function's contract bounds the words
 * it reads (sb_reads_at_most), so decoding does at most as many word reads as the sum of the
 * bounds of the calls it makes (README, Verification).
 */
/*@ ghost extern uint64_t sb_codec_word_reads; */
/*@ predicate sb_reads_at_most{A, B}(integer n) =
      \at(sb_codec_word_reads, B) <= \at(sb_codec_word_reads, A) + n;
*/

/* Word @i of the message: the reader's only read of a message word. */
/*@ requires sb_reader_ok(msg) && i < msg->nwords;
    assigns sb_codec_word_reads;
    ensures \result == msg->words[i];
    ensures sb_reads_at_most{Old, Post}(1);
*/
static inline uint64_t sb_codec_word(sb_codec_reader_t *msg, uint32_t i)
{
    /*@ ghost sb_codec_word_reads++; */
    return msg->words[i];
}

/* Start reading @nwords words at @words, with the default limits. Never fails by itself. */
/*@ requires \valid(msg);
    requires nwords <= SB_CODEC_READER_MAX_WORDS ==>
               \valid_read(words + (0 .. nwords - 1)) &&
               \separated(msg, words + (0 .. nwords - 1));
    assigns *msg;
    ensures sb_reader_ok(msg) && msg->status == SB_CODEC_OK && msg->words == words;
    ensures nwords <= SB_CODEC_READER_MAX_WORDS ==> msg->nwords == nwords &&
              msg->traversal_left == nwords * SB_CODEC_TRAVERSAL_FACTOR + SB_CODEC_TRAVERSAL_MIN;
    ensures nwords > SB_CODEC_READER_MAX_WORDS ==> msg->nwords == 0;
*/
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
/*@ requires sb_reader_ok(msg);
    assigns msg->traversal_left, msg->nesting_limit;
    ensures sb_reader_ok(msg) && msg->traversal_left == traversal_words;
*/
void sb_codec_reader_set_limits(sb_codec_reader_t *msg, uint64_t traversal_words,
                                uint32_t nesting);
/* The first failure seen while reading this message, or SB_CODEC_OK. */
/*@ requires \valid_read(msg);
    assigns \nothing;
    ensures \result == msg->status;
*/
static inline sb_codec_status_t sb_codec_reader_status(const sb_codec_reader_t *msg)
{
    return msg->status;
}

/* Internal to the reader: record a failure (the first one wins), and classify a pointer that
 * is not a struct pointer (far, capability, reserved or list) as a failure. */
/*@ requires \valid(msg) && st != SB_CODEC_OK;
    assigns msg->status;
    ensures sb_failed{Old, Post}(msg);
    ensures \old(msg->status) == SB_CODEC_OK ==> msg->status == st;
*/
void sb_codec_reader_fail(sb_codec_reader_t *msg, sb_codec_status_t st);
/*@ requires \valid(msg) && (p & 3) != SB_CODEC_PTR_STRUCT;
    assigns msg->status;
    ensures sb_failed{Old, Post}(msg);
*/
void sb_codec_reader_refuse_struct(sb_codec_reader_t *msg, uint64_t p);

/* The word holding bit @pos of the message, shifted down so that bit is bit 0. Fields are
 * aligned to their own size, so no field straddles two words. */
/*@ requires sb_reader_ok(msg) && pos < 64 * msg->nwords;
    assigns sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(1);
*/
static inline uint64_t sb_codec_bits_at(sb_codec_reader_t *msg, uint64_t pos)
{
    return sb_codec_word(msg, (uint32_t)(pos / 64)) >> (pos % 64);
}

/*
 * Follow the struct pointer at word @at of the message with @nesting levels left. Inline because
 * the root read of every control message goes through it; sb_codec_get_struct uses it too, so
 * there is one copy of the checks. On failure *@out is the empty struct.
 */
/*@ requires sb_reader_ok(msg) && at < msg->nwords && nesting <= 65535;
    requires \valid(out) && \separated(out, msg) && \separated(out, msg->words + (0 .. msg->nwords - 1));
    assigns *out, msg->traversal_left, msg->status, sb_codec_word_reads;
    ensures sb_struct_ok(*out) && out->msg == msg;
    ensures sb_charged{Old, Post}(msg, out->data_bits / 64 + out->nptrs);
    ensures sb_reads_at_most{Old, Post}(1);
    behavior followed:
      assumes msg->words[at] != 0;
      ensures \result ==> out->nesting == nesting - 1 && msg->status == \old(msg->status);
      ensures !\result ==> sb_struct_empty(*out) && sb_failed{Old, Post}(msg);
    behavior null:
      assumes msg->words[at] == 0;
      ensures \result && sb_struct_empty(*out) && msg->status == \old(msg->status) &&
              msg->traversal_left == \old(msg->traversal_left);
    complete behaviors;
    disjoint behaviors;
*/
static inline bool sb_codec_deref_struct(sb_codec_reader_t *msg, uint32_t at, uint32_t nesting,
                                         sb_codec_struct_t *out)
{
    uint64_t p = sb_codec_word(msg, at), size;
    int64_t target;

    out->msg = msg;
    out->data = 0;
    out->ptrs = 0;
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
    target = (int64_t)at + 1 + sb_codec_ptr_offset(p);
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
    out->data = (uint64_t)target * 64;
    out->ptrs = (uint32_t)target + sb_codec_ptr_data_words(p);
    out->data_bits = (uint32_t)sb_codec_ptr_data_words(p) * 64;
    out->nptrs = sb_codec_ptr_ptr_count(p);
    out->nesting = (uint16_t)(nesting - 1);
    return true;
}

/* The root struct. Fails (and records) SB_CODEC_NO_ROOT for a message of no words. */
/*@ requires sb_reader_ok(msg);
    requires \valid(root) && \separated(root, msg) &&
             \separated(root, msg->words + (0 .. msg->nwords - 1));
    assigns *root, msg->traversal_left, msg->status, sb_codec_word_reads;
    ensures sb_struct_ok(*root) && root->msg == msg;
    ensures sb_reads_at_most{Old, Post}(1);
    ensures sb_charged{Old, Post}(msg, root->data_bits / 64 + root->nptrs);
    ensures \result == SB_CODEC_OK ==> msg->status == \old(msg->status);
    ensures \result != SB_CODEC_OK ==> sb_struct_empty(*root) && sb_failed{Old, Post}(msg);
    ensures \old(msg->status) == SB_CODEC_OK ==> \result == msg->status;
*/
static inline sb_codec_status_t sb_codec_read_root(sb_codec_reader_t *msg,
                                                   sb_codec_struct_t *root)
{
    if (msg->nwords < 1) {
        sb_codec_reader_fail(msg, SB_CODEC_NO_ROOT);
        root->msg = msg;
        root->data = 0;
        root->ptrs = 0;
        root->data_bits = 0;
        root->nptrs = 0;
        root->nesting = 0;
        return SB_CODEC_NO_ROOT;
    }
    if (!sb_codec_deref_struct(msg, 0, msg->nesting_limit, root))
        return msg->status;
    return SB_CODEC_OK;
}

/* Pointer fields. A null pointer gives the empty struct/list (or the default text/data); a
 * refused one does too, and records why in the message reader. */
/*@ requires sb_struct_ok(s);
    assigns s.msg->traversal_left, s.msg->status, sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(1);
    ensures sb_struct_ok(\result) && \result.msg == s.msg;
    ensures sb_charged{Old, Post}(s.msg, \result.data_bits / 64 + \result.nptrs);
    ensures \result.nesting < s.nesting || sb_struct_empty(\result);
    ensures s.msg->status == \old(s.msg->status) || sb_failed{Old, Post}(s.msg);
*/
sb_codec_struct_t sb_codec_get_struct(sb_codec_struct_t s, uint16_t ptr_index);
/* @elem_size: the sb_codec_elem_size the schema's element type is encoded with. */
/*@ requires sb_struct_ok(s);
    assigns s.msg->traversal_left, s.msg->status, sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(2); // the pointer and a struct list's tag
    ensures sb_list_ok(\result) && \result.msg == s.msg;
    ensures sb_charged{Old, Post}(s.msg, sb_list_words(\result));
    ensures \result.nesting < s.nesting || sb_list_empty(\result);
    ensures s.msg->status == \old(s.msg->status) || sb_failed{Old, Post}(s.msg);
*/
sb_codec_list_t sb_codec_get_list(sb_codec_struct_t s, uint16_t ptr_index, unsigned elem_size);
/*
 * Text and data point into the message or are the default. The pointer is the first byte of the
 * word the list starts at (C11 6.3.2.3p7); WP's typed memory model has no byte view of a word,
 * so the contracts state the bounds the list was checked for, and the pointer itself is the one
 * step they take as given (the fuzzer and tests/codec check it byte by byte).
 */
/*@ requires sb_struct_ok(s);
    assigns s.msg->traversal_left, s.msg->status, sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(4); // the pointer twice, a tag, the NUL
    ensures dflt != \null && \result.str == dflt && \result.len == dflt_len ||
            dflt == \null && \result.len == 0 || \result.len < 8 * s.msg->nwords;
    ensures s.msg->status == \old(s.msg->status) || sb_failed{Old, Post}(s.msg);
*/
sb_codec_text_t sb_codec_get_text(sb_codec_struct_t s, uint16_t ptr_index, const char *dflt,
                                  uint32_t dflt_len);
/*@ requires sb_struct_ok(s);
    assigns s.msg->traversal_left, s.msg->status, sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(3); // the pointer twice, a tag
    ensures \result.ptr == dflt && \result.len == (dflt != \null ? dflt_len : 0) ||
            \result.len <= 8 * s.msg->nwords;
    ensures s.msg->status == \old(s.msg->status) || sb_failed{Old, Post}(s.msg);
*/
sb_codec_data_t sb_codec_get_data(sb_codec_struct_t s, uint16_t ptr_index, const uint8_t *dflt,
                                  uint32_t dflt_len);

/*@ requires sb_struct_ok(s);
    assigns sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(1);
*/
static inline bool sb_codec_has_ptr(sb_codec_struct_t s, uint16_t ptr_index)
{
    return ptr_index < s.nptrs && sb_codec_word(s.msg, s.ptrs + ptr_index) != 0;
}

/* The i-th element of a struct list (the empty struct when i is out of range). */
/*@ requires sb_list_ok(l);
    assigns \nothing;
    ensures sb_struct_ok(\result) && \result.msg == l.msg;
    ensures i < l.count ==> \result.nesting == l.nesting;
    ensures i >= l.count ==> sb_struct_empty(\result);
*/
sb_codec_struct_t sb_codec_list_get_struct(sb_codec_list_t l, uint32_t i);

/*
 * AnyPointer: a pointer whose type the schema leaves open, read as the struct, list, text or data
 * the application expects, and checked as that at that point (as capnp's getAs<T> does): the
 * same checks and charges as a field of that type. An element of a list of pointers (List(Text),
 * List(Data), List(List(T)), List(AnyPointer)) is one too: read the list with
 * SB_CODEC_ELEM_POINTER, then its element i with sb_codec_list_get_any or the shorthands below.
 * Traversal: reading the list charged one word per element (its pointer); following element i
 * charges the words its target spans again (a void list its element count), so a list of N
 * pointers at one big object costs N times that object, and a list of empty lists is no
 * cheaper than its pointers. A far pointer among the elements is refused like any other.
 */
typedef struct sb_codec_any {
    sb_codec_struct_t s; /* the struct (or list element) that holds the pointer */
    uint16_t ptr_index;
} sb_codec_any_t;

/*@ requires sb_struct_ok(s);
    assigns \nothing;
    ensures \result.s == s && \result.ptr_index == ptr_index;
*/
static inline sb_codec_any_t sb_codec_get_any(sb_codec_struct_t s, uint16_t ptr_index)
{
    sb_codec_any_t a;
    a.s = s;
    a.ptr_index = ptr_index;
    return a;
}
/* A message's root pointer as an AnyPointer, for a message whose root is not a struct (a list
 * constant's words): null for a message of no words. */
/*@ requires sb_reader_ok(msg);
    assigns \nothing;
    ensures sb_struct_ok(\result.s) && \result.s.msg == msg && \result.ptr_index == 0;
    ensures \result.s.nesting == msg->nesting_limit;
*/
static inline sb_codec_any_t sb_codec_read_root_any(sb_codec_reader_t *msg)
{
    sb_codec_any_t a;
    a.s.msg = msg;
    a.s.data = 0;
    a.s.ptrs = 0;
    a.s.data_bits = 0;
    a.s.nptrs = msg->nwords > 0 ? 1 : 0;
    a.s.nesting = (uint16_t)msg->nesting_limit;
    a.ptr_index = 0;
    return a;
}
/* Element i of a list of pointers (a null pointer when i is out of range). */
/*@ requires sb_list_ok(l);
    assigns \nothing;
    ensures sb_struct_ok(\result.s) && \result.s.msg == l.msg && \result.ptr_index == 0;
    ensures i < l.count ==> \result.s.nesting == l.nesting;
*/
static inline sb_codec_any_t sb_codec_list_get_any(sb_codec_list_t l, uint32_t i)
{
    sb_codec_any_t a;
    a.s = sb_codec_list_get_struct(l, i);
    a.ptr_index = 0;
    return a;
}
/*@ requires sb_struct_ok(a.s);
    assigns sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(1);
*/
static inline bool sb_codec_any_is_null(sb_codec_any_t a)
{
    return !sb_codec_has_ptr(a.s, a.ptr_index);
}
/*@ requires sb_struct_ok(a.s);
    assigns a.s.msg->traversal_left, a.s.msg->status, sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(1);
    ensures sb_struct_ok(\result) && \result.msg == a.s.msg;
    ensures sb_charged{Old, Post}(a.s.msg, \result.data_bits / 64 + \result.nptrs);
    ensures \result.nesting < a.s.nesting || sb_struct_empty(\result);
    ensures a.s.msg->status == \old(a.s.msg->status) || sb_failed{Old, Post}(a.s.msg);
*/
static inline sb_codec_struct_t sb_codec_any_as_struct(sb_codec_any_t a)
{
    return sb_codec_get_struct(a.s, a.ptr_index);
}
/*@ requires sb_struct_ok(a.s);
    assigns a.s.msg->traversal_left, a.s.msg->status, sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(2);
    ensures sb_list_ok(\result) && \result.msg == a.s.msg;
    ensures sb_charged{Old, Post}(a.s.msg, sb_list_words(\result));
    ensures \result.nesting < a.s.nesting || sb_list_empty(\result);
    ensures a.s.msg->status == \old(a.s.msg->status) || sb_failed{Old, Post}(a.s.msg);
*/
static inline sb_codec_list_t sb_codec_any_as_list(sb_codec_any_t a, unsigned elem_size)
{
    return sb_codec_get_list(a.s, a.ptr_index, elem_size);
}
/*@ requires sb_struct_ok(a.s);
    assigns a.s.msg->traversal_left, a.s.msg->status, sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(4);
    ensures \result.len == 0 || \result.len < 8 * a.s.msg->nwords;
    ensures a.s.msg->status == \old(a.s.msg->status) || sb_failed{Old, Post}(a.s.msg);
*/
static inline sb_codec_text_t sb_codec_any_as_text(sb_codec_any_t a)
{
    return sb_codec_get_text(a.s, a.ptr_index, NULL, 0);
}
/*@ requires sb_struct_ok(a.s);
    assigns a.s.msg->traversal_left, a.s.msg->status, sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(3);
    ensures \result.len <= 8 * a.s.msg->nwords;
    ensures a.s.msg->status == \old(a.s.msg->status) || sb_failed{Old, Post}(a.s.msg);
*/
static inline sb_codec_data_t sb_codec_any_as_data(sb_codec_any_t a)
{
    return sb_codec_get_data(a.s, a.ptr_index, NULL, 0);
}
/* Shorthands for the elements of List(Text), List(Data) and List(List(T)) (@elem_size: T's). */
/*@ requires sb_list_ok(l);
    assigns l.msg->traversal_left, l.msg->status, sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(4);
    ensures \result.len == 0 || \result.len < 8 * l.msg->nwords;
    ensures l.msg->status == \old(l.msg->status) || sb_failed{Old, Post}(l.msg);
*/
static inline sb_codec_text_t sb_codec_list_get_text(sb_codec_list_t l, uint32_t i)
{
    return sb_codec_any_as_text(sb_codec_list_get_any(l, i));
}
/*@ requires sb_list_ok(l);
    assigns l.msg->traversal_left, l.msg->status, sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(3);
    ensures \result.len <= 8 * l.msg->nwords;
    ensures l.msg->status == \old(l.msg->status) || sb_failed{Old, Post}(l.msg);
*/
static inline sb_codec_data_t sb_codec_list_get_data(sb_codec_list_t l, uint32_t i)
{
    return sb_codec_any_as_data(sb_codec_list_get_any(l, i));
}
/*@ requires sb_list_ok(l);
    assigns l.msg->traversal_left, l.msg->status, sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(2);
    ensures sb_list_ok(\result) && \result.msg == l.msg;
    ensures sb_charged{Old, Post}(l.msg, sb_list_words(\result));
    ensures i < l.count ==> \result.nesting < l.nesting || sb_list_empty(\result);
    ensures l.msg->status == \old(l.msg->status) || sb_failed{Old, Post}(l.msg);
*/
static inline sb_codec_list_t sb_codec_list_get_list(sb_codec_list_t l, uint32_t i,
                                                     unsigned elem_size)
{
    return sb_codec_any_as_list(sb_codec_list_get_any(l, i), elem_size);
}

/* Primitive fields: @off counts in units of the field's own size, as capnp's slot offsets do;
 * the stored value is XORed with the field's default, as in Cap'n Proto's encoding. A list
 * element is 0 when i is out of range or the elements have no such field. */
#define SB_CODEC_DEFINE_GET(name, type)                                                          \
    static inline type sb_codec_get_##name(sb_codec_struct_t s, uint32_t off, type dflt)        \
    {                                                                                            \
        uint64_t bit = (uint64_t)off * (sizeof(type) * 8);                                      \
        if (bit + sizeof(type) * 8 > s.data_bits)                                                \
            return dflt;                                                                         \
        return (type)((type)sb_codec_bits_at(s.msg, s.data + bit) ^ dflt);                       \
    }
#define SB_CODEC_DEFINE_LIST_GET(name, type)                                                     \
    static inline type sb_codec_list_get_##name(sb_codec_list_t l, uint32_t i)                  \
    {                                                                                            \
        if (i >= l.count || l.data_bits < sizeof(type) * 8)                                     \
            return 0;                                                                            \
        return (type)sb_codec_bits_at(l.msg, l.base + (uint64_t)i * l.step_bits);               \
    }
/*@ requires sb_struct_ok(s);
    assigns sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(1);
    ensures (off + 1) * 8 > s.data_bits ==> \result == dflt; */
SB_CODEC_DEFINE_GET(u8, uint8_t)
/*@ requires sb_struct_ok(s);
    assigns sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(1);
    ensures (off + 1) * 16 > s.data_bits ==> \result == dflt; */
SB_CODEC_DEFINE_GET(u16, uint16_t)
/*@ requires sb_struct_ok(s);
    assigns sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(1);
    ensures (off + 1) * 32 > s.data_bits ==> \result == dflt; */
SB_CODEC_DEFINE_GET(u32, uint32_t)
/*@ requires sb_struct_ok(s);
    assigns sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(1);
    ensures (off + 1) * 64 > s.data_bits ==> \result == dflt; */
SB_CODEC_DEFINE_GET(u64, uint64_t)
/*@ requires sb_list_ok(l);
    assigns sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(1);
    ensures i >= l.count ==> \result == 0; */
SB_CODEC_DEFINE_LIST_GET(u8, uint8_t)
/*@ requires sb_list_ok(l);
    assigns sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(1);
    ensures i >= l.count ==> \result == 0; */
SB_CODEC_DEFINE_LIST_GET(u16, uint16_t)
/*@ requires sb_list_ok(l);
    assigns sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(1);
    ensures i >= l.count ==> \result == 0; */
SB_CODEC_DEFINE_LIST_GET(u32, uint32_t)
/*@ requires sb_list_ok(l);
    assigns sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(1);
    ensures i >= l.count ==> \result == 0; */
SB_CODEC_DEFINE_LIST_GET(u64, uint64_t)
#undef SB_CODEC_DEFINE_GET
#undef SB_CODEC_DEFINE_LIST_GET

/*@ requires sb_struct_ok(s);
    assigns sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(1);
    ensures bit + 1 > s.data_bits ==> \result == dflt; */
static inline bool sb_codec_get_bool(sb_codec_struct_t s, uint32_t bit, bool dflt)
{
    if ((uint64_t)bit + 1 > s.data_bits)
        return dflt;
    return (bool)((sb_codec_bits_at(s.msg, s.data + bit) & 1) ^ dflt);
}

/*@ requires sb_list_ok(l);
    assigns sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(1);
    ensures i >= l.count ==> \result == 0; */
static inline bool sb_codec_list_get_bool(sb_codec_list_t l, uint32_t i)
{
    if (i >= l.count || l.data_bits < 1)
        return false;
    return sb_codec_bits_at(l.msg, l.base + (uint64_t)i * l.step_bits) & 1;
}

/* Floats travel as their IEEE bit patterns; defaults are XORed on the bits. (These four read
 * no message word; their contracts are taken as given, not proved: WP's typed model has no byte
 * view of the memcpy between a local float and its bits.) */
/*@ assigns \nothing; */
static inline float sb_codec_bits_f32(uint32_t b)
{
    float f;
    memcpy(&f, &b, sizeof f);
    return f;
}
/*@ assigns \nothing; */
static inline double sb_codec_bits_f64(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}
/*@ assigns \nothing; */
static inline uint32_t sb_codec_f32_bits(float f)
{
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b;
}
/*@ assigns \nothing; */
static inline uint64_t sb_codec_f64_bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

/* Number of elements of a list (0 for a null or refused list). */
static inline uint32_t sb_codec_list_len(sb_codec_list_t l) { return l.count; }
