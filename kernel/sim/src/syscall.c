/*
 * The libsel4 entry points of the host model, as src/api/syscall.c (handleSyscall,
 * handleInvocation, handleRecv, handleReply) and objecttype.c's decodeInvocation. Each call takes
 * the kernel lock, runs the kernel path for the calling thread and, if the thread blocked, waits
 * until it is made runnable again; a thread woken in the Restart state (its endpoint or
 * notification went away, or its fault was answered) executes the whole system call again, as
 * seL4 re-executes the syscall instruction.
 */
#include "kernel.h"

#include <sched.h>
#include <stdio.h>

__thread seL4_IPCBuffer *__sel4_ipc_buffer;
__thread tcb_t *ks_cur_thread;

#define CALLER_PC ((seL4_Word)__builtin_return_address(0))

tcb_t *kernel_enter(seL4_Word pc)
{
    tcb_t *t = ks_cur_thread;
    if (!t) {
        sim_fatal("a libsel4 call from a thread the host model does not know (plat_init not called?)");
    }
    ks_lock();
    if (t->killed && t->has_pthread) {
        sim_thread_leave(t);
    }
    if (t->state == ThreadState_Inactive) {
        /* suspended while running user code: it stops here until resumed */
        sim_wait_while_blocked(t);
    }
    t->resume_after_syscall = false;
    t->state = ThreadState_Running;
    t->restart_pc = pc;
    return t;
}

void kernel_exit(void)
{
    tcb_t *t = ks_cur_thread;
    if (t->killed && t->has_pthread) {
        sim_thread_leave(t);
    }
    ks_unlock();
}

/* What an invocation asks of a CNode, untyped or TCB cap; MESSAGE for a plain send/call. */
typedef struct {
    enum { INV_MESSAGE, INV_CNODE, INV_UNTYPED, INV_TCB } kind;
    int op;
    cnode_args_t cnode;
    retype_args_t retype;
} invocation_t;

static const invocation_t inv_message = {.kind = INV_MESSAGE};

static exception_t decodeInvocation(const invocation_t *inv, cte_t *slot, cap_t cap, bool block, bool call, tcb_t *t)
{
    switch (cap.type) {
    case cap_null_cap:
        current_syscall_error = (syscall_error_t){.type = seL4_InvalidCapability, .invalid_cap_number = 0};
        return EXCEPTION_SYSCALL_ERROR;
    case cap_endpoint_cap:
        if (inv->kind != INV_MESSAGE) {
            /* seL4 would send the invocation as a message; the model does not number invocation
             * labels and refuses instead (documented difference). */
            current_syscall_error = (syscall_error_t){.type = seL4_IllegalOperation};
            return EXCEPTION_SYSCALL_ERROR;
        }
        if (!cap.can_send) {
            current_syscall_error = (syscall_error_t){.type = seL4_InvalidCapability, .invalid_cap_number = 0};
            return EXCEPTION_SYSCALL_ERROR;
        }
        t->state = ThreadState_Restart;
        sendIPC(block, call, cap.badge, cap.can_grant, cap.can_grant_reply, t, cap.obj);
        return EXCEPTION_NONE;
    case cap_notification_cap:
        if (!cap.can_send) {
            current_syscall_error = (syscall_error_t){.type = seL4_InvalidCapability, .invalid_cap_number = 0};
            return EXCEPTION_SYSCALL_ERROR;
        }
        t->state = ThreadState_Restart;
        sendSignal(cap.obj, cap.badge);
        return EXCEPTION_NONE;
    case cap_reply_cap:
        if (cap.reply_master) {
            current_syscall_error = (syscall_error_t){.type = seL4_InvalidCapability, .invalid_cap_number = 0};
            return EXCEPTION_SYSCALL_ERROR;
        }
        t->state = ThreadState_Restart;
        doReplyTransfer(t, cap.obj, slot, cap.can_grant);
        return EXCEPTION_NONE;
    case cap_cnode_cap:
        if (inv->kind == INV_CNODE) {
            exception_t st = decodeCNodeInvocation(inv->op, cap, &inv->cnode);
            if (st == EXCEPTION_NONE && t->state == ThreadState_Running) {
                t->state = ThreadState_Restart;
            }
            return st;
        }
        break;
    case cap_untyped_cap:
        if (inv->kind == INV_UNTYPED) {
            exception_t st = decodeUntypedInvocation(slot, cap, &inv->retype);
            if (st == EXCEPTION_NONE) {
                t->state = ThreadState_Restart;
            }
            return st;
        }
        break;
    case cap_thread_cap:
        if (inv->kind == INV_TCB) {
            exception_t st = decodeTCBInvocation(inv->op, cap, inv->cnode.data);
            if (st == EXCEPTION_NONE && t->state == ThreadState_Running) {
                t->state = ThreadState_Restart;
            }
            return st;
        }
        break;
    default:
        break;
    }
    current_syscall_error = (syscall_error_t){.type = seL4_IllegalOperation};
    return EXCEPTION_SYSCALL_ERROR;
}

