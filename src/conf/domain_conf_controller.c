/*
 * domain_conf_controller.c: <controller> elements
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * IDE, SATA, SCSI, virtio-serial, USB and PCI controllers: parsing,
 * formatting and where a controller goes in the list (libvirt keeps the
 * controllers of one type together, sorted by index).
 */
#include <config.h>

#define VIR_DOMAIN_CONF_PRIV_H_ALLOW
#include "domain_conf_priv.h"
#include "domain_conf_controller.h"
#include "virerror.h"
#include "virlog.h"
#include "virxml.h"
#include "virxmlcheck.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

VIR_LOG_INIT("conf.domain_conf_controller");

static const char *const virDomainControllerTable[] = {
    [VIR_DOMAIN_CONTROLLER_TYPE_NONE] = "none",
    [VIR_DOMAIN_CONTROLLER_TYPE_IDE] = "ide",
    [VIR_DOMAIN_CONTROLLER_TYPE_SCSI] = "scsi",
    [VIR_DOMAIN_CONTROLLER_TYPE_SATA] = "sata",
    [VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL] = "virtio-serial",
    [VIR_DOMAIN_CONTROLLER_TYPE_USB] = "usb",
    [VIR_DOMAIN_CONTROLLER_TYPE_PCI] = "pci",
};
VIR_ENUM_IMPL_TABLE(virDomainController, virDomainControllerTable,
                    VIR_DOMAIN_CONTROLLER_TYPE_LAST);

static const char *const virDomainControllerModelPCITable[] = {
    [VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT] = "pci-root",
    [VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT] = "pcie-root",
    [VIR_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE] = "pci-bridge",
    [VIR_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE] = "dmi-to-pci-bridge",
    [VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT] = "pcie-root-port",
    [VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE] = "pcie-to-pci-bridge",
};
VIR_ENUM_IMPL_TABLE(virDomainControllerModelPCI,
                    virDomainControllerModelPCITable,
                    VIR_DOMAIN_CONTROLLER_MODEL_PCI_LAST);

static const char *const virDomainControllerPCIModelNameTable[] = {
    [VIR_DOMAIN_CONTROLLER_PCI_MODEL_NAME_NONE] = "none",
    [VIR_DOMAIN_CONTROLLER_PCI_MODEL_NAME_PCI_BRIDGE] = "pci-bridge",
    [VIR_DOMAIN_CONTROLLER_PCI_MODEL_NAME_I82801B11_BRIDGE] = "i82801b11-bridge",
    [VIR_DOMAIN_CONTROLLER_PCI_MODEL_NAME_IOH3420] = "ioh3420",
    [VIR_DOMAIN_CONTROLLER_PCI_MODEL_NAME_PCIE_ROOT_PORT] = "pcie-root-port",
    [VIR_DOMAIN_CONTROLLER_PCI_MODEL_NAME_PCIE_PCI_BRIDGE] = "pcie-pci-bridge",
};
VIR_ENUM_IMPL_TABLE(virDomainControllerPCIModelName,
                    virDomainControllerPCIModelNameTable,
                    VIR_DOMAIN_CONTROLLER_PCI_MODEL_NAME_LAST);

static const char *const virDomainControllerModelUSBTable[] = {
    [VIR_DOMAIN_CONTROLLER_MODEL_USB_PIIX3_UHCI] = "piix3-uhci",
    [VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_EHCI1] = "ich9-ehci1",
    [VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI1] = "ich9-uhci1",
    [VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI2] = "ich9-uhci2",
    [VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI3] = "ich9-uhci3",
    [VIR_DOMAIN_CONTROLLER_MODEL_USB_NEC_XHCI] = "nec-xhci",
    [VIR_DOMAIN_CONTROLLER_MODEL_USB_QEMU_XHCI] = "qemu-xhci",
    [VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE] = "none",
};
VIR_ENUM_IMPL_TABLE(virDomainControllerModelUSB,
                    virDomainControllerModelUSBTable,
                    VIR_DOMAIN_CONTROLLER_MODEL_USB_LAST);

