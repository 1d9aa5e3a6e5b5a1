/*
 * domain_conf.c: the domain definition (libvirt's domain XML model)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * This file holds the domain-level part: the allowed-element table,
 * identity, memory, vCPUs, <os>, <features>, <cpu>, <clock>, lifecycle
 * actions, and the parse/format entry points.  Devices live in
 * domain_conf_devices.c.
 */
#include <config.h>

#define VIR_DOMAIN_CONF_PRIV_H_ALLOW
#include "domain_conf_priv.h"
#include "virerror.h"
#include "virlog.h"
#include "viruuid.h"
#include "virxml.h"
#include "virxmlcheck.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

VIR_LOG_INIT("conf.domain_conf");

static const char *const virDomainVirtTable[] = {
    [VIR_DOMAIN_VIRT_NONE] = "none",
    [VIR_DOMAIN_VIRT_QEMU] = "qemu",
    [VIR_DOMAIN_VIRT_KVM] = "kvm",
};
VIR_ENUM_IMPL_TABLE(virDomainVirt, virDomainVirtTable, VIR_DOMAIN_VIRT_LAST);

static const char *const virDomainOSTable[] = {
    [VIR_DOMAIN_OSTYPE_NONE] = "none",
    [VIR_DOMAIN_OSTYPE_HVM] = "hvm",
};
VIR_ENUM_IMPL_TABLE(virDomainOS, virDomainOSTable, VIR_DOMAIN_OSTYPE_LAST);

static const char *const virDomainBootTable[] = {
    [VIR_DOMAIN_BOOT_NONE] = "none",
    [VIR_DOMAIN_BOOT_FLOPPY] = "fd",
    [VIR_DOMAIN_BOOT_DISK] = "hd",
    [VIR_DOMAIN_BOOT_CDROM] = "cdrom",
    [VIR_DOMAIN_BOOT_NET] = "network",
};
VIR_ENUM_IMPL_TABLE(virDomainBoot, virDomainBootTable, VIR_DOMAIN_BOOT_LAST);

static const char *const virTristateSwitchTable[] = {
    [VIR_TRISTATE_SWITCH_ABSENT] = "absent",
    [VIR_TRISTATE_SWITCH_ON] = "on",
    [VIR_TRISTATE_SWITCH_OFF] = "off",
};
VIR_ENUM_IMPL_TABLE(virTristateSwitch, virTristateSwitchTable,
                    VIR_TRISTATE_SWITCH_LAST);



/*
 * Every element and attribute we understand.  Anything else in a domain
 * definition is refused by name before parsing starts.
 */
