/*
 * qemu_command_net.c: -netdev and -device of a domain's interfaces
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * As libvirt 9.0 writes them: a "user" netdev, or a "tap" netdev whose fd
 * the daemon opened (qemu_interface.c) and QEMU inherits; the NIC device
 * with id netN, netdev hostnetN, the MAC, host_mtu for virtio, the boot
 * index and its PCI address.  A link that is down is set after start over
 * QMP (set_link), as libvirt does, not on the command line.
 */
#include <config.h>

#define QEMU_COMMAND_PRIV_H_ALLOW
#include "qemu_command_priv.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_command_net");


static const char *
qemuNetModelDriver(virDomainNetModel model)
{
    switch (model) {
    case VIR_DOMAIN_NET_MODEL_VIRTIO:
        return "virtio-net-pci";
    case VIR_DOMAIN_NET_MODEL_E1000:
        return "e1000";
    case VIR_DOMAIN_NET_MODEL_E1000E:
        return "e1000e";
    case VIR_DOMAIN_NET_MODEL_RTL8139:
    case VIR_DOMAIN_NET_MODEL_NONE:
    case VIR_DOMAIN_NET_MODEL_LAST:
    default:
        return "rtl8139";
    }
}


/* The -netdev of interface @idx; NULL with an error when a tap interface
 * has no fd (from the params, or b->hotplugTapFd). */
static json_object *
qemuBuildHostNetProps(qemuCommandBuilder *b, const virDomainNetDef *net,
                      size_t idx)
{
    const qemuCommandParams *params = b->params;
    g_autofree char *hostnet = g_strdup_printf("host%s", net->info.alias);
    json_object *netdev = json_object_new_object();
    int fd = params && idx < params->ntapfds ? params->tapfds[idx] : -1;
    g_autofree char *fdstr = NULL;

    switch (net->type) {
    case VIR_DOMAIN_NET_TYPE_USER:
        qemuJSONAddString(netdev, "type", "user");
        break;
    case VIR_DOMAIN_NET_TYPE_BRIDGE:
    case VIR_DOMAIN_NET_TYPE_ETHERNET:
        fdstr = b->hotplugTapFd ? g_strdup(b->hotplugTapFd)
                                : g_strdup_printf("%d", fd);
        if (fd < 0 && !b->hotplugTapFd) {
            json_object_put(netdev);
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("no tap device opened for interface '%1$s'"),
                           net->info.alias);
            return NULL;
        }
        qemuJSONAddString(netdev, "type", "tap");
        qemuJSONAddString(netdev, "fd", fdstr);
        break;
    case VIR_DOMAIN_NET_TYPE_NETWORK:
    case VIR_DOMAIN_NET_TYPE_NONE:
    case VIR_DOMAIN_NET_TYPE_LAST:
    default:
        json_object_put(netdev);
        virReportEnumRangeError(virDomainNetType, net->type);
        return NULL;
    }
    qemuJSONAddString(netdev, "id", hostnet);
    return netdev;
}


static int
qemuBuildNicDevice(qemuCommandBuilder *b, const virDomainNetDef *net,
                   bool first)
{
    g_autofree char *hostnet = g_strdup_printf("host%s", net->info.alias);
    char mac[VIR_MAC_STRING_BUFLEN];
    json_object *dev = qemuDeviceNew(qemuNetModelDriver(net->model));

    if (net->mtu && net->model == VIR_DOMAIN_NET_MODEL_VIRTIO)
        qemuJSONAddInt(dev, "host_mtu", net->mtu);
    qemuJSONAddString(dev, "netdev", hostnet);
    qemuJSONAddString(dev, "id", net->info.alias);
    qemuJSONAddString(dev, "mac", virDomainMacFormat(net->mac, mac));
    if (b->deviceBoot && net->info.bootIndex)
        qemuJSONAddInt(dev, "bootindex", net->info.bootIndex);
    else if (!b->deviceBoot && first && b->bootNet)
        qemuJSONAddInt(dev, "bootindex", b->bootNet);
    return qemuCommandAddDevice(b, dev, &net->info);
}


/**
 * qemuBuildNetArgs:
 * Adds -netdev/-device for every interface of the definition.  Returns 0
 * or -1 (reported).
 */
int
qemuBuildNetArgs(qemuCommandBuilder *b)
{
    GPtrArray *nets = b->def->nets;
    size_t i;

    for (i = 0; i < nets->len; i++) {
        const virDomainNetDef *net = g_ptr_array_index(nets, i);
        json_object *netdev = qemuBuildHostNetProps(b, net, i);

        if (!netdev)
            return -1;
        qemuCommandAddJSON(b, "-netdev", netdev);
        if (qemuBuildNicDevice(b, net, i == 0) < 0)
            return -1;
    }
    return 0;
}


/**
 * qemuBuildNetDeviceArgs:
 * Adds -netdev/-device of interface @net alone, as for a hotplug: it is
 * not the first interface (no <os><boot> index) and a tap's fd is the
 * one the monitor knows as b->hotplugTapFd (without it a tap interface
 * is refused).  Returns 0 or -1 (reported).
 */
int
qemuBuildNetDeviceArgs(qemuCommandBuilder *b, const virDomainNetDef *net)
{
    json_object *netdev = qemuBuildHostNetProps(b, net, SIZE_MAX);

    if (!netdev)
        return -1;
    qemuCommandAddJSON(b, "-netdev", netdev);
    return qemuBuildNicDevice(b, net, false);
}
