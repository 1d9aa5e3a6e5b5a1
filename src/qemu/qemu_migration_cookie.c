/*
 * qemu_migration_cookie.c: libvirt's <qemu-migration> migration cookie
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The document, element by element and in libvirt 9.0's order:
 *
 *   <qemu-migration>
 *     <name/> <uuid/> <hostname/> <hostuuid/>      always
 *     <feature name='...'/>...                     mandatory features
 *     <lockstate driver=''><leases/></lockstate>   LOCKSTATE with leases
 *     <domain>...</domain>                         PERSISTENT
 *     <statistics>...</statistics>                 STATS
 *     <capabilities><cap name='' auto=''/>...      CAPS
 *   </qemu-migration>
 *
 * Parsing checks what libvirt checks, with its messages: the domain's
 * name and UUID, the sender's host UUID against ours (the same-host check:
 * two virtmigd instances on one machine have different host UUIDs), and
 * every mandatory feature.  Unlike libvirt, a malformed number in
 * <statistics> is an error rather than a silent zero.
 */
#include <config.h>

#include "qemu_migration_cookie.h"
#include "qemu_domainjob.h"
#include "virerror.h"
#include "virlog.h"
#include "viruuid.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_migration_cookie");

static const char *const qemuMigrationCookieFlagTable[] = {
    [QEMU_MIGRATION_COOKIE_FLAG_GRAPHICS] = "graphics",
    [QEMU_MIGRATION_COOKIE_FLAG_LOCKSTATE] = "lockstate",
    [QEMU_MIGRATION_COOKIE_FLAG_PERSISTENT] = "persistent",
    [QEMU_MIGRATION_COOKIE_FLAG_NETWORK] = "network",
    [QEMU_MIGRATION_COOKIE_FLAG_NBD] = "nbd",
    [QEMU_MIGRATION_COOKIE_FLAG_STATS] = "statistics",
    [QEMU_MIGRATION_COOKIE_FLAG_MEMORY_HOTPLUG] = "memory-hotplug",
    [QEMU_MIGRATION_COOKIE_FLAG_CPU_HOTPLUG] = "cpu-hotplug",
    [QEMU_MIGRATION_COOKIE_FLAG_CPU] = "cpu",
    [QEMU_MIGRATION_COOKIE_FLAG_ALLOW_REBOOT] = "allowReboot",
    [QEMU_MIGRATION_COOKIE_FLAG_CAPS] = "capabilities",
    [QEMU_MIGRATION_COOKIE_FLAG_BLOCK_DIRTY_BITMAPS] = "block-dirty-bitmaps",
};
VIR_ENUM_IMPL_TABLE(qemuMigrationCookieFlag, qemuMigrationCookieFlagTable,
                    QEMU_MIGRATION_COOKIE_FLAG_LAST);

/* Flags announced as <feature>s when formatted with them. */
#define QEMU_MIGRATION_COOKIE_FEATURES \
    (QEMU_MIGRATION_COOKIE_LOCKSTATE | QEMU_MIGRATION_COOKIE_PERSISTENT | \
     QEMU_MIGRATION_COOKIE_MEMORY_HOTPLUG | QEMU_MIGRATION_COOKIE_CPU_HOTPLUG)

/*
 * <statistics> children between <time_elapsed> and <auto_converge_throttle>,
 * in libvirt's order.  An optional group is written only when its flag in
 * qemuDomainMigrationStats is set; parsing sets the flag when the group's
 * first element (@key) is there.
 */
typedef enum {
    QEMU_COOKIE_STAT_ALWAYS = 0,
    QEMU_COOKIE_STAT_DOWNTIME,
    QEMU_COOKIE_STAT_SETUP_TIME,
    QEMU_COOKIE_STAT_DUPLICATE,
    QEMU_COOKIE_STAT_XBZRLE,
} qemuMigrationCookieStatGroup;

#define STAT(name, field, group, key) \
    { name, offsetof(qemuDomainMigrationStats, field), group, key }

