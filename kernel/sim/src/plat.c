/*
 * The host side of plat.h: the system builder. plat_init boots the model (as seL4 boots its
 * initial thread: TCB, root CNode, VSpace in slots 1-3, untyped memory) and makes the calling
 * thread the root task; threads are pthreads running TCBs with their own CSpace and IPC buffer.
 * Also the kernel lock, the cycle counter and the console.
 */
#include "kernel.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ROOT_CNODE_BITS 16
/* The root task's untyped memory sits in the last slot of its CNode (seL4 lists its untypeds in
 * bootinfo; plat.h hands them out only through plat_obj_alloc). */
#define ROOT_UNTYPED_SLOT (BIT(ROOT_CNODE_BITS) - 1)
/* Where a created thread's fault endpoint cap is placed in its own CSpace (a platform slot). */
#define THREAD_FAULT_EP_SLOT 15

struct plat_thread {
    tcb_t *tcb;
    seL4_CPtr tcb_slot, cnode_slot;
    seL4_IPCBuffer *ipc_buffer;
    plat_thread_t *next; /* all live threads, for plat_thread_join's quiescence check */
};

static pthread_mutex_t ks_mutex;
pthread_cond_t ks_join_cond = PTHREAD_COND_INITIALIZER;
syscall_error_t current_syscall_error;
lookup_fault_t current_lookup_fault;
fault_t current_fault;
tcb_t *ks_root_tcb;

static cnode_t *root_cnode;
static seL4_IPCBuffer root_ipc_buffer;
static pthread_mutex_t slot_mutex = PTHREAD_MUTEX_INITIALIZER;
static uint8_t slot_used[BIT(ROOT_CNODE_BITS)];
static seL4_Word slot_hint = PLAT_FIRST_FREE_SLOT;
static uint64_t tsc_hz;
static plat_thread_t *live_threads; /* under the kernel lock */

void ks_lock(void)
{
    pthread_mutex_lock(&ks_mutex);
}

void ks_unlock(void)
{
    frame_flush();
    pthread_mutex_unlock(&ks_mutex);
    sim_flush_wakes();
}

void sim_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("sel4sim: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fflush(stdout);
    fflush(stderr);
    _exit(70);
}

/* ---- the clock ---- */

uint64_t plat_cycles(void)
{
#if defined(__x86_64__)
    uint32_t lo, hi;
    __asm__ volatile("lfence\n\trdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
#endif
}

static uint64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The TSC rate: from CPUID leaf 0x15 when the CPU reports it, else measured once against
 * CLOCK_MONOTONIC over 20 ms. */
static uint64_t calibrate_tsc(void)
{
#if defined(__x86_64__)
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0));
    if (a >= 0x15) {
        __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x15), "c"(0));
        if (a && b && c) {
            return (uint64_t)c * b / a;
        }
    }
    uint64_t n0 = monotonic_ns(), c0 = plat_cycles();
    while (monotonic_ns() - n0 < 20000000ull) {
    }
    uint64_t n1 = monotonic_ns(), c1 = plat_cycles();
    return (c1 - c0) * 1000000000ull / (n1 - n0);
#else
    return 1000000000ull;
#endif
}

uint64_t plat_timer_hz(void)
{
    return tsc_hz;
}

/* ---- the console ---- */

void plat_putchar(int c)
{
    putchar(c);
    if (c == '\n') {
        fflush(stdout);
    }
}

int plat_printf(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    fputs(buf, stdout);
    fflush(stdout);
    return n;
}

_Noreturn void plat_exit(int status)
{
    fflush(stdout);
    fflush(stderr);
    exit(status);
}

/* ---- boot ---- */

static cte_t *root_slot(seL4_CPtr i)
{
    return &root_cnode->slots[i];
}