static void handleInvocation(bool isCall, bool isBlocking, seL4_CPtr cptr, tcb_t *t, const invocation_t *inv)
{
    seL4_MessageInfo_t info = messageInfoFromWord(t->reg_info);
    lookup_ret_t lu = lookupSlot(t, cptr);
    if (lu.status != EXCEPTION_NONE) {
        current_fault = seL4_Fault_CapFault_new(cptr, false);
        if (isBlocking) {
            handleFault(t);
        }
        return;
    }
    if (lookupExtraCaps(t, info) != EXCEPTION_NONE) {
        if (isBlocking) {
            handleFault(t);
        }
        return;
    }
    exception_t st = decodeInvocation(inv, lu.slot, lu.slot->cap, isBlocking, isCall, t);
    if (st == EXCEPTION_SYSCALL_ERROR) {
        if (isCall) {
            replyFromKernel_error(t);
        }
        return;
    }
    if (t->state == ThreadState_Restart) {
        if (isCall) {
            replyFromKernel_success_empty(t);
        }
        t->state = ThreadState_Running;
    }
}

static void handleReply(tcb_t *t)
{
    cte_t *slot = &t->caller;
    if (slot->cap.type == cap_reply_cap && !slot->cap.reply_master) {
        doReplyTransfer(t, slot->cap.obj, slot, slot->cap.can_grant);
    }
    /* no caller pending (never called, already replied, or the caller is gone): nothing */
}

static void recv_cap_fault(tcb_t *t, seL4_CPtr cptr)
{
    current_lookup_fault = (lookup_fault_t){.type = lookup_fault_missing_capability, .bits_left = 0};
    current_fault = seL4_Fault_CapFault_new(cptr, true);
    handleFault(t);
}

static void handleRecv(bool isBlocking, seL4_CPtr cptr, tcb_t *t)
{
    lookup_ret_t lu = lookupSlot(t, cptr);
    if (lu.status != EXCEPTION_NONE) {
        current_fault = seL4_Fault_CapFault_new(cptr, true);
        handleFault(t);
        return;
    }
    cap_t cap = lu.slot->cap;
    switch (cap.type) {
    case cap_endpoint_cap:
        if (!cap.can_receive) {
            recv_cap_fault(t, cptr);
            return;
        }
        deleteCallerCap(t);
        receiveIPC(t, cap, isBlocking);
        return;
    case cap_notification_cap: {
        notification_t *n = cap.obj;
        if (!cap.can_receive || (n->bound_tcb && n->bound_tcb != t)) {
            recv_cap_fault(t, cptr);
            return;
        }
        receiveSignal(t, cap, isBlocking);
        return;
    }
    default:
        recv_cap_fault(t, cptr);
        return;
    }
}

/* Run one system call to completion for the current thread, re-executing it after a Restart
 * (unless it had completed before the thread was suspended and resumed). */
#define RUN_SYSCALL(t, body)                                                                               \
    do {                                                                                                   \
        do {                                                                                               \
            (t)->state = ThreadState_Running;                                                              \
            body;                                                                                          \
            sim_wait_while_blocked(t);                                                                     \
        } while ((t)->state == ThreadState_Restart && !(t)->resume_after_syscall);                         \
        (t)->resume_after_syscall = false;                                                                 \
        (t)->state = ThreadState_Running;                                                                  \
    } while (0)

static void do_send(bool blocking, seL4_CPtr dest, seL4_Word info, seL4_Word pc)
{
    tcb_t *t = kernel_enter(pc);
    RUN_SYSCALL(t, {
        t->reg_info = info;
        handleInvocation(false, blocking, dest, t, &inv_message);
    });
    kernel_exit();
}

void seL4_Send(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    do_send(true, dest, msgInfo.words[0], CALLER_PC);
}

void seL4_NBSend(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    do_send(false, dest, msgInfo.words[0], CALLER_PC);
}

/* libsel4's seL4_Signal is a Send of a one-word message (the notification ignores it). */
void seL4_Signal(seL4_CPtr dest)
{
    do_send(true, dest, seL4_MessageInfo_new(0, 0, 0, 1).words[0], CALLER_PC);
}

