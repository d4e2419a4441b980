/*
 * The priority an image's root task runs main() at, for images built with
 * sb_root_task(... ROOT_PRIORITY p); without this file the root keeps seL4's initial seL4_MaxPrio.
 */
#include <sel4/sel4.h>

const seL4_Word rt_root_priority = RT_ROOT_PRIORITY;
