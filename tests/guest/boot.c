/*
 * boot.c: read what the multiboot loader hands over.
 *
 * QEMU puts the command line right behind our image, exactly where the
 * working set goes, so everything is parsed into static storage before
 * the first page of the working set is written.
 */

#include "guest.h"

#define MB_BOOT_MAGIC 0x2BADB002u
#define MB_INFO_MEMORY (1u << 0)
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MMAP (1u << 6)
#define MB_MMAP_AVAILABLE 1
#define CMDLINE_MAX 512
#define WSS_ALIGN (64u * 1024u)
#define MEM_LIMIT 0xFFFFF000ull /* no paging: stay below 4 GiB */

#define GUEST_DEFAULT_HB_MS 100
#define GUEST_MAX_HB_MS 3600000u
#define GUEST_MAX_RATE_MIB_S 1000000u

struct __attribute__((packed)) _guestMbInfo {
    uint32_t flags;
    uint32_t memLower;
    uint32_t memUpper;
    uint32_t bootDevice;
    uint32_t cmdline;
    uint32_t modsCount;
    uint32_t modsAddr;
    uint32_t syms[4];
    uint32_t mmapLength;
    uint32_t mmapAddr;
};

struct __attribute__((packed)) _guestMbMmap {
    uint32_t size; /* of the entry, not counting this field */
    uint64_t base;
    uint64_t length;
    uint32_t type;
};

extern char __kernel_end[];

static void
guestBootWarn(const char *what, const char *detail)
{
    guestLine line;

    guestLineInit(&line, "virtmig-guest warn ");
    guestLineStr(&line, what);
    guestLineStr(&line, detail);
    guestLineEmit(&line);
}

/* Compare the word [s, s+len) with "key=" and parse what follows. */
static void
guestBootOption(const char *s,
                size_t len,
                const char *key,
                uint32_t min,
                uint32_t max,
                uint32_t *val)
{
    size_t klen = 0;
    uint32_t v;

    while (key[klen])
        klen++;
    if (len <= klen || s[klen] != '=')
        return;
    if (memcmp(s, key, klen) != 0)
        return;
    if (guestParseU32(s + klen + 1, len - klen - 1, &v) < 0 || v < min ||
        v > max) {
        guestBootWarn("bad value ignored for ", key);
        return;
    }
    *val = v;
}

static void
guestBootWord(const char *s, size_t len, guestConfig *cfg)
{
    guestBootOption(s, len, "hb_ms", 1, GUEST_MAX_HB_MS, &cfg->hbMs);
    guestBootOption(s, len, "wss_mib", 0, 4096, &cfg->wssMib);
    guestBootOption(s, len, "rate_mib_s", 0, GUEST_MAX_RATE_MIB_S,
                    &cfg->rateMibS);
    guestBootOption(s, len, "panic_beats", 0, 1000000, &cfg->panicBeats);
    guestBootOption(s, len, "eject", 0, 1, &cfg->eject);
}

/*
 * Split the command line on spaces.  QEMU passes "<kernel path> <append>",
 * so unknown words, the path among them, are skipped.
 */
static void
guestBootCmdline(const char *src, guestConfig *cfg)
{
    static char copy[CMDLINE_MAX];
    size_t n = 0;
    size_t start;
    size_t i;

    while (n < CMDLINE_MAX - 1 && src[n]) {
        copy[n] = src[n];
        n++;
    }
    copy[n] = '\0';
    for (i = 0; i < n; i = start) {
        while (i < n && copy[i] == ' ')
            i++;
        start = i;
        while (start < n && copy[start] != ' ')
            start++;
        if (start > i)
            guestBootWord(copy + i, start - i, cfg);
    }
}

/* Clip the RAM range [base, base+length) to [lowest, MEM_LIMIT). */
static void
guestBootClip(uint64_t base,
              uint64_t length,
              uint32_t lowest,
              uint32_t *start,
              uint32_t *end)
{
    uint64_t lo = base;
    uint64_t hi = base + length;

    if (lo < lowest)
        lo = lowest;
    if (hi > MEM_LIMIT)
        hi = MEM_LIMIT;
    if (hi <= lo) {
        *start = *end = 0;
        return;
    }
    *start = (uint32_t)lo;
    *end = (uint32_t)hi;
}

/*
 * Find the largest usable RAM range above @lowest: from the memory map when
 * there is one, else from mem_upper (KiB of RAM starting at 1 MiB).
 */
static void
guestBootMemory(const struct _guestMbInfo *info,
                uint32_t lowest,
                uint32_t *memStart,
                uint32_t *memEnd)
{
    uint32_t off;
    uint32_t s;
    uint32_t e;

    *memStart = *memEnd = 0;
    if (!(info->flags & MB_INFO_MMAP)) {
        if (info->flags & MB_INFO_MEMORY)
            guestBootClip(GUEST_MIB, (uint64_t)info->memUpper * 1024, lowest,
                          memStart, memEnd);
        return;
    }
    for (off = 0; off + sizeof(struct _guestMbMmap) <= info->mmapLength;) {
        const struct _guestMbMmap *ent =
            (const void *)(uintptr_t)(info->mmapAddr + off);

        off += ent->size + sizeof(ent->size);
        if (ent->type != MB_MMAP_AVAILABLE)
            continue;
        guestBootClip(ent->base, ent->length, lowest, &s, &e);
        if (e - s > *memEnd - *memStart) {
            *memStart = s;
            *memEnd = e;
        }
    }
}

/*
 * Check the loader's @magic, then read the command line into @cfg and the
 * RAM range free for the working set into [@memStart, @memEnd).  Without a
 * multiboot loader the guest reports it and stops.
 */
void
guestBootParse(uint32_t magic,
               uint32_t infoAddr,
               guestConfig *cfg,
               uint32_t *memStart,
               uint32_t *memEnd)
{
    const struct _guestMbInfo *info = (const void *)(uintptr_t)infoAddr;
    uint32_t lowest =
        ((uint32_t)(uintptr_t)__kernel_end + WSS_ALIGN - 1) & ~(WSS_ALIGN - 1);

    cfg->hbMs = GUEST_DEFAULT_HB_MS;
    cfg->wssMib = 0;
    cfg->rateMibS = 0;
    cfg->panicBeats = 0;
    cfg->eject = 0;
    *memStart = *memEnd = 0;
    if (magic != MB_BOOT_MAGIC) {
        guestBootWarn("not started by a multiboot loader", "");
        for (;;)
            __asm__ volatile("cli; hlt");
    }
    if (info->flags & MB_INFO_CMDLINE)
        guestBootCmdline((const char *)(uintptr_t)info->cmdline, cfg);
    guestBootMemory(info, lowest, memStart, memEnd);
}
