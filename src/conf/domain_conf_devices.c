/*
 * domain_conf_devices.c: the <devices> of a domain definition
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Disks, interfaces, serial ports and the console, VNC graphics, video,
 * the USB controller and the memory balloon: parsing, the defaults libvirt
 * fills in, validation, formatting, and the device aliases (QEMU device
 * ids) of a running domain.
 */
#include <config.h>

#define VIR_DOMAIN_CONF_PRIV_H_ALLOW
#include "domain_conf_priv.h"
#include "domain_conf_controller.h"
#include "virerror.h"
#include "virlog.h"
#include "viruuid.h"
#include "virxml.h"
#include "virxmlcheck.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

VIR_LOG_INIT("conf.domain_conf_devices");

static const char *const virDomainChrTable[] = {
    [VIR_DOMAIN_CHR_TYPE_NONE] = "none",
    [VIR_DOMAIN_CHR_TYPE_PTY] = "pty",
    [VIR_DOMAIN_CHR_TYPE_FILE] = "file",
    [VIR_DOMAIN_CHR_TYPE_UNIX] = "unix",
    [VIR_DOMAIN_CHR_TYPE_SPICEVMC] = "spicevmc",
};
VIR_ENUM_IMPL_TABLE(virDomainChr, virDomainChrTable, VIR_DOMAIN_CHR_TYPE_LAST);

static const char *const virDomainChrUnixModeTable[] = {
    [VIR_DOMAIN_CHR_UNIX_MODE_NONE] = "none",
    [VIR_DOMAIN_CHR_UNIX_MODE_BIND] = "bind",
    [VIR_DOMAIN_CHR_UNIX_MODE_CONNECT] = "connect",
};
VIR_ENUM_IMPL_TABLE(virDomainChrUnixMode, virDomainChrUnixModeTable,
                    VIR_DOMAIN_CHR_UNIX_MODE_LAST);

/* "none" is a real model here (no adapter), so it is entry 0 and the
 * parser accepts it explicitly. */
/* ---- free ---- */

/* Frees a serial port definition; accepts NULL. */
void
virDomainChrDefFree(virDomainChrDef *def)
{
    if (!def)
        return;
    g_free(def->source.path);
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}


/* ---- MAC addresses ---- */

/**
 * virDomainMacGenerate:
 * Fills @mac with a random address in QEMU's 52:54:00 range.
 */
void
virDomainMacGenerate(unsigned char *mac)
{
    mac[0] = 0x52;
    mac[1] = 0x54;
    mac[2] = 0x00;
    mac[3] = g_random_int_range(0, 256);
    mac[4] = g_random_int_range(0, 256);
    mac[5] = g_random_int_range(0, 256);
}


/**
 * virDomainMacParse:
 * Parses "aa:bb:cc:dd:ee:ff" into @mac.  Returns 0, or -1 (not reported)
 * when @str is not six colon-separated hex octets.
 */
int
virDomainMacParse(const char *str, unsigned char *mac)
{
    size_t i;

    for (i = 0; i < VIR_MAC_BUFLEN; i++) {
        if (!g_ascii_isxdigit(str[0]) || !g_ascii_isxdigit(str[1]))
            return -1;
        mac[i] = g_ascii_xdigit_value(str[0]) * 16 +
                 g_ascii_xdigit_value(str[1]);
        str += 2;
        if (*str != (i == VIR_MAC_BUFLEN - 1 ? '\0' : ':'))
            return -1;
        str++;
    }
    return 0;
}


/**
 * virDomainMacFormat:
 * Writes @mac as "aa:bb:cc:dd:ee:ff" into @buf (VIR_MAC_STRING_BUFLEN
 * bytes) and returns @buf.
 */
const char *
virDomainMacFormat(const unsigned char *mac, char *buf)
{
    g_snprintf(buf, VIR_MAC_STRING_BUFLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
               mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
    return buf;
}


/* ---- shared parse helpers ---- */

/* Refuses a device attribute whose value is not the only one we support. */
int
virDomainXMLPropExpect(xmlNode *node, const char *attr, const char *expected,
                       bool required)
{
    g_autofree char *val = virXMLPropString(node, attr);

    if (!val && !required)
        return 0;
    if (!val) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("missing attribute '%1$s' of element '%2$s'"),
                       attr, (const char *)node->name);
        return -1;
    }
    if (STRNEQ(val, expected)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("value '%1$s' of attribute '%2$s' of element '%3$s' is not supported (supported: %4$s)"),
                       val, attr, (const char *)node->name, expected);
        return -1;
    }
    return 0;
}


/* ---- serial ports and the console ---- */

