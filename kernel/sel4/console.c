/*
 * Formatted output on the architecture's console (plat_putchar, arch/<arch>/console.c).
 */
#include "rt.h"

static void put_console(char c, void *ctx)
{
    (void)ctx;
    plat_putchar(c);
}

int rt_vprintf(const char *fmt, va_list ap)
{
    return rt_vformat(put_console, NULL, fmt, ap);
}

int plat_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = rt_vprintf(fmt, ap);
    va_end(ap);
    return n;
}
