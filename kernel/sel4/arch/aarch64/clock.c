/*
 * The cycle counter. On a one-core kernel built with KernelArmExportPMUUser (seL4 sets
 * PMUSERENR_EL0.EN) the PMU's cycle counter PMCCNTR_EL0, which EL0 then starts itself
 * (PMCR_EL0.E and PMCNTENSET_EL0.C: seL4 leaves the PMU off) and which QEMU's TCG advances at 1 GHz of its
 * virtual clock: under -icount shift=0 one count per emulated instruction, as x86's TSC and
 * RISC-V's rdcycle count there. Otherwise the generic timer's virtual counter CNTVCT_EL0 at
 * CNTFRQ_EL0, readable at EL0 with KernelArmExportVCNTUser (seL4 then sets CNTKCTL_EL1.EL0VCTEN);
 * on QEMU's virt board it runs at 62.5 MHz, 16 emulated instructions a tick, too coarse to tell
 * a null call's few instructions apart. Without either option the read traps and the thread
 * faults.
 */
#include "rt.h"

static uint64_t cntvct(void)
{
    uint64_t v;
    /* isb keeps the read from running ahead of the code being timed. */
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
}

static uint64_t cntfrq(void)
{
    uint64_t hz;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(hz));
    return hz;
}

/* The PMU's counter is each core's own, started (rt_clock_init) on the root's core only: with
 * more than one core a time taken on one core and compared with one taken on another (the
 * harness's notify across cores) needs the generic timer, one counter for the whole system. */
#if defined(CONFIG_EXPORT_PMU_USER) && CONFIG_MAX_NUM_NODES == 1

#define PMCR_E (1UL << 0)
#define PMCNTEN_C (1UL << 31)

void rt_clock_init(void)
{
    uint64_t pmcr;
    __asm__ volatile("mrs %0, pmcr_el0" : "=r"(pmcr));
    __asm__ volatile("msr pmcr_el0, %0" ::"r"(pmcr | PMCR_E));
    __asm__ volatile("msr pmcntenset_el0, %0; isb" ::"r"(PMCNTEN_C) : "memory");
}

uint64_t plat_cycles(void)
{
    uint64_t c;
    __asm__ volatile("isb; mrs %0, pmccntr_el0" : "=r"(c)::"memory");
    return c;
}

uint64_t plat_timer_hz(void)
{
    /* seL4 does not say the PMU's clock: measured once against the generic timer, from one
     * of its edges to another 1 ms later, so that whole ticks are counted. */
    static uint64_t hz;
    if (hz == 0) {
        uint64_t ticks = cntfrq() / 1000, t0 = cntvct();
        while (cntvct() == t0) {
        }
        uint64_t c0 = plat_cycles(), t1 = t0 + 1 + ticks;
        while (cntvct() < t1) {
        }
        hz = (plat_cycles() - c0) * 1000;
    }
    return hz;
}

#else

void rt_clock_init(void)
{
}

uint64_t plat_cycles(void)
{
    return cntvct();
}

uint64_t plat_timer_hz(void)
{
    return cntfrq();
}

#endif
