/*
 * domain_conf_net.c: <interface> of a domain definition
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Types user, bridge (a tap device the daemon creates on an existing host
 * bridge) and ethernet (a tap device named by <target dev=''>, created by
 * the daemon or, with managed='no', by the administrator).  Type network
 * needs libvirt's network driver, which this daemon does not have: it is
 * refused by name rather than silently run as something else.
 */
#include <config.h>

#define VIR_DOMAIN_CONF_PRIV_H_ALLOW
#include "domain_conf_priv.h"
#include "virerror.h"
#include "virlog.h"
#include "virxml.h"
#include "virxmlcheck.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

VIR_LOG_INIT("conf.domain_conf_net");

static const char *const virDomainNetTable[] = {
    [VIR_DOMAIN_NET_TYPE_NONE] = "none",
    [VIR_DOMAIN_NET_TYPE_USER] = "user",
    [VIR_DOMAIN_NET_TYPE_ETHERNET] = "ethernet",
    [VIR_DOMAIN_NET_TYPE_BRIDGE] = "bridge",
    [VIR_DOMAIN_NET_TYPE_NETWORK] = "network",
};
VIR_ENUM_IMPL_TABLE(virDomainNet, virDomainNetTable, VIR_DOMAIN_NET_TYPE_LAST);

static const char *const virDomainNetModelTable[] = {
    [VIR_DOMAIN_NET_MODEL_NONE] = "none",
    [VIR_DOMAIN_NET_MODEL_VIRTIO] = "virtio",
    [VIR_DOMAIN_NET_MODEL_E1000] = "e1000",
    [VIR_DOMAIN_NET_MODEL_E1000E] = "e1000e",
    [VIR_DOMAIN_NET_MODEL_RTL8139] = "rtl8139",
};
VIR_ENUM_IMPL_TABLE(virDomainNetModel, virDomainNetModelTable,
                    VIR_DOMAIN_NET_MODEL_LAST);

static const char *const virDomainNetLinkStateTable[] = {
    [VIR_DOMAIN_NET_LINK_STATE_DEFAULT] = "default",
    [VIR_DOMAIN_NET_LINK_STATE_UP] = "up",
    [VIR_DOMAIN_NET_LINK_STATE_DOWN] = "down",
};
VIR_ENUM_IMPL_TABLE(virDomainNetLinkState, virDomainNetLinkStateTable,
                    VIR_DOMAIN_NET_LINK_STATE_LAST);

/* Linux IFNAMSIZ - 1 */
#define VIR_DOMAIN_NET_IFNAME_MAX 15
#define VIR_DOMAIN_NET_MTU_MAX 65535


/* Frees an interface definition; accepts NULL. */
void
virDomainNetDefFree(virDomainNetDef *def)
{
    if (!def)
        return;
    g_free(def->bridge);
    g_free(def->ifname);
    virDomainDeviceInfoClear(&def->info);
    g_free(def);
}


static int
virDomainNetParseMAC(virDomainNetDef *net, xmlNode *dev)
{
    xmlNode *mac = virXMLNodeChild(dev, "mac");
    g_autofree char *addr = NULL;

    if (!mac) {
        virDomainMacGenerate(net->mac);
        return 0;
    }
    if (!(addr = virDomainXMLPropRequired(mac, "address")))
        return -1;
    if (virDomainMacParse(addr, net->mac) < 0 || (net->mac[0] & 1)) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("invalid unicast MAC address '%1$s'"), addr);
        return -1;
    }
    return 0;
}


/* A tap name must fit the kernel's and name nothing odd. */
static int
virDomainNetCheckIfname(const char *name)
{
    const char *p;

    if (strlen(name) > VIR_DOMAIN_NET_IFNAME_MAX || STREQ(name, ".") ||
        STREQ(name, ".."))
        goto bad;
    for (p = name; *p; p++) {
        if (*p == '/' || *p == ':' || g_ascii_isspace(*p) ||
            g_ascii_iscntrl(*p))
            goto bad;
    }
    return 0;

 bad:
    virReportError(VIR_ERR_XML_ERROR,
                   _("invalid network device name '%1$s'"), name);
    return -1;
}