static const char *const virDomainControllerModelSCSITable[] = {
    [VIR_DOMAIN_CONTROLLER_MODEL_SCSI_LSILOGIC] = "lsilogic",
    [VIR_DOMAIN_CONTROLLER_MODEL_SCSI_VIRTIO_SCSI] = "virtio-scsi",
};
VIR_ENUM_IMPL_TABLE(virDomainControllerModelSCSI,
                    virDomainControllerModelSCSITable,
                    VIR_DOMAIN_CONTROLLER_MODEL_SCSI_LAST);


/* Frees a controller definition; accepts NULL. */
void
virDomainControllerDefFree(virDomainControllerDef *def)
{
    if (!def)
        return;
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}


/**
 * virDomainControllerDefNew:
 * A controller of @type, index @idx and @model (-1: none) with nothing
 * else set; caller owns it.
 */
virDomainControllerDef *
virDomainControllerDefNew(virDomainControllerType type, unsigned int idx,
                          int model)
{
    virDomainControllerDef *cont = g_new0(virDomainControllerDef, 1);

    cont->type = type;
    cont->idx = idx;
    cont->model = model;
    cont->ports = -1;
    cont->pci.chassisNr = -1;
    cont->pci.chassis = -1;
    cont->pci.port = -1;
    cont->pci.busNr = -1;
    return cont;
}


/* The model string table of a controller type, or NULL (no models). */
static const char *const *
virDomainControllerModelTable(virDomainControllerType type, size_t *n)
{
    switch (type) {
    case VIR_DOMAIN_CONTROLLER_TYPE_PCI:
        *n = G_N_ELEMENTS(virDomainControllerModelPCITable);
        return virDomainControllerModelPCITable;
    case VIR_DOMAIN_CONTROLLER_TYPE_USB:
        *n = G_N_ELEMENTS(virDomainControllerModelUSBTable);
        return virDomainControllerModelUSBTable;
    case VIR_DOMAIN_CONTROLLER_TYPE_SCSI:
        *n = G_N_ELEMENTS(virDomainControllerModelSCSITable);
        return virDomainControllerModelSCSITable;
    case VIR_DOMAIN_CONTROLLER_TYPE_IDE:
    case VIR_DOMAIN_CONTROLLER_TYPE_SATA:
    case VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL:
    case VIR_DOMAIN_CONTROLLER_TYPE_NONE:
    case VIR_DOMAIN_CONTROLLER_TYPE_LAST:
    default:
        *n = 0;
        return NULL;
    }
}


/**
 * virDomainControllerModelToString:
 * The model='' value of @cont, or NULL when it has none.
 */
const char *
virDomainControllerModelToString(const virDomainControllerDef *cont)
{
    size_t n = 0;
    const char *const *table = virDomainControllerModelTable(cont->type, &n);

    if (!table || cont->model < 0 || (size_t)cont->model >= n)
        return NULL;
    return table[cont->model];
}


static int
virDomainControllerParseModel(virDomainControllerDef *cont, xmlNode *node)
{
    g_autofree char *model = virXMLPropString(node, "model");
    g_autoptr(GString) supported = g_string_new(NULL);
    size_t n = 0;
    const char *const *table = virDomainControllerModelTable(cont->type, &n);
    size_t i;

    if (!model)
        return 0;
    for (i = 0; i < n; i++) {
        if (STREQ(model, table[i])) {
            cont->model = i;
            return 0;
        }
        g_string_append_printf(supported, "%s%s", i ? ", " : "", table[i]);
    }
    virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                   _("value '%1$s' of attribute 'model' of element 'controller' type '%2$s' is not supported (supported: %3$s)"),
                   model, virDomainControllerTypeToString(cont->type),
                   n ? supported->str : "none");
    return -1;
}


