/*
 * vmagent: the program the Linux test guest runs as PID 1 once its /init
 * has mounted /proc, loaded the virtio modules and configured eth0.
 *
 * It prints one heartbeat line per period on the serial port:
 *
 *   virtmig-linux boot=<16 hex> seq=<n> disk=<ok|BAD> net=<ok|down> state=<ok|CORRUPT>
 *
 * and between heartbeats it rewrites and checks a ring of 4 KiB blocks on
 * the disk (O_DIRECT, so reads come from the device and not from the page
 * cache), pings the user-mode network's gateway, and checks and rewrites a
 * working set of its own memory.  See README.rst for the contract.
 *
 * Freestanding from the project: plain C and the C library, linked
 * statically so that the initramfs needs nothing but this file and
 * busybox.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 4096
#define WORDS (BLOCK / 8)
#define BLOCK_MAGIC 0x314b4c42584c4d56ULL   /* "VMLXBLK1" */
#define RECORD_MAGIC 0x31434552584c4d56ULL  /* "VMLXREC1" */
#define MAX_REPORTS 8

typedef struct {
    /* from the kernel command line (vm.KEY=VALUE) */
    long hbMs;          /* heartbeat period */
    long blocks;        /* ring size, in blocks after the record block */
    long chunk;         /* blocks checked and rewritten per heartbeat */
    long wssMib;        /* memory working set */
    long tickUs;        /* ticker thread period, 0: none */
    const char *disk;
    const char *serial;
    const char *pingAddr;

    int out;            /* serial port */
    int diskFd;         /* -1: no disk */
    int icmp;           /* -1: no network */
    uint64_t boot;
    uint64_t seq;
    uint64_t writes;    /* block writes done since boot */
    bool diskBad;
    int diskReports;
    bool corrupt;
    int memReports;
    uint16_t pingSeq;
    uint64_t *wss;      /* wssMib MiB, in pages of WORDS words */
    size_t wssPages;
    uint64_t wssVisits; /* page visits done since boot */
    unsigned char *buf; /* chunk buffer, BLOCK aligned */
    unsigned char *want;
} vmAgent;


static uint64_t
mix64(uint64_t x)
{
    /* splitmix64's finaliser; README.rst gives it for other readers */
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}


/* The seed of the pattern of (boot, block or page, generation). */
static uint64_t
patternSeed(uint64_t boot, uint64_t index, uint64_t gen)
{
    return mix64(boot ^ mix64(index ^ mix64(gen)));
}


static void
say(vmAgent *a, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (n > (int)sizeof(line) - 2)
        n = sizeof(line) - 2;
    line[n++] = '\n';
    /* one write() per line: the tty never interleaves two of them */
    if (write(a->out, line, n) < 0) {
        /* nowhere else to report it */
    }
}


static long
cmdlineLong(const char *cmdline, const char *key, long def, long min, long max)
{
    const char *p = strstr(cmdline, key);
    char *end;
    long v;

    if (!p || (p != cmdline && p[-1] != ' '))
        return def;
    v = strtol(p + strlen(key), &end, 10);
    if (end == p + strlen(key) || v < min || v > max)
        return def;
    return v;
}


static const char *
cmdlineString(const char *cmdline, const char *key, const char *def)
{
    const char *p = strstr(cmdline, key);
    size_t len;

    if (!p || (p != cmdline && p[-1] != ' '))
        return def;
    p += strlen(key);
    len = strcspn(p, " \n");
    return strndup(p, len);
}


static void
agentConfigure(vmAgent *a)
{
    char cmdline[4096] = "";
    int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, cmdline, sizeof(cmdline) - 1) : -1;

    if (n > 0)
        cmdline[n] = '\0';
    if (fd >= 0)
        close(fd);
    a->hbMs = cmdlineLong(cmdline, "vm.hb_ms=", 250, 10, 60000);
    a->blocks = cmdlineLong(cmdline, "vm.blocks=", 512, 1, 1 << 20);
    a->chunk = cmdlineLong(cmdline, "vm.chunk=", 32, 1, 256);
    a->wssMib = cmdlineLong(cmdline, "vm.wss_mib=", 8, 0, 1024);
    a->tickUs = cmdlineLong(cmdline, "vm.tick_us=", 0, 0, 1000000);
    a->disk = cmdlineString(cmdline, "vm.disk=", "/dev/vda");
    a->serial = cmdlineString(cmdline, "vm.serial=", "/dev/ttyS0");
    a->pingAddr = cmdlineString(cmdline, "vm.ping=", "10.0.2.2");
}


