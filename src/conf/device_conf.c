/*
 * device_conf.c: device addresses and aliases (libvirt's virDomainDeviceInfo)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Parsing and formatting of the <alias>, <address> and <boot> children
 * every device element may have, in libvirt's shapes: PCI numbers in hex
 * ("0x0000", "0x00", "0x04", "0x0"), the others in decimal.
 */
#include <config.h>

#include "device_conf.h"
#include "domain_conf.h"
#include "virerror.h"
#include "virlog.h"
#include "virxml.h"
#include "virxmlcheck.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

VIR_LOG_INIT("conf.device_conf");

static const char *const virDomainDeviceAddressTable[] = {
    [VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE] = "none",
    [VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI] = "pci",
    [VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE] = "drive",
    [VIR_DOMAIN_DEVICE_ADDRESS_TYPE_VIRTIO_SERIAL] = "virtio-serial",
    [VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB] = "usb",
    [VIR_DOMAIN_DEVICE_ADDRESS_TYPE_ISA] = "isa",
};
VIR_ENUM_IMPL_TABLE(virDomainDeviceAddress, virDomainDeviceAddressTable,
                    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_LAST);

#define VIR_USER_ALIAS_PREFIX "ua-"
#define VIR_USER_ALIAS_CHARS \
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"


/**
 * virDomainDeviceInfoClear:
 * Frees what @info holds (the alias) and zeroes it: no address, no boot
 * order.  @info itself is embedded in its device and not freed.
 */
void
virDomainDeviceInfoClear(virDomainDeviceInfo *info)
{
    g_free(info->alias);
    memset(info, 0, sizeof(*info));
}


/**
 * virDomainDeviceInfoCopy:
 * Makes @dst (which must hold nothing) a deep copy of @src.
 */
void
virDomainDeviceInfoCopy(virDomainDeviceInfo *dst,
                        const virDomainDeviceInfo *src)
{
    *dst = *src;
    dst->alias = g_strdup(src->alias);
}


/**
 * virDomainDeviceAliasIsUserAlias:
 * True when @alias (may be NULL) is a user alias: "ua-" prefixed.
 */
bool
virDomainDeviceAliasIsUserAlias(const char *alias)
{
    return alias && STRPREFIX(alias, VIR_USER_ALIAS_PREFIX);
}


/* Reads unsigned attribute @attr in @base (0: C rules, "0x" for hex) into
 * *@val, untouched when absent.  libvirt's message for a bad value. */
static int
virDeviceXMLPropUInt(xmlNode *node, const char *attr, unsigned int base,
                     bool nonzero, unsigned int *val)
{
    g_autofree char *str = virXMLPropString(node, attr);
    guint64 v = 0;
    char *end = NULL;

    if (!str)
        return 0;
    errno = 0;
    if (*str && *str != '-')
        v = g_ascii_strtoull(str, &end, base);
    if (!end || end == str || *end || errno != 0 || v > G_MAXUINT) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("Invalid value for attribute '%1$s' in element '%2$s': '%3$s'. Expected non-negative integer value"),
                       attr, (const char *)node->name, str);
        return -1;
    }
    if (nonzero && v == 0) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("Invalid value for attribute '%1$s' in element '%2$s': Zero is not permitted"),
                       attr, (const char *)node->name);
        return -1;
    }
    *val = v;
    return 0;
}


/**
 * virPCIDeviceAddressIsEmpty:
 * True when no domain, bus or slot is given (libvirt's "assign me one").
 */
bool
virPCIDeviceAddressIsEmpty(const virPCIDeviceAddress *addr)
{
    return !(addr->domain || addr->bus || addr->slot);
}


/* True when @info carries a complete PCI address. */
bool
virDomainDeviceInfoHasPCIAddress(const virDomainDeviceInfo *info)
{
    return info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI &&
           !virPCIDeviceAddressIsEmpty(&info->addr.pci);
}


/**
 * virPCIDeviceAddressAsString:
 * "DDDD:BB:SS.F" as libvirt writes it in messages; caller owns the result.
 */
char *
virPCIDeviceAddressAsString(const virPCIDeviceAddress *addr)
{
    return g_strdup_printf("%.4x:%.2x:%.2x.%.1x", addr->domain, addr->bus,
                           addr->slot, addr->function);
}


