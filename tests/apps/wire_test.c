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
#include "probe.h"

static const char *schema;

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
    if (argc != 3 || tool_init(argv[1]) != 0) {
        fprintf(stderr, "usage: apps_wire_test <capnp> <apps_test.capnp>\n");
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

    /* The generator's sizes agree with what was sent. */
    CHECK(apps_test_Probe_add_REQUEST_WORDS == 3 && apps_test_Probe_add_REPLY_WORDS == 2 &&
              apps_test_Probe_add_FASTPATH == 1 && apps_test_Probe_keep_FASTPATH == 0 &&
              apps_test_Probe_echo_FASTPATH == 0,
          "generated sizes");
    tool_cleanup();
    printf("apps_wire: %s (%d failures)\n", tool_failures ? "FAILED" : "passed", tool_failures);
    plat_exit(tool_failures ? 1 : 0);
}
