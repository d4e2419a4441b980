/*
 * Entry of the root task. seL4 starts the initial thread at the ELF entry with the bootinfo
 * frame's address in x0 and no stack, so give it one and enter C (rt_start in start.c).
 */
static char rt_boot_stack[1 << 16] __attribute__((aligned(16), used));

__asm__(".text\n"
        ".global _start\n"
        ".type _start, %function\n"
        "_start:\n"
        "    adrp x1, rt_boot_stack + 65536\n"
        "    add x1, x1, :lo12:rt_boot_stack + 65536\n"
        "    mov sp, x1\n"
        "    mov x29, xzr\n"
        "    mov x30, xzr\n"
        /* x0, the bootinfo, is rt_start's argument. */
        "    bl rt_start\n"
        "1:  wfi\n"
        "    b 1b\n"
        ".size _start, . - _start\n");
