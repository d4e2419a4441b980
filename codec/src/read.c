/*
 * The reader's pointer checks. Each function here follows one pointer of an untrusted message and
 * says next to each check which attack it stops. Arithmetic is done in 64 bits on values of at
 * most 32 bits (offsets 30, counts 29, sizes 16+16), so no sum or product below can wrap.
 * The contracts are proved with Frama-C WP (proofs/frama-c/codec_reader.c).
 */
#include <sel4bridge/codec/read.h>

/*@ ghost uint64_t sb_codec_word_reads; */

static const sb_codec_struct_t empty_struct;
static const sb_codec_list_t empty_list;

void sb_codec_reader_set_limits(sb_codec_reader_t *msg, uint64_t traversal_words, uint32_t nesting)
{
    msg->traversal_left = traversal_words;
    msg->nesting_limit = nesting > 0xffff ? 0xffff : nesting;
}

/* Records the first failure only: later ones are usually consequences of it. */
void sb_codec_reader_fail(sb_codec_reader_t *msg, sb_codec_status_t st)
{
    if (msg->status == SB_CODEC_OK)
        msg->status = st;
}

/*
 * The words [target, target + size) must lie inside the message. @ptr_pos is the index of the
 * pointer word, itself known to be inside; the target is ptr_pos + 1 + offset (offset signed, so a
 * pointer may point backwards, even before the message start: caught by the signed test).
 */
/*@ requires \valid_read(msg) && \valid(target) && \separated(target, msg);
    requires -(1 << 29) <= offset < (1 << 29);
    requires size < ((uint64_t)1 << 40); // a list's words: count (29 bits) times 64 at most
    assigns *target;
    ensures \result <==> 0 <= ptr_pos + 1 + offset && ptr_pos + 1 + offset + size <= msg->nwords;
    ensures \result ==> *target == ptr_pos + 1 + offset;
*/
static bool in_bounds(const sb_codec_reader_t *msg, uint32_t ptr_pos, int32_t offset,
                      uint64_t size, uint32_t *target)
{
    int64_t t = (int64_t)ptr_pos + 1 + offset;
    if (t < 0 || (uint64_t)t + size > msg->nwords)
        return false;
    *target = (uint32_t)t;
    return true;
}

/*
 * Charge @words to the traversal limit. Overlapping pointers let a small message make a reader
 * visit the same words many times (amplification): the limit bounds the total work per message,
 * as capnp's ReadLimiter does.
 */
/*@ requires \valid(msg);
    assigns msg->traversal_left;
    ensures \result <==> words <= \old(msg->traversal_left);
    ensures \result ==> msg->traversal_left == \old(msg->traversal_left) - words;
    ensures !\result ==> msg->traversal_left == 0;
*/
static bool charge(sb_codec_reader_t *msg, uint64_t words)
{
    if (words > msg->traversal_left) {
        msg->traversal_left = 0;
        return false;
    }
    msg->traversal_left -= words;
    return true;
}

/* The kinds every pointer read refuses before looking at its target. */
/*@ requires \valid(msg);
    assigns msg->status;
    ensures \result <==> (p & 3) == SB_CODEC_PTR_FAR || (p & 3) == SB_CODEC_PTR_OTHER;
    ensures \result ==> sb_failed{Old, Post}(msg);
    ensures !\result ==> msg->status == \old(msg->status);
*/
static bool refuse_kind(sb_codec_reader_t *msg, uint64_t p)
{
    switch (sb_codec_ptr_kind(p)) {
    case SB_CODEC_PTR_FAR:
        /* A far pointer names another segment: a flat message has none. */
        sb_codec_reader_fail(msg, SB_CODEC_FAR_POINTER);
        return true;
    case SB_CODEC_PTR_OTHER:
        /* Capability pointers index a cap table the IPC buffer does not have: caps come only
         * through seL4's extraCaps, where the kernel vouches for them. */
        sb_codec_reader_fail(msg, (uint32_t)p == SB_CODEC_PTR_OTHER ? SB_CODEC_CAP_POINTER
                                                                    : SB_CODEC_BAD_POINTER);
        return true;
    default:
        return false;
    }
}

void sb_codec_reader_refuse_struct(sb_codec_reader_t *msg, uint64_t p)
{
    /* Not far, not a capability: a list where a struct should be. */
    if (!refuse_kind(msg, p))
        sb_codec_reader_fail(msg, SB_CODEC_WRONG_POINTER_KIND);
}

