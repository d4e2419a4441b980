/*
 * The cycle counter: rdcycle, which user mode may read because scounteren allows it (seL4
 * leaves that register as it finds it; the project's loader sets it, OpenSBI does too). Under QEMU's TCG with -icount it counts emulated
 * instructions (one per virtual ns at shift=0), otherwise the host's cycle counter.
 *
 * seL4 does not say the counter's frequency: it is measured once against rdtime, whose
 * frequency is the board's timebase (10 MHz on QEMU's virt board: its device tree's
 * timebase-frequency, seL4's TIMER_FREQUENCY for qemu-riscv-virt).
 */
#include "rt.h"

#define TIMEBASE_HZ 10000000UL
#define CALIBRATION_TICKS 10000UL /* 1 ms */

uint64_t plat_cycles(void)
{
    uint64_t c;
    __asm__ volatile("rdcycle %0" : "=r"(c)::"memory");
    return c;
}

static uint64_t rdtime(void)
{
    uint64_t t;
    __asm__ volatile("rdtime %0" : "=r"(t)::"memory");
    return t;
}

uint64_t plat_timer_hz(void)
{
    static uint64_t hz;
    if (hz == 0) {
        /* From one edge of the timebase to another, so that whole ticks are counted. */
        uint64_t t0 = rdtime();
        while (rdtime() == t0) {
        }
        uint64_t c0 = plat_cycles(), t1 = t0 + 1 + CALIBRATION_TICKS;
        while (rdtime() < t1) {
        }
        hz = (plat_cycles() - c0) * (TIMEBASE_HZ / CALIBRATION_TICKS);
    }
    return hz;
}

/* rdcycle runs from reset; the loader lets user mode read it. */
void rt_clock_init(void)
{
}
