/*
 * Entry of the root task. seL4 starts the initial thread at the ELF entry with the bootinfo
 * frame's address in a0 and no stack, so give it one and enter C (rt_start in start.c). gp is
 * the linker's __global_pointer$: the linker relaxes accesses near it to gp-relative ones.
 */
static char rt_boot_stack[1 << 16] __attribute__((aligned(16), used));

__asm__(".text\n"
        ".global _start\n"
        ".type _start, @function\n"
        "_start:\n"
        ".option push\n"
        ".option norelax\n"
        "    lla gp, __global_pointer$\n"
        ".option pop\n"
        "    lla sp, rt_boot_stack + 65536\n"
        "    li ra, 0\n"
        "    li s0, 0\n"
        /* a0, the bootinfo, is rt_start's argument; sp is 16-byte aligned. */
        "    call rt_start\n"
        "1:  j 1b\n"
        ".size _start, . - _start\n");
