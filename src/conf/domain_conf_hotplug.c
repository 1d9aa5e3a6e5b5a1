/*
 * domain_conf_hotplug.c: one device of a domain definition on its own
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What virDomainAttachDeviceFlags, DetachDeviceFlags, DetachDeviceAlias
 * and UpdateDeviceFlags need from the domain model: a device element
 * parsed alone (checked against the same allowed-element tables as a
 * whole definition), a device of a definition found the way libvirt
 * matches it (a disk by target, an interface by MAC, anything by alias),
 * a device added with what parsing a definition would give it (implicit
 * controllers, addresses) and the runtime names a running domain's new
 * device gets (alias, block node numbers).
 */
#include <config.h>

#define VIR_DOMAIN_CONF_PRIV_H_ALLOW
#include "domain_conf_priv.h"
#include "virerror.h"
#include "virlog.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

VIR_LOG_INIT("conf.domain_conf_hotplug");


/* Frees a parsed device and what it still owns; accepts NULL. */
void
virDomainDeviceParsedFree(virDomainDeviceParsed *dev)
{
    if (!dev)
        return;
    virDomainDiskDefFree(dev->disk);
    virDomainNetDefFree(dev->net);
    g_free(dev->typeName);
    g_free(dev);
}


/* libvirt's name of the device type of element @element (its
 * virDomainDeviceType string): "net" for <interface>, "chr" for the
 * character devices, else the element's own name. */
static const char *
virDomainDeviceElementTypeName(const char *element)
{
    static const char *const map[][2] = {
        { "interface", "net" }, { "serial", "chr" },  { "console", "chr" },
        { "parallel", "chr" },  { "channel", "chr" },
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(map); i++) {
        if (STREQ(element, map[i][0]))
            return map[i][1];
    }
    return element;
}


/* Moves the root element of @doc under a new <domain><devices>, so the
 * allowed-element tables (paths from "domain") apply to it. */
static xmlNode *
virDomainDeviceWrap(xmlDoc *doc)
{
    xmlNode *dev = xmlDocGetRootElement(doc);
    xmlNode *domain = xmlNewDocNode(doc, NULL, BAD_CAST "domain", NULL);
    xmlNode *devices = xmlNewDocNode(doc, NULL, BAD_CAST "devices", NULL);

    xmlUnlinkNode(dev);
    xmlDocSetRootElement(doc, domain);
    xmlAddChild(domain, devices);
    xmlAddChild(devices, dev);
    return domain;
}


/**
 * virDomainDeviceParse:
 * Parses the device element @xml alone, with @flags
 * (virDomainDefParseFlags).  A <disk> or <interface> is parsed with the
 * defaults a definition gives it; any other element is returned with
 * type VIR_DOMAIN_DEVICE_NONE and only its type name, for the caller to
 * refuse in its own words.  Caller owns the result; NULL with an error
 * reported (malformed XML, an unknown attribute or element).
 */
virDomainDeviceParsed *
virDomainDeviceParse(const char *xml, unsigned int flags)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(virDomainDeviceParsed) dev = g_new0(virDomainDeviceParsed, 1);
    xmlNode *node;
    const char *name;

    if (!(doc = virXMLParseStringCtxt(xml, _("(device_definition)"), NULL,
                                      &ctxt)))
        return NULL;
    node = xmlDocGetRootElement(doc);
    name = (const char *)node->name;
    dev->typeName = g_strdup(virDomainDeviceElementTypeName(name));
    if (STRNEQ(name, "disk") && STRNEQ(name, "interface"))
        return g_steal_pointer(&dev);
    if (virDomainXMLCheckAllowed(virDomainDeviceWrap(doc)) < 0)
        return NULL;
    if (STREQ(name, "disk")) {
        dev->type = VIR_DOMAIN_DEVICE_DISK;
        if (!(dev->disk = virDomainDiskDefParse(node, flags)))
            return NULL;
        virDomainDiskDefPostParse(dev->disk);
        if (virDomainDiskDefValidate(dev->disk) < 0)
            return NULL;
    } else {
        dev->type = VIR_DOMAIN_DEVICE_NET;
        dev->macGiven = virXMLNodeChild(node, "mac") != NULL;
        if (!(dev->net = virDomainNetDefParse(node, flags)))
            return NULL;
        virDomainNetDefPostParse(dev->net);
    }
    return g_steal_pointer(&dev);
}


/* The index of the disk of @def with target @dst, or -1. */
int
virDomainDefFindDisk(const virDomainDef *def, const char *dst)
{
    size_t i;

    for (i = 0; i < def->disks->len; i++) {
        const virDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

        if (STREQ(disk->dst, dst))
            return i;
    }
    return -1;
}


static bool
virDomainNetMatches(const virDomainNetDef *net, const virDomainNetDef *match,
                    bool macGiven)
{
    if (macGiven && memcmp(net->mac, match->mac, VIR_MAC_BUFLEN) != 0)
        return false;
    if (match->info.alias &&
        STRNEQ_NULLABLE(net->info.alias, match->info.alias))
        return false;
    if (match->info.type == VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI &&
        !virDomainDeviceInfoAddressIsEqual(&net->info, &match->info))
        return false;
    return true;
}


