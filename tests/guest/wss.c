/*
 * wss.c: the working set.
 *
 * Pages are visited in a ring.  Each visit first checks the page against
 * what the previous pass wrote, then rewrites it for the current pass
 * ("generation").  A page carries a tag, its generation and 1022 words of
 * a pattern seeded from (boot salt, page, generation), so:
 *
 * - a page that was never transferred (zeroes, or another boot's data)
 *   fails on the tag;
 * - a stale copy, self-consistent but from an older pass, fails on the
 *   generation, which the guest knows independently from its cursor;
 * - a torn page, half old and half new, fails on the pattern.
 */

#include "guest.h"

#define WSS_WORDS (GUEST_PAGE_SIZE / sizeof(uint32_t))
#define WSS_TAG 0x564D4731u /* "VMG1" */
#define WSS_HDR_TAG 0
#define WSS_HDR_GEN 1
#define WSS_HDR_WORDS 2

static uint32_t
guestWssMix32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7FEB352Du;
    x ^= x >> 15;
    x *= 0x846CA68Bu;
    x ^= x >> 16;
    return x;
}

static uint32_t *
guestWssPage(const guestWss *wss, uint32_t page)
{
    return wss->base + (size_t)page * WSS_WORDS;
}

static uint32_t
guestWssTag(const guestWss *wss, uint32_t page)
{
    return WSS_TAG ^ wss->salt ^ page;
}

/* First pattern word and the odd step between consecutive words. */
static void
guestWssSeed(const guestWss *wss,
             uint32_t page,
             uint32_t gen,
             uint32_t *first,
             uint32_t *step)
{
    uint32_t h = guestWssMix32(page ^ wss->salt);

    h = guestWssMix32(h ^ (gen * 0x9E3779B9u));
    *first = h;
    *step = guestWssMix32(h + 1) | 1;
}

static void
guestWssFill(const guestWss *wss, uint32_t page, uint32_t gen)
{
    uint32_t *w = guestWssPage(wss, page);
    uint32_t v;
    uint32_t step;
    size_t i;

    guestWssSeed(wss, page, gen, &v, &step);
    w[WSS_HDR_TAG] = guestWssTag(wss, page);
    w[WSS_HDR_GEN] = gen;
    for (i = WSS_HDR_WORDS; i < WSS_WORDS; i++) {
        w[i] = v;
        v += step;
    }
}

/*
 * Check @page against generation @gen.  Returns 0 when it matches, else
 * -1 with the first bad word described in @fault.
 */
static int
guestWssCheck(const guestWss *wss,
              uint32_t page,
              uint32_t gen,
              guestWssFault *fault)
{
    const uint32_t *w = guestWssPage(wss, page);
    uint32_t v;
    uint32_t step;
    size_t i = WSS_HDR_WORDS;

    if (w[WSS_HDR_TAG] != guestWssTag(wss, page)) {
        i = WSS_HDR_TAG;
    } else if (w[WSS_HDR_GEN] != gen) {
        i = WSS_HDR_GEN;
    } else {
        guestWssSeed(wss, page, gen, &v, &step);
        for (; i < WSS_WORDS && w[i] == v; i++)
            v += step;
        if (i == WSS_WORDS)
            return 0;
    }
    fault->page = page;
    fault->addr = (uint32_t)(uintptr_t)(w + i);
    fault->wantGen = gen;
    fault->haveGen = w[WSS_HDR_GEN];
    fault->word = (uint32_t)i;
    return -1;
}

/*
 * Set up a working set of @npages pages at physical address @base.  No
 * page is written yet: the first pass writes without checking, so a big
 * working set does not delay the first heartbeat.
 */
void
guestWssInit(guestWss *wss, uint32_t base, uint32_t npages, uint32_t salt)
{
    wss->base = (uint32_t *)(uintptr_t)base;
    wss->npages = npages;
    wss->cursor = 0;
    wss->gen = 1;
    wss->salt = salt;
}

/*
 * Verify the page at the cursor against the previous pass, then rewrite it
 * for the current one.  Returns 0, or -1 with @fault filled in when the
 * check failed (the page is rewritten all the same).
 */
int
guestWssStep(guestWss *wss, guestWssFault *fault)
{
    uint32_t page = wss->cursor;
    int ret = 0;

    /* Generation 0 means "never written": the first pass skips it. */
    if (wss->gen - 1 != 0 && guestWssCheck(wss, page, wss->gen - 1, fault) < 0)
        ret = -1;
    guestTlbDrop(guestWssPage(wss, page));
    guestWssFill(wss, page, wss->gen);
    guestTlbDrop(wss);
    if (++wss->cursor == wss->npages) {
        wss->cursor = 0;
        if (++wss->gen == 0)
            wss->gen = 1;
    }
    return ret;
}