static const struct {
    const char *name;
    size_t offset;              /* of an unsigned long long */
    qemuMigrationCookieStatGroup group;
    bool key;
} qemuMigrationCookieStats[] = {
    STAT(VIR_DOMAIN_JOB_DOWNTIME, downtime, QEMU_COOKIE_STAT_DOWNTIME, true),
    STAT(VIR_DOMAIN_JOB_SETUP_TIME, setup_time, QEMU_COOKIE_STAT_SETUP_TIME, true),
    STAT(VIR_DOMAIN_JOB_MEMORY_TOTAL, ram_total, QEMU_COOKIE_STAT_ALWAYS, false),
    STAT(VIR_DOMAIN_JOB_MEMORY_PROCESSED, ram_transferred, QEMU_COOKIE_STAT_ALWAYS, false),
    STAT(VIR_DOMAIN_JOB_MEMORY_REMAINING, ram_remaining, QEMU_COOKIE_STAT_ALWAYS, false),
    STAT(VIR_DOMAIN_JOB_MEMORY_BPS, ram_bps, QEMU_COOKIE_STAT_ALWAYS, false),
    STAT(VIR_DOMAIN_JOB_MEMORY_CONSTANT, ram_duplicate, QEMU_COOKIE_STAT_DUPLICATE, true),
    STAT(VIR_DOMAIN_JOB_MEMORY_NORMAL, ram_normal, QEMU_COOKIE_STAT_DUPLICATE, false),
    STAT(VIR_DOMAIN_JOB_MEMORY_NORMAL_BYTES, ram_normal_bytes, QEMU_COOKIE_STAT_DUPLICATE, false),
    STAT(VIR_DOMAIN_JOB_MEMORY_DIRTY_RATE, ram_dirty_rate, QEMU_COOKIE_STAT_ALWAYS, false),
    STAT(VIR_DOMAIN_JOB_MEMORY_ITERATION, ram_iteration, QEMU_COOKIE_STAT_ALWAYS, false),
    STAT(VIR_DOMAIN_JOB_MEMORY_POSTCOPY_REQS, ram_postcopy_reqs, QEMU_COOKIE_STAT_ALWAYS, false),
    STAT(VIR_DOMAIN_JOB_MEMORY_PAGE_SIZE, ram_page_size, QEMU_COOKIE_STAT_ALWAYS, false),
    STAT(VIR_DOMAIN_JOB_DISK_TOTAL, disk_total, QEMU_COOKIE_STAT_ALWAYS, false),
    STAT(VIR_DOMAIN_JOB_DISK_PROCESSED, disk_transferred, QEMU_COOKIE_STAT_ALWAYS, false),
    STAT(VIR_DOMAIN_JOB_DISK_REMAINING, disk_remaining, QEMU_COOKIE_STAT_ALWAYS, false),
    STAT(VIR_DOMAIN_JOB_DISK_BPS, disk_bps, QEMU_COOKIE_STAT_ALWAYS, false),
    STAT(VIR_DOMAIN_JOB_COMPRESSION_CACHE, xbzrle_cache_size, QEMU_COOKIE_STAT_XBZRLE, true),
    STAT(VIR_DOMAIN_JOB_COMPRESSION_BYTES, xbzrle_bytes, QEMU_COOKIE_STAT_XBZRLE, false),
    STAT(VIR_DOMAIN_JOB_COMPRESSION_PAGES, xbzrle_pages, QEMU_COOKIE_STAT_XBZRLE, false),
    STAT(VIR_DOMAIN_JOB_COMPRESSION_CACHE_MISSES, xbzrle_cache_miss, QEMU_COOKIE_STAT_XBZRLE, false),
    STAT(VIR_DOMAIN_JOB_COMPRESSION_OVERFLOW, xbzrle_overflow, QEMU_COOKIE_STAT_XBZRLE, false),
};

#undef STAT


/* The flag of an optional statistics group in @stats. */
static bool *
qemuMigrationCookieStatGroupFlag(qemuDomainMigrationStats *stats,
                                 qemuMigrationCookieStatGroup group)
{
    switch (group) {
    case QEMU_COOKIE_STAT_DOWNTIME:
        return &stats->downtime_set;
    case QEMU_COOKIE_STAT_SETUP_TIME:
        return &stats->setup_time_set;
    case QEMU_COOKIE_STAT_DUPLICATE:
        return &stats->ram_duplicate_set;
    case QEMU_COOKIE_STAT_XBZRLE:
        return &stats->xbzrle_set;
    case QEMU_COOKIE_STAT_ALWAYS:
        break;
    }
    return NULL;
}


/**
 * qemuMigrationCookieNew:
 * A cookie from this @host about domain @def, which the peer knows as
 * @origname when the migration renames it (dname; NULL: def->name).  It
 * holds no optional data yet.  Caller owns the result.
 */
qemuMigrationCookie *
qemuMigrationCookieNew(const qemuMigrationCookieHost *host,
                       const virDomainDef *def, const char *origname)
{
    qemuMigrationCookie *mig = g_new0(qemuMigrationCookie, 1);

    mig->name = g_strdup(origname ? origname : def->name);
    memcpy(mig->uuid, def->uuid, VIR_UUID_BUFLEN);
    mig->localHostname = g_strdup(host->hostname);
    memcpy(mig->localHostuuid, host->hostuuid, VIR_UUID_BUFLEN);
    return mig;
}


static void
qemuMigrationCookieGraphicsFree(qemuMigrationCookieGraphics *grap)
{
    if (!grap)
        return;
    g_free(grap->listen);
    g_free(grap->tlsSubject);
    g_free(grap);
}


G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuMigrationCookieGraphics,
                              qemuMigrationCookieGraphicsFree);


/* qemuMigrationCookieFree: frees @mig and all it holds (NULL is fine). */
void
qemuMigrationCookieFree(qemuMigrationCookie *mig)
{
    if (!mig)
        return;
    g_free(mig->localHostname);
    g_free(mig->name);
    g_free(mig->remoteHostname);
    g_free(mig->lockDriver);
    g_free(mig->lockState);
    virDomainDefFree(mig->persistent);
    virDomainJobDataFree(mig->jobData);
    g_free(mig->caps);
    qemuMigrationCookieGraphicsFree(mig->graphics);
    qemuMigrationCookieNBDFree(mig->nbd);
    g_free(mig->peerURI);
    g_free(mig);
}


/**
 * qemuMigrationCookieAddGraphics:
 * Where @def's SPICE display listens (libvirt sends nothing for VNC,
 * which QEMU cannot relocate, nor for a display without an address):
 * its port and listen address, @defaultListen when it has none.  No TLS
 * here, so no TLS port or subject.
 */
