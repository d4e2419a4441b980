/*
 * The platform's own check on real seL4: the root task boots and prints, and plat.h behaves as
 * documented — objects from untyped, threads in their own CSpaces calling the root over an
 * endpoint, a frame shared through two mappings, a cap fault and a VM fault after revocation
 * delivered to a fault endpoint, join of a returning and of a faulting thread; and the root
 * task's memset, which works a word at a time. Exit status is the number of failed checks.
 */
#include <sel4/sel4.h>
#include <sel4bridge/plat.h>
#include <stdbool.h>
#include <string.h>

static int failures;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            plat_printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                            \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

enum { CHILD_EP = PLAT_FIRST_FREE_SLOT, CHILD_FRAME, CHILD_EMPTY };

static void caller(void *arg)
{
    (void)arg;
    seL4_SetMR(0, 41);
    seL4_MessageInfo_t reply = seL4_Call(CHILD_EP, seL4_MessageInfo_new(7, 0, 0, 1));
    *(volatile seL4_Word *)arg = seL4_MessageInfo_get_length(reply) == 1 ? seL4_GetMR(0) : 0;
}

static void reader(void *arg)
{
    void *va = NULL;
    seL4_Error err = plat_frame_map(CHILD_FRAME, &va);
    *(volatile seL4_Word *)arg = err == seL4_NoError ? *(volatile seL4_Word *)va : err;
}

/* seL4 raises a cap fault for a receive on an empty slot, and for any syscall on a cptr whose
 * lookup fails (here: bits beyond the CNode's guard); a send to an empty slot is only an error. */
static void cap_faulter(void *arg)
{
    if (arg == NULL) {
        seL4_Wait(CHILD_EMPTY, NULL);
    } else {
        seL4_Send((seL4_CPtr)arg, seL4_MessageInfo_new(0, 0, 0, 0));
    }
}

static void vm_faulter(void *arg)
{
    (void)*(volatile seL4_Word *)arg;
}

static plat_thread_t *spawn(const char *name, seL4_CPtr fault_ep, plat_thread_fn fn, void *arg)
{
    plat_thread_t *t = NULL;
    plat_thread_attr_t attr = {.name = name, .cnode_bits = 8, .priority = 100, .fault_ep = fault_ep};
    CHECK(plat_thread_create(&t, &attr, fn, arg) == 0);
    return t;
}

static void test_ipc(seL4_CPtr ep, bool quiet)
{
    volatile seL4_Word got = 0;
    plat_thread_t *t = spawn("caller", 0, caller, (void *)&got);
    CHECK(seL4_CNode_Mint(plat_thread_cnode(t), CHILD_EP, seL4_WordBits, seL4_CapInitThreadCNode,
                          ep, seL4_WordBits, seL4_AllRights, 0x42) == seL4_NoError);
    CHECK(plat_thread_start(t) == seL4_NoError);
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
    CHECK(badge == 0x42);
    CHECK(seL4_MessageInfo_get_label(info) == 7);
    CHECK(seL4_MessageInfo_get_length(info) == 1 && seL4_GetMR(0) == 41);
    seL4_SetMR(0, 42);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 1));
    CHECK(plat_thread_join(t) == 0);
    CHECK(got == 42);
    plat_thread_destroy(t);
    if (!quiet) {
        plat_printf("ipc: call/reply between CSpaces done\n");
    }
}

static void test_shared_frame(void)
{
    seL4_CPtr frame;
    void *va = NULL;
    CHECK(plat_obj_alloc(PLAT_FRAME_OBJECT, 0, &frame) == seL4_NoError);
    CHECK(plat_frame_map(frame, &va) == seL4_NoError);
    *(volatile seL4_Word *)va = 0x5e14b41d;
    volatile seL4_Word got = 0;
    plat_thread_t *t = spawn("reader", 0, reader, (void *)&got);
    CHECK(seL4_CNode_Copy(plat_thread_cnode(t), CHILD_FRAME, seL4_WordBits,
                          seL4_CapInitThreadCNode, frame, seL4_WordBits,
                          seL4_AllRights) == seL4_NoError);
    CHECK(plat_thread_start(t) == seL4_NoError);
    CHECK(plat_thread_join(t) == 0);
    CHECK(got == 0x5e14b41d);
    plat_thread_destroy(t);
    /* A mapped cap is not mapped twice (seL4 refuses a second address); unmapped, it maps. */
    void *again = NULL;
    CHECK(plat_frame_map(frame, &again) == seL4_InvalidArgument);
    CHECK(plat_frame_unmap(frame) == seL4_NoError);
    CHECK(plat_frame_map(frame, &again) == seL4_NoError);
    CHECK(*(volatile seL4_Word *)again == 0x5e14b41d);
    CHECK(seL4_CNode_Delete(seL4_CapInitThreadCNode, frame, seL4_WordBits) == seL4_NoError);
    plat_slot_free(frame);
    plat_printf("frames: one frame seen through two mappings\n");
}

