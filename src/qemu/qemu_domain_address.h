/*
 * qemu_domain_address.h: default controllers and device addresses
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What libvirt 9.0's QEMU driver does to a definition when it is parsed,
 * so the persistent XML already shows the guest's device tree: the
 * machine's implicit controllers (pci-root, pcie-root, the USB controller,
 * q35's SATA), PCI addresses for every PCI device (adding pcie-root-ports
 * or bridges where needed) and USB ports.  Both ends of a migration parse
 * the same XML, so they build the same tree.
 */
#pragma once

#include "domain_conf.h"

/* Connection types of libvirt's PCI address model. */
typedef enum {
    QEMU_PCI_CONNECT_AUTOASSIGN = 1 << 0,
    QEMU_PCI_CONNECT_AGGREGATE_SLOT = 1 << 1,
    QEMU_PCI_CONNECT_TYPE_PCI_DEVICE = 1 << 2,
    QEMU_PCI_CONNECT_TYPE_PCIE_DEVICE = 1 << 3,
    QEMU_PCI_CONNECT_TYPE_PCIE_ROOT_PORT = 1 << 4,
    QEMU_PCI_CONNECT_TYPE_DMI_TO_PCI_BRIDGE = 1 << 5,
    QEMU_PCI_CONNECT_TYPE_PCIE_TO_PCI_BRIDGE = 1 << 6,
    QEMU_PCI_CONNECT_TYPE_PCI_BRIDGE = 1 << 7,
} qemuPCIConnectFlags;

int qemuDomainDefAddDefaultDevices(virDomainDef *def, void *opaque);
int qemuDomainAssignAddresses(virDomainDef *def, void *opaque);
unsigned int qemuDomainDeviceConnectFlags(const virDomainDef *def,
                                          const virDomainDeviceDef *dev);