void
qemuMigrationCookieAddGraphics(qemuMigrationCookie *mig,
                               const virDomainDef *def,
                               const char *defaultListen)
{
    virDomainGraphicsDef *gr = virDomainDefGetGraphics(def,
                                                       VIR_DOMAIN_GRAPHICS_TYPE_SPICE);

    g_clear_pointer(&mig->graphics, qemuMigrationCookieGraphicsFree);
    if (!gr || gr->listenType != VIR_DOMAIN_GRAPHICS_LISTEN_ADDRESS)
        return;
    mig->graphics = g_new0(qemuMigrationCookieGraphics, 1);
    mig->graphics->type = VIR_DOMAIN_GRAPHICS_TYPE_SPICE;
    mig->graphics->port = gr->port;
    mig->graphics->tlsPort = -1;
    mig->graphics->listen = g_strdup(gr->listenAddress ? gr->listenAddress
                                                       : defaultListen);
}


/* How a peer reaches the daemon sending @mig (@uri copied; NULL: none). */
void
qemuMigrationCookieAddPeer(qemuMigrationCookie *mig, const char *uri)
{
    g_free(mig->peerURI);
    mig->peerURI = g_strdup(uri);
}


/**
 * qemuMigrationCookieAddPersistent:
 * The definition the destination keeps with VIR_MIGRATE_PERSIST_DEST;
 * steals *@def (set to NULL), replacing one added before.  NULL *@def:
 * nothing to add.
 */
void
qemuMigrationCookieAddPersistent(qemuMigrationCookie *mig, virDomainDef **def)
{
    if (!def || !*def)
        return;
    virDomainDefFree(mig->persistent);
    mig->persistent = g_steal_pointer(def);
}


/**
 * qemuMigrationCookieGetPersistent:
 * Takes the definition out of @mig: the caller owns it (NULL when the
 * cookie had none).
 */
virDomainDef *
qemuMigrationCookieGetPersistent(qemuMigrationCookie *mig)
{
    return g_steal_pointer(&mig->persistent);
}


/**
 * qemuMigrationCookieAddStatistics:
 * A copy of @completed, the statistics of the finished migration job (as
 * vm->job->completed; NULL: none to send), replacing earlier ones.
 */
void
qemuMigrationCookieAddStatistics(qemuMigrationCookie *mig,
                                 const virDomainJobData *completed)
{
    if (!completed)
        return;
    virDomainJobDataFree(mig->jobData);
    mig->jobData = virDomainJobDataCopy(completed);
}


/**
 * qemuMigrationCookieGetStatistics:
 * Takes the statistics out of @mig: the caller owns them (NULL when the
 * cookie had none).  Parsed ones have status COMPLETED and migration
 * statistics; the caller sets their operation.
 */
virDomainJobData *
qemuMigrationCookieGetStatistics(qemuMigrationCookie *mig)
{
    return g_steal_pointer(&mig->jobData);
}


/**
 * qemuMigrationCookieAddCaps:
 * The migration capabilities this side's QEMU supports (@supportedCaps,
 * from qemuMigrationCapsProbe) and which of them @party turns on by
 * itself, replacing earlier ones.
 */
void
qemuMigrationCookieAddCaps(qemuMigrationCookie *mig,
                           unsigned long long supportedCaps,
                           qemuMigrationParty party)
{
    g_free(mig->caps);
    mig->caps = g_new0(qemuMigrationCookieCaps, 1);
    mig->caps->supported = supportedCaps;
    mig->caps->automatic = supportedCaps & qemuMigrationParamsAlwaysOnCaps(party);
}


static void
qemuMigrationCookieNBDDiskFree(qemuMigrationCookieNBDDisk *disk)
{
    g_free(disk->target);
    g_free(disk);
}


/* An <nbd> element with @port (0: none) and no disks yet.  Caller owns
 * the result. */
qemuMigrationCookieNBD *
qemuMigrationCookieNBDNew(int port)
{
    qemuMigrationCookieNBD *nbd = g_new0(qemuMigrationCookieNBD, 1);

    nbd->port = port;
    nbd->disks = g_ptr_array_new_with_free_func((GDestroyNotify)qemuMigrationCookieNBDDiskFree);
    return nbd;
}


/* Adds disk @target of @capacity bytes to @nbd. */
void
qemuMigrationCookieNBDAddDisk(qemuMigrationCookieNBD *nbd, const char *target,
                              unsigned long long capacity)
{
    qemuMigrationCookieNBDDisk *disk = g_new0(qemuMigrationCookieNBDDisk, 1);

    disk->target = g_strdup(target);
    disk->capacity = capacity;
    g_ptr_array_add(nbd->disks, disk);
}


/* The disk @target of @nbd (borrowed), or NULL. */
const qemuMigrationCookieNBDDisk *
qemuMigrationCookieNBDFindDisk(const qemuMigrationCookieNBD *nbd,
                               const char *target)
{
    size_t i;

    for (i = 0; nbd && i < nbd->disks->len; i++) {
        const qemuMigrationCookieNBDDisk *disk = g_ptr_array_index(nbd->disks, i);

        if (STREQ(disk->target, target))
            return disk;
    }
    return NULL;
}


/* Frees @nbd and its disks (NULL is fine). */
void
qemuMigrationCookieNBDFree(qemuMigrationCookieNBD *nbd)
{
    if (!nbd)
        return;
    g_ptr_array_unref(nbd->disks);
    g_free(nbd);
}


/* Steals *@nbd (set to NULL), replacing what was added before. */
void
qemuMigrationCookieAddNBD(qemuMigrationCookie *mig, qemuMigrationCookieNBD **nbd)
{
    qemuMigrationCookieNBDFree(mig->nbd);
    mig->nbd = g_steal_pointer(nbd);
}


