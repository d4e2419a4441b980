/*
 * The generated stubs and skeleton against the reference `capnp encode --flat`, byte for byte,
 * for every message of the test schema: each stub's request as it goes out (caught by a spy
 * server thread, with its label and extraCaps), each stub reading the tool's encoding of its
 * results, and each skeleton's reply to the tool's encoding of its params. Host only (it runs
 * the tool).
 */
#include <sel4bridge/plat.h>
#include <string.h>

#include "capnp_tool.h"
#include "generic_test.capnp.h"
#include "probe.h"

static const char *schema;

/* ---- Store(T).swap (generic_test.capnp), whose T is an sb_codec_any_t: the handler answers
 * with the previous value from a message of its own, or (key "echo") with the request's own
 * value, which the skeleton must refuse: the reply is encoded over the request. ---- */

static uint64_t store_words[16];
static sb_codec_reader_t store_msg;

sb_status_t generic_test_Store_swap_impl(sb_app_call_t *call, sb_codec_any_t value,
                                         sb_codec_text_t key, sb_codec_any_t *previous_out,
                                         uint32_t *count_out)
{
    (void)call;
    sb_codec_builder_t b;
    generic_test_TextSwapResults_reader_t r;
    if (key.len == 4 && memcmp(key.str, "echo", 4) == 0) {
        *previous_out = value;
        return SB_OK;
    }
    /* The value is read as the type the application expects, and checked as that here. */
    sb_codec_text_t v = sb_codec_any_as_text(value);
    *count_out = v.len;
    sb_codec_builder_init(&b, store_words, 16);
    generic_test_TextSwapResults_builder_t old = generic_test_TextSwapResults_init_root(&b);
    generic_test_TextSwapResults_set_previous(old, "old", 3);
    sb_codec_reader_init(&store_msg, store_words, b.used);
    generic_test_TextSwapResults_read_root(&store_msg, &r);
    *previous_out = sb_codec_get_any(r.s, 0);
    return sb_codec_reader_status(value.s.msg) == SB_CODEC_OK ? SB_OK : SB_ERR_BAD_MESSAGE;
}

/* Store(T).describe: a struct there and back. The item is rebuilt in a message of the handler's
 * own with the name's length as its id; note "echo" answers with the request's own item. */
static uint64_t item_words[16];
static sb_codec_reader_t item_msg;

sb_status_t generic_test_Store_describe_impl(sb_app_call_t *call, generic_test_Item_reader_t item,
                                             sb_codec_text_t note, generic_test_Item_reader_t *item_out,
                                             uint32_t *size_out)
{
    (void)call;
    sb_codec_builder_t b;
    sb_codec_text_t name = generic_test_Item_get_name(item);
    if (note.len == 4 && memcmp(note.str, "echo", 4) == 0) {
        *item_out = item;
        return SB_OK;
    }
    *size_out = name.len;
    sb_codec_builder_init(&b, item_words, 16);
    generic_test_Item_builder_t copy = generic_test_Item_init_root(&b);
    generic_test_Item_set_id(copy, (uint16_t)name.len);
    generic_test_Item_set_name(copy, name.str, name.len);
    sb_codec_reader_init(&item_msg, item_words, b.used);
    generic_test_Item_read_root(&item_msg, item_out);
    return sb_codec_reader_status(item.s.msg) == SB_CODEC_OK ? SB_OK : SB_ERR_BAD_MESSAGE;
}

/* ---- The spy: records one request, answers with the words it is given. ---- */

static seL4_CPtr spy_ep;
static struct {
    seL4_Word label, length, caps;
    uint64_t words[seL4_MsgMaxLength];
    uint64_t reply[seL4_MsgMaxLength];
    size_t reply_words;
} spy;

static void spy_main(void *arg)
{
    (void)arg;
    seL4_Word badge;
    seL4_SetCapReceivePath(seL4_CapInitThreadCNode, PLAT_FIRST_FREE_SLOT + 1, seL4_WordBits);
    seL4_MessageInfo_t info = seL4_Recv(PLAT_FIRST_FREE_SLOT, &badge);
    for (;;) {
        seL4_IPCBuffer *ipc = seL4_GetIPCBuffer();
        spy.label = seL4_MessageInfo_get_label(info);
        spy.length = seL4_MessageInfo_get_length(info);
        spy.caps = seL4_MessageInfo_get_extraCaps(info);
        memcpy(spy.words, ipc->msg, spy.length * sizeof(uint64_t));
        seL4_CNode_Delete(seL4_CapInitThreadCNode, PLAT_FIRST_FREE_SLOT + 1, seL4_WordBits);
        memcpy(ipc->msg, spy.reply, spy.reply_words * sizeof(uint64_t));
        info = seL4_ReplyRecv(PLAT_FIRST_FREE_SLOT,
                              seL4_MessageInfo_new(SB_OK, 0, 0, spy.reply_words), &badge);
    }
}

