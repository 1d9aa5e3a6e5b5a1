/*
 * clock.c: the guest's sense of time.
 *
 * Time is the TSC.  Under TCG it counts host cycles but only while the VM
 * runs, and QEMU carries its value across migration, so deadlines computed
 * from it stay valid on the destination.  Its rate is measured once at
 * boot against the PIT's fixed 1.193182 MHz input clock.
 *
 * Afterwards the PIT is reprogrammed to raise IRQ 0 every millisecond.
 * That interrupt only wakes the CPU from hlt so an idle guest does not
 * spin a host core; if it never arrives the guest falls back to polling.
 */

#include "guest.h"

#define PIT_HZ 1193182u
#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_CMD_CH0_LATCH 0x00
#define PIT_CMD_CH0_RATE 0x34 /* channel 0, lobyte/hibyte, mode 2 */
#define PIT_CALIBRATE_MS 20
#define PIT_TICK_HZ 1000

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1
#define PIC_VECTOR_BASE 0x20
#define PIC_VECTORS 16

#define GDT_SEL_CODE 0x08
#define IDT_GATE_INT32 0x8E /* present, ring 0, 32-bit interrupt gate */

volatile uint32_t guestTimerTicks;

extern void guestIrqTimer(void);
extern void guestIrqIgnore(void);

struct __attribute__((packed)) _guestIdtGate {
    uint16_t offLow;
    uint16_t selector;
    uint8_t zero;
    uint8_t type;
    uint16_t offHigh;
};

struct __attribute__((packed)) _guestIdtDesc {
    uint16_t limit;
    uint32_t base;
};

static struct _guestIdtGate guestIdt[PIC_VECTOR_BASE + PIC_VECTORS]
    __attribute__((aligned(8)));

static void
guestPitProgram(uint16_t reload)
{
    guestOutb(PIT_CMD, PIT_CMD_CH0_RATE);
    guestOutb(PIT_CH0, (uint8_t)(reload & 0xFF));
    guestOutb(PIT_CH0, (uint8_t)(reload >> 8));
}

static uint16_t
guestPitRead(void)
{
    uint8_t lo;
    uint8_t hi;

    guestOutb(PIT_CMD, PIT_CMD_CH0_LATCH);
    lo = guestInb(PIT_CH0);
    hi = guestInb(PIT_CH0);
    return (uint16_t)(lo | (hi << 8));
}

/*
 * Count TSC cycles over PIT_CALIBRATE_MS of PIT input clock.  Channel 0
 * runs freely from 65536 down; each poll adds how far it moved, modulo
 * 65536, so wrap-arounds cost nothing.  Returns the TSC rate in Hz.
 */
uint64_t
guestClockCalibrate(void)
{
    uint32_t target = PIT_HZ / 1000 * PIT_CALIBRATE_MS;
    uint32_t elapsed = 0;
    uint16_t prev;
    uint16_t cur;
    uint64_t tsc0;
    uint64_t tsc1;

    guestPitProgram(0);
    prev = guestPitRead();
    tsc0 = guestRdtsc();
    while (elapsed < target) {
        cur = guestPitRead();
        elapsed += (uint16_t)(prev - cur);
        prev = cur;
    }
    tsc1 = guestRdtsc();
    return guestDivU64((tsc1 - tsc0) * PIT_HZ, elapsed, NULL);
}

static void
guestIdtSet(unsigned int vector, void (*handler)(void))
{
    uint32_t addr = (uint32_t)(uintptr_t)handler;

    guestIdt[vector].offLow = (uint16_t)(addr & 0xFFFF);
    guestIdt[vector].selector = GDT_SEL_CODE;
    guestIdt[vector].zero = 0;
    guestIdt[vector].type = IDT_GATE_INT32;
    guestIdt[vector].offHigh = (uint16_t)(addr >> 16);
}

/*
 * Install gates for the 16 PIC vectors only.  The CPU exception vectors
 * stay empty on purpose: a fault then escalates to a triple fault, QEMU
 * resets the guest, and the log shows a new boot id instead of a guest
 * that hangs silently.
 */
static void
guestIdtLoad(void)
{
    struct _guestIdtDesc desc;
    unsigned int v;

    for (v = 0; v < PIC_VECTORS; v++)
        guestIdtSet(PIC_VECTOR_BASE + v, guestIrqIgnore);
    guestIdtSet(PIC_VECTOR_BASE, guestIrqTimer);
    desc.limit = sizeof(guestIdt) - 1;
    desc.base = (uint32_t)(uintptr_t)guestIdt;
    __asm__ volatile("lidt %0" : : "m"(desc));
}

/* Move the PICs off the exception vectors and unmask IRQ 0 alone. */
static void
guestPicSetup(void)
{
    guestOutb(PIC1_CMD, 0x11);
    guestOutb(PIC2_CMD, 0x11);
    guestOutb(PIC1_DATA, PIC_VECTOR_BASE);
    guestOutb(PIC2_DATA, PIC_VECTOR_BASE + 8);
    guestOutb(PIC1_DATA, 0x04);
    guestOutb(PIC2_DATA, 0x02);
    guestOutb(PIC1_DATA, 0x01);
    guestOutb(PIC2_DATA, 0x01);
    guestOutb(PIC1_DATA, 0xFE);
    guestOutb(PIC2_DATA, 0xFF);
}

/*
 * Start the 1 kHz wake-up tick and check that it really interrupts us,
 * waiting at most 20 ms of TSC time.  Returns 1 when ticks arrive, 0 when
 * the caller must poll instead (IRQ 0 is masked again in that case).
 */
int
guestClockStartTicks(uint64_t tscHz)
{
    uint64_t limit = guestRdtsc() + guestDivU64(tscHz, 50, NULL);
    uint32_t start;

    guestIdtLoad();
    guestPicSetup();
    guestPitProgram(PIT_HZ / PIT_TICK_HZ);
    start = guestTimerTicks;
    __asm__ volatile("sti" ::: "memory");
    while (guestTimerTicks == start && guestRdtsc() < limit)
        ;
    __asm__ volatile("cli" ::: "memory");
    if (guestTimerTicks != start)
        return 1;
    guestOutb(PIC1_DATA, 0xFF);
    return 0;
}

/*
 * Wait for the next wake-up tick, or return at once when there are none.
 * "sti; hlt" is atomic: an IRQ cannot slip in between and be missed.
 */
void
guestClockIdle(int haveTicks)
{
    if (haveTicks)
        __asm__ volatile("sti; hlt; cli" ::: "memory");
}