/* Sets a PCI address on domain 0, keeping a multifunction='' given. */
void
virDomainDeviceInfoSetPCI(virDomainDeviceInfo *info, unsigned int bus,
                          unsigned int slot, unsigned int function)
{
    int multi = info->type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI
                    ? info->addr.pci.multi : 0;

    memset(&info->addr, 0, sizeof(info->addr));
    info->type = VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI;
    info->addr.pci.bus = bus;
    info->addr.pci.slot = slot;
    info->addr.pci.function = function;
    info->addr.pci.multi = multi;
}


static int
virPCIDeviceAddressParseXML(xmlNode *node, virPCIDeviceAddress *addr)
{
    g_autofree char *multi = virXMLPropString(node, "multifunction");

    if (virDeviceXMLPropUInt(node, "domain", 0, false, &addr->domain) < 0 ||
        virDeviceXMLPropUInt(node, "bus", 0, false, &addr->bus) < 0 ||
        virDeviceXMLPropUInt(node, "slot", 0, false, &addr->slot) < 0 ||
        virDeviceXMLPropUInt(node, "function", 0, false, &addr->function) < 0)
        return -1;
    if (multi && (addr->multi = virTristateSwitchTypeFromString(multi)) <= 0) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("Invalid value for attribute '%1$s' in element '%2$s': '%3$s'."),
                       "multifunction", (const char *)node->name, multi);
        return -1;
    }
    if (virPCIDeviceAddressIsEmpty(addr))
        return 0;
    if (addr->domain != 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Invalid PCI address 0x%1$x, only PCI domain 0 is supported"),
                       addr->domain);
        return -1;
    }
    if (addr->bus > VIR_PCI_ADDRESS_BUS_MAX) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("Invalid PCI address bus='0x%1$x', must be <= 0xFF"),
                       addr->bus);
        return -1;
    }
    if (addr->slot > VIR_PCI_ADDRESS_SLOT_MAX) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("Invalid PCI address slot='0x%1$x', must be <= 0x1F"),
                       addr->slot);
        return -1;
    }
    if (addr->function > VIR_PCI_ADDRESS_FUNCTION_MAX) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("Invalid PCI address function=0x%1$x, must be <= 7"),
                       addr->function);
        return -1;
    }
    return 0;
}


static int
virDomainDeviceUSBAddressParseXML(xmlNode *node,
                                  virDomainDeviceUSBAddress *addr)
{
    g_autofree char *port = virXMLPropString(node, "port");
    g_auto(GStrv) parts = NULL;
    size_t i;

    if (virDeviceXMLPropUInt(node, "bus", 10, false, &addr->bus) < 0)
        return -1;
    if (!port)
        return 0;
    parts = g_strsplit(port, ".", 0);
    for (i = 0; parts[i]; i++) {
        guint64 v = 0;

        if (i >= VIR_DOMAIN_DEVICE_USB_MAX_PORT_DEPTH ||
            !g_ascii_string_to_unsigned(parts[i], 10, 1, G_MAXUINT, &v,
                                        NULL)) {
            virReportError(VIR_ERR_XML_ERROR, "%s",
                           _("Cannot parse <address> 'port' attribute"));
            return -1;
        }
        addr->port[i] = v;
    }
    return 0;
}


