/*
 * Internal state of the host model of seL4: capabilities, CNode slots (ctes) and the mapping
 * database, kernel objects, thread states, and the functions each kernel file provides. Names
 * follow the seL4 kernel so that a reader who knows its source finds each semantic by name.
 */
#pragma once

#include <sel4/sel4.h>
#include <sel4bridge/plat.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BIT(n) (1ul << (n))
#define MASK(n) (((n) >= 64) ? ~0ul : (BIT(n) - 1ul))

/* ---- capabilities (structures.bf) ---- */

typedef enum {
    cap_null_cap = 0,
    cap_untyped_cap,
    cap_endpoint_cap,
    cap_notification_cap,
    cap_reply_cap,
    cap_cnode_cap,
    cap_thread_cap,
    cap_frame_cap,  /* x86 4K frame */
    cap_vspace_cap, /* PML4: the thread's address space (all threads share the host's) */
} cap_tag_t;

typedef struct tcb tcb_t;
typedef struct endpoint endpoint_t;
typedef struct notification notification_t;
typedef struct cnode cnode_t;
typedef struct cte cte_t;

typedef struct cap {
    cap_tag_t type;
    void *obj;           /* endpoint_t, notification_t, cnode_t or tcb_t (thread and reply caps) */
    seL4_Word paddr;     /* where the object lies in the model's physical memory */
    seL4_Word size_bits; /* the object's size (untyped: capBlockSize) */
    seL4_Word badge;     /* capEPBadge / capNtfnBadge */
    /* Endpoint rights; notification caps use can_send/can_receive; frames use can_send for
     * write and can_receive for read; reply caps use can_grant (capReplyCanGrant). */
    bool can_send, can_receive, can_grant, can_grant_reply;
    seL4_Word radix, guard, guard_size; /* CNode */
    seL4_Word free_index;               /* untyped: bytes already retyped (seL4 counts 16-byte units) */
    bool is_device;
    bool reply_master;
    seL4_Word mapped_vaddr; /* frame: where this cap's mapping lives, 0 when unmapped */
    bool has_asid;          /* VSpace: assigned an ASID (only such a PML4 cap can be copied) */
} cap_t;

/* A CNode slot with its mapping-database (capability derivation tree) node: mdb_node_t. */
struct cte {
    cap_t cap;
    cte_t *mdb_prev, *mdb_next;
    bool revocable, first_badged;
};

/* ---- objects ---- */

typedef enum { EPState_Idle, EPState_Send, EPState_Recv } ep_state_t;
struct endpoint {
    ep_state_t state;
    tcb_t *head, *tail;
};

typedef enum { NtfnState_Idle, NtfnState_Waiting, NtfnState_Active } ntfn_state_t;
struct notification {
    ntfn_state_t state;
    tcb_t *head, *tail;
    seL4_Word msg_identifier;
    tcb_t *bound_tcb;
};

struct cnode {
    seL4_Word radix;
    bool dying;
    cte_t slots[];
};

typedef enum {
    ThreadState_Inactive,
    ThreadState_Running,
    ThreadState_Restart,
    ThreadState_BlockedOnReceive,
    ThreadState_BlockedOnSend,
    ThreadState_BlockedOnReply,
    ThreadState_BlockedOnNotification,
} thread_state_t;

enum { lookup_fault_invalid_root, lookup_fault_missing_capability, lookup_fault_depth_mismatch,
       lookup_fault_guard_mismatch };
typedef struct {
    int type;
    seL4_Word bits_left, bits_found, guard_found;
} lookup_fault_t;

typedef struct {
    seL4_Word type; /* seL4_FaultType */
    seL4_Word address;
    seL4_Word in_receive_phase;
    seL4_Word ip, instruction_fault, fsr;
} fault_t;

struct tcb {
    thread_state_t state;
    void *blocking_object;
    seL4_Word blocking_badge;
    bool blocking_can_grant, blocking_can_grant_reply, blocking_is_call;
    tcb_t *ep_next, *ep_prev; /* endpoint or notification queue links */

    seL4_Word reg_info;  /* msgInfoRegister */
    seL4_Word reg_badge; /* badgeRegister */
    seL4_Word restart_pc;
    seL4_IPCBuffer *ipc_buffer;

    cte_t ctable, vtable, reply, caller; /* tcbCTable, tcbVTable, tcbReply, tcbCaller */
    seL4_CPtr fault_handler;
    fault_t fault;
    lookup_fault_t lookup_failure;
    notification_t *bound_notification;
    seL4_Word priority;

