/*
 * Threads of the root task, each with its own CSpace, in the root's address space.
 *
 * A thread index owns a fixed stride of the thread area (guard page, stack, guard page, IPC
 * buffer) whose frames stay mapped across uses of the index, and a small untyped from which its
 * TCB and CNode are retyped; destroying the thread revokes that untyped, which deletes both
 * objects and every cap derived from them, and lets seL4 reuse the memory.
 *
 * Joining: a thread that returns sets its 'returned' flag and signals the root's join
 * notification. A thread that faults goes to its fault endpoint if it was given one, and is
 * otherwise stopped by seL4 (no handler); either way it never returns, and join learns that
 * from an idle sentinel: a thread at priority 0 (reserved by the platform) on core 0 that join
 * arms before it waits. The sentinel can only run when every other thread of its core is
 * blocked; when every live thread is on that core, nothing outside the threads (no interrupt, no
 * timer) can wake any of them then, so the joined thread will never return, and join says -1.
 * Join waits on notifications only, so the root's reply cap (which a receive on an endpoint would
 * delete) survives it, and it keeps the root's message registers.
 *
 * More than one core (KernelMaxNumNodes > 1, a thread placed with plat_thread_attr_t.core): each
 * core schedules on its own, so core 0's sentinel running says nothing of a thread running on
 * core 1. While such a thread is live (started, neither returned nor stopped by a fault the
 * platform saw), join does not arm the sentinel and learns the end of a thread only from the
 * thread itself: its return, or its fault, which on such a kernel every thread without a fault
 * endpoint of its own reports to the platform's fault handler. A thread blocked for good is then
 * not detected: the join waits (the run's time bound ends it), it never answers wrongly.
 *
 * Components (PLAT_AS_SEPARATE) run in a VSpace of their own (component.c): they cannot write the
 * root's 'returned' flag, so a returning component says so in its IPC buffer's userData word,
 * which the root reads through its own mapping of that frame. A component without a fault
 * endpoint of its own faults to the platform's fault handler, a thread of the root's address
 * space made on first need, which records and prints the fault and wakes the joining root.
 */
#include "rt.h"

#include <assert.h>
#include <stdatomic.h>
#include <string.h>

#define MAP_ENTRIES 512

enum { T_FREE, T_CREATED, T_RUNNING, T_RETURNED };

struct plat_thread {
    unsigned index;
    int state;
    const char *name;
    plat_thread_fn fn;
    void *arg;
    seL4_CPtr tcb, cnode;      /* root slots */
    seL4_CPtr vspace;          /* root slot: a component's VSpace root (in objects) */
    seL4_CPtr ut;              /* root slot: the untyped the TCB and CNode come from */
    seL4_Word ut_bits;
    seL4_CPtr ipc_frame;       /* root slot; 0 until the index is first used */
    seL4_CPtr stack[RT_STACK_PAGES];
    atomic_int returned;       /* set by the thread when fn has returned */
    bool separate;             /* a component: a VSpace of its own */
    seL4_Word core;            /* the core it runs on (0 on a one-core kernel) */
    rt_objects_t objects;      /* a component's VSpace objects (from ut) */
    atomic_int faulted;        /* set by the fault handler once fault is written */
    plat_fault_t fault;
    rt_maps_t maps;
    rt_map_entry_t map_entries[MAP_ENTRIES];
};

static plat_thread_t threads[RT_MAX_THREADS];
static seL4_CPtr join_ntfn; /* signalled by returning threads and by the sentinel */
static seL4_CPtr idle_arm;  /* signalled by join for the sentinel */
static plat_thread_t *sentinel;
static plat_thread_t *fault_handler;
static seL4_CPtr fault_handler_ep; /* root slot */
static bool making_own;            /* creating the sentinel or the fault handler */

/* The cores the kernel runs; a thread's core is taken modulo this. */
#define NODES ((seL4_Word)CONFIG_MAX_NUM_NODES)

/* A returned component's IPC buffer userData ("sel4 ret"). */
#define RETURNED_MARK 0x73656c3420726574UL
/* A component's maps table, on its stack. */
#define COMPONENT_MAP_ENTRIES 256

enum {
    JOIN_RETURNED = 1, /* badge of the join notification in an ordinary thread's CSpace */
    JOIN_IDLE = 2,     /* ... in the sentinel's */
    SENTINEL_SLOT_ARM = PLAT_FIRST_FREE_SLOT,
    HANDLER_SLOT_EP = PLAT_FIRST_FREE_SLOT, /* the fault handler's endpoint (Read) */
};

