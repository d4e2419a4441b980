/*
 * The seL4 runtime's bit scans for a RISC-V without Zbb (kernel/sel4/arch/riscv64/bits.c), a
 * host-only test: compiled here under other names, each must give what gcc's own builtins give
 * for every single bit, every pair of bits and a fixed pseudo-random set of words.
 */
#include <stdint.h>

#include "../check.h"

#define __ctzdi2 sb_test_ctzdi2
#define __clzdi2 sb_test_clzdi2
#include "../../kernel/sel4/arch/riscv64/bits.c"
#undef __ctzdi2
#undef __clzdi2

static void check_word(unsigned long x)
{
    CHECK_EQ(sb_test_ctzdi2(x), __builtin_ctzll(x));
    CHECK_EQ(sb_test_clzdi2(x), __builtin_clzll(x));
}

int main(void)
{
    for (unsigned i = 0; i < 64; i++) {
        for (unsigned j = i; j < 64; j++) {
            check_word((1ul << i) | (1ul << j));
        }
    }
    uint64_t x = 0x9e3779b97f4a7c15u; /* xorshift64, a fixed seed: the same words every run */
    for (int n = 0; n < 100000; n++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        check_word(x);
    }
    if (failures == 0) {
        printf("riscv_bits_test: passed\n");
    }
    return failures != 0;
}
