/*
 * Thread states and message transfer, as src/kernel/thread.c (setThreadState, doIPCTransfer,
 * doNormalTransfer, doFaultTransfer, transferCaps, doReplyTransfer, doNBRecvFailedTransfer), plus
 * the host's way of blocking: a thread that seL4 would take off the run queue spins briefly on
 * its wake word and then sleeps on a futex until another thread makes it runnable again.
 */
#include "kernel.h"

#include <linux/futex.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* How long a blocked thread spins before it sleeps, in TSC cycles (plat_init sets it from
 * SIM_SPIN_NS): a futex wake-up costs tens of microseconds, a spinning hand-off a fraction of one;
 * the spin is kept well below the cost of a wake-up so an idle thread does not burn its core. */
uint64_t sim_spin_cycles = 20000;

static long futex(_Atomic uint32_t *uaddr, int op, uint32_t val)
{
    return syscall(SYS_futex, (uint32_t *)uaddr, op, val, NULL, NULL, 0);
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

bool isBlocked(const tcb_t *t)
{
    switch (t->state) {
    case ThreadState_Inactive:
    case ThreadState_BlockedOnReceive:
    case ThreadState_BlockedOnSend:
    case ThreadState_BlockedOnReply:
    case ThreadState_BlockedOnNotification:
        return true;
    default:
        return false;
    }
}

void sim_wake(tcb_t *t)
{
    if (atomic_exchange_explicit(&t->wake, 1, memory_order_release) == 2) {
        futex(&t->wake, FUTEX_WAKE_PRIVATE, 1);
    }
}

/* Threads made runnable while the kernel lock is held are woken once it is released, so that the
 * woken thread does not find the lock still taken. A late wake-up is harmless: a woken thread
 * re-checks its state under the lock, and TCB memory is recycled, never unmapped. */
#define PENDING_WAKES 8
static __thread tcb_t *pending_wakes[PENDING_WAKES];
static __thread unsigned n_pending_wakes;

void sim_flush_wakes(void)
{
    unsigned n = n_pending_wakes;
    n_pending_wakes = 0;
    for (unsigned i = 0; i < n; i++) {
        sim_wake(pending_wakes[i]);
    }
}

/* setThreadState: the model's scheduler is Linux; making a blocked thread runnable wakes it. */
void setThreadState(tcb_t *t, thread_state_t ts)
{
    t->state = ts;
    if (t != ks_cur_thread && !isBlocked(t)) {
        if (n_pending_wakes < PENDING_WAKES) {
            pending_wakes[n_pending_wakes++] = t;
        } else {
            sim_wake(t);
        }
    }
}

/* Leave the kernel for good: the TCB was destroyed while its pthread was in it. */
_Noreturn void sim_thread_leave(tcb_t *t)
{
    ks_unlock();
    siglongjmp(t->exit_jmp, 1);
}

/*
 * Called with the kernel lock held by the current thread @t after an operation that may have
 * blocked it. Returns, with the lock held, once another thread has made @t runnable (Running:
 * the operation completed; Restart: the system call is to be executed again).
 */
void sim_wait_while_blocked(tcb_t *t)
{
    while (isBlocked(t) || t->killed) {
        if (t->killed && t->has_pthread) {
            sim_thread_leave(t);
        }
        if (t->killed) {
            break; /* the root task cannot be destroyed; it only stays blocked */
        }
        atomic_store_explicit(&t->wake, 0, memory_order_relaxed);
        ks_unlock();
        /* Spin: first with pause only; after a 64th of the budget (~150 ns) also yield the CPU, in case
         * the thread that will wake us shares our core (then spinning would only delay it). */
        bool woken = false;
        uint64_t start = plat_cycles(), now = start;
        do {
            if (atomic_load_explicit(&t->wake, memory_order_acquire)) {
                woken = true;
                break;
            }
            cpu_relax();
            now = plat_cycles();
            if (now - start > sim_spin_cycles / 64) {
                sched_yield();
            }
        } while (now - start < sim_spin_cycles);
        if (!woken) {
            uint32_t expected = 0;
            if (atomic_compare_exchange_strong_explicit(&t->wake, &expected, 2, memory_order_acq_rel,
                                                        memory_order_acquire)) {
                while (atomic_load_explicit(&t->wake, memory_order_acquire) == 2) {
                    futex(&t->wake, FUTEX_WAIT_PRIVATE, 2);
                }
            }
        }
        ks_lock();
    }
}

void tcb_queue_append(tcb_t **head, tcb_t **tail, tcb_t *t)
{
    t->ep_next = NULL;
    t->ep_prev = *tail;
    if (*tail) {
        (*tail)->ep_next = t;
    } else {
        *head = t;
    }
    *tail = t;
}

void tcb_queue_remove(tcb_t **head, tcb_t **tail, tcb_t *t)
{
    if (t->ep_prev) {
        t->ep_prev->ep_next = t->ep_next;
    } else {
        *head = t->ep_next;
    }
    if (t->ep_next) {
        t->ep_next->ep_prev = t->ep_prev;
    } else {
        *tail = t->ep_prev;
    }
    t->ep_next = t->ep_prev = NULL;
}

/* messageInfoFromWord: as the kernel reads a tag, with the length clamped to seL4_MsgMaxLength. */
seL4_MessageInfo_t messageInfoFromWord(seL4_Word w)
{
    seL4_MessageInfo_t m = {{w}};
    if (seL4_MessageInfo_get_length(m) > seL4_MsgMaxLength) {
        m = seL4_MessageInfo_set_length(m, seL4_MsgMaxLength);
    }
    return m;
}

cte_t *current_extra_caps[seL4_MsgMaxExtraCaps];

/* lookupExtraCaps (object/tcb.c): resolve the sender's extra cap pointers to slots. */
exception_t lookupExtraCaps(tcb_t *t, seL4_MessageInfo_t info)
{
    seL4_Word n = seL4_MessageInfo_get_extraCaps(info);
    seL4_Word i;
    for (i = 0; i < n; i++) {
        seL4_CPtr cptr = t->ipc_buffer->caps_or_badges[i];
        lookup_ret_t lu = lookupSlot(t, cptr);
        if (lu.status != EXCEPTION_NONE) {
            current_fault = seL4_Fault_CapFault_new(cptr, false);
            return lu.status;
        }
        current_extra_caps[i] = lu.slot;
    }
    if (i < seL4_MsgMaxExtraCaps) {
        current_extra_caps[i] = NULL;
    }
    return EXCEPTION_NONE;
}

/* transferCaps: at most one cap is received, into the receiver's one receive slot; a cap to the
 * very endpoint the message travels on is unwrapped into its badge instead. */
static seL4_MessageInfo_t transferCaps(seL4_MessageInfo_t info, endpoint_t *ep, tcb_t *receiver)
{
    info = seL4_MessageInfo_set_extraCaps(info, 0);
    info = seL4_MessageInfo_set_capsUnwrapped(info, 0);
    if (!current_extra_caps[0] || !receiver->ipc_buffer) {
        return info;
    }
    cte_t *dest = getReceiveSlots(receiver);
    seL4_Word i;
    for (i = 0; i < seL4_MsgMaxExtraCaps && current_extra_caps[i]; i++) {
        cte_t *slot = current_extra_caps[i];
        cap_t cap = slot->cap;
        if (cap.type == cap_endpoint_cap && cap.obj == ep) {
            receiver->ipc_buffer->caps_or_badges[i] = cap.badge;
            info = seL4_MessageInfo_set_capsUnwrapped(info, seL4_MessageInfo_get_capsUnwrapped(info) | (1u << i));
        } else {
            if (!dest) {
                break;
            }
            derive_ret_t dc = deriveCap(slot, cap);
            if (dc.status != EXCEPTION_NONE || dc.cap.type == cap_null_cap) {
                break;
            }
            cteInsert(dc.cap, slot, dest);
            dest = NULL;
        }
    }
    return seL4_MessageInfo_set_extraCaps(info, i);
}

static void doNormalTransfer(tcb_t *sender, endpoint_t *ep, seL4_Word badge, bool canGrant, tcb_t *receiver)
{
    seL4_MessageInfo_t tag = messageInfoFromWord(sender->reg_info);
    if (canGrant) {
        if (lookupExtraCaps(sender, tag) != EXCEPTION_NONE) {
            current_extra_caps[0] = NULL;
        }
    } else {
        current_extra_caps[0] = NULL;
    }
    seL4_Word n = seL4_MessageInfo_get_length(tag);
    if (receiver->ipc_buffer && sender->ipc_buffer && n) {
        memcpy(receiver->ipc_buffer->msg, sender->ipc_buffer->msg, n * sizeof(seL4_Word));
    }
    tag = transferCaps(tag, ep, receiver);
    tag = seL4_MessageInfo_set_length(tag, n);
    receiver->reg_info = tag.words[0];
    receiver->reg_badge = badge;
}

static void doFaultTransfer(seL4_Word badge, tcb_t *sender, tcb_t *receiver)
{
    seL4_Word sent = setMRs_fault(sender, receiver);
    receiver->reg_info = seL4_MessageInfo_new(sender->fault.type, 0, 0, sent).words[0];
    receiver->reg_badge = badge;
}

void doIPCTransfer(tcb_t *sender, endpoint_t *ep, seL4_Word badge, bool grant, tcb_t *receiver)
{
    if (sender->fault.type == seL4_Fault_NullFault) {
        doNormalTransfer(sender, ep, badge, grant, receiver);
    } else {
        doFaultTransfer(badge, sender, receiver);
    }
}

/* doReplyTransfer (non-MCS): deliver the reply, consume the one-shot reply cap in @slot. */
void doReplyTransfer(tcb_t *sender, tcb_t *receiver, cte_t *slot, bool grant)
{
    if (receiver->fault.type == seL4_Fault_NullFault) {
        doIPCTransfer(sender, NULL, 0, grant, receiver);
        cteDeleteOne(slot);
        setThreadState(receiver, ThreadState_Running);
    } else {
        cteDeleteOne(slot);
        bool restart = handleFaultReply(receiver, sender);
        receiver->fault = (fault_t){.type = seL4_Fault_NullFault};
        receiver->faulted = !restart;
        setThreadState(receiver, restart ? ThreadState_Restart : ThreadState_Inactive);
    }
}

void doNBRecvFailedTransfer(tcb_t *t)
{
    t->reg_badge = 0;
}
