/* The cycle counter: the TSC, and its frequency as seL4 measured it at boot (bootinfo). */
#include "rt.h"

uint64_t plat_cycles(void)
{
    uint32_t lo, hi;
    /* lfence keeps rdtsc from running ahead of the code being timed. */
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

uint64_t plat_timer_hz(void)
{
    const char *extra = (const char *)rt_bootinfo + (1UL << seL4_BootInfoFrameBits);
    seL4_Word off = 0;
    while (off + sizeof(seL4_BootInfoHeader) <= rt_bootinfo->extraLen) {
        const seL4_BootInfoHeader *h = (const seL4_BootInfoHeader *)(extra + off);
        if (h->len < sizeof(*h)) {
            break;
        }
        if (h->id == SEL4_BOOTINFO_HEADER_X86_TSC_FREQ) {
            uint32_t mhz = *(const uint32_t *)(const void *)(h + 1);
            return (uint64_t)mhz * 1000000;
        }
        off += h->len;
    }
    return 0;
}

/* The TSC runs from reset. */
void rt_clock_init(void)
{
}
