/*
 * The console and exit on QEMU's RISC-V virt board, by memory-mapped devices so that they work
 * on a release kernel (no seL4_DebugPutChar; user mode cannot call SBI): its NS16550A UART, and
 * its test finisher (SiFive's "test" device), which ends QEMU with the status written to it.
 * Both device frames are retyped from the bootinfo's device untypeds (device.c).
 */
#include "rt.h"
#include "uart16550.h"

#define UART_PADDR 0x10000000UL    /* QEMU virt: VIRT_UART0 */
#define FINISHER_PADDR 0x100000UL  /* QEMU virt: VIRT_TEST */
#define UART_VADDR RT_DEVICE_AREA
#define FINISHER_VADDR (RT_DEVICE_AREA + (1UL << seL4_PageBits))

enum {
    FINISHER_FAIL = 0x3333, /* QEMU exits with the code in the upper 16 bits */
};

static seL4_CPtr uart_frame, finisher_frame; /* root slots */

static void map_device(seL4_CPtr frame, seL4_Word vaddr)
{
    rt_root_paging(vaddr);
    RT_CHECK(rt_page_map(frame, seL4_CapInitThreadVSpace, vaddr, seL4_ReadWrite, true));
}

/* Map both devices into the root's VSpace and set the UART to 8N1 with FIFOs (QEMU's needs no
 * baud rate). */
void rt_console_init(void)
{
    RT_CHECK(rt_device_frame(UART_PADDR, &uart_frame));
    RT_CHECK(rt_device_frame(FINISHER_PADDR, &finisher_frame));
    map_device(uart_frame, UART_VADDR);
    map_device(finisher_frame, FINISHER_VADDR);
    volatile uint8_t *uart = (volatile uint8_t *)UART_VADDR;
    uart[UART_IER] = 0;
    uart[UART_LCR] = 0x03;
    uart[UART_FCR] = 0x07;
    uart[UART_MCR] = 0x03;
    rt_console_thread();
}

/* A thread needs no caps for the devices: their pages are mapped where it runs. */
void rt_console_grant(seL4_CPtr thread_cnode)
{
    (void)thread_cnode;
}

void rt_console_thread(void)
{
    rt_self.console.uart = (volatile uint8_t *)UART_VADDR;
    rt_self.console.finisher = (volatile uint32_t *)FINISHER_VADDR;
}

/* A component's VSpace gets both device pages at the same addresses. */
unsigned rt_console_pages(rt_page_t *pages)
{
    pages[0] = (rt_page_t){uart_frame, UART_VADDR, true};
    pages[1] = (rt_page_t){finisher_frame, FINISHER_VADDR, true};
    return RT_CONSOLE_PAGES;
}

void plat_putchar(int c)
{
    volatile uint8_t *uart = rt_self.console.uart;
    if (uart == NULL) {
        return;
    }
    if (c == '\n') {
        plat_putchar('\r');
    }
    /* Wait for room in the transmitter; QEMU's UART always has it, hardware may not. */
    for (int spins = 0; spins < 100000 && !(uart[UART_LSR] & LSR_THRE); spins++) {
    }
    uart[UART_THR] = (uint8_t)c;
}

_Noreturn void plat_exit(int status)
{
    /* QEMU exits with the code written; (value << 1) | 1 as on x86 (isa-debug-exit), so that a
     * status is told from QEMU's own end. Clamp rather than let a failure wrap to 0. */
    uint32_t value = status < 0 || status > 127 ? 127 : (uint32_t)status;
    if (rt_self.console.finisher != NULL) {
        *rt_self.console.finisher = ((value << 1 | 1) << 16) | FINISHER_FAIL;
    }
    plat_printf("sel4bridge: exit status %d\n", status);
    for (;;) {
        (void)seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    }
}
