/*
 * The compiler's bit-scan helpers (__builtin_ctzll, __builtin_clzll on a RISC-V without Zbb).
 * libgcc's index a table through the GOT, which the linker leaves in the image's data, where a
 * component has nothing mapped; these read no memory.
 */
int __ctzdi2(unsigned long x);
int __clzdi2(unsigned long x);

int __ctzdi2(unsigned long x)
{
    int n = 0;
    for (int shift = 32; shift > 0; shift /= 2) {
        if ((x & ((1UL << shift) - 1)) == 0) {
            n += shift;
            x >>= shift;
        }
    }
    return n;
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