seL4_MessageInfo_t seL4_Call(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    tcb_t *t = kernel_enter(CALLER_PC);
    RUN_SYSCALL(t, {
        t->reg_info = msgInfo.words[0];
        handleInvocation(true, true, dest, t, &inv_message);
    });
    seL4_MessageInfo_t out = {{t->reg_info}};
    kernel_exit();
    return out;
}

void seL4_Reply(seL4_MessageInfo_t msgInfo)
{
    tcb_t *t = kernel_enter(CALLER_PC);
    t->reg_info = msgInfo.words[0];
    handleReply(t);
    kernel_exit();
}

/* On seL4 the message-info register of a Recv that returns a signal, or of an NBRecv that finds
 * nothing, is whatever it held before; the model returns an all-zero tag for seL4_Recv/NBRecv
 * and the caller's own tag for seL4_ReplyRecv (whose input register it is). */
static seL4_MessageInfo_t do_recv(bool blocking, seL4_CPtr src, seL4_Word *sender, seL4_Word pc)
{
    tcb_t *t = kernel_enter(pc);
    RUN_SYSCALL(t, {
        t->reg_info = 0;
        handleRecv(blocking, src, t);
    });
    seL4_MessageInfo_t out = {{t->reg_info}};
    seL4_Word badge = t->reg_badge;
    kernel_exit();
    if (sender) {
        *sender = badge;
    }
    return out;
}

seL4_MessageInfo_t seL4_Recv(seL4_CPtr src, seL4_Word *sender)
{
    return do_recv(true, src, sender, CALLER_PC);
}

seL4_MessageInfo_t seL4_NBRecv(seL4_CPtr src, seL4_Word *sender)
{
    return do_recv(false, src, sender, CALLER_PC);
}

seL4_MessageInfo_t seL4_ReplyRecv(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_Word *sender)
{
    tcb_t *t = kernel_enter(CALLER_PC);
    RUN_SYSCALL(t, {
        t->reg_info = msgInfo.words[0];
        handleReply(t);
        handleRecv(true, dest, t);
    });
    seL4_MessageInfo_t out = {{t->reg_info}};
    seL4_Word badge = t->reg_badge;
    kernel_exit();
    if (sender) {
        *sender = badge;
    }
    return out;
}

/* handleYield: no strict priority scheduler on the host; Linux picks the next thread. */
void seL4_Yield(void)
{
    kernel_enter(CALLER_PC);
    kernel_exit();
    sched_yield();
}

void seL4_DebugPutChar(char c)
{
    plat_putchar(c);
}

/* ---- object invocations: seL4_Call on the service cap, as the generated stubs do ---- */

static seL4_Error invoke(seL4_CPtr service, const invocation_t *inv, seL4_Word length, seL4_Word extra_caps,
                         seL4_Word pc)
{
    tcb_t *t = kernel_enter(pc);
    seL4_MessageInfo_t tag = seL4_MessageInfo_new(0, 0, extra_caps, length);
    RUN_SYSCALL(t, {
        t->reg_info = tag.words[0];
        handleInvocation(true, true, service, t, inv);
    });
    seL4_Error err = (seL4_Error)seL4_MessageInfo_get_label(messageInfoFromWord(t->reg_info));
    kernel_exit();
    return err;
}

static seL4_Error cnode_op(seL4_CNode service, enum cnode_op op, cnode_args_t a, seL4_CNode src_root,
                           seL4_Word length, seL4_Word pc)
{
    invocation_t inv = {.kind = INV_CNODE, .op = op, .cnode = a};
    seL4_Word extra = 0;
    if (op >= CNodeCopy && op <= CNodeMutate) {
        seL4_SetCap(0, src_root);
        extra = 1;
    }
    return invoke(service, &inv, length, extra, pc);
}

seL4_Error seL4_CNode_Revoke(seL4_CNode _service, seL4_Word index, seL4_Uint8 depth)
{
    return cnode_op(_service, CNodeRevoke, (cnode_args_t){.dest_index = index, .dest_depth = depth}, 0, 2, CALLER_PC);
}

seL4_Error seL4_CNode_Delete(seL4_CNode _service, seL4_Word index, seL4_Uint8 depth)
{
    return cnode_op(_service, CNodeDelete, (cnode_args_t){.dest_index = index, .dest_depth = depth}, 0, 2, CALLER_PC);
}

seL4_Error seL4_CNode_CancelBadgedSends(seL4_CNode _service, seL4_Word index, seL4_Uint8 depth)
{
    return cnode_op(_service, CNodeCancelBadgedSends, (cnode_args_t){.dest_index = index, .dest_depth = depth}, 0, 2,
                    CALLER_PC);
}

