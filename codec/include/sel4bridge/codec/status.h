/*
 * Outcomes of the Cap'n Proto codec: every way a message can be refused or a build can fail has
 * one name here and a one-line message (sb_codec_strerror).
 */
#pragma once

typedef enum sb_codec_status {
    SB_CODEC_OK = 0,
    /* reader: the message is shorter than its one-word root pointer */
    SB_CODEC_NO_ROOT,
    /* reader: a pointer's target (or a list's tag or elements) lies outside the message */
    SB_CODEC_OUT_OF_BOUNDS,
    /* reader: a far pointer; messages are one segment, so it can only be hostile */
    SB_CODEC_FAR_POINTER,
    /* reader: a capability pointer; capabilities travel in seL4 extraCaps, never in the body */
    SB_CODEC_CAP_POINTER,
    /* reader: an "other" pointer that is not even a well-formed capability pointer */
    SB_CODEC_BAD_POINTER,
    /* reader: a list where a struct was expected, or a struct where a list was expected */
    SB_CODEC_WRONG_POINTER_KIND,
    /* reader: list elements that cannot be read as the schema's element type */
    SB_CODEC_WRONG_ELEMENT_SIZE,
    /* reader: the tag of a struct list is not a struct or its elements overrun the list */
    SB_CODEC_BAD_LIST_TAG,
    /* reader: text without its terminating NUL byte */
    SB_CODEC_TEXT_NOT_TERMINATED,
    /* reader: more words dereferenced than the traversal limit allows (amplification) */
    SB_CODEC_TRAVERSAL_LIMIT,
    /* reader: pointers nested deeper than the nesting limit */
    SB_CODEC_NESTING_LIMIT,
    /* builder: the caller's buffer has no room for the next object */
    SB_CODEC_BUFFER_FULL,
    /* builder: a value the wire format cannot carry (e.g. text or list too long) */
    SB_CODEC_BAD_ARGUMENT,
    SB_CODEC_STATUS_COUNT
} sb_codec_status_t;

/* The status's C name, e.g. "SB_CODEC_FAR_POINTER"; "SB_CODEC_?" for an unknown value. */
const char *sb_codec_status_name(sb_codec_status_t status);
/* A one-line description of the status. */
const char *sb_codec_strerror(sb_codec_status_t status);