/* memset at every alignment and length up to three words: exactly the bytes asked for. */
static void test_memset(void)
{
    static unsigned char buf[64];
    int wrong = 0;
    for (size_t at = 0; at < 8; at++) {
        for (size_t n = 0; n <= 24; n++) {
            for (size_t i = 0; i < sizeof buf; i++) {
                buf[i] = 0x11;
            }
            void *r = memset(&buf[8 + at], 0xa5, n);
            wrong += r != &buf[8 + at];
            for (size_t i = 0; i < sizeof buf; i++) {
                bool in = i >= 8 + at && i < 8 + at + n;
                wrong += buf[i] != (in ? 0xa5 : 0x11);
            }
        }
    }
    CHECK(wrong == 0);
}

static void test_faults(seL4_CPtr ep)
{
    /* A blocking send on an empty slot: a cap fault, to the thread's fault endpoint. */
    seL4_CPtr fault_ep = plat_slot_alloc();
    CHECK(seL4_CNode_Mint(seL4_CapInitThreadCNode, fault_ep, seL4_WordBits,
                          seL4_CapInitThreadCNode, ep, seL4_WordBits, seL4_AllRights,
                          0x99) == seL4_NoError);
    static const seL4_CPtr bad[] = {CHILD_EMPTY, 1UL << 40};
    seL4_Word badge = 0;
    seL4_MessageInfo_t info;
    plat_thread_t *t;
    for (int i = 0; i < 2; i++) {
        t = spawn("cap_faulter", fault_ep, cap_faulter, i == 0 ? NULL : (void *)bad[i]);
        CHECK(plat_thread_start(t) == seL4_NoError);
        info = seL4_Recv(ep, &badge);
        CHECK(badge == 0x99);
        CHECK(seL4_MessageInfo_get_label(info) == seL4_Fault_CapFault);
        CHECK(seL4_GetMR(seL4_CapFault_Addr) == bad[i]);
        CHECK(seL4_GetMR(seL4_CapFault_InRecvPhase) == (i == 0));
        /* Its fault went to its own handler, which has not resumed it: it never returns. */
        CHECK(plat_thread_join(t) == -1);
        plat_thread_destroy(t);
    }

    /* Without a fault endpoint of its own, a faulting thread's join says so. */
    t = spawn("null_reader", 0, vm_faulter, NULL);
    CHECK(plat_thread_start(t) == seL4_NoError);
    CHECK(plat_thread_join(t) == -1);
    plat_thread_destroy(t);

    /* A revoked frame is unmapped: the next access is a VM fault at that address. */
    seL4_CPtr frame, copy = plat_slot_alloc();
    void *va = NULL;
    CHECK(plat_obj_alloc(PLAT_FRAME_OBJECT, 0, &frame) == seL4_NoError);
    CHECK(seL4_CNode_Copy(seL4_CapInitThreadCNode, copy, seL4_WordBits, seL4_CapInitThreadCNode,
                          frame, seL4_WordBits, seL4_AllRights) == seL4_NoError);
    CHECK(plat_frame_map(copy, &va) == seL4_NoError);
    *(volatile seL4_Word *)va = 1;
    CHECK(seL4_CNode_Revoke(seL4_CapInitThreadCNode, frame, seL4_WordBits) == seL4_NoError);
    t = spawn("revoked_reader", fault_ep, vm_faulter, va);
    CHECK(plat_thread_start(t) == seL4_NoError);
    info = seL4_Recv(ep, &badge);
    CHECK(badge == 0x99);
    CHECK(seL4_MessageInfo_get_label(info) == seL4_Fault_VMFault);
    CHECK(seL4_GetMR(seL4_VMFault_Addr) == (seL4_Word)va);
    plat_thread_destroy(t);
    plat_printf("faults: cap fault and VM fault after revoke delivered\n");
}

/* ---- components: threads in a VSpace of their own ---- */

static seL4_Word root_only = 0x600d; /* the image's data: the root's alone */
/* A page of the image's data the root shares with a component (plat_thread_share). */
static volatile seL4_Word shared_page[512] __attribute__((aligned(4096)));

/* Calls the root twice: the second call carries what the first reply said, plus one. */
static void comp_caller(void *arg)
{
    (void)arg;
    seL4_SetMR(0, 41);
    seL4_Call(CHILD_EP, seL4_MessageInfo_new(7, 0, 0, 1));
    seL4_SetMR(0, seL4_GetMR(0) + 1);
    seL4_Call(CHILD_EP, seL4_MessageInfo_new(8, 0, 0, 1));
}

