/*
 * Every message of schemas/bridge.capnp: encoded size (each must fit seL4_FastMessageRegisters =
 * 4 words, root pointer included, for the IPC fastpath), our words == `capnp encode --flat`'s
 * for random field values, and our reader reads the tool's words back.
 *
 * usage: bridge_messages_test <capnp> <bridge.capnp>
 */
#include <stdlib.h>
#include <string.h>

#include "bridge.capnp.h"
#include "capnp_tool.h"

/* seL4_FastMessageRegisters on x86_64 and aarch64. */
#define FAST_MESSAGE_REGISTERS 4

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A field, seen through uint64_t so that one table drives every message. */
typedef struct {
    const char *name;
    unsigned bits;           /* 1 (Bool), 8, 16, 32, 64 */
    const char *const *enumerants; /* non-NULL for an enum field */
    unsigned nenum;
    void (*set)(sb_codec_struct_builder_t b, uint64_t v);
    uint64_t (*get)(sb_codec_struct_t r);
} field_t;

typedef struct {
    const char *name;
    unsigned root_words; /* the generated <name>_ROOT_WORDS */
    sb_codec_struct_builder_t (*init_root)(sb_codec_builder_t *msg);
    sb_codec_status_t (*read_root)(sb_codec_reader_t *msg, sb_codec_struct_t *r);
    field_t fields[13]; /* ends with a field of NULL name */
} message_t;

#define MSG(S)                                                                                   \
    static sb_codec_struct_builder_t init_##S(sb_codec_builder_t *msg)                          \
    {                                                                                            \
        return bridge_##S##_init_root(msg).s;                                                    \
    }                                                                                            \
    static sb_codec_status_t read_##S(sb_codec_reader_t *msg, sb_codec_struct_t *r)             \
    {                                                                                            \
        bridge_##S##_reader_t x;                                                                 \
        sb_codec_status_t st = bridge_##S##_read_root(msg, &x);                                  \
        *r = x.s;                                                                                \
        return st;                                                                               \
    }
#define FIELD(S, f, T)                                                                           \
    static void set_##S##_##f(sb_codec_struct_builder_t b, uint64_t v)                          \
    {                                                                                            \
        bridge_##S##_builder_t x = {b};                                                          \
        bridge_##S##_set_##f(x, (T)v);                                                           \
    }                                                                                            \
    static uint64_t get_##S##_##f(sb_codec_struct_t r)                                          \
    {                                                                                            \
        bridge_##S##_reader_t x = {r};                                                           \
        return (uint64_t)bridge_##S##_get_##f(x);                                                \
    }

static const char *const ops[] = {"ping",         "openSession",  "capCall", "kick",
                                  "closeSession", "revokeBundle", "stats"};
static const char *const statuses[] = {"ok",          "badOp",  "badMessage",
                                       "badSession",  "badArgument", "badCap",
                                       "noResources", "sessionExists", "revoked"};
static const char *const phases[] = {"kickEveryEnqueue", "signalWhenAsked"};