static void idle_sentinel(void *arg)
{
    (void)arg;
    for (;;) {
        seL4_Wait(SENTINEL_SLOT_ARM, NULL);
        /* Running at all means everything else is blocked: wake the joining root. */
        seL4_Signal(RT_SLOT_JOIN);
    }
}

static const char *fault_name(seL4_Word label)
{
    switch (label) {
    case seL4_Fault_VMFault:
        return "VM fault";
    case seL4_Fault_CapFault:
        return "cap fault";
    case seL4_Fault_UnknownSyscall:
        return "unknown syscall";
    case seL4_Fault_UserException:
        return "user exception";
    default:
        return "fault";
    }
}

/* Components' faults, badged with the thread index + 1. Never replies: the faulter stays
 * stopped until it is destroyed. */
static void fault_handler_fn(void *arg)
{
    (void)arg;
    for (;;) {
        seL4_Word badge = 0;
        seL4_MessageInfo_t info = seL4_Recv(HANDLER_SLOT_EP, &badge);
        if (badge == 0 || badge > RT_MAX_THREADS) {
            continue;
        }
        plat_thread_t *t = &threads[badge - 1];
        seL4_Word label = seL4_MessageInfo_get_label(info);
        plat_fault_t f = {.label = label};
        bool fetch = false;
        if (label == seL4_Fault_VMFault) {
            f.ip = seL4_GetMR(seL4_VMFault_IP);
            f.addr = seL4_GetMR(seL4_VMFault_Addr);
            f.fsr = seL4_GetMR(seL4_VMFault_FSR);
            f.write = rt_fault_is_write(f.fsr);
            fetch = seL4_GetMR(seL4_VMFault_PrefetchFault) != 0;
        } else if (label == seL4_Fault_CapFault) {
            f.ip = seL4_GetMR(seL4_CapFault_IP);
            f.addr = seL4_GetMR(seL4_CapFault_Addr);
        } else if (label == seL4_Fault_UserException) {
            f.ip = seL4_GetMR(seL4_UserException_FaultIP);
        } else if (label == seL4_Fault_UnknownSyscall) {
            f.ip = seL4_GetMR(seL4_UnknownSyscall_FaultIP);
        }
        t->fault = f;
        plat_printf("sel4bridge: %s '%s' stopped: %s at 0x%lx (ip 0x%lx, %s)\n",
                    t->separate ? "component" : "thread", t->name, fault_name(label),
                    (unsigned long)f.addr, (unsigned long)f.ip,
                    label != seL4_Fault_VMFault ? "-"
                    : fetch                     ? "instruction fetch"
                    : f.write                   ? "write"
                                                : "read");
        /* Release: the record is complete before join can see the flag. */
        atomic_store_explicit(&t->faulted, 1, memory_order_release);
        seL4_Signal(RT_SLOT_JOIN);
    }
}

/* The fault handler, made the first time a component needs it, above every test thread. */
static seL4_Error ensure_fault_handler(void)
{
    if (fault_handler != NULL) {
        return seL4_NoError;
    }
    seL4_Error err = plat_obj_alloc(seL4_EndpointObject, 0, &fault_handler_ep);
    if (err != seL4_NoError) {
        return err;
    }
    plat_thread_attr_t attr = {.name = "fault handler", .cnode_bits = 6,
                               .priority = seL4_MaxPrio - 1};
    plat_thread_t *h;
    making_own = true;
    int made = plat_thread_create(&h, &attr, fault_handler_fn, NULL);
    making_own = false;
    if (made != 0) {
        return seL4_NotEnoughMemory;
    }
    err = seL4_CNode_Copy(plat_thread_cnode(h), HANDLER_SLOT_EP, seL4_WordBits,
                          seL4_CapInitThreadCNode, fault_handler_ep, seL4_WordBits, seL4_CanRead);
    if (err == seL4_NoError) {
        err = plat_thread_start(h);
    }
    if (err == seL4_NoError) {
        fault_handler = h;
    }
    return err;
}

int plat_thread_fault(plat_thread_t *t, plat_fault_t *fault)
{
    if (!atomic_load_explicit(&t->faulted, memory_order_acquire)) {
        return 0;
    }
    *fault = t->fault;
    return 1;
}

