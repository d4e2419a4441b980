/*
 * Constants of every kind (consts.capnp): floats and Data exact, struct and list constants the
 * words `capnp eval --flat` writes, read back through the generated accessors.
 *
 * usage: consts_test <capnp> <consts.capnp>
 */
#include <math.h>
#include <string.h>

#include "capnp_tool.h"
#include "consts.capnp.h"

#define CAP 2048

static const char *schema;

/* @skip: words of capnp's message before ours start (1 for a list held in a struct). */
static void words(const char *name, const uint64_t *ours, size_t n, size_t skip)
{
    uint64_t all[CAP], *ref = all + skip;
    long m = tool_eval(schema, name, all, CAP) - (long)skip;
    CHECK(m == (long)n && memcmp(ref, ours, n * 8) == 0, "%s: words differ from capnp eval", name);
    if (m >= 0 && (m != (long)n || memcmp(ref, ours, n * 8) != 0))
        tool_dump_diff(ref, (size_t)m, ours, n);
}

int main(int argc, char **argv)
{
    sb_codec_reader_t m;
    consts_Item_reader_t item;
    sb_codec_text_t t;
    if (argc < 3 || tool_init(argv[1]) != 0) {
        fprintf(stderr, "usage: consts_test <capnp> <consts.capnp>\n");
        return 2;
    }
    schema = argv[2];
    CHECK(consts_pi == 3.141592653589793, "pi");
    CHECK(consts_half == 0.5f, "half");
    CHECK(consts_tiny == -4.9e-324 && consts_tiny < 0, "tiny");
    CHECK(isinf(consts_big) && consts_big > 0, "big");
    CHECK(isinf(consts_small) && consts_small < 0, "small");
    CHECK(consts_bytes_LEN == 3 && memcmp(consts_bytes, "\x00\xff\x10", 3) == 0, "bytes");
    CHECK(consts_noBytes_LEN == 0, "noBytes");
    words("item", consts_item_words(), consts_item_WORDS, 0);
    words("long", consts_long_words(), consts_long_WORDS, 0);
    CHECK(consts_long_WORDS > 1024, "long: %u words", consts_long_WORDS);
    words("empty", consts_empty_words(), consts_empty_WORDS, 0);
    words("heldNumbers", consts_numbers_words(), consts_numbers_WORDS, 1);
    words("heldNames", consts_names_words(), consts_names_WORDS, 1);
    words("heldItems", consts_items_words(), consts_items_WORDS, 1);

    sb_codec_reader_init(&m, consts_item_words(), consts_item_WORDS);
    CHECK(consts_Item_read_root(&m, &item) == SB_CODEC_OK, "item root");
    t = consts_Item_get_tag(item);
    CHECK(consts_Item_get_id(item) == 7 && t.len == 5 && memcmp(t.str, "seven", 5) == 0, "item");
    CHECK(consts_Item_get_id(consts_Item_get_inner(item)) == 8, "item.inner");
    CHECK(sb_codec_reader_status(&m) == SB_CODEC_OK, "item status");

    /* A list constant's root is a list: read through the root pointer as an AnyPointer. */
    {
        sb_codec_list_t l;
        sb_codec_reader_init(&m, consts_names_words(), consts_names_WORDS);
        l = sb_codec_any_as_list(sb_codec_read_root_any(&m), SB_CODEC_ELEM_POINTER);
        t = sb_codec_list_get_text(l, 1);
        CHECK(l.count == 2 && t.len == 2 && memcmp(t.str, "bc", 2) == 0, "names[1]");
        sb_codec_reader_init(&m, consts_numbers_words(), consts_numbers_WORDS);
        l = sb_codec_any_as_list(sb_codec_read_root_any(&m), SB_CODEC_ELEM_FOUR_BYTES);
        CHECK(l.count == 3 && sb_codec_list_get_u32(l, 2) == 3, "numbers[2]");
        CHECK(sb_codec_reader_status(&m) == SB_CODEC_OK, "list status");
    }
    tool_cleanup();
    if (tool_failures) {
        fprintf(stderr, "%d check(s) failed\n", tool_failures);
        return 1;
    }
    printf("constants: 7 scalar exact, 3 struct and 3 list constants equal to capnp eval --flat, "
           "read back\n");
    return 0;
}