static int
virDomainControllerParsePCI(virDomainControllerDef *cont, xmlNode *node)
{
    xmlNode *model = virXMLNodeChild(node, "model");
    xmlNode *target = virXMLNodeChild(node, "target");

    if (model && virDomainXMLPropEnum(model, "name",
                                      virDomainControllerPCIModelName, true,
                                      &cont->pci.modelName) < 0)
        return -1;
    if (!target)
        return 0;
    if (virDomainXMLPropInt(target, "chassisNr", false,
                            &cont->pci.chassisNr) < 0 ||
        virDomainXMLPropInt(target, "chassis", false,
                            &cont->pci.chassis) < 0 ||
        virDomainXMLPropInt(target, "busNr", false, &cont->pci.busNr) < 0)
        return -1;
    if (xmlHasProp(target, BAD_CAST "port")) {
        g_autofree char *port = virXMLPropString(target, "port");
        guint64 v = 0;

        bool hex = STRPREFIX(port, "0x") || STRPREFIX(port, "0X");

        if (!g_ascii_string_to_unsigned(port + (hex ? 2 : 0), hex ? 16 : 10,
                                        0, 255, &v, NULL)) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("Invalid value for attribute '%1$s' in element '%2$s': '%3$s'. Expected non-negative integer value"),
                           "port", "target", port);
            return -1;
        }
        cont->pci.port = v;
    }
    return 0;
}


/**
 * virDomainControllerDefParse:
 * Parses <controller type='' index='' model='' ports=''> with its PCI
 * <model name=''>/<target>, alias, address and USB <master>.  A missing
 * index is -1 until virDomainControllerInsert picks the next free one.
 * Caller owns the result; NULL with an error reported.
 */
virDomainControllerDef *
virDomainControllerDefParse(xmlNode *node, unsigned int flags)
{
    g_autoptr(virDomainControllerDef) cont = NULL;
    virDomainControllerType type = VIR_DOMAIN_CONTROLLER_TYPE_IDE;
    int idx = -1;

    if (virDomainXMLPropEnum(node, "type", virDomainController, false,
                             &type) < 0 ||
        virDomainXMLPropInt(node, "index", false, &idx) < 0)
        return NULL;
    if (xmlHasProp(node, BAD_CAST "index") && idx < 0) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("Invalid value for attribute '%1$s' in element '%2$s': '%3$d'. Expected non-negative value"),
                       "index", "controller", idx);
        return NULL;
    }
    cont = virDomainControllerDefNew(type, 0, -1);
    cont->idx = idx;
    if (virDomainControllerParseModel(cont, node) < 0 ||
        virDomainXMLPropInt(node, "ports", false, &cont->ports) < 0)
        return NULL;
    if (type == VIR_DOMAIN_CONTROLLER_TYPE_PCI &&
        virDomainControllerParsePCI(cont, node) < 0)
        return NULL;
    if (virDomainDeviceInfoParseXML(node, flags, &cont->info) < 0)
        return NULL;
    return g_steal_pointer(&cont);
}


static void
virDomainControllerFormatPCI(virBuffer *buf,
                             const virDomainControllerDef *cont)
{
    const virDomainControllerPCIOpts *pci = &cont->pci;
    g_auto(virBuffer) attrs = VIR_BUFFER_INITIALIZER;

    if (pci->modelName > 0)
        virBufferAsprintf(buf, "<model name='%s'/>\n",
                          virDomainControllerPCIModelNameTypeToString(pci->modelName));
    if (pci->chassisNr != -1)
        virBufferAsprintf(&attrs, " chassisNr='%d'", pci->chassisNr);
    if (pci->chassis != -1)
        virBufferAsprintf(&attrs, " chassis='%d'", pci->chassis);
    if (pci->port != -1)
        virBufferAsprintf(&attrs, " port='0x%x'", pci->port);
    if (pci->busNr != -1)
        virBufferAsprintf(&attrs, " busNr='%d'", pci->busNr);
    if (virBufferUse(&attrs)) {
        g_autofree char *str = virBufferContentAndReset(&attrs);

        virBufferAsprintf(buf, "<target%s/>\n", str);
    }
}