sb_codec_struct_t sb_codec_get_struct(sb_codec_struct_t s, uint16_t ptr_index)
{
    sb_codec_struct_t out;

    if (ptr_index >= s.nptrs) {
        /* A field the sender's (older) struct does not have: the default. */
        out = empty_struct;
        out.msg = s.msg;
        return out;
    }
    sb_codec_deref_struct(s.msg, s.ptrs + ptr_index, s.nesting, &out);
    return out;
}

/*
 * What the list helpers below promise on success: out describes a list that lies inside the
 * message (sb_list_ok), whose words were charged, and nothing was recorded. On failure the
 * failure is recorded and out is unchanged.
 */
/*@ predicate sb_list_made{A, B}(sb_codec_reader_t *m, sb_codec_list_t *l) =
      sb_list_ok{B}(\at(*l, B)) && sb_charged{A, B}(m, sb_list_words(\at(*l, B))) &&
      \at(m->status, B) == \at(m->status, A);
*/

/* Same compatibility rules as capnp's readListPointer: a struct list may stand for a list of
 * primitives (its first data field) or of pointers (its first pointer), never of bits. */
/*@ assigns \nothing; */
static bool struct_list_as(uint64_t tag, unsigned want)
{
    if (want == SB_CODEC_ELEM_BIT)
        return false;
    if (want >= SB_CODEC_ELEM_BYTE && want <= SB_CODEC_ELEM_EIGHT_BYTES)
        return sb_codec_ptr_data_words(tag) != 0;
    if (want == SB_CODEC_ELEM_POINTER)
        return sb_codec_ptr_ptr_count(tag) != 0;
    return true;
}

/* A struct list (inline composite): @p's count is the number of words after the tag; the tag (a
 * struct pointer word) gives the element count and the size of each element. */
/*@ requires sb_reader_ok(msg) && at < msg->nwords && want <= 7;
    requires \valid(out) && out->msg == msg && \separated(out, msg) &&
             \separated(out, msg->words + (0 .. msg->nwords - 1));
    assigns out->base, out->count, out->step_bits, out->data_bits, out->nptrs,
            msg->traversal_left, msg->status, sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(1); // the tag
    ensures \result ==> sb_list_made{Old, Post}(msg, out) && out->step_bits % 64 == 0;
    ensures !\result ==> out->count == \old(out->count) && sb_failed{Old, Post}(msg) &&
                         sb_charged{Old, Post}(msg, 0);
*/
static bool composite_list(sb_codec_reader_t *msg, uint32_t at, uint64_t p, unsigned want,
                           sb_codec_list_t *out)
{
    uint32_t count = sb_codec_ptr_elem_count(p), target, n;
    uint64_t tag, per_elem;

    if (!in_bounds(msg, at, sb_codec_ptr_offset(p), (uint64_t)count + 1, &target)) {
        sb_codec_reader_fail(msg, SB_CODEC_OUT_OF_BOUNDS);
        return false;
    }
    if (!charge(msg, (uint64_t)count + 1)) {
        sb_codec_reader_fail(msg, SB_CODEC_TRAVERSAL_LIMIT);
        return false;
    }
    /* Read in place, not through sb_codec_word (the provers lose the list's bounds across the
     * call), and counted all the same. */
    tag = msg->words[target];
    /*@ ghost sb_codec_word_reads++; */
    if (sb_codec_ptr_kind(tag) != SB_CODEC_PTR_STRUCT) {
        sb_codec_reader_fail(msg, SB_CODEC_BAD_LIST_TAG);
        return false;
    }
    /* The tag's offset field holds the element count in its low 29 bits, the width of every
     * element count; the bit above is ignored, as capnp ignores it. */
    n = ((uint32_t)tag >> 2) & SB_CODEC_LIST_MAX;
    per_elem = (uint64_t)sb_codec_ptr_data_words(tag) + sb_codec_ptr_ptr_count(tag);
    /* The elements must fit in the words the list pointer was bounds-checked for: a tag that
     * claims more would make element reads run past the list. */
    if ((uint64_t)n * per_elem > count) {
        sb_codec_reader_fail(msg, SB_CODEC_BAD_LIST_TAG);
        return false;
    }
    /* Zero-sized elements cost no words, so a huge count would be free: charge one word per
     * element instead, as capnp does. */
    if (per_elem == 0 && !charge(msg, n)) {
        sb_codec_reader_fail(msg, SB_CODEC_TRAVERSAL_LIMIT);
        return false;
    }
    if (!struct_list_as(tag, want)) {
        sb_codec_reader_fail(msg, SB_CODEC_WRONG_ELEMENT_SIZE);
        return false;
    }
    //@ assert n * (per_elem * 64) <= 64 * count;
    out->base = ((uint64_t)target + 1) * 64;
    out->count = n;
    /* At most (2^16 - 1) * 2 words per element: 64 times that fits 32 bits. */
    out->step_bits = (uint32_t)(per_elem * 64);
    out->data_bits = (uint32_t)sb_codec_ptr_data_words(tag) * 64;
    out->nptrs = sb_codec_ptr_ptr_count(tag);
    return true;
}

