/*
 * The 16550 UART's registers (offsets from its base, in register units) and the one status bit
 * the consoles use: COM1 on PC hardware (I/O ports) and QEMU's RISC-V virt board's NS16550A
 * (memory-mapped) are the same device.
 */
#pragma once

enum {
    UART_THR = 0, /* transmit holding register */
    UART_IER = 1,
    UART_FCR = 2,
    UART_LCR = 3,
    UART_MCR = 4,
    UART_LSR = 5,
    UART_DLL = 0, /* divisor latch, with LCR.DLAB set */
    UART_DLM = 1,
    LSR_THRE = 0x20, /* transmit holding register empty */
};