/* Takes the <nbd> data out of @mig: the caller owns it (NULL: none). */
qemuMigrationCookieNBD *
qemuMigrationCookieGetNBD(qemuMigrationCookie *mig)
{
    return g_steal_pointer(&mig->nbd);
}


/* ---- formatting ---- */

/* <nbd port=''>, its port left out when 0, with a <disk> per disk. */
static void
qemuMigrationCookieNBDFormat(virBuffer *buf, const qemuMigrationCookieNBD *nbd)
{
    size_t i;

    virBufferAddLit(buf, "<nbd");
    if (nbd->port)
        virBufferAsprintf(buf, " port='%d'", nbd->port);
    if (!nbd->disks->len) {
        virBufferAddLit(buf, "/>\n");
        return;
    }
    virBufferAddLit(buf, ">\n");
    virBufferAdjustIndent(buf, 2);
    for (i = 0; i < nbd->disks->len; i++) {
        const qemuMigrationCookieNBDDisk *disk = g_ptr_array_index(nbd->disks, i);

        virBufferEscapeString(buf, "<disk target='%s'", disk->target);
        virBufferAsprintf(buf, " capacity='%llu'/>\n", disk->capacity);
    }
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</nbd>\n");
}


static void
qemuMigrationCookieStatisticsFormat(virBuffer *buf,
                                    const virDomainJobData *jobData)
{
    qemuDomainJobDataPrivate *priv = jobData->privateData;
    qemuDomainMigrationStats *stats = &priv->mig;
    size_t i;

    virBufferAddLit(buf, "<statistics>\n");
    virBufferAdjustIndent(buf, 2);
    virBufferAsprintf(buf, "<started>%llu</started>\n", jobData->started);
    virBufferAsprintf(buf, "<stopped>%llu</stopped>\n", jobData->stopped);
    virBufferAsprintf(buf, "<sent>%llu</sent>\n", jobData->sent);
    if (jobData->timeDeltaSet)
        virBufferAsprintf(buf, "<delta>%lld</delta>\n", jobData->timeDelta);
    virBufferAsprintf(buf, "<%1$s>%2$llu</%1$s>\n", VIR_DOMAIN_JOB_TIME_ELAPSED,
                      jobData->timeElapsed);
    for (i = 0; i < G_N_ELEMENTS(qemuMigrationCookieStats); i++) {
        const bool *set = qemuMigrationCookieStatGroupFlag(stats,
                                                           qemuMigrationCookieStats[i].group);
        const unsigned long long *value =
            (const unsigned long long *)((const char *)stats +
                                         qemuMigrationCookieStats[i].offset);

        if (set && !*set)
            continue;
        virBufferAsprintf(buf, "<%1$s>%2$llu</%1$s>\n",
                          qemuMigrationCookieStats[i].name, *value);
    }
    virBufferAsprintf(buf, "<%1$s>%2$d</%1$s>\n",
                      VIR_DOMAIN_JOB_AUTO_CONVERGE_THROTTLE,
                      stats->cpu_throttle_percentage);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</statistics>\n");
}


static void
qemuMigrationCookieCapsFormat(virBuffer *buf,
                              const qemuMigrationCookieCaps *caps)
{
    size_t i;

    virBufferAddLit(buf, "<capabilities>\n");
    virBufferAdjustIndent(buf, 2);
    for (i = 0; caps && i < QEMU_MIGRATION_CAP_LAST; i++) {
        unsigned long long bit = QEMU_MIGRATION_CAP_BIT(i);

        if (!(caps->supported & bit))
            continue;
        virBufferAsprintf(buf, "<cap name='%s' auto='%s'/>\n",
                          qemuMigrationCapabilityTypeToString(i),
                          caps->automatic & bit ? "yes" : "no");
    }
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</capabilities>\n");
}


/* The mandatory features @mig announces when formatted with @flags. */
static unsigned int
qemuMigrationCookieMandatory(const qemuMigrationCookie *mig, unsigned int flags)
{
    unsigned int features = flags & QEMU_MIGRATION_COOKIE_FEATURES;

    if (!mig->persistent)
        features &= ~QEMU_MIGRATION_COOKIE_PERSISTENT;
    return features;
}


static void
qemuMigrationCookieGraphicsFormat(virBuffer *buf,
                                  const qemuMigrationCookieGraphics *grap)
{
    virBufferAsprintf(buf, "<graphics type='%s' port='%d'",
                      virDomainGraphicsTypeToString(grap->type), grap->port);
    virBufferEscapeString(buf, " listen='%s'", NULLSTR(grap->listen));
    if (grap->type == VIR_DOMAIN_GRAPHICS_TYPE_SPICE)
        virBufferAsprintf(buf, " tlsPort='%d'", grap->tlsPort);
    if (!grap->tlsSubject) {
        virBufferAddLit(buf, "/>\n");
        return;
    }
    virBufferAddLit(buf, ">\n");
    virBufferAdjustIndent(buf, 2);
    virBufferEscapeString(buf, "<cert info='subject' value='%s'/>\n",
                          grap->tlsSubject);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</graphics>\n");
}


/**
 * qemuMigrationCookieXMLFormat:
 * Appends the <qemu-migration> document for @mig to @buf, with the
 * elements @flags (qemuMigrationCookieFeatures) ask for among the data
 * added: LOCKSTATE announces the lockstate feature (and the leases, when
 * there are some); PERSISTENT the definition with its feature; STATS the
 * statistics; NBD the <nbd> data; CAPS the capabilities (an empty list
 * when none were added);
 * MEMORY_HOTPLUG and CPU_HOTPLUG only their features.  Other flags are
 * ignored.  Returns 0, or -1 when the definition cannot be formatted
 * (reported).
 */