/**
 * virDomainControllerDefFormat:
 * Appends @cont in libvirt's shape; an element without children is
 * written as an empty element.
 */
void
virDomainControllerDefFormat(virBuffer *buf,
                             const virDomainControllerDef *cont,
                             unsigned int flags)
{
    g_auto(virBuffer) child = VIR_BUFFER_INITIALIZER;
    const char *model = virDomainControllerModelToString(cont);

    virBufferAsprintf(buf, "<controller type='%s' index='%d'",
                      virDomainControllerTypeToString(cont->type), cont->idx);
    if (model)
        virBufferAsprintf(buf, " model='%s'", model);
    if (cont->ports != -1)
        virBufferAsprintf(buf, " ports='%d'", cont->ports);

    virBufferAdjustIndent(&child, 2);
    if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI)
        virDomainControllerFormatPCI(&child, cont);
    virDomainDeviceInfoFormat(&child, &cont->info, flags);
    if (!virBufferUse(&child)) {
        virBufferAddLit(buf, "/>\n");
        return;
    }
    virBufferAddLit(buf, ">\n");
    virBufferAddBuffer(buf, &child);
    virBufferAddLit(buf, "</controller>\n");
}


/**
 * virDomainControllerInsert:
 * Adds @cont (steals it) to @def as libvirt does: before the first
 * controller of the same type with a higher index, else after the last
 * one of its type, else at the end.  An index of -1 becomes one past the
 * highest of its type.
 */
void
virDomainControllerInsert(virDomainDef *def, virDomainControllerDef *cont)
{
    GPtrArray *list = def->controllers;
    int insertAt = -1;
    int maxIdx = -1;
    int i;

    for (i = 0; i < (int)list->len; i++) {
        virDomainControllerDef *cur = g_ptr_array_index(list, i);

        if (cur->type == cont->type && cur->idx > maxIdx)
            maxIdx = cur->idx;
    }
    if (cont->idx < 0)
        cont->idx = maxIdx + 1;
    for (i = (int)list->len - 1; i >= 0; i--) {
        virDomainControllerDef *cur = g_ptr_array_index(list, i);

        if (cur->type != cont->type)
            continue;
        if (cur->idx > cont->idx)
            insertAt = i;
        else if (insertAt == -1)
            insertAt = i + 1;
    }
    if (insertAt == -1)
        g_ptr_array_add(list, cont);
    else
        g_ptr_array_insert(list, insertAt, cont);
}


/**
 * virDomainDefEnsureController:
 * Returns the controller of @type and @idx, adding one with @model (an
 * implicit controller, as libvirt adds them) when there is none.
 */
virDomainControllerDef *
virDomainDefEnsureController(virDomainDef *def, virDomainControllerType type,
                             unsigned int idx, int model)
{
    virDomainControllerDef *cont = virDomainDefFindController(def, type, idx);

    if (cont)
        return cont;
    cont = virDomainControllerDefNew(type, idx, model);
    virDomainControllerInsert(def, cont);
    return cont;
}


/**
 * virDomainControllersValidate:
 * Refuses two controllers of one type with the same index, with
 * libvirt's message.  Returns 0 or -1 (reported).
 */
int
virDomainControllersValidate(const virDomainDef *def)
{
    size_t i;
    size_t j;

    for (i = 0; i < def->controllers->len; i++) {
        virDomainControllerDef *a = g_ptr_array_index(def->controllers, i);

        /* USB companions share the index of their EHCI */
        if (a->type == VIR_DOMAIN_CONTROLLER_TYPE_USB)
            continue;
        for (j = i + 1; j < def->controllers->len; j++) {
            virDomainControllerDef *b = g_ptr_array_index(def->controllers, j);

            if (a->type == b->type && a->idx == b->idx) {
                virReportError(VIR_ERR_XML_ERROR,
                               _("Multiple '%1$s' controllers with index '%2$d'"),
                               virDomainControllerTypeToString(a->type),
                               a->idx);
                return -1;
            }
        }
    }
    return 0;
}


