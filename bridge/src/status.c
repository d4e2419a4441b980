/* Names and one-line messages of the bridge's statuses, from the one list in status.h. */
#include <sel4bridge/status.h>

#include <bridge.capnp.h>

/* The first statuses are the wire contract's Status enum, value for value. */
_Static_assert(SB_OK == (int)bridge_Status_ok, "wire status");
_Static_assert(SB_ERR_BAD_OP == (int)bridge_Status_badOp, "wire status");
_Static_assert(SB_ERR_BAD_MESSAGE == (int)bridge_Status_badMessage, "wire status");
_Static_assert(SB_ERR_BAD_SESSION == (int)bridge_Status_badSession, "wire status");
_Static_assert(SB_ERR_BAD_ARGUMENT == (int)bridge_Status_badArgument, "wire status");
_Static_assert(SB_ERR_BAD_CAP == (int)bridge_Status_badCap, "wire status");
_Static_assert(SB_ERR_NO_RESOURCES == (int)bridge_Status_noResources, "wire status");
_Static_assert(SB_ERR_SESSION_EXISTS == (int)bridge_Status_sessionExists, "wire status");
_Static_assert(SB_ERR_REVOKED == (int)bridge_Status_revoked, "wire status");

/* A switch rather than a table: the values are sparse, and a label off the wire may be any word. */
const char *sb_status_name(sb_status_t status)
{
    switch (status) {
#define SB_STATUS_NAME(name, value, message)                                                       \
    case name:                                                                                     \
        return #name;
        SB_STATUS_LIST(SB_STATUS_NAME)
#undef SB_STATUS_NAME
    }
    return "SB_ERR_?";
}

const char *sb_status_message(sb_status_t status)
{
    switch (status) {
#define SB_STATUS_MESSAGE(name, value, message)                                                    \
    case name:                                                                                     \
        return message;
        SB_STATUS_LIST(SB_STATUS_MESSAGE)
#undef SB_STATUS_MESSAGE
    }
    return "unknown status";
}
