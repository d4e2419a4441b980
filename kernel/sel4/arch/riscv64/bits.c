/*
 * The compiler's bit-scan helpers (__builtin_ctzll, __builtin_clzll on a RISC-V without Zbb).
 * libgcc's index a table through the GOT, which the linker leaves in the image's data, where a
 * component has nothing mapped. Ours read at most a table of our own in .rodata, which lies in
 * the image's text segment (every component maps it) and is addressed directly (-fno-pic).
 */
#include <stdint.h>

int __ctzdi2(unsigned long x);
int __clzdi2(unsigned long x);

/*
 * The server finds each kicked session this way, once per kick, so it is the kick's cost: the
 * lowest set bit, isolated (x & -x), times a de Bruijn sequence puts a distinct 6-bit pattern
 * in the top bits for each of the 64 positions, and the table maps it back. About ten
 * instructions, where six rounds of halving take about fifty. (x = 0, which gcc leaves
 * undefined, gives 0.)
 */
int __ctzdi2(unsigned long x)
{
    static const uint8_t position[64] = {
        0,  1,  48, 2,  57, 49, 28, 3,  61, 58, 50, 42, 38, 29, 17, 4,
        62, 55, 59, 36, 53, 51, 43, 22, 45, 39, 33, 30, 24, 18, 12, 5,
        63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21, 44, 32, 23, 11,
        46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9,  13, 8,  7,  6,
    };
    return position[((x & -x) * 0x03f79d71b4cb0a89ul) >> 58];
}

int __clzdi2(unsigned long x)
{
    int n = 0;
    for (int shift = 32; shift > 0; shift /= 2) {
        if ((x >> (64 - shift)) == 0) {
            n += shift;
            x <<= shift;
        }
    }
    return n;
}
