/*
 * x86_64 (pc99) part of the root task: the names the arch-neutral files use for this
 * architecture's objects, and the per-thread console state. The functions every architecture
 * provides are declared in rt.h ("arch/<arch>/").
 */
#pragma once

/* Platform slots of every thread's CSpace that the console and exit use (rt.h numbers 1..7). */
enum {
    RT_SLOT_SERIAL = 4, /* I/O port cap for COM1 */
    RT_SLOT_EXIT = 5,   /* I/O port cap for QEMU's isa-debug-exit */
};

/* Pages a component's console needs in its VSpace: none, ports are reached through caps. */
#define RT_CONSOLE_PAGES 0

/* What a thread needs to print and to exit: caps in its own CSpace. */
typedef struct rt_console {
    seL4_CPtr serial;    /* I/O port cap for COM1 */
    seL4_CPtr exit_port; /* I/O port cap for isa-debug-exit */
} rt_console_t;