/* The next reply: @type encoded by the tool from @text. */
static void answer_with(const char *type, const char *text)
{
    long n = tool_encode(schema, type, text, spy.reply, seL4_MsgMaxLength);
    CHECK(n > 0, "encode %s %s", type, text);
    spy.reply_words = n > 0 ? (size_t)n : 0;
}

/* The request just sent must be @type encoded from @text, with @label and @caps. */
static void expect_request(const char *what, seL4_Word label, seL4_Word caps, const char *type,
                           const char *text)
{
    uint64_t ref[seL4_MsgMaxLength];
    long n = tool_encode(schema, type, text, ref, seL4_MsgMaxLength);
    CHECK(n > 0, "encode %s", type);
    CHECK(spy.label == label, "%s: label %lx", what, (unsigned long)spy.label);
    CHECK(spy.caps == caps, "%s: extraCaps %lu", what, (unsigned long)spy.caps);
    bool same = n == (long)spy.length && memcmp(ref, spy.words, (size_t)n * 8) == 0;
    CHECK(same, "%s: the stub's request differs from capnp encode --flat %s", what, type);
    if (!same && n > 0)
        tool_dump_diff(spy.words, spy.length, ref, (size_t)n);
    printf("  %-16s request %2lu words%s  = capnp encode %s\n", what, (unsigned long)spy.length,
           caps ? " + cap " : "       ", type);
}

/* Method @m of @iface served from the tool's encoding of @ptype @ptext must reply exactly the
 * tool's encoding of @rtype @rtext. */
static void expect_skeleton(const sb_interface_t *iface, unsigned m, const char *ptype,
                            const char *ptext, const char *rtype, const char *rtext)
{
    static uint32_t opens = 3;
    uint64_t req[seL4_MsgMaxLength], ref[seL4_MsgMaxLength], out[seL4_MsgMaxLength];
    long np = tool_encode(schema, ptype, ptext, req, seL4_MsgMaxLength);
    long nr = tool_encode(schema, rtype, rtext, ref, seL4_MsgMaxLength);
    CHECK(np > 0 && nr > 0, "encode %s / %s", ptype, rtype);
    sb_codec_reader_t reader;
    sb_codec_struct_t root;
    sb_codec_reader_init(&reader, req, (size_t)np);
    CHECK(sb_codec_read_root(&reader, &root) == SB_CODEC_OK, "root");
    sb_app_call_t call = {.session = 1, .session_ctx = &opens};
    sb_codec_builder_t b;
    sb_codec_builder_init(&b, out, seL4_MsgMaxLength);
    sb_status_t st = iface->methods[m].fn(&call, root, &b);
    size_t words = 0;
    CHECK(st == SB_OK && sb_codec_builder_finish(&b, &words) == SB_CODEC_OK, "%s.%s: %s",
          iface->name, iface->methods[m].name, sb_status_name(st));
    bool same = (long)words == nr && memcmp(out, ref, words * 8) == 0;
    CHECK(same, "%s.%s: the skeleton's reply differs from capnp encode --flat %s", iface->name,
          iface->methods[m].name, rtype);
    if (!same)
        tool_dump_diff(out, words, ref, (size_t)nr);
    printf("  %-16s reply   %2lu words         = capnp encode %s\n", iface->methods[m].name,
           (unsigned long)words, rtype);
}

