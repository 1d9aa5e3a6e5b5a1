/*
 * main.c: the test guest's main loop.
 *
 * One CPU, no scheduler: the loop reads the TSC, prints a heartbeat when
 * one is due, and otherwise verifies and rewrites a few pages of the
 * working set, within the configured rate.  With nothing to do it sleeps
 * in hlt until the next 1 ms tick.
 */

#include "guest.h"

#define GUEST_CHUNK_PAGES 16    /* pages between two looks at the clock */
#define GUEST_FAULT_REPORTS 8   /* detail lines printed per boot, at most */
#define GUEST_MAX_CREDIT_DIV 10 /* unused rate budget expires after 100 ms */

typedef struct _guestPacer guestPacer;
struct _guestPacer {
    uint64_t ticksPerPage; /* 0: no rate limit */
    uint64_t maxCredit;
    uint64_t credit;
    uint64_t last;
};

typedef struct _guestState guestState;
struct _guestState {
    uint64_t bootId;
    uint64_t seq;
    int corrupt;
    uint32_t faultsReported;
    guestWss wss;
    guestPacer pacer;
};

extern char __bss_start[];
extern char __bss_end[];

void guestMain(uint32_t magic, uint32_t infoAddr);

/* Drop the TLB entries of .bss (state and stack); see guestTlbDrop(). */
static void
guestTlbDropHot(void)
{
    uintptr_t p = (uintptr_t)__bss_start & ~(uintptr_t)(GUEST_PAGE_SIZE - 1);

    for (; p < (uintptr_t)__bss_end; p += GUEST_PAGE_SIZE)
        guestTlbDrop((const void *)p);
}

static void
guestHeartbeat(guestState *st)
{
    uint64_t seq = st->seq;
    guestLine line;

    guestTlbDrop(&st->seq);
    st->seq = seq + 1;
    guestLineInit(&line, "virtmig-guest boot=");
    guestLineHex(&line, st->bootId, 16);
    guestLineStr(&line, " seq=");
    guestLineDec(&line, seq);
    guestLineStr(&line, st->corrupt ? " state=CORRUPT" : " state=ok");
    guestLineEmit(&line);
}

static void
guestReportFault(const guestWssFault *f)
{
    guestLine line;

    guestLineInit(&line, "virtmig-guest corrupt page=");
    guestLineDec(&line, f->page);
    guestLineStr(&line, " addr=0x");
    guestLineHex(&line, f->addr, 8);
    guestLineStr(&line, " want_gen=");
    guestLineDec(&line, f->wantGen);
    guestLineStr(&line, " have_gen=");
    guestLineDec(&line, f->haveGen);
    guestLineStr(&line, " word=");
    guestLineDec(&line, f->word);
    guestLineEmit(&line);
}

/* Rate limit as a token bucket counted in TSC ticks. */
static void
guestPacerInit(guestPacer *p, uint64_t tscHz, uint32_t rateMibS)
{
    p->ticksPerPage = 0;
    p->credit = 0;
    p->last = guestRdtsc();
    if (rateMibS == 0)
        return;
    p->ticksPerPage = guestDivU64(tscHz, rateMibS * GUEST_PAGES_PER_MIB, NULL);
    if (p->ticksPerPage == 0)
        p->ticksPerPage = 1;
    p->maxCredit = guestDivU64(tscHz, GUEST_MAX_CREDIT_DIV, NULL);
    if (p->maxCredit < p->ticksPerPage)
        p->maxCredit = p->ticksPerPage;
}

/* How many of @want pages may be processed now. */
static uint32_t
guestPacerTake(guestPacer *p, uint64_t now, uint32_t want)
{
    uint32_t n = 0;

    if (p->ticksPerPage == 0)
        return want;
    p->credit += now - p->last;
    p->last = now;
    if (p->credit > p->maxCredit)
        p->credit = p->maxCredit;
    while (n < want && p->credit >= p->ticksPerPage) {
        p->credit -= p->ticksPerPage;
        n++;
    }
    return n;
}

/* Process one chunk of the working set.  Returns 0 when idle. */
static int
guestWork(guestState *st, uint64_t now)
{
    guestWssFault fault;
    uint32_t n;
    uint32_t i;

    if (st->wss.npages == 0)
        return 0;
    n = guestPacerTake(&st->pacer, now, GUEST_CHUNK_PAGES);
    for (i = 0; i < n; i++) {
        guestTlbDropHot();
        if (guestWssStep(&st->wss, &fault) == 0)
            continue;
        st->corrupt = 1;
        if (st->faultsReported < GUEST_FAULT_REPORTS) {
            guestReportFault(&fault);
            st->faultsReported++;
        }
    }
    return n != 0;
}