/**
 * virDomainDefFindNet:
 * The index of the interface of @def that @match describes, as libvirt
 * matches one: its MAC (when @macGiven), alias and PCI address (when
 * given).  Returns it, or -1 with VIR_ERR_DEVICE_MISSING (none) or
 * VIR_ERR_OPERATION_FAILED (several) reported.
 */
int
virDomainDefFindNet(const virDomainDef *def, const virDomainNetDef *match,
                    bool macGiven)
{
    char mac[VIR_MAC_STRING_BUFLEN];
    int found = -1;
    size_t i;

    virDomainMacFormat(match->mac, mac);
    for (i = 0; i < def->nets->len; i++) {
        if (!virDomainNetMatches(g_ptr_array_index(def->nets, i), match,
                                 macGiven))
            continue;
        if (found >= 0) {
            virReportError(VIR_ERR_OPERATION_FAILED,
                           _("multiple devices matching MAC address %1$s found"),
                           mac);
            return -1;
        }
        found = i;
    }
    if (found < 0 && macGiven)
        virReportError(VIR_ERR_DEVICE_MISSING,
                       _("no device matching MAC address %1$s found"), mac);
    else if (found < 0)
        virReportError(VIR_ERR_DEVICE_MISSING, "%s",
                       _("no matching network device was found"));
    return found;
}


/**
 * virDomainDefFindAlias:
 * The disk or interface of @def whose alias is @alias: its type in
 * *@retType and its index returned.  Returns -1 with
 * VIR_ERR_DEVICE_MISSING reported when there is none.
 */
int
virDomainDefFindAlias(const virDomainDef *def, const char *alias,
                      virDomainDeviceType *retType)
{
    size_t i;

    for (i = 0; i < def->disks->len; i++) {
        const virDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

        if (STREQ_NULLABLE(disk->info.alias, alias)) {
            *retType = VIR_DOMAIN_DEVICE_DISK;
            return i;
        }
    }
    for (i = 0; i < def->nets->len; i++) {
        const virDomainNetDef *net = g_ptr_array_index(def->nets, i);

        if (STREQ_NULLABLE(net->info.alias, alias)) {
            *retType = VIR_DOMAIN_DEVICE_NET;
            return i;
        }
    }
    virReportError(VIR_ERR_DEVICE_MISSING, _("no device found with alias %1$s"),
                   alias);
    return -1;
}


/**
 * virDomainDefAddDevice:
 * Appends the disk or interface of @dev (taken from it) to @def, then
 * gives @def what parsing it would: the implicit controllers of the
 * disk's bus and @config's addresses for everything that has none; and
 * checks the devices together (unique targets and MACs).  On failure
 * @def may be half changed: callers work on a copy.  Returns 0 or -1
 * (reported).
 */
int
virDomainDefAddDevice(virDomainDef *def, virDomainDeviceParsed *dev,
                      const virDomainDefParserConfig *config)
{
    if (dev->disk)
        g_ptr_array_add(def->disks, g_steal_pointer(&dev->disk));
    else if (dev->net)
        g_ptr_array_add(def->nets, g_steal_pointer(&dev->net));
    if (virDomainDefAddImplicitControllers(def) < 0)
        return -1;
    if (config && config->assignAddresses &&
        config->assignAddresses(def, config->opaque) < 0)
        return -1;
    if (virDomainDevicesValidate(def) < 0)
        return -1;
    return 0;
}


/* One more than the highest block node number of @def's disks. */
static unsigned int
virDomainDefNextDiskIndex(const virDomainDef *def)
{
    unsigned int next = 1;
    size_t i;

    for (i = 0; i < def->disks->len; i++) {
        const virDomainDiskDef *disk = g_ptr_array_index(def->disks, i);
        const virDomainDiskSource *layer;

        for (layer = disk->src; layer; layer = layer->backing)
            next = MAX(next, layer->index + 1);
    }
    return next;
}


/**
 * virDomainDefNameNewDisk:
 * Gives @disk, about to join running @def, the alias a start would give
 * it and block node numbers after every number in use.
 */
void
virDomainDefNameNewDisk(const virDomainDef *def, virDomainDiskDef *disk)
{
    unsigned int next = virDomainDefNextDiskIndex(def);
    virDomainDiskSource *layer;

    if (!disk->info.alias)
        disk->info.alias = virDomainDiskDefAlias(def, disk);
    for (layer = disk->src; layer; layer = layer->backing)
        layer->index = next++;
}


/**
 * virDomainDefNameNewNet:
 * Gives @net, about to join running @def as its last interface, the
 * alias a start would give it (netN, N its position) unless that one is
 * taken (an interface was unplugged before): then the first free netN
 * above.
 */
void
virDomainDefNameNewNet(const virDomainDef *def, virDomainNetDef *net)
{
    size_t n = def->nets->len;
    virDomainDeviceType type;

    if (net->info.alias)
        return;
    for (;; n++) {
        g_autofree char *alias = g_strdup_printf("net%zu", n);

        if (virDomainDefFindAlias(def, alias, &type) < 0) {
            virErrorResetLast();
            net->info.alias = g_steal_pointer(&alias);
            return;
        }
    }
}
