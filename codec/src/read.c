/*
 * The reader's pointer checks. Each function here follows one pointer of an untrusted message and
 * says next to each check which attack it stops. Arithmetic is done in 64 bits on values of at
 * most 32 bits (offsets 30, counts 29, sizes 16+16), so no sum or product below can wrap.
 */
#include <sel4bridge/codec/read.h>

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

/* The position of word @p inside the message (the caller got @p from a checked object). */
static uint32_t pos_of(const sb_codec_reader_t *msg, const uint64_t *p)
{
    return (uint32_t)(p - msg->words);
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
    sb_codec_deref_struct(s.msg, &s.ptrs[ptr_index], s.nesting, &out);
    return out;
}

/* Bits of data and pointers per element for each non-composite element size code. */
static const uint8_t elem_data_bits[8] = {0, 1, 8, 16, 32, 64, 0, 0};
static const uint8_t elem_ptrs[8] = {0, 0, 0, 0, 0, 0, 1, 0};

static bool deref_list(sb_codec_reader_t *msg, const uint64_t *pp, uint16_t nesting,
                       unsigned want, sb_codec_list_t *out)
{
    uint64_t p = *pp;
    unsigned es;
    uint32_t target, count;

    *out = empty_list;
    out->msg = msg;
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
    count = sb_codec_ptr_elem_count(p);

    if (es == SB_CODEC_ELEM_INLINE_COMPOSITE) {
        /* count is the number of words after the tag; the tag (a struct pointer word) gives the
         * element count and the size of each element. */
        uint64_t tag, per_elem;
        uint32_t n;
        if (!in_bounds(msg, pos_of(msg, pp), sb_codec_ptr_offset(p), (uint64_t)count + 1,
                       &target)) {
            sb_codec_reader_fail(msg, SB_CODEC_OUT_OF_BOUNDS);
            return false;
        }
        if (!charge(msg, (uint64_t)count + 1)) {
            sb_codec_reader_fail(msg, SB_CODEC_TRAVERSAL_LIMIT);
            return false;
        }
        tag = msg->words[target];
        if (sb_codec_ptr_kind(tag) != SB_CODEC_PTR_STRUCT) {
            sb_codec_reader_fail(msg, SB_CODEC_BAD_LIST_TAG);
            return false;
        }
        /* The tag's offset field holds the element count in its low 29 bits, the width of every
         * element count; the bit above is ignored, as capnp ignores it. */
        n = ((uint32_t)tag >> 2) & SB_CODEC_LIST_MAX;
        per_elem = (uint64_t)sb_codec_ptr_data_words(tag) + sb_codec_ptr_ptr_count(tag);
        /* The elements must fit in the words the list pointer was bounds-checked for: a tag
         * that claims more would make element reads run past the list. */
        if ((uint64_t)n * per_elem > count) {
            sb_codec_reader_fail(msg, SB_CODEC_BAD_LIST_TAG);
            return false;
        }
        /* Zero-sized elements cost no words, so a huge count would be free: charge one word
         * per element instead, as capnp does. */
        if (per_elem == 0 && !charge(msg, n)) {
            sb_codec_reader_fail(msg, SB_CODEC_TRAVERSAL_LIMIT);
            return false;
        }
        /* Same compatibility rules as capnp's readListPointer: a struct list may stand for a
         * list of primitives (its first data field) or of pointers (its first pointer). */
        if (want == SB_CODEC_ELEM_BIT ||
            (want >= SB_CODEC_ELEM_BYTE && want <= SB_CODEC_ELEM_EIGHT_BYTES &&
             sb_codec_ptr_data_words(tag) == 0) ||
            (want == SB_CODEC_ELEM_POINTER && sb_codec_ptr_ptr_count(tag) == 0)) {
            sb_codec_reader_fail(msg, SB_CODEC_WRONG_ELEMENT_SIZE);
            return false;
        }
        out->base = (const uint8_t *)(msg->words + target + 1);
        out->count = n;
        /* At most (2^16 - 1) * 2 words per element: 64 times that fits 32 bits. */
        out->step_bits = (uint32_t)(per_elem * 64);
        out->data_bits = (uint32_t)sb_codec_ptr_data_words(tag) * 64;
        out->nptrs = sb_codec_ptr_ptr_count(tag);
    } else {
        uint32_t bits = elem_data_bits[es], ptrs = elem_ptrs[es];
        uint64_t step = bits + (uint64_t)ptrs * 64;
        uint64_t words = ((uint64_t)count * step + 63) / 64;
        if (!in_bounds(msg, pos_of(msg, pp), sb_codec_ptr_offset(p), words, &target)) {
            sb_codec_reader_fail(msg, SB_CODEC_OUT_OF_BOUNDS);
            return false;
        }
        /* A list of Void has no bytes at all but may claim 2^29 elements: charge per element. */
        if (!charge(msg, es == SB_CODEC_ELEM_VOID ? count : words)) {
            sb_codec_reader_fail(msg, SB_CODEC_TRAVERSAL_LIMIT);
            return false;
        }
        /* A bit list is only ever a bit list; otherwise each element must be at least as big as
         * the expected one (data bits and pointers), so that no element read leaves it. */
        if ((es == SB_CODEC_ELEM_BIT) != (want == SB_CODEC_ELEM_BIT) ||
            (want != SB_CODEC_ELEM_INLINE_COMPOSITE &&
             (elem_data_bits[want] > bits || elem_ptrs[want] > ptrs))) {
            sb_codec_reader_fail(msg, SB_CODEC_WRONG_ELEMENT_SIZE);
            return false;
        }
        out->base = (const uint8_t *)(msg->words + target);
        out->count = count;
        out->step_bits = (uint32_t)step;
        out->data_bits = bits;
        out->nptrs = (uint16_t)ptrs;
    }
    out->nesting = (uint16_t)(nesting - 1);
    return true;
}

sb_codec_list_t sb_codec_get_list(sb_codec_struct_t s, uint16_t ptr_index, unsigned elem_size)
{
    sb_codec_list_t out;

    if (ptr_index >= s.nptrs) {
        out = empty_list;
        out.msg = s.msg;
        return out;
    }
    deref_list(s.msg, &s.ptrs[ptr_index], s.nesting, elem_size & 7, &out);
    return out;
}

sb_codec_struct_t sb_codec_list_get_struct(sb_codec_list_t l, uint32_t i)
{
    sb_codec_struct_t out = empty_struct;
    uint64_t at;

    out.msg = l.msg;
    if (i >= l.count)
        return out;
    /* deref_list checked that count * step_bits fits in the list's words. */
    at = (uint64_t)i * l.step_bits / 8;
    out.data = l.base + at;
    out.ptrs = (const uint64_t *)(l.base + at + l.data_bits / 8);
    out.data_bits = l.data_bits;
    out.nptrs = l.nptrs;
    out.nesting = l.nesting;
    return out;
}

/* Text and Data are lists of bytes; anything else in their place is refused. */
static bool deref_bytes(sb_codec_struct_t s, uint16_t ptr_index, sb_codec_list_t *out)
{
    if (ptr_index >= s.nptrs || s.ptrs[ptr_index] == 0)
        return false;
    if (!deref_list(s.msg, &s.ptrs[ptr_index], s.nesting, SB_CODEC_ELEM_BYTE, out))
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
    if (l.count == 0 || l.base[l.count - 1] != 0) {
        sb_codec_reader_fail(s.msg, SB_CODEC_TEXT_NOT_TERMINATED);
        return t;
    }
    t.str = (const char *)l.base;
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
    d.ptr = l.base;
    d.len = l.count;
    return d;
}
