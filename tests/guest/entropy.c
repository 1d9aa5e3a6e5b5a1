/*
 * entropy.c: a boot identifier that differs between boots.
 *
 * Nothing here is secret; the id only has to tell two boots apart.  The
 * sources are the TSC (host-cycle jitter under TCG), the CMOS clock
 * (wall time) and RDRAND when the CPU model offers it, folded together
 * with a 64-bit finalizer so every input bit reaches every output bit.
 */

#include "guest.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_NMI_OFF 0x80
#define CMOS_STATUS_A 0x0A
#define CMOS_STATUS_A_UIP 0x80
#define CMOS_SPIN_MAX 100000
#define CPUID_1_ECX_RDRAND (1u << 30)
#define RDRAND_TRIES 10

static uint64_t
guestMix64(uint64_t z)
{
    z ^= z >> 30;
    z *= 0xBF58476D1CE4E5B9ull;
    z ^= z >> 27;
    z *= 0x94D049BB133111EBull;
    z ^= z >> 31;
    return z;
}

static uint8_t
guestCmosRead(uint8_t reg)
{
    guestOutb(CMOS_INDEX, CMOS_NMI_OFF | reg);
    return guestInb(CMOS_DATA);
}

/* The RTC fields packed into one word; the encoding does not matter. */
static uint64_t
guestCmosTime(void)
{
    static const uint8_t regs[] = {0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32};
    uint64_t val = 0;
    unsigned int spin;
    size_t i;

    for (spin = 0; spin < CMOS_SPIN_MAX; spin++) {
        if (!(guestCmosRead(CMOS_STATUS_A) & CMOS_STATUS_A_UIP))
            break;
    }
    for (i = 0; i < sizeof(regs); i++)
        val = (val << 8) | guestCmosRead(regs[i]);
    return val;
}

static int
guestHaveRdrand(void)
{
    uint32_t regs[4];

    guestCpuid(0, regs);
    if (regs[0] < 1)
        return 0;
    guestCpuid(1, regs);
    return (regs[2] & CPUID_1_ECX_RDRAND) != 0;
}

/* One 32-bit RDRAND value, or 0 if the generator keeps failing. */
static uint32_t
guestRdrand32(void)
{
    uint32_t val;
    uint8_t ok;
    int i;

    for (i = 0; i < RDRAND_TRIES; i++) {
        __asm__ volatile("rdrand %0; setc %1" : "=r"(val), "=qm"(ok));
        if (ok)
            return val;
    }
    return 0;
}

/* Returns a fresh 64-bit identifier for this boot. */
uint64_t
guestBootId(void)
{
    uint64_t h = 0x243F6A8885A308D3ull;

    h = guestMix64(h ^ guestRdtsc());
    h = guestMix64(h ^ guestCmosTime());
    if (guestHaveRdrand()) {
        h = guestMix64(h ^ guestRdrand32());
        h = guestMix64(h ^ ((uint64_t)guestRdrand32() << 32));
    }
    return guestMix64(h ^ guestRdtsc());
}
