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

/* libsel4's seL4_RecvWithMRs: the first four message registers into the words given (NULL: not
 * wanted) instead of into the IPC buffer. Here they travel through the IPC buffer, so they are
 * read from it. */
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_RecvWithMRs(seL4_CPtr src, seL4_Word *sender,
                                                        seL4_Word *mr0, seL4_Word *mr1,
                                                        seL4_Word *mr2, seL4_Word *mr3)
{
    /* Spelt out as libsel4 does, so that a caller's NULLs and addresses fold away inline. */
    seL4_MessageInfo_t info = seL4_Recv(src, sender);
    seL4_IPCBuffer *ipc = seL4_GetIPCBuffer();
    if (mr0 != seL4_Null) {
        *mr0 = ipc->msg[0];
    }
    if (mr1 != seL4_Null) {
        *mr1 = ipc->msg[1];
    }
    if (mr2 != seL4_Null) {
        *mr2 = ipc->msg[2];
    }
    if (mr3 != seL4_Null) {
        *mr3 = ipc->msg[3];
    }
    return info;
}

void seL4_DebugPutChar(char c);
