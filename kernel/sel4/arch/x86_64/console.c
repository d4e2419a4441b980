/*
 * The console and exit on PC hardware, through I/O port capabilities so that they work on a
 * release kernel (no seL4_DebugPutChar): COM1's 16550 UART, and QEMU's isa-debug-exit device,
 * which ends QEMU with status (value << 1) | 1.
 */
#include "rt.h"
#include "uart16550.h"

#define COM1_BASE 0x3f8
#define DEBUG_EXIT_PORT 0xf4

static void out8(seL4_CPtr port_cap, seL4_Word port, seL4_Word value)
{
    (void)seL4_X86_IOPort_Out8(port_cap, port, value);
}

/* Issue the two port caps into the root's CNode and set the UART to 115200 8N1, FIFOs on. */
void rt_console_init(void)
{
    seL4_CPtr serial = plat_slot_alloc();
    seL4_CPtr exit_port = plat_slot_alloc();
    RT_CHECK(seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, COM1_BASE, COM1_BASE + 7,
                                          seL4_CapInitThreadCNode, serial, seL4_WordBits));
    RT_CHECK(seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, DEBUG_EXIT_PORT,
                                          DEBUG_EXIT_PORT + 3, seL4_CapInitThreadCNode,
                                          exit_port, seL4_WordBits));
    rt_self.console.serial = serial;
    rt_self.console.exit_port = exit_port;
    out8(serial, COM1_BASE + UART_IER, 0);
    out8(serial, COM1_BASE + UART_LCR, 0x80);
    out8(serial, COM1_BASE + UART_DLL, 1); /* 115200 baud */
    out8(serial, COM1_BASE + UART_DLM, 0);
    out8(serial, COM1_BASE + UART_LCR, 0x03);
    out8(serial, COM1_BASE + UART_FCR, 0x07);
    out8(serial, COM1_BASE + UART_MCR, 0x03);
}

/* Give a new thread its own copies of the port caps, in its platform slots. */
void rt_console_grant(seL4_CPtr thread_cnode)
{
    RT_CHECK(seL4_CNode_Copy(thread_cnode, RT_SLOT_SERIAL, seL4_WordBits, seL4_CapInitThreadCNode,
                             rt_self.console.serial, seL4_WordBits, seL4_AllRights));
    RT_CHECK(seL4_CNode_Copy(thread_cnode, RT_SLOT_EXIT, seL4_WordBits, seL4_CapInitThreadCNode,
                             rt_self.console.exit_port, seL4_WordBits, seL4_AllRights));
}

void rt_console_thread(void)
{
    rt_self.console.serial = RT_SLOT_SERIAL;
    rt_self.console.exit_port = RT_SLOT_EXIT;
}

unsigned rt_console_pages(rt_page_t *pages)
{
    (void)pages;
    return 0;
}

void plat_putchar(int c)
{
    seL4_CPtr serial = rt_self.console.serial;
    if (serial == seL4_CapNull) {
        return;
    }
    if (c == '\n') {
        plat_putchar('\r');
    }
    /* Wait for room in the transmitter; QEMU's UART always has it, hardware may not. */
    for (int spins = 0; spins < 100000; spins++) {
        seL4_X86_IOPort_In8_t lsr = seL4_X86_IOPort_In8(serial, COM1_BASE + UART_LSR);
        if (lsr.error != seL4_NoError || (lsr.result & LSR_THRE)) {
            break;
        }
    }
    out8(serial, COM1_BASE + UART_THR, (unsigned char)c);
}

_Noreturn void plat_exit(int status)
{
    /* QEMU reports (value << 1) | 1 in 8 bits: clamp rather than let a failure wrap to 0. */
    seL4_Word value = status < 0 || status > 127 ? 127 : (seL4_Word)status;
    if (rt_self.console.exit_port != seL4_CapNull) {
        (void)seL4_X86_IOPort_Out8(rt_self.console.exit_port, DEBUG_EXIT_PORT, value);
    }
    /* Not under QEMU (or no port cap): stop here for good. */
    plat_printf("sel4bridge: exit status %d\n", status);
    for (;;) {
        (void)seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    }
}