seL4_Error seL4_CNode_SaveCaller(seL4_CNode _service, seL4_Word index, seL4_Uint8 depth)
{
    return cnode_op(_service, CNodeSaveCaller, (cnode_args_t){.dest_index = index, .dest_depth = depth}, 0, 2,
                    CALLER_PC);
}

seL4_Error seL4_CNode_Copy(seL4_CNode _service, seL4_Word dest_index, seL4_Uint8 dest_depth, seL4_CNode src_root,
                           seL4_Word src_index, seL4_Uint8 src_depth, seL4_CapRights_t rights)
{
    seL4_SetMR(4, rights.words[0]); /* the fifth argument travels in the IPC buffer */
    cnode_args_t a = {dest_index, dest_depth, src_index, src_depth, rights.words[0], 0};
    return cnode_op(_service, CNodeCopy, a, src_root, 5, CALLER_PC);
}

seL4_Error seL4_CNode_Mint(seL4_CNode _service, seL4_Word dest_index, seL4_Uint8 dest_depth, seL4_CNode src_root,
                           seL4_Word src_index, seL4_Uint8 src_depth, seL4_CapRights_t rights, seL4_Word badge)
{
    seL4_SetMR(4, rights.words[0]);
    seL4_SetMR(5, badge);
    cnode_args_t a = {dest_index, dest_depth, src_index, src_depth, rights.words[0], badge};
    return cnode_op(_service, CNodeMint, a, src_root, 6, CALLER_PC);
}

seL4_Error seL4_CNode_Move(seL4_CNode _service, seL4_Word dest_index, seL4_Uint8 dest_depth, seL4_CNode src_root,
                           seL4_Word src_index, seL4_Uint8 src_depth)
{
    cnode_args_t a = {dest_index, dest_depth, src_index, src_depth, 0, 0};
    return cnode_op(_service, CNodeMove, a, src_root, 4, CALLER_PC);
}

seL4_Error seL4_CNode_Mutate(seL4_CNode _service, seL4_Word dest_index, seL4_Uint8 dest_depth, seL4_CNode src_root,
                             seL4_Word src_index, seL4_Uint8 src_depth, seL4_Word badge)
{
    seL4_SetMR(4, badge);
    cnode_args_t a = {dest_index, dest_depth, src_index, src_depth, 0, badge};
    return cnode_op(_service, CNodeMutate, a, src_root, 5, CALLER_PC);
}

seL4_Error seL4_Untyped_Retype(seL4_Untyped _service, seL4_Word type, seL4_Word size_bits, seL4_CNode root,
                               seL4_Word node_index, seL4_Word node_depth, seL4_Word node_offset,
                               seL4_Word num_objects)
{
    seL4_SetCap(0, root);
    seL4_SetMR(4, node_offset);
    seL4_SetMR(5, num_objects);
    invocation_t inv = {.kind = INV_UNTYPED,
                        .retype = {type, size_bits, node_index, node_depth, node_offset, num_objects}};
    return invoke(_service, &inv, 6, 1, CALLER_PC);
}

seL4_Error seL4_TCB_BindNotification(seL4_TCB _service, seL4_CPtr notification)
{
    seL4_SetCap(0, notification);
    invocation_t inv = {.kind = INV_TCB, .op = TCBBindNotification};
    return invoke(_service, &inv, 0, 1, CALLER_PC);
}

seL4_Error seL4_TCB_UnbindNotification(seL4_TCB _service)
{
    invocation_t inv = {.kind = INV_TCB, .op = TCBUnbindNotification};
    return invoke(_service, &inv, 0, 0, CALLER_PC);
}

seL4_Error seL4_TCB_Suspend(seL4_TCB _service)
{
    invocation_t inv = {.kind = INV_TCB, .op = TCBSuspend};
    return invoke(_service, &inv, 0, 0, CALLER_PC);
}

seL4_Error seL4_TCB_Resume(seL4_TCB _service)
{
    invocation_t inv = {.kind = INV_TCB, .op = TCBResume};
    return invoke(_service, &inv, 0, 0, CALLER_PC);
}

seL4_Error seL4_TCB_SetPriority(seL4_TCB _service, seL4_TCB authority, seL4_Word priority)
{
    seL4_SetCap(0, authority);
    invocation_t inv = {.kind = INV_TCB, .op = TCBSetPriority, .cnode = {.data = priority}};
    return invoke(_service, &inv, 1, 1, CALLER_PC);
}
