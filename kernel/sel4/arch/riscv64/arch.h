/*
 * RISC-V 64 (qemu-riscv-virt) part of the root task: the names the arch-neutral files use for
 * this architecture's objects, and the per-thread console state. The functions every
 * architecture provides are declared in rt.h ("arch/<arch>/").
 */
#pragma once

/*
 * Platform slots 4 and 5 (rt.h) stay empty here. The devices are memory-mapped: the root maps both device frames at fixed addresses just below
 * the thread area (rt.h), where every thread of its VSpace reaches them, and a component gets
 * the same two pages mapped into its own VSpace (rt_console_pages).
 */
#define RT_CONSOLE_PAGES 2
#define RT_DEVICE_AREA (RT_THREAD_AREA - (2UL << 20))

typedef struct rt_console {
    volatile uint8_t *uart;      /* the 16550's registers, 0 before the console is set up */
    volatile uint32_t *finisher; /* QEMU's test finisher */
} rt_console_t;
