/*
 * The host model's mapping arena (kernel/sim/src/frame.c), a host-only test: mapping and
 * unmapping four times more pages than the arena holds hands an address out again exactly after
 * its quarantine and never before, keeps the process's memory bounded, and a stale access to an
 * address in quarantine is still a VM fault.
 */
#include <sel4/sel4.h>
#include <sel4bridge/plat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "kernel.h" /* SIM_MAP_QUARANTINE_PAGES */

#define PAGE (1ul << seL4_PageBits)
#define PERIOD (SIM_MAP_QUARANTINE_PAGES + 1) /* distinct addresses one frame cycles through */
#define ARENA_PAGES (2 * SIM_MAP_QUARANTINE_PAGES)
#define ROUNDS (4 * ARENA_PAGES)
#define MEMORY_GROWTH_LIMIT_KB (16ul << 10)

/* Resident memory plus page tables, in KiB, from /proc/self/status. */
static unsigned long memory_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    unsigned long total = 0, v;
    while (f && fgets(line, sizeof(line), f)) {
        if (sscanf(line, "VmRSS: %lu kB", &v) == 1 || sscanf(line, "VmPTE: %lu kB", &v) == 1) {
            total += v;
        }
    }
    if (f) {
        fclose(f);
    }
    return total;
}

static void touch(void *arg)
{
    (void)*(volatile seL4_Word *)arg; /* a VM fault */
}

/* A thread reads @addr: its fault endpoint receives a VM fault at exactly that address. */
static void check_stale_access_faults(seL4_CPtr fault_ep, uintptr_t addr)
{
    plat_thread_t *t = NULL;
    plat_thread_attr_t attr = {.name = "stale", .cnode_bits = 8, .priority = 100, .fault_ep = fault_ep};
    CHECK_EQ(plat_thread_create(&t, &attr, touch, (void *)addr), 0);
    CHECK_EQ(plat_thread_start(t), seL4_NoError);
    seL4_Word badge = 1;
    seL4_MessageInfo_t f = seL4_Recv(fault_ep, &badge);
    CHECK_EQ(seL4_MessageInfo_get_label(f), seL4_Fault_VMFault);
    CHECK_EQ(seL4_GetMR(seL4_VMFault_Addr), addr);
    CHECK_EQ(seL4_GetMR(seL4_VMFault_FSR) & 0x2, 0); /* a read */
    CHECK_EQ(plat_thread_join(t), -1);
    plat_thread_destroy(t);
}

int main(void)
{
    static uintptr_t addr[PERIOD];
    char arena[32];
    snprintf(arena, sizeof(arena), "%lu", ARENA_PAGES * PAGE);
    setenv("SEL4SIM_ARENA_BYTES", arena, 1);
    plat_init();
    seL4_CPtr frame, fault_ep;
    CHECK_EQ(plat_obj_alloc(PLAT_FRAME_OBJECT, 0, &frame), seL4_NoError);
    CHECK_EQ(plat_obj_alloc(seL4_EndpointObject, 0, &fault_ep), seL4_NoError);

    unsigned long settled_kb = 0;
    unsigned long wrong = 0;
    for (unsigned long i = 0; i < ROUNDS; i++) {
        void *p = NULL;
        if (plat_frame_map(frame, &p) != seL4_NoError) {
            CHECK(!"plat_frame_map");
            break;
        }
        uintptr_t a = (uintptr_t)p;
        if (i < PERIOD) {
            /* fresh pages, in order, while no address has served its quarantine */
            addr[i] = a;
            wrong += i > 0 && a != addr[0] + i * PAGE;
        } else {
            /* then the oldest unmapped address, exactly SIM_MAP_QUARANTINE_PAGES unmaps later */
            wrong += a != addr[i % PERIOD];
        }
        volatile seL4_Word *w = p;
        w[0] = i;
        wrong += w[0] != i;
        CHECK_EQ(plat_frame_unmap(frame), seL4_NoError);
        if (i == 2 * PERIOD) {
            settled_kb = memory_kb();
        }
    }
    CHECK_EQ(wrong, 0);
    unsigned long end_kb = memory_kb();
    printf("%lu maps and unmaps of one frame through an arena of %lu pages: %lu distinct "
           "addresses; resident memory + page tables %lu KiB after %lu, %lu KiB at the end\n",
           (unsigned long)ROUNDS, (unsigned long)ARENA_PAGES, (unsigned long)PERIOD, settled_kb,
           (unsigned long)(2 * PERIOD), end_kb);
    CHECK(settled_kb > 0);
    CHECK(end_kb <= settled_kb + MEMORY_GROWTH_LIMIT_KB);

    /* The newest address in quarantine and the oldest (the next to be handed out) both fault. */
    check_stale_access_faults(fault_ep, addr[(ROUNDS - 1) % PERIOD]);
    check_stale_access_faults(fault_ep, addr[ROUNDS % PERIOD]);
    /* After it, that oldest address is mapped again, and it is the frame that is seen there. */
    void *p = NULL;
    CHECK_EQ(plat_frame_map(frame, &p), seL4_NoError);
    CHECK_EQ((uintptr_t)p, addr[ROUNDS % PERIOD]);
    CHECK_EQ(*(volatile seL4_Word *)p, ROUNDS - 1);
    if (failures) {
        fprintf(stderr, "host_arena_test: %d check(s) failed\n", failures);
        return 1;
    }
    printf("host_arena_test: passed\n");
    return 0;
}
