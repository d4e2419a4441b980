/*
 * What a conformance test may use besides <sel4/sel4.h> and <sel4bridge/plat.h>: exact-outcome
 * checks that print and fail the test, and helpers that allocate objects, slots and threads and
 * give them back when the test ends (so a seL4 root task can run every test in one system).
 */
#pragma once

#include <sel4/sel4.h>
#include <sel4bridge/plat.h>
#include <stdbool.h>
#include <stddef.h>

void tc_fail(const char *file, int line, const char *what);
void tc_fail_eq(const char *file, int line, const char *a, const char *b, seL4_Word va, seL4_Word vb);

#define CHECK(c)                                                                                           \
    do {                                                                                                   \
        if (!(c)) {                                                                                        \
            tc_fail(__FILE__, __LINE__, #c);                                                               \
            return 1;                                                                                      \
        }                                                                                                  \
    } while (0)

#define CHECK_EQ(a, b)                                                                                     \
    do {                                                                                                   \
        seL4_Word va_ = (seL4_Word)(a), vb_ = (seL4_Word)(b);                                              \
        if (va_ != vb_) {                                                                                  \
            tc_fail_eq(__FILE__, __LINE__, #a, #b, va_, vb_);                                              \
            return 1;                                                                                      \
        }                                                                                                  \
    } while (0)

#define CHECK_OK(e) CHECK_EQ((e), seL4_NoError)

/* What a VM fault's FSR message register says, in the architecture's own encoding: x86's page
 * fault error code (the host model's too: W/R is bit 1, P bit 0), AArch64's syndrome ESR (WnR is
 * bit 6; a permission fault, on a page that is mapped, has fault status 0b0011xx), RISC-V's
 * access-fault cause (7 for a store, 5 a load, 1 a fetch). seL4 on RISC-V reports a page fault
 * and an access fault alike (handleVMFault in its arch/riscv vspace.c turns cause 15 into 7,
 * 13 into 5, 12 into 1), so whether the page was mapped is not in the message there:
 * TC_FSR_HAS_PRESENT is 0 and a test does not ask. */
#if defined(CONFIG_ARCH_AARCH64)
#define TC_FSR_WRITE(fsr) (((fsr) >> 6) & 1)
#define TC_FSR_PRESENT(fsr) (((fsr) & 0x3c) == 0x0c)
#elif defined(CONFIG_ARCH_RISCV)
#define TC_FSR_WRITE(fsr) ((fsr) == 7)
#define TC_FSR_HAS_PRESENT 0
#else
#define TC_FSR_WRITE(fsr) (((fsr) >> 1) & 1)
#define TC_FSR_PRESENT(fsr) ((fsr) & 1)
#endif
#ifndef TC_FSR_HAS_PRESENT
#define TC_FSR_HAS_PRESENT 1
#endif

/* Slots of a test thread's own CSpace that tests place caps in. */
#define TC_SLOT(n) (PLAT_FIRST_FREE_SLOT + (n))
#define TC_THREAD_CNODE_BITS 8
#define ROOT seL4_CapInitThreadCNode
#define DEPTH seL4_WordBits

/* A fresh object of @type in a root slot; seL4_CapNull if it could not be made. */
seL4_CPtr tc_obj(seL4_Word type, seL4_Word size_bits);
/* An empty root slot, emptied again at the end of the test. */
seL4_CPtr tc_slot(void);
/* A created (not started) thread; fault_ep is a root slot or 0. Destroyed at the end of the test. */
plat_thread_t *tc_thread(const char *name, plat_thread_fn fn, void *arg, seL4_CPtr fault_ep);
/* tc_thread, then Mint @src (a root slot) with @rights and @badge into @slot of its CSpace, then
 * start it; NULL if any step fails. */
plat_thread_t *tc_start(const char *name, plat_thread_fn fn, void *arg, seL4_CPtr fault_ep, seL4_CPtr slot,
                        seL4_CPtr src, seL4_CapRights_t rights, seL4_Word badge);
/* Destroy a thread made by tc_thread before the test ends. */
void tc_destroy(plat_thread_t *t);
/* Mint @src (a root slot) with @rights and @badge into @slot of @t's CSpace. */
seL4_Error tc_give(plat_thread_t *t, seL4_CPtr slot, seL4_CPtr src, seL4_CapRights_t rights, seL4_Word badge);
/* Whether @slot of the CNode @cnode (a root slot) is empty. */
bool tc_slot_empty_in(seL4_CPtr cnode, seL4_CPtr slot);
/* Whether root slot @slot is empty. */
bool tc_slot_empty(seL4_CPtr slot);
/* Receive on @ep without blocking, yielding in between, until a message with a non-zero badge
 * arrives or @tries attempts have found nothing (then the badge is 0). */
seL4_MessageInfo_t tc_poll_recv(seL4_CPtr ep, seL4_Word *badge, unsigned long tries);
/* Give other threads a chance to run (bounded). */
void tc_yield(unsigned n);

/* The runner calls this after every test: deletes what the tc_ helpers handed out. */
void tc_cleanup(void);