/* The controller type whose bus a disk on @bus sits on, or NONE. */
static virDomainControllerType
virDomainDiskBusController(virDomainDiskBus bus)
{
    switch (bus) {
    case VIR_DOMAIN_DISK_BUS_IDE:
        return VIR_DOMAIN_CONTROLLER_TYPE_IDE;
    case VIR_DOMAIN_DISK_BUS_SATA:
        return VIR_DOMAIN_CONTROLLER_TYPE_SATA;
    case VIR_DOMAIN_DISK_BUS_SCSI:
        return VIR_DOMAIN_CONTROLLER_TYPE_SCSI;
    case VIR_DOMAIN_DISK_BUS_USB:
    case VIR_DOMAIN_DISK_BUS_NONE:
    case VIR_DOMAIN_DISK_BUS_VIRTIO:
    case VIR_DOMAIN_DISK_BUS_LAST:
    default:
        return VIR_DOMAIN_CONTROLLER_TYPE_NONE;
    }
}


/* The highest controller index the devices may imply: a disk target
 * such as 'hdzzzz' maps to an IDE controller in the millions, each one
 * added here (the fuzzer's 23 s for one definition). */
#define VIR_DOMAIN_IMPLICIT_CONTROLLER_MAX 255


/**
 * virDomainDefAddImplicitControllers:
 * Adds, as libvirt does when parsing, the controllers the devices refer
 * to: for disks with a drive address, every controller of their bus's
 * type up to the highest one used (model left to the hypervisor).
 * Returns 0, or -1 (VIR_ERR_CONFIG_UNSUPPORTED) when a disk's address
 * needs a controller above VIR_DOMAIN_IMPLICIT_CONTROLLER_MAX.
 */
int
virDomainDefAddImplicitControllers(virDomainDef *def)
{
    static const virDomainControllerType order[] = {
        VIR_DOMAIN_CONTROLLER_TYPE_SCSI, VIR_DOMAIN_CONTROLLER_TYPE_IDE,
        VIR_DOMAIN_CONTROLLER_TYPE_SATA,
        VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL,
    };
    int maxCont[VIR_DOMAIN_CONTROLLER_TYPE_LAST];
    size_t i;
    int t;
    int c;

    for (t = 0; t < VIR_DOMAIN_CONTROLLER_TYPE_LAST; t++)
        maxCont[t] = -1;
    for (i = 0; i < def->disks->len; i++) {
        virDomainDiskDef *disk = g_ptr_array_index(def->disks, i);

        t = virDomainDiskBusController(disk->bus);
        if (t == VIR_DOMAIN_CONTROLLER_TYPE_NONE ||
            disk->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE)
            continue;
        if (disk->info.addr.drive.controller > VIR_DOMAIN_IMPLICIT_CONTROLLER_MAX) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("disk '%1$s' needs %2$s controller %3$u, more than the %4$d supported"),
                           disk->dst, virDomainControllerTypeToString(t),
                           disk->info.addr.drive.controller,
                           VIR_DOMAIN_IMPLICIT_CONTROLLER_MAX + 1);
            return -1;
        }
        maxCont[t] = MAX(maxCont[t], (int)disk->info.addr.drive.controller);
    }
    for (i = 0; i < def->channels->len; i++) {
        virDomainChannelDef *chan = g_ptr_array_index(def->channels, i);

        if (chan->info.type != VIR_DOMAIN_DEVICE_ADDRESS_TYPE_VIRTIO_SERIAL)
            continue;
        if (chan->info.addr.vioserial.controller > VIR_DOMAIN_IMPLICIT_CONTROLLER_MAX) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("a channel needs virtio-serial controller %1$u, more than the %2$d supported"),
                           chan->info.addr.vioserial.controller,
                           VIR_DOMAIN_IMPLICIT_CONTROLLER_MAX + 1);
            return -1;
        }
        maxCont[VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL] =
            MAX(maxCont[VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL],
                (int)chan->info.addr.vioserial.controller);
    }
    /* libvirt's order: SCSI, IDE, SATA, virtio-serial */
    for (i = 0; i < G_N_ELEMENTS(order); i++) {
        for (c = 0; c <= maxCont[order[i]]; c++)
            virDomainDefEnsureController(def, order[i], c, -1);
    }
    return 0;
}