void rt_threads_init(void)
{
    RT_CHECK(plat_obj_alloc(seL4_NotificationObject, 0, &join_ntfn));
    RT_CHECK(plat_obj_alloc(seL4_NotificationObject, 0, &idle_arm));
    plat_thread_attr_t attr = {.name = "idle sentinel", .cnode_bits = 6, .priority = 0};
    making_own = true;
    int made = plat_thread_create(&sentinel, &attr, idle_sentinel, NULL);
    making_own = false;
    if (made != 0) {
        rt_panic("cannot create the idle sentinel", 0);
    }
    RT_CHECK(seL4_CNode_Copy(plat_thread_cnode(sentinel), SENTINEL_SLOT_ARM, seL4_WordBits,
                             seL4_CapInitThreadCNode, idle_arm, seL4_WordBits, seL4_AllRights));
    RT_CHECK(plat_thread_start(sentinel));
}

static seL4_Word area(const plat_thread_t *t)
{
    return RT_THREAD_AREA + t->index * RT_THREAD_STRIDE;
}

/* Page 0 guard, pages 1..RT_STACK_PAGES stack, then a guard page, then the IPC buffer. */
static seL4_Word stack_top(const plat_thread_t *t)
{
    return area(t) + ((RT_STACK_PAGES + 1UL) << seL4_PageBits);
}

static seL4_Word ipc_vaddr(const plat_thread_t *t)
{
    return area(t) + ((RT_STACK_PAGES + 2UL) << seL4_PageBits);
}

static seL4_Error frame_at(seL4_CPtr *frame, seL4_Word vaddr)
{
    seL4_Error err = plat_obj_alloc(PLAT_FRAME_OBJECT, 0, frame);
    if (err == seL4_NoError) {
        err = rt_map_at(*frame, vaddr);
    }
    return err;
}

/* The index's stack and IPC buffer, made once and kept. */
static seL4_Error ensure_frames(plat_thread_t *t)
{
    if (t->ipc_frame != seL4_CapNull) {
        return seL4_NoError;
    }
    for (unsigned i = 0; i < RT_STACK_PAGES; i++) {
        seL4_Error err = frame_at(&t->stack[i], area(t) + ((i + 1UL) << seL4_PageBits));
        if (err != seL4_NoError) {
            return err;
        }
    }
    return frame_at(&t->ipc_frame, ipc_vaddr(t));
}

/* An untyped big enough for a CNode of 2^cnode_bits slots and a TCB, reused when it is. */
/* A component's paging structures and image CNode come from it too: 512 KiB holds them all. */
static seL4_Error ensure_untyped(plat_thread_t *t, seL4_Word cnode_bits)
{
    seL4_Word cnode_size = cnode_bits + seL4_SlotBits;
    seL4_Word need = (cnode_size > seL4_TCBBits ? cnode_size : seL4_TCBBits) + 1;
    if (t->separate && need < 19) {
        need = 19;
    }
    if (t->ut != seL4_CapNull && t->ut_bits >= need) {
        return seL4_NoError;
    }
    if (t->ut != seL4_CapNull) {
        RT_CHECK(seL4_CNode_Delete(seL4_CapInitThreadCNode, t->ut, seL4_WordBits));
        plat_slot_free(t->ut);
        t->ut = seL4_CapNull;
    }
    seL4_Word bits = need > 16 ? need : 16;
    seL4_Error err = plat_obj_alloc(seL4_UntypedObject, bits, &t->ut);
    if (err == seL4_NoError) {
        t->ut_bits = bits;
    }
    return err;
}

static void thread_entry(plat_thread_t *t)
{
    __sel4_ipc_buffer = (seL4_IPCBuffer *)ipc_vaddr(t);
    rt_console_thread();
    rt_self.maps = &t->maps;
    rt_self.window = &rt_root_window;
    t->fn(t->arg);
    /* Release: what fn wrote is visible to the root once it sees the flag. */
    atomic_store_explicit(&t->returned, 1, memory_order_release);
    seL4_Signal(RT_SLOT_JOIN);
    for (;;) {
        (void)seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    }
}

static seL4_Word component_window(const plat_thread_t *t)
{
    return RT_COMPONENT_WINDOWS + t->index * (RT_COMPONENT_WINDOW_PAGES << seL4_PageBits);
}

