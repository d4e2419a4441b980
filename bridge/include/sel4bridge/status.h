/*
 * What a bridge operation says: one status enum for client, server and wire, each with a name and
 * a one-line message. Values 0..8 are the wire contract's `Status` (schemas/bridge.capnp), sent
 * as the label of a reply; the others never travel as a label (some travel as Error.detail).
 */
#pragma once

/* X(name, value, one-line message): the enum, sb_status_name and sb_status_message all come from
 * this one list, so no status can lack a name or a message. Append only: values are on the wire. */
#define SB_STATUS_LIST(X)                                                                          \
    /* The wire's Status, value for value (checked against the generated enum in status.c). */     \
    X(SB_OK, 0, "done")                                                                            \
    X(SB_ERR_BAD_OP, 1, "the message label is not an operation the server knows")                  \
    X(SB_ERR_BAD_MESSAGE, 2, "the message body did not decode (Error.detail says why)")            \
    X(SB_ERR_BAD_SESSION, 3, "the caller's badge names no open session")                           \
    X(SB_ERR_BAD_ARGUMENT, 4, "a field is out of range (Error.detail is the field's ordinal)")     \
    X(SB_ERR_BAD_CAP, 5, "a capability was missing, unexpected, or of the wrong type")             \
    X(SB_ERR_NO_RESOURCES, 6, "the server is out of sessions, frames, memory or slots")            \
    X(SB_ERR_SESSION_EXISTS, 7, "this badge already has an open session")                          \
    X(SB_ERR_REVOKED, 8, "the server revoked this session's bundle; open the session again")       \
    /* Reasons in detail: Error.detail of badMessage, badSession, badCap and noResources. */       \
    X(SB_ERR_BAD_LENGTH, 100, "message length is 0 or more than the operation's largest request")  \
    X(SB_ERR_BAD_BADGE, 101, "the endpoint badge is not one sb_client_badge() makes")             \
    X(SB_ERR_MISSING_CAP, 102, "the operation takes one capability and none arrived")              \
    X(SB_ERR_UNEXPECTED_CAP, 103, "a capability came with an operation that takes none; deleted") \
    X(SB_ERR_TOO_MANY_SESSIONS, 104, "the badge's session id is beyond the server's session limit")\
    X(SB_ERR_POOL_EXHAUSTED, 105, "not enough free frames in the server's pool for this bundle")   \
    X(SB_ERR_NO_MEMORY, 106, "the untyped memory given to the server is exhausted")                \
    X(SB_ERR_NO_SLOTS, 107, "the CSpace slot range given is too small")                            \
    X(SB_ERR_UNKNOWN_INTERFACE, 108, "the label names an interface the server does not host")      \
    X(SB_ERR_UNKNOWN_METHOD, 109, "the label names a method the interface does not have")          \
    X(SB_ERR_MESSAGE_TOO_LONG, 110, "the message does not fit in seL4_MsgMaxLength words")          \
    /* Local: returned by library calls, never sent. */                                            \
    X(SB_ERR_RING_FULL, 120, "no free request slot: as many requests in flight as the ring holds") \
    X(SB_ERR_RING_EMPTY, 121, "no completion is waiting")                                          \
    X(SB_ERR_RING_CORRUPT, 122, "the peer wrote an impossible index into a shared ring")           \
    X(SB_ERR_NOT_OPEN, 123, "no bundle is open: open a session first")                             \
    X(SB_ERR_BAD_REPLY, 124, "the reply is malformed or carries an unknown status")                \
    X(SB_ERR_NO_GRANT, 125, "the reply lacked its capability (receive slot busy, or no Grant)")    \
    X(SB_ERR_KERNEL, 126, "a kernel invocation failed where a correct setup cannot fail")          \
    X(SB_ERR_CONFIG, 127, "a configuration value is out of range")                                 \
    X(SB_ERR_UNKNOWN_REQUEST, 128, "the server's request handler does not know this ring op")      \
    X(SB_ERR_STOPPED, 129, "the serve loop was asked to stop")                                     \
    X(SB_DEFERRED, 130, "the call is deferred: its caller waits for a later answer")               \
    X(SB_ERR_NO_CALLER, 131, "no deferred call has this handle (answered, or its session ended)")   \
    X(SB_ERR_RESULT_IN_REQUEST, 132, "a handler's Text/Data/list result points into the request") \
    X(SB_ERR_NOT_DEFERRED, 133, "a handler returned SB_DEFERRED without sb_app_defer: answered now") \
    X(SB_ERR_DATA_RANGE, 134, "a data reference reaches outside the bundle's data area")         \
    X(SB_ERR_DATA_SPLIT, 135, "a data reference crosses a frame boundary: copy it frame by frame")

typedef enum sb_status {
#define SB_STATUS_ENUM(name, value, message) name = value,
    SB_STATUS_LIST(SB_STATUS_ENUM)
#undef SB_STATUS_ENUM
} sb_status_t;

/* Statuses below this travel as reply labels. */
#define SB_WIRE_STATUS_COUNT 9u

/* The status's C name, e.g. "SB_ERR_REVOKED"; "SB_ERR_?" for a value outside the enum. */
const char *sb_status_name(sb_status_t status);
/* A one-line description of what the status means. */
const char *sb_status_message(sb_status_t status);
