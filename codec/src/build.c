/*
 * The builder's allocator and pointer writers. Objects are appended to the caller's buffer in
 * creation order, which is how capnp's own builder lays out a message it copies, so that
 * creating them in pointer order gives `capnp encode --flat`'s exact words.
 */
#include <sel4bridge/codec/build.h>

static const sb_codec_struct_builder_t empty_struct;
static const sb_codec_list_builder_t empty_list;

static void fail(sb_codec_builder_t *msg, sb_codec_status_t st)
{
    if (msg->status == SB_CODEC_OK)
        msg->status = st;
}

/* Append @n zeroed words; returns their index, or -1 (and records BUFFER_FULL). */
static int64_t allocate(sb_codec_builder_t *msg, uint64_t n)
{
    uint32_t at = msg->used;
    if (msg->status != SB_CODEC_OK)
        return -1;
    if (n > (uint64_t)msg->cap - at) {
        fail(msg, SB_CODEC_BUFFER_FULL);
        return -1;
    }
    memset(msg->words + at, 0, (size_t)n * sizeof(uint64_t));
    msg->used = at + (uint32_t)n;
    return at;
}

/* The signed word offset a pointer at @ptr needs to reach word index @target. */
static int32_t offset_to(const sb_codec_builder_t *msg, const uint64_t *ptr, int64_t target)
{
    return (int32_t)(target - (ptr - msg->words) - 1);
}

/* Allocate a struct's words and point *@ptr at them. */
static sb_codec_struct_builder_t new_struct(sb_codec_builder_t *msg, uint64_t *ptr,
                                            uint16_t data_words, uint16_t nptrs)
{
    sb_codec_struct_builder_t s = empty_struct;
    int64_t at;

    s.msg = msg;
    if (data_words == 0 && nptrs == 0) {
        /* An empty struct takes no words; capnp points it at itself (offset -1) so that it is
         * not mistaken for a null pointer. */
        *ptr = sb_codec_struct_ptr(-1, 0, 0);
        return s;
    }
    at = allocate(msg, (uint64_t)data_words + nptrs);
    if (at < 0)
        return s;
    *ptr = sb_codec_struct_ptr(offset_to(msg, ptr, at), data_words, nptrs);
    s.data = (uint8_t *)(msg->words + at);
    s.ptrs = msg->words + at + data_words;
    s.data_bytes = (uint32_t)data_words * 8;
    s.nptrs = nptrs;
    return s;
}

sb_codec_struct_builder_t sb_codec_init_root_slow(sb_codec_builder_t *msg, uint16_t data_words,
                                                  uint16_t nptrs)
{
    sb_codec_struct_builder_t s = empty_struct;
    int64_t root = allocate(msg, 1);

    s.msg = msg;
    if (root < 0)
        return s;
    return new_struct(msg, msg->words + root, data_words, nptrs);
}

sb_codec_struct_builder_t sb_codec_init_struct(sb_codec_struct_builder_t s, uint16_t ptr_index,
                                               uint16_t data_words, uint16_t nptrs)
{
    if (ptr_index >= s.nptrs) {
        sb_codec_struct_builder_t e = empty_struct;
        e.msg = s.msg;
        return e;
    }
    return new_struct(s.msg, &s.ptrs[ptr_index], data_words, nptrs);
}

static const uint8_t elem_bits[8] = {0, 1, 8, 16, 32, 64, 64, 0};

sb_codec_list_builder_t sb_codec_init_list(sb_codec_struct_builder_t s, uint16_t ptr_index,
                                           unsigned elem_size, uint32_t count)
{
    sb_codec_list_builder_t l = empty_list;
    uint64_t words;
    int64_t at;

    l.msg = s.msg;
    if (ptr_index >= s.nptrs || elem_size >= SB_CODEC_ELEM_INLINE_COMPOSITE)
        return l;
    if (count > SB_CODEC_LIST_MAX) {
        fail(s.msg, SB_CODEC_BAD_ARGUMENT);
        return l;
    }
    words = ((uint64_t)count * elem_bits[elem_size] + 63) / 64;
    at = allocate(s.msg, words);
    if (at < 0)
        return l;
    s.ptrs[ptr_index] = sb_codec_list_ptr(offset_to(s.msg, &s.ptrs[ptr_index], at), elem_size,
                                          count);
    l.base = (uint8_t *)(s.msg->words + at);
    l.count = count;
    l.step_bits = elem_bits[elem_size];
    l.data_bytes = elem_size == SB_CODEC_ELEM_POINTER ? 0 : elem_bits[elem_size] / 8;
    l.nptrs = elem_size == SB_CODEC_ELEM_POINTER;
    return l;
}

sb_codec_list_builder_t sb_codec_init_struct_list(sb_codec_struct_builder_t s, uint16_t ptr_index,
                                                  uint32_t count, uint16_t data_words,
                                                  uint16_t nptrs)
{
    sb_codec_list_builder_t l = empty_list;
    uint64_t per_elem = (uint64_t)data_words + nptrs, words = count * per_elem;
    int64_t at;

    l.msg = s.msg;
    if (ptr_index >= s.nptrs)
        return l;
    /* The tag's count field has 30 bits, the list pointer's word count 29. */
    if (count >= (1u << 30) || words > SB_CODEC_LIST_MAX) {
        fail(s.msg, SB_CODEC_BAD_ARGUMENT);
        return l;
    }
    at = allocate(s.msg, 1 + words);
    if (at < 0)
        return l;
    s.ptrs[ptr_index] = sb_codec_list_ptr(offset_to(s.msg, &s.ptrs[ptr_index], at),
                                          SB_CODEC_ELEM_INLINE_COMPOSITE, (uint32_t)words);
    /* The tag is a struct pointer whose offset field holds the element count. */
    s.msg->words[at] = ((uint64_t)count << 2) | ((uint64_t)data_words << 32) |
                       ((uint64_t)nptrs << 48);
    l.base = (uint8_t *)(s.msg->words + at + 1);
    l.count = count;
    l.step_bits = (uint32_t)(per_elem * 64);
    l.data_bytes = (uint32_t)data_words * 8;
    l.nptrs = nptrs;
    return l;
}