/* <source bridge=''> and <target dev='' managed=''>. */
static int
virDomainNetParseHost(virDomainNetDef *net, xmlNode *dev, unsigned int flags)
{
    xmlNode *source = virXMLNodeChild(dev, "source");
    xmlNode *target = virXMLNodeChild(dev, "target");
    g_autofree char *network = source ? virXMLPropString(source, "network")
                                      : NULL;
    g_autofree char *managedStr = target ? virXMLPropString(target, "managed")
                                         : NULL;

    if (network) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("attribute 'network' of element 'source' is only valid for interface type 'network'"));
        return -1;
    }
    if (net->type == VIR_DOMAIN_NET_TYPE_BRIDGE) {
        if (!source) {
            virReportError(VIR_ERR_XML_ERROR, "%s",
                           _("No <source> 'bridge' attribute specified with <interface type='bridge'/>"));
            return -1;
        }
        if (!(net->bridge = virDomainXMLPropRequired(source, "bridge")))
            return -1;
        if (virDomainNetCheckIfname(net->bridge) < 0)
            return -1;
    } else if (source) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("element 'source' is not supported for interface type '%1$s'"),
                       virDomainNetTypeToString(net->type));
        return -1;
    }
    if (!target)
        return 0;
    if (net->type == VIR_DOMAIN_NET_TYPE_USER) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("element 'target' is not supported for interface type 'user'"));
        return -1;
    }
    if (managedStr) {
        bool managed = true;

        if (virDomainXMLPropYesNo(target, "managed", &managed) < 0)
            return -1;
        net->managedTap = managed ? VIR_TRISTATE_SWITCH_ON
                                  : VIR_TRISTATE_SWITCH_OFF;
    }
    net->ifname = virXMLPropString(target, "dev");
    if (net->ifname && virDomainNetCheckIfname(net->ifname) < 0)
        return -1;
    if (net->managedTap && net->type != VIR_DOMAIN_NET_TYPE_ETHERNET) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("attribute 'managed' of element 'target' is only supported for interface type 'ethernet'"));
        return -1;
    }
    if (net->managedTap == VIR_TRISTATE_SWITCH_OFF && !net->ifname) {
        virReportError(VIR_ERR_XML_ERROR, "%s",
                       _("target dev must be supplied when managed='no'"));
        return -1;
    }
    /* a name the daemon generated is runtime data, as in libvirt */
    if (net->ifname && net->managedTap != VIR_TRISTATE_SWITCH_OFF &&
        (flags & VIR_DOMAIN_DEF_PARSE_INACTIVE) &&
        STRPREFIX(net->ifname, VIR_DOMAIN_NET_GENERATED_TAP_PREFIX))
        g_clear_pointer(&net->ifname, g_free);
    return 0;
}


static int
virDomainNetParseLink(virDomainNetDef *net, xmlNode *dev)
{
    xmlNode *link = virXMLNodeChild(dev, "link");
    xmlNode *mtu = virXMLNodeChild(dev, "mtu");

    if (link && virDomainXMLPropEnum(link, "state", virDomainNetLinkState,
                                     false, &net->linkState) < 0)
        return -1;
    if (!mtu)
        return 0;
    if (virDomainXMLPropUInt(mtu, "size", true, &net->mtu) < 0)
        return -1;
    if (net->mtu == 0 || net->mtu > VIR_DOMAIN_NET_MTU_MAX) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("malformed mtu size '%1$u'"), net->mtu);
        return -1;
    }
    return 0;
}


/**
 * virDomainNetDefParse:
 * Parses one <interface>.  Type 'network' is refused: it needs a network
 * driver this daemon does not have.  Returns a definition the caller
 * owns, or NULL (reported).
 */