void plat_init(void)
{
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
#ifdef PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ADAPTIVE_NP);
#endif
    pthread_mutex_init(&ks_mutex, &ma);
    tsc_hz = calibrate_tsc();
    uint64_t spin_ns = SIM_SPIN_NS;
    const char *env = getenv("SEL4SIM_SPIN_NS");
    if (env) {
        spin_ns = strtoull(env, NULL, 10);
    }
    sim_spin_cycles = tsc_hz / 1000000ull * spin_ns / 1000ull;
    frame_init();
    fault_init();

    ks_lock();
    /* The initial thread's objects are made by the kernel, outside any untyped. */
    cap_t cnode = createObject(seL4_CapTableObject, SIM_KERNEL_PADDR, ROOT_CNODE_BITS, false);
    cnode = updateCapData(true, seL4_CNode_CapData_new(0, seL4_WordBits - ROOT_CNODE_BITS).words[0], cnode);
    root_cnode = cnode.obj;
    cap_t tcb = createObject(seL4_TCBObject, SIM_KERNEL_PADDR + (BIT(ROOT_CNODE_BITS + seL4_SlotBits)), 0, false);
    cap_t vspace = createObject(seL4_X64_PML4Object, SIM_KERNEL_PADDR + (BIT(ROOT_CNODE_BITS + seL4_SlotBits)) +
                                                         BIT(seL4_TCBBits), 0, false);
    cap_t ram = createObject(seL4_UntypedObject, SIM_RAM_BASE, SIM_RAM_BITS, false);
    vspace.has_asid = true; /* the initial thread's VSpace comes with its ASID */

    cte_t *cn = root_slot(seL4_CapInitThreadCNode);
    *cn = (cte_t){.cap = cnode, .revocable = true, .first_badged = true};
    *root_slot(seL4_CapInitThreadTCB) = (cte_t){.cap = tcb, .revocable = true, .first_badged = true};
    *root_slot(seL4_CapInitThreadVSpace) = (cte_t){.cap = vspace, .revocable = true, .first_badged = true};
    *root_slot(ROOT_UNTYPED_SLOT) = (cte_t){.cap = ram, .revocable = true, .first_badged = true};

    tcb_t *t = tcb.obj;
    cteInsert(cnode, cn, &t->ctable);
    cteInsert(vspace, root_slot(seL4_CapInitThreadVSpace), &t->vtable);
    t->is_root = true;
    t->state = ThreadState_Running;
    t->priority = seL4_MaxPrio;
    t->ipc_buffer = &root_ipc_buffer;
    snprintf(t->name, sizeof(t->name), "rootserver");
    ks_root_tcb = t;
    ks_cur_thread = t;
    seL4_SetIPCBuffer(&root_ipc_buffer);
    ks_unlock();

    for (seL4_Word i = 0; i < PLAT_FIRST_FREE_SLOT; i++) {
        slot_used[i] = 1;
    }
    slot_used[ROOT_UNTYPED_SLOT] = 1;
}

seL4_CPtr plat_slot_alloc(void)
{
    pthread_mutex_lock(&slot_mutex);
    seL4_CPtr found = seL4_CapNull;
    for (seL4_Word n = 0; n < BIT(ROOT_CNODE_BITS); n++) {
        seL4_Word i = (slot_hint + n) & MASK(ROOT_CNODE_BITS);
        if (!slot_used[i]) {
            slot_used[i] = 1;
            slot_hint = i + 1;
            found = i;
            break;
        }
    }
    pthread_mutex_unlock(&slot_mutex);
    return found;
}

void plat_slot_free(seL4_CPtr slot)
{
    if (slot < PLAT_FIRST_FREE_SLOT || slot >= ROOT_UNTYPED_SLOT) {
        return;
    }
    pthread_mutex_lock(&slot_mutex);
    slot_used[slot] = 0;
    pthread_mutex_unlock(&slot_mutex);
}

/* Retype from the root untyped straight into the root CNode, whoever calls. */
static seL4_Error root_retype(seL4_Word type, seL4_Word size_bits, seL4_CPtr slot)
{
    current_extra_caps[0] = root_slot(seL4_CapInitThreadCNode);
    current_extra_caps[1] = NULL;
    retype_args_t a = {type, size_bits, 0, 0, slot, 1};
    cte_t *ut = root_slot(ROOT_UNTYPED_SLOT);
    if (decodeUntypedInvocation(ut, ut->cap, &a) != EXCEPTION_NONE) {
        return current_syscall_error.type;
    }
    return seL4_NoError;
}

seL4_Error plat_obj_alloc(seL4_Word type, seL4_Word size_bits, seL4_CPtr *slot)
{
    seL4_CPtr s = plat_slot_alloc();
    if (s == seL4_CapNull) {
        return seL4_NotEnoughMemory;
    }
    ks_lock();
    seL4_Error err = root_retype(type, size_bits, s);
    ks_unlock();
    if (err != seL4_NoError) {
        plat_slot_free(s);
        return err;
    }
    *slot = s;
    return seL4_NoError;
}