static const virXMLAllowed virDomainXMLAllowedTable[] = {
    { "domain", "type id", 0 },
    { "domain/name", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/uuid", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/title", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/description", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/memory", "unit", VIR_XML_ALLOW_TEXT },
    { "domain/currentMemory", "unit", VIR_XML_ALLOW_TEXT },
    { "domain/vcpu", "placement cpuset current", VIR_XML_ALLOW_TEXT },
    { "domain/os", NULL, 0 },
    { "domain/os/type", "arch machine", VIR_XML_ALLOW_TEXT },
    { "domain/os/kernel", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/os/initrd", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/os/cmdline", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/os/boot", "dev", VIR_XML_ALLOW_REPEAT },
    { "domain/devices", NULL, 0 },
    { "domain/devices/emulator", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/devices/serial", "type", VIR_XML_ALLOW_REPEAT },
    { "domain/devices/serial/source", "path append mode", 0 },
    { "domain/devices/serial/target", "type port", 0 },
    { "domain/devices/serial/target/model", "name", 0 },
    { "domain/devices/serial/alias", "name", 0 },
    { "domain/devices/console", "type tty", VIR_XML_ALLOW_REPEAT },
    { "domain/devices/console/source", "path append mode", 0 },
    { "domain/devices/console/target", "type port", 0 },
    { "domain/devices/console/alias", "name", 0 },
    { "domain/devices/controller", "type index model ports",
      VIR_XML_ALLOW_REPEAT },
    { "domain/devices/controller/model", "name", 0 },
    { "domain/devices/controller/target", "chassisNr chassis port busNr", 0 },
    { "domain/devices/controller/alias", "name", 0 },
    { "domain/devices/controller/master", "startport", 0 },
    { "domain/devices/controller/address", VIR_DOMAIN_DEVICE_ADDRESS_ATTRS,
      0 },
    { NULL, NULL, 0 },
};

/* The tables of every area, checked as one. */
/* clang-format off */
static const virXMLAllowed *const virDomainXMLAllowedTables[] = {
    virDomainXMLAllowedTable,
    virDomainXMLAllowedGeneral,
    virDomainXMLAllowedFeatures,
    virDomainXMLAllowedCPU,
    virDomainXMLAllowedInput,
    virDomainXMLAllowedDisk,
    virDomainXMLAllowedPeriph,
    virDomainXMLAllowedTune,
    virDomainXMLAllowedCputune,
};
/* clang-format on */


/* Checks the subtree of the <domain> element @root against the tables of
 * every area.  Returns 0 or -1 (reported). */
int
virDomainXMLCheckAllowed(xmlNode *root)
{
    return virXMLCheckAllowedMulti(root, virDomainXMLAllowedTables,
                                   G_N_ELEMENTS(virDomainXMLAllowedTables));
}


/* ---- attribute helpers (shared with domain_conf_devices.c) ---- */

static char *
virDomainEnumListSupported(virDomainEnumTable table)
{
    unsigned int n = 0;
    const char *const *names = table(&n);
    g_autoptr(GString) str = g_string_new(NULL);
    unsigned int i;

    /* entry 0 is the "none/default" value, never accepted from XML */
    for (i = 1; i < n; i++)
        g_string_append_printf(str, "%s%s", i > 1 ? ", " : "", names[i]);
    return g_string_free(g_steal_pointer(&str), FALSE);
}


/**
 * virDomainXMLPropEnumFull:
 * Reads attribute @attr of @node as one of the non-zero values of an enum
 * string table.  A value outside the table is VIR_ERR_CONFIG_UNSUPPORTED
 * listing the supported ones; a missing @required attribute is
 * VIR_ERR_XML_ERROR.  Returns 0 or -1 (reported).
 */
int
virDomainXMLPropEnumFull(xmlNode *node, const char *attr,
                         virDomainEnumFromString fromString,
                         virDomainEnumTable table, bool required, int *val)
{
    g_autofree char *str = virXMLPropString(node, attr);
    g_autofree char *supported = NULL;
    int v;

    if (!str) {
        if (!required)
            return 0;
        virReportError(VIR_ERR_XML_ERROR,
                       _("missing attribute '%1$s' of element '%2$s'"),
                       attr, (const char *)node->name);
        return -1;
    }
    if ((v = fromString(str)) > 0) {
        *val = v;
        return 0;
    }
    supported = virDomainEnumListSupported(table);
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   _("value '%1$s' of attribute '%2$s' of element '%3$s' is not supported (supported: %4$s)"),
                   str, attr, (const char *)node->name, supported);
    return -1;
}


/**
 * virDomainXMLPropRequired:
 * Returns attribute @attr of @node (caller owns the result), or NULL with
 * VIR_ERR_XML_ERROR reported when it is absent or empty.
 */
char *
virDomainXMLPropRequired(xmlNode *node, const char *attr)
{
    char *str = virXMLPropString(node, attr);

    if (!str || !*str) {
        g_free(str);
        virReportError(VIR_ERR_XML_ERROR,
                       _("missing attribute '%1$s' of element '%2$s'"),
                       attr, (const char *)node->name);
        return NULL;
    }
    return str;
}


static int
virDomainXMLPropNumber(xmlNode *node, const char *attr, bool required,
                       gint64 min, gint64 max, gint64 *val)
{
    g_autofree char *str = NULL;

    if (!required && !(str = virXMLPropString(node, attr)))
        return 1;
    if (!str && !(str = virDomainXMLPropRequired(node, attr)))
        return -1;
    if (!g_ascii_string_to_signed(g_strstrip(str), 10, min, max, val, NULL)) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("invalid value '%1$s' for attribute '%2$s' of element '%3$s'"),
                       str, attr, (const char *)node->name);
        return -1;
    }
    return 0;
}


/**
 * virDomainXMLPropUInt:
 * Reads a decimal unsigned attribute.  Returns 0 or -1 (reported).
 */