/* Maps its frame, writes @arg into it, and tells the root where it mapped it. */
static void comp_mapper(void *arg)
{
    void *va = NULL;
    seL4_Error err = plat_frame_map(CHILD_FRAME, &va);
    if (err == seL4_NoError) {
        *(volatile seL4_Word *)va = (seL4_Word)arg;
    }
    seL4_SetMR(0, err == seL4_NoError ? (seL4_Word)va : 0);
    seL4_Call(CHILD_EP, seL4_MessageInfo_new(9, 0, 0, 1));
}

static void comp_reader(void *arg)
{
    (void)*(volatile seL4_Word *)arg;
}

static void comp_writer(void *arg)
{
    *(volatile seL4_Word *)arg = 1;
}

/* Adds one to the shared word, then reads the word after the shared page. */
static void comp_sharer(void *arg)
{
    (void)arg;
    shared_page[0] += 1;
    (void)*(volatile seL4_Word *)((seL4_Word)shared_page + sizeof shared_page);
}

static plat_thread_t *spawn_component(const char *name, plat_thread_fn fn, void *arg)
{
    plat_thread_t *t = NULL;
    plat_thread_attr_t attr = {.name = name, .cnode_bits = 8, .priority = 100,
                               .address_space = PLAT_AS_SEPARATE};
    CHECK(plat_thread_create(&t, &attr, fn, arg) == 0);
    return t;
}

static void expect_fault(const char *name, plat_thread_fn fn, void *addr, bool write)
{
    plat_thread_t *t = spawn_component(name, fn, addr);
    CHECK(plat_thread_start(t) == seL4_NoError);
    CHECK(plat_thread_join(t) == -1);
    plat_fault_t f = {0};
    CHECK(plat_thread_fault(t, &f) == 1);
    CHECK(f.label == seL4_Fault_VMFault);
    CHECK(f.addr == (seL4_Word)addr);
    CHECK(f.write == write);
    plat_thread_destroy(t);
}

static void test_components(seL4_CPtr ep)
{
    plat_thread_t *t = spawn_component("comp_caller", comp_caller, NULL);
    CHECK(seL4_CNode_Mint(plat_thread_cnode(t), CHILD_EP, seL4_WordBits, seL4_CapInitThreadCNode,
                          ep, seL4_WordBits, seL4_AllRights, 0x43) == seL4_NoError);
    CHECK(plat_thread_start(t) == seL4_NoError);
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
    CHECK(badge == 0x43 && seL4_MessageInfo_get_label(info) == 7 && seL4_GetMR(0) == 41);
    seL4_SetMR(0, 42);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 1));
    info = seL4_Recv(ep, &badge);
    CHECK(badge == 0x43 && seL4_MessageInfo_get_label(info) == 8 && seL4_GetMR(0) == 43);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK(plat_thread_join(t) == 0);
    plat_fault_t f;
    CHECK(plat_thread_fault(t, &f) == 0);
    plat_thread_destroy(t);

    /* A frame granted to a component is mapped in its own window and shared with the root. */
    seL4_CPtr frame;
    void *root_va = NULL;
    CHECK(plat_obj_alloc(PLAT_FRAME_OBJECT, 0, &frame) == seL4_NoError);
    CHECK(plat_frame_map(frame, &root_va) == seL4_NoError);
    t = spawn_component("comp_mapper", comp_mapper, (void *)0xc0ffee);
    CHECK(seL4_CNode_Mint(plat_thread_cnode(t), CHILD_EP, seL4_WordBits, seL4_CapInitThreadCNode,
                          ep, seL4_WordBits, seL4_AllRights, 0x44) == seL4_NoError);
    CHECK(seL4_CNode_Copy(plat_thread_cnode(t), CHILD_FRAME, seL4_WordBits,
                          seL4_CapInitThreadCNode, frame, seL4_WordBits,
                          seL4_AllRights) == seL4_NoError);
    CHECK(plat_thread_start(t) == seL4_NoError);
    info = seL4_Recv(ep, &badge);
    seL4_Word comp_va = seL4_GetMR(0);
    CHECK(badge == 0x44 && seL4_MessageInfo_get_label(info) == 9);
    CHECK(comp_va != 0 && comp_va != (seL4_Word)root_va);
    CHECK(*(volatile seL4_Word *)root_va == 0xc0ffee);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK(plat_thread_join(t) == 0);
    plat_thread_destroy(t);
    CHECK(seL4_CNode_Delete(seL4_CapInitThreadCNode, frame, seL4_WordBits) == seL4_NoError);
    plat_slot_free(frame);

    /* What a component cannot reach: the image's data, the root's frames, the code (read-only),
     * and an address no one mapped. Each is a VM fault, reported, and the root goes on. */
    expect_fault("reads root data", comp_reader, &root_only, false);
    expect_fault("writes root data", comp_writer, &root_only, true);
    expect_fault("reads root frame", comp_reader, root_va, false);
    expect_fault("writes code", comp_writer, (void *)comp_writer, true);
    expect_fault("reads unmapped", comp_reader, (void *)0x7000000000UL, false);
    CHECK(root_only == 0x600d);

    /* A shared page of the root's data: the component sees and writes it, and no more of it. */
    shared_page[0] = 41;
    t = spawn_component("sharer", comp_sharer, NULL);
    CHECK(plat_thread_share(t, (const void *)shared_page, sizeof shared_page) == seL4_NoError);
    CHECK(plat_thread_share(t, (const void *)comp_sharer, 8) == seL4_InvalidArgument);
    CHECK(plat_thread_share(t, (const void *)0x7000000000UL, 8) == seL4_RangeError);
    CHECK(plat_thread_start(t) == seL4_NoError);
    CHECK(plat_thread_join(t) == -1);
    CHECK(plat_thread_fault(t, &f) == 1 && f.label == seL4_Fault_VMFault &&
          f.addr == (seL4_Word)shared_page + sizeof shared_page);
    CHECK(shared_page[0] == 42);
    plat_thread_destroy(t);
    plat_printf("components: IPC, a granted frame, a shared page, 6 VM faults reported\n");
}

