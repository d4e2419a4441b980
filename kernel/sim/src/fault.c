/*
 * Faults, as src/kernel/faulthandler.c (handleFault, sendFaultIPC, handleDoubleFault) and
 * src/api/faults.c (setMRs_fault, setMRs_lookup_failure, handleFaultReply). A cap fault is raised
 * by the system-call paths; a VM fault comes from SIGSEGV on an address of the mapping arena
 * whose frame has been unmapped. The faulting thread is sent to its fault endpoint as a Call and
 * stays blocked until the handler replies (then it retries) or forever, as on seL4.
 */
#include "kernel.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

fault_t seL4_Fault_CapFault_new(seL4_Word address, bool in_receive_phase)
{
    return (fault_t){.type = seL4_Fault_CapFault, .address = address, .in_receive_phase = in_receive_phase};
}

seL4_Word setMRs_lookup_failure(seL4_IPCBuffer *buf, lookup_fault_t luf, seL4_Word offset)
{
    seL4_Word *mr = buf->msg;
    mr[offset] = (seL4_Word)luf.type + 1; /* seL4_LookupFailureType counts from seL4_InvalidRoot = 1 */
    switch (luf.type) {
    case lookup_fault_invalid_root:
        return offset + 1;
    case lookup_fault_missing_capability:
        mr[offset + 1] = luf.bits_left;
        return offset + 2;
    case lookup_fault_depth_mismatch:
        mr[offset + 1] = luf.bits_left;
        mr[offset + 2] = luf.bits_found;
        return offset + 3;
    default: /* guard mismatch */
        mr[offset + 1] = luf.bits_left;
        mr[offset + 2] = luf.guard_found;
        mr[offset + 3] = luf.bits_found;
        return offset + 4;
    }
}

seL4_Word setMRs_fault(tcb_t *sender, tcb_t *receiver)
{
    seL4_Word *mr = receiver->ipc_buffer->msg;
    switch (sender->fault.type) {
    case seL4_Fault_CapFault:
        mr[seL4_CapFault_IP] = sender->restart_pc;
        mr[seL4_CapFault_Addr] = sender->fault.address;
        mr[seL4_CapFault_InRecvPhase] = sender->fault.in_receive_phase;
        return setMRs_lookup_failure(receiver->ipc_buffer, sender->lookup_failure, seL4_CapFault_LookupFailureType);
    case seL4_Fault_VMFault:
        mr[seL4_VMFault_IP] = sender->fault.ip;
        mr[seL4_VMFault_Addr] = sender->fault.address;
        mr[seL4_VMFault_PrefetchFault] = sender->fault.instruction_fault;
        mr[seL4_VMFault_FSR] = sender->fault.fsr;
        return seL4_VMFault_Length;
    default:
        return 0;
    }
}

/* handleFaultReply: a reply to a cap or VM fault restarts the faulting thread. */
bool handleFaultReply(tcb_t *receiver, tcb_t *sender)
{
    switch (receiver->fault.type) {
    case seL4_Fault_CapFault:
    case seL4_Fault_VMFault:
        return true;
    default:
        return seL4_MessageInfo_get_label(messageInfoFromWord(sender->reg_info)) == 0;
    }
}

static exception_t sendFaultIPC(tcb_t *t)
{
    lookup_fault_t original_lookup_fault = current_lookup_fault;
    lookup_ret_t lu = lookupSlot(t, t->fault_handler);
    if (lu.status != EXCEPTION_NONE) {
        current_fault = seL4_Fault_CapFault_new(t->fault_handler, false);
        return EXCEPTION_FAULT;
    }
    cap_t h = lu.slot->cap;
    if (h.type == cap_endpoint_cap && h.can_send && (h.can_grant || h.can_grant_reply)) {
        t->fault = current_fault;
        if (current_fault.type == seL4_Fault_CapFault) {
            t->lookup_failure = original_lookup_fault;
        }
        sendIPC(true, true, h.badge, h.can_grant, true, t, h.obj);
        return EXCEPTION_NONE;
    }
    current_fault = seL4_Fault_CapFault_new(t->fault_handler, false);
    current_lookup_fault = (lookup_fault_t){.type = lookup_fault_missing_capability, .bits_left = 0};
    return EXCEPTION_FAULT;
}

static void print_fault(const fault_t *f)
{
    switch (f->type) {
    case seL4_Fault_CapFault:
        fprintf(stderr, "cap fault in %s phase at address %#lx", f->in_receive_phase ? "receive" : "send",
                (unsigned long)f->address);
        break;
    case seL4_Fault_VMFault:
        fprintf(stderr, "vm fault on %s at address %#lx with status %#lx", f->instruction_fault ? "code" : "data",
                (unsigned long)f->address, (unsigned long)f->fsr);
        break;
    default:
        fprintf(stderr, "unknown fault");
        break;
    }
}

/* handleDoubleFault: no usable fault handler. seL4 prints and leaves the thread inactive; the
 * model does the same, except for the root task, whose process it ends (nothing could resume it). */
static void handleDoubleFault(tcb_t *t, fault_t ex1)
{
    fprintf(stderr, "Caught ");
    print_fault(&current_fault);
    fprintf(stderr, "\nwhile trying to handle:\n");
    print_fault(&ex1);
    fprintf(stderr, "\nin thread \"%s\" at address %#lx\n", t->name, (unsigned long)t->restart_pc);
    if (t->is_root) {
        sim_fatal("the root task faulted with no fault handler");
    }
    setThreadState(t, ThreadState_Inactive);
}

void handleFault(tcb_t *t)
{
    fault_t fault = current_fault;
    t->faulted = true;
    if (sendFaultIPC(t) != EXCEPTION_NONE) {
        handleDoubleFault(t, fault);
    }
    pthread_cond_broadcast(&ks_join_cond);
}

/*
 * SIGSEGV on a mapping-arena address is a VM fault of the current thread: it is delivered as a
 * fault IPC and the thread waits, inside the handler, for the handler's reply; returning from the
 * signal handler then retries the access, as seL4 restarts the faulting instruction. Any other
 * SIGSEGV is a real crash: it goes to the handler installed before ours.
 */
static struct sigaction previous_segv;

static void segv_handler(int sig, siginfo_t *si, void *uctx)
{
    int saved_errno = errno;
    uintptr_t addr = (uintptr_t)si->si_addr;
    tcb_t *t = ks_cur_thread;
    if (!t || !frame_is_model_address(addr)) {
        /* not ours: put back whoever handled SIGSEGV before (a sanitizer, or the default) and let
         * the access fault again */
        sigaction(sig, &previous_segv, NULL);
        errno = saved_errno;
        return;
    }
    ucontext_t *uc = uctx;
    seL4_Word err = (seL4_Word)uc->uc_mcontext.gregs[REG_ERR];
    ks_lock();
    if (t->killed && t->has_pthread) {
        sim_thread_leave(t);
    }
    t->state = ThreadState_Running;
    current_fault = (fault_t){.type = seL4_Fault_VMFault,
                              .address = addr,
                              .ip = (seL4_Word)uc->uc_mcontext.gregs[REG_RIP],
                              .instruction_fault = (err & 0x10) ? 1 : 0,
                              .fsr = err};
    handleFault(t);
    sim_wait_while_blocked(t);
    t->state = ThreadState_Running;
    ks_unlock();
    errno = saved_errno;
}

void fault_init(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = segv_handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, &previous_segv) != 0) {
        sim_fatal("cannot install the SIGSEGV handler");
    }
}
