/*
 * The per-kernel interface: what a root task does that libsel4 alone does not say — objects from
 * untyped memory, threads with their own CSpaces, frame mapping, the clock, the console, exit.
 * kernel/sim implements it on Linux (the host model), kernel/sel4 as a root task on real seL4.
 * Everything else in the project is written against <sel4/sel4.h> and this header only.
 */
#pragma once

#include <sel4/sel4.h>
#include <stddef.h>
#include <stdint.h>

/*
 * CSpace conventions. Every thread made by plat_thread_create() has a single-level CSpace root
 * CNode of 2^cnode_bits slots, guarded so that a cap pointer is resolved with depth seL4_WordBits
 * (cptr == slot index). Its low slots follow seL4's initial-thread numbering:
 *   seL4_CapInitThreadTCB    (1)  the thread's own TCB
 *   seL4_CapInitThreadCNode  (2)  its own CSpace root CNode
 *   seL4_CapInitThreadVSpace (3)  its VSpace (used by plat_frame_map)
 * Slots below PLAT_FIRST_FREE_SLOT are reserved for the platform; the rest are the thread's own.
 * The root task (the thread that called plat_init) has the same layout in its larger CNode.
 */
#define PLAT_FIRST_FREE_SLOT 16

/* The object types of a 4 KiB frame and of a VSpace root (the top-level paging structure) in
 * the architecture's libsel4 names (the host model's libsel4 is x86_64's). */
#if defined(CONFIG_ARCH_AARCH64) || defined(CONFIG_ARCH_AARCH32)
#define PLAT_FRAME_OBJECT seL4_ARM_SmallPageObject
#ifdef CONFIG_ARCH_AARCH64
#define PLAT_VSPACE_OBJECT seL4_ARM_VSpaceObject
#else
#define PLAT_VSPACE_OBJECT seL4_ARM_PageDirectoryObject
#endif
#elif defined(CONFIG_ARCH_RISCV)
#define PLAT_FRAME_OBJECT seL4_RISCV_4K_Page
#define PLAT_VSPACE_OBJECT seL4_RISCV_PageTableObject
#else
#define PLAT_FRAME_OBJECT seL4_X86_4K
#define PLAT_VSPACE_OBJECT seL4_X64_PML4Object
#endif

/* RISC-V's libsel4 does not name the fastpath's message limit: seL4's RISC-V fastpath takes a
 * message of at most n_msgRegisters = 4 words (a2..a5; its arch/riscv fastpath.h asserts it). */
#if defined(CONFIG_ARCH_RISCV) && !defined(seL4_FastMessageRegisters)
#define seL4_FastMessageRegisters 4
#endif

/* Make the calling thread the root task. Call once, before anything else. */
void plat_init(void);

/* A free slot of the root task's CNode, or seL4_CapNull when none is left. */
seL4_CPtr plat_slot_alloc(void);
/* Give back a slot; it must be empty. */
void plat_slot_free(seL4_CPtr slot);

/*
 * Retype one object of @type from the root task's untyped memory into a fresh root slot.
 * @size_bits is the radix for a CNode and the size for an untyped; ignored for fixed-size types.
 * Returns seL4's own error (seL4_NotEnoughMemory when the pool is exhausted).
 */
seL4_Error plat_obj_alloc(seL4_Word type, seL4_Word size_bits, seL4_CPtr *slot);

typedef struct plat_thread plat_thread_t;
typedef void (*plat_thread_fn)(void *arg);

/*
 * Where a thread runs. PLAT_AS_SHARED: in the root task's address space, as a thread of it.
 * PLAT_AS_SEPARATE: a protection domain of its own (a component): on seL4 a VSpace of its own
 * holding the image's code and constants read-only, its own stack, TLS and IPC buffer and the
 * frames it maps, and none of the image's data or bss (docs/isolation.md). Its thread function
 * must keep its state on its stack and in frames it maps, and reach other threads only through
 * caps; @arg is passed as a value (a pointer into the root's memory is not mapped there). On
 * the host model, which keeps every thread in one Linux process, both run alike.
 */
typedef enum {
    PLAT_AS_SHARED = 0,
    PLAT_AS_SEPARATE = 1,
} plat_address_space_t;