/* A component's first code: its platform state on its own stack, as it has no data segment. */
static void component_entry(plat_thread_fn fn, void *arg, seL4_IPCBuffer *ipc, seL4_Word window)
{
    static_assert(RT_COMPONENT_WINDOW_PAGES % 64 == 0, "whole bitmap words");
    __sel4_ipc_buffer = ipc;
    rt_console_thread();
    rt_map_entry_t entries[COMPONENT_MAP_ENTRIES];
    _Atomic uint64_t used[RT_COMPONENT_WINDOW_PAGES / 64];
    for (unsigned i = 0; i < COMPONENT_MAP_ENTRIES; i++) {
        entries[i].frame = seL4_CapNull;
    }
    for (unsigned i = 0; i < RT_COMPONENT_WINDOW_PAGES / 64; i++) {
        atomic_init(&used[i], 0);
    }
    rt_maps_t maps = {entries, COMPONENT_MAP_ENTRIES, 0};
    rt_window_t win = {window, RT_COMPONENT_WINDOW_PAGES / 64, used, 0};
    rt_self.maps = &maps;
    rt_self.window = &win;
    fn(arg);
    /* The kernel entry of the signal orders this store before the root's wake-up. */
    ipc->userData = RETURNED_MARK;
    seL4_Signal(RT_SLOT_JOIN);
    for (;;) {
        (void)seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    }
}

static bool has_returned(plat_thread_t *t)
{
    if (t->separate) {
        return ((volatile seL4_IPCBuffer *)ipc_vaddr(t))->userData == RETURNED_MARK;
    }
    return atomic_load_explicit(&t->returned, memory_order_acquire);
}

static seL4_Error copy_in(plat_thread_t *t, seL4_Word dst, seL4_CPtr src, seL4_Word badge)
{
    if (badge != 0) {
        return seL4_CNode_Mint(t->cnode, dst, seL4_WordBits, seL4_CapInitThreadCNode, src,
                               seL4_WordBits, seL4_AllRights, badge);
    }
    return seL4_CNode_Copy(t->cnode, dst, seL4_WordBits, seL4_CapInitThreadCNode, src,
                           seL4_WordBits, seL4_AllRights);
}

/* Whether @t's faults go to the platform's fault handler: a component's, and on more than one
 * core every thread's (join cannot learn of a fault from the sentinel there), unless it has a
 * fault endpoint of its own or is one of the platform's own threads. */
static bool to_fault_handler(const plat_thread_t *t, const plat_thread_attr_t *attr)
{
    return attr->fault_ep == seL4_CapNull && !making_own && (t->separate || NODES > 1);
}

static seL4_Error make_objects(plat_thread_t *t, const plat_thread_attr_t *attr)
{
    seL4_Error err = ensure_frames(t);
    if (err == seL4_NoError) {
        err = ensure_untyped(t, attr->cnode_bits);
    }
    if (err != seL4_NoError) {
        return err;
    }
    seL4_CPtr raw = plat_slot_alloc();
    t->cnode = plat_slot_alloc();
    t->tcb = plat_slot_alloc();
    if (raw == seL4_CapNull || t->cnode == seL4_CapNull || t->tcb == seL4_CapNull) {
        plat_slot_free(raw);
        return seL4_NotEnoughMemory;
    }
    /* CNode first: it is the larger, aligned object; the TCB follows it in the untyped. */
    err = rt_retype(t->ut, seL4_CapTableObject, attr->cnode_bits, raw);
    if (err == seL4_NoError) {
        /* Guard the CNode cap so that a cptr resolves with depth seL4_WordBits. */
        seL4_Word guard = seL4_CNode_CapData_new(0, seL4_WordBits - attr->cnode_bits).words[0];
        err = seL4_CNode_Mutate(seL4_CapInitThreadCNode, t->cnode, seL4_WordBits,
                                seL4_CapInitThreadCNode, raw, seL4_WordBits, guard);
    }
    plat_slot_free(raw);
    if (err == seL4_NoError) {
        err = rt_retype(t->ut, seL4_TCBObject, 0, t->tcb);
    }
    if (err == seL4_NoError && t->separate) {
        /* Fresh stack and IPC buffer: nothing of the index's previous user shows through. */
        memset((void *)(area(t) + (1UL << seL4_PageBits)), 0, RT_STACK_PAGES << seL4_PageBits);
        memset((void *)ipc_vaddr(t), 0, 1UL << seL4_PageBits);
        rt_page_t pages[RT_STACK_PAGES + 1 + RT_CONSOLE_PAGES];
        for (unsigned i = 0; i < RT_STACK_PAGES; i++) {
            pages[i] = (rt_page_t){t->stack[i], area(t) + ((i + 1UL) << seL4_PageBits), false};
        }
        pages[RT_STACK_PAGES] = (rt_page_t){t->ipc_frame, ipc_vaddr(t), false};
        unsigned n = RT_STACK_PAGES + 1 + rt_console_pages(&pages[RT_STACK_PAGES + 1]);
        t->objects.ut = t->ut;
        err = rt_component_vspace(&t->objects, pages, n, component_window(t), &t->vspace);
    }
    if (err == seL4_NoError && to_fault_handler(t, attr)) {
        err = ensure_fault_handler();
    }
    return err;
}

