/*
 * serial.c: output on the first serial port.
 *
 * Lines are assembled in a buffer and written with polled I/O: a line is
 * never interleaved with another, and nothing here needs interrupts.
 */

#include "guest.h"

#define COM1 0x3F8
#define UART_THR 0 /* transmit holding register */
#define UART_IER 1
#define UART_DLL 0 /* divisor latch, while LCR.DLAB is set */
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LSR_THRE 0x20
#define UART_SPIN_MAX 100000 /* give up waiting on a missing UART */

/*
 * Program COM1 for 115200 8N1 with FIFOs and no interrupts.  The speed is
 * irrelevant to QEMU but a real UART would need it.
 */
void
guestSerialInit(void)
{
    guestOutb(COM1 + UART_IER, 0x00);
    guestOutb(COM1 + UART_LCR, 0x80);
    guestOutb(COM1 + UART_DLL, 0x01);
    guestOutb(COM1 + UART_DLM, 0x00);
    guestOutb(COM1 + UART_LCR, 0x03);
    guestOutb(COM1 + UART_FCR, 0xC7);
    guestOutb(COM1 + UART_MCR, 0x03);
}

static void
guestSerialPutc(char c)
{
    unsigned int spin;

    for (spin = 0; spin < UART_SPIN_MAX; spin++) {
        if (guestInb(COM1 + UART_LSR) & UART_LSR_THRE)
            break;
    }
    guestOutb(COM1 + UART_THR, (uint8_t)c);
}

/* Start a line with @prefix (may be ""). */
void
guestLineInit(guestLine *line, const char *prefix)
{
    line->len = 0;
    guestLineStr(line, prefix);
}

/* Append @s, silently cut at the buffer size (one byte kept for '\n'). */
void
guestLineStr(guestLine *line, const char *s)
{
    while (*s && line->len < sizeof(line->buf) - 1)
        line->buf[line->len++] = *s++;
}

/* Append @val in decimal. */
void
guestLineDec(guestLine *line, uint64_t val)
{
    char tmp[21];
    size_t n = sizeof(tmp) - 1;
    uint32_t digit;

    tmp[n] = '\0';
    do {
        val = guestDivU64(val, 10, &digit);
        tmp[--n] = (char)('0' + digit);
    } while (val);
    guestLineStr(line, tmp + n);
}

/* Append the low @digits (at most 16) hex digits of @val, zero padded. */
void
guestLineHex(guestLine *line, uint64_t val, unsigned int digits)
{
    static const char hex[] = "0123456789abcdef";
    char tmp[17];
    unsigned int i;

    if (digits > 16)
        digits = 16;
    for (i = 0; i < digits; i++)
        tmp[i] = hex[(val >> (4 * (digits - 1 - i))) & 0xF];
    tmp[digits] = '\0';
    guestLineStr(line, tmp);
}

/* Terminate the line with '\n' and write it out. */
void
guestLineEmit(guestLine *line)
{
    size_t i;

    line->buf[line->len++] = '\n';
    for (i = 0; i < line->len; i++)
        guestSerialPutc(line->buf[i]);
    line->len = 0;
}