int
qemuMigrationCookieXMLFormat(const qemuMigrationCookie *mig, virBuffer *buf,
                             unsigned int flags)
{
    char uuidstr[VIR_UUID_STRING_BUFLEN];
    char hostuuidstr[VIR_UUID_STRING_BUFLEN];
    unsigned int features = qemuMigrationCookieMandatory(mig, flags);
    size_t i;

    virBufferAddLit(buf, "<qemu-migration>\n");
    virBufferAdjustIndent(buf, 2);
    virBufferEscapeString(buf, "<name>%s</name>\n", mig->name);
    virBufferAsprintf(buf, "<uuid>%s</uuid>\n", virUUIDFormat(mig->uuid, uuidstr));
    virBufferEscapeString(buf, "<hostname>%s</hostname>\n", mig->localHostname);
    virBufferAsprintf(buf, "<hostuuid>%s</hostuuid>\n",
                      virUUIDFormat(mig->localHostuuid, hostuuidstr));
    for (i = 0; i < QEMU_MIGRATION_COOKIE_FLAG_LAST; i++) {
        if (features & (1U << i))
            virBufferAsprintf(buf, "<feature name='%s'/>\n",
                              qemuMigrationCookieFlagTypeToString(i));
    }
    if (flags & QEMU_MIGRATION_COOKIE_GRAPHICS && mig->graphics)
        qemuMigrationCookieGraphicsFormat(buf, mig->graphics);
    if (flags & QEMU_MIGRATION_COOKIE_LOCKSTATE && mig->lockState) {
        virBufferEscapeString(buf, "<lockstate driver='%s'>\n",
                              NULLSTR(mig->lockDriver));
        virBufferAdjustIndent(buf, 2);
        virBufferEscapeString(buf, "<leases>%s</leases>\n", mig->lockState);
        virBufferAdjustIndent(buf, -2);
        virBufferAddLit(buf, "</lockstate>\n");
    }
    if (features & QEMU_MIGRATION_COOKIE_PERSISTENT &&
        virDomainDefFormatBuf(buf, mig->persistent,
                              VIR_DOMAIN_DEF_FORMAT_INACTIVE |
                              VIR_DOMAIN_DEF_FORMAT_SECURE |
                              VIR_DOMAIN_DEF_FORMAT_MIGRATABLE) < 0)
        return -1;
    if (flags & QEMU_MIGRATION_COOKIE_NBD && mig->nbd)
        qemuMigrationCookieNBDFormat(buf, mig->nbd);
    if (flags & QEMU_MIGRATION_COOKIE_STATS && mig->jobData)
        qemuMigrationCookieStatisticsFormat(buf, mig->jobData);
    if (flags & QEMU_MIGRATION_COOKIE_CAPS)
        qemuMigrationCookieCapsFormat(buf, mig->caps);
    virBufferEscapeString(buf, "<virtmig-peer uri='%s'/>\n", mig->peerURI);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</qemu-migration>\n");
    return 0;
}


/**
 * qemuMigrationCookieFormat:
 * The cookie a step hands out: @mig formatted with @flags (see
 * qemuMigrationCookieXMLFormat) into *@cookieout, NUL-terminated, its
 * length with the NUL in *@cookieoutlen; the caller owns the string.
 * With no @cookieout (the client takes no cookie) nothing is done.
 * Returns 0, or -1 (reported) when formatting fails or the cookie would
 * exceed QEMU_MIGRATION_COOKIE_MAX.
 */
int
qemuMigrationCookieFormat(const qemuMigrationCookie *mig, unsigned int flags,
                          char **cookieout, int *cookieoutlen)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    size_t len;

    if (!cookieout || !cookieoutlen)
        return 0;
    if (qemuMigrationCookieXMLFormat(mig, &buf, flags) < 0)
        return -1;
    len = virBufferUse(&buf) + 1;
    if (len > QEMU_MIGRATION_COOKIE_MAX) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("migration cookie of %1$zu bytes exceeds the limit of %2$d bytes"),
                       len, QEMU_MIGRATION_COOKIE_MAX);
        return -1;
    }
    *cookieout = virBufferContentAndReset(&buf);
    *cookieoutlen = len;
    VIR_DEBUG("cookielen=%d cookie=%s", *cookieoutlen, *cookieout);
    return 0;
}


/* ---- parsing ---- */

/* <name>, <uuid>, <hostname>, <hostuuid>: the domain must be ours and the
 * sender another host. */
static int
qemuMigrationCookieParseIdentity(qemuMigrationCookie *mig,
                                 xmlXPathContext *ctxt)
{
    g_autofree char *name = virXPathString("string(./name[1])", ctxt);
    g_autofree char *uuid = NULL;
    g_autofree char *hostuuid = NULL;
    char localuuid[VIR_UUID_STRING_BUFLEN];

    if (!name) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("missing name element in migration data"));
        return -1;
    }
    if (STRNEQ(name, mig->name)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("Incoming cookie data had unexpected name %1$s vs %2$s"),
                       name, mig->name);
        return -1;
    }
    if (!(uuid = virXPathString("string(./uuid[1])", ctxt))) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("missing uuid element in migration data"));
        return -1;
    }
    virUUIDFormat(mig->uuid, localuuid);
    if (STRNEQ(uuid, localuuid)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("Incoming cookie data had unexpected UUID %1$s vs %2$s"),
                       uuid, localuuid);
        return -1;
    }
    if (!(mig->remoteHostname = virXPathString("string(./hostname[1])", ctxt))) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("missing hostname element in migration data"));
        return -1;
    }
    if (!(hostuuid = virXPathString("string(./hostuuid[1])", ctxt))) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("missing hostuuid element in migration data"));
        return -1;
    }
    if (virUUIDParse(hostuuid, mig->remoteHostuuid) < 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("malformed hostuuid element in migration data"));
        return -1;
    }
    /* host names may repeat (or be "localhost"); host UUIDs may not */
    if (memcmp(mig->remoteHostuuid, mig->localHostuuid, VIR_UUID_BUFLEN) == 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("Attempt to migrate guest to the same host %1$s"),
                       hostuuid);
        return -1;
    }
    return 0;
}