static int
virDomainDeviceAddressParseXML(xmlNode *node, virDomainDeviceInfo *info)
{
    g_autofree char *type = virXMLPropString(node, "type");
    int t;

    if (!type) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("No type specified for device address"));
        return -1;
    }
    if ((t = virDomainDeviceAddressTypeFromString(type)) <= 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("unknown address type '%1$s'"), type);
        return -1;
    }
    info->type = t;
    switch (info->type) {
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI:
        return virPCIDeviceAddressParseXML(node, &info->addr.pci);
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE:
        if (virDeviceXMLPropUInt(node, "controller", 10, false,
                                 &info->addr.drive.controller) < 0 ||
            virDeviceXMLPropUInt(node, "bus", 10, false,
                                 &info->addr.drive.bus) < 0 ||
            virDeviceXMLPropUInt(node, "target", 10, false,
                                 &info->addr.drive.target) < 0 ||
            virDeviceXMLPropUInt(node, "unit", 10, false,
                                 &info->addr.drive.unit) < 0)
            return -1;
        return 0;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_VIRTIO_SERIAL:
        if (virDeviceXMLPropUInt(node, "controller", 10, false,
                                 &info->addr.vioserial.controller) < 0 ||
            virDeviceXMLPropUInt(node, "bus", 10, false,
                                 &info->addr.vioserial.bus) < 0 ||
            virDeviceXMLPropUInt(node, "port", 10, false,
                                 &info->addr.vioserial.port) < 0)
            return -1;
        return 0;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB:
        return virDomainDeviceUSBAddressParseXML(node, &info->addr.usb);
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_ISA:
        if (virDeviceXMLPropUInt(node, "iobase", 16, false,
                                 &info->addr.isa.iobase) < 0 ||
            virDeviceXMLPropUInt(node, "irq", 16, false,
                                 &info->addr.isa.irq) < 0)
            return -1;
        return 0;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE:
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_LAST:
    default:
        virReportEnumRangeError(virDomainDeviceAddressType, info->type);
        return -1;
    }
}


/**
 * virDomainDeviceInfoParseXML:
 * Reads the <alias name=''/>, <address .../>, <boot order=''/> and
 * <master startport=''/> children
 * of device element @dev into @info (which must hold nothing).  Which of
 * them a device may have is the allowed-XML table's business.  With
 * VIR_DOMAIN_DEF_PARSE_INACTIVE in @flags only a user alias ("ua-" plus
 * [a-zA-Z0-9_-]) is kept, as libvirt's QEMU driver does: generated ones
 * are runtime data.  Returns 0, or -1 with an error reported and @info
 * cleared.
 */
int
virDomainDeviceInfoParseXML(xmlNode *dev, unsigned int flags,
                            virDomainDeviceInfo *info)
{
    xmlNode *alias = virXMLNodeChild(dev, "alias");
    xmlNode *address = virXMLNodeChild(dev, "address");
    xmlNode *boot = virXMLNodeChild(dev, "boot");
    xmlNode *master = virXMLNodeChild(dev, "master");
    g_autofree char *name = alias ? virXMLPropString(alias, "name") : NULL;

    if (name && (!(flags & VIR_DOMAIN_DEF_PARSE_INACTIVE) ||
                 (virDomainDeviceAliasIsUserAlias(name) &&
                  strspn(name, VIR_USER_ALIAS_CHARS) == strlen(name))))
        info->alias = g_steal_pointer(&name);
    if (boot && !xmlHasProp(boot, BAD_CAST "order")) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("Missing required attribute '%1$s' in element '%2$s'"),
                       "order", "boot");
        virDomainDeviceInfoClear(info);
        return -1;
    }
    if (master) {
        info->usbMaster = true;
        if (virDeviceXMLPropUInt(master, "startport", 10, false,
                                 &info->usbMasterStartport) < 0) {
            virDomainDeviceInfoClear(info);
            return -1;
        }
    }
    if ((boot && virDeviceXMLPropUInt(boot, "order", 10, true,
                                      &info->bootIndex) < 0) ||
        (address && virDomainDeviceAddressParseXML(address, info) < 0)) {
        virDomainDeviceInfoClear(info);
        return -1;
    }
    return 0;
}


static void
virDomainDeviceUSBPortFormat(virBuffer *buf,
                             const virDomainDeviceUSBAddress *usb)
{
    size_t i;

    for (i = 0; i < VIR_DOMAIN_DEVICE_USB_MAX_PORT_DEPTH && usb->port[i];
         i++)
        virBufferAsprintf(buf, "%s%u", i ? "." : "", usb->port[i]);
}


/**
 * virDomainDeviceAddressFormat:
 * Appends the <address> element of @info (nothing for no address), in
 * libvirt's shape.
 */
