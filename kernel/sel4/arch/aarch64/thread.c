/* The first registers of a new thread (AAPCS64: arguments in x0..x3, return address in x30). */
#include "rt.h"

void rt_thread_regs(seL4_UserContext *regs, seL4_Word pc, seL4_Word sp, seL4_Word tp,
                    const seL4_Word arg[4])
{
    regs->sp = sp & ~15UL; /* 16-byte aligned at all times */
    regs->tpidr_el0 = tp;
    regs->pc = pc;
    regs->x0 = arg[0];
    regs->x1 = arg[1];
    regs->x2 = arg[2];
    regs->x3 = arg[3];
    regs->x29 = 0;
    regs->x30 = 0; /* the entry functions never return */
}
