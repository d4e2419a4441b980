/* Compiled and linked with `pkg-config --cflags --libs sel4bridge` alone: the installed headers
 * and libraries are enough for a program of the bridge, kernel and codec included. */
#include <sel4bridge/client.h>
#include <sel4bridge/plat.h>
#include <sel4bridge/server.h>

#include <bridge.capnp.h>

int main(void)
{
    plat_init();
    seL4_CPtr ep;
    if (plat_obj_alloc(seL4_EndpointObject, 0, &ep) != seL4_NoError) {
        return 1;
    }
    sb_server_config_t cfg = {.max_sessions = 4, .max_bundle = 8, .pool_frames = 8};
    plat_printf("pkg-config: %s, %lu slots for 4 sessions, op %d\n", sb_status_name(SB_ERR_DATA_RANGE),
                (unsigned long)sb_server_slots_needed(&cfg), (int)bridge_Op_kick);
    return sb_server_slots_needed(&cfg) == 1 + 4 * (8 + 4) ? 0 : 1;
}
