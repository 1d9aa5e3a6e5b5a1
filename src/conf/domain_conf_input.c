/*
 * domain_conf_input.c: the <input> devices of a domain definition
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libvirt's QEMU driver gives every x86 guest a PS/2 mouse and keyboard
 * (<input type='mouse' bus='ps2'/>, <input type='keyboard' bus='ps2'/>):
 * they are part of the i440fx and q35 machines, so they need no QEMU
 * argument.  Like libvirt we add them when parsing, give them aliases
 * (input0 ...) in live XML, and leave the PS/2 keyboard out of migratable
 * XML (the destination adds it back).
 */
#include <config.h>

#define VIR_DOMAIN_CONF_PRIV_H_ALLOW
#include "domain_conf_priv.h"
#include "virerror.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

static const char *const virDomainInputTable[] = {
    [VIR_DOMAIN_INPUT_TYPE_NONE] = "none",
    [VIR_DOMAIN_INPUT_TYPE_MOUSE] = "mouse",
    [VIR_DOMAIN_INPUT_TYPE_TABLET] = "tablet",
    [VIR_DOMAIN_INPUT_TYPE_KBD] = "keyboard",
};
VIR_ENUM_IMPL_TABLE(virDomainInput, virDomainInputTable,
                    VIR_DOMAIN_INPUT_TYPE_LAST);

static const char *const virDomainInputBusTable[] = {
    [VIR_DOMAIN_INPUT_BUS_NONE] = "none",
    [VIR_DOMAIN_INPUT_BUS_PS2] = "ps2",
    [VIR_DOMAIN_INPUT_BUS_USB] = "usb",
    [VIR_DOMAIN_INPUT_BUS_VIRTIO] = "virtio",
};
VIR_ENUM_IMPL_TABLE(virDomainInputBus, virDomainInputBusTable,
                    VIR_DOMAIN_INPUT_BUS_LAST);

const virXMLAllowed virDomainXMLAllowedInput[] = {
    { "domain/devices/input", "type bus", VIR_XML_ALLOW_REPEAT },
    { "domain/devices/input/alias", "name", 0 },
    { "domain/devices/input/address", VIR_DOMAIN_DEVICE_ADDRESS_ATTRS, 0 },
    { NULL, NULL, 0 },
};


/* Frees an input definition; accepts NULL. */
void
virDomainInputDefFree(virDomainInputDef *def)
{
    if (!def)
        return;
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}


/**
 * virDomainInputDefParse:
 * Parses <input> @dev into a new entry of def->inputs.  A missing bus is
 * ps2 for a mouse or keyboard and usb for a tablet, as libvirt picks for
 * x86.  Returns 0 or -1 (reported).
 */
int
virDomainInputDefParse(virDomainDef *def, xmlNode *dev, unsigned int flags)
{
    g_autoptr(virDomainInputDef) input = g_new0(virDomainInputDef, 1);

    if (virDomainXMLPropEnum(dev, "type", virDomainInput, true,
                             &input->type) < 0 ||
        virDomainXMLPropEnum(dev, "bus", virDomainInputBus, false,
                             &input->bus) < 0)
        return -1;
    if (!input->bus)
        input->bus = input->type == VIR_DOMAIN_INPUT_TYPE_TABLET
                         ? VIR_DOMAIN_INPUT_BUS_USB
                         : VIR_DOMAIN_INPUT_BUS_PS2;
    if (virDomainDeviceInfoParseXML(dev, flags, &input->info) < 0)
        return -1;
    g_ptr_array_add(def->inputs, g_steal_pointer(&input));
    return 0;
}


static bool
virDomainInputsHave(const virDomainDef *def, virDomainInputType type,
                    virDomainInputBus bus)
{
    size_t i;

    for (i = 0; i < def->inputs->len; i++) {
        const virDomainInputDef *input = g_ptr_array_index(def->inputs, i);

        if (input->type == type && input->bus == bus)
            return true;
    }
    return false;
}


static void
virDomainInputsAddImplicit(virDomainDef *def, virDomainInputType type)
{
    virDomainInputDef *input;

    if (virDomainInputsHave(def, type, VIR_DOMAIN_INPUT_BUS_PS2))
        return;
    input = g_new0(virDomainInputDef, 1);
    input->type = type;
    input->bus = VIR_DOMAIN_INPUT_BUS_PS2;
    g_ptr_array_add(def->inputs, input);
}


/**
 * virDomainInputsPostParse:
 * Appends the PS/2 mouse and keyboard every x86 guest has, unless written.
 */
void
virDomainInputsPostParse(virDomainDef *def)
{
    virDomainInputsAddImplicit(def, VIR_DOMAIN_INPUT_TYPE_MOUSE);
    virDomainInputsAddImplicit(def, VIR_DOMAIN_INPUT_TYPE_KBD);
}


/**
 * virDomainInputsValidate:
 * PS/2 has one mouse and one keyboard port, and nothing else.  USB and
 * virtio input are command line matters (qemu_command_periph.c).
 * Returns 0 or -1 (reported).
 */
int
virDomainInputsValidate(const virDomainDef *def)
{
    bool seen[VIR_DOMAIN_INPUT_TYPE_LAST] = { false };
    size_t i;

    for (i = 0; i < def->inputs->len; i++) {
        const virDomainInputDef *input = g_ptr_array_index(def->inputs, i);

        if (input->bus != VIR_DOMAIN_INPUT_BUS_PS2)
            continue;
        if (input->type == VIR_DOMAIN_INPUT_TYPE_TABLET) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("ps2 bus does not support %1$s input device"),
                           virDomainInputTypeToString(input->type));
            return -1;
        }
        if (seen[input->type]) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("only one ps2 %1$s is supported"),
                           virDomainInputTypeToString(input->type));
            return -1;
        }
        seen[input->type] = true;
    }
    return 0;
}


/**
 * virDomainInputsFormat:
 * Appends the <input> elements.  Migratable XML leaves out the PS/2
 * keyboard, as libvirt does for older destinations.
 */
void
virDomainInputsFormat(virBuffer *buf, const virDomainDef *def,
                      unsigned int flags)
{
    size_t i;

    for (i = 0; i < def->inputs->len; i++) {
        const virDomainInputDef *input = g_ptr_array_index(def->inputs, i);
        g_auto(virBuffer) child = VIR_BUFFER_INITIALIZER;

        if ((flags & VIR_DOMAIN_DEF_FORMAT_MIGRATABLE) &&
            input->type == VIR_DOMAIN_INPUT_TYPE_KBD &&
            input->bus == VIR_DOMAIN_INPUT_BUS_PS2)
            continue;
        virBufferAsprintf(buf, "<input type='%s' bus='%s'",
                          virDomainInputTypeToString(input->type),
                          virDomainInputBusTypeToString(input->bus));
        virBufferAdjustIndent(&child, 2);
        virDomainDeviceInfoFormat(&child, &input->info, flags);
        if (!virBufferUse(&child)) {
            virBufferAddLit(buf, "/>\n");
            continue;
        }
        virBufferAddLit(buf, ">\n");
        virBufferAddBuffer(buf, &child);
        virBufferAddLit(buf, "</input>\n");
    }
}


/* inputN by position, as libvirt's QEMU driver names them. */
void
virDomainInputsAssignAliases(virDomainDef *def)
{
    size_t i;

    for (i = 0; i < def->inputs->len; i++) {
        virDomainInputDef *input = g_ptr_array_index(def->inputs, i);

        if (!input->info.alias)
            input->info.alias = g_strdup_printf("input%zu", i);
    }
}

