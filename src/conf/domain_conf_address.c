/*
 * domain_conf_address.c: walking every device of a domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One table lists where each device type lives in virDomainDef and where
 * its virDomainDeviceInfo sits; the iterator, the alias checks and the
 * address assignment of the QEMU driver all go through it, so a device
 * type added to the table is seen by all of them.
 */
#include <config.h>

#include <stddef.h>

#define VIR_DOMAIN_CONF_PRIV_H_ALLOW
#include "domain_conf_priv.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

VIR_LOG_INIT("conf.domain_conf_address");

static const char *const virDomainDeviceTable[] = {
    [VIR_DOMAIN_DEVICE_NONE] = "none",
    [VIR_DOMAIN_DEVICE_DISK] = "disk",
    [VIR_DOMAIN_DEVICE_CONTROLLER] = "controller",
    [VIR_DOMAIN_DEVICE_NET] = "interface",
    [VIR_DOMAIN_DEVICE_CHR] = "chr",
    [VIR_DOMAIN_DEVICE_VIDEO] = "video",
    [VIR_DOMAIN_DEVICE_MEMBALLOON] = "memballoon",
    [VIR_DOMAIN_DEVICE_INPUT] = "input",
    [VIR_DOMAIN_DEVICE_CHANNEL] = "channel",
    [VIR_DOMAIN_DEVICE_SOUND] = "sound",
    [VIR_DOMAIN_DEVICE_WATCHDOG] = "watchdog",
    [VIR_DOMAIN_DEVICE_RNG] = "rng",
    [VIR_DOMAIN_DEVICE_PANIC] = "panic",
};
VIR_ENUM_IMPL_TABLE(virDomainDevice, virDomainDeviceTable,
                    VIR_DOMAIN_DEVICE_LAST);

typedef enum {
    VIR_DOMAIN_DEVICE_FIELD_ARRAY,  /* a GPtrArray * of devices */
    VIR_DOMAIN_DEVICE_FIELD_SINGLE, /* a pointer to one device, or NULL */
} virDomainDeviceFieldKind;

typedef struct {
    virDomainDeviceType type;
    virDomainDeviceFieldKind kind;
    size_t defOffset;       /* offsetof(virDomainDef, the field) */
    size_t infoOffset;      /* offsetof(the device struct, info) */
} virDomainDeviceTypeDesc;

/* In libvirt's iteration order (virDomainDeviceInfoIterateFlags), which is
 * also the order in which conflicts are reported. */
static const virDomainDeviceTypeDesc virDomainDeviceDescTable[] = {
    { VIR_DOMAIN_DEVICE_DISK, VIR_DOMAIN_DEVICE_FIELD_ARRAY,
      offsetof(virDomainDef, disks), offsetof(virDomainDiskDef, info) },
    { VIR_DOMAIN_DEVICE_NET, VIR_DOMAIN_DEVICE_FIELD_ARRAY,
      offsetof(virDomainDef, nets), offsetof(virDomainNetDef, info) },
    { VIR_DOMAIN_DEVICE_SOUND, VIR_DOMAIN_DEVICE_FIELD_ARRAY,
      offsetof(virDomainDef, sounds), offsetof(virDomainSoundDef, info) },
    { VIR_DOMAIN_DEVICE_VIDEO, VIR_DOMAIN_DEVICE_FIELD_ARRAY,
      offsetof(virDomainDef, videos), offsetof(virDomainVideoDef, info) },
    { VIR_DOMAIN_DEVICE_CONTROLLER, VIR_DOMAIN_DEVICE_FIELD_ARRAY,
      offsetof(virDomainDef, controllers),
      offsetof(virDomainControllerDef, info) },
    { VIR_DOMAIN_DEVICE_CHR, VIR_DOMAIN_DEVICE_FIELD_ARRAY,
      offsetof(virDomainDef, serials), offsetof(virDomainChrDef, info) },
    { VIR_DOMAIN_DEVICE_CHANNEL, VIR_DOMAIN_DEVICE_FIELD_ARRAY,
      offsetof(virDomainDef, channels), offsetof(virDomainChannelDef, info) },
    { VIR_DOMAIN_DEVICE_INPUT, VIR_DOMAIN_DEVICE_FIELD_ARRAY,
      offsetof(virDomainDef, inputs), offsetof(virDomainInputDef, info) },
    { VIR_DOMAIN_DEVICE_WATCHDOG, VIR_DOMAIN_DEVICE_FIELD_SINGLE,
      offsetof(virDomainDef, watchdog), offsetof(virDomainWatchdogDef, info) },
    { VIR_DOMAIN_DEVICE_MEMBALLOON, VIR_DOMAIN_DEVICE_FIELD_SINGLE,
      offsetof(virDomainDef, memballoon),
      offsetof(virDomainMemballoonDef, info) },
    { VIR_DOMAIN_DEVICE_RNG, VIR_DOMAIN_DEVICE_FIELD_ARRAY,
      offsetof(virDomainDef, rngs), offsetof(virDomainRNGDef, info) },
    { VIR_DOMAIN_DEVICE_PANIC, VIR_DOMAIN_DEVICE_FIELD_ARRAY,
      offsetof(virDomainDef, panics), offsetof(virDomainPanicDef, info) },
};