MSG(Error)
FIELD(Error, status, bridge_Status_t)
FIELD(Error, op, bridge_Op_t)
FIELD(Error, detail, uint32_t)
MSG(PingRequest)
MSG(PingReply)
MSG(OpenSessionRequest)
FIELD(OpenSessionRequest, bundleCaps, uint16_t)
FIELD(OpenSessionRequest, ringDepth, uint16_t)
FIELD(OpenSessionRequest, phase, bridge_Phase_t)
MSG(OpenSessionReply)
FIELD(OpenSessionReply, session, uint32_t)
FIELD(OpenSessionReply, bundleCaps, uint16_t)
FIELD(OpenSessionReply, cnodeSizeBits, uint8_t)
FIELD(OpenSessionReply, frameSizeBits, uint8_t)
FIELD(OpenSessionReply, firstFrameSlot, uint16_t)
FIELD(OpenSessionReply, frameCount, uint16_t)
FIELD(OpenSessionReply, requestRingFrame, uint16_t)
FIELD(OpenSessionReply, completionRingFrame, uint16_t)
FIELD(OpenSessionReply, kickSlot, uint16_t)
FIELD(OpenSessionReply, completionSlot, uint16_t)
FIELD(OpenSessionReply, ringDepth, uint16_t)
FIELD(OpenSessionReply, phase, bridge_Phase_t)
MSG(CapCallRequest)
FIELD(CapCallRequest, tag, uint64_t)
MSG(CapCallReply)
FIELD(CapCallReply, tag, uint64_t)
FIELD(CapCallReply, capBadge, uint64_t)
FIELD(CapCallReply, unwrapped, bool)
MSG(KickRequest)
FIELD(KickRequest, produced, uint32_t)
MSG(KickReply)
FIELD(KickReply, consumed, uint32_t)
FIELD(KickReply, completed, uint32_t)
MSG(CloseSessionRequest)
MSG(CloseSessionReply)
FIELD(CloseSessionReply, served, uint64_t)
MSG(RevokeBundleRequest)
FIELD(RevokeBundleRequest, session, uint32_t)
MSG(RevokeBundleReply)
FIELD(RevokeBundleReply, capsRevoked, uint32_t)
MSG(StatsRequest)
MSG(StatsReply)
FIELD(StatsReply, calls, uint64_t)
FIELD(StatsReply, ringRequests, uint64_t)
FIELD(StatsReply, errors, uint32_t)
FIELD(StatsReply, openSessions, uint16_t)
FIELD(StatsReply, revokedBundles, uint16_t)

#define M(S) #S, bridge_##S##_ROOT_WORDS, init_##S, read_##S
#define F(S, f, bits) {#f, bits, NULL, 0, set_##S##_##f, get_##S##_##f}
#define E(S, f, names) {#f, 16, names, sizeof names / sizeof *names, set_##S##_##f, get_##S##_##f}

static const message_t messages[] = {
    {M(PingRequest), {{0}}},
    {M(PingReply), {{0}}},
    {M(OpenSessionRequest),
     {F(OpenSessionRequest, bundleCaps, 16), F(OpenSessionRequest, ringDepth, 16),
      E(OpenSessionRequest, phase, phases)}},
    {M(OpenSessionReply),
     {F(OpenSessionReply, session, 32), F(OpenSessionReply, bundleCaps, 16),
      F(OpenSessionReply, cnodeSizeBits, 8), F(OpenSessionReply, frameSizeBits, 8),
      F(OpenSessionReply, firstFrameSlot, 16), F(OpenSessionReply, frameCount, 16),
      F(OpenSessionReply, requestRingFrame, 16), F(OpenSessionReply, completionRingFrame, 16),
      F(OpenSessionReply, kickSlot, 16), F(OpenSessionReply, completionSlot, 16),
      F(OpenSessionReply, ringDepth, 16), E(OpenSessionReply, phase, phases)}},
    {M(CapCallRequest), {F(CapCallRequest, tag, 64)}},
    {M(CapCallReply),
     {F(CapCallReply, tag, 64), F(CapCallReply, capBadge, 64), F(CapCallReply, unwrapped, 1)}},
    {M(KickRequest), {F(KickRequest, produced, 32)}},
    {M(KickReply), {F(KickReply, consumed, 32), F(KickReply, completed, 32)}},
    {M(CloseSessionRequest), {{0}}},
    {M(CloseSessionReply), {F(CloseSessionReply, served, 64)}},
    {M(RevokeBundleRequest), {F(RevokeBundleRequest, session, 32)}},
    {M(RevokeBundleReply), {F(RevokeBundleReply, capsRevoked, 32)}},
    {M(StatsRequest), {{0}}},
    {M(StatsReply),
     {F(StatsReply, calls, 64), F(StatsReply, ringRequests, 64), F(StatsReply, errors, 32),
      F(StatsReply, openSessions, 16), F(StatsReply, revokedBundles, 16)}},
    {M(Error), {E(Error, status, statuses), E(Error, op, ops), F(Error, detail, 32)}},
};