typedef struct {
    const char *name;       /* for the console and fault reports */
    seL4_Word cnode_bits;   /* radix of the thread's CSpace root CNode (>= 6) */
    seL4_Word priority;     /* seL4 priority, 0..seL4_MaxPrio */
    seL4_CPtr fault_ep;     /* root-task slot of an endpoint cap (minted with the badge wanted);
                               0 for none. It is copied into the thread's CSpace and becomes its
                               fault endpoint, as seL4_TCB_SetSpace would set it. */
    plat_address_space_t address_space; /* PLAT_AS_SHARED unless set */
    seL4_Word core;         /* seL4: the core it runs on (seL4_TCB_SetAffinity), modulo the
                               kernel's cores (KernelMaxNumNodes), so 0 on one core; the root
                               task is on core 0. The host model lets Linux place its threads. */
} plat_thread_attr_t;

/*
 * Create a thread (not yet running) with its own CSpace, IPC buffer, priority and fault endpoint.
 * The root task can place caps in the new CSpace with seL4_CNode_Copy/Mint into
 * plat_thread_cnode(t) (depth seL4_WordBits).
 */
int plat_thread_create(plat_thread_t **t, const plat_thread_attr_t *attr, plat_thread_fn fn,
                       void *arg);
/*
 * Share the root's memory [@addr, @addr + @bytes) with component @t: the whole pages of the
 * image's data or bss that hold it (the root's own stack is bss too) are mapped read-write into
 * its VSpace at the same addresses, so a pointer to it means the same in both. This is how a
 * builder grants a component a region it shares with the root (a results buffer, a test's
 * state); anything else on those pages is shared with it too. seL4_RangeError outside the
 * image; seL4_InvalidArgument for read-only pages (every component has those already). A thread
 * in the root's address space, and every thread on the host model, shares everything already:
 * seL4_NoError, nothing done.
 */
seL4_Error plat_thread_share(plat_thread_t *t, const void *addr, size_t bytes);
/* Root-task slot holding the thread's TCB cap. */
seL4_CPtr plat_thread_tcb(plat_thread_t *t);
/* Root-task slot holding a cap to the thread's CSpace root CNode. */
seL4_CPtr plat_thread_cnode(plat_thread_t *t);
/* Let it run (seL4_TCB_Resume). */
seL4_Error plat_thread_start(plat_thread_t *t);
/* Wait until fn has returned. Returns 0, or -1 if the thread faulted instead and never returned.
 * On seL4 with threads on more than one core, a thread blocked for good is not detected while a
 * thread runs on a core other than 0: the join waits (kernel/sel4/thread.c says why). */
int plat_thread_join(plat_thread_t *t);
/*
 * A fault of a component (PLAT_AS_SEPARATE) made without a fault endpoint goes to the
 * platform's fault handler, which prints which component faulted and where, records it here,
 * wakes plat_thread_join (-1), and leaves the component stopped; every other thread goes on.
 */
typedef struct {
    seL4_Word label; /* seL4_Fault_VMFault, seL4_Fault_CapFault, ... */
    seL4_Word addr;  /* the faulting address (VM and cap faults) */
    seL4_Word ip;    /* the instruction that faulted */
    seL4_Word fsr;   /* VM faults: the fault status (x86: the page fault error code;
                        AArch64: the syndrome, ESR) */
    int write;       /* VM faults: 1 when the faulting access was a write, as fsr says */
} plat_fault_t;
/* True when the platform's fault handler recorded a fault of @t; then *@fault says which.
 * Always false on the host model and for threads with a fault endpoint of their own. */
int plat_thread_fault(plat_thread_t *t, plat_fault_t *fault);
/* Delete the thread's objects (its TCB, CNode and IPC buffer) and free its root slots. */
void plat_thread_destroy(plat_thread_t *t);

/*
 * Map the frame cap @frame (a slot in the calling thread's CSpace) read-write into the caller's
 * VSpace and return its address. When the frame cap (or one it derives from) is deleted or
 * revoked, the mapping goes away as on seL4: a later access is a VM fault, delivered to the
 * accessing thread's fault endpoint.
 */
seL4_Error plat_frame_map(seL4_CPtr frame, void **vaddr);
seL4_Error plat_frame_unmap(seL4_CPtr frame);

/* The cycle counter (x86: lfence; rdtsc) and its frequency in Hz. */
uint64_t plat_cycles(void);
uint64_t plat_timer_hz(void);

/* The console. */
void plat_putchar(int c);
int plat_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* End the whole system with @status (0 = success). On seL4 in QEMU this exits QEMU. */
_Noreturn void plat_exit(int status);