static int
virDomainChrSourceParse(virDomainChrSourceDef *src, xmlNode *dev,
                        unsigned int flags)
{
    xmlNode *node = virXMLNodeChild(dev, "source");
    g_autofree char *path = node ? virXMLPropString(node, "path") : NULL;
    g_autofree char *append = node ? virXMLPropString(node, "append") : NULL;
    g_autofree char *mode = node ? virXMLPropString(node, "mode") : NULL;

    if (virDomainXMLPropEnum(dev, "type", virDomainChr, true, &src->type) < 0)
        return -1;
    if ((append && src->type != VIR_DOMAIN_CHR_TYPE_FILE) ||
        (mode && src->type != VIR_DOMAIN_CHR_TYPE_UNIX)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("attribute '%1$s' of element 'source' is not supported for type '%2$s'"),
                       append && src->type != VIR_DOMAIN_CHR_TYPE_FILE ? "append" : "mode",
                       virDomainChrTypeToString(src->type));
        return -1;
    }
    switch (src->type) {
    case VIR_DOMAIN_CHR_TYPE_PTY:
        /* the /dev/pts path is runtime data */
        if (!(flags & VIR_DOMAIN_DEF_PARSE_INACTIVE))
            src->path = g_steal_pointer(&path);
        return 0;
    case VIR_DOMAIN_CHR_TYPE_FILE:
        if (node && virDomainXMLPropEnum(node, "append", virTristateSwitch,
                                         false, &src->append) < 0)
            return -1;
        break;
    case VIR_DOMAIN_CHR_TYPE_UNIX:
        src->mode = VIR_DOMAIN_CHR_UNIX_MODE_CONNECT;
        if (node && virDomainXMLPropEnum(node, "mode", virDomainChrUnixMode,
                                         false, &src->mode) < 0)
            return -1;
        break;
    case VIR_DOMAIN_CHR_TYPE_SPICEVMC:
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("character device type 'spicevmc' is only supported for channels"));
        return -1;
    case VIR_DOMAIN_CHR_TYPE_NONE:
    case VIR_DOMAIN_CHR_TYPE_LAST:
    default:
        virReportEnumRangeError(virDomainChrType, src->type);
        return -1;
    }
    if (!path || !*path) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("character device of type '%1$s' needs <source path=''>"),
                       virDomainChrTypeToString(src->type));
        return -1;
    }
    src->path = g_steal_pointer(&path);
    return 0;
}


static virDomainChrDef *
virDomainSerialDefParse(xmlNode *dev, unsigned int flags)
{
    g_autoptr(virDomainChrDef) chr = g_new0(virDomainChrDef, 1);
    xmlNode *target = virXMLNodeChild(dev, "target");
    xmlNode *model = virXMLNodeChild(target, "model");

    chr->port = -1;
    if (virDomainChrSourceParse(&chr->source, dev, flags) < 0)
        return NULL;
    if (target &&
        (virDomainXMLPropExpect(target, "type", "isa-serial", false) < 0 ||
         virDomainXMLPropInt(target, "port", false, &chr->port) < 0))
        return NULL;
    if (model && virDomainXMLPropExpect(model, "name", "isa-serial", true) < 0)
        return NULL;
    if (virDomainDeviceInfoParseXML(dev, flags, &chr->info) < 0)
        return NULL;
    return g_steal_pointer(&chr);
}


static bool
virDomainChrSourceEqual(const virDomainChrSourceDef *a,
                        const virDomainChrSourceDef *b)
{
    return a->type == b->type && a->append == b->append &&
           a->mode == b->mode &&
           (a->type == VIR_DOMAIN_CHR_TYPE_PTY ||
            STREQ_NULLABLE(a->path, b->path));
}


/* The console of an x86 guest is its first serial port (libvirt's rule):
 * a console without serial ports creates serial port 0; one that names a
 * different source than serial port 0 is refused. */
static int
virDomainConsoleParse(virDomainDef *def, xmlNode *dev, unsigned int flags)
{
    g_autoptr(virDomainChrDef) chr = g_new0(virDomainChrDef, 1);
    xmlNode *target = virXMLNodeChild(dev, "target");
    int port = 0;

    if (virDomainChrSourceParse(&chr->source, dev, flags) < 0)
        return -1;
    if (target &&
        (virDomainXMLPropExpect(target, "type", "serial", false) < 0 ||
         virDomainXMLPropInt(target, "port", false, &port) < 0))
        return -1;
    if (port != 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("only console port 0 is supported"));
        return -1;
    }
    if (def->serials->len == 0) {
        chr->port = 0;
        if (virDomainDeviceInfoParseXML(dev, flags, &chr->info) < 0)
            return -1;
        g_ptr_array_add(def->serials, g_steal_pointer(&chr));
        return 0;
    }
    if (!virDomainChrSourceEqual(&chr->source,
                                 g_ptr_array_index(def->serials, 0))) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("the console must use the same source as the first serial port"));
        return -1;
    }
    return 0;
}