int
virDomainXMLPropUInt(xmlNode *node, const char *attr, bool required,
                     unsigned int *val)
{
    gint64 v = 0;
    int rc = virDomainXMLPropNumber(node, attr, required, 0, G_MAXUINT, &v);

    if (rc == 0)
        *val = v;
    return rc < 0 ? -1 : 0;
}


/**
 * virDomainXMLPropInt:
 * Reads a decimal signed attribute.  Returns 0 or -1 (reported).
 */
int
virDomainXMLPropInt(xmlNode *node, const char *attr, bool required, int *val)
{
    gint64 v = 0;
    int rc = virDomainXMLPropNumber(node, attr, required, G_MININT, G_MAXINT,
                                    &v);

    if (rc == 0)
        *val = v;
    return rc < 0 ? -1 : 0;
}


/**
 * virDomainXMLPropYesNo:
 * Reads a "yes"/"no" attribute into *@val (untouched when absent).
 * Returns 0 or -1 with VIR_ERR_XML_ERROR reported.
 */
int
virDomainXMLPropYesNo(xmlNode *node, const char *attr, bool *val)
{
    g_autofree char *str = virXMLPropString(node, attr);

    if (!str)
        return 0;
    if (STREQ(str, "yes") || STREQ(str, "no")) {
        *val = STREQ(str, "yes");
        return 0;
    }
    virReportError(VIR_ERR_XML_ERROR,
                   _("invalid value '%1$s' for attribute '%2$s' of element '%3$s': expected 'yes' or 'no'"),
                   str, attr, (const char *)node->name);
    return -1;
}


/* ---- alloc/free ---- */

/**
 * virDomainDefNew:
 * Returns an empty definition (id -1, empty device lists); caller owns it
 * and frees it with virDomainDefFree.
 */
virDomainDef *
virDomainDefNew(void)
{
    virDomainDef *def = g_new0(virDomainDef, 1);

    def->id = -1;
    def->disks = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainDiskDefFree);
    def->controllers = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainControllerDefFree);
    def->nets = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainNetDefFree);
    def->serials = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainChrDefFree);
    def->inputs = g_ptr_array_new_with_free_func((GDestroyNotify)virDomainInputDefFree);
    def->timers = g_ptr_array_new_with_free_func(g_free);
    def->iothreadids = g_array_new(FALSE, TRUE, sizeof(virDomainIOThreadIDDef));
    virDomainPeriphInit(def);
    return def;
}


/* Frees @def and everything it holds; accepts NULL. */
void
virDomainDefFree(virDomainDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->title);
    g_free(def->description);
    g_free(def->os.machine);
    g_free(def->os.kernel);
    g_free(def->os.initrd);
    g_free(def->os.cmdline);
    virDomainCPUDefFree(def->cpu);
    g_free(def->emulator);
    g_clear_pointer(&def->disks, g_ptr_array_unref);
    g_clear_pointer(&def->controllers, g_ptr_array_unref);
    g_clear_pointer(&def->nets, g_ptr_array_unref);
    g_clear_pointer(&def->serials, g_ptr_array_unref);
    virDomainPeriphClear(def);
    g_clear_pointer(&def->inputs, g_ptr_array_unref);
    g_clear_pointer(&def->timers, g_ptr_array_unref);
    g_clear_pointer(&def->iothreadids, g_array_unref);
    g_free(def->cpumask);
    virDomainCputuneClear(def);
    virDomainGeneralFree(def);
    g_free(def);
}


/* ---- identity ---- */

/**
 * virDomainDefValidateName:
 * Checks that @name can name a domain: not empty, at most
 * VIR_DOMAIN_NAME_MAX_LEN bytes, no '/' or control characters (it becomes
 * part of file names), and not "." or "..".  Returns 0 or -1 with
 * VIR_ERR_XML_ERROR reported.
 */