/* ---- threads ---- */

static void *thread_entry(void *p)
{
    plat_thread_t *pt = p;
    tcb_t *t = pt->tcb;
    ks_cur_thread = t;
    seL4_SetIPCBuffer(t->ipc_buffer);
    if (sigsetjmp(t->exit_jmp, 1) == 0) {
        ks_lock();
        sim_wait_while_blocked(t); /* until resumed */
        t->state = ThreadState_Running;
        ks_unlock();
        t->fn(t->arg);
        ks_lock();
        t->exited = true;
        t->state = ThreadState_Inactive;
        pthread_cond_broadcast(&ks_join_cond);
        ks_unlock();
    }
    return NULL;
}

int plat_thread_create(plat_thread_t **out, const plat_thread_attr_t *attr, plat_thread_fn fn, void *arg)
{
    if (attr->cnode_bits < 6 || attr->cnode_bits > 20) {
        return -1;
    }
    plat_thread_t *pt = calloc(1, sizeof(*pt));
    seL4_IPCBuffer *buf = aligned_alloc(BIT(seL4_PageBits), BIT(seL4_PageBits));
    if (!pt || !buf) {
        free(pt);
        free(buf);
        return -1;
    }
    memset(buf, 0, BIT(seL4_PageBits));
    if (plat_obj_alloc(seL4_TCBObject, 0, &pt->tcb_slot) != seL4_NoError) {
        free(pt);
        free(buf);
        return -1;
    }
    if (plat_obj_alloc(seL4_CapTableObject, attr->cnode_bits, &pt->cnode_slot) != seL4_NoError) {
        seL4_CNode_Delete(seL4_CapInitThreadCNode, pt->tcb_slot, seL4_WordBits);
        plat_slot_free(pt->tcb_slot);
        free(pt);
        free(buf);
        return -1;
    }

    ks_lock();
    cte_t *tcb_cte = root_slot(pt->tcb_slot), *cn_cte = root_slot(pt->cnode_slot);
    /* Guard the CNode so that cap pointers resolve with depth seL4_WordBits (cptr == slot). */
    cn_cte->cap = updateCapData(true, seL4_CNode_CapData_new(0, seL4_WordBits - attr->cnode_bits).words[0], cn_cte->cap);
    tcb_t *t = tcb_cte->cap.obj;
    cnode_t *cn = cn_cte->cap.obj;
    cteInsert(tcb_cte->cap, tcb_cte, &cn->slots[seL4_CapInitThreadTCB]);
    cteInsert(cn_cte->cap, cn_cte, &cn->slots[seL4_CapInitThreadCNode]);
    cte_t *vs = root_slot(seL4_CapInitThreadVSpace);
    cteInsert(vs->cap, vs, &cn->slots[seL4_CapInitThreadVSpace]);
    cteInsert(cn_cte->cap, cn_cte, &t->ctable);
    cteInsert(vs->cap, vs, &t->vtable);
    if (attr->fault_ep) {
        cte_t *f = root_slot(attr->fault_ep);
        derive_ret_t d = deriveCap(f, f->cap);
        if (d.cap.type != cap_null_cap) {
            cteInsert(d.cap, f, &cn->slots[THREAD_FAULT_EP_SLOT]);
        }
        t->fault_handler = THREAD_FAULT_EP_SLOT;
    }
    t->ipc_buffer = buf;
    t->priority = attr->priority;
    t->fn = fn;
    t->arg = arg;
    t->has_pthread = true;
    snprintf(t->name, sizeof(t->name), "%s", attr->name ? attr->name : "thread");
    pt->tcb = t;
    pt->ipc_buffer = buf;
    pt->next = live_threads;
    live_threads = pt;
    ks_unlock();
    *out = pt;
    return 0;
}

seL4_CPtr plat_thread_tcb(plat_thread_t *t)
{
    return t->tcb_slot;
}

seL4_CPtr plat_thread_cnode(plat_thread_t *t)
{
    return t->cnode_slot;
}

seL4_Error plat_thread_start(plat_thread_t *pt)
{
    tcb_t *t = pt->tcb;
    ks_lock();
    if (t->started || t->killed) {
        ks_unlock();
        return seL4_IllegalOperation;
    }
    t->started = true;
    restart(t); /* seL4_TCB_Resume */
    if (pthread_create(&t->pthread, NULL, thread_entry, pt) != 0) {
        t->started = false;
        ks_unlock();
        return seL4_NotEnoughMemory;
    }
    ks_unlock();
    return seL4_NoError;
}

