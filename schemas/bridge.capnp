# The wire contract of sel4bridge: every control message between a client and the server.
# C accessors are generated from this file into codec/gen/ (see README, "Wire contract").
@0xe7f27a84df18b228;

# How a message travels.
#
# A request is one seL4_Call on the server's endpoint. Its seL4_MessageInfo label is the
# operation (an `Op` value); its message registers hold the operation's request struct as a flat,
# single-segment Cap'n Proto message (root pointer first, no segment table), and the
# MessageInfo length is that message's length in words. The server identifies the client's
# session by the endpoint badge, never by anything in the body.
#
# The reply's label is a `Status`. With `ok` the body is the operation's reply struct; with any
# other status the body is an `Error`.
#
# Capabilities travel only in seL4's extraCaps (at most one per message), never in the body: the
# decoder refuses capability pointers. `capCall` requests carry one cap; the `openSession` reply
# carries the bundle's CNode cap. Every message here has a fixed size, no pointer fields, and
# encodes, root pointer included, into at most seL4_FastMessageRegisters = 4 words, so that a
# capability-free call can take seL4's IPC fastpath. Fields are only ever appended (new ordinals),
# so that old peers keep decoding new messages: a field a sender did not write reads as its
# default.

enum Op {
  # The seL4_MessageInfo label of a request.
  ping @0;          # PingRequest -> PingReply: the null call.
  openSession @1;   # OpenSessionRequest -> OpenSessionReply + the bundle CNode cap.
  capCall @2;       # CapCallRequest + one cap -> CapCallReply.
  kick @3;          # KickRequest -> KickReply: the synchronous kick.
  closeSession @4;  # CloseSessionRequest -> CloseSessionReply.
  revokeBundle @5;  # RevokeBundleRequest -> RevokeBundleReply.
  stats @6;         # StatsRequest -> StatsReply.
}

enum Status {
  # The seL4_MessageInfo label of a reply. Anything but `ok` comes with an `Error` body.
  ok @0;
  badOp @1;          # the label is not an Op.
  badMessage @2;     # the body did not decode; Error.detail is the codec status.
  badSession @3;     # the badge names no open session (or the session's bundle was revoked).
  badArgument @4;    # a field is out of range; Error.detail is the field's ordinal.
  badCap @5;         # a cap was expected and missing, unexpected, or of the wrong type.
  noResources @6;    # the server is out of slots, untyped memory or sessions.
  sessionExists @7;  # openSession on a badge that already has a session.
  revoked @8;        # the request raced a revocation of the session's bundle.
}

enum Phase {
  # When the two sides signal each other about ring work.
  kickEveryEnqueue @0;  # Phase 1: the producer signals after every enqueue.
  signalWhenAsked @1;   # Phase 2: shared event flags; the producer signals only when the
                        # consumer has said it is going to sleep (as sDDF's queues do).
}

struct Error {
  # Body of every reply whose label is not `ok`.
  status @0 :Status;  # the same value as the reply label, so a stored body explains itself.
  op @1 :Op;          # the request's label, echoed.
  detail @2 :UInt32;  # what went wrong in detail: a codec status, a field ordinal, a seL4_Error.
}

struct PingRequest {
  # The null call: no arguments. One word (the root pointer of an empty struct).
}

struct PingReply {
  # The null call's answer: nothing but the `ok` label.
}

struct OpenSessionRequest {
  # Ask for a session on this badge and for its bundle, pre-granted so that the ring hot path
  # never transfers a capability.
  bundleCaps @0 :UInt16;  # k: caps wanted in the bundle (frames + the two notifications).
  ringDepth @1 :UInt16;   # entries per ring, a power of two; 0 lets the server choose.
  phase @2 :Phase;        # the signalling protocol the client will follow.
}

struct OpenSessionReply {
  # The layout of the bundle. The reply's extraCaps[0] is a CNode cap holding the bundle; the
  # client moves it into its own CSpace and addresses the caps below as slots of that CNode.
  # Frames are mapped in slot order at consecutive addresses, so ring positions are given as
  # frame indices.
  session @0 :UInt32;          # session id; equals the badge the server gave the client.
  bundleCaps @1 :UInt16;       # k: caps in the bundle CNode (may be fewer than asked).
  cnodeSizeBits @2 :UInt8;     # radix of the bundle CNode.
  frameSizeBits @3 :UInt8;     # size of each frame (12 for 4 KiB).
  firstFrameSlot @4 :UInt16;   # CNode slot of frame 0; frames occupy consecutive slots.
  frameCount @5 :UInt16;       # frames in the bundle.
  requestRingFrame @6 :UInt16;     # index of the first frame of the request ring.
  completionRingFrame @7 :UInt16;  # index of the first frame of the completion ring.
  kickSlot @8 :UInt16;         # CNode slot of the notification the client signals (kick).
  completionSlot @9 :UInt16;   # CNode slot of the notification the server signals (completion).
  ringDepth @10 :UInt16;       # entries per ring, a power of two.
  phase @11 :Phase;            # the signalling protocol granted.
}

struct CapCallRequest {
  # A call that transfers one capability in extraCaps[0] (the receiver sees it in its receive
  # slot, or unwrapped into the badge when it is a badged cap to the server's own endpoint).
  tag @0 :UInt64;  # the client's value, echoed in the reply.
}

struct CapCallReply {
  tag @0 :UInt64;          # CapCallRequest.tag.
  capBadge @1 :UInt64;     # the badge seL4 unwrapped the cap into (0 when it was transferred).
  unwrapped @2 :Bool;      # seL4_MessageInfo capsUnwrapped showed the cap unwrapped.
}

struct KickRequest {
  # The synchronous kick: "my request ring has entries up to `produced`", as a call instead of
  # a notification signal, so that the reply can report progress in the same round trip.
  produced @0 :UInt32;  # the client's request-ring producer index (free-running).
}

struct KickReply {
  consumed @0 :UInt32;   # requests the server has taken off the ring (free-running index).
  completed @1 :UInt32;  # completions the server has posted (free-running index).
}

struct CloseSessionRequest {
  # End this badge's session: the server revokes and deletes its bundle.
}

struct CloseSessionReply {
  served @0 :UInt64;  # ring requests completed over the session's life.
}

struct RevokeBundleRequest {
  # Revoke a session's bundle: every cap the client holds from it becomes unusable at once
  # (seL4_CNode_Revoke on the server's originals); the session stays open but must be reopened
  # to get a new bundle.
  session @0 :UInt32;  # the session whose bundle to revoke; 0 means the caller's own.
}

struct RevokeBundleReply {
  capsRevoked @0 :UInt32;  # caps the revocation removed from the client's reach.
}

struct StatsRequest {
  # The server's counters, for the harness's "no dropped messages" accounting.
}

struct StatsReply {
  calls @0 :UInt64;           # control calls answered (any status).
  ringRequests @1 :UInt64;    # ring requests completed.
  errors @2 :UInt32;          # control calls answered with a status other than `ok`.
  openSessions @3 :UInt16;    # sessions open now.
  revokedBundles @4 :UInt16;  # bundles revoked so far.
}
