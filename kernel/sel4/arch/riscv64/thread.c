/* The first registers of a new thread (RISC-V calling convention: arguments in a0..a3). */
#include "rt.h"

extern char __global_pointer$[];

void rt_thread_regs(seL4_UserContext *regs, seL4_Word pc, seL4_Word sp, seL4_Word tp,
                    const seL4_Word arg[4])
{
    regs->pc = pc;
    regs->sp = sp & ~15UL; /* the ABI's 16-byte alignment at a call */
    regs->ra = 0;
    regs->s0 = 0;
    regs->gp = (seL4_Word)__global_pointer$; /* as crt0 sets it for the root */
    regs->tp = tp;
    regs->a0 = arg[0];
    regs->a1 = arg[1];
    regs->a2 = arg[2];
    regs->a3 = arg[3];
}