int
virDomainDefValidateName(const char *name)
{
    const char *p;

    if (!name || !*name) {
        virReportError(VIR_ERR_NO_NAME, "%s", _("missing name information"));
        return -1;
    }
    if (strchr(name, '/')) {
        virReportError(VIR_ERR_XML_ERROR, _("name %1$s cannot contain '/'"),
                       name);
        return -1;
    }
    if (STREQ(name, ".") || STREQ(name, "..")) {
        virReportError(VIR_ERR_XML_ERROR, _("name '%1$s' is not allowed"),
                       name);
        return -1;
    }
    if (strlen(name) > VIR_DOMAIN_NAME_MAX_LEN) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("name is longer than %1$d bytes"),
                       VIR_DOMAIN_NAME_MAX_LEN);
        return -1;
    }
    for (p = name; *p; p++) {
        if (g_ascii_iscntrl(*p)) {
            virReportError(VIR_ERR_XML_ERROR, "%s",
                           _("name cannot contain control characters"));
            return -1;
        }
    }
    return 0;
}


static char *
virDomainXMLChildText(xmlNode *parent, const char *name)
{
    xmlNode *node = virXMLNodeChild(parent, name);

    return node ? virXMLNodeContent(node) : NULL;
}


static int
virDomainDefParseIdentity(virDomainDef *def, xmlNode *root,
                          unsigned int flags)
{
    g_autofree char *uuid = NULL;

    if (virDomainXMLPropEnum(root, "type", virDomainVirt, true,
                             &def->virtType) < 0)
        return -1;
    if (!(flags & VIR_DOMAIN_DEF_PARSE_INACTIVE) &&
        virDomainXMLPropInt(root, "id", false, &def->id) < 0)
        return -1;
    if (def->id < -1) {
        virReportError(VIR_ERR_XML_ERROR, _("invalid domain id %1$d"),
                       def->id);
        return -1;
    }

    def->name = virDomainXMLChildText(root, "name");
    if (virDomainDefValidateName(def->name) < 0)
        return -1;

    /* an empty <uuid/> counts as absent, as in libvirt */
    if ((uuid = virDomainXMLChildText(root, "uuid")) && *g_strstrip(uuid)) {
        if (virUUIDParse(uuid, def->uuid) < 0) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("malformed uuid element '%1$s'"), uuid);
            return -1;
        }
    } else {
        virUUIDGenerate(def->uuid);
    }

    def->title = virDomainXMLChildText(root, "title");
    if (def->title && strchr(def->title, '\n')) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("Domain title can't contain newlines"));
        return -1;
    }
    def->description = virDomainXMLChildText(root, "description");
    return 0;
}


/* ---- memory and vCPUs ---- */

/* Bytes per @unit, with libvirt's spelling rules: "b"/"bytes", then
 * k/M/G/T/P/E alone or followed by "iB" (powers of 1024) or "B" (powers of
 * 1000), case-insensitively.  Returns 0 for an unknown unit. */
static unsigned long long
virDomainMemoryUnitScale(const char *unit)
{
    const char *prefixes = "kmgtpe";
    const char *pos;
    unsigned long long scale = 1;
    unsigned int base = 1024;
    int i;

    if (!unit || !*unit)
        return 1024;
    if (g_ascii_strcasecmp(unit, "b") == 0 ||
        g_ascii_strcasecmp(unit, "bytes") == 0)
        return 1;
    if (!(pos = strchr(prefixes, g_ascii_tolower(unit[0]))))
        return 0;
    if (g_ascii_strcasecmp(unit + 1, "b") == 0)
        base = 1000;
    else if (unit[1] && g_ascii_strcasecmp(unit + 1, "ib") != 0)
        return 0;
    for (i = 0; i <= pos - prefixes; i++)
        scale *= base;
    return scale;
}


/* Parses a <memory>-like element into KiB (rounded up), refusing 0 and
 * anything above VIR_DOMAIN_MEMORY_MAX_KIB. */
static int
virDomainParseMemory(xmlNode *node, unsigned long long *kib)
{
    g_autofree char *unit = virXMLPropString(node, "unit");
    g_autofree char *text = virXMLNodeContent(node);
    unsigned long long scale = virDomainMemoryUnitScale(unit);
    guint64 value;

    if (scale == 0) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("unknown unit '%1$s' in element '%2$s'"),
                       unit, (const char *)node->name);
        return -1;
    }
    if (!g_ascii_string_to_unsigned(g_strstrip(text), 10, 0, G_MAXUINT64,
                                    &value, NULL)) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("invalid value '%1$s' in element '%2$s'"),
                       text, (const char *)node->name);
        return -1;
    }
    if (value == 0) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("element '%1$s' must be greater than zero"),
                       (const char *)node->name);
        return -1;
    }
    if (value > VIR_DOMAIN_MEMORY_MAX_KIB * 1024 / scale) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("%1$s size '%2$s %3$s' is larger than the supported maximum of 16 TiB"),
                       (const char *)node->name, text, unit ? unit : "KiB");
        return -1;
    }
    *kib = (value * scale + 1023) / 1024;
    return 0;
}