static bool
virDomainDefIsQ35(const virDomainDef *def)
{
    return def->os.machine && (STREQ(def->os.machine, "q35") ||
                               STRPREFIX(def->os.machine, "pc-q35-"));
}


/* The only controller of @type in @def, or NULL (none or several). */
static const virDomainControllerDef *
virDomainDefSoleController(const virDomainDef *def, virDomainControllerType type)
{
    const virDomainControllerDef *found = NULL;
    size_t i;

    for (i = 0; i < def->controllers->len; i++) {
        const virDomainControllerDef *cont = g_ptr_array_index(def->controllers, i);

        if (cont->type != type)
            continue;
        if (found)
            return NULL;
        found = cont;
    }
    return found;
}


/**
 * virDomainControllerIsMigratableDefault:
 * Whether migratable XML leaves @cont out, as libvirt's QEMU driver does
 * for older destinations that add them on their own: the only USB
 * controller of an i440fx guest when it is index 0 with the default
 * (piix3-uhci) model, and the only PCI controller when it is the
 * pci-root; neither with a user alias.
 */
bool
virDomainControllerIsMigratableDefault(const virDomainDef *def,
                                       const virDomainControllerDef *cont)
{
    if (cont->idx != 0 || virDomainDeviceAliasIsUserAlias(cont->info.alias) ||
        virDomainDefSoleController(def, cont->type) != cont)
        return false;
    if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_USB)
        return def->os.machine &&
            (STREQ(def->os.machine, "pc") ||
             STRPREFIX(def->os.machine, "pc-i440fx-")) &&
            (cont->model == -1 ||
             cont->model == VIR_DOMAIN_CONTROLLER_MODEL_USB_PIIX3_UHCI);
    if (cont->type == VIR_DOMAIN_CONTROLLER_TYPE_PCI)
        return cont->model == VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT;
    return false;
}


/**
 * virDomainControllerDefAlias:
 * The QEMU id libvirt gives @cont: pci.N (the root bus pci.0 or pcie.0),
 * "usb" for USB controller 0, "ide" for the built-in IDE of i440fx or
 * SATA of q35, TYPE + index for the others.  Caller owns the result.
 */
char *
virDomainControllerDefAlias(const virDomainDef *def,
                            const virDomainControllerDef *cont)
{
    switch (cont->type) {
    case VIR_DOMAIN_CONTROLLER_TYPE_PCI:
        if (cont->model == VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT)
            return g_strdup("pcie.0");
        return g_strdup_printf("pci.%d", cont->idx);
    case VIR_DOMAIN_CONTROLLER_TYPE_USB:
        if (cont->idx == 0)
            return g_strdup("usb");
        break;
    case VIR_DOMAIN_CONTROLLER_TYPE_IDE:
        if (cont->idx == 0 && !virDomainDefIsQ35(def))
            return g_strdup("ide");
        break;
    case VIR_DOMAIN_CONTROLLER_TYPE_SATA:
        if (cont->idx == 0 && virDomainDefIsQ35(def))
            return g_strdup("ide");
        break;
    case VIR_DOMAIN_CONTROLLER_TYPE_SCSI:
    case VIR_DOMAIN_CONTROLLER_TYPE_VIRTIO_SERIAL:
    case VIR_DOMAIN_CONTROLLER_TYPE_NONE:
    case VIR_DOMAIN_CONTROLLER_TYPE_LAST:
    default:
        break;
    }
    return g_strdup_printf("%s%d", virDomainControllerTypeToString(cont->type),
                           cont->idx);
}