static void
virDomainChrSourceFormat(virBuffer *buf, const virDomainChrSourceDef *src,
                         unsigned int flags)
{
    switch (src->type) {
    case VIR_DOMAIN_CHR_TYPE_PTY:
        if (src->path && !(flags & (VIR_DOMAIN_DEF_FORMAT_INACTIVE |
                                    VIR_DOMAIN_DEF_FORMAT_MIGRATABLE)))
            virBufferEscapeString(buf, "<source path='%s'/>\n", src->path);
        break;
    case VIR_DOMAIN_CHR_TYPE_FILE:
        virBufferEscapeString(buf, "<source path='%s'", src->path);
        if (src->append)
            virBufferAsprintf(buf, " append='%s'",
                              virTristateSwitchTypeToString(src->append));
        virBufferAddLit(buf, "/>\n");
        break;
    case VIR_DOMAIN_CHR_TYPE_UNIX:
        virBufferAsprintf(buf, "<source mode='%s'",
                          virDomainChrUnixModeTypeToString(src->mode));
        virBufferEscapeString(buf, " path='%s'/>\n", src->path);
        break;
    case VIR_DOMAIN_CHR_TYPE_SPICEVMC:
    case VIR_DOMAIN_CHR_TYPE_NONE:
    case VIR_DOMAIN_CHR_TYPE_LAST:
    default:
        break;
    }
}


static void
virDomainChrDefFormat(virBuffer *buf, const virDomainChrDef *chr,
                      bool console, unsigned int flags)
{
    const char *elem = console ? "console" : "serial";
    const char *type = virDomainChrTypeToString(chr->source.type);

    virBufferAsprintf(buf, "<%s type='%s'", elem, type);
    if (console && chr->source.type == VIR_DOMAIN_CHR_TYPE_PTY &&
        chr->source.path &&
        !(flags & (VIR_DOMAIN_DEF_FORMAT_INACTIVE |
                   VIR_DOMAIN_DEF_FORMAT_MIGRATABLE)))
        virBufferEscapeString(buf, " tty='%s'", chr->source.path);
    virBufferAddLit(buf, ">\n");
    virBufferAdjustIndent(buf, 2);
    virDomainChrSourceFormat(buf, &chr->source, flags);
    if (console) {
        virBufferAddLit(buf, "<target type='serial' port='0'/>\n");
    } else {
        virBufferAsprintf(buf, "<target type='isa-serial' port='%d'>\n",
                          chr->port);
        virBufferAddLit(buf, "  <model name='isa-serial'/>\n");
        virBufferAddLit(buf, "</target>\n");
    }
    virDomainDeviceInfoFormat(buf, &chr->info, flags);
    virBufferAdjustIndent(buf, -2);
    virBufferAsprintf(buf, "</%s>\n", elem);
}


/* ---- <devices> ---- */

/* Elements allowed once in practice although the table lets them repeat,
 * so that a second one gets a message about the device, not the XML. */
static int
virDomainDevicesParseSingle(const char *what, bool seen)
{
    if (!seen)
        return 0;
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   _("only one %1$s device is supported"), what);
    return -1;
}


static int
virDomainDevicesParseOne(virDomainDef *def, xmlNode *dev, unsigned int flags)
{
    const char *name = (const char *)dev->name;
    void *obj = NULL;

    if (STREQ(name, "disk")) {
        if ((obj = virDomainDiskDefParse(dev, flags)))
            g_ptr_array_add(def->disks, obj);
    } else if (STREQ(name, "interface")) {
        if ((obj = virDomainNetDefParse(dev, flags)))
            g_ptr_array_add(def->nets, obj);
    } else if (STREQ(name, "serial")) {
        if ((obj = virDomainSerialDefParse(dev, flags)))
            g_ptr_array_add(def->serials, obj);
    } else if (STREQ(name, "controller")) {
        if ((obj = virDomainControllerDefParse(dev, flags)))
            virDomainControllerInsert(def, obj);
    } else if (STREQ(name, "input")) {
        return virDomainInputDefParse(def, dev, flags);
    } else {
        int rc;

        /* <emulator> is read by the caller, <console> after the loop */
        if ((rc = virDomainGraphicsParseOne(def, dev, flags)) == 0 &&
            (rc = virDomainChannelParseOne(def, dev, flags)) == 0)
            rc = virDomainMiscParseOne(def, dev, flags);
        return rc < 0 ? -1 : 0;
    }
    return obj ? 0 : -1;
}


