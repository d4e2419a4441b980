/* Names and one-line messages of the codec's statuses, from the one list in status.h. */
#include <sel4bridge/codec/status.h>

static const struct {
    const char *name;
    const char *message;
} statuses[SB_CODEC_STATUS_COUNT] = {
#define SB_CODEC_STATUS_ENTRY(name, message) [name] = {#name, message},
    SB_CODEC_STATUS_LIST(SB_CODEC_STATUS_ENTRY)
#undef SB_CODEC_STATUS_ENTRY
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
