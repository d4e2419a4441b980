/*
 * The printf engine behind plat_printf on seL4: flags - + space # 0, width and precision
 * (numbers or *), length modifiers hh h l ll z t j, and d i u o x X p c s f F e g %. Floating
 * point is printed exactly enough for statistics (up to 18 significant digits), not bit-exact.
 */
#include "rt.h"

enum { F_LEFT = 1, F_PLUS = 2, F_SPACE = 4, F_ALT = 8, F_ZERO = 16 };

typedef struct {
    rt_put_fn put;
    void *ctx;
    int n;
} out_t;

static void out_c(out_t *o, char c)
{
    o->put(c, o->ctx);
    o->n++;
}

static void out_pad(out_t *o, char c, int n)
{
    while (n-- > 0) {
        out_c(o, c);
    }
}

/* Emit sign/prefix, zero or space padding, then the digits, honouring width and flags. */
static void out_field(out_t *o, const char *prefix, const char *body, int body_len, int zeros,
                      int width, int flags)
{
    int plen = 0;
    while (prefix[plen]) {
        plen++;
    }
    int len = plen + zeros + body_len;
    if (!(flags & F_LEFT) && !(flags & F_ZERO)) {
        out_pad(o, ' ', width - len);
    }
    for (int i = 0; i < plen; i++) {
        out_c(o, prefix[i]);
    }
    if (!(flags & F_LEFT) && (flags & F_ZERO)) {
        out_pad(o, '0', width - len);
    }
    out_pad(o, '0', zeros);
    for (int i = 0; i < body_len; i++) {
        out_c(o, body[i]);
    }
    if (flags & F_LEFT) {
        out_pad(o, ' ', width - len);
    }
}

static void out_int(out_t *o, unsigned long long v, bool neg, unsigned base, bool upper, int width,
                    int prec, int flags)
{
    char buf[24];
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int len = 0;
    while (v != 0) {
        buf[sizeof(buf) - 1 - len++] = digits[v % base];
        v /= base;
    }
    char prefix[3] = {0};
    if (neg) {
        prefix[0] = '-';
    } else if (flags & F_PLUS) {
        prefix[0] = '+';
    } else if (flags & F_SPACE) {
        prefix[0] = ' ';
    }
    if ((flags & F_ALT) && base == 16 && len > 0) {
        prefix[0] = '0';
        prefix[1] = upper ? 'X' : 'x';
    }
    int zeros = 0;
    if (prec >= 0) {
        zeros = prec > len ? prec - len : 0;
        flags &= ~F_ZERO;
    } else if (len == 0) {
        zeros = 1;
    }
    if ((flags & F_ALT) && base == 8 && zeros == 0) {
        zeros = 1;
    }
    out_field(o, prefix, buf + sizeof(buf) - len, len, zeros, width, flags);
}

