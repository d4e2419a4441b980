/*
 * An adversarial client among honest ones. It sends wrong labels, wrong lengths, malformed
 * bodies, random bytes, unexpected caps and caps of every type; it writes garbage into its rings,
 * pushes ring indices past the ring's size, kicks in storms, lies in the synchronous kick, keeps
 * calling and kicking after its bundle was revoked, plants caps (and the bundle CNode itself) in
 * its bundle CNode, and opens and closes sessions in a loop. It attacks the server's application
 * (the apps test schema's interfaces) too: labels of unknown interfaces and methods, random
 * bodies of every length up to seL4_MsgMaxLength, hostile pointers, caps of every type, and more
 * deferred calls than its share, left waiting when it closes. Each attack gets its documented
 * answer; the server never stops serving, and the honest clients' results are exact (one of them
 * an application client). The server and every client are components, each in an address space
 * of its own (on seL4).
 */
#include "probe.h"
#include "workload.h"

#include <bridge.capnp.h>
#include <sel4bridge/codec.h>
#include <string.h>

#define HONEST 4
#define APP_HONEST 5 /* an honest application client */
#define APP_CALLS 3000
#define ADVERSARY 9
#define ADMIN 10
#define RING_PER_CLIENT 6000
#define CALLS_PER_CLIENT 2000
#define SCRATCH (TS_SLOT_BASE + SB_BUNDLE_MAX + 2) /* the adversary's own receive slot */
#define PLANT (SCRATCH + 1)

static ts_server_t srv;

/* The adversary's own counters, shared with it alone (pages of their own). */
static struct {
    TS_PAGE_ALIGNED unsigned attacks;
    uint64_t rng_state;
} adv = {.rng_state = 0x9e3779b97f4a7c15u};

/* ---- Raw calls: the adversary writes the message registers itself. ---- */

static uint64_t rnd(void)
{
    return wl_random(&adv.rng_state);
}

typedef struct {
    seL4_Word label, length, extra_caps;
    uint64_t words[4];
} reply_t;

/* Call with @label, @len words from @w, @ncaps caps from @caps; the reply, its cap deleted. */
static reply_t raw(seL4_Word label, seL4_Word len, const uint64_t *w, unsigned ncaps,
                   const seL4_CPtr *caps)
{
    for (seL4_Word i = 0; i < len && i < seL4_MsgMaxLength; i++) {
        seL4_SetMR((int)i, w ? w[i] : rnd());
    }
    for (unsigned i = 0; i < ncaps; i++) {
        seL4_SetCap((int)i, caps[i]);
    }
    seL4_SetCapReceivePath(seL4_CapInitThreadCNode, SCRATCH, seL4_WordBits);
    seL4_MessageInfo_t info =
        seL4_Call(TS_SLOT_EP, seL4_MessageInfo_new(label, 0, ncaps, len));
    reply_t r = {seL4_MessageInfo_get_label(info), seL4_MessageInfo_get_length(info),
                 seL4_MessageInfo_get_extraCaps(info), {0}};
    for (unsigned i = 0; i < 4; i++) {
        r.words[i] = seL4_GetMR((int)i);
    }
    seL4_CNode_Delete(seL4_CapInitThreadCNode, SCRATCH, seL4_WordBits);
    adv.attacks++;
    return r;
}

/* The Error body's detail (0 when the reply is not an Error). */
static uint32_t detail(const reply_t *r)
{
    sb_codec_reader_t rd;
    sb_codec_struct_t root;
    sb_codec_reader_init(&rd, r->words, r->length);
    if (r->label == SB_OK || sb_codec_read_root(&rd, &root) != SB_CODEC_OK) {
        return 0;
    }
    return bridge_Error_get_detail((bridge_Error_reader_t){root});
}

#define EXPECT(r, want_label, want_detail, what)                                                   \
    TS_CHECK((r).label == (want_label) && detail(&(r)) == (uint32_t)(want_detail),                \
             "%s: label %lu detail %u, want %s detail %u", what, (unsigned long)(r).label,         \
             detail(&(r)), sb_status_name(want_label), (unsigned)(want_detail))

static const uint64_t EMPTY_ROOT = 0; /* a null root pointer: the empty struct */