static int
virDomainDeviceInfoCall(virDomainDef *def, const virDomainDeviceTypeDesc *desc,
                        void *obj, virDomainDeviceInfoCallback cb,
                        void *opaque)
{
    virDomainDeviceDef dev = { .type = desc->type, .data.any = obj };

    return cb(def, &dev, (virDomainDeviceInfo *)((char *)obj + desc->infoOffset),
              opaque);
}


/**
 * virDomainDeviceInfoIterate:
 * Calls @cb for every device of @def that has a virDomainDeviceInfo, in
 * libvirt's order (disks, NICs, video, controllers, serial ports, the
 * balloon, ...).  The console is the first serial port here, so it is
 * not visited twice.  @cb must not add or remove devices.  Returns 0, or
 * the first non-zero value @cb returned.
 */
int
virDomainDeviceInfoIterate(virDomainDef *def, virDomainDeviceInfoCallback cb,
                           void *opaque)
{
    size_t t;
    size_t i;
    int rc;

    for (t = 0; t < G_N_ELEMENTS(virDomainDeviceDescTable); t++) {
        const virDomainDeviceTypeDesc *desc = &virDomainDeviceDescTable[t];
        void *field = *(void **)((char *)def + desc->defOffset);

        if (!field)
            continue;
        if (desc->kind == VIR_DOMAIN_DEVICE_FIELD_SINGLE) {
            if ((rc = virDomainDeviceInfoCall(def, desc, field, cb,
                                              opaque)) != 0)
                return rc;
            continue;
        }
        for (i = 0; i < ((GPtrArray *)field)->len; i++) {
            if ((rc = virDomainDeviceInfoCall(def, desc,
                                              g_ptr_array_index((GPtrArray *)field, i),
                                              cb, opaque)) != 0)
                return rc;
        }
    }
    return 0;
}


/**
 * virDomainDeviceGetInfo:
 * The info embedded in the device @dev points to, or NULL for a type the
 * table does not list.
 */
virDomainDeviceInfo *
virDomainDeviceGetInfo(const virDomainDeviceDef *dev)
{
    size_t t;

    for (t = 0; t < G_N_ELEMENTS(virDomainDeviceDescTable); t++) {
        const virDomainDeviceTypeDesc *desc = &virDomainDeviceDescTable[t];

        if (desc->type == dev->type && dev->data.any)
            return (virDomainDeviceInfo *)((char *)dev->data.any +
                                           desc->infoOffset);
    }
    return NULL;
}


static int
virDomainDefValidateAliasesOne(virDomainDef *def G_GNUC_UNUSED,
                               virDomainDeviceDef *dev G_GNUC_UNUSED,
                               virDomainDeviceInfo *info, void *opaque)
{
    GHashTable *seen = opaque;

    if (!virDomainDeviceAliasIsUserAlias(info->alias))
        return 0;
    if (!g_hash_table_add(seen, info->alias)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("non unique alias detected: %1$s"), info->alias);
        return -1;
    }
    return 0;
}


/**
 * virDomainDefValidateAliases:
 * Refuses two devices with the same user alias, with libvirt's error.
 * Returns 0 or -1 (reported).
 */
int
virDomainDefValidateAliases(const virDomainDef *def)
{
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

    return virDomainDeviceInfoIterate((virDomainDef *)def,
                                      virDomainDefValidateAliasesOne, seen);
}


static int
virDomainDefClearDeviceAliasOne(virDomainDef *def G_GNUC_UNUSED,
                                virDomainDeviceDef *dev G_GNUC_UNUSED,
                                virDomainDeviceInfo *info,
                                void *opaque G_GNUC_UNUSED)
{
    if (!virDomainDeviceAliasIsUserAlias(info->alias))
        g_clear_pointer(&info->alias, g_free);
    return 0;
}


/**
 * virDomainDefClearDeviceAliases:
 * Drops the generated aliases of every device (a domain that stops); user
 * aliases are part of the config and stay.
 */
void
virDomainDefClearDeviceAliases(virDomainDef *def)
{
    virDomainDeviceInfoIterate(def, virDomainDefClearDeviceAliasOne, NULL);
}


/**
 * virDomainDefFindController:
 * The controller of @type with index @idx, or NULL.
 */
virDomainControllerDef *
virDomainDefFindController(const virDomainDef *def,
                           virDomainControllerType type, unsigned int idx)
{
    size_t i;

    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *cont = g_ptr_array_index(def->controllers, i);

        if (cont->type == type && cont->idx == (int)idx)
            return cont;
    }
    return NULL;
}


static int
virDomainDefHasDeviceBootOne(virDomainDef *def G_GNUC_UNUSED,
                             virDomainDeviceDef *dev G_GNUC_UNUSED,
                             virDomainDeviceInfo *info,
                             void *opaque G_GNUC_UNUSED)
{
    return info->bootIndex ? 1 : 0;
}


/**
 * virDomainDefHasDeviceBoot:
 * True when a device of @def has <boot order=''/>.
 */
bool
virDomainDefHasDeviceBoot(const virDomainDef *def)
{
    return virDomainDeviceInfoIterate((virDomainDef *)def,
                                      virDomainDefHasDeviceBootOne,
                                      NULL) != 0;
}
