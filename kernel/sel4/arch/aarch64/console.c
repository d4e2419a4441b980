/*
 * The console and exit on QEMU's AArch64 virt board. The console is the board's PL011 UART,
 * through a frame of the bootinfo's device untyped memory that holds its registers (their
 * physical address, RT_UART_PADDR, comes from the kernel install's device tree at build time).
 * Exit is Arm semihosting's SYS_EXIT, which QEMU run with -semihosting-config
 * enable=on,userspace=on turns into its own exit status; elsewhere the instruction faults and the
 * thread stops for good.
 */
#include "rt.h"

enum {
    PL011_DR = 0x00 / 4,   /* data */
    PL011_FR = 0x18 / 4,   /* flags */
    PL011_IBRD = 0x24 / 4, /* integer baud rate divisor */
    PL011_FBRD = 0x28 / 4, /* fractional baud rate divisor */
    PL011_LCRH = 0x2c / 4, /* line control */
    PL011_CR = 0x30 / 4,   /* control */
    FR_TXFF = 1u << 5,     /* transmit FIFO full */
    LCRH_FEN = 1u << 4,
    LCRH_WLEN8 = 3u << 5,
    CR_UARTEN = 1u << 0,
    CR_TXE = 1u << 8,
    CR_RXE = 1u << 9,
};

static seL4_CPtr uart_frame; /* root slot */

/* Map the UART's frame at RT_UART_VADDR and set it to 8N1 with FIFOs (QEMU ignores the baud
 * rate; 115200 from a 24 MHz clock on hardware). */
void rt_console_init(void)
{
    RT_CHECK(rt_device_frame(RT_UART_PADDR, &uart_frame));
    rt_root_paging(RT_UART_VADDR);
    RT_CHECK(rt_page_map(uart_frame, seL4_CapInitThreadVSpace, RT_UART_VADDR, seL4_ReadWrite,
                         true));
    volatile uint32_t *uart = (volatile uint32_t *)RT_UART_VADDR;
    uart[PL011_CR] = 0;
    uart[PL011_IBRD] = 13;
    uart[PL011_FBRD] = 1;
    uart[PL011_LCRH] = LCRH_WLEN8 | LCRH_FEN;
    uart[PL011_CR] = CR_UARTEN | CR_TXE | CR_RXE;
    rt_self.console.uart = uart;
}

void rt_console_grant(seL4_CPtr thread_cnode)
{
    (void)thread_cnode; /* the registers are mapped, not reached through caps */
}

void rt_console_thread(void)
{
    rt_self.console.uart = (volatile uint32_t *)RT_UART_VADDR;
}

unsigned rt_console_pages(rt_page_t *pages)
{
    pages[0] = (rt_page_t){uart_frame, RT_UART_VADDR, true};
    return 1;
}

void plat_putchar(int c)
{
    volatile uint32_t *uart = rt_self.console.uart;
    if (uart == NULL) {
        return;
    }
    if (c == '\n') {
        plat_putchar('\r');
    }
    /* Wait for room in the transmit FIFO; QEMU's always has it, hardware may not. */
    for (int spins = 0; spins < 100000 && (uart[PL011_FR] & FR_TXFF); spins++) {
    }
    uart[PL011_DR] = (unsigned char)c;
}

/* Semihosting SYS_EXIT with the AArch64 parameter block: ADP_Stopped_ApplicationExit and the
 * exit code. */
#define SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

_Noreturn void plat_exit(int status)
{
    /* QEMU exits with the code given; (value << 1) | 1 as isa-debug-exit makes it on x86, so one
     * reading serves every architecture (scripts/sel4-run.sh), clamped rather than wrapped. */
    seL4_Word value = status < 0 || status > 127 ? 127 : (seL4_Word)status;
    volatile seL4_Word block[2] = {ADP_STOPPED_APPLICATION_EXIT, (value << 1) | 1};
    register seL4_Word x0 __asm__("x0") = SYS_EXIT;
    register seL4_Word x1 __asm__("x1") = (seL4_Word)block;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    /* Not under QEMU with semihosting: the instruction faulted and this thread is stopped. */
    plat_printf("sel4bridge: exit status %d\n", status);
    for (;;) {
        (void)seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    }
}