static seL4_Error fill_cspace(plat_thread_t *t, const plat_thread_attr_t *attr)
{
    /* The sentinel is the first thread made, before `sentinel` is set. */
    seL4_Word badge = t == sentinel || sentinel == NULL ? JOIN_IDLE : JOIN_RETURNED;
    seL4_Error err = copy_in(t, seL4_CapInitThreadTCB, t->tcb, 0);
    if (err == seL4_NoError) {
        err = copy_in(t, seL4_CapInitThreadCNode, t->cnode, 0);
    }
    if (err == seL4_NoError) {
        err = copy_in(t, seL4_CapInitThreadVSpace,
                      t->separate ? t->vspace : seL4_CapInitThreadVSpace, 0);
    }
    if (err == seL4_NoError) {
        rt_console_grant(t->cnode);
        err = copy_in(t, RT_SLOT_JOIN, join_ntfn, badge);
    }
    if (err == seL4_NoError && attr->fault_ep != seL4_CapNull) {
        err = copy_in(t, RT_SLOT_FAULT, attr->fault_ep, 0);
    } else if (err == seL4_NoError && to_fault_handler(t, attr)) {
        err = copy_in(t, RT_SLOT_FAULT, fault_handler_ep, t->index + 1);
    }
    return err;
}

static seL4_Error configure(plat_thread_t *t, const plat_thread_attr_t *attr)
{
    seL4_Word guard = seL4_CNode_CapData_new(0, seL4_WordBits - attr->cnode_bits).words[0];
    seL4_Error err = seL4_TCB_Configure(t->tcb, RT_SLOT_FAULT, t->cnode, guard,
                                        t->separate ? t->vspace : seL4_CapInitThreadVSpace, 0,
                                        ipc_vaddr(t), t->ipc_frame);
    if (err == seL4_NoError) {
        err = seL4_TCB_SetSchedParams(t->tcb, seL4_CapInitThreadTCB, attr->priority,
                                      attr->priority);
    }
#if CONFIG_MAX_NUM_NODES > 1
    if (err == seL4_NoError && t->core != 0) {
        err = seL4_TCB_SetAffinity(t->tcb, t->core);
    }
#endif
    if (err != seL4_NoError) {
        return err;
    }
    /* TLS block at the top of the stack; the stack starts below it. */
    seL4_Word tp = rt_tls_init((void *)stack_top(t));
    seL4_Word sp = stack_top(t) - rt_tls_size();
    seL4_UserContext regs = {0};
    if (t->separate) {
        const seL4_Word arg[4] = {(seL4_Word)t->fn, (seL4_Word)t->arg, ipc_vaddr(t),
                                  component_window(t)};
        rt_thread_regs(&regs, (seL4_Word)component_entry, sp, tp, arg);
    } else {
        const seL4_Word arg[4] = {(seL4_Word)t};
        rt_thread_regs(&regs, (seL4_Word)thread_entry, sp, tp, arg);
    }
    return seL4_TCB_WriteRegisters(t->tcb, 0, 0, sizeof(regs) / sizeof(seL4_Word), &regs);
}