static void attack_messages(void)
{
    uint64_t w[4] = {0};
    reply_t r;
    /* No session yet: refused by badge (the body is not even read). */
    r = raw(bridge_Op_ping, 1, &EMPTY_ROOT, 0, NULL);
    EXPECT(r, SB_ERR_BAD_SESSION, 0, "ping without a session");
    r = raw(bridge_Op_kick, 2, w, 0, NULL);
    EXPECT(r, SB_ERR_BAD_SESSION, 0, "kick call without a session");
    /* Open with a raw OpenSessionRequest {k = 4, depth 8, phase 1}. */
    w[0] = sb_codec_struct_ptr(0, 1, 0);
    w[1] = 4 | (8u << 16);
    r = raw(bridge_Op_openSession, 2, w, 0, NULL);
    EXPECT(r, SB_OK, 0, "raw open");
    TS_CHECK(r.extra_caps == 1, "the bundle came");

    /* Labels that are no operation; above 2^16, no interface the server hosts. */
    static const seL4_Word labels[] = {7, 8, 100, 0xffff};
    for (unsigned i = 0; i < sizeof labels / sizeof labels[0]; i++) {
        r = raw(labels[i], 1, &EMPTY_ROOT, 0, NULL);
        EXPECT(r, SB_ERR_BAD_OP, 0, "unknown label");
    }
    r = raw(0xfffffffffffffull, 1, &EMPTY_ROOT, 0, NULL);
    EXPECT(r, SB_ERR_BAD_OP, SB_ERR_UNKNOWN_INTERFACE, "unknown interface");
    /* Lengths: none, or longer than any request (up to seL4_MsgMaxLength). */
    static const seL4_Word lengths[] = {0, 5, 64, seL4_MsgMaxLength};
    for (unsigned i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
        r = raw(bridge_Op_ping, lengths[i], NULL, 0, NULL);
        EXPECT(r, SB_ERR_BAD_MESSAGE, SB_ERR_BAD_LENGTH, "ping of a wrong length");
        r = raw(bridge_Op_capCall, lengths[i], NULL, 0, NULL);
        TS_CHECK(r.label == SB_ERR_BAD_CAP, "capCall without its cap is refused first");
    }
    /* Bodies the codec refuses: each says why in Error.detail (a codec status). */
    struct {
        uint64_t root, data;
        seL4_Word len;
        sb_codec_status_t why;
    } bodies[] = {
        {sb_codec_struct_ptr(0, 1, 0), 0, 1, SB_CODEC_OUT_OF_BOUNDS},   /* data beyond the end */
        {sb_codec_struct_ptr(200, 1, 0), 0, 2, SB_CODEC_OUT_OF_BOUNDS}, /* far off */
        {sb_codec_struct_ptr(-5, 1, 0), 0, 2, SB_CODEC_OUT_OF_BOUNDS},  /* before the start */
        {SB_CODEC_PTR_FAR | (1u << 3), 0, 2, SB_CODEC_FAR_POINTER},
        {SB_CODEC_PTR_OTHER, 0, 2, SB_CODEC_CAP_POINTER},
        {sb_codec_list_ptr(0, SB_CODEC_ELEM_BYTE, 8), 0, 2, SB_CODEC_WRONG_POINTER_KIND},
    };
    for (unsigned i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        uint64_t b[2] = {bodies[i].root, bodies[i].data};
        r = raw(bridge_Op_revokeBundle, bodies[i].len, b, 0, NULL);
        EXPECT(r, SB_ERR_BAD_MESSAGE, bodies[i].why, "malformed body");
    }
    /* Well-formed, out of range. */
    w[0] = sb_codec_struct_ptr(0, 1, 0);
    w[1] = 0; /* RevokeBundleRequest {session = 0} would be fine; try another session */
    w[1] = 3;
    r = raw(bridge_Op_revokeBundle, 2, w, 0, NULL);
    EXPECT(r, SB_ERR_BAD_ARGUMENT, 0, "revoke another's bundle without the admin badge");
    w[1] = 0xffffffffu;
    r = raw(bridge_Op_revokeBundle, 2, w, 0, NULL);
    EXPECT(r, SB_ERR_BAD_ARGUMENT, 0, "revoke a session id beyond the limit");
    r = raw(bridge_Op_openSession, 1, &EMPTY_ROOT, 0, NULL);
    EXPECT(r, SB_ERR_SESSION_EXISTS, 0, "open twice");
    /* A struct bigger than ours (a newer client's): the fields we know are read. */
    uint64_t big[4] = {sb_codec_struct_ptr(0, 3, 0), 42, 0x1234, 0x5678};
    r = raw(bridge_Op_capCall, 4, big, 1, (seL4_CPtr[]){TS_SLOT_NTFN});
    TS_CHECK(r.label == SB_OK && r.words[1] == 42, "a longer capCall body is read: %lu",
             (unsigned long)r.label);

    /* Caps where none belongs: refused and deleted; the next cap is received normally. */
    seL4_CPtr three[3] = {TS_SLOT_NTFN, TS_SLOT_FRAME, TS_SLOT_EP};
    r = raw(bridge_Op_ping, 1, &EMPTY_ROOT, 1, three);
    EXPECT(r, SB_ERR_BAD_CAP, SB_ERR_UNEXPECTED_CAP, "ping with a cap");
    r = raw(bridge_Op_stats, 1, &EMPTY_ROOT, 3, three);
    EXPECT(r, SB_ERR_BAD_CAP, SB_ERR_UNEXPECTED_CAP, "stats with three caps");
    r = raw(bridge_Op_closeSession, 1, &EMPTY_ROOT, 1, (seL4_CPtr[]){TS_SLOT_EP});
    EXPECT(r, SB_ERR_BAD_CAP, SB_ERR_UNEXPECTED_CAP, "close with our own endpoint (unwrapped)");
    /* Caps of every type we hold: capCall takes any cap, reports it, deletes it. */
    seL4_CPtr any[] = {TS_SLOT_NTFN, TS_SLOT_FRAME, seL4_CapInitThreadCNode, seL4_CapInitThreadTCB,
                       TS_SLOT_TO_ROOT, TS_SLOT_EP};
    for (unsigned i = 0; i < sizeof any / sizeof any[0]; i++) {
        w[0] = sb_codec_struct_ptr(0, 1, 0);
        w[1] = 1000 + i;
        r = raw(bridge_Op_capCall, 2, w, 1, &any[i]);
        TS_CHECK(r.label == SB_OK && r.words[1] == 1000 + i, "capCall with cap %u: %lu", i,
                 (unsigned long)r.label);
    }
    /* The synchronous kick lies about its producer index: read, never trusted. */
    w[0] = sb_codec_struct_ptr(0, 1, 0);
    w[1] = 123456;
    r = raw(bridge_Op_kick, 2, w, 0, NULL);
    EXPECT(r, SB_OK, 0, "kick call with a lie");
    r = raw(bridge_Op_closeSession, 1, &EMPTY_ROOT, 0, NULL);
    EXPECT(r, SB_OK, 0, "raw close");

    /* Random bytes: random labels (mostly real ops), lengths, words and a cap now and then.
     * Whatever it is, the answer is a wire status in at most 4 words. */
    for (int i = 0; i < 3000; i++) {
        seL4_Word label = rnd() % 9;
        seL4_Word len = rnd() % 7;
        unsigned ncaps = rnd() % 4 == 0;
        r = raw(label, len, NULL, ncaps, (seL4_CPtr[]){TS_SLOT_NTFN});
        TS_CHECK(r.label < SB_WIRE_STATUS_COUNT && r.length <= 4 && r.extra_caps <= 1,
                 "random call %d: label %lu length %lu", i, (unsigned long)r.label,
                 (unsigned long)r.length);
    }
    raw(bridge_Op_closeSession, 1, &EMPTY_ROOT, 0, NULL); /* whatever the dice left open */
}

