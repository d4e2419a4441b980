/*
 * The TCB object, as src/object/tcb.c: the non-MCS reply capability (setupCallerCap,
 * deleteCallerCap, setupReplyMaster), suspend/restart, notification binding, priority, and the
 * error message a failed invocation returns (setMRs_syscall_error). TCB memory is recycled, never
 * unmapped, so a late futex wake-up on a destroyed TCB is only a spurious one.
 */
#include "kernel.h"

#include <stdlib.h>
#include <string.h>

static tcb_t *tcb_pool;

tcb_t *tcb_alloc(void)
{
    tcb_t *t = tcb_pool;
    if (t) {
        tcb_pool = t->pool_next;
        uint32_t w = 0;
        atomic_store_explicit(&t->wake, w, memory_order_relaxed);
        /* keep the wake word; reset the rest */
        size_t off = offsetof(tcb_t, wake) + sizeof(t->wake);
        memset((char *)t, 0, offsetof(tcb_t, wake));
        memset((char *)t + off, 0, sizeof(*t) - off);
    } else {
        t = calloc(1, sizeof(*t));
        if (!t) {
            sim_fatal("out of host memory");
        }
    }
    t->state = ThreadState_Inactive;
    t->fault.type = seL4_Fault_NullFault;
    setupReplyMaster(t);
    return t;
}

/* Give the TCB's memory back once no pthread can touch it any more. */
void tcb_release(tcb_t *t)
{
    if (t->has_pthread) {
        return; /* plat_thread_destroy releases it after joining the pthread */
    }
    t->pool_next = tcb_pool;
    tcb_pool = t;
}

void setupReplyMaster(tcb_t *t)
{
    if (t->reply.cap.type == cap_null_cap) {
        t->reply.cap = (cap_t){.type = cap_reply_cap, .obj = t, .reply_master = true, .can_grant = true};
        t->reply.mdb_prev = t->reply.mdb_next = NULL;
        t->reply.revocable = true;
        t->reply.first_badged = true;
    }
}

/* setupCallerCap: the caller blocks on reply; the callee gets the one-shot reply cap, derived
 * from the caller's master reply cap, carrying @canGrant for the reply's cap transfer. */
void setupCallerCap(tcb_t *sender, tcb_t *receiver, bool canGrant)
{
    setThreadState(sender, ThreadState_BlockedOnReply);
    cap_t reply = {.type = cap_reply_cap, .obj = sender, .reply_master = false, .can_grant = canGrant};
    cteInsert(reply, &sender->reply, &receiver->caller);
}

void deleteCallerCap(tcb_t *receiver)
{
    cteDeleteOne(&receiver->caller);
}

void suspend(tcb_t *t)
{
    cancelIPC(t);
    if (t->state == ThreadState_Running) {
        /* updateRestartPC: a thread whose system call has completed resumes after it, not in it */
        t->resume_after_syscall = true;
    }
    setThreadState(t, ThreadState_Inactive);
}

/* restart: an inactive or reply-blocked thread runs again from its last system call. */
void restart(tcb_t *t)
{
    if (t->state == ThreadState_Inactive || t->state == ThreadState_BlockedOnReply) {
        cancelIPC(t);
        setupReplyMaster(t);
        setThreadState(t, ThreadState_Restart);
    }
}

void bindNotification(tcb_t *t, notification_t *n)
{
    n->bound_tcb = t;
    t->bound_notification = n;
}

void unbindNotification(tcb_t *t)
{
    if (t->bound_notification) {
        t->bound_notification->bound_tcb = NULL;
        t->bound_notification = NULL;
    }
}

void unbindMaybeNotification(notification_t *n)
{
    if (n->bound_tcb) {
        n->bound_tcb->bound_notification = NULL;
        n->bound_tcb = NULL;
    }
}

/* decodeTCBInvocation for the TCB methods the model provides (decodeBindNotification, ...). */
exception_t decodeTCBInvocation(enum tcb_op op, cap_t cap, seL4_Word arg)
{
    tcb_t *t = cap.obj;
    switch (op) {
    case TCBBindNotification: {
        if (!current_extra_caps[0]) {
            current_syscall_error = (syscall_error_t){.type = seL4_TruncatedMessage};
            return EXCEPTION_SYSCALL_ERROR;
        }
        if (t->bound_notification) {
            current_syscall_error = (syscall_error_t){.type = seL4_IllegalOperation};
            return EXCEPTION_SYSCALL_ERROR;
        }
        cap_t ncap = current_extra_caps[0]->cap;
        if (ncap.type != cap_notification_cap || !ncap.can_receive) {
            current_syscall_error = (syscall_error_t){.type = seL4_IllegalOperation};
            return EXCEPTION_SYSCALL_ERROR;
        }
        notification_t *n = ncap.obj;
        if (n->head || n->bound_tcb) {
            current_syscall_error = (syscall_error_t){.type = seL4_IllegalOperation};
            return EXCEPTION_SYSCALL_ERROR;
        }
        bindNotification(t, n);
        return EXCEPTION_NONE;
    }
    case TCBUnbindNotification:
        if (!t->bound_notification) {
            current_syscall_error = (syscall_error_t){.type = seL4_IllegalOperation};
            return EXCEPTION_SYSCALL_ERROR;
        }
        unbindNotification(t);
        return EXCEPTION_NONE;
    case TCBSuspend:
        suspend(t);
        return EXCEPTION_NONE;
    case TCBResume:
        restart(t);
        return EXCEPTION_NONE;
    case TCBSetPriority:
        /* checkPrio: the authority's maximum controlled priority bounds the new priority; the
         * model gives every TCB seL4_MaxPrio as its MCP. */
        if (!current_extra_caps[0] || current_extra_caps[0]->cap.type != cap_thread_cap) {
            current_syscall_error = (syscall_error_t){.type = seL4_InvalidCapability, .invalid_cap_number = 1};
            return EXCEPTION_SYSCALL_ERROR;
        }
        if (arg > seL4_MaxPrio) {
            current_syscall_error =
                (syscall_error_t){.type = seL4_RangeError, .range_min = seL4_MinPrio, .range_max = seL4_MaxPrio};
            return EXCEPTION_SYSCALL_ERROR;
        }
        t->priority = arg; /* recorded; Linux schedules the threads */
        return EXCEPTION_NONE;
    default:
        current_syscall_error = (syscall_error_t){.type = seL4_IllegalOperation};
        return EXCEPTION_SYSCALL_ERROR;
    }
}

/* setMRs_syscall_error: the message registers of an error reply to a Call. */
seL4_Word setMRs_syscall_error(tcb_t *t)
{
    seL4_Word *mr = t->ipc_buffer->msg;
    switch (current_syscall_error.type) {
    case seL4_InvalidArgument:
        mr[0] = current_syscall_error.invalid_argument_number;
        return 1;
    case seL4_InvalidCapability:
        mr[0] = current_syscall_error.invalid_cap_number;
        return 1;
    case seL4_RangeError:
        mr[0] = current_syscall_error.range_min;
        mr[1] = current_syscall_error.range_max;
        return 2;
    case seL4_FailedLookup:
        mr[0] = current_syscall_error.failed_lookup_was_source ? 1 : 0;
        return setMRs_lookup_failure(t->ipc_buffer, current_lookup_fault, 1);
    case seL4_NotEnoughMemory:
        mr[0] = current_syscall_error.memory_left;
        return 1;
    default: /* IllegalOperation, AlignmentError, TruncatedMessage, DeleteFirst, RevokeFirst */
        return 0;
    }
}