static uint64_t rnd_field(const field_t *f, int round)
{
    if (f->enumerants)
        return rnd() % f->nenum;
    if (round == 0)
        return 0; /* all defaults: the smallest message */
    if (round == 1)
        return f->bits == 64 ? ~0ull : (1ull << f->bits) - 1; /* every bit set */
    return f->bits == 64 ? rnd() : rnd() & ((1ull << f->bits) - 1);
}

int main(int argc, char **argv)
{
    const size_t nmsg = sizeof messages / sizeof *messages;
    size_t m;
    int round;

    if (argc < 3 || tool_init(argv[1]) != 0) {
        fprintf(stderr, "usage: %s <capnp> <bridge.capnp>\n", argv[0]);
        return 2;
    }
    printf("%-22s %s\n", "message", "words (root pointer included)");
    for (m = 0; m < nmsg; m++) {
        const message_t *msg = &messages[m];
        size_t max_words = 0;
        for (round = 0; round < 12; round++) {
            uint64_t vals[12], ours[16], ref[16];
            char text[1024];
            size_t len = 0, n = 0, i;
            long nref;
            sb_codec_builder_t b;
            sb_codec_struct_builder_t sb;
            sb_codec_reader_t rd;
            sb_codec_struct_t r;

            /* Encode into a buffer of exactly the fast registers: it must fit. */
            sb_codec_builder_init(&b, ours, FAST_MESSAGE_REGISTERS);
            sb = msg->init_root(&b);
            len += (size_t)snprintf(text + len, sizeof text - len, "(");
            for (i = 0; msg->fields[i].name; i++) {
                const field_t *f = &msg->fields[i];
                vals[i] = rnd_field(f, round);
                f->set(sb, vals[i]);
                if (f->enumerants)
                    len += (size_t)snprintf(text + len, sizeof text - len, "%s%s = %s",
                                            i ? ", " : "", f->name, f->enumerants[vals[i]]);
                else if (f->bits == 1)
                    len += (size_t)snprintf(text + len, sizeof text - len, "%s%s = %s",
                                            i ? ", " : "", f->name, vals[i] ? "true" : "false");
                else
                    len += (size_t)snprintf(text + len, sizeof text - len, "%s%s = %llu",
                                            i ? ", " : "", f->name, (unsigned long long)vals[i]);
            }
            snprintf(text + len, sizeof text - len, ")\n");
            CHECK(sb_codec_builder_finish(&b, &n) == SB_CODEC_OK, "%s: build (%s)", msg->name,
                  sb_codec_status_name(b.status));
            CHECK(n == msg->root_words, "%s: %zu words, generated size says %u", msg->name, n,
                  msg->root_words);
            CHECK(n <= FAST_MESSAGE_REGISTERS, "%s: %zu words > seL4_FastMessageRegisters",
                  msg->name, n);
            if (n > max_words)
                max_words = n;

            nref = tool_encode(argv[2], msg->name, text, ref, 16);
            CHECK(nref == (long)n && memcmp(ours, ref, n * 8) == 0,
                  "%s: differs from capnp encode --flat for %s", msg->name, text);
            if (nref < 0)
                continue;
            sb_codec_reader_init(&rd, ref, (size_t)nref);
            CHECK(msg->read_root(&rd, &r) == SB_CODEC_OK, "%s: read_root", msg->name);
            for (i = 0; msg->fields[i].name; i++)
                CHECK(msg->fields[i].get(r) == vals[i], "%s.%s: read %llu, wrote %llu",
                      msg->name, msg->fields[i].name,
                      (unsigned long long)msg->fields[i].get(r), (unsigned long long)vals[i]);
            CHECK(sb_codec_reader_status(&rd) == SB_CODEC_OK, "%s: reader status", msg->name);
        }
        printf("%-22s %zu\n", msg->name, max_words);
    }
    tool_cleanup();
    printf("bridge_messages_test: %zu messages, %d failure(s)\n", nmsg, tool_failures);
    return tool_failures ? 1 : 0;
}
