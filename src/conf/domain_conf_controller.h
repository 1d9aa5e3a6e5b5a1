/*
 * domain_conf_controller.h: <controller> models and helpers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "domain_conf.h"

/* model='' of type='pci' (libvirt's names). */
typedef enum {
    VIR_DOMAIN_CONTROLLER_MODEL_PCI_ROOT = 0,
    VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT,
    VIR_DOMAIN_CONTROLLER_MODEL_PCI_BRIDGE,
    VIR_DOMAIN_CONTROLLER_MODEL_DMI_TO_PCI_BRIDGE,
    VIR_DOMAIN_CONTROLLER_MODEL_PCIE_ROOT_PORT,
    VIR_DOMAIN_CONTROLLER_MODEL_PCIE_TO_PCI_BRIDGE,
    VIR_DOMAIN_CONTROLLER_MODEL_PCI_LAST
} virDomainControllerModelPCI;
VIR_ENUM_DECL(virDomainControllerModelPCI);

/* <model name=''> of a PCI controller: the QEMU device. */
typedef enum {
    VIR_DOMAIN_CONTROLLER_PCI_MODEL_NAME_NONE = 0,
    VIR_DOMAIN_CONTROLLER_PCI_MODEL_NAME_PCI_BRIDGE,
    VIR_DOMAIN_CONTROLLER_PCI_MODEL_NAME_I82801B11_BRIDGE,
    VIR_DOMAIN_CONTROLLER_PCI_MODEL_NAME_IOH3420,
    VIR_DOMAIN_CONTROLLER_PCI_MODEL_NAME_PCIE_ROOT_PORT,
    VIR_DOMAIN_CONTROLLER_PCI_MODEL_NAME_PCIE_PCI_BRIDGE,
    VIR_DOMAIN_CONTROLLER_PCI_MODEL_NAME_LAST
} virDomainControllerPCIModelName;
VIR_ENUM_DECL(virDomainControllerPCIModelName);

typedef enum {
    VIR_DOMAIN_CONTROLLER_MODEL_USB_PIIX3_UHCI = 0,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_EHCI1,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI1,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI2,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_ICH9_UHCI3,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_NEC_XHCI,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_QEMU_XHCI,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_NONE,
    VIR_DOMAIN_CONTROLLER_MODEL_USB_LAST
} virDomainControllerModelUSB;
VIR_ENUM_DECL(virDomainControllerModelUSB);

typedef enum {
    VIR_DOMAIN_CONTROLLER_MODEL_SCSI_LSILOGIC = 0,
    VIR_DOMAIN_CONTROLLER_MODEL_SCSI_VIRTIO_SCSI,
    VIR_DOMAIN_CONTROLLER_MODEL_SCSI_LAST
} virDomainControllerModelSCSI;
VIR_ENUM_DECL(virDomainControllerModelSCSI);

/* Parses one <controller> element; caller owns the result, NULL with an
 * error reported. */
virDomainControllerDef *virDomainControllerDefParse(xmlNode *node,
                                                    unsigned int flags);
virDomainControllerDef *virDomainControllerDefNew(virDomainControllerType type,
                                                  unsigned int idx,
                                                  int model);
void virDomainControllerDefFormat(virBuffer *buf,
                                  const virDomainControllerDef *cont,
                                  unsigned int flags);
/* Adds @cont (steals it) where libvirt would insert it. */
void virDomainControllerInsert(virDomainDef *def,
                               virDomainControllerDef *cont);
/* The controller of @type and @idx; added with @model when missing. */
virDomainControllerDef *virDomainDefEnsureController(virDomainDef *def,
                                                     virDomainControllerType type,
                                                     unsigned int idx,
                                                     int model);
int virDomainControllersValidate(const virDomainDef *def);
const char *virDomainControllerModelToString(const virDomainControllerDef *cont);
bool virDomainControllerIsMigratableDefault(const virDomainDef *def,
                                            const virDomainControllerDef *cont);
char *virDomainControllerDefAlias(const virDomainDef *def,
                                  const virDomainControllerDef *cont);