/* Bits of data and pointers per element for each non-composite element size code. */
static const uint8_t elem_data_bits[8] = {0, 1, 8, 16, 32, 64, 0, 0};
static const uint8_t elem_ptrs[8] = {0, 0, 0, 0, 0, 0, 1, 0};

/* A list of primitives or pointers: @es is its element size code (not inline composite). */
/*@ requires sb_reader_ok(msg) && at < msg->nwords && want <= 7 && es < 7;
    requires \valid(out) && out->msg == msg && \separated(out, msg) &&
             \separated(out, msg->words + (0 .. msg->nwords - 1));
    assigns out->base, out->count, out->step_bits, out->data_bits, out->nptrs,
            msg->traversal_left, msg->status;
    ensures \result ==> sb_list_made{Old, Post}(msg, out) && out->base % 64 == 0 &&
                        out->data_bits == elem_data_bits[es];
    ensures !\result ==> out->count == \old(out->count) && sb_failed{Old, Post}(msg) &&
                         sb_charged{Old, Post}(msg, 0);
*/
static bool primitive_list(sb_codec_reader_t *msg, uint32_t at, uint64_t p, unsigned es,
                           unsigned want, sb_codec_list_t *out)
{
    uint32_t count = sb_codec_ptr_elem_count(p), target;
    uint32_t bits = elem_data_bits[es], ptrs = elem_ptrs[es];
    uint64_t step = bits + (uint64_t)ptrs * 64;
    uint64_t words = ((uint64_t)count * step + 63) / 64;
    //@ assert count * step <= 64 * words && (ptrs > 0 ==> bits == 0 && step == 64);

    if (!in_bounds(msg, at, sb_codec_ptr_offset(p), words, &target)) {
        sb_codec_reader_fail(msg, SB_CODEC_OUT_OF_BOUNDS);
        return false;
    }
    /* A list of Void has no bytes at all but may claim 2^29 elements: charge per element. */
    if (!charge(msg, es == SB_CODEC_ELEM_VOID ? count : words)) {
        sb_codec_reader_fail(msg, SB_CODEC_TRAVERSAL_LIMIT);
        return false;
    }
    /* A bit list is only ever a bit list; otherwise each element must be at least as big as the
     * expected one (data bits and pointers), so that no element read leaves it. */
    if ((es == SB_CODEC_ELEM_BIT) != (want == SB_CODEC_ELEM_BIT) ||
        (want != SB_CODEC_ELEM_INLINE_COMPOSITE &&
         (elem_data_bits[want] > bits || elem_ptrs[want] > ptrs))) {
        sb_codec_reader_fail(msg, SB_CODEC_WRONG_ELEMENT_SIZE);
        return false;
    }
    out->base = (uint64_t)target * 64;
    out->count = count;
    out->step_bits = (uint32_t)step;
    out->data_bits = bits;
    out->nptrs = (uint16_t)ptrs;
    return true;
}

/* Follow the list pointer at word @at, whose elements will be read as @want. */
/*@ requires sb_reader_ok(msg) && at < msg->nwords && want <= 7;
    requires \valid(out) && \separated(out, msg) &&
             \separated(out, msg->words + (0 .. msg->nwords - 1));
    assigns *out, msg->traversal_left, msg->status, sb_codec_word_reads;
    ensures sb_list_ok(*out) && out->msg == msg;
    ensures sb_charged{Old, Post}(msg, sb_list_words(*out));
    ensures sb_reads_at_most{Old, Post}(2); // the pointer, a struct list's tag
    ensures \result ==> msg->status == \old(msg->status);
    ensures \result ==> out->nesting < nesting || sb_list_empty(*out);
    ensures \result && out->step_bits == 8 ==> out->base % 64 == 0;
    ensures !\result ==> sb_list_empty(*out) && sb_failed{Old, Post}(msg);
*/
static bool deref_list(sb_codec_reader_t *msg, uint32_t at, uint16_t nesting, unsigned want,
                       sb_codec_list_t *out)
{
    uint64_t p = sb_codec_word(msg, at);
    unsigned es;

    out->msg = msg;
    out->base = 0;
    out->count = 0;
    out->step_bits = 0;
    out->data_bits = 0;
    out->nptrs = 0;
    out->nesting = 0;
    if (p == 0)
        return true;
    if (refuse_kind(msg, p))
        return false;
    if (sb_codec_ptr_kind(p) != SB_CODEC_PTR_LIST) {
        sb_codec_reader_fail(msg, SB_CODEC_WRONG_POINTER_KIND);
        return false;
    }
    if (nesting == 0) {
        sb_codec_reader_fail(msg, SB_CODEC_NESTING_LIMIT);
        return false;
    }
    es = sb_codec_ptr_elem_size(p);
    out->nesting = (uint16_t)(nesting - 1);
    if (es >= SB_CODEC_ELEM_INLINE_COMPOSITE)
        return composite_list(msg, at, p, want, out);
    return primitive_list(msg, at, p, es, want, out);
}