static int
virDomainDefParseMemory(virDomainDef *def, xmlNode *root)
{
    xmlNode *mem = virXMLNodeChild(root, "memory");
    xmlNode *cur = virXMLNodeChild(root, "currentMemory");

    if (!mem) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("missing element 'memory'"));
        return -1;
    }
    if (virDomainParseMemory(mem, &def->memory) < 0)
        return -1;
    if (!cur) {
        def->currentMemory = def->memory;
        return 0;
    }
    if (virDomainParseMemory(cur, &def->currentMemory) < 0)
        return -1;
    if (def->currentMemory > def->memory) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("currentMemory (%1$llu KiB) must not exceed memory (%2$llu KiB)"),
                       def->currentMemory, def->memory);
        return -1;
    }
    return 0;
}


static int
virDomainDefParseVcpu(virDomainDef *def, xmlNode *root)
{
    xmlNode *node = virXMLNodeChild(root, "vcpu");
    g_autofree char *text = NULL;
    guint64 n;

    def->maxvcpus = def->vcpus = 1;
    if (!node)
        return 0;
    text = virXMLNodeContent(node);
    if (!g_ascii_string_to_unsigned(g_strstrip(text), 10, 0, G_MAXUINT,
                                    &n, NULL)) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("invalid value '%1$s' in element 'vcpu'"), text);
        return -1;
    }
    def->maxvcpus = def->vcpus = n;
    if (virDomainXMLPropUInt(node, "current", false, &def->vcpus) < 0)
        return -1;
    return 0;
}


static int
virDomainDefValidateVcpu(const virDomainDef *def)
{
    if (def->maxvcpus < 1 || def->vcpus < 1) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("a domain needs at least 1 vCPU"));
        return -1;
    }
    if (def->maxvcpus > VIR_DOMAIN_VCPUS_MAX) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("%1$u vCPUs requested, at most %2$d are supported"),
                       def->maxvcpus, VIR_DOMAIN_VCPUS_MAX);
        return -1;
    }
    if (def->vcpus > def->maxvcpus) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("current vCPU count %1$u must not exceed the maximum %2$u"),
                       def->vcpus, def->maxvcpus);
        return -1;
    }
    return 0;
}


/* ---- <os> ---- */

static int
virDomainDefParseOSType(virDomainDef *def, xmlNode *os)
{
    xmlNode *type = virXMLNodeChild(os, "type");
    g_autofree char *text = NULL;
    g_autofree char *arch = NULL;
    int ostype;

    if (!type) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("an os <type> must be specified"));
        return -1;
    }
    text = virXMLNodeContent(type);
    /* through an int: the enum field is unsigned, -1 would pass "<= 0" */
    if ((ostype = virDomainOSTypeFromString(text)) <= 0) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("os type '%1$s' is not supported (supported: hvm)"),
                       text);
        return -1;
    }
    def->os.type = ostype;
    if ((arch = virXMLPropString(type, "arch"))) {
        int a = virArchTypeFromString(arch);

        if (!ARCH_IS_X86(a)) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("architecture '%1$s' is not supported (supported: x86_64, i686)"),
                           arch);
            return -1;
        }
        def->os.arch = a;
    }
    def->os.machine = virXMLPropString(type, "machine");
    return 0;
}


