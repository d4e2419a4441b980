/*
 * The notification object, as src/object/notification.c (non-MCS): sendSignal ORs badges into
 * the word or wakes a waiter (or the bound TCB blocked in seL4_Recv), receiveSignal, and the
 * cancel paths used when a waiter or the notification goes away.
 */
#include "kernel.h"

void sendSignal(notification_t *n, seL4_Word badge)
{
    switch (n->state) {
    case NtfnState_Idle: {
        tcb_t *t = n->bound_tcb;
        if (t && t->state == ThreadState_BlockedOnReceive) {
            /* The bound thread is waiting on an endpoint: it returns with the badge. */
            cancelIPC(t);
            t->reg_badge = badge;
            setThreadState(t, ThreadState_Running);
        } else {
            /* Includes a bound thread blocked on a reply: it is not woken in the middle of a Call. */
            n->state = NtfnState_Active;
            n->msg_identifier = badge;
        }
        break;
    }
    case NtfnState_Waiting: {
        tcb_t *dest = n->head;
        tcb_queue_remove(&n->head, &n->tail, dest);
        if (!n->head) {
            n->state = NtfnState_Idle;
        }
        dest->reg_badge = badge;
        setThreadState(dest, ThreadState_Running);
        break;
    }
    case NtfnState_Active:
        n->msg_identifier |= badge;
        break;
    }
}

void receiveSignal(tcb_t *t, cap_t cap, bool isBlocking)
{
    notification_t *n = cap.obj;
    switch (n->state) {
    case NtfnState_Idle:
    case NtfnState_Waiting:
        if (isBlocking) {
            t->state = ThreadState_BlockedOnNotification;
            t->blocking_object = n;
            tcb_queue_append(&n->head, &n->tail, t);
            n->state = NtfnState_Waiting;
        } else {
            doNBRecvFailedTransfer(t);
        }
        break;
    case NtfnState_Active:
        t->reg_badge = n->msg_identifier;
        n->state = NtfnState_Idle;
        break;
    }
}

/* cancelAllSignals: the notification is going away; its waiters restart their system call. */
void cancelAllSignals(notification_t *n)
{
    if (n->state != NtfnState_Waiting) {
        return;
    }
    tcb_t *t = n->head;
    n->state = NtfnState_Idle;
    n->head = n->tail = NULL;
    while (t) {
        tcb_t *next = t->ep_next;
        t->ep_next = t->ep_prev = NULL;
        setThreadState(t, ThreadState_Restart);
        t = next;
    }
}

void cancelSignal(tcb_t *t, notification_t *n)
{
    tcb_queue_remove(&n->head, &n->tail, t);
    if (!n->head) {
        n->state = NtfnState_Idle;
    }
    setThreadState(t, ThreadState_Inactive);
}

void completeSignal(notification_t *n, tcb_t *t)
{
    t->reg_badge = n->msg_identifier;
    n->state = NtfnState_Idle;
}
