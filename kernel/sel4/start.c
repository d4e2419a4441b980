/*
 * C entry of the root task and plat_init: TLS and IPC buffer for the initial thread, then the
 * slot allocator, the untyped pool, the console, the shared address space's paging structures
 * and the join endpoint, before the image's main() runs. main's return value is the exit status.
 */
#include "rt.h"

/* libsel4 reads the IPC buffer's address from this thread-local variable. */
__thread seL4_IPCBuffer *__sel4_ipc_buffer;
#ifdef CONFIG_KERNEL_INVOCATION_REPORT_ERROR_IPC
__thread char __sel4_print_error = CONFIG_LIB_SEL4_PRINT_INVOCATION_ERRORS;
#endif

__thread rt_self_t rt_self;
seL4_BootInfo *rt_bootinfo;

void rt_threads_init(void);
int main(void);

/* Defined (root_priority.c) only in images that run their root below seL4_MaxPrio. */
extern const seL4_Word rt_root_priority __attribute__((weak));

static char root_tls[4096] __attribute__((aligned(64)));
static rt_map_entry_t root_map_entries[1 << 13];
static rt_maps_t root_maps = {root_map_entries, 1 << 13, 0};

void rt_panic(const char *what, long err)
{
    plat_printf("sel4bridge: fatal: %s (error %ld)\n", what, err);
    plat_exit(126);
}

void plat_init(void)
{
    static bool done;
    if (done) {
        return;
    }
    done = true;
    rt_self.maps = &root_maps;
    rt_self.window = &rt_root_window;
    rt_clock_init();
    rt_slots_init();
    rt_untyped_init();
    rt_console_init();
    rt_vspace_init();
    rt_threads_init();
}

/* The root's first code with its TLS in place. A function of its own: the compiler may read the
 * thread pointer once per function, so TLS is never touched where the pointer is set. */
static void __attribute__((noinline, noreturn)) root_main(seL4_BootInfo *bi)
{
    __sel4_ipc_buffer = bi->ipcBuffer;
    plat_init();
    if (&rt_root_priority != NULL) {
        /* Its maximum controlled priority stays seL4_MaxPrio: it still makes threads at any. */
        RT_CHECK(seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB,
                                      rt_root_priority));
    }
    plat_exit(main());
}

void rt_start(seL4_BootInfo *bi)
{
    rt_bootinfo = bi;
    if (rt_tls_size() > sizeof(root_tls)) {
        for (;;) {
            /* No console yet to say so: the image's TLS is larger than the root's block. */
        }
    }
    rt_tls_set_base(rt_tls_init(root_tls + sizeof(root_tls)));
    root_main(bi);
}
