/*
 * The cycle counter: the generic timer's virtual counter CNTVCT_EL0 and its frequency
 * CNTFRQ_EL0, both readable at EL0 only on a kernel built with KernelArmExportVCNTUser (seL4
 * then sets CNTKCTL_EL1.EL0VCTEN; without it the read traps and the thread faults).
 */
#include "rt.h"

uint64_t plat_cycles(void)
{
    uint64_t v;
    /* isb keeps the read from running ahead of the code being timed. */
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
}

uint64_t plat_timer_hz(void)
{
    uint64_t hz;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(hz));
    return hz;
}
