/*
 * Outcomes of the Cap'n Proto codec: every way a message can be refused or a build can fail has
 * one name here and a one-line message (sb_codec_strerror).
 */
#pragma once

/* X(name, one-line message): the enum, sb_codec_status_name and sb_codec_strerror all come from
 * this one list (the same form as the bridge's SB_STATUS_LIST). */
#define SB_CODEC_STATUS_LIST(X)                                                                    \
    X(SB_CODEC_OK, "success")                                                                      \
    /* reader: the message is shorter than its one-word root pointer */                            \
    X(SB_CODEC_NO_ROOT, "message is shorter than its root pointer")                                \
    /* reader: a pointer's target (or a list's tag or elements) lies outside the message */        \
    X(SB_CODEC_OUT_OF_BOUNDS, "pointer target lies outside the message")                           \
    /* reader: a far pointer; messages are one segment, so it can only be hostile */               \
    X(SB_CODEC_FAR_POINTER, "far pointer refused: messages are a single segment")                  \
    /* reader: a capability pointer; capabilities travel in seL4 extraCaps, never in the body */   \
    X(SB_CODEC_CAP_POINTER, "capability pointer refused: caps travel in seL4 extraCaps")           \
    /* reader: an "other" pointer that is not even a well-formed capability pointer */             \
    X(SB_CODEC_BAD_POINTER, "reserved pointer encoding")                                           \
    /* reader: a list where a struct was expected, or a struct where a list was expected */        \
    X(SB_CODEC_WRONG_POINTER_KIND, "list where a struct was expected, or the reverse")             \
    /* reader: list elements that cannot be read as the schema's element type */                   \
    X(SB_CODEC_WRONG_ELEMENT_SIZE, "list elements incompatible with the schema's type")            \
    /* reader: the tag of a struct list is not a struct or its elements overrun the list */        \
    X(SB_CODEC_BAD_LIST_TAG, "struct list tag is malformed or its elements overrun the list")      \
    /* reader: text without its terminating NUL byte */                                            \
    X(SB_CODEC_TEXT_NOT_TERMINATED, "text is not NUL-terminated")                                  \
    /* reader: more words dereferenced than the traversal limit allows (amplification) */          \
    X(SB_CODEC_TRAVERSAL_LIMIT, "traversal limit exceeded (amplified or overlapping pointers)")    \
    /* reader: pointers nested deeper than the nesting limit */                                    \
    X(SB_CODEC_NESTING_LIMIT, "pointers nested too deeply")                                        \
    /* builder: the caller's buffer has no room for the next object */                             \
    X(SB_CODEC_BUFFER_FULL, "message buffer is full")                                              \
    /* builder: a value the wire format cannot carry (e.g. text or list too long) */               \
    X(SB_CODEC_BAD_ARGUMENT, "value cannot be encoded (too long for the wire format)")

typedef enum sb_codec_status {
#define SB_CODEC_STATUS_ENUM(name, message) name,
    SB_CODEC_STATUS_LIST(SB_CODEC_STATUS_ENUM)
#undef SB_CODEC_STATUS_ENUM
    SB_CODEC_STATUS_COUNT
} sb_codec_status_t;

/* The status's C name, e.g. "SB_CODEC_FAR_POINTER"; "SB_CODEC_?" for an unknown value. */
const char *sb_codec_status_name(sb_codec_status_t status);
/* A one-line description of the status. */
const char *sb_codec_strerror(sb_codec_status_t status);