/* Every <feature> must be known and among the @flags this step reads. */
static int
qemuMigrationCookieParseFeatures(qemuMigrationCookie *mig,
                                 xmlXPathContext *ctxt, unsigned int flags)
{
    g_autofree xmlNode **nodes = NULL;
    int n = virXPathNodeSet("./feature", ctxt, &nodes);
    int i;

    for (i = 0; i < n; i++) {
        g_autofree char *str = virXMLPropString(nodes[i], "name");
        int val;

        if (!str) {
            virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                           _("missing feature name"));
            return -1;
        }
        if ((val = qemuMigrationCookieFlagTypeFromString(str)) < 0) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("Unknown migration cookie feature %1$s"), str);
            return -1;
        }
        if (!(flags & (1U << val))) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("Unsupported migration cookie feature %1$s"), str);
            return -1;
        }
        mig->parsedFlags |= 1U << val;
    }
    return 0;
}


static int
qemuMigrationCookieParseLockstate(qemuMigrationCookie *mig,
                                  xmlXPathContext *ctxt)
{
    if (!virXPathBoolean("boolean(./lockstate)", ctxt))
        return 0;
    if (!(mig->lockDriver = virXPathString("string(./lockstate[1]/@driver)", ctxt))) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("Missing lock driver name in migration cookie"));
        return -1;
    }
    /* empty leases are no leases */
    mig->lockState = virXPathString("string(./lockstate[1]/leases[1])", ctxt);
    mig->parsedFlags |= QEMU_MIGRATION_COOKIE_LOCKSTATE;
    return 0;
}


/* The one <domain>, renamed to the local name (dname). */
static int
qemuMigrationCookieParsePersistent(qemuMigrationCookie *mig,
                                   xmlXPathContext *ctxt,
                                   const qemuMigrationCookieHost *host,
                                   const virDomainDef *def)
{
    g_autofree xmlNode **nodes = NULL;
    int n = virXPathNodeSet("./domain", ctxt, &nodes);

    if (n == 0)
        return 0;
    if (n > 1) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("Too many domain elements in migration cookie"));
        return -1;
    }
    if (!(mig->persistent = virDomainDefParseNode(nodes[0], host->parserConfig,
                                                  VIR_DOMAIN_DEF_PARSE_INACTIVE)))
        return -1;
    if (STRNEQ(mig->persistent->name, def->name)) {
        g_free(mig->persistent->name);
        mig->persistent->name = g_strdup(def->name);
    }
    mig->parsedFlags |= QEMU_MIGRATION_COOKIE_PERSISTENT;
    return 0;
}


/* One unsigned number of <statistics>: 1 read, 0 absent, -1 malformed. */
static int
qemuMigrationCookieParseStat(xmlXPathContext *ctxt, const char *name,
                             unsigned long long *value)
{
    g_autofree char *xpath = g_strdup_printf("string(./%s[1])", name);
    int rc = virXPathULongLong(xpath, ctxt, value);

    if (rc == -2) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("malformed %1$s in migration statistics"), name);
        return -1;
    }
    return rc == 0 ? 1 : 0;
}


/* A signed number of <statistics>: 1 read, 0 absent, -1 malformed. */
static int
qemuMigrationCookieParseSignedStat(xmlXPathContext *ctxt, const char *name,
                                   long long min, long long max,
                                   long long *value)
{
    g_autofree char *xpath = g_strdup_printf("string(./%s[1])", name);
    g_autofree char *str = virXPathString(xpath, ctxt);
    gint64 v;

    if (!str)
        return 0;
    if (!g_ascii_string_to_signed(str, 10, min, max, &v, NULL)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("malformed %1$s in migration statistics"), name);
        return -1;
    }
    *value = v;
    return 1;
}


/* started, stopped, sent, delta, time_elapsed and the throttle. */
static int
qemuMigrationCookieParseStatTimes(xmlXPathContext *ctxt,
                                  virDomainJobData *jobData,
                                  qemuDomainMigrationStats *stats)
{
    long long throttle = 0;
    int rc;

    if (qemuMigrationCookieParseStat(ctxt, "started", &jobData->started) < 0 ||
        qemuMigrationCookieParseStat(ctxt, "stopped", &jobData->stopped) < 0 ||
        qemuMigrationCookieParseStat(ctxt, "sent", &jobData->sent) < 0 ||
        qemuMigrationCookieParseStat(ctxt, VIR_DOMAIN_JOB_TIME_ELAPSED,
                                     &jobData->timeElapsed) < 0)
        return -1;
    if ((rc = qemuMigrationCookieParseSignedStat(ctxt, "delta", G_MININT64,
                                                 G_MAXINT64,
                                                 &jobData->timeDelta)) < 0)
        return -1;
    jobData->timeDeltaSet = rc == 1;
    if ((rc = qemuMigrationCookieParseSignedStat(ctxt,
                                                 VIR_DOMAIN_JOB_AUTO_CONVERGE_THROTTLE,
                                                 G_MININT, G_MAXINT,
                                                 &throttle)) < 0)
        return -1;
    if (rc == 1)
        stats->cpu_throttle_percentage = throttle;
    return 0;
}