/*
 * Whether nothing can run any more: every thread is blocked in the kernel (or waiting in a join)
 * and there are no interrupts or timers in the model, so no thread will ever be woken. A joined
 * thread that has not returned by then never will (the seL4 root task learns the same from an
 * idle-priority thread that runs only when all others are blocked).
 */
static bool system_quiescent(void)
{
    if (!ks_root_tcb->joining && !isBlocked(ks_root_tcb)) {
        return false;
    }
    for (plat_thread_t *p = live_threads; p; p = p->next) {
        tcb_t *t = p->tcb;
        if (t->started && !t->exited && !t->killed && !t->joining && !isBlocked(t)) {
            return false;
        }
    }
    return true;
}

/* One thread's line of the account below: its state and the object it waits on, with that
 * object's state (objects are named by address, so that two waiters of one object match up). */
static void report_wait(FILE *out, const tcb_t *t)
{
    static const char *const ntfn_state[] = {"idle", "waiting", "active"};
    fprintf(out, "  thread \"%s\" (priority %lu): ", t->name, (unsigned long)t->priority);
    const endpoint_t *ep = t->blocking_object;
    const notification_t *n = t->bound_notification;
    switch (t->state) {
    case ThreadState_BlockedOnReceive:
        fprintf(out, "receiving on endpoint %p", (const void *)ep);
        break;
    case ThreadState_BlockedOnSend:
        fprintf(out, "%s on endpoint %p with badge %#lx", t->blocking_is_call ? "calling" : "sending",
                (const void *)ep, (unsigned long)t->blocking_badge);
        break;
    case ThreadState_BlockedOnReply:
        fprintf(out, "waiting for a reply");
        break;
    case ThreadState_BlockedOnNotification:
        n = t->blocking_object;
        fprintf(out, "waiting on notification %p", (const void *)n);
        break;
    case ThreadState_Inactive:
        fprintf(out, "inactive (faulted or suspended)");
        break;
    default:
        fprintf(out, t->joining ? "joining another thread" : "runnable");
        break;
    }
    if (n && t->state != ThreadState_BlockedOnNotification) {
        fprintf(out, "; bound notification %p", (const void *)n);
    }
    if (n) {
        /* The word means something only while the notification is active (a signal pending). */
        fprintf(out, " (%s", ntfn_state[n->state]);
        if (n->state == NtfnState_Active) {
            fprintf(out, ", word %#lx", (unsigned long)n->msg_identifier);
        }
        fprintf(out, ")");
    }
    fprintf(out, "\n");
}

/* Each live thread's line, under the kernel lock. */
static void report_all(FILE *out)
{
    report_wait(out, ks_root_tcb);
    for (plat_thread_t *p = live_threads; p; p = p->next) {
        const tcb_t *t = p->tcb;
        if (t->started && !t->exited && !t->killed) {
            report_wait(out, t);
        }
    }
}

/* Nothing can run any more and @waited for will never return: say who waits on what, so that a
 * deadlock explains itself (a lost wake-up shows as a waiter on an idle notification). */
static void report_waits(const tcb_t *waited)
{
    fprintf(stderr, "sel4sim: every thread is blocked; \"%s\" will never return. Who waits on what:\n",
            waited->name);
    report_all(stderr);
}

/* The same account on demand (e.g. a benchmark's watchdog that saw no progress): who waits on
 * what, now. Host model only; not part of plat.h. */
void sim_report_blocked(FILE *out)
{
    ks_lock();
    report_all(out);
    ks_unlock();
}