/**
 * virDomainDevicesParse:
 * Parses the children of <devices> into @def (whose lists must be empty).
 * Serial ports are parsed before the console, which refers to them.
 * Returns 0 or -1 (reported).
 */
int
virDomainDevicesParse(virDomainDef *def, xmlNode *devices, unsigned int flags)
{
    xmlNode *cur;
    xmlNode *console = NULL;

    for (cur = devices->children; cur; cur = cur->next) {
        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrEqual(cur->name, BAD_CAST "console")) {
            if (virDomainDevicesParseSingle("console", console) < 0)
                return -1;
            console = cur;
            continue;
        }
        if (virDomainDevicesParseOne(def, cur, flags) < 0)
            return -1;
    }
    if (console && virDomainConsoleParse(def, console, flags) < 0)
        return -1;
    if (def->os.nBootDevs > 0 && virDomainDefHasDeviceBoot(def)) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("per-device boot elements cannot be used together with os/boot elements"));
        return -1;
    }
    return 0;
}


/* A serial port without <target port=''> gets the one after the highest
 * port of the serial ports before it, as libvirt does. */
static void
virDomainSerialsAssignPorts(virDomainDef *def)
{
    int maxPort = -1;
    size_t i;

    for (i = 0; i < def->serials->len; i++) {
        virDomainChrDef *chr = g_ptr_array_index(def->serials, i);

        if (chr->port < 0)
            chr->port = maxPort + 1;
        if (chr->port > maxPort)
            maxPort = chr->port;
    }
}


/**
 * virDomainDevicesPostParse:
 * Fills the device defaults of libvirt's QEMU driver: raw disks, rtl8139
 * NICs, serial port numbers, a VGA adapter when there is graphics but no
 * video, VGA memory and heads, a virtio balloon when none is written.
 * Where libvirt would add an implicit USB controller we write model
 * 'none', since that is what the guest gets.
 */
void
virDomainDevicesPostParse(virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->disks->len; i++) {
        virDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

        virDomainDiskDefPostParse(disk);
    }
    for (i = 0; i < def->nets->len; i++)
        virDomainNetDefPostParse(g_ptr_array_index(def->nets, i));
    virDomainSerialsAssignPorts(def);
    virDomainGraphicsPostParse(def);
    virDomainChannelsPostParse(def);
    virDomainInputsPostParse(def);
    virDomainMiscPostParse(def);
}


/**
 * virDomainDevicesValidate:
 * Checks device-level consistency after defaults: unique disk targets,
 * target names that fit their bus, unique serial ports within 0..3.
 * Returns 0 or -1 (reported).
 */
int
virDomainDevicesValidate(const virDomainDef *def)
{
    g_autoptr(GHashTable) targets = g_hash_table_new(g_str_hash, g_str_equal);
    unsigned int usedPorts = 0;
    size_t i;

    for (i = 0; i < def->disks->len; i++) {
        virDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

        if (virDomainDiskDefValidate(disk) < 0)
            return -1;
        if (!g_hash_table_add(targets, disk->dst)) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("target '%1$s' duplicated for disk sources"),
                           disk->dst);
            return -1;
        }
    }
    for (i = 0; i < def->serials->len; i++) {
        virDomainChrDef *chr = g_ptr_array_index(def->serials, i);

        if (chr->port < 0 || chr->port >= VIR_DOMAIN_SERIALS_MAX ||
            (usedPorts & (1U << chr->port))) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("serial port %1$d is out of range 0..%2$d or used twice"),
                           chr->port, VIR_DOMAIN_SERIALS_MAX - 1);
            return -1;
        }
        usedPorts |= 1U << chr->port;
    }
    if (virDomainInputsValidate(def) < 0 ||
        virDomainControllersValidate(def) < 0 ||
        virDomainNetsValidate(def) < 0 || virDomainGraphicsValidate(def) < 0 ||
        virDomainChannelsValidate(def) < 0 || virDomainMiscValidate(def) < 0 ||
        virDomainDefValidateAliases(def) < 0)
        return -1;
    return 0;
}


/**
 * virDomainDevicesFormat:
 * Appends <devices> of @def to @buf, in libvirt's element order.
 */