#if CONFIG_MAX_NUM_NODES > 1
static _Atomic seL4_Word core_flag;

/* Says it runs, then waits (spinning, no kernel call) for the root's answer. */
static void core_spinner(void *arg)
{
    (void)arg;
    __atomic_store_n(&core_flag, 1, __ATOMIC_RELEASE);
    while (__atomic_load_n(&core_flag, __ATOMIC_ACQUIRE) != 2) {
    }
}

/*
 * More than one core: a thread placed on core 1 runs while the root (at seL4_MaxPrio, on core 0)
 * spins without a kernel call, which on one core would starve it for good (a failure here is the
 * run's time bound); its return and its fault (a thread of the root's VSpace without a fault
 * endpoint: the platform's fault handler on such a kernel) each end plat_thread_join.
 */
static void test_cores(void)
{
    plat_thread_t *t = NULL;
    plat_thread_attr_t attr = {.name = "on core 1", .cnode_bits = 8, .priority = 100, .core = 1};
    CHECK(plat_thread_create(&t, &attr, core_spinner, NULL) == 0);
    CHECK(plat_thread_start(t) == seL4_NoError);
    while (__atomic_load_n(&core_flag, __ATOMIC_ACQUIRE) != 1) {
    }
    __atomic_store_n(&core_flag, 2, __ATOMIC_RELEASE);
    CHECK(plat_thread_join(t) == 0);
    plat_thread_destroy(t);

    attr.name = "faults on core 1";
    CHECK(plat_thread_create(&t, &attr, vm_faulter, (void *)0x7000000000UL) == 0);
    CHECK(plat_thread_start(t) == seL4_NoError);
    CHECK(plat_thread_join(t) == -1);
    plat_fault_t f;
    CHECK(plat_thread_fault(t, &f) == 1 && f.label == seL4_Fault_VMFault &&
          f.addr == 0x7000000000UL);
    plat_thread_destroy(t);
    plat_printf("cores: %d; a thread on core 1 ran beside the spinning root; its return and "
                "its fault ended the join\n", CONFIG_MAX_NUM_NODES);
}
#endif

int main(void)
{
    plat_init();
    plat_printf("hello from the sel4bridge root task on seL4\n");
    uint64_t hz = plat_timer_hz();
    /* A counter slower than the CPU (AArch64's generic timer: 62.5 MHz on QEMU's virt board, 16
     * instructions a tick under -icount shift=0) may read the same twice in a row. */
    uint64_t c0 = plat_cycles(), c1 = c0;
    for (int i = 0; i < 1000000 && c1 == c0; i++) {
        c1 = plat_cycles();
    }
    plat_printf("timer: %lu Hz, cycle counter advancing: %s\n", (unsigned long)hz,
                c1 > c0 ? "yes" : "no");
    CHECK(c1 > c0);

    seL4_CPtr ep;
    CHECK(plat_obj_alloc(seL4_EndpointObject, 0, &ep) == seL4_NoError);
    test_ipc(ep, false);
    test_shared_frame();
    test_memset();
    test_faults(ep);
    test_components(ep);
#if CONFIG_MAX_NUM_NODES > 1
    test_cores();
#endif
    /* Components are made and torn down over and over. */
    for (int i = 0; i < 20; i++) {
        expect_fault("reads root data", comp_reader, &root_only, false);
    }
    /* Thread indices and their memory are reused: many create/destroy cycles in a row. */
    for (int i = 0; i < 300; i++) {
        test_ipc(ep, true);
    }
    plat_printf("threads: 300 create/call/join/destroy cycles done\n");
    plat_printf("selftest: %s (%d failed)\n", failures ? "FAILED" : "passed", failures);
    return failures;
}