/* %f/%e/%g of a double, with round-half-up on the decimal digits. */
static void out_float(out_t *o, double v, char conv, int width, int prec, int flags)
{
    char buf[64];
    int len = 0;
    char prefix[2] = {0};
    if (v < 0 || (v == 0 && 1 / v < 0)) {
        prefix[0] = '-';
        v = -v;
    } else if (flags & F_PLUS) {
        prefix[0] = '+';
    } else if (flags & F_SPACE) {
        prefix[0] = ' ';
    }
    if (v != v || v > 1.7976931348623157e308) {
        const char *s = v != v ? "nan" : "inf";
        out_field(o, prefix, s, 3, 0, width, flags & ~F_ZERO);
        return;
    }
    if (prec < 0) {
        prec = 6;
    }
    if (prec > 17) {
        prec = 17;
    }
    char kind = conv | 0x20;
    int exp10 = 0;
    if (kind == 'e' || kind == 'g') {
        double m = v;
        while (m >= 10) {
            m /= 10;
            exp10++;
        }
        while (m != 0 && m < 1) {
            m *= 10;
            exp10--;
        }
        if (kind == 'g') {
            int p = prec == 0 ? 1 : prec;
            if (exp10 >= -4 && exp10 < p) {
                kind = 'f';
                prec = p - 1 - exp10;
            } else {
                kind = 'e';
                prec = p - 1;
            }
        }
        if (kind == 'e') {
            v = m;
        }
    }
    double scale = 1;
    for (int i = 0; i < prec; i++) {
        scale *= 10;
    }
    /* The value in units of the last printed digit, rounded; beyond 2^64 print what fits. */
    double scaled = v * scale + 0.5;
    if (kind == 'e' && scaled >= 10 * scale) {
        scaled /= 10;
        exp10++;
    }
    unsigned long long ip, fp;
    if (scaled >= 1.8e19) {
        ip = (unsigned long long)(v >= 1.8e19 ? 1.8e19 : v);
        fp = 0;
    } else {
        unsigned long long all = (unsigned long long)scaled;
        unsigned long long s = (unsigned long long)scale;
        ip = all / s;
        fp = all % s;
    }
    char tmp[24];
    int tl = 0;
    do {
        tmp[tl++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip != 0);
    while (tl > 0) {
        buf[len++] = tmp[--tl];
    }
    if (prec > 0 || (flags & F_ALT)) {
        buf[len++] = '.';
    }
    for (int i = prec - 1; i >= 0; i--) {
        buf[len + i] = (char)('0' + fp % 10);
        fp /= 10;
    }
    len += prec;
    if ((conv | 0x20) == 'g' && !(flags & F_ALT) && prec > 0) {
        while (buf[len - 1] == '0') {
            len--;
        }
        if (buf[len - 1] == '.') {
            len--;
        }
    }
    if (kind == 'e') {
        buf[len++] = (conv >= 'a') ? 'e' : 'E';
        buf[len++] = exp10 < 0 ? '-' : '+';
        int e = exp10 < 0 ? -exp10 : exp10;
        if (e >= 100) {
            buf[len++] = (char)('0' + e / 100);
        }
        buf[len++] = (char)('0' + e / 10 % 10);
        buf[len++] = (char)('0' + e % 10);
    }
    out_field(o, prefix, buf, len, 0, width, flags);
}

int rt_vformat(rt_put_fn put, void *ctx, const char *fmt, va_list ap)
{
    out_t o = {put, ctx, 0};
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            out_c(&o, *p);
            continue;
        }
        int flags = 0;
        for (;; p++) {
            char c = p[1];
            int f = c == '-' ? F_LEFT : c == '+' ? F_PLUS : c == ' ' ? F_SPACE : c == '#' ? F_ALT
                  : c == '0' ? F_ZERO : 0;
            if (!f) {
                break;
            }
            flags |= f;
        }
        p++;
        int width = 0;
        if (*p == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                flags |= F_LEFT;
                width = -width;
            }
            p++;
        } else {
            while (*p >= '0' && *p <= '9') {
                width = width * 10 + (*p++ - '0');
            }
        }
        int prec = -1;
        if (*p == '.') {
            p++;
            prec = 0;
            if (*p == '*') {
                prec = va_arg(ap, int);
                p++;
            } else {
                while (*p >= '0' && *p <= '9') {
                    prec = prec * 10 + (*p++ - '0');
                }
            }
        }
        int lng = 0; /* -2 hh, -1 h, 0 int, 1 long, 2 long long, 3 size_t/ptrdiff_t/intmax_t */
        for (;; p++) {
            if (*p == 'h') {
                lng--;
            } else if (*p == 'l') {
                lng++;
            } else if (*p == 'z' || *p == 't' || *p == 'j') {
                lng = 3;
            } else if (*p == 'L') {
                continue;
            } else {
                break;
            }
        }
        char conv = *p;
        if (conv == '\0') {
            break;
        }
        switch (conv) {
        case 'd':
        case 'i': {
            long long v = lng >= 1 ? va_arg(ap, long long) : va_arg(ap, int);
            if (lng == -1) {
                v = (short)v;
            } else if (lng == -2) {
                v = (signed char)v;
            }
            unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
            out_int(&o, mag, v < 0, 10, false, width, prec, flags);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            unsigned long long v = lng >= 1 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
            if (lng == -1) {
                v = (unsigned short)v;
            } else if (lng == -2) {
                v = (unsigned char)v;
            }
            unsigned base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;
            out_int(&o, v, false, base, conv == 'X', width, prec, flags & ~(F_PLUS | F_SPACE));
            break;
        }
        case 'p':
            out_int(&o, (uintptr_t)va_arg(ap, void *), false, 16, false, width, prec, flags | F_ALT);
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            out_field(&o, "", &c, 1, 0, width, flags & ~F_ZERO);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (s == NULL) {
                s = "(null)";
            }
            int len = 0;
            while (s[len] && (prec < 0 || len < prec)) {
                len++;
            }
            out_field(&o, "", s, len, 0, width, flags & ~F_ZERO);
            break;
        }
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G':
            out_float(&o, va_arg(ap, double), conv, width, prec, flags);
            break;
        case '%':
            out_c(&o, '%');
            break;
        default: /* unknown conversion: show it rather than guess at its argument */
            out_c(&o, '%');
            out_c(&o, conv);
            break;
        }
    }
    return o.n;
}