virDomainNetDef *
virDomainNetDefParse(xmlNode *dev, unsigned int flags)
{
    g_autoptr(virDomainNetDef) net = g_new0(virDomainNetDef, 1);
    xmlNode *model = virXMLNodeChild(dev, "model");

    if (virDomainXMLPropEnum(dev, "type", virDomainNet, true,
                             &net->type) < 0)
        return NULL;
    if (net->type == VIR_DOMAIN_NET_TYPE_NETWORK) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("interface type 'network' needs libvirt's network driver (virtnetworkd), which virtmigd does not have: use <interface type='bridge'> with <source bridge='...'/> naming the host bridge"));
        return NULL;
    }
    if (virDomainNetParseMAC(net, dev) < 0 ||
        virDomainNetParseHost(net, dev, flags) < 0 ||
        virDomainNetParseLink(net, dev) < 0)
        return NULL;
    if (model && virDomainXMLPropEnum(model, "type", virDomainNetModel, true,
                                      &net->model) < 0)
        return NULL;
    if (virDomainDeviceInfoParseXML(dev, flags, &net->info) < 0)
        return NULL;
    return g_steal_pointer(&net);
}


/* libvirt's default model for an x86 NIC. */
void
virDomainNetDefPostParse(virDomainNetDef *net)
{
    if (!net->model)
        net->model = VIR_DOMAIN_NET_MODEL_RTL8139;
}


static void
virDomainNetFormatTarget(virBuffer *buf, const virDomainNetDef *net,
                         unsigned int flags)
{
    bool showDev = net->ifname &&
                   (net->managedTap == VIR_TRISTATE_SWITCH_OFF ||
                    !(flags & VIR_DOMAIN_DEF_FORMAT_INACTIVE) ||
                    !STRPREFIX(net->ifname,
                               VIR_DOMAIN_NET_GENERATED_TAP_PREFIX));

    if (!showDev && !net->managedTap)
        return;
    virBufferAddLit(buf, "<target");
    if (showDev)
        virBufferEscapeString(buf, " dev='%s'", net->ifname);
    if (net->managedTap)
        virBufferAsprintf(buf, " managed='%s'",
                          net->managedTap == VIR_TRISTATE_SWITCH_ON ? "yes"
                                                                     : "no");
    virBufferAddLit(buf, "/>\n");
}


/**
 * virDomainNetDefFormat:
 * Appends one <interface> in libvirt's element order.
 */
void
virDomainNetDefFormat(virBuffer *buf, const virDomainNetDef *net,
                      unsigned int flags)
{
    char macstr[VIR_MAC_STRING_BUFLEN];

    virBufferAsprintf(buf, "<interface type='%s'>\n",
                      virDomainNetTypeToString(net->type));
    virBufferAdjustIndent(buf, 2);
    virBufferAsprintf(buf, "<mac address='%s'/>\n",
                      virDomainMacFormat(net->mac, macstr));
    virBufferEscapeString(buf, "<source bridge='%s'/>\n", net->bridge);
    virDomainNetFormatTarget(buf, net, flags);
    virBufferAsprintf(buf, "<model type='%s'/>\n",
                      virDomainNetModelTypeToString(net->model));
    if (net->linkState)
        virBufferAsprintf(buf, "<link state='%s'/>\n",
                          virDomainNetLinkStateTypeToString(net->linkState));
    if (net->mtu)
        virBufferAsprintf(buf, "<mtu size='%u'/>\n", net->mtu);
    virDomainDeviceInfoFormat(buf, &net->info, flags);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</interface>\n");
}


/**
 * virDomainNetsValidate:
 * Two interfaces may not share a MAC address or a tap name.  Returns 0 or
 * -1 (reported).
 */
int
virDomainNetsValidate(const virDomainDef *def)
{
    size_t i;
    size_t j;

    for (i = 0; i < def->nets->len; i++) {
        const virDomainNetDef *a = g_ptr_array_index(def->nets, i);

        for (j = i + 1; j < def->nets->len; j++) {
            const virDomainNetDef *b = g_ptr_array_index(def->nets, j);
            char macstr[VIR_MAC_STRING_BUFLEN];

            if (memcmp(a->mac, b->mac, VIR_MAC_BUFLEN) == 0) {
                virReportError(VIR_ERR_XML_ERROR,
                               _("MAC address '%1$s' is used by two interfaces"),
                               virDomainMacFormat(a->mac, macstr));
                return -1;
            }
            if (a->ifname && STREQ_NULLABLE(a->ifname, b->ifname)) {
                virReportError(VIR_ERR_XML_ERROR,
                               _("target dev '%1$s' is used by two interfaces"),
                               a->ifname);
                return -1;
            }
        }
    }
    return 0;
}
