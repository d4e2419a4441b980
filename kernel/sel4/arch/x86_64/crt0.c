/*
 * Entry of the root task. seL4 starts the initial thread at the ELF entry with the bootinfo
 * frame's address in %rdi and no stack, so give it one and enter C (rt_start in start.c).
 */
static char rt_boot_stack[1 << 16] __attribute__((aligned(16), used));

__asm__(".text\n"
        ".global _start\n"
        ".type _start, @function\n"
        "_start:\n"
        "    leaq rt_boot_stack+65536(%rip), %rsp\n"
        "    xorl %ebp, %ebp\n"
        /* %rdi, the bootinfo, is rt_start's argument; %rsp is 16-byte aligned at the call. */
        "    call rt_start\n"
        "1:  hlt\n"
        "    jmp 1b\n"
        ".size _start, . - _start\n");