static int
virDomainDefParseOS(virDomainDef *def, xmlNode *root)
{
    xmlNode *os = virXMLNodeChild(root, "os");
    xmlNode *cur;

    if (!os) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("an os <type> must be specified"));
        return -1;
    }
    if (virDomainDefParseOSType(def, os) < 0)
        return -1;
    def->os.kernel = virDomainXMLChildText(os, "kernel");
    def->os.initrd = virDomainXMLChildText(os, "initrd");
    def->os.cmdline = virDomainXMLChildText(os, "cmdline");

    for (cur = os->children; cur; cur = cur->next) {
        if (cur->type != XML_ELEMENT_NODE ||
            !xmlStrEqual(cur->name, BAD_CAST "boot"))
            continue;
        if (def->os.nBootDevs == VIR_DOMAIN_BOOT_DEVS_MAX) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("at most %1$d <boot> elements are supported"),
                           VIR_DOMAIN_BOOT_DEVS_MAX);
            return -1;
        }
        if (virDomainXMLPropEnum(cur, "dev", virDomainBoot, true,
                                 &def->os.bootDevs[def->os.nBootDevs]) < 0)
            return -1;
        def->os.nBootDevs++;
    }
    return 0;
}


/* ---- <features>, <cpu>, <clock>, lifecycle (in their own files) ---- */

static int
virDomainDefParseMisc(virDomainDef *def, xmlNode *root)
{
    if (virDomainFeaturesParse(def, root) < 0 ||
        virDomainCPUDefParse(def, root) < 0)
        return -1;
    return 0;
}


/* ---- post-parse defaults ---- */

static int
virDomainDefPostParse(virDomainDef *def,
                      const virDomainDefParserConfig *config)
{
    if (!def->os.arch)
        def->os.arch = config && config->defaultArch ? config->defaultArch
                                                     : VIR_ARCH_X86_64;
    if (config && config->machineResolve) {
        g_autofree char *machine = config->machineResolve(def->os.arch,
                                                          def->virtType,
                                                          def->os.machine,
                                                          config->opaque);
        if (!machine)
            return -1;
        g_free(def->os.machine);
        def->os.machine = g_steal_pointer(&machine);
    }
    if (!def->emulator && config && config->defaultEmulator)
        def->emulator = g_strdup(config->defaultEmulator);
    if (def->os.nBootDevs == 0 && !virDomainDefHasDeviceBoot(def)) {
        def->os.bootDevs[0] = VIR_DOMAIN_BOOT_DISK;
        def->os.nBootDevs = 1;
    }
    if (virDomainCPUDefPostParse(def, config) < 0)
        return -1;
    virDomainDevicesPostParse(def);
    if (config && config->addDefaultDevices &&
        config->addDefaultDevices(def, config->opaque) < 0)
        return -1;
    if (virDomainDefAddImplicitControllers(def) < 0)
        return -1;
    if (config && config->assignAddresses &&
        config->assignAddresses(def, config->opaque) < 0)
        return -1;
    return 0;
}


/* ---- parse entry points ---- */

/**
 * virDomainDefParseNode:
 * Parses the <domain> element @root (which may sit inside a larger
 * document, e.g. status XML) with @flags (virDomainDefParseFlags; schema
 * validation is only done by virDomainDefParseString).  @config supplies
 * defaults and machine-type resolution; NULL leaves the machine type as
 * written.  Returns a new definition the caller owns, or NULL with an
 * error reported.
 */
virDomainDef *
virDomainDefParseNode(xmlNode *root, const virDomainDefParserConfig *config,
                      unsigned int flags)
{
    g_autoptr(virDomainDef) def = NULL;
    xmlNode *devices;

    if (!root || !xmlStrEqual(root->name, BAD_CAST "domain")) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("expecting root element of 'domain'"));
        return NULL;
    }
    if (virDomainXMLCheckAllowed(root) < 0)
        return NULL;

    def = virDomainDefNew();
    if (virDomainDefParseIdentity(def, root, flags) < 0 ||
        virDomainDefParseMemory(def, root) < 0 ||
        virDomainDefParseVcpu(def, root) < 0 ||
        virDomainDefValidateVcpu(def) < 0 ||
        virDomainTuneParse(def, root) < 0 ||
        virDomainDefParseOS(def, root) < 0 ||
        virDomainDefParseMisc(def, root) < 0 ||
        virDomainGeneralParse(def, root, flags) < 0)
        return NULL;
    devices = virXMLNodeChild(root, "devices");
    if (devices) {
        def->emulator = virDomainXMLChildText(devices, "emulator");
        if (virDomainDevicesParse(def, devices, flags) < 0)
            return NULL;
    }
    if (flags & VIR_DOMAIN_DEF_PARSE_INACTIVE)
        virDomainChannelsDropDefaultPaths(def, config);
    if (virDomainDefPostParse(def, config) < 0 ||
        virDomainFeaturesValidate(def) < 0 ||
        virDomainCPUDefValidate(def) < 0 ||
        virDomainDevicesValidate(def) < 0 ||
        virDomainTuneValidate(def) < 0)
        return NULL;
    return g_steal_pointer(&def);
}


