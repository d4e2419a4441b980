/* The status enum: every status has a distinct name and a message, the wire's Status values are
 * the enum's, and a value off the wire that names nothing reads as unknown. */
#include <bridge.capnp.h>
#include <sel4bridge/status.h>
#include <stdio.h>
#include <string.h>

#include "../check.h"

int main(void)
{
    static const sb_status_t all[] = {
#define ONE(name, value, message) name,
        SB_STATUS_LIST(ONE)
#undef ONE
    };
    unsigned n = sizeof all / sizeof all[0];
    for (unsigned i = 0; i < n; i++) {
        const char *name = sb_status_name(all[i]);
        const char *msg = sb_status_message(all[i]);
        CHECK(strncmp(name, "SB_", 3) == 0 && strcmp(name, "SB_ERR_?") != 0);
        CHECK(msg && strlen(msg) >= 4 && strcmp(msg, "unknown status") != 0);
        for (unsigned j = 0; j < i; j++) {
            CHECK(all[i] != all[j]);
            CHECK(strcmp(name, sb_status_name(all[j])) != 0);
        }
        printf("%3d %-26s %s\n", (int)all[i], name, msg);
    }
    /* The reply labels: the wire's Status, value for value, and nothing else below the count. */
    CHECK(SB_WIRE_STATUS_COUNT == (unsigned)bridge_Status_revoked + 1);
    CHECK(strcmp(sb_status_name((sb_status_t)bridge_Status_revoked), "SB_ERR_REVOKED") == 0);
    CHECK(strcmp(sb_status_name((sb_status_t)bridge_Status_badCap), "SB_ERR_BAD_CAP") == 0);
    for (unsigned v = 0; v < SB_WIRE_STATUS_COUNT; v++) {
        CHECK(strcmp(sb_status_name((sb_status_t)v), "SB_ERR_?") != 0);
    }
    /* Values that name nothing, as a hostile reply label could carry. */
    CHECK(strcmp(sb_status_name((sb_status_t)9), "SB_ERR_?") == 0);
    CHECK(strcmp(sb_status_name((sb_status_t)-1), "SB_ERR_?") == 0);
    CHECK(strcmp(sb_status_message((sb_status_t)1000000), "unknown status") == 0);
    printf("bridge_status: %s (%d failures)\n", failures ? "FAILED" : "passed", failures);
    return failures ? 1 : 0;
}