static int
qemuMigrationCookieParseStatistics(qemuMigrationCookie *mig,
                                   xmlXPathContext *ctxt)
{
    g_autoptr(virDomainJobData) jobData = NULL;
    qemuDomainJobDataPrivate *priv;
    xmlNode *saved = ctxt->node;
    int ret = -1;
    size_t i;

    if (!(ctxt->node = virXPathNode("./statistics", ctxt))) {
        ctxt->node = saved;
        return 0;
    }
    jobData = virDomainJobDataInit(&qemuDomainJobDataPrivateCb);
    jobData->status = VIR_DOMAIN_JOB_STATUS_COMPLETED;
    qemuDomainJobSetStatsType(jobData, QEMU_DOMAIN_JOB_STATS_TYPE_MIGRATION);
    priv = jobData->privateData;
    if (qemuMigrationCookieParseStatTimes(ctxt, jobData, &priv->mig) < 0)
        goto cleanup;
    for (i = 0; i < G_N_ELEMENTS(qemuMigrationCookieStats); i++) {
        unsigned long long *value =
            (unsigned long long *)((char *)&priv->mig +
                                   qemuMigrationCookieStats[i].offset);
        bool *set = qemuMigrationCookieStatGroupFlag(&priv->mig,
                                                     qemuMigrationCookieStats[i].group);
        int rc = qemuMigrationCookieParseStat(ctxt, qemuMigrationCookieStats[i].name,
                                              value);

        if (rc < 0)
            goto cleanup;
        if (rc == 1 && set && qemuMigrationCookieStats[i].key)
            *set = true;
    }
    mig->jobData = g_steal_pointer(&jobData);
    mig->parsedFlags |= QEMU_MIGRATION_COOKIE_STATS;
    ret = 0;
 cleanup:
    ctxt->node = saved;
    return ret;
}


/* The capabilities, always allocated when asked for; unknown names are
 * skipped (a newer peer). */
static int
qemuMigrationCookieParseCaps(qemuMigrationCookie *mig, xmlXPathContext *ctxt)
{
    g_autofree xmlNode **nodes = NULL;
    int n = virXPathNodeSet("./capabilities[1]/cap", ctxt, &nodes);
    int i;

    mig->caps = g_new0(qemuMigrationCookieCaps, 1);
    if (virXPathBoolean("boolean(./capabilities)", ctxt))
        mig->parsedFlags |= QEMU_MIGRATION_COOKIE_CAPS;
    for (i = 0; i < n; i++) {
        g_autofree char *name = virXMLPropString(nodes[i], "name");
        g_autofree char *automatic = virXMLPropString(nodes[i], "auto");
        int cap;

        if (!name) {
            virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                           _("missing migration capability name"));
            return -1;
        }
        if ((cap = qemuMigrationCapabilityTypeFromString(name)) < 0) {
            VIR_DEBUG("unknown migration capability '%s'", name);
            continue;
        }
        mig->caps->supported |= QEMU_MIGRATION_CAP_BIT(cap);
        if (STREQ_NULLABLE(automatic, "yes"))
            mig->caps->automatic |= QEMU_MIGRATION_CAP_BIT(cap);
    }
    return 0;
}


/* <graphics type='' port='' listen='' [tlsPort='']> with an optional
 * <cert info='subject' value=''/>; libvirt's messages. */
static int
qemuMigrationCookieParseGraphics(qemuMigrationCookie *mig,
                                 xmlXPathContext *ctxt)
{
    g_autoptr(qemuMigrationCookieGraphics) grap = NULL;
    g_autofree char *type = NULL;
    int port = 0;
    int tlsPort = -1;

    if (!virXPathBoolean("boolean(./graphics)", ctxt))
        return 0;
    grap = g_new0(qemuMigrationCookieGraphics, 1);
    if (!(type = virXPathString("string(./graphics/@type)", ctxt))) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("missing type attribute in migration data"));
        return -1;
    }
    if ((grap->type = virDomainGraphicsTypeFromString(type)) <= 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("unknown graphics type %1$s"), type);
        return -1;
    }
    if (virXPathInt("string(./graphics/@port)", ctxt, &port) < 0 ||
        port < -1 || port > 65535) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("missing port attribute in migration data"));
        return -1;
    }
    if (grap->type == VIR_DOMAIN_GRAPHICS_TYPE_SPICE &&
        (virXPathInt("string(./graphics/@tlsPort)", ctxt, &tlsPort) < 0 ||
         tlsPort < -1 || tlsPort > 65535)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("missing tlsPort attribute in migration data"));
        return -1;
    }
    if (!(grap->listen = virXPathString("string(./graphics/@listen)", ctxt))) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("missing listen attribute in migration data"));
        return -1;
    }
    grap->port = port;
    grap->tlsPort = tlsPort;
    grap->tlsSubject = virXPathString("string(./graphics/cert[@info='subject']/@value)",
                                      ctxt);
    mig->graphics = g_steal_pointer(&grap);
    mig->parsedFlags |= QEMU_MIGRATION_COOKIE_GRAPHICS;
    return 0;
}


/* <nbd port=''> and its <disk target='' capacity=''/>s; libvirt's
 * messages. */
