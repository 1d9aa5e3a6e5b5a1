/*
 * qemu_interface.c: the host side of a domain's interfaces
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For each bridge or ethernet interface: open /dev/net/tun and attach to
 * (managed: create) the tap device, give it the guest MAC with the first
 * byte 0xfe (so the bridge never takes the guest's address), the MTU
 * (from <mtu>, else the bridge's), bring it up and add it to the bridge.
 * A name the kernel picks ("vnet%d") becomes the live <target dev=''>.
 */
#include <config.h>

#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qemu_interface.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_interface");

#define QEMU_TUN_DEVICE "/dev/net/tun"


static void
qemuInterfaceIfreqInit(struct ifreq *ifr, const char *name)
{
    memset(ifr, 0, sizeof(*ifr));
    g_strlcpy(ifr->ifr_name, name, sizeof(ifr->ifr_name));
}


/* An ioctl on a throwaway socket; errors name @what and the device. */
static int
qemuInterfaceIoctl(unsigned long req, struct ifreq *ifr, const char *what)
{
    VIR_AUTOCLOSE fd = socket(AF_LOCAL, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if (fd < 0 || ioctl(fd, req, ifr) < 0) {
        virReportSystemError(errno, _("Cannot %1$s on '%2$s'"), what,
                             ifr->ifr_name);
        return -1;
    }
    return 0;
}


static int
qemuInterfaceGetMTU(const char *name, unsigned int *mtu)
{
    struct ifreq ifr;

    qemuInterfaceIfreqInit(&ifr, name);
    if (qemuInterfaceIoctl(SIOCGIFMTU, &ifr, "get interface MTU") < 0)
        return -1;
    *mtu = ifr.ifr_mtu;
    return 0;
}


/* MAC (first byte 0xfe), MTU and link up, for a tap the daemon manages. */
static int
qemuInterfaceSetupTap(const char *name, const virDomainNetDef *net,
                      unsigned int mtu)
{
    struct ifreq ifr;

    qemuInterfaceIfreqInit(&ifr, name);
    ifr.ifr_hwaddr.sa_family = 1; /* ARPHRD_ETHER */
    memcpy(ifr.ifr_hwaddr.sa_data, net->mac, VIR_MAC_BUFLEN);
    ifr.ifr_hwaddr.sa_data[0] = (char)0xfe;
    if (qemuInterfaceIoctl(SIOCSIFHWADDR, &ifr, "set interface MAC") < 0)
        return -1;
    if (mtu) {
        qemuInterfaceIfreqInit(&ifr, name);
        ifr.ifr_mtu = mtu;
        if (qemuInterfaceIoctl(SIOCSIFMTU, &ifr, "set interface MTU") < 0)
            return -1;
    }
    qemuInterfaceIfreqInit(&ifr, name);
    if (qemuInterfaceIoctl(SIOCGIFFLAGS, &ifr, "get interface flags") < 0)
        return -1;
    ifr.ifr_flags |= IFF_UP;
    return qemuInterfaceIoctl(SIOCSIFFLAGS, &ifr, "set interface flags");
}


static int
qemuInterfaceAddToBridge(const char *bridge, const char *tap)
{
    struct ifreq ifr;
    unsigned int idx = if_nametoindex(tap);

    qemuInterfaceIfreqInit(&ifr, bridge);
    ifr.ifr_ifindex = idx;
    if (idx == 0 ||
        qemuInterfaceIoctl(SIOCBRADDIF, &ifr, "add tap to bridge") < 0)
        return -1;
    return 0;
}


/**
 * qemuInterfaceOpenTap:
 * Opens the tap of bridge or ethernet interface @net (creating it unless
 * managed='no') in *@retFd (the caller owns it) and sets net->ifname to
 * its name.  Returns 0 or -1 (reported).
 */
int
qemuInterfaceOpenTap(virDomainNetDef *net, int *retFd)
{
    bool managed = net->managedTap != VIR_TRISTATE_SWITCH_OFF;
    const char *want = net->ifname ? net->ifname
                                   : VIR_DOMAIN_NET_GENERATED_TAP_PREFIX "%d";
    unsigned int mtu = net->mtu;
    struct ifreq ifr;
    VIR_AUTOCLOSE fd = -1;

    if (!managed && if_nametoindex(want) == 0) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("tap device '%1$s' (managed='no') does not exist"),
                       want);
        return -1;
    }
    if (net->bridge && !mtu && qemuInterfaceGetMTU(net->bridge, &mtu) < 0)
        return -1;
    if ((fd = open(QEMU_TUN_DEVICE, O_RDWR | O_CLOEXEC)) < 0) {
        virReportSystemError(errno, _("Unable to open %1$s, is tun module loaded?"),
                             QEMU_TUN_DEVICE);
        return -1;
    }
    qemuInterfaceIfreqInit(&ifr, want);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (net->model == VIR_DOMAIN_NET_MODEL_VIRTIO)
        ifr.ifr_flags |= IFF_VNET_HDR;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        virReportSystemError(errno, _("Unable to create tap device %1$s"), want);
        return -1;
    }
    if (!net->ifname)
        net->ifname = g_strdup(ifr.ifr_name);
    if (managed && qemuInterfaceSetupTap(net->ifname, net, mtu) < 0)
        return -1;
    if (net->bridge && qemuInterfaceAddToBridge(net->bridge, net->ifname) < 0)
        return -1;
    VIR_INFO("tap %s opened (fd %d)%s%s", net->ifname, fd,
             net->bridge ? " on bridge " : "", net->bridge ? net->bridge : "");
    *retFd = fd;
    fd = -1;
    return 0;
}


/**
 * qemuInterfaceOpenTaps:
 * Opens the taps of @def's bridge and ethernet interfaces: *@retFds (the
 * caller owns it and the fds, see qemuInterfaceCloseFds) has one entry
 * per interface, -1 for those without a tap.  On failure nothing stays
 * open.  Returns 0 or -1 (reported).
 */
int
qemuInterfaceOpenTaps(virDomainDef *def, int **retFds, size_t *retNfds)
{
    size_t n = def->nets->len;
    g_autofree int *fds = g_new(int, MAX(n, 1));
    size_t i;

    for (i = 0; i < n; i++)
        fds[i] = -1;
    for (i = 0; i < n; i++) {
        virDomainNetDef *net = g_ptr_array_index(def->nets, i);

        if (net->type != VIR_DOMAIN_NET_TYPE_BRIDGE &&
            net->type != VIR_DOMAIN_NET_TYPE_ETHERNET)
            continue;
        if (qemuInterfaceOpenTap(net, &fds[i]) < 0) {
            qemuInterfaceCloseFds(g_steal_pointer(&fds), n);
            return -1;
        }
    }
    *retFds = g_steal_pointer(&fds);
    *retNfds = n;
    return 0;
}


/**
 * qemuInterfaceCloseFds:
 * Closes the open fds of @fds and frees it; accepts NULL.
 */
void
qemuInterfaceCloseFds(int *fds, size_t nfds)
{
    size_t i;

    if (!fds)
        return;
    for (i = 0; i < nfds; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
    }
    g_free(fds);
}