/* The next heartbeat deadline; after a stall, restart the beat from now. */
static uint64_t
guestNextDeadline(uint64_t deadline, uint64_t period, uint64_t now)
{
    deadline += period;
    if (deadline <= now)
        deadline = now + period;
    return deadline;
}

/* The guest's kernel panic: tell the host through the pvpanic device (its
 * default I/O port, "guest panicked" bit), as Linux's pvpanic driver
 * does, then stop for good. */
static void
guestPanic(void)
{
    guestLine line;

    guestLineInit(&line, "virtmig-guest panic");
    guestLineEmit(&line);
    guestOutb(GUEST_PVPANIC_PORT, GUEST_PVPANIC_PANICKED);
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* What a guest's ACPI does when the host unplugs a PCI device of the
 * root bus (QEMU's device_del): the _EJ0 method writes the slots the
 * host marked for removal to the eject register, and QEMU deletes the
 * devices.  Without the i440fx hotplug registers reads give all ones. */
static void
guestEjectUnplugged(void)
{
    guestLine line;
    uint32_t down;

    guestOutl(GUEST_PCIHP_SELECT_PORT, 0);
    down = guestInl(GUEST_PCIHP_DOWN_PORT);
    if (down == 0 || down == 0xffffffffu)
        return;
    guestOutl(GUEST_PCIHP_EJECT_PORT, down);
    guestLineInit(&line, "virtmig-guest eject slots=0x");
    guestLineHex(&line, down, 8);
    guestLineEmit(&line);
}

static void
guestRun(guestState *st, uint64_t period, int haveTicks, uint32_t panicBeats,
         uint32_t eject)
{
    uint64_t deadline = guestRdtsc();
    uint64_t now;

    for (;;) {
        guestTlbDropHot();
        now = guestRdtsc();
        if (now >= deadline) {
            if (panicBeats && st->seq == panicBeats)
                guestPanic();
            guestHeartbeat(st);
            if (eject)
                guestEjectUnplugged();
            deadline = guestNextDeadline(deadline, period, now);
            continue;
        }
        if (!guestWork(st, now))
            guestClockIdle(haveTicks);
    }
}

/* Fit the working set in [memStart, memEnd); warn once if it must shrink. */
static uint32_t
guestWssPages(uint32_t wssMib, uint32_t memStart, uint32_t memEnd)
{
    uint32_t availMib = (memEnd - memStart) / GUEST_MIB;
    guestLine line;

    if (wssMib > availMib) {
        guestLineInit(&line, "virtmig-guest warn wss clamped to ");
        guestLineDec(&line, availMib);
        guestLineStr(&line, " MiB");
        guestLineEmit(&line);
        wssMib = availMib;
    }
    return wssMib * GUEST_PAGES_PER_MIB;
}

static void
guestReportConfig(const guestConfig *cfg,
                  const guestState *st,
                  uint64_t tscHz,
                  int haveTicks)
{
    guestLine line;

    guestLineInit(&line, "virtmig-guest info hb_ms=");
    guestLineDec(&line, cfg->hbMs);
    guestLineStr(&line, " wss_mib=");
    guestLineDec(&line, st->wss.npages / GUEST_PAGES_PER_MIB);
    guestLineStr(&line, " rate_mib_s=");
    guestLineDec(&line, cfg->rateMibS);
    guestLineStr(&line, " wss_base=0x");
    guestLineHex(&line, (uint32_t)(uintptr_t)st->wss.base, 8);
    guestLineStr(&line, " tsc_khz=");
    guestLineDec(&line, guestDivU64(tscHz, 1000, NULL));
    guestLineStr(&line, haveTicks ? " idle=hlt" : " idle=poll");
    guestLineEmit(&line);
}

/*
 * Called from entry.S with the loader's @magic and multiboot information
 * address @infoAddr, interrupts off and .bss zeroed.  Never returns.
 */
void
guestMain(uint32_t magic, uint32_t infoAddr)
{
    static guestState st;
    guestConfig cfg;
    uint32_t memStart;
    uint32_t memEnd;
    uint64_t tscHz;
    int haveTicks;

    guestSerialInit();
    guestBootParse(magic, infoAddr, &cfg, &memStart, &memEnd);
    tscHz = guestClockCalibrate();
    haveTicks = guestClockStartTicks(tscHz);
    st.bootId = guestBootId();
    guestWssInit(&st.wss, memStart, guestWssPages(cfg.wssMib, memStart, memEnd),
                 (uint32_t)(st.bootId ^ (st.bootId >> 32)));
    guestPacerInit(&st.pacer, tscHz, cfg.rateMibS);
    guestReportConfig(&cfg, &st, tscHz, haveTicks);
    guestRun(&st, guestDivU64(tscHz * cfg.hbMs, 1000, NULL), haveTicks,
             cfg.panicBeats, cfg.eject);
}