int plat_thread_create(plat_thread_t **out, const plat_thread_attr_t *attr, plat_thread_fn fn,
                       void *arg)
{
    if (attr->cnode_bits < 6 || attr->cnode_bits >= seL4_WordBits || fn == NULL) {
        return -1;
    }
    plat_thread_t *t = NULL;
    for (unsigned i = 0; i < RT_MAX_THREADS && t == NULL; i++) {
        if (threads[i].state == T_FREE) {
            t = &threads[i];
            t->index = i;
        }
    }
    if (t == NULL) {
        plat_printf("sel4bridge: no thread index left for '%s'\n", attr->name);
        return -1;
    }
    t->name = attr->name ? attr->name : "?";
    t->fn = fn;
    t->arg = arg;
    t->maps = (rt_maps_t){t->map_entries, MAP_ENTRIES, 0};
    for (unsigned i = 0; i < MAP_ENTRIES; i++) {
        t->map_entries[i].frame = seL4_CapNull;
    }
    t->state = T_CREATED;
    t->separate = attr->address_space == PLAT_AS_SEPARATE;
    t->core = attr->core % NODES;
    t->vspace = seL4_CapNull;
    t->objects.n = 0;
    atomic_store_explicit(&t->returned, 0, memory_order_relaxed);
    atomic_store_explicit(&t->faulted, 0, memory_order_relaxed);
    seL4_Error err = make_objects(t, attr);
    if (err == seL4_NoError) {
        err = fill_cspace(t, attr);
    }
    if (err == seL4_NoError) {
        err = configure(t, attr);
    }
    if (err != seL4_NoError) {
        plat_printf("sel4bridge: creating thread '%s' failed: error %d\n", t->name, (int)err);
        plat_thread_destroy(t);
        return -1;
    }
    *out = t;
    return 0;
}

seL4_Error plat_thread_share(plat_thread_t *t, const void *addr, size_t bytes)
{
    if (!t->separate) {
        return seL4_NoError; /* it sees all of the root's memory already */
    }
    return rt_component_share(&t->objects, t->vspace, (seL4_Word)addr, bytes);
}

seL4_CPtr plat_thread_tcb(plat_thread_t *t)
{
    return t->tcb;
}

seL4_CPtr plat_thread_cnode(plat_thread_t *t)
{
    return t->cnode;
}

seL4_Error plat_thread_start(plat_thread_t *t)
{
    seL4_Error err = seL4_TCB_Resume(t->tcb);
    if (err == seL4_NoError) {
        t->state = T_RUNNING;
    }
    return err;
}

/* A thread that may still run on a core other than the root's (0): its state there is beyond
 * what core 0's sentinel can see. */
static bool live_elsewhere(void)
{
    for (unsigned i = 0; i < RT_MAX_THREADS; i++) {
        plat_thread_t *t = &threads[i];
        if (t->state == T_RUNNING && t->core != 0 && !has_returned(t) &&
            !atomic_load_explicit(&t->faulted, memory_order_acquire)) {
            return true;
        }
    }
    return false;
}

int plat_thread_join(plat_thread_t *t)
{
    if (t->state == T_RUNNING) {
        seL4_Word mr[4];
        for (int i = 0; i < 4; i++) {
            mr[i] = seL4_GetMR(i); /* libsel4's Wait and Poll store MR0..3 */
        }
        /* Armed only while no thread is live on another core; none can become live during the
         * join (only the root starts threads), so once armed the sentinel's answer holds. */
        bool armed = false, idle = false;
        while (!idle && !has_returned(t) &&
               !atomic_load_explicit(&t->faulted, memory_order_acquire)) {
            if (!armed && !live_elsewhere()) {
                seL4_Signal(idle_arm);
                armed = true;
            }
            seL4_Word badge = 0;
            seL4_Wait(join_ntfn, &badge);
            idle = armed && (badge & JOIN_IDLE) != 0;
        }
        if (has_returned(t)) {
            t->state = T_RETURNED;
        }
        if (armed && !idle) {
            /* Disarm: the sentinel cannot have run, the root was never blocked for good. */
            seL4_Poll(idle_arm, NULL);
        }
        for (int i = 0; i < 4; i++) {
            seL4_SetMR(i, mr[i]);
        }
    }
    /* A thread blocked for good stays "running": should its fault handler resume it, a later
     * join still sees it return. */
    return t->state == T_RETURNED ? 0 : -1;
}

void plat_thread_destroy(plat_thread_t *t)
{
    if (t->tcb != seL4_CapNull) {
        (void)seL4_TCB_Suspend(t->tcb);
    }
    /* Deletes the TCB, the CNode (and with it every cap in the thread's CSpace, so its
     * mappings) and every cap derived from either. */
    if (t->ut != seL4_CapNull) {
        RT_CHECK(seL4_CNode_Revoke(seL4_CapInitThreadCNode, t->ut, seL4_WordBits));
    }
    plat_slot_free(t->tcb);
    plat_slot_free(t->cnode);
    rt_objects_forget(&t->objects); /* the VSpace went with the revoke */
    t->tcb = t->cnode = t->vspace = seL4_CapNull;
    rt_maps_forget(&t->maps);
    t->state = T_FREE;
}