    /* Host side: the pthread that runs this TCB and how it sleeps. */
    _Atomic uint32_t wake; /* 0 spinning, 1 woken, 2 asleep on the futex */
    bool killed;           /* the TCB was destroyed: the pthread leaves at its next kernel entry */
    bool exited;           /* the thread function returned */
    bool faulted;          /* a fault was raised (plat_thread_join returns -1) */
    bool resume_after_syscall; /* suspended after its system call completed (updateRestartPC) */
    bool has_pthread, started, is_root;
    bool joining; /* in plat_thread_join: waiting, like a blocked thread */
    pthread_t pthread;
    sigjmp_buf exit_jmp;
    plat_thread_fn fn;
    void *arg;
    char name[32];
    tcb_t *pool_next;
};

/* ---- kernel-global state (protected by the kernel lock, as seL4's big kernel lock) ---- */

typedef enum { EXCEPTION_NONE, EXCEPTION_FAULT, EXCEPTION_LOOKUP_FAULT, EXCEPTION_SYSCALL_ERROR } exception_t;

typedef struct {
    seL4_Error type;
    seL4_Word invalid_argument_number, invalid_cap_number, range_min, range_max, memory_left;
    bool failed_lookup_was_source;
} syscall_error_t;

extern syscall_error_t current_syscall_error;
extern lookup_fault_t current_lookup_fault;
extern fault_t current_fault;
extern cte_t *current_extra_caps[seL4_MsgMaxExtraCaps];
extern __thread tcb_t *ks_cur_thread;
extern pthread_cond_t ks_join_cond;

void ks_lock(void);
void ks_unlock(void);

/* kernel entry/exit for a libsel4 call made by the current thread */
tcb_t *kernel_enter(seL4_Word pc);
void kernel_exit(void);

/* ---- thread.c: thread states, sleeping and waking, message transfer ---- */
#define SIM_SPIN_NS 10000
extern uint64_t sim_spin_cycles;
void setThreadState(tcb_t *t, thread_state_t ts);
void sim_wake(tcb_t *t);
void sim_flush_wakes(void);
bool isBlocked(const tcb_t *t);
void sim_wait_while_blocked(tcb_t *t);
_Noreturn void sim_thread_leave(tcb_t *t);
void tcb_queue_append(tcb_t **head, tcb_t **tail, tcb_t *t);
void tcb_queue_remove(tcb_t **head, tcb_t **tail, tcb_t *t);
void doIPCTransfer(tcb_t *sender, endpoint_t *ep, seL4_Word badge, bool grant, tcb_t *receiver);
void doReplyTransfer(tcb_t *sender, tcb_t *receiver, cte_t *slot, bool grant);
void doNBRecvFailedTransfer(tcb_t *t);
exception_t lookupExtraCaps(tcb_t *t, seL4_MessageInfo_t info);
seL4_MessageInfo_t messageInfoFromWord(seL4_Word w);

/* ---- tcb.c: the TCB object ---- */
tcb_t *tcb_alloc(void);
void tcb_release(tcb_t *t);
void setupCallerCap(tcb_t *sender, tcb_t *receiver, bool canGrant);
void deleteCallerCap(tcb_t *receiver);
void setupReplyMaster(tcb_t *t);
void suspend(tcb_t *t);
void restart(tcb_t *t);
void bindNotification(tcb_t *t, notification_t *n);
void unbindNotification(tcb_t *t);
void unbindMaybeNotification(notification_t *n);
enum tcb_op { TCBBindNotification, TCBUnbindNotification, TCBSuspend, TCBResume, TCBSetPriority };
exception_t decodeTCBInvocation(enum tcb_op op, cap_t cap, seL4_Word arg);
seL4_Word setMRs_syscall_error(tcb_t *t);

/* ---- endpoint.c ---- */
void sendIPC(bool blocking, bool do_call, seL4_Word badge, bool canGrant, bool canGrantReply, tcb_t *t,
             endpoint_t *ep);
void receiveIPC(tcb_t *t, cap_t cap, bool isBlocking);
void cancelIPC(tcb_t *t);
void cancelAllIPC(endpoint_t *ep);
void cancelBadgedSends(endpoint_t *ep, seL4_Word badge);
void replyFromKernel_error(tcb_t *t);
void replyFromKernel_success_empty(tcb_t *t);

/* ---- notification.c ---- */
void sendSignal(notification_t *n, seL4_Word badge);
void receiveSignal(tcb_t *t, cap_t cap, bool isBlocking);
void cancelAllSignals(notification_t *n);
void cancelSignal(tcb_t *t, notification_t *n);
void completeSignal(notification_t *n, tcb_t *t);