int plat_thread_join(plat_thread_t *pt)
{
    tcb_t *t = pt->tcb, *self = ks_cur_thread;
    ks_lock();
    if (self) {
        self->joining = true;
    }
    while (!t->exited && !t->faulted && !t->killed && t->started && !system_quiescent()) {
        if (self && self->killed && self->has_pthread) {
            self->joining = false;
            sim_thread_leave(self); /* the joining thread itself was destroyed */
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 2000000; /* re-check quiescence every 2 ms */
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        frame_flush();
        pthread_cond_timedwait(&ks_join_cond, &ks_mutex, &until);
    }
    if (!t->exited && !t->faulted && !t->killed && t->started) {
        report_waits(t);
    }
    if (self) {
        self->joining = false;
    }
    int r = t->exited ? 0 : -1;
    ks_unlock();
    return r;
}

/* One process: every thread shares all of the root's memory already (docs/isolation.md). */
seL4_Error plat_thread_share(plat_thread_t *pt, const void *addr, size_t bytes)
{
    (void)pt;
    (void)addr;
    (void)bytes;
    return seL4_NoError;
}

/* The host model has no platform fault handler: a thread's fault goes to its own fault
 * endpoint or stops it, and its address space is the process's (docs/isolation.md). */
int plat_thread_fault(plat_thread_t *pt, plat_fault_t *fault)
{
    (void)pt;
    (void)fault;
    return 0;
}

void plat_thread_destroy(plat_thread_t *pt)
{
    tcb_t *t = pt->tcb;
    ks_lock();
    cte_t *tcb_cte = root_slot(pt->tcb_slot), *cn_cte = root_slot(pt->cnode_slot);
    cnode_t *cn = cn_cte->cap.type == cap_cnode_cap ? cn_cte->cap.obj : NULL;
    /* The TCB first (every copy of its cap, then the original): it is suspended and leaves its
     * queues; then the CSpace's contents; then the CNode itself. */
    if (tcb_cte->cap.type == cap_thread_cap && tcb_cte->cap.obj == t) {
        cteRevoke(tcb_cte);
        cteDelete(tcb_cte, true);
    } else if (!t->killed) {
        t->killed = true;
        suspend(t);
        sim_wake(t);
    }
    if (cn) {
        for (seL4_Word i = 0; i < BIT(cn->radix); i++) {
            cteDelete(&cn->slots[i], true);
        }
        cteRevoke(cn_cte);
        cteDelete(cn_cte, true);
    }
    bool joinable = t->started;
    ks_unlock();
    if (joinable) {
        pthread_join(t->pthread, NULL);
    }
    ks_lock();
    for (plat_thread_t **p = &live_threads; *p; p = &(*p)->next) {
        if (*p == pt) {
            *p = pt->next;
            break;
        }
    }
    t->has_pthread = false;
    tcb_release(t);
    ks_unlock();
    plat_slot_free(pt->tcb_slot);
    plat_slot_free(pt->cnode_slot);
    free(pt->ipc_buffer);
    free(pt);
}

/* ---- frames ---- */

/* The error of invoking a frame method on a cap that is not a frame: an empty slot is an invalid
 * capability; any other object's decoder does not know the method (seL4_IllegalOperation). */
static seL4_Error not_a_frame(const cap_t *cap)
{
    return cap->type == cap_null_cap ? seL4_InvalidCapability : seL4_IllegalOperation;
}

seL4_Error plat_frame_map(seL4_CPtr frame, void **vaddr)
{
    tcb_t *t = kernel_enter((seL4_Word)__builtin_return_address(0));
    seL4_Error err = seL4_NoError;
    lookup_ret_t lu = lookupSlot(t, frame);
    lookup_ret_t vs = lookupSlot(t, seL4_CapInitThreadVSpace);
    if (lu.status != EXCEPTION_NONE) {
        err = seL4_FailedLookup;
    } else if (lu.slot->cap.type != cap_frame_cap) {
        err = not_a_frame(&lu.slot->cap);
    } else if (vs.status != EXCEPTION_NONE || vs.slot->cap.type != cap_vspace_cap) {
        err = seL4_InvalidCapability;
    } else {
        seL4_Word va = 0;
        if (frame_map(lu.slot, &va) != EXCEPTION_NONE) {
            err = current_syscall_error.type;
        } else {
            *vaddr = (void *)va;
        }
    }
    kernel_exit();
    return err;
}

seL4_Error plat_frame_unmap(seL4_CPtr frame)
{
    tcb_t *t = kernel_enter((seL4_Word)__builtin_return_address(0));
    seL4_Error err = seL4_NoError;
    lookup_ret_t lu = lookupSlot(t, frame);
    if (lu.status != EXCEPTION_NONE) {
        err = seL4_FailedLookup;
    } else if (lu.slot->cap.type != cap_frame_cap) {
        err = not_a_frame(&lu.slot->cap);
    } else if (lu.slot->cap.mapped_vaddr) {
        frame_unmap(&lu.slot->cap);
    }
    kernel_exit();
    return err;
}
