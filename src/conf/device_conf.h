/*
 * device_conf.h: device addresses and aliases (libvirt's virDomainDeviceInfo)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every device of a domain embeds one virDomainDeviceInfo: its alias (the
 * QEMU device id) and its address on a bus (<address type='pci' .../>,
 * 'drive', 'usb', 'virtio-serial', 'isa'), plus the per-device boot order.
 * The migration stream only loads when both QEMUs built the same device
 * tree, so the address a device got on the source travels in the XML and
 * is honoured on the destination.
 *
 * How a device type plugs in (see also virDomainDeviceInfoIterate in
 * domain_conf.h):
 *
 *   1. embed "virDomainDeviceInfo info;" in the device struct, and call
 *      virDomainDeviceInfoClear(&dev->info) from its Free function;
 *   2. parse: virDomainDeviceInfoParseXML(node, flags, &dev->info) once the
 *      device element is known (it reads <alias>, <address>, <boot>);
 *      add "alias", "address" (VIR_DOMAIN_DEVICE_ADDRESS_ATTRS) and, where
 *      libvirt allows it, "boot" rows for the element in the allowed-XML
 *      table of domain_conf.c;
 *   3. format: virDomainDeviceInfoFormat(buf, &dev->info, flags) at the
 *      place libvirt puts it: after the device's own children, as the last
 *      children of the element (boot, alias, address in that order);
 *   4. add one row to virDomainDeviceDescTable in domain_conf_address.c so
 *      the iterator, the alias and address checks and the address
 *      assignment (qemu_domain_address.c) see the device;
 *   5. the QEMU command line uses qemuBuildDeviceAddress() and info.alias
 *      as the -device id.
 */
#pragma once

#include "internal.h"
#include "virbuffer.h"
#include "virenum.h"

#include <libxml/tree.h>

typedef enum {
    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_NONE = 0,
    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_PCI,
    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_DRIVE,
    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_VIRTIO_SERIAL,
    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_USB,
    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_ISA,
    VIR_DOMAIN_DEVICE_ADDRESS_TYPE_LAST
} virDomainDeviceAddressType;
VIR_ENUM_DECL(virDomainDeviceAddress);

/* Every attribute <address> may carry, for the allowed-XML tables. */
#define VIR_DOMAIN_DEVICE_ADDRESS_ATTRS \
    "type domain bus slot function multifunction controller target unit " \
    "port iobase irq"

/* libvirt's limits of a PCI address (bus <= 0xff, slot <= 0x1f, ...). */
#define VIR_PCI_ADDRESS_BUS_MAX 0xff
#define VIR_PCI_ADDRESS_SLOT_MAX 0x1f
#define VIR_PCI_ADDRESS_FUNCTION_MAX 7

typedef struct _virPCIDeviceAddress virPCIDeviceAddress;
struct _virPCIDeviceAddress {
    unsigned int domain;
    unsigned int bus;
    unsigned int slot;
    unsigned int function;
    int multi;                  /* virTristateSwitch: multifunction='' */
};

typedef struct _virDomainDeviceDriveAddress virDomainDeviceDriveAddress;
struct _virDomainDeviceDriveAddress {
    unsigned int controller;
    unsigned int bus;
    unsigned int target;
    unsigned int unit;
};

typedef struct _virDomainDeviceVirtioSerialAddress
    virDomainDeviceVirtioSerialAddress;
struct _virDomainDeviceVirtioSerialAddress {
    unsigned int controller;
    unsigned int bus;
    unsigned int port;
};

/* A USB port path "1.2.3": port[0] = 1, port[1] = 2 ...; unused entries 0
 * (port numbers start at 1). */
#define VIR_DOMAIN_DEVICE_USB_MAX_PORT_DEPTH 4
typedef struct _virDomainDeviceUSBAddress virDomainDeviceUSBAddress;
struct _virDomainDeviceUSBAddress {
    unsigned int bus;
    unsigned int port[VIR_DOMAIN_DEVICE_USB_MAX_PORT_DEPTH];
};

typedef struct _virDomainDeviceISAAddress virDomainDeviceISAAddress;
struct _virDomainDeviceISAAddress {
    unsigned int iobase;        /* 0: not set */
    unsigned int irq;           /* 0: not set */
};

typedef struct _virDomainDeviceInfo virDomainDeviceInfo;
struct _virDomainDeviceInfo {
    /* The QEMU device id.  A user alias ("ua-" + [a-zA-Z0-9_-]) is part of
     * the persistent config; any other alias is generated when the domain
     * starts and only appears in live XML. */
    char *alias;
    virDomainDeviceAddressType type;
    union {
        virPCIDeviceAddress pci;
        virDomainDeviceDriveAddress drive;
        virDomainDeviceVirtioSerialAddress vioserial;
        virDomainDeviceUSBAddress usb;
        virDomainDeviceISAAddress isa;
    } addr;
    unsigned int bootIndex;     /* <boot order=''/>, 0: none */
    bool usbMaster;             /* USB companion controller: */
    unsigned int usbMasterStartport; /* <master startport=''/> */
};

/* Frees what @info holds and zeroes it (the struct itself is embedded). */
void virDomainDeviceInfoClear(virDomainDeviceInfo *info);
void virDomainDeviceInfoCopy(virDomainDeviceInfo *dst,
                             const virDomainDeviceInfo *src);

bool virDomainDeviceAliasIsUserAlias(const char *alias);

int virDomainDeviceInfoParseXML(xmlNode *dev, unsigned int flags,
                                virDomainDeviceInfo *info);
void virDomainDeviceInfoFormat(virBuffer *buf,
                               const virDomainDeviceInfo *info,
                               unsigned int flags);
/* Formats only <address> (for callers that place <alias> themselves). */
void virDomainDeviceAddressFormat(virBuffer *buf,
                                  const virDomainDeviceInfo *info);

bool virPCIDeviceAddressIsEmpty(const virPCIDeviceAddress *addr);
bool virDomainDeviceInfoHasPCIAddress(const virDomainDeviceInfo *info);
bool virDomainDeviceInfoAddressIsEqual(const virDomainDeviceInfo *a,
                                       const virDomainDeviceInfo *b);
/* "0000:00:04.0"; caller owns the result. */
char *virPCIDeviceAddressAsString(const virPCIDeviceAddress *addr);
void virDomainDeviceInfoSetPCI(virDomainDeviceInfo *info, unsigned int bus,
                               unsigned int slot, unsigned int function);