void
virDomainDevicesFormat(virBuffer *buf, const virDomainDef *def,
                       unsigned int flags)
{
    size_t i;

    virBufferAddLit(buf, "<devices>\n");
    virBufferAdjustIndent(buf, 2);
    virBufferEscapeString(buf, "<emulator>%s</emulator>\n", def->emulator);
    for (i = 0; i < def->disks->len; i++)
        virDomainDiskDefFormat(buf, g_ptr_array_index(def->disks, i), flags);
    for (i = 0; i < def->controllers->len; i++) {
        const virDomainControllerDef *cont = g_ptr_array_index(def->controllers, i);

        if ((flags & VIR_DOMAIN_DEF_FORMAT_MIGRATABLE) &&
            virDomainControllerIsMigratableDefault(def, cont))
            continue;
        virDomainControllerDefFormat(buf, cont, flags);
    }
    for (i = 0; i < def->nets->len; i++)
        virDomainNetDefFormat(buf, g_ptr_array_index(def->nets, i), flags);
    for (i = 0; i < def->serials->len; i++)
        virDomainChrDefFormat(buf, g_ptr_array_index(def->serials, i), false,
                              flags);
    if (def->serials->len > 0)
        virDomainChrDefFormat(buf, g_ptr_array_index(def->serials, 0), true,
                              flags);
    virDomainChannelFormatAll(buf, def, flags);
    virDomainInputsFormat(buf, def, flags);
    virDomainGraphicsFormatAll(buf, def, flags);
    virDomainSoundFormatAll(buf, def, flags);
    virDomainVideoFormatAll(buf, def, flags);
    virDomainMiscFormatTail(buf, def, flags);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</devices>\n");
}


/* ---- runtime data ---- */

/* libvirt's disk alias: BUS + controller-bus-unit for drive addresses
 * (ide0-1-0, sata0-0-2, scsi0-0-0-1 on virtio-scsi), else BUS-diskN. */
char *
virDomainDiskDefAlias(const virDomainDef *def, const virDomainDiskDef *disk)
{
    const char *bus = virDomainDiskBusTypeToString(disk->bus);
    const virDomainDeviceDriveAddress *drive = &disk->info.addr.drive;
    virDomainControllerDef *cont;

    if (disk->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE)
        return g_strdup_printf("%s-disk%d", bus,
                               virDomainDiskNameToIndex(disk->dst));
    cont = virDomainDefFindController(def, VIR_DOMAIN_CONTROLLER_TYPE_SCSI,
                                      drive->controller);
    if (disk->bus == VIR_DOMAIN_DISK_BUS_SCSI && cont &&
        cont->model != VIR_DOMAIN_CONTROLLER_MODEL_SCSI_LSILOGIC)
        return g_strdup_printf("%s%u-%u-%u-%u", bus, drive->controller,
                               drive->bus, drive->target, drive->unit);
    return g_strdup_printf("%s%u-%u-%u", bus, drive->controller, drive->bus,
                           drive->unit);
}

/**
 * virDomainDefAssignAliases:
 * Gives every device of a domain being started the alias (QEMU device id)
 * libvirt's QEMU driver would: virtio-diskN / ideC-B-U, netN, serialN
 * (the console shares serial0's), video0, usb, balloon0.  Aliases already
 * set are kept.  Returns 0 (it cannot fail today; the int is for the
 * driver's error path).
 */
int
virDomainDefAssignAliases(virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->disks->len; i++) {
        virDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

        if (!disk->info.alias)
            disk->info.alias = virDomainDiskDefAlias(def, disk);
    }
    virDomainDefAssignDiskIndexes(def);
    for (i = 0; i < def->serials->len; i++) {
        virDomainChrDef *chr = g_ptr_array_index(def->serials, i);

        if (!chr->info.alias)
            chr->info.alias = g_strdup_printf("serial%zu", i);
    }
    virDomainInputsAssignAliases(def);
    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *cont = g_ptr_array_index(def->controllers, i);

        if (!cont->info.alias)
            cont->info.alias = virDomainControllerDefAlias(def, cont);
    }
    virDomainPeriphAssignAliases(def);
    return 0;
}


/**
 * virDomainDefClearRuntime:
 * Drops what only a running domain has: id (back to -1), device aliases,
 * pty paths, an automatically assigned VNC port and a listen address taken
 * from the daemon config.  Used when a domain stops.
 */
void
virDomainDefClearRuntime(virDomainDef *def)
{
    size_t i;

    def->id = -1;
    virDomainDefClearDeviceAliases(def);
    virDomainDefClearDiskIndexes(def);
    for (i = 0; i < def->serials->len; i++) {
        virDomainChrDef *chr = g_ptr_array_index(def->serials, i);

        if (chr->source.type == VIR_DOMAIN_CHR_TYPE_PTY)
            g_clear_pointer(&chr->source.path, g_free);
    }
    virDomainPeriphClearRuntime(def);
}
