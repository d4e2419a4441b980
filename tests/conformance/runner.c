/* The portable conformance runner and the tc_ helpers (plat_printf only, no libc I/O). */
#include "runner.h"

#include "check.h"
#include "tests.h"

#include <string.h>

const conformance_test_t conformance_tests[] = {
#define T(name) {#name, test_##name},
    CONFORMANCE_TESTS(T)
#undef T
};
const unsigned conformance_test_count = sizeof(conformance_tests) / sizeof(conformance_tests[0]);

const conformance_test_t *conformance_find(const char *name)
{
    size_t n = strlen(name) + 1; /* compare the terminators too */
    for (unsigned i = 0; i < conformance_test_count; i++) {
        if (strlen(conformance_tests[i].name) + 1 == n && memcmp(conformance_tests[i].name, name, n) == 0) {
            return &conformance_tests[i];
        }
    }
    return NULL;
}

int conformance_run(const conformance_test_t *t)
{
    int r = t->fn();
    tc_cleanup();
    plat_printf("%s %s\n", r == 0 ? "PASS" : "FAIL", t->name);
    return r;
}

int conformance_run_all(void)
{
    int failed = 0;
    for (unsigned i = 0; i < conformance_test_count; i++) {
        failed += conformance_run(&conformance_tests[i]) != 0;
    }
    plat_printf("conformance: %u tests, %u passed, %d failed\n", conformance_test_count,
                conformance_test_count - (unsigned)failed, failed);
    return failed;
}

/* ---- checks ---- */

void tc_fail(const char *file, int line, const char *what)
{
    plat_printf("  %s:%d: check failed: %s\n", file, line, what);
}

void tc_fail_eq(const char *file, int line, const char *a, const char *b, seL4_Word va, seL4_Word vb)
{
    plat_printf("  %s:%d: %s == %s failed: %lu (%#lx) != %lu (%#lx)\n", file, line, a, b, (unsigned long)va,
                (unsigned long)va, (unsigned long)vb, (unsigned long)vb);
}

/* ---- what a test was given, taken back by tc_cleanup ---- */

#define TC_MAX_SLOTS 512
#define TC_MAX_THREADS 16
static seL4_CPtr tc_slots[TC_MAX_SLOTS];
static unsigned tc_nslots;
static plat_thread_t *tc_threads[TC_MAX_THREADS];
static unsigned tc_nthreads;

static void tc_record_slot(seL4_CPtr s)
{
    if (tc_nslots < TC_MAX_SLOTS) {
        tc_slots[tc_nslots++] = s;
    }
}

seL4_CPtr tc_obj(seL4_Word type, seL4_Word size_bits)
{
    seL4_CPtr s;
    if (plat_obj_alloc(type, size_bits, &s) != seL4_NoError) {
        return seL4_CapNull;
    }
    tc_record_slot(s);
    return s;
}

seL4_CPtr tc_slot(void)
{
    seL4_CPtr s = plat_slot_alloc();
    if (s != seL4_CapNull) {
        tc_record_slot(s);
    }
    return s;
}

plat_thread_t *tc_thread(const char *name, plat_thread_fn fn, void *arg, seL4_CPtr fault_ep)
{
    plat_thread_attr_t attr = {
        .name = name, .cnode_bits = TC_THREAD_CNODE_BITS, .priority = seL4_MaxPrio, .fault_ep = fault_ep};
    plat_thread_t *t;
    if (tc_nthreads >= TC_MAX_THREADS || plat_thread_create(&t, &attr, fn, arg) != 0) {
        return NULL;
    }
    tc_threads[tc_nthreads++] = t;
    return t;
}

plat_thread_t *tc_start(const char *name, plat_thread_fn fn, void *arg, seL4_CPtr fault_ep, seL4_CPtr slot,
                        seL4_CPtr src, seL4_CapRights_t rights, seL4_Word badge)
{
    plat_thread_t *t = tc_thread(name, fn, arg, fault_ep);
    if (!t || tc_give(t, slot, src, rights, badge) != seL4_NoError || plat_thread_start(t) != seL4_NoError) {
        return NULL;
    }
    return t;
}

void tc_destroy(plat_thread_t *t)
{
    for (unsigned i = 0; i < tc_nthreads; i++) {
        if (tc_threads[i] == t) {
            tc_threads[i] = tc_threads[--tc_nthreads];
            plat_thread_destroy(t);
            return;
        }
    }
}

seL4_Error tc_give(plat_thread_t *t, seL4_CPtr slot, seL4_CPtr src, seL4_CapRights_t rights, seL4_Word badge)
{
    return seL4_CNode_Mint(plat_thread_cnode(t), slot, DEPTH, ROOT, src, DEPTH, rights, badge);
}

bool tc_slot_empty_in(seL4_CPtr cnode, seL4_CPtr slot)
{
    /* Copying from an empty slot is the one way the API tells emptiness: seL4_FailedLookup. */
    seL4_CPtr tmp = plat_slot_alloc();
    seL4_Error e = seL4_CNode_Copy(ROOT, tmp, DEPTH, cnode, slot, DEPTH, seL4_AllRights);
    if (e == seL4_NoError) {
        seL4_CNode_Delete(ROOT, tmp, DEPTH);
    }
    plat_slot_free(tmp);
    return e == seL4_FailedLookup;
}

bool tc_slot_empty(seL4_CPtr slot)
{
    return tc_slot_empty_in(ROOT, slot);
}

seL4_MessageInfo_t tc_poll_recv(seL4_CPtr ep, seL4_Word *badge, unsigned long tries)
{
    seL4_MessageInfo_t info = seL4_MessageInfo_new(0, 0, 0, 0);
    *badge = 0;
    for (unsigned long i = 0; i < tries && *badge == 0; i++) {
        info = seL4_NBRecv(ep, badge);
        if (*badge == 0) {
            seL4_Yield();
        }
    }
    return info;
}

void tc_yield(unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        seL4_Yield();
    }
}

void tc_cleanup(void)
{
    for (unsigned i = 0; i < tc_nthreads; i++) {
        plat_thread_destroy(tc_threads[i]);
    }
    tc_nthreads = 0;
    for (unsigned i = tc_nslots; i-- > 0;) {
        seL4_CNode_Revoke(ROOT, tc_slots[i], DEPTH);
        seL4_CNode_Delete(ROOT, tc_slots[i], DEPTH);
        plat_slot_free(tc_slots[i]);
    }
    tc_nslots = 0;
    seL4_SetCapReceivePath(0, 0, 0);
}