int main(int argc, char **argv)
{
    if (argc != 4 || tool_init(argv[1]) != 0) {
        fprintf(stderr, "usage: apps_wire_test <capnp> <apps_test.capnp> <generic_test.capnp>\n");
        return 1;
    }
    schema = argv[2];
    plat_init();
    seL4_CPtr ep;
    plat_thread_attr_t attr = {.name = "spy", .cnode_bits = 8, .priority = 100};
    plat_thread_t *t;
    CHECK(plat_obj_alloc(seL4_EndpointObject, 0, &ep) == seL4_NoError, "endpoint");
    CHECK(plat_thread_create(&t, &attr, spy_main, NULL) == 0, "spy thread");
    seL4_CNode_Copy(plat_thread_cnode(t), PLAT_FIRST_FREE_SLOT, seL4_WordBits,
                    seL4_CapInitThreadCNode, ep, seL4_WordBits, seL4_AllRights);
    spy_ep = ep;
    plat_thread_start(t);

    sb_client_t c;
    sb_client_config_t cfg = {.endpoint = spy_ep, .cnode = seL4_CapInitThreadCNode,
                              .slot_base = plat_slot_alloc(), .slot_count = SB_BUNDLE_MAX + 1};
    CHECK(sb_client_init(&c, &cfg) == SB_OK, "client");
    seL4_CPtr ntfn;
    CHECK(plat_obj_alloc(seL4_NotificationObject, 0, &ntfn) == seL4_NoError, "notification");

    printf("stubs (requests as sent, results read from the tool's bytes):\n");
    uint64_t sum = 0, value = 0, tag = 0, badge = 0;
    bool woken = true, kept = false;
    answer_with("AddResults", "(sum = 42)");
    CHECK(apps_test_Probe_add(&c, 40, 2, &sum) == SB_OK && sum == 42, "add");
    expect_request("Probe.add", apps_test_Probe_add_LABEL, 0, "AddParams", "(a = 40, b = 2)");
    answer_with("Empty", "()");
    CHECK(apps_test_Probe_nothing(&c) == SB_OK, "nothing");
    expect_request("Probe.nothing", apps_test_Probe_nothing_LABEL, 0, "Empty", "()");

    probe_echo_result_t echoed;
    answer_with("AllKinds", PROBE_ECHO_TEXT);
    sb_status_t st = probe_echo_reference(&c, &echoed);
    CHECK(st == SB_OK, "echo: %s", sb_status_name(st));
    expect_request("Probe.echo", apps_test_Probe_echo_LABEL, 0, "AllKinds", PROBE_ECHO_TEXT);
    const char *wrong = probe_echo_mismatch(&echoed);
    CHECK(wrong == NULL, "echo: the %s read from the tool's bytes differ", wrong);

    /* Pointers not given (NULL) stay null, as capnp leaves a field never set. */
    answer_with("AllKinds", "(u8 = 3)");
    st = apps_test_Probe_echo(&c, true, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, NULL, 0, NULL, 0, NULL,
                              0, NULL, 0, NULL, 0, NULL, 0, NULL, NULL, NULL, NULL, NULL,
                              &echoed.u8, NULL, NULL, NULL, NULL, NULL, NULL, &echoed.text,
                              &echoed.data, &echoed.words, NULL, NULL, NULL);
    CHECK(st == SB_OK && echoed.u8 == 3 && echoed.text.len == 0 && echoed.data.len == 0 &&
              sb_codec_list_len(echoed.words) == 0,
          "echo without pointers: %s", sb_status_name(st));
    expect_request("Probe.echo", apps_test_Probe_echo_LABEL, 0, "AllKinds",
                   "(flag = true, u8 = 3)");

    answer_with("WaitResults", "(value = 123456789)");
    CHECK(apps_test_Probe_wait(&c, 5, &value) == SB_OK && value == 123456789, "wait");
    expect_request("Probe.wait", apps_test_Probe_wait_LABEL, 0, "WaitParams", "(ticket = 5)");
    answer_with("PostResults", "(woken = true)");
    woken = false;
    CHECK(apps_test_Probe_post(&c, 5, 77, &woken) == SB_OK && woken, "post");
    expect_request("Probe.post", apps_test_Probe_post_LABEL, 0, "PostParams",
                   "(ticket = 5, value = 77)");
    answer_with("KeepResults", "(tag = 9, kept = true, badge = 18446744073709551615)");
    CHECK(apps_test_Probe_keep(&c, ntfn, 9, &tag, &kept, &badge) == SB_OK && tag == 9 && kept &&
              badge == ~0ull,
          "keep");
    /* The cap field's pointer stays null: the cap itself is the extraCap. */
    expect_request("Probe.keep", apps_test_Probe_keep_LABEL, 1, "KeepParams", "(tag = 9)");
    uint32_t session = 0, opens = 0, closes = 0, revokes = 0;
    answer_with("SessionResults", "(session = 3, opens = 4, closes = 5, revokes = 6)");
    CHECK(apps_test_Probe_session(&c, &session, &opens, &closes, &revokes) == SB_OK &&
              session == 3 && opens == 4 && closes == 5 && revokes == 6,
          "session");
    expect_request("Probe.session", apps_test_Probe_session_LABEL, 0, "Empty", "()");
    /* Counter.next's params and results are implicit structs, which the tool cannot name: they
     * are compared with the explicit structs of the same layout (no fields; one UInt64). */
    answer_with("WaitResults", "(value = 99)");
    CHECK(apps_test_Counter_next(&c, &value) == SB_OK && value == 99, "next");
    expect_request("Counter.next", apps_test_Counter_next_LABEL, 0, "Empty", "()");
    _Static_assert(apps_test_Counter_next_Params_ROOT_WORDS == apps_test_Empty_ROOT_WORDS &&
                       apps_test_Counter_next_Results_ROOT_WORDS ==
                           apps_test_WaitResults_ROOT_WORDS,
                   "same layouts");

    printf("skeletons (replies to the tool's requests):\n");
    const sb_interface_t *p = &apps_test_Probe_interface;
    expect_skeleton(p, 0, "AddParams", "(a = 40, b = 2)", "AddResults", "(sum = 42)");
    expect_skeleton(p, 1, "Empty", "()", "Empty", "()");
    expect_skeleton(p, 2, "AllKinds", PROBE_ECHO_TEXT, "AllKinds", PROBE_ECHO_TEXT);
    expect_skeleton(p, 2, "AllKinds", "(u8 = 3, text = \"\")", "AllKinds",
                    "(u8 = 3, text = \"\")");
    expect_skeleton(p, 4, "PostParams", "(ticket = 5, value = 1)", "PostResults", "()");
    expect_skeleton(p, 5, "KeepParams", "(tag = 9)", "KeepResults", "(tag = 9)");
    expect_skeleton(p, 6, "Empty", "()", "SessionResults", "(session = 1, opens = 3)");
    probe.counter = 6;
    expect_skeleton(&apps_test_Counter_interface, 0, "Empty", "()", "WaitResults",
                    "(value = 7)");
    /* Probe.wait defers (it needs a server): tests/apps/calls_test.c covers it. */

    /* A generic interface: its parameter, AnyPointer, set from another message as any type
     * (compared with the same layouts with T bound), read back as the type expected. */
    printf("generic interface Store(T):\n");
    schema = argv[3];
    {
        uint64_t words[16];
        sb_codec_builder_t b;
        sb_codec_reader_t m;
        generic_test_TextSwapParams_reader_t held;
        sb_codec_any_t previous;
        uint32_t count = 0;
        sb_codec_builder_init(&b, words, 16);
        generic_test_TextSwapParams_set_value(generic_test_TextSwapParams_init_root(&b), "new", 3);
        sb_codec_reader_init(&m, words, b.used);
        CHECK(generic_test_TextSwapParams_read_root(&m, &held) == SB_CODEC_OK, "held");
        answer_with("TextSwapResults", "(previous = \"old\", count = 2)");
        st = generic_test_Store_swap(&c, sb_codec_get_any(held.s, 0), "k", 1, &previous, &count);
        sb_codec_text_t t = sb_codec_any_as_text(previous);
        CHECK(st == SB_OK && count == 2 && t.len == 3 && memcmp(t.str, "old", 3) == 0,
              "swap: %s", sb_status_name(st));
        expect_request("Store.swap", generic_test_Store_swap_LABEL, 0, "TextSwapParams",
                       "(value = \"new\", key = \"k\")");
        /* A list this time, and a null value (a zeroed sb_codec_any_t). */
        sb_codec_builder_init(&b, words, 16);
        sb_codec_list_builder_t l = sb_codec_init_list(
            generic_test_TextSwapParams_init_root(&b).s, 0, SB_CODEC_ELEM_TWO_BYTES, 3);
        for (uint32_t i = 0; i < 3; i++)
            sb_codec_list_set_u16(l, i, (uint16_t)(i + 1));
        sb_codec_reader_init(&m, words, b.used);
        CHECK(generic_test_TextSwapParams_read_root(&m, &held) == SB_CODEC_OK, "held list");
        answer_with("ListSwapResults", "(previous = [65535], count = 1)");
        st = generic_test_Store_swap(&c, sb_codec_get_any(held.s, 0), "l", 1, &previous, &count);
        sb_codec_list_t pl = sb_codec_any_as_list(previous, SB_CODEC_ELEM_TWO_BYTES);
        CHECK(st == SB_OK && pl.count == 1 && sb_codec_list_get_u16(pl, 0) == 65535,
              "swap list: %s", sb_status_name(st));
        expect_request("Store.swap", generic_test_Store_swap_LABEL, 0, "ListSwapParams",
                       "(value = [1, 2, 3], key = \"l\")");
        sb_codec_any_t none = {0};
        answer_with("TextSwapResults", "()");
        st = generic_test_Store_swap(&c, none, NULL, 0, &previous, &count);
        CHECK(st == SB_OK && sb_codec_any_is_null(previous), "swap null: %s", sb_status_name(st));
        expect_request("Store.swap", generic_test_Store_swap_LABEL, 0, "TextSwapParams", "()");
    }
    /* A struct param and result: copied in from another message, read back from the reply. */
    {
        uint64_t words[16];
        sb_codec_builder_t b;
        sb_codec_reader_t m;
        generic_test_Item_reader_t item, got;
        generic_test_Item_reader_t none = {0};
        uint32_t size = 0;
        sb_codec_builder_init(&b, words, 16);
        generic_test_Item_builder_t ib = generic_test_Item_init_root(&b);
        generic_test_Item_set_id(ib, 7);
        generic_test_Item_set_name(ib, "seven", 5);
        sb_codec_reader_init(&m, words, b.used);
        CHECK(generic_test_Item_read_root(&m, &item) == SB_CODEC_OK, "item");
        answer_with("DescribeResults", "(item = (id = 5, name = \"seven\"), size = 5)");
        st = generic_test_Store_describe(&c, item, "n", 1, &got, &size);
        sb_codec_text_t t = generic_test_Item_get_name(got);
        CHECK(st == SB_OK && size == 5 && generic_test_Item_get_id(got) == 5 && t.len == 5 &&
                  memcmp(t.str, "seven", 5) == 0, "describe: %s", sb_status_name(st));
        expect_request("Store.describe", generic_test_Store_describe_LABEL, 0, "DescribeParams",
                       "(item = (id = 7, name = \"seven\"), note = \"n\")");
        answer_with("DescribeResults", "()");
        st = generic_test_Store_describe(&c, none, NULL, 0, &got, &size);
        /* The zeroed reader left the param null; the reply's null item reads as empty. */
        CHECK(st == SB_OK && generic_test_Item_get_id(got) == 0 && !generic_test_Item_has_name(got),
              "describe null: %s", sb_status_name(st));
        expect_request("Store.describe", generic_test_Store_describe_LABEL, 0, "DescribeParams", "()");
    }
    expect_skeleton(&generic_test_Store_interface, 1, "DescribeParams",
                    "(item = (id = 1, name = \"seL4\"), note = \"n\")", "DescribeResults",
                    "(item = (id = 4, name = \"seL4\"), size = 4)");
    expect_skeleton(&generic_test_Store_interface, 0, "TextSwapParams",
                    "(value = \"seL4\", key = \"k\")", "TextSwapResults",
                    "(previous = \"old\", count = 4)");
    /* The request's own value (or item) as the result, in the IPC buffer as on a server:
     * refused. */
    {
        static const struct {
            unsigned method;
            const char *type, *text;
        } echo[] = {
            {0, "TextSwapParams", "(value = \"seL4\", key = \"echo\")"},
            {1, "DescribeParams", "(item = (id = 1, name = \"seL4\"), note = \"echo\")"},
        };
        for (unsigned e = 0; e < 2; e++) {
            uint64_t *req = (uint64_t *)seL4_GetIPCBuffer()->msg, out[seL4_MsgMaxLength];
            long np = tool_encode(schema, echo[e].type, echo[e].text, req, seL4_MsgMaxLength);
            sb_codec_reader_t reader;
            sb_codec_struct_t root;
            sb_codec_builder_t b;
            sb_app_call_t call = {.session = 1};
            sb_codec_reader_init(&reader, req, np > 0 ? (size_t)np : 0);
            CHECK(sb_codec_read_root(&reader, &root) == SB_CODEC_OK, "echo root");
            sb_codec_builder_init(&b, out, seL4_MsgMaxLength);
            st = generic_test_Store_interface.methods[echo[e].method].fn(&call, root, &b);
            CHECK(st == SB_ERR_RESULT_IN_REQUEST, "%s echo: %s",
                  generic_test_Store_interface.methods[echo[e].method].name, sb_status_name(st));
            printf("  %-16s the request's own value as the result: %s\n",
                   generic_test_Store_interface.methods[echo[e].method].name, sb_status_name(st));
        }
    }

    /* The generator's sizes agree with what was sent. */
    CHECK(apps_test_Probe_add_REQUEST_WORDS == 3 && apps_test_Probe_add_REPLY_WORDS == 2 &&
              apps_test_Probe_add_FASTPATH == 1 && apps_test_Probe_keep_FASTPATH == 0 &&
              apps_test_Probe_echo_FASTPATH == 0,
          "generated sizes");
    tool_cleanup();
    printf("apps_wire: %s (%d failures)\n", tool_failures ? "FAILED" : "passed", tool_failures);
    plat_exit(tool_failures ? 1 : 0);
}
