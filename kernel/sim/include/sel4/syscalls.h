/*
 * The system calls of non-MCS seL4 with libsel4's signatures (syscalls_master.h and the x86_64
 * stubs). In the host model each one enters the model's kernel (kernel/sim/src/syscall.c).
 * As with libsel4, message registers travel through the caller's IPC buffer.
 */
#pragma once

#include <sel4/types.h>

void seL4_Send(seL4_CPtr dest, seL4_MessageInfo_t msgInfo);
void seL4_NBSend(seL4_CPtr dest, seL4_MessageInfo_t msgInfo);
void seL4_Reply(seL4_MessageInfo_t msgInfo);
void seL4_Signal(seL4_CPtr dest);
seL4_MessageInfo_t seL4_Recv(seL4_CPtr src, seL4_Word *sender);
seL4_MessageInfo_t seL4_NBRecv(seL4_CPtr src, seL4_Word *sender);
seL4_MessageInfo_t seL4_Call(seL4_CPtr dest, seL4_MessageInfo_t msgInfo);
seL4_MessageInfo_t seL4_ReplyRecv(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_Word *sender);
void seL4_Yield(void);

/* The x86 non-MCS libsel4 defines these two on top of Recv/NBRecv (arch/syscalls.h). */
LIBSEL4_INLINE_FUNC void seL4_Wait(seL4_CPtr src, seL4_Word *sender)
{
    seL4_Recv(src, sender);
}
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_Poll(seL4_CPtr src, seL4_Word *sender)
{
    return seL4_NBRecv(src, sender);
}

void seL4_DebugPutChar(char c);