/**
 * virDomainDefParseString:
 * Parses the domain XML document @xml; see virDomainDefParseNode.  With
 * VIR_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA the document is first validated
 * against libvirt's domain.rng (VIR_ERR_XML_INVALID_SCHEMA on mismatch).
 * Returns a new definition the caller owns, or NULL with an error
 * reported (VIR_ERR_XML_ERROR for a malformed document).
 */
virDomainDef *
virDomainDefParseString(const char *xml,
                        const virDomainDefParserConfig *config,
                        unsigned int flags)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;

    if (!xml) {
        virReportError(VIR_ERR_XML_ERROR, "%s", _("empty domain definition"));
        return NULL;
    }
    if (!(doc = virXMLParseStringCtxt(xml, _("(domain_definition)"),
                                      "domain", &ctxt)))
        return NULL;
    if ((flags & VIR_DOMAIN_DEF_PARSE_VALIDATE_SCHEMA) &&
        virXMLValidateAgainstSchema(VIR_DOMAIN_SCHEMA_PATH, doc) < 0)
        return NULL;
    return virDomainDefParseNode(xmlDocGetRootElement(doc), config, flags);
}


/* ---- format ---- */

static void
virDomainDefFormatOS(virBuffer *buf, const virDomainDef *def)
{
    size_t i;

    virBufferAddLit(buf, "<os>\n");
    virBufferAdjustIndent(buf, 2);
    virBufferAddLit(buf, "<type");
    if (def->os.arch)
        virBufferAsprintf(buf, " arch='%s'", virArchTypeToString(def->os.arch));
    virBufferEscapeString(buf, " machine='%s'", def->os.machine);
    virBufferAsprintf(buf, ">%s</type>\n", virDomainOSTypeToString(def->os.type));
    virBufferEscapeString(buf, "<kernel>%s</kernel>\n", def->os.kernel);
    virBufferEscapeString(buf, "<initrd>%s</initrd>\n", def->os.initrd);
    virBufferEscapeString(buf, "<cmdline>%s</cmdline>\n", def->os.cmdline);
    for (i = 0; i < def->os.nBootDevs; i++)
        virBufferAsprintf(buf, "<boot dev='%s'/>\n",
                          virDomainBootTypeToString(def->os.bootDevs[i]));
    virDomainSmbiosModeFormat(buf, def);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</os>\n");
}


static void
virDomainDefFormatMisc(virBuffer *buf, const virDomainDef *def)
{
    virDomainFeaturesFormat(buf, def);
    virDomainCPUDefFormat(buf, def->cpu);
    virDomainClockLifecycleFormat(buf, def);
}


/**
 * virDomainDefFormatBuf:
 * Appends the XML of @def to @buf at its current indentation, with @flags
 * (virDomainDefFormatFlags): INACTIVE leaves out runtime data (also implied
 * when def->id is -1), SECURE includes the VNC password, MIGRATABLE leaves
 * out what only makes sense on this host (listen address taken from the
 * daemon config, pty paths, an automatically assigned VNC port), STATUS
 * adds private runtime attributes for status XML.
 * Returns 0, or -1 with an error reported for an unformattable @def.
 */
