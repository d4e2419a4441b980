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
 * from an idle sentinel: a thread at priority 0 (reserved by the platform) that join arms before
 * it waits. The sentinel can only run when every other thread is blocked; nothing outside the
 * threads (no interrupt, no timer) can wake any of them then, so the joined thread will never
 * return, and join says -1. Join waits on notifications only, so the root's reply cap (which a
 * receive on an endpoint would delete) survives it, and it keeps the root's message registers.
 */
#include "rt.h"

#include <stdatomic.h>

#define MAP_ENTRIES 512

enum { T_FREE, T_CREATED, T_RUNNING, T_RETURNED };

struct plat_thread {
    unsigned index;
    int state;
    const char *name;
    plat_thread_fn fn;
    void *arg;
    seL4_CPtr tcb, cnode;      /* root slots */
    seL4_CPtr ut;              /* root slot: the untyped the TCB and CNode come from */
    seL4_Word ut_bits;
    seL4_CPtr ipc_frame;       /* root slot; 0 until the index is first used */
    seL4_CPtr stack[RT_STACK_PAGES];
    atomic_int returned;       /* set by the thread when fn has returned */
    rt_maps_t maps;
    rt_map_entry_t map_entries[MAP_ENTRIES];
};

static plat_thread_t threads[RT_MAX_THREADS];
static seL4_CPtr join_ntfn; /* signalled by returning threads and by the sentinel */
static seL4_CPtr idle_arm;  /* signalled by join for the sentinel */
static plat_thread_t *sentinel;

enum {
    JOIN_RETURNED = 1, /* badge of the join notification in an ordinary thread's CSpace */
    JOIN_IDLE = 2,     /* ... in the sentinel's */
    SENTINEL_SLOT_ARM = PLAT_FIRST_FREE_SLOT,
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

void rt_threads_init(void)
{
    RT_CHECK(plat_obj_alloc(seL4_NotificationObject, 0, &join_ntfn));
    RT_CHECK(plat_obj_alloc(seL4_NotificationObject, 0, &idle_arm));
    plat_thread_attr_t attr = {.name = "idle sentinel", .cnode_bits = 6, .priority = 0};
    if (plat_thread_create(&sentinel, &attr, idle_sentinel, NULL) != 0) {
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
    seL4_Error err = plat_obj_alloc(seL4_X86_4K, 0, frame);
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
static seL4_Error ensure_untyped(plat_thread_t *t, seL4_Word cnode_bits)
{
    seL4_Word cnode_size = cnode_bits + seL4_SlotBits;
    seL4_Word need = (cnode_size > seL4_TCBBits ? cnode_size : seL4_TCBBits) + 1;
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
    rt_self.serial = RT_SLOT_SERIAL;
    rt_self.exit_port = RT_SLOT_EXIT;
    rt_self.maps = &t->maps;
    t->fn(t->arg);
    /* Release: what fn wrote is visible to the root once it sees the flag. */
    atomic_store_explicit(&t->returned, 1, memory_order_release);
    seL4_Signal(RT_SLOT_JOIN);
    for (;;) {
        (void)seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    }
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
        err = copy_in(t, seL4_CapInitThreadVSpace, seL4_CapInitThreadVSpace, 0);
    }
    if (err == seL4_NoError) {
        rt_console_grant(t->cnode);
        err = copy_in(t, RT_SLOT_JOIN, join_ntfn, badge);
    }
    if (err == seL4_NoError && attr->fault_ep != seL4_CapNull) {
        err = copy_in(t, RT_SLOT_FAULT, attr->fault_ep, 0);
    }
    return err;
}

static seL4_Error configure(plat_thread_t *t, const plat_thread_attr_t *attr)
{
    seL4_Word guard = seL4_CNode_CapData_new(0, seL4_WordBits - attr->cnode_bits).words[0];
    seL4_Error err = seL4_TCB_Configure(t->tcb, RT_SLOT_FAULT, t->cnode, guard,
                                        seL4_CapInitThreadVSpace, 0, ipc_vaddr(t), t->ipc_frame);
    if (err == seL4_NoError) {
        err = seL4_TCB_SetSchedParams(t->tcb, seL4_CapInitThreadTCB, attr->priority,
                                      attr->priority);
    }
    if (err != seL4_NoError) {
        return err;
    }
    /* TLS block at the top of the stack; the stack starts below it, as after a call. */
    seL4_Word tp = rt_tls_init((void *)stack_top(t));
    seL4_Word sp = ((tp - rt_tls_size()) & ~15UL) - sizeof(seL4_Word);
    seL4_UserContext regs = {0};
    regs.rip = (seL4_Word)thread_entry;
    regs.rsp = sp;
    regs.rdi = (seL4_Word)t;
    regs.fs_base = tp;
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
    atomic_store_explicit(&t->returned, 0, memory_order_relaxed);
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

int plat_thread_join(plat_thread_t *t)
{
    if (t->state == T_RUNNING) {
        seL4_Word mr[4];
        for (int i = 0; i < 4; i++) {
            mr[i] = seL4_GetMR(i); /* libsel4's Wait and Poll store MR0..3 */
        }
        seL4_Signal(idle_arm);
        bool idle = false;
        while (!idle && !atomic_load_explicit(&t->returned, memory_order_acquire)) {
            seL4_Word badge = 0;
            seL4_Wait(join_ntfn, &badge);
            idle = (badge & JOIN_IDLE) != 0;
        }
        if (atomic_load_explicit(&t->returned, memory_order_acquire)) {
            t->state = T_RETURNED;
        }
        if (!idle) {
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
    t->tcb = t->cnode = seL4_CapNull;
    rt_maps_forget(&t->maps);
    t->state = T_FREE;
}
