/*
 * AArch64 (qemu-arm-virt) part of the root task: the names the arch-neutral files use for this
 * architecture's objects, and the per-thread console state. The functions every architecture
 * provides are declared in rt.h ("arch/<arch>/").
 */
#pragma once

/*
 * The PL011 UART's registers, one device frame mapped at the same address in the root's VSpace
 * and in every component's, so every thread prints by plain stores (no caps in its CSpace: slots
 * 4 and 5 stay empty). It sits just below the thread area (rt.h), above any image.
 */
#define RT_UART_VADDR 0x7fff0000UL
#define RT_CONSOLE_PAGES 1

/* What a thread needs to print: the UART's mapped registers (0 before the console is up). */
typedef struct rt_console {
    volatile uint32_t *uart;
} rt_console_t;