/* ---- The application: the test schema's Probe and Counter. ---- */

/* Whatever an application call was, its answer is a wire status, no cap, at most 120 words. */
#define EXPECT_SANE(r, what)                                                                       \
    TS_CHECK((r).label < SB_WIRE_STATUS_COUNT && (r).length <= seL4_MsgMaxLength &&              \
                 (r).extra_caps == 0,                                                              \
             "%s: label %lu length %lu caps %lu", what, (unsigned long)(r).label,                 \
             (unsigned long)(r).length, (unsigned long)(r).extra_caps)

static void attack_app(sb_client_t *c)
{
    reply_t r;
    uint64_t w[seL4_MsgMaxLength] = {0};
    /* No session: refused by the table's state check, the body unread. */
    w[0] = sb_codec_struct_ptr(0, 2, 0);
    r = raw(apps_test_Probe_add_LABEL, 3, w, 0, NULL);
    EXPECT(r, SB_ERR_BAD_SESSION, 0, "application call without a session");
    TS_CHECK_STATUS(sb_client_open(c, 4, 0, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    r = raw(SB_APP_LABEL(apps_test_Probe_CODE, 7), 1, &EMPTY_ROOT, 0, NULL);
    EXPECT(r, SB_ERR_BAD_OP, SB_ERR_UNKNOWN_METHOD, "unknown method");
    r = raw(SB_APP_LABEL(apps_test_Probe_CODE ^ 1, 0), 1, &EMPTY_ROOT, 0, NULL);
    EXPECT(r, SB_ERR_BAD_OP, SB_ERR_UNKNOWN_INTERFACE, "a neighbouring code");
    r = raw(apps_test_Probe_add_LABEL, 4, w, 0, NULL);
    EXPECT(r, SB_ERR_BAD_MESSAGE, SB_ERR_BAD_LENGTH, "add one word longer than it can be");
    r = raw(apps_test_Probe_nothing_LABEL, 1, &EMPTY_ROOT, 1, (seL4_CPtr[]){TS_SLOT_FRAME});
    EXPECT(r, SB_ERR_BAD_CAP, SB_ERR_UNEXPECTED_CAP, "a cap to a method without one");
    /* Hostile bodies of Probe.echo (6 data words, 6 pointers): each pointer checked. */
    struct {
        unsigned ptr; /* which pointer field (0 text, 1 data, 2.. lists) */
        uint64_t value;
        uint64_t after; /* the word after the struct */
        sb_codec_status_t why;
    } bodies[] = {
        {0, sb_codec_list_ptr(200, SB_CODEC_ELEM_BYTE, 4), 0, SB_CODEC_OUT_OF_BOUNDS},
        {0, sb_codec_list_ptr(0, SB_CODEC_ELEM_BYTE, 8), 0x4141414141414141u,
         SB_CODEC_TEXT_NOT_TERMINATED},
        {1, sb_codec_list_ptr(0, SB_CODEC_ELEM_BYTE, 1u << 28), 0, SB_CODEC_OUT_OF_BOUNDS},
        {2, SB_CODEC_PTR_FAR | (1u << 3), 0, SB_CODEC_FAR_POINTER},
        {3, SB_CODEC_PTR_OTHER, 0, SB_CODEC_CAP_POINTER},
        {4, sb_codec_struct_ptr(0, 1, 0), 0, SB_CODEC_WRONG_POINTER_KIND},
        {5, sb_codec_list_ptr(-20, SB_CODEC_ELEM_EIGHT_BYTES, 1), 0, SB_CODEC_OUT_OF_BOUNDS},
    };
    for (unsigned i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        memset(w, 0, 14 * sizeof w[0]);
        w[0] = sb_codec_struct_ptr(0, 6, 6);
        w[7 + bodies[i].ptr] = bodies[i].value;
        /* A list pointer's offset counts from the word after the pointer itself. */
        if (bodies[i].after) {
            w[7 + bodies[i].ptr] = sb_codec_list_ptr((int32_t)(5 - bodies[i].ptr),
                                                     SB_CODEC_ELEM_BYTE, 8);
            w[13] = bodies[i].after;
        }
        r = raw(apps_test_Probe_echo_LABEL, 14, w, 0, NULL);
        EXPECT(r, SB_ERR_BAD_MESSAGE, bodies[i].why, "hostile echo body");
    }
    /* Amplification: every list pointer of echo at the same 100 words. */
    memset(w, 0, sizeof w);
    w[0] = sb_codec_struct_ptr(0, 6, 6);
    for (unsigned p = 2; p < 6; p++) {
        w[7 + p] = sb_codec_list_ptr((int32_t)(5 - p), SB_CODEC_ELEM_FOUR_BYTES, 200);
    }
    r = raw(apps_test_Probe_echo_LABEL, 113, w, 0, NULL);
    EXPECT_SANE(r, "overlapping lists");
    /* The cap field's pointer is never read: a cap pointer there changes nothing. */
    uint64_t keep[3] = {sb_codec_struct_ptr(0, 1, 1), 5, SB_CODEC_PTR_OTHER};
    r = raw(apps_test_Probe_keep_LABEL, 3, keep, 1, (seL4_CPtr[]){TS_SLOT_EP});
    TS_CHECK(r.label == SB_OK && r.words[1] == 5, "keep (unwrapped) with a cap pointer: %lu",
             (unsigned long)r.label);
    /* Caps of every type to keep: the first fills the application's slot, the others are
     * refused (noResources) and deleted; the receive slot is emptied either way. */
    seL4_CPtr any[] = {TS_SLOT_NTFN, TS_SLOT_FRAME, seL4_CapInitThreadCNode, seL4_CapInitThreadTCB,
                       TS_SLOT_TO_ROOT};
    for (unsigned i = 0; i < sizeof any / sizeof any[0]; i++) {
        keep[2] = 0;
        r = raw(apps_test_Probe_keep_LABEL, 3, keep, 1, &any[i]);
        TS_CHECK(r.label == (i == 0 ? SB_OK : SB_ERR_NO_RESOURCES), "keep cap %u: %lu", i,
                 (unsigned long)r.label);
    }
    /* Random application calls: random methods (not wait: it would wait for a post), lengths
     * up to seL4_MsgMaxLength, random words, now and then a cap. */
    static const unsigned methods[] = {0, 1, 2, 4, 5, 6, 7, 11, 0xffff};
    for (int i = 0; i < 2000; i++) {
        uint32_t code = rnd() % 4 == 0 ? (uint32_t)rnd() | 1 : apps_test_Probe_CODE;
        seL4_Word label = rnd() % 8 == 0 ? SB_APP_LABEL(apps_test_Counter_CODE, rnd() % 3)
                                          : SB_APP_LABEL(code, methods[rnd() % 9]);
        seL4_Word len = rnd() % 3 == 0 ? rnd() % (seL4_MsgMaxLength + 1) : rnd() % 24;
        unsigned ncaps = rnd() % 4 == 0;
        r = raw(label, len, NULL, ncaps, (seL4_CPtr[]){TS_SLOT_NTFN});
        EXPECT_SANE(r, "random application call");
    }
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
}

/* More deferred calls than a session's share: the root starts PROBE_SESSION_DEFERRED + 1
 * threads of our session calling Probe.wait; the last is refused at once, the others wait, and
 * are answered `revoked` when we close. */
typedef struct {
    TS_PAGE_ALIGNED sb_status_t want; /* page-aligned: shared with its waiter alone */
    uint32_t ticket;
} adv_wait_t;

static void adv_waiter(ts_client_t *tc)
{
    const adv_wait_t *w = tc->arg;
    uint64_t value;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(apps_test_Probe_wait(&tc->client, w->ticket, &value), w->want);
    tc->result = 0;
}

static void attack_deferred(sb_client_t *c)
{
    TS_CHECK_STATUS(sb_client_open(c, 4, 0, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    ts_sync(); /* the root starts the waiters; they wait, or were refused */
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
}

/* An honest application client: exact answers, whatever the adversary does meanwhile. */
static void app_honest(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    TS_CHECK_STATUS(sb_client_open(c, 4, 0, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    uint64_t last = 0, ok = 0;
    for (uint64_t i = 0; i < APP_CALLS; i++) {
        uint64_t sum = 0, next = 0;
        uint32_t session = 0;
        ok += apps_test_Probe_add(c, i, 3 * i, &sum) == SB_OK && sum == 4 * i;
        ok += apps_test_Counter_next(c, &next) == SB_OK && next > last;
        last = next;
        ok += apps_test_Probe_session(c, &session, NULL, NULL, NULL) == SB_OK &&
              session == tc->session;
    }
    TS_CHECK(ok == 3 * APP_CALLS, "honest application calls answered exactly: %lu of %u",
             (unsigned long)ok, 3 * APP_CALLS);
    TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
    tc->result = 0;
}

/* ---- The rings: garbage, impossible indices, storms. ---- */

static void attack_rings(sb_client_t *c)
{
    sb_queue_entry_t done;
    /* Garbage entries at valid indices: each is answered (the handler refuses unknown ops). */
    TS_CHECK_STATUS(sb_client_open(c, 4, 8, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    for (int i = 0; i < 200; i++) {
        sb_queue_entry_t rq = {.id = rnd(), .op = (uint32_t)rnd(), .status = (uint32_t)rnd(),
                               .arg = {rnd(), rnd()}};
        if (rq.op == WL_OP) {
            rq.op++;
        }
        TS_CHECK_STATUS(sb_client_submit(c, &rq), SB_OK);
        sb_status_t st;
        while ((st = sb_client_reap(c, &done)) == SB_ERR_RING_EMPTY) {
            sb_client_wait(c);
        }
        TS_CHECK(st == SB_OK && done.id == rq.id && done.status == SB_ERR_UNKNOWN_REQUEST,
                 "garbage entry %d answered", i);
    }
    /* A storm of kicks on an empty ring. */
    for (int i = 0; i < 5000; i++) {
        sb_client_kick(c);
    }
    TS_CHECK_STATUS(sb_client_ping(c), SB_OK);
    /* The Phase 2 flag is the consumer's to write; we scribble on the server's. Harmless. */
    atomic_store(&c->requests.ring->signal_wanted, 0xdeadbeef);
    TS_CHECK_STATUS(sb_client_ping(c), SB_OK);

    /* The request ring's tail pushed past the ring's size: the server revokes the bundle. */
    atomic_store(&c->requests.ring->tail, c->requests.tail + 1000);
    sb_client_kick(c);
    /* seL4 delivers the pending kick before the next call (the bound notification is looked at
     * first), so the ping below is answered after the server has seen the ring. */
    TS_CHECK_STATUS(sb_client_ping(c), SB_ERR_REVOKED);
    TS_CHECK(!c->open, "the client knows");

    /* The completion ring's head pushed past its tail: found at the server's first read of the
     * head, by the drain whose postings use up the room it counted from the empty ring of the
     * grant (8, none reaped: reaping would store our own head over it). The kicks come before
     * the ping, and that drain reads the head before it leaves, whatever its budget. */
    TS_CHECK_STATUS(sb_client_open(c, 4, 8, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    atomic_store(&c->completions.ring->head, 77777);
    sb_queue_entry_t rq = {.id = 1, .op = WL_OP};
    for (uint64_t id = 1; id <= 8; id++) {
        rq.id = id;
        TS_CHECK_STATUS(sb_client_submit(c, &rq), SB_OK);
    }
    TS_CHECK_STATUS(sb_client_ping(c), SB_ERR_REVOKED);

    /* A tail that moved backwards (fewer than zero entries): also impossible. */
    TS_CHECK_STATUS(sb_client_open(c, 4, 8, SB_PHASE_SIGNAL_WHEN_ASKED), SB_OK);
    atomic_store(&c->requests.ring->tail, c->requests.tail - 1);
    sb_client_kick(c);
    TS_CHECK_STATUS(sb_client_ping(c), SB_ERR_REVOKED);
}

/* ---- After the server revoked our bundle. ---- */

static void attack_after_revoke(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    TS_CHECK_STATUS(sb_client_open(c, 6, 8, SB_PHASE_KICK_EVERY_ENQUEUE), SB_OK);
    seL4_CPtr kick = c->kick;
    ts_sync(); /* the root has the server revoke us */
    /* Kicks through the empty slot go nowhere; calls say what happened. */
    for (int i = 0; i < 100; i++) {
        seL4_Signal(kick);
    }
    reply_t r = raw(bridge_Op_ping, 1, &EMPTY_ROOT, 0, NULL);
    EXPECT(r, SB_ERR_REVOKED, 0, "ping after revoke");
    uint64_t w[2] = {sb_codec_struct_ptr(0, 1, 0), 9};
    r = raw(bridge_Op_capCall, 2, w, 1, (seL4_CPtr[]){TS_SLOT_FRAME});
    EXPECT(r, SB_ERR_REVOKED, 0, "capCall after revoke (its cap deleted)");
    r = raw(bridge_Op_kick, 2, w, 0, NULL);
    EXPECT(r, SB_ERR_REVOKED, 0, "kick call after revoke");
    r = raw(bridge_Op_revokeBundle, 2, (uint64_t[]){sb_codec_struct_ptr(0, 1, 0), 0}, 0, NULL);
    EXPECT(r, SB_ERR_REVOKED, 0, "revoke after revoke");
    TS_CHECK_STATUS(sb_client_ping(c), SB_ERR_REVOKED);
    TS_CHECK(!c->open && c->revoked, "the library knows");
}

/* ---- The bundle CNode: caps planted in it, the CNode in itself, a slot emptied. ---- */

static void attack_bundle_cnode(void)
{
    uint64_t w[2] = {sb_codec_struct_ptr(0, 1, 0), 5 | (8u << 16)};
    reply_t r = raw(bridge_Op_openSession, 2, w, 0, NULL);
    /* raw() deletes the received cap; open again keeping it, in PLANT. */
    EXPECT(r, SB_OK, 0, "open for the planting");
    r = raw(bridge_Op_closeSession, 1, &EMPTY_ROOT, 0, NULL);
    for (uint64_t i = 0; i < 2; i++) {
        seL4_SetMR(0, w[0]);
        seL4_SetMR(1, w[1]);
        seL4_SetCapReceivePath(seL4_CapInitThreadCNode, PLANT, seL4_WordBits);
        seL4_MessageInfo_t info =
            seL4_Call(TS_SLOT_EP, seL4_MessageInfo_new(bridge_Op_openSession, 0, 0, 2));
        TS_CHECK(seL4_MessageInfo_get_label(info) == SB_OK &&
                     seL4_MessageInfo_get_extraCaps(info) == 1,
                 "open keeping the CNode");
        /* radix 3: slots 5..7 are unused. Plant our endpoint, our frame and the CNode itself. */
        TS_CHECK(seL4_CNode_Copy(PLANT, 5, 3, seL4_CapInitThreadCNode, TS_SLOT_EP, seL4_WordBits,
                                 seL4_AllRights) == seL4_NoError,
                 "plant an endpoint");
        TS_CHECK(seL4_CNode_Copy(PLANT, 6, 3, seL4_CapInitThreadCNode, TS_SLOT_FRAME,
                                 seL4_WordBits, seL4_AllRights) == seL4_NoError,
                 "plant a frame");
        if (i == 1) {
            TS_CHECK(seL4_CNode_Copy(PLANT, 7, 3, seL4_CapInitThreadCNode, PLANT, seL4_WordBits,
                                     seL4_AllRights) == seL4_NoError,
                     "plant the CNode in itself");
        }
        /* And take one of the server's caps out of it. */
        TS_CHECK(seL4_CNode_Delete(PLANT, 0, 3) == seL4_NoError, "delete bundle slot 0");
        r = raw(bridge_Op_closeSession, 1, &EMPTY_ROOT, 0, NULL);
        EXPECT(r, SB_OK, 0, "close: the server revokes the planted CNode");
        TS_CHECK(seL4_CNode_Copy(seL4_CapInitThreadCNode, SCRATCH, seL4_WordBits,
                                 seL4_CapInitThreadCNode, PLANT, seL4_WordBits,
                                 seL4_AllRights) == seL4_FailedLookup,
                 "our copy of the bundle CNode is gone");
    }
}

static void adversary(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    TS_CHECK_STATUS(ts_client_setup(tc), SB_OK);
    attack_messages();
    attack_app(c);
    attack_deferred(c);
    attack_rings(c);
    sb_client_close(c, NULL);
    attack_after_revoke(tc);
    sb_client_close(c, NULL);
    attack_bundle_cnode();
    /* Open and close in a loop: nothing may leak. */
    for (int i = 0; i < 300; i++) {
        uint16_t k = (uint16_t)(4 + rnd() % 5);
        TS_CHECK_STATUS(sb_client_open(c, k, 0, (sb_phase_t)(rnd() & 1)), SB_OK);
        TS_CHECK_STATUS(sb_client_close(c, NULL), SB_OK);
    }
    plat_printf("adversary: %u raw calls, plus ring attacks and 300 open/close\n", adv.attacks);
    tc->result = 0;
}

int main(void)
{
    plat_init();
    ts_address_space = PLAT_AS_SEPARATE;
    srv.cfg = (sb_server_config_t){.max_sessions = ADMIN, .max_bundle = 8, .pool_frames = 24,
                                   .default_depth = 32, .admin_session = ADMIN,
                                   .request = wl_handler};
    srv.app = &probe_app;
    srv.share[0] = (ts_region_t){&probe, sizeof probe};
    wl_server_share(&srv);
    TS_CHECK(ts_server_start(&srv) == 0 && srv.init_status == SB_OK, "server");
    static ts_client_t a, honest_app, waiters[PROBE_SESSION_DEFERRED + 1];
    static wl_crew_t crew;
    TS_CHECK(ts_client_create(&srv, &a, ADVERSARY, ts_client_rights(), adversary, NULL, 0) == 0 &&
                 ts_client_share(&a, &adv, sizeof adv) == 0,
             "adversary");
    ts_client_start(&a);
    wl_crew_start(&crew, &srv, 1, HONEST, 1, 2, RING_PER_CLIENT, CALLS_PER_CLIENT);
    TS_CHECK(ts_client_create(&srv, &honest_app, APP_HONEST, ts_client_rights(), app_honest, NULL,
                              0) == 0, "honest application client");
    ts_client_start(&honest_app);
    /* The adversary's deferred calls: its share wait, one more is refused at once. */
    static adv_wait_t waits[PROBE_SESSION_DEFERRED + 1];
    ts_await(&a);
    for (unsigned i = 0; i <= PROBE_SESSION_DEFERRED; i++) {
        bool last = i == PROBE_SESSION_DEFERRED;
        waits[i] = (adv_wait_t){last ? SB_ERR_NO_RESOURCES : SB_ERR_REVOKED, 40 + i};
        TS_CHECK(ts_client_create(&srv, &waiters[i], ADVERSARY, ts_client_rights(), adv_waiter,
                                  &waits[i], 0) == 0 &&
                     ts_client_share(&waiters[i], &waits[i], sizeof waits[i]) == 0,
                 "waiter");
        ts_client_start(&waiters[i]);
        for (unsigned t = 0; t < 200000 && !last && atomic_load(&probe.deferred_now) != i + 1;
             t++) {
            ts_spin_us(10);
        }
    }
    TS_CHECK(ts_client_join(&waiters[PROBE_SESSION_DEFERRED]) == 0 &&
                 waiters[PROBE_SESSION_DEFERRED].result == 0, "the waiter beyond the share");
    TS_CHECK(atomic_load(&probe.deferred_now) == PROBE_SESSION_DEFERRED, "deferred: %u",
             atomic_load(&probe.deferred_now));
    ts_release(&a); /* it closes: every waiter is answered */
    for (unsigned i = 0; i < PROBE_SESSION_DEFERRED; i++) {
        TS_CHECK(ts_client_join(&waiters[i]) == 0 && waiters[i].result == 0, "waiter %u", i);
    }
    for (unsigned i = 0; i <= PROBE_SESSION_DEFERRED; i++) {
        ts_client_destroy(&waiters[i]);
    }
    /* The waiters were answered before the close hook ran: wait (a bounded count of turns)
     * for the hook, which forgets them last. */
    for (unsigned t = 0; t < 200000 && atomic_load(&probe.deferred_now) != 0; t++) {
        ts_spin_us(10);
    }
    TS_CHECK(atomic_load(&probe.deferred_now) == 0 && sb_app_deferred_count(&srv.server) == 0,
             "no deferred call left");
    ts_await(&a);
    /* Asynchronous, but ordered: seL4 delivers this signal to the server before any call the
     * adversary makes after we release it. */
    ts_server_revoke(&srv, ADVERSARY);
    ts_release(&a);
    TS_CHECK(ts_client_join(&a) == 0 && a.result == 0, "the adversary ran to its end");
    TS_CHECK(ts_client_join(&honest_app) == 0 && honest_app.result == 0, "honest application");
    ts_client_destroy(&honest_app);
    wl_total_t t;
    wl_crew_finish(&crew, "honest clients beside it", false, &t);
    TS_CHECK(t.requests == HONEST * (uint64_t)(RING_PER_CLIENT + CALLS_PER_CLIENT),
             "the honest clients' requests");
    TS_CHECK(ts_slot_empty(srv.thread, TS_SLOT_BASE), "the server's receive slot is empty");
    TS_CHECK(srv.server.pool_free_count == 24, "every pool frame back: %u",
             srv.server.pool_free_count);
    sb_server_stats_t st = sb_server_stats(&srv.server);
    TS_CHECK(st.open_sessions == 0, "sessions left open: %u", st.open_sessions);
    plat_printf("server: %lu calls (%u refused), %lu ring requests, %u bundles revoked, "
                "%lu kicks ignored\n",
                (unsigned long)st.calls, st.errors, (unsigned long)st.ring_requests,
                st.revoked_bundles, (unsigned long)st.kicks_ignored);
    ts_client_destroy(&a);
    TS_CHECK(ts_server_stop(&srv) == 0, "the server is still serving, and stops when asked");
    ts_exit("integration_adversary");
}