void
virDomainDeviceAddressFormat(virBuffer *buf, const virDomainDeviceInfo *info)
{
    const virPCIDeviceAddress *pci = &info->addr.pci;

    switch (info->type) {
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI:
        virBufferAddLit(buf, "<address type='pci'");
        if (!virPCIDeviceAddressIsEmpty(pci))
            virBufferAsprintf(buf, " domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%d'",
                              pci->domain, pci->bus, pci->slot, pci->function);
        if (pci->multi)
            virBufferAsprintf(buf, " multifunction='%s'",
                              virTristateSwitchTypeToString(pci->multi));
        virBufferAddLit(buf, "/>\n");
        return;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE:
        virBufferAsprintf(buf, "<address type='drive' controller='%u' bus='%u' target='%u' unit='%u'/>\n",
                          info->addr.drive.controller, info->addr.drive.bus,
                          info->addr.drive.target, info->addr.drive.unit);
        return;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_VIRTIO_SERIAL:
        virBufferAsprintf(buf, "<address type='virtio-serial' controller='%u' bus='%u' port='%u'/>\n",
                          info->addr.vioserial.controller,
                          info->addr.vioserial.bus, info->addr.vioserial.port);
        return;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB:
        virBufferAsprintf(buf, "<address type='usb' bus='%u'",
                          info->addr.usb.bus);
        if (info->addr.usb.port[0]) {
            virBufferAddLit(buf, " port='");
            virDomainDeviceUSBPortFormat(buf, &info->addr.usb);
            virBufferAddLit(buf, "'");
        }
        virBufferAddLit(buf, "/>\n");
        return;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_ISA:
        virBufferAddLit(buf, "<address type='isa'");
        if (info->addr.isa.iobase)
            virBufferAsprintf(buf, " iobase='0x%x'", info->addr.isa.iobase);
        if (info->addr.isa.irq)
            virBufferAsprintf(buf, " irq='0x%x'", info->addr.isa.irq);
        virBufferAddLit(buf, "/>\n");
        return;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE:
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_LAST:
    default:
        return;
    }
}


/**
 * virDomainDeviceInfoFormat:
 * Appends <boot order=''/>, <alias name=''/> and <address/> of @info, in
 * libvirt's order.  The alias is left out of inactive and migratable XML
 * (as stock libvirt 9.0 writes them) unless it is a user alias.
 */
void
virDomainDeviceInfoFormat(virBuffer *buf, const virDomainDeviceInfo *info,
                          unsigned int flags)
{
    if (info->bootIndex)
        virBufferAsprintf(buf, "<boot order='%u'/>\n", info->bootIndex);
    if (info->alias && (!(flags & (VIR_DOMAIN_DEF_FORMAT_INACTIVE |
                                   VIR_DOMAIN_DEF_FORMAT_MIGRATABLE)) ||
                        virDomainDeviceAliasIsUserAlias(info->alias)))
        virBufferEscapeString(buf, "<alias name='%s'/>\n", info->alias);
    if (info->usbMaster)
        virBufferAsprintf(buf, "<master startport='%u'/>\n",
                          info->usbMasterStartport);
    virDomainDeviceAddressFormat(buf, info);
}


/**
 * virDomainDeviceInfoAddressIsEqual:
 * True when @a and @b have the same address type and address (PCI
 * multifunction='' does not count).
 */
bool
virDomainDeviceInfoAddressIsEqual(const virDomainDeviceInfo *a,
                                  const virDomainDeviceInfo *b)
{
    const virPCIDeviceAddress *pa = &a->addr.pci;
    const virPCIDeviceAddress *pb = &b->addr.pci;

    if (a->type != b->type)
        return false;
    switch (a->type) {
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI:
        return pa->domain == pb->domain && pa->bus == pb->bus &&
               pa->slot == pb->slot && pa->function == pb->function;
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE:
        return !memcmp(&a->addr.drive, &b->addr.drive, sizeof(a->addr.drive));
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_VIRTIO_SERIAL:
        return !memcmp(&a->addr.vioserial, &b->addr.vioserial,
                       sizeof(a->addr.vioserial));
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB:
        return !memcmp(&a->addr.usb, &b->addr.usb, sizeof(a->addr.usb));
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_ISA:
        return !memcmp(&a->addr.isa, &b->addr.isa, sizeof(a->addr.isa));
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE:
    case VIR_DOMAIN_DEVICE_ADDRESS_TYPE_LAST:
    default:
        return true;
    }
}
