/*
 * The few C library functions a freestanding image still needs: the compiler emits calls to
* memcpy/memset/memmove/memcmp for struct copies and loops, and the project's code may call
 * them, strlen, strcmp and strncmp (built with -fno-tree-loop-distribute-patterns so these loops stay loops).
 */
#include "rt.h"

#include <string.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n >= sizeof(seL4_Word) && (((uintptr_t)d | (uintptr_t)s) % sizeof(seL4_Word)) == 0) {
        *(seL4_Word *)(void *)d = *(const seL4_Word *)(const void *)s;
        d += sizeof(seL4_Word);
        s += sizeof(seL4_Word);
        n -= sizeof(seL4_Word);
    }
    while (n--) {
        *d++ = *s++;
    }
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d <= s || d >= s + n) {
        return memcpy(dst, src, n);
    }
    while (n--) {
        d[n] = s[n];
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    /* A word at a time once aligned, as memcpy: byte by byte, clearing a revoked session's 60
     * data-frame pointers (480 bytes) cost about 1,900 instructions. */
    unsigned char *d = dst;
    const seL4_Word word = (seL4_Word)(unsigned char)c * (~(seL4_Word)0 / 0xff);
    while (n > 0 && (uintptr_t)d % sizeof(seL4_Word) != 0) {
        *d++ = (unsigned char)c;
        n--;
    }
    while (n >= sizeof(seL4_Word)) {
        *(seL4_Word *)(void *)d = word;
        d += sizeof(seL4_Word);
        n -= sizeof(seL4_Word);
    }
    while (n--) {
        *d++ = (unsigned char)c;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n > 0; n--, a++, b++) {
        if (*a != *b || *a == '\0') {
            return (unsigned char)*a - (unsigned char)*b;
        }
    }
    return 0;
}

/* libsel4's seL4_Assert and seL4_Fail land here. */
void __assert_fail(const char *str, const char *file, int line, const char *function)
{
    plat_printf("assertion failed: %s (%s:%d, %s)\n", str, file, line, function);
    plat_exit(125);
}