sb_codec_list_t sb_codec_get_list(sb_codec_struct_t s, uint16_t ptr_index, unsigned elem_size)
{
    sb_codec_list_t out;

    if (ptr_index >= s.nptrs) {
        out = empty_list;
        out.msg = s.msg;
        return out;
    }
    deref_list(s.msg, s.ptrs + ptr_index, s.nesting, elem_size & 7, &out);
    return out;
}

sb_codec_struct_t sb_codec_list_get_struct(sb_codec_list_t l, uint32_t i)
{
    sb_codec_struct_t out = empty_struct;

    out.msg = l.msg;
    if (i >= l.count)
        return out;
    /* deref_list checked that count * step_bits fits in the list's words. Pointers come only in
     * whole words (pointer lists and struct lists), so the pointer section starts at a word. */
    //@ assert i * l.step_bits + l.step_bits <= l.count * l.step_bits;
    out.data = l.base + (uint64_t)i * l.step_bits;
    out.ptrs = (uint32_t)((out.data + l.data_bits) / 64);
    out.data_bits = l.data_bits;
    out.nptrs = l.nptrs;
    out.nesting = l.nesting;
    return out;
}

/* Text and Data are lists of bytes; anything else in their place is refused. On success the
 * list starts at a word and each element is one byte. */
/*@ requires sb_struct_ok(s) && \valid(out) && \separated(out, s.msg) &&
             \separated(out, s.msg->words + (0 .. s.msg->nwords - 1));
    assigns *out, s.msg->traversal_left, s.msg->status, sb_codec_word_reads;
    ensures sb_reads_at_most{Old, Post}(3); // the pointer, then deref_list's two
    ensures \result ==> sb_list_ok(*out) && out->msg == s.msg && out->step_bits == 8 &&
                        out->base % 64 == 0 && s.msg->status == \old(s.msg->status);
    ensures s.msg->status == \old(s.msg->status) || sb_failed{Old, Post}(s.msg);
*/
static bool deref_bytes(sb_codec_struct_t s, uint16_t ptr_index, sb_codec_list_t *out)
{
    if (ptr_index >= s.nptrs || sb_codec_word(s.msg, s.ptrs + ptr_index) == 0)
        return false;
    if (!deref_list(s.msg, s.ptrs + ptr_index, s.nesting, SB_CODEC_ELEM_BYTE, out))
        return false;
    if (out->step_bits != 8) {
        /* A wider list would be readable as bytes by capnp's list rules, but not as text. */
        sb_codec_reader_fail(s.msg, SB_CODEC_WRONG_ELEMENT_SIZE);
        return false;
    }
    return true;
}

sb_codec_text_t sb_codec_get_text(sb_codec_struct_t s, uint16_t ptr_index, const char *dflt,
                                  uint32_t dflt_len)
{
    sb_codec_text_t t = {dflt ? dflt : "", dflt ? dflt_len : 0};
    sb_codec_list_t l;

    if (!deref_bytes(s, ptr_index, &l))
        return t;
    /* The NUL must be there, so that a consumer treating str as a C string stays inside. */
    if (l.count == 0 ||
        (uint8_t)sb_codec_bits_at(s.msg, l.base + ((uint64_t)l.count - 1) * 8) != 0) {
        sb_codec_reader_fail(s.msg, SB_CODEC_TEXT_NOT_TERMINATED);
        return t;
    }
    t.str = (const char *)(s.msg->words + l.base / 64);
    t.len = l.count - 1;
    return t;
}

sb_codec_data_t sb_codec_get_data(sb_codec_struct_t s, uint16_t ptr_index, const uint8_t *dflt,
                                  uint32_t dflt_len)
{
    sb_codec_data_t d = {dflt, dflt ? dflt_len : 0};
    sb_codec_list_t l;

    if (!deref_bytes(s, ptr_index, &l))
        return d;
    d.ptr = (const uint8_t *)(s.msg->words + l.base / 64);
    d.len = l.count;
    return d;
}