/* ---- cspace.c: capability lookup ---- */
typedef struct {
    exception_t status;
    cte_t *slot;
    seL4_Word bits_remaining;
} lookup_ret_t;
lookup_ret_t resolveAddressBits(cap_t node_cap, seL4_CPtr cptr, seL4_Word n_bits);
lookup_ret_t lookupSlot(tcb_t *t, seL4_CPtr cptr);
lookup_ret_t lookupSlotForCNodeOp(bool is_source, cap_t root, seL4_CPtr cptr, seL4_Word depth);

/* ---- cnode.c: slots, the mapping database, CNode invocations ---- */
void cteInsert(cap_t new_cap, cte_t *src, cte_t *dest);
void cteMove(cap_t new_cap, cte_t *src, cte_t *dest);
exception_t cteDelete(cte_t *slot, bool exposed);
void cteDeleteOne(cte_t *slot);
exception_t cteRevoke(cte_t *slot);
void insertNewCap(cte_t *parent, cte_t *slot, cap_t cap);
bool isMDBParentOf(const cte_t *a, const cte_t *b);
exception_t ensureEmptySlot(const cte_t *slot);
exception_t ensureNoChildren(const cte_t *slot);
cte_t *getReceiveSlots(tcb_t *t);
enum cnode_op { CNodeRevoke, CNodeDelete, CNodeCancelBadgedSends, CNodeCopy, CNodeMint, CNodeMove,
                CNodeMutate, CNodeRotate, CNodeSaveCaller };
typedef struct {
    seL4_Word dest_index, dest_depth, src_index, src_depth, rights, data;
} cnode_args_t;
exception_t decodeCNodeInvocation(enum cnode_op op, cap_t cap, const cnode_args_t *a);

/* ---- objecttype.c: per-type cap operations, object creation and destruction ---- */
typedef struct {
    exception_t status;
    cap_t cap;
} derive_ret_t;
cap_t cap_null_cap_new(void);
derive_ret_t deriveCap(cte_t *slot, cap_t cap);
void finaliseCap(cap_t cap, bool final);
bool sameRegionAs(const cap_t *a, const cap_t *b);
bool sameObjectAs(const cap_t *a, const cap_t *b);
bool isCapRevocable(const cap_t *derived, const cap_t *src);
cap_t updateCapData(bool preserve, seL4_Word data, cap_t cap);
cap_t maskCapRights(seL4_CapRights_t rights, cap_t cap);
seL4_Word getObjectSize(seL4_Word type, seL4_Word user_size);
bool isFrameType(seL4_Word type);
cap_t createObject(seL4_Word type, seL4_Word paddr, seL4_Word user_size, bool device);

/* ---- untyped.c ---- */
typedef struct {
    seL4_Word type, size_bits, node_index, node_depth, node_offset, num_objects;
} retype_args_t;
exception_t decodeUntypedInvocation(cte_t *slot, cap_t cap, const retype_args_t *a);

/* ---- frame.c: physical memory, frames and their mappings ---- */
#define SIM_RAM_BASE 0x100000000ul  /* physical address of the untyped pool */
#define SIM_RAM_BITS 30             /* 1 GiB of (sparse) physical memory */
#define SIM_KERNEL_PADDR 0x10000ul  /* boot objects that no untyped covers */
#define SIM_MAP_QUARANTINE_PAGES 16384ul /* unmapped pages an address waits behind (frame.c) */
void frame_init(void);
void frame_clear(seL4_Word paddr, seL4_Word bytes);
exception_t frame_map(cte_t *slot, seL4_Word *vaddr);
void frame_unmap(cap_t *cap);
void frame_clear_deferred(seL4_Word paddr, seL4_Word bytes);
/* Do the unmappings and clearings gathered during the invocation; under the kernel lock. */
void frame_flush(void);
bool frame_is_model_address(uintptr_t addr);

/* ---- fault.c ---- */
void handleFault(tcb_t *t);
bool handleFaultReply(tcb_t *receiver, tcb_t *sender);
seL4_Word setMRs_fault(tcb_t *sender, tcb_t *receiver);
seL4_Word setMRs_lookup_failure(seL4_IPCBuffer *buf, lookup_fault_t luf, seL4_Word offset);
void fault_init(void);
fault_t seL4_Fault_CapFault_new(seL4_Word address, bool in_receive_phase);

/* ---- plat.c ---- */
void sim_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
extern tcb_t *ks_root_tcb;
