/* Names and one-line messages of the codec's statuses. */
#include <sel4bridge/codec/status.h>

static const struct {
    const char *name;
    const char *message;
} statuses[SB_CODEC_STATUS_COUNT] = {
    [SB_CODEC_OK] = {"SB_CODEC_OK", "success"},
    [SB_CODEC_NO_ROOT] = {"SB_CODEC_NO_ROOT", "message is shorter than its root pointer"},
    [SB_CODEC_OUT_OF_BOUNDS] = {"SB_CODEC_OUT_OF_BOUNDS",
                                "pointer target lies outside the message"},
    [SB_CODEC_FAR_POINTER] = {"SB_CODEC_FAR_POINTER",
                              "far pointer refused: messages are a single segment"},
    [SB_CODEC_CAP_POINTER] = {"SB_CODEC_CAP_POINTER",
                              "capability pointer refused: caps travel in seL4 extraCaps"},
    [SB_CODEC_BAD_POINTER] = {"SB_CODEC_BAD_POINTER", "reserved pointer encoding"},
    [SB_CODEC_WRONG_POINTER_KIND] = {"SB_CODEC_WRONG_POINTER_KIND",
                                     "list where a struct was expected, or the reverse"},
    [SB_CODEC_WRONG_ELEMENT_SIZE] = {"SB_CODEC_WRONG_ELEMENT_SIZE",
                                     "list elements incompatible with the schema's type"},
    [SB_CODEC_BAD_LIST_TAG] = {"SB_CODEC_BAD_LIST_TAG",
                               "struct list tag is malformed or its elements overrun the list"},
    [SB_CODEC_TEXT_NOT_TERMINATED] = {"SB_CODEC_TEXT_NOT_TERMINATED",
                                      "text is not NUL-terminated"},
    [SB_CODEC_TRAVERSAL_LIMIT] = {"SB_CODEC_TRAVERSAL_LIMIT",
                                  "traversal limit exceeded (amplified or overlapping pointers)"},
    [SB_CODEC_NESTING_LIMIT] = {"SB_CODEC_NESTING_LIMIT", "pointers nested too deeply"},
    [SB_CODEC_BUFFER_FULL] = {"SB_CODEC_BUFFER_FULL", "message buffer is full"},
    [SB_CODEC_BAD_ARGUMENT] = {"SB_CODEC_BAD_ARGUMENT",
                               "value cannot be encoded (too long for the wire format)"},
};

const char *sb_codec_status_name(sb_codec_status_t status)
{
    if ((unsigned)status >= SB_CODEC_STATUS_COUNT)
        return "SB_CODEC_?";
    return statuses[status].name;
}

const char *sb_codec_strerror(sb_codec_status_t status)
{
    if ((unsigned)status >= SB_CODEC_STATUS_COUNT)
        return "unknown codec status";
    return statuses[status].message;
}
