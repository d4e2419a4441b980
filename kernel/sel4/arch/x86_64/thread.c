/* The first registers of a new thread (x86_64 System V: arguments in rdi, rsi, rdx, rcx). */
#include "rt.h"

void rt_thread_regs(seL4_UserContext *regs, seL4_Word pc, seL4_Word sp, seL4_Word tp,
                    const seL4_Word arg[4])
{
    /* As after a call: the return address slot below a 16-byte aligned stack. */
    regs->rsp = (sp & ~15UL) - sizeof(seL4_Word);
    regs->fs_base = tp;
    regs->rip = pc;
    regs->rdi = arg[0];
    regs->rsi = arg[1];
    regs->rdx = arg[2];
    regs->rcx = arg[3];
}
