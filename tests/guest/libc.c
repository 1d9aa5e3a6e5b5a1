/*
 * libc.c: the small runtime the freestanding guest needs.
 *
 * GCC may turn plain loops into memset/memcpy calls even with
 * -ffreestanding, so both exist here.  64-bit division is done with the
 * CPU's 64/32 divide instead of libgcc, so the build needs no 32-bit
 * runtime libraries at all.
 */

#include "guest.h"

void *
memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;

    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

void *
memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    while (n--)
        *d++ = *s++;
    return dst;
}

int
memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a;
    const unsigned char *y = b;

    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x < *y ? -1 : 1;
    }
    return 0;
}

/*
 * Divide @num by @den (non-zero).  Long division in two 32-bit steps: the
 * high word first, then the remainder joined with the low word, which
 * cannot overflow divl because that remainder is below @den.  Stores the
 * remainder in @rem when it is not NULL and returns the quotient.
 */
uint64_t
guestDivU64(uint64_t num, uint32_t den, uint32_t *rem)
{
    uint32_t hi = (uint32_t)(num >> 32);
    uint32_t lo = (uint32_t)num;
    uint32_t qhi = hi / den;
    uint32_t r = hi % den;
    uint32_t qlo;

    __asm__("divl %4" : "=a"(qlo), "=d"(r) : "a"(lo), "d"(r), "rm"(den));
    if (rem)
        *rem = r;
    return ((uint64_t)qhi << 32) | qlo;
}

/*
 * Parse the @len characters at @s as a decimal number.  Returns 0 and
 * stores the value in @ret, or -1 (leaving @ret alone) when the text is
 * empty, holds a non-digit or does not fit in 32 bits.
 */
int
guestParseU32(const char *s, size_t len, uint32_t *ret)
{
    uint64_t val = 0;
    size_t i;

    if (len == 0 || len > 10)
        return -1;
    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        val = val * 10 + (uint64_t)(s[i] - '0');
    }
    if (val > 0xFFFFFFFFu)
        return -1;
    *ret = (uint32_t)val;
    return 0;
}