sb_codec_struct_builder_t sb_codec_list_struct_at(sb_codec_list_builder_t l, uint32_t i)
{
    sb_codec_struct_builder_t s = empty_struct;
    uint64_t at;

    s.msg = l.msg;
    if (i >= l.count)
        return s;
    at = (uint64_t)i * l.step_bits / 8;
    s.data = l.base + at;
    s.ptrs = (uint64_t *)(l.base + at + l.data_bytes);
    s.data_bytes = l.data_bytes;
    s.nptrs = l.nptrs;
    return s;
}

/* Text and Data are byte lists; text carries its NUL in the count. */
static void set_bytes(sb_codec_struct_builder_t s, uint16_t ptr_index, const void *src,
                      size_t len, size_t count)
{
    sb_codec_list_builder_t l;

    if (ptr_index >= s.nptrs)
        return;
    if (len > SB_CODEC_LIST_MAX || count > SB_CODEC_LIST_MAX) {
        fail(s.msg, SB_CODEC_BAD_ARGUMENT);
        return;
    }
    l = sb_codec_init_list(s, ptr_index, SB_CODEC_ELEM_BYTE, (uint32_t)count);
    if (l.count == count && len)
        memcpy(l.base, src, len);
}

void sb_codec_set_text(sb_codec_struct_builder_t s, uint16_t ptr_index, const char *str,
                       size_t len)
{
    set_bytes(s, ptr_index, str, len, len + 1);
}

void sb_codec_set_data(sb_codec_struct_builder_t s, uint16_t ptr_index, const void *ptr,
                       size_t len)
{
    set_bytes(s, ptr_index, ptr, len, len);
}

static void copy_struct(sb_codec_struct_builder_t dst, sb_codec_struct_t src)
{
    uint16_t i;
    for (i = 0; i < src.data_bits / 64; i++)
        sb_codec_set_u64(dst, i, sb_codec_get_u64(src, i, 0), 0);
    for (i = 0; i < src.nptrs; i++)
        sb_codec_any_copy(sb_codec_init_any(dst, i), sb_codec_get_any(src, i));
}

void sb_codec_set_struct(sb_codec_struct_builder_t s, uint16_t ptr_index, sb_codec_struct_t src)
{
    if (src.msg == NULL)
        return;
    copy_struct(sb_codec_init_struct(s, ptr_index, (uint16_t)(src.data_bits / 64), src.nptrs), src);
}

void sb_codec_any_copy(sb_codec_any_builder_t dst, sb_codec_any_t src)
{
    uint64_t p;
    unsigned es;
    uint32_t i;
    sb_codec_list_t l;
    sb_codec_list_builder_t b;
    sb_codec_struct_t s;

    if (sb_codec_any_is_null(src))
        return;
    p = src.s.msg->words[src.s.ptrs + src.ptr_index];
    if (sb_codec_ptr_kind(p) != SB_CODEC_PTR_LIST) {
        /* A struct, or a pointer the reader refuses (and records) when reading it as one. */
        s = sb_codec_any_as_struct(src);
        if (s.data_bits != 0 || s.nptrs != 0 || sb_codec_ptr_kind(p) == SB_CODEC_PTR_STRUCT)
            copy_struct(sb_codec_any_init_struct(dst, (uint16_t)(s.data_bits / 64), s.nptrs), s);
        return;
    }
    es = sb_codec_ptr_elem_size(p);
    l = sb_codec_any_as_list(src, es);
    if (es == SB_CODEC_ELEM_INLINE_COMPOSITE) {
        b = sb_codec_any_init_struct_list(dst, l.count, (uint16_t)(l.data_bits / 64), l.nptrs);
        for (i = 0; i < l.count; i++)
            copy_struct(sb_codec_list_struct_at(b, i), sb_codec_list_get_struct(l, i));
        return;
    }
    b = sb_codec_any_init_list(dst, es, l.count);
    for (i = 0; i < l.count; i++) {
        switch (es) {
        case SB_CODEC_ELEM_BIT: sb_codec_list_set_bool(b, i, sb_codec_list_get_bool(l, i)); break;
        case SB_CODEC_ELEM_BYTE: sb_codec_list_set_u8(b, i, sb_codec_list_get_u8(l, i)); break;
        case SB_CODEC_ELEM_TWO_BYTES: sb_codec_list_set_u16(b, i, sb_codec_list_get_u16(l, i)); break;
        case SB_CODEC_ELEM_FOUR_BYTES: sb_codec_list_set_u32(b, i, sb_codec_list_get_u32(l, i)); break;
        case SB_CODEC_ELEM_EIGHT_BYTES: sb_codec_list_set_u64(b, i, sb_codec_list_get_u64(l, i)); break;
        case SB_CODEC_ELEM_POINTER:
            sb_codec_any_copy(sb_codec_list_any_at(b, i), sb_codec_list_get_any(l, i));
            break;
        default: break; /* Void: nothing to copy but the count */
        }
    }
}
