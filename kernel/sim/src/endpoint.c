/*
 * The endpoint object, as src/object/endpoint.c (non-MCS): sendIPC and receiveIPC with their
 * queues, badges and the one-shot reply cap; cancelIPC, cancelAllIPC and cancelBadgedSends; and
 * the kernel's own replies to a Call (replyFromKernel_error, replyFromKernel_success_empty).
 */
#include "kernel.h"

void sendIPC(bool blocking, bool do_call, seL4_Word badge, bool canGrant, bool canGrantReply, tcb_t *t,
             endpoint_t *ep)
{
    switch (ep->state) {
    case EPState_Idle:
    case EPState_Send:
        if (blocking) {
            t->state = ThreadState_BlockedOnSend;
            t->blocking_object = ep;
            t->blocking_badge = badge;
            t->blocking_can_grant = canGrant;
            t->blocking_can_grant_reply = canGrantReply;
            t->blocking_is_call = do_call;
            tcb_queue_append(&ep->head, &ep->tail, t);
            ep->state = EPState_Send;
        }
        break;
    case EPState_Recv: {
        tcb_t *dest = ep->head;
        tcb_queue_remove(&ep->head, &ep->tail, dest);
        if (!ep->head) {
            ep->state = EPState_Idle;
        }
        doIPCTransfer(t, ep, badge, canGrant, dest);
        bool reply_can_grant = dest->blocking_can_grant;
        setThreadState(dest, ThreadState_Running);
        if (do_call) {
            if (canGrant || canGrantReply) {
                setupCallerCap(t, dest, reply_can_grant);
            } else {
                /* A Call on a cap with neither Grant nor GrantReply: no reply cap can exist, the
                 * caller is left inactive (seL4 does the same). */
                setThreadState(t, ThreadState_Inactive);
            }
        }
        break;
    }
    }
}

void receiveIPC(tcb_t *t, cap_t cap, bool isBlocking)
{
    endpoint_t *ep = cap.obj;
    notification_t *n = t->bound_notification;

    /* A pending signal on the bound notification is returned first. */
    if (n && n->state == NtfnState_Active) {
        completeSignal(n, t);
        return;
    }
    switch (ep->state) {
    case EPState_Idle:
    case EPState_Recv:
        if (isBlocking) {
            t->state = ThreadState_BlockedOnReceive;
            t->blocking_object = ep;
            t->blocking_can_grant = cap.can_grant;
            tcb_queue_append(&ep->head, &ep->tail, t);
            ep->state = EPState_Recv;
        } else {
            doNBRecvFailedTransfer(t);
        }
        break;
    case EPState_Send: {
        tcb_t *sender = ep->head;
        tcb_queue_remove(&ep->head, &ep->tail, sender);
        if (!ep->head) {
            ep->state = EPState_Idle;
        }
        seL4_Word badge = sender->blocking_badge;
        bool canGrant = sender->blocking_can_grant;
        bool canGrantReply = sender->blocking_can_grant_reply;
        doIPCTransfer(sender, ep, badge, canGrant, t);
        if (sender->blocking_is_call) {
            if (canGrant || canGrantReply) {
                setupCallerCap(sender, t, cap.can_grant);
            } else {
                setThreadState(sender, ThreadState_Inactive);
            }
        } else {
            setThreadState(sender, ThreadState_Running);
        }
        break;
    }
    }
}

void cancelIPC(tcb_t *t)
{
    switch (t->state) {
    case ThreadState_BlockedOnSend:
    case ThreadState_BlockedOnReceive: {
        endpoint_t *ep = t->blocking_object;
        tcb_queue_remove(&ep->head, &ep->tail, t);
        if (!ep->head) {
            ep->state = EPState_Idle;
        }
        setThreadState(t, ThreadState_Inactive);
        break;
    }
    case ThreadState_BlockedOnNotification:
        cancelSignal(t, t->blocking_object);
        break;
    case ThreadState_BlockedOnReply: {
        /* The caller goes away: its outstanding reply cap, wherever it is, is deleted, so the
         * callee's later seL4_Reply finds no caller and does nothing. */
        t->fault = (fault_t){.type = seL4_Fault_NullFault};
        cte_t *caller_cap = t->reply.mdb_next;
        if (caller_cap && caller_cap->cap.type == cap_reply_cap && caller_cap->cap.obj == t) {
            cteDeleteOne(caller_cap);
        }
        break;
    }
    default:
        break;
    }
}

/* cancelAllIPC: the endpoint is going away; every queued thread restarts its system call, which
 * then finds its cap gone (a cap fault for a receiver, an error or nothing for a sender). */
void cancelAllIPC(endpoint_t *ep)
{
    if (ep->state == EPState_Idle) {
        return;
    }
    tcb_t *t = ep->head;
    ep->state = EPState_Idle;
    ep->head = ep->tail = NULL;
    while (t) {
        tcb_t *next = t->ep_next;
        t->ep_next = t->ep_prev = NULL;
        setThreadState(t, ThreadState_Restart);
        t = next;
    }
}

void cancelBadgedSends(endpoint_t *ep, seL4_Word badge)
{
    if (ep->state != EPState_Send) {
        return;
    }
    tcb_t *t = ep->head;
    while (t) {
        tcb_t *next = t->ep_next;
        if (t->blocking_badge == badge) {
            tcb_queue_remove(&ep->head, &ep->tail, t);
            setThreadState(t, ThreadState_Restart);
        }
        t = next;
    }
    if (!ep->head) {
        ep->state = EPState_Idle;
    }
}

void replyFromKernel_error(tcb_t *t)
{
    t->reg_badge = 0;
    seL4_Word len = setMRs_syscall_error(t);
    t->reg_info = seL4_MessageInfo_new(current_syscall_error.type, 0, 0, len).words[0];
}

void replyFromKernel_success_empty(tcb_t *t)
{
    t->reg_badge = 0;
    t->reg_info = seL4_MessageInfo_new(0, 0, 0, 0).words[0];
}
