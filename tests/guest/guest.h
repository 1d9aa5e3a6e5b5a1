/*
 * guest.h: shared declarations of the virtmig test guest.
 *
 * The guest is a freestanding 32-bit multiboot kernel: no libc, no paging,
 * one CPU, interrupts used only to wake from hlt.  See README.rst for the
 * contract it keeps with the tests.
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

#define GUEST_PAGE_SIZE 4096u
#define GUEST_MIB (1024u * 1024u)
#define GUEST_PAGES_PER_MIB (GUEST_MIB / GUEST_PAGE_SIZE)

/* QEMU's ISA pvpanic device (libvirt's <panic model='isa'/>): its
 * default port and the "guest panicked" event bit. */
#define GUEST_PVPANIC_PORT 0x505
#define GUEST_PVPANIC_PANICKED 0x1

/* QEMU's ACPI PCI hotplug registers of the i440fx machine (PIIX4 PM,
 * hw/acpi/pcihp.c): the slots of the selected bus the host asks to
 * remove, the eject register a guest's _EJ0 method writes them to, and
 * the bus selector. */
#define GUEST_PCIHP_DOWN_PORT 0xae04
#define GUEST_PCIHP_EJECT_PORT 0xae08
#define GUEST_PCIHP_SELECT_PORT 0xae10

/* Port I/O and CPU helpers. */

static inline void
guestOutb(uint16_t port, uint8_t val)
{
    __asm__ volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static inline uint8_t
guestInb(uint16_t port)
{
    uint8_t val;

    __asm__ volatile("inb %1, %0" : "=a"(val) : "Nd"(port));
    return val;
}

static inline void
guestOutl(uint16_t port, uint32_t val)
{
    __asm__ volatile("outl %0, %1" : : "a"(val), "Nd"(port));
}

static inline uint32_t
guestInl(uint16_t port)
{
    uint32_t val;

    __asm__ volatile("inl %1, %0" : "=a"(val) : "Nd"(port));
    return val;
}

static inline uint64_t
guestRdtsc(void)
{
    uint32_t lo;
    uint32_t hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/*
 * Drop the TLB entry of the page holding @p (invlpg works with paging off).
 *
 * Why: QEMU's TCG before 9.0 does not reset its software TLB when a
 * migration dirty-bitmap sync clears a page's dirty bit, so stores through
 * a TLB entry that outlives the sync are not tracked and the destination
 * can get a stale copy of the page.  Dropping the entry right before a
 * burst of stores makes the first store refill it and be tracked again,
 * which shrinks that window from "as long as the entry lives" to a few
 * microseconds.  Every store burst to guest state or to the working set
 * is preceded by this.
 */
static inline void
guestTlbDrop(const void *p)
{
    __asm__ volatile("invlpg (%0)" : : "r"(p) : "memory");
}

static inline void
guestCpuid(uint32_t leaf, uint32_t *regs)
{
    __asm__ volatile("cpuid"
                     : "=a"(regs[0]), "=b"(regs[1]), "=c"(regs[2]),
                       "=d"(regs[3])
                     : "a"(leaf), "c"(0));
}

/* libc.c: the few runtime pieces the compiler and we need. */

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
uint64_t guestDivU64(uint64_t num, uint32_t den, uint32_t *rem);
int guestParseU32(const char *s, size_t len, uint32_t *ret);

/* serial.c: COM1 output, one line at a time. */

typedef struct _guestLine guestLine;
struct _guestLine {
    char buf[192];
    size_t len;
};

void guestSerialInit(void);
void guestLineInit(guestLine *line, const char *prefix);
void guestLineStr(guestLine *line, const char *s);
void guestLineDec(guestLine *line, uint64_t val);
void guestLineHex(guestLine *line, uint64_t val, unsigned int digits);
void guestLineEmit(guestLine *line);

/* clock.c: TSC time base calibrated on the PIT, PIT wake-up ticks. */

extern volatile uint32_t guestTimerTicks;

uint64_t guestClockCalibrate(void);
int guestClockStartTicks(uint64_t tscHz);
void guestClockIdle(int haveTicks);

/* entropy.c: the per-boot identifier. */

uint64_t guestBootId(void);

/* boot.c: what the multiboot loader tells us. */

typedef struct _guestConfig guestConfig;
struct _guestConfig {
    uint32_t hbMs;
    uint32_t wssMib;
    uint32_t rateMibS;
    uint32_t panicBeats; /* panic after this many beats; 0: never */
    uint32_t eject;      /* 1: eject PCI devices the host unplugs */
};

void guestBootParse(uint32_t magic,
                    uint32_t infoAddr,
                    guestConfig *cfg,
                    uint32_t *memStart,
                    uint32_t *memEnd);

/* wss.c: the working set that is verified and rewritten page by page. */

typedef struct _guestWssFault guestWssFault;
struct _guestWssFault {
    uint32_t page;
    uint32_t addr;
    uint32_t wantGen;
    uint32_t haveGen;
    uint32_t word;
};

typedef struct _guestWss guestWss;
struct _guestWss {
    uint32_t *base;
    uint32_t npages;
    uint32_t cursor; /* next page to verify and rewrite */
    uint32_t gen;    /* generation the current pass writes */
    uint32_t salt;   /* per boot, so an earlier boot's pages never match */
};

void guestWssInit(guestWss *wss, uint32_t base, uint32_t npages, uint32_t salt);
int guestWssStep(guestWss *wss, guestWssFault *fault);