static int
qemuMigrationCookieParseNBD(qemuMigrationCookie *mig, xmlXPathContext *ctxt)
{
    g_autoptr(qemuMigrationCookieNBD) nbd = NULL;
    g_autofree xmlNode **nodes = NULL;
    g_autofree char *port = NULL;
    gint64 val = 0;
    int n;
    int i;

    if (!virXPathBoolean("boolean(./nbd)", ctxt))
        return 0;
    port = virXPathString("string(./nbd/@port)", ctxt);
    if (port && !g_ascii_string_to_signed(port, 10, 0, 65535, &val, NULL)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, _("Malformed nbd port '%1$s'"),
                       port);
        return -1;
    }
    nbd = qemuMigrationCookieNBDNew(val);
    n = virXPathNodeSet("./nbd/disk", ctxt, &nodes);
    for (i = 0; i < n; i++) {
        g_autofree char *target = virXMLPropString(nodes[i], "target");
        g_autofree char *capacity = virXMLPropString(nodes[i], "capacity");
        guint64 size = 0;

        if (!target) {
            virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                           _("Malformed disk target"));
            return -1;
        }
        if (!capacity ||
            !g_ascii_string_to_unsigned(capacity, 10, 0, G_MAXUINT64, &size, NULL)) {
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("Malformed disk capacity: '%1$s'"), NULLSTR(capacity));
            return -1;
        }
        qemuMigrationCookieNBDAddDisk(nbd, target, size);
    }
    mig->nbd = g_steal_pointer(&nbd);
    mig->parsedFlags |= QEMU_MIGRATION_COOKIE_NBD;
    return 0;
}


static int
qemuMigrationCookieParseXML(qemuMigrationCookie *mig, const char *xml,
                            const qemuMigrationCookieHost *host,
                            const virDomainDef *def, unsigned int flags)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;

    if (!(doc = virXMLParseStringCtxt(xml, "(qemu_migration_cookie)",
                                      "qemu-migration", &ctxt)))
        return -1;
    if (qemuMigrationCookieParseIdentity(mig, ctxt) < 0 ||
        qemuMigrationCookieParseFeatures(mig, ctxt, flags) < 0)
        return -1;
    mig->peerURI = virXPathString("string(./virtmig-peer[1]/@uri)", ctxt);
    if (flags & QEMU_MIGRATION_COOKIE_LOCKSTATE &&
        qemuMigrationCookieParseLockstate(mig, ctxt) < 0)
        return -1;
    if (flags & QEMU_MIGRATION_COOKIE_PERSISTENT &&
        qemuMigrationCookieParsePersistent(mig, ctxt, host, def) < 0)
        return -1;
    if (flags & QEMU_MIGRATION_COOKIE_STATS &&
        qemuMigrationCookieParseStatistics(mig, ctxt) < 0)
        return -1;
    if (flags & QEMU_MIGRATION_COOKIE_CAPS &&
        qemuMigrationCookieParseCaps(mig, ctxt) < 0)
        return -1;
    if (flags & QEMU_MIGRATION_COOKIE_GRAPHICS &&
        qemuMigrationCookieParseGraphics(mig, ctxt) < 0)
        return -1;
    if (flags & QEMU_MIGRATION_COOKIE_NBD &&
        qemuMigrationCookieParseNBD(mig, ctxt) < 0)
        return -1;
    return 0;
}


/**
 * qemuMigrationCookieParse:
 * Reads the cookie (@cookiein, @cookieinlen bytes with the final NUL) a
 * peer sent about domain @def (known to the peer as @origname when
 * renamed) to this @host, taking only the elements of @flags this step
 * reads (qemuMigrationCookieFeatures; see the header for each step).  An
 * absent cookie (NULL or 0 bytes) gives an empty one, as libvirt does.
 * Refused, VIR_ERR_INTERNAL_ERROR with libvirt's messages: no final NUL,
 * more than QEMU_MIGRATION_COOKIE_MAX bytes, another domain's name or
 * UUID, missing identity elements, this host's own UUID ("Attempt to
 * migrate guest to the same host %s"), an unknown or unexpected mandatory
 * feature, two <domain>s; malformed XML is VIR_ERR_XML_ERROR, a bad
 * <domain> the domain parser's error.  Caller owns the result; NULL with
 * the error reported.
 */
qemuMigrationCookie *
qemuMigrationCookieParse(const qemuMigrationCookieHost *host,
                         const virDomainDef *def, const char *origname,
                         const char *cookiein, int cookieinlen,
                         unsigned int flags)
{
    g_autoptr(qemuMigrationCookie) mig = NULL;

    if (cookieinlen < 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("invalid migration cookie length %1$d"), cookieinlen);
        return NULL;
    }
    if (cookieinlen > QEMU_MIGRATION_COOKIE_MAX) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("migration cookie of %1$d bytes exceeds the limit of %2$d bytes"),
                       cookieinlen, QEMU_MIGRATION_COOKIE_MAX);
        return NULL;
    }
    if (cookiein && cookieinlen && cookiein[cookieinlen - 1] != '\0') {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("Migration cookie was not NULL terminated"));
        return NULL;
    }
    VIR_DEBUG("cookielen=%d cookie='%s'", cookieinlen, NULLSTR(cookiein));
    mig = qemuMigrationCookieNew(host, def, origname);
    if (cookiein && cookieinlen &&
        qemuMigrationCookieParseXML(mig, cookiein, host, def, flags) < 0)
        return NULL;
    return g_steal_pointer(&mig);
}