int
virDomainDefFormatBuf(virBuffer *buf, const virDomainDef *def,
                      unsigned int flags)
{
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    if (!def->name || def->virtType <= 0 || def->virtType >= VIR_DOMAIN_VIRT_LAST ||
        def->os.type <= 0 || def->os.type >= VIR_DOMAIN_OSTYPE_LAST) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("incomplete domain definition cannot be formatted"));
        return -1;
    }
    /* libvirt formats migratable XML from an inactive copy: no id, no
     * aliases, nothing that only this host knows */
    if (def->id == -1 || (flags & VIR_DOMAIN_DEF_FORMAT_MIGRATABLE))
        flags |= VIR_DOMAIN_DEF_FORMAT_INACTIVE;

    virBufferAsprintf(buf, "<domain type='%s'",
                      virDomainVirtTypeToString(def->virtType));
    if (!(flags & VIR_DOMAIN_DEF_FORMAT_INACTIVE))
        virBufferAsprintf(buf, " id='%d'", def->id);
    virBufferAddLit(buf, ">\n");
    virBufferAdjustIndent(buf, 2);
    virBufferEscapeString(buf, "<name>%s</name>\n", def->name);
    virBufferAsprintf(buf, "<uuid>%s</uuid>\n", virUUIDFormat(def->uuid, uuidstr));
    virBufferEscapeString(buf, "<title>%s</title>\n", def->title);
    virBufferEscapeString(buf, "<description>%s</description>\n",
                          def->description);
    if (virDomainMetadataFormat(buf, def) < 0)
        return -1;
    virBufferAsprintf(buf, "<memory unit='KiB'>%llu</memory>\n", def->memory);
    virBufferAsprintf(buf, "<currentMemory unit='KiB'>%llu</currentMemory>\n",
                      def->currentMemory);
    virDomainTuneFormat(buf, def);
    virDomainResourceFormat(buf, def);
    virDomainSysinfoFormat(buf, def);
    virDomainDefFormatOS(buf, def);
    virDomainDefFormatMisc(buf, def);
    virDomainDevicesFormat(buf, def, flags);
    virDomainSeclabelsFormat(buf, def);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</domain>\n");
    return 0;
}


/**
 * virDomainDefFormat:
 * Returns the XML of @def (see virDomainDefFormatBuf for @flags); caller
 * owns the result.  NULL with an error reported on failure.
 */
char *
virDomainDefFormat(const virDomainDef *def, unsigned int flags)
{
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;

    if (virDomainDefFormatBuf(&buf, def, flags) < 0)
        return NULL;
    return virBufferContentAndReset(&buf);
}


/**
 * virDomainDefFormatConvertXMLFlags:
 * Maps the public VIR_DOMAIN_XML_* flags of virDomainGetXMLDesc to
 * virDomainDefFormatFlags.  VIR_DOMAIN_XML_UPDATE_CPU has no effect here.
 */
unsigned int
virDomainDefFormatConvertXMLFlags(unsigned int xmlFlags)
{
    unsigned int flags = 0;

    if (xmlFlags & VIR_DOMAIN_XML_SECURE)
        flags |= VIR_DOMAIN_DEF_FORMAT_SECURE;
    if (xmlFlags & VIR_DOMAIN_XML_INACTIVE)
        flags |= VIR_DOMAIN_DEF_FORMAT_INACTIVE;
    if (xmlFlags & VIR_DOMAIN_XML_MIGRATABLE)
        flags |= VIR_DOMAIN_DEF_FORMAT_MIGRATABLE;
    return flags;
}


/**
 * virDomainDefCopy:
 * Returns a deep copy of @src that the caller owns, or NULL with an error
 * reported.  With @migratable the copy is what another host would get:
 * the persistent part only, as virDomainDefParse*(INACTIVE) of the
 * migratable XML (no id, aliases or other runtime data).
 */
virDomainDef *
virDomainDefCopy(const virDomainDef *src, bool migratable)
{
    unsigned int formatFlags = VIR_DOMAIN_DEF_FORMAT_SECURE;
    unsigned int parseFlags = 0;
    g_autofree char *xml = NULL;

    if (migratable) {
        formatFlags |= VIR_DOMAIN_DEF_FORMAT_INACTIVE |
                       VIR_DOMAIN_DEF_FORMAT_MIGRATABLE;
        parseFlags |= VIR_DOMAIN_DEF_PARSE_INACTIVE;
    } else {
        formatFlags |= VIR_DOMAIN_DEF_FORMAT_STATUS;
        parseFlags |= VIR_DOMAIN_DEF_PARSE_STATUS;
    }
    if (!(xml = virDomainDefFormat(src, formatFlags)))
        return NULL;
    return virDomainDefParseString(xml, NULL, parseFlags);
}