static int
serialOpen(const char *path)
{
    struct termios t;
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);

    if (fd < 0)
        return -1;
    if (tcgetattr(fd, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(fd, TCSANOW, &t);
    }
    return fd;
}


static uint64_t
bootId(void)
{
    uint64_t id = 0;
    struct timespec ts;

    if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != sizeof(id)) {
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

        if (fd >= 0) {
            if (read(fd, &id, sizeof(id)) != sizeof(id))
                id = 0;
            close(fd);
        }
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    id ^= mix64((uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return mix64(id ^ ((uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec));
}


/* ---- disk ---------------------------------------------------------- */

static void
blockFill(uint64_t *w, uint64_t boot, uint64_t blk, uint64_t gen)
{
    uint64_t seed = patternSeed(boot, blk, gen);
    size_t i;

    w[0] = BLOCK_MAGIC;
    w[1] = boot;
    w[2] = blk;
    w[3] = gen;
    for (i = 4; i < WORDS; i++)
        w[i] = mix64(seed + i);
}


static void
diskReport(vmAgent *a, uint64_t blk, uint64_t wantGen, const uint64_t *have)
{
    a->diskBad = true;
    if (a->diskReports++ >= MAX_REPORTS)
        return;
    if (have[0] != BLOCK_MAGIC || have[1] != a->boot || have[2] != blk) {
        say(a, "virtmig-linux diskbad blk=%llu want_gen=%llu "
            "have=foreign magic=%016llx boot=%016llx",
            (unsigned long long)blk, (unsigned long long)wantGen,
            (unsigned long long)have[0], (unsigned long long)have[1]);
    } else {
        say(a, "virtmig-linux diskbad blk=%llu want_gen=%llu have_gen=%llu%s",
            (unsigned long long)blk, (unsigned long long)wantGen,
            (unsigned long long)have[3],
            have[3] == wantGen ? " damaged" : "");
    }
}


static void
diskFail(vmAgent *a, const char *what)
{
    a->diskBad = true;
    if (a->diskReports++ < MAX_REPORTS)
        say(a, "virtmig-linux diskbad %s: %s", what, strerror(errno));
}


/* Block 0: what the guest had durably written when it last said so. */
static void
diskWriteRecord(vmAgent *a)
{
    uint64_t *w = (uint64_t *)a->buf;

    memset(a->buf, 0, BLOCK);
    w[0] = RECORD_MAGIC;
    w[1] = a->boot;
    w[2] = a->writes;
    w[3] = (uint64_t)a->blocks;
    w[4] = a->seq;
    w[5] = mix64(w[0] ^ mix64(w[1] ^ mix64(w[2] ^ mix64(w[3] ^ mix64(w[4])))));
    if (pwrite(a->diskFd, a->buf, BLOCK, 0) != BLOCK)
        diskFail(a, "record write");
    else if (fdatasync(a->diskFd) < 0)
        diskFail(a, "record flush");
}


/*
 * Write number W goes to block 1 + W % blocks with generation
 * W / blocks.  Before a block is rewritten for generation G > 0, it must
 * still hold generation G - 1 of this boot, whole.
 */
static void
diskStep(vmAgent *a)
{
    uint64_t first = a->writes % a->blocks;
    uint64_t gen = a->writes / a->blocks;
    uint64_t n = a->chunk;
    off_t off = (off_t)(1 + first) * BLOCK;
    uint64_t i;

    if (a->diskFd < 0)
        return;
    if (n > a->blocks - first)
        n = a->blocks - first;  /* never wrap inside a chunk */
    if (gen > 0) {
        if (pread(a->diskFd, a->buf, n * BLOCK, off) != (ssize_t)(n * BLOCK)) {
            diskFail(a, "read");
        } else {
            for (i = 0; i < n; i++) {
                uint64_t *have = (uint64_t *)(a->buf + i * BLOCK);
                uint64_t *want = (uint64_t *)a->want;

                blockFill(want, a->boot, 1 + first + i, gen - 1);
                if (memcmp(have, want, BLOCK) != 0)
                    diskReport(a, 1 + first + i, gen - 1, have);
            }
        }
    }
    for (i = 0; i < n; i++)
        blockFill((uint64_t *)(a->buf + i * BLOCK), a->boot, 1 + first + i, gen);
    if (pwrite(a->diskFd, a->buf, n * BLOCK, off) != (ssize_t)(n * BLOCK)) {
        diskFail(a, "write");
        return;
    }
    if (fdatasync(a->diskFd) < 0) {
        diskFail(a, "flush");
        return;
    }
    a->writes += n;
    diskWriteRecord(a);
}


/* ---- network -------------------------------------------------------- */

static uint16_t
icmpChecksum(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint32_t sum = 0;
    size_t i;

    for (i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return htons(~sum & 0xffff);
}


static void
pingSend(vmAgent *a)
{
    struct sockaddr_in to = { .sin_family = AF_INET };
    struct icmphdr req = { .type = ICMP_ECHO };

    inet_pton(AF_INET, a->pingAddr, &to.sin_addr);
    req.un.echo.id = htons((uint16_t)a->boot);
    req.un.echo.sequence = htons(++a->pingSeq);
    req.checksum = icmpChecksum(&req, sizeof(req));
    if (sendto(a->icmp, &req, sizeof(req), 0,
               (struct sockaddr *)&to, sizeof(to)) < 0) {
        /* no route, link down: the wait below times out */
    }
}


/* True if an echo reply to one of the requests since @first arrives
 * within @ms milliseconds. */
static bool
pingWait(vmAgent *a, uint16_t first, int ms)
{
    struct timespec start, now;

    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        unsigned char pkt[1500];
        struct pollfd pfd = { .fd = a->icmp, .events = POLLIN };
        struct iphdr *ip = (struct iphdr *)pkt;
        struct icmphdr *rep;
        long left;
        ssize_t len;

        clock_gettime(CLOCK_MONOTONIC, &now);
        left = ms - ((now.tv_sec - start.tv_sec) * 1000 +
                     (now.tv_nsec - start.tv_nsec) / 1000000);
        if (left <= 0 || poll(&pfd, 1, left) <= 0)
            return false;
        len = recv(a->icmp, pkt, sizeof(pkt), MSG_DONTWAIT);
        if (len < (ssize_t)sizeof(*ip) ||
            len < (ssize_t)(ip->ihl * 4 + sizeof(*rep)))
            continue;
        rep = (struct icmphdr *)(pkt + ip->ihl * 4);
        if (rep->type == ICMP_ECHOREPLY &&
            ntohs(rep->un.echo.id) == (uint16_t)a->boot &&
            (uint16_t)(ntohs(rep->un.echo.sequence) - first) <=
            (uint16_t)(a->pingSeq - first))
            return true;
    }
}


/*
 * Is the gateway reachable?  A request every 200 ms, any of their replies
 * counts, for at most a second: a loaded host or a migration's switch-over
 * may delay one, a link that is really down fails every time.
 */
static bool
netCheck(vmAgent *a)
{
    uint16_t first = a->pingSeq + 1;
    int i;

    if (a->icmp < 0)
        return false;
    for (i = 0; i < 5; i++) {
        pingSend(a);
        if (pingWait(a, first, 200))
            return true;
    }
    return false;
}


/* ---- memory working set --------------------------------------------- */

/*
 * Visit V goes to page V % pages with generation V / pages; the page must
 * hold generation G - 1 before it is rewritten, as on the disk.  A few
 * pages per heartbeat keep the set dirty all the time.
 */
static void
memStep(vmAgent *a, size_t visits)
{
    uint64_t want[WORDS];
    size_t i;

    for (i = 0; i < visits && a->wssPages; i++, a->wssVisits++) {
        uint64_t page = a->wssVisits % a->wssPages;
        uint64_t gen = a->wssVisits / a->wssPages;
        uint64_t *p = a->wss + page * WORDS;

        if (gen > 0) {
            blockFill(want, a->boot, page, gen - 1);
            if (memcmp(p, want, BLOCK) != 0) {
                a->corrupt = true;
                if (a->memReports++ < MAX_REPORTS)
                    say(a, "virtmig-linux corrupt page=%llu want_gen=%llu "
                        "have_gen=%llu", (unsigned long long)page,
                        (unsigned long long)(gen - 1),
                        (unsigned long long)p[3]);
            }
        }
        blockFill(p, a->boot, page, gen);
    }
}


/* ---- ticker ----------------------------------------------------------- */

/*
 * Wakes up every tickUs microseconds and does nothing else.  With the
 * kernel's pti=on each return to user space reloads CR3, which flushes
 * QEMU's whole TCG TLB: see README.rst, "QEMU 7.2".
 */
static void *
tickerRun(void *opaque)
{
    const vmAgent *a = opaque;
    struct timespec ts = { .tv_sec = a->tickUs / 1000000,
                           .tv_nsec = (a->tickUs % 1000000) * 1000 };

    for (;;)
        nanosleep(&ts, NULL);
    return NULL;
}


/* ---- main loop ------------------------------------------------------ */

static void
agentSetup(vmAgent *a)
{
    a->boot = bootId();
    a->diskFd = open(a->disk, O_RDWR | O_DIRECT | O_CLOEXEC);
    if (a->diskFd < 0)
        diskFail(a, a->disk);
    a->icmp = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
    if (posix_memalign((void **)&a->buf, BLOCK, (size_t)a->chunk * BLOCK) ||
        posix_memalign((void **)&a->want, BLOCK, BLOCK))
        abort();
    a->wssPages = (size_t)a->wssMib * (1 << 20) / BLOCK;
    if (a->wssPages &&
        posix_memalign((void **)&a->wss, BLOCK, a->wssPages * BLOCK))
        a->wssPages = 0;
    if (a->tickUs > 0) {
        pthread_t tid;

        if (pthread_create(&tid, NULL, tickerRun, a) != 0)
            a->tickUs = 0;
    }
    say(a, "virtmig-linux info hb_ms=%ld blocks=%ld chunk=%ld wss_mib=%ld "
        "tick_us=%ld disk=%s ping=%s", a->hbMs, a->blocks, a->chunk,
        a->wssMib, a->tickUs, a->disk, a->pingAddr);
}


static void
addMs(struct timespec *t, long ms)
{
    t->tv_nsec += (ms % 1000) * 1000000L;
    t->tv_sec += ms / 1000 + t->tv_nsec / 1000000000L;
    t->tv_nsec %= 1000000000L;
}


int
main(void)
{
    vmAgent a = { .out = -1 };
    struct timespec next, now;
    /* visits per heartbeat: the whole set once every 4 s */
    size_t memVisits;

    a.out = serialOpen("/dev/ttyS0");
    agentConfigure(&a);
    if (strcmp(a.serial, "/dev/ttyS0") != 0) {
        close(a.out);
        a.out = serialOpen(a.serial);
    }
    if (a.out < 0)
        a.out = STDOUT_FILENO;
    agentSetup(&a);
    memVisits = a.wssPages * a.hbMs / 4000 + 1;

    clock_gettime(CLOCK_MONOTONIC, &next);
    for (;;) {
        bool net;

        diskStep(&a);
        memStep(&a, memVisits);
        net = netCheck(&a);
        say(&a, "virtmig-linux boot=%016llx seq=%llu disk=%s net=%s state=%s",
            (unsigned long long)a.boot, (unsigned long long)a.seq,
            a.diskBad ? "BAD" : "ok", net ? "ok" : "down",
            a.corrupt ? "CORRUPT" : "ok");
        a.seq++;

        addMs(&next, a.hbMs);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec > next.tv_sec + 1) {
            next = now;     /* far behind (a long pause): no burst */
            continue;
        }
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
                               NULL) == EINTR) {
        }
    }
}
