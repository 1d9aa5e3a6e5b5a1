/*
 * domain_conf_features.c: <features>, <clock>, lifecycle actions and <pm>
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Parsed, validated and formatted as libvirt 9.0 does for the QEMU driver;
 * qemu_command_machine.c turns them into QEMU arguments.
 */
#include <config.h>

#define VIR_DOMAIN_CONF_PRIV_H_ALLOW
#include "domain_conf_priv.h"
#include "virerror.h"
#include "virxml.h"

#define VIR_FROM_THIS VIR_FROM_DOMAIN

static const char *const virDomainFeatureTable[] = {
    [VIR_DOMAIN_FEATURE_ACPI] = "acpi",
    [VIR_DOMAIN_FEATURE_APIC] = "apic",
    [VIR_DOMAIN_FEATURE_PAE] = "pae",
    [VIR_DOMAIN_FEATURE_PMU] = "pmu",
    [VIR_DOMAIN_FEATURE_VMPORT] = "vmport",
    [VIR_DOMAIN_FEATURE_SMM] = "smm",
};
VIR_ENUM_IMPL_TABLE(virDomainFeature, virDomainFeatureTable,
                    VIR_DOMAIN_FEATURE_LAST);

static const char *const virDomainClockOffsetTable[] = {
    [VIR_DOMAIN_CLOCK_OFFSET_NONE] = "none",
    [VIR_DOMAIN_CLOCK_OFFSET_UTC] = "utc",
    [VIR_DOMAIN_CLOCK_OFFSET_LOCALTIME] = "localtime",
};
VIR_ENUM_IMPL_TABLE(virDomainClockOffset, virDomainClockOffsetTable,
                    VIR_DOMAIN_CLOCK_OFFSET_LAST);

static const char *const virDomainOnActionTable[] = {
    [VIR_DOMAIN_ON_ACTION_NONE] = "none",
    [VIR_DOMAIN_ON_ACTION_DESTROY] = "destroy",
    [VIR_DOMAIN_ON_ACTION_RESTART] = "restart",
    [VIR_DOMAIN_ON_ACTION_RESTART_RENAME] = "rename-restart",
    [VIR_DOMAIN_ON_ACTION_PRESERVE] = "preserve",
    [VIR_DOMAIN_ON_ACTION_COREDUMP_DESTROY] = "coredump-destroy",
    [VIR_DOMAIN_ON_ACTION_COREDUMP_RESTART] = "coredump-restart",
};
VIR_ENUM_IMPL_TABLE(virDomainOnAction, virDomainOnActionTable,
                    VIR_DOMAIN_ON_ACTION_LAST);

static const char *const virDomainTimerNameTable[] = {
    [VIR_DOMAIN_TIMER_NAME_NONE] = "none",
    [VIR_DOMAIN_TIMER_NAME_PLATFORM] = "platform",
    [VIR_DOMAIN_TIMER_NAME_PIT] = "pit",
    [VIR_DOMAIN_TIMER_NAME_RTC] = "rtc",
    [VIR_DOMAIN_TIMER_NAME_HPET] = "hpet",
    [VIR_DOMAIN_TIMER_NAME_TSC] = "tsc",
    [VIR_DOMAIN_TIMER_NAME_KVMCLOCK] = "kvmclock",
    [VIR_DOMAIN_TIMER_NAME_HYPERVCLOCK] = "hypervclock",
};
VIR_ENUM_IMPL_TABLE(virDomainTimerName, virDomainTimerNameTable,
                    VIR_DOMAIN_TIMER_NAME_LAST);

static const char *const virDomainTimerTickpolicyTable[] = {
    [VIR_DOMAIN_TIMER_TICKPOLICY_NONE] = "none",
    [VIR_DOMAIN_TIMER_TICKPOLICY_DELAY] = "delay",
    [VIR_DOMAIN_TIMER_TICKPOLICY_CATCHUP] = "catchup",
    [VIR_DOMAIN_TIMER_TICKPOLICY_MERGE] = "merge",
    [VIR_DOMAIN_TIMER_TICKPOLICY_DISCARD] = "discard",
};
VIR_ENUM_IMPL_TABLE(virDomainTimerTickpolicy, virDomainTimerTickpolicyTable,
                    VIR_DOMAIN_TIMER_TICKPOLICY_LAST);

static const char *const virDomainTimerTrackTable[] = {
    [VIR_DOMAIN_TIMER_TRACK_NONE] = "none",
    [VIR_DOMAIN_TIMER_TRACK_BOOT] = "boot",
    [VIR_DOMAIN_TIMER_TRACK_GUEST] = "guest",
    [VIR_DOMAIN_TIMER_TRACK_WALL] = "wall",
    [VIR_DOMAIN_TIMER_TRACK_REALTIME] = "realtime",
};
VIR_ENUM_IMPL_TABLE(virDomainTimerTrack, virDomainTimerTrackTable,
                    VIR_DOMAIN_TIMER_TRACK_LAST);

static const char *const virTristateBoolTable[] = {
    [VIR_TRISTATE_BOOL_ABSENT] = "absent",
    [VIR_TRISTATE_BOOL_YES] = "yes",
    [VIR_TRISTATE_BOOL_NO] = "no",
};
VIR_ENUM_IMPL_TABLE(virTristateBool, virTristateBoolTable,
                    VIR_TRISTATE_BOOL_LAST);

const virXMLAllowed virDomainXMLAllowedFeatures[] = {
    { "domain/features", NULL, 0 },
    { "domain/features/acpi", NULL, 0 },
    { "domain/features/apic", NULL, 0 },
    { "domain/features/pae", NULL, 0 },
    { "domain/features/pmu", "state", 0 },
    { "domain/features/vmport", "state", 0 },
    { "domain/features/smm", "state", 0 },
    { "domain/clock", "offset", 0 },
    { "domain/clock/timer", "name present tickpolicy track frequency",
      VIR_XML_ALLOW_REPEAT },
    { "domain/on_poweroff", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/on_reboot", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/on_crash", NULL, VIR_XML_ALLOW_TEXT },
    { "domain/pm", NULL, 0 },
    { "domain/pm/suspend-to-mem", "enabled", 0 },
    { "domain/pm/suspend-to-disk", "enabled", 0 },
    { NULL, NULL, 0 },
};


/* ---- <features> ---- */

/* <acpi/>, <apic/> and <pae/> are on when present; the others carry
 * state='on|off', 'on' when left out, as libvirt reads them. */
static int
virDomainFeaturesParseXML(virDomainDef *def, xmlNode *root)
{
    xmlNode *features = virXMLNodeChild(root, "features");
    size_t i;

    for (i = 0; i < VIR_DOMAIN_FEATURE_LAST; i++) {
        xmlNode *node = virXMLNodeChild(features,
                                        virDomainFeatureTypeToString(i));

        if (!node)
            continue;
        def->features[i] = VIR_TRISTATE_SWITCH_ON;
        if (virDomainXMLPropEnum(node, "state", virTristateSwitch, false,
                                 &def->features[i]) < 0)
            return -1;
    }
    return 0;
}


/**
 * virDomainFeaturesFormat:
 * Appends <features> (nothing when no feature is set).
 */
void
virDomainFeaturesFormat(virBuffer *buf, const virDomainDef *def)
{
    size_t i;
    bool any = false;

    for (i = 0; i < VIR_DOMAIN_FEATURE_LAST; i++)
        any |= def->features[i] != VIR_TRISTATE_SWITCH_ABSENT;
    if (!any)
        return;
    virBufferAddLit(buf, "<features>\n");
    virBufferAdjustIndent(buf, 2);
    for (i = 0; i < VIR_DOMAIN_FEATURE_LAST; i++) {
        const char *name = virDomainFeatureTypeToString(i);

        switch ((virDomainFeature)i) {
        case VIR_DOMAIN_FEATURE_ACPI:
        case VIR_DOMAIN_FEATURE_APIC:
        case VIR_DOMAIN_FEATURE_PAE:
            if (def->features[i] == VIR_TRISTATE_SWITCH_ON)
                virBufferAsprintf(buf, "<%s/>\n", name);
            break;
        case VIR_DOMAIN_FEATURE_PMU:
        case VIR_DOMAIN_FEATURE_VMPORT:
        case VIR_DOMAIN_FEATURE_SMM:
            if (def->features[i] != VIR_TRISTATE_SWITCH_ABSENT)
                virBufferAsprintf(buf, "<%s state='%s'/>\n", name,
                                  virTristateSwitchTypeToString(def->features[i]));
            break;
        case VIR_DOMAIN_FEATURE_LAST:
        default:
            break;
        }
    }
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</features>\n");
}


/* ---- <clock> ---- */

static virDomainTimerDef *
virDomainTimerDefParse(xmlNode *node)
{
    g_autofree virDomainTimerDef *timer = g_new0(virDomainTimerDef, 1);
    g_autofree char *freq = virXMLPropString(node, "frequency");
    guint64 hz = 0;

    if (virDomainXMLPropEnum(node, "name", virDomainTimerName, true,
                             &timer->name) < 0 ||
        virDomainXMLPropEnum(node, "present", virTristateBool, false,
                             &timer->present) < 0 ||
        virDomainXMLPropEnum(node, "tickpolicy", virDomainTimerTickpolicy,
                             false, &timer->tickpolicy) < 0 ||
        virDomainXMLPropEnum(node, "track", virDomainTimerTrack, false,
                             &timer->track) < 0)
        return NULL;
    if (freq && !g_ascii_string_to_unsigned(freq, 10, 1, G_MAXUINT64,
                                            &hz, NULL)) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("invalid timer frequency '%1$s'"), freq);
        return NULL;
    }
    timer->frequency = hz;
    if (timer->track && timer->name != VIR_DOMAIN_TIMER_NAME_RTC) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("attribute 'track' is only supported for timer 'rtc', not '%1$s'"),
                       virDomainTimerNameTypeToString(timer->name));
        return NULL;
    }
    if (timer->frequency && timer->name != VIR_DOMAIN_TIMER_NAME_TSC) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("attribute 'frequency' is only supported for timer 'tsc', not '%1$s'"),
                       virDomainTimerNameTypeToString(timer->name));
        return NULL;
    }
    return g_steal_pointer(&timer);
}


static int
virDomainClockParse(virDomainDef *def, xmlNode *root)
{
    xmlNode *clock = virXMLNodeChild(root, "clock");
    xmlNode *cur;

    def->clockOffset = VIR_DOMAIN_CLOCK_OFFSET_UTC;
    if (!clock)
        return 0;
    if (virDomainXMLPropEnum(clock, "offset", virDomainClockOffset, false,
                             &def->clockOffset) < 0)
        return -1;
    for (cur = clock->children; cur; cur = cur->next) {
        virDomainTimerDef *timer;

        if (cur->type != XML_ELEMENT_NODE)
            continue;
        if (!(timer = virDomainTimerDefParse(cur)))
            return -1;
        g_ptr_array_add(def->timers, timer);
    }
    return 0;
}


/* What libvirt's QEMU driver refuses (qemuValidateDomainDefClockTimers),
 * with its messages, plus a timer written twice. */
static int
virDomainTimerValidate(const virDomainTimerDef *timer)
{
    const char *policy = virDomainTimerTickpolicyTypeToString(timer->tickpolicy);

    switch (timer->name) {
    case VIR_DOMAIN_TIMER_NAME_PLATFORM:
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("unsupported timer type (name) '%1$s'"),
                       virDomainTimerNameTypeToString(timer->name));
        return -1;
    case VIR_DOMAIN_TIMER_NAME_RTC:
        if (timer->track == VIR_DOMAIN_TIMER_TRACK_BOOT) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("unsupported rtc timer track '%1$s'"),
                           virDomainTimerTrackTypeToString(timer->track));
            return -1;
        }
        if (timer->tickpolicy == VIR_DOMAIN_TIMER_TICKPOLICY_MERGE ||
            timer->tickpolicy == VIR_DOMAIN_TIMER_TICKPOLICY_DISCARD) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("unsupported rtc timer tickpolicy '%1$s'"),
                           policy);
            return -1;
        }
        break;
    case VIR_DOMAIN_TIMER_NAME_PIT:
        if (timer->tickpolicy == VIR_DOMAIN_TIMER_TICKPOLICY_MERGE) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("unsupported pit tickpolicy '%1$s'"), policy);
            return -1;
        }
        break;
    case VIR_DOMAIN_TIMER_NAME_HPET:
    case VIR_DOMAIN_TIMER_NAME_TSC:
    case VIR_DOMAIN_TIMER_NAME_KVMCLOCK:
    case VIR_DOMAIN_TIMER_NAME_HYPERVCLOCK:
        if (timer->tickpolicy) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("timer '%1$s' takes no tickpolicy"),
                           virDomainTimerNameTypeToString(timer->name));
            return -1;
        }
        break;
    case VIR_DOMAIN_TIMER_NAME_NONE:
    case VIR_DOMAIN_TIMER_NAME_LAST:
    default:
        break;
    }
    return 0;
}


static void
virDomainClockFormat(virBuffer *buf, const virDomainDef *def)
{
    size_t i;

    virBufferAsprintf(buf, "<clock offset='%s'",
                      virDomainClockOffsetTypeToString(def->clockOffset));
    if (def->timers->len == 0) {
        virBufferAddLit(buf, "/>\n");
        return;
    }
    virBufferAddLit(buf, ">\n");
    virBufferAdjustIndent(buf, 2);
    for (i = 0; i < def->timers->len; i++) {
        const virDomainTimerDef *timer = g_ptr_array_index(def->timers, i);

        virBufferAsprintf(buf, "<timer name='%s'",
                          virDomainTimerNameTypeToString(timer->name));
        if (timer->present)
            virBufferAsprintf(buf, " present='%s'",
                              virTristateBoolTypeToString(timer->present));
        if (timer->tickpolicy)
            virBufferAsprintf(buf, " tickpolicy='%s'",
                              virDomainTimerTickpolicyTypeToString(timer->tickpolicy));
        if (timer->track)
            virBufferAsprintf(buf, " track='%s'",
                              virDomainTimerTrackTypeToString(timer->track));
        if (timer->frequency)
            virBufferAsprintf(buf, " frequency='%llu'", timer->frequency);
        virBufferAddLit(buf, "/>\n");
    }
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</clock>\n");
}


/* ---- lifecycle actions ---- */

static int
virDomainLifecycleParse(xmlNode *root, const char *name,
                        virDomainOnAction dflt, virDomainOnAction *action)
{
    xmlNode *node = virXMLNodeChild(root, name);
    g_autofree char *text = node ? virXMLNodeContent(node) : NULL;
    int v;

    *action = dflt;
    if (!text)
        return 0;
    if ((v = virDomainOnActionTypeFromString(g_strstrip(text))) <= 0) {
        virReportError(VIR_ERR_XML_ERROR,
                       _("invalid value '%1$s' for element '%2$s'"),
                       text, name);
        return -1;
    }
    *action = v;
    return 0;
}


/* libvirt's rules: the coredump actions are for on_crash only
 * (virDomainDefLifecycleActionAllowed), then its QEMU driver's
 * (qemuValidateLifecycleAction), with their messages. */
static int
virDomainLifecycleValidate(const virDomainDef *def)
{
    const virDomainOnAction nonCrash[] = { def->onPoweroff, def->onReboot };
    const char *names[] = { "on_poweroff", "on_reboot" };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(nonCrash); i++) {
        if (nonCrash[i] == VIR_DOMAIN_ON_ACTION_COREDUMP_DESTROY ||
            nonCrash[i] == VIR_DOMAIN_ON_ACTION_COREDUMP_RESTART) {
            virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                           _("Lifecycle event '%1$s' doesn't support '%2$s' action"),
                           names[i], virDomainOnActionTypeToString(nonCrash[i]));
            return -1;
        }
    }
    if (def->onPoweroff == VIR_DOMAIN_ON_ACTION_RESTART_RENAME ||
        def->onReboot == VIR_DOMAIN_ON_ACTION_RESTART_RENAME ||
        def->onCrash == VIR_DOMAIN_ON_ACTION_RESTART_RENAME) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("qemu driver doesn't support the 'rename-restart' action for 'on_reboot'/'on_poweroff'/'on_crash'"));
        return -1;
    }
    if (def->onPoweroff == VIR_DOMAIN_ON_ACTION_PRESERVE ||
        def->onReboot == VIR_DOMAIN_ON_ACTION_PRESERVE) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("qemu driver doesn't support the 'preserve' action for 'on_reboot'/'on_poweroff'"));
        return -1;
    }
    if (def->onPoweroff == VIR_DOMAIN_ON_ACTION_RESTART &&
        def->onReboot == VIR_DOMAIN_ON_ACTION_DESTROY) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED, "%s",
                       _("qemu driver doesn't support 'onReboot' set to 'destroy and 'onPoweroff' set to 'reboot'"));
        return -1;
    }
    return 0;
}


/* ---- <pm> ---- */

static int
virDomainPMParse(virDomainDef *def, xmlNode *root)
{
    xmlNode *pm = virXMLNodeChild(root, "pm");
    xmlNode *mem = virXMLNodeChild(pm, "suspend-to-mem");
    xmlNode *disk = virXMLNodeChild(pm, "suspend-to-disk");

    if (mem && virDomainXMLPropEnum(mem, "enabled", virTristateBool, true,
                                    &def->pmS3) < 0)
        return -1;
    if (disk && virDomainXMLPropEnum(disk, "enabled", virTristateBool, true,
                                     &def->pmS4) < 0)
        return -1;
    return 0;
}


static void
virDomainPMFormat(virBuffer *buf, const virDomainDef *def)
{
    if (!def->pmS3 && !def->pmS4)
        return;
    virBufferAddLit(buf, "<pm>\n");
    virBufferAdjustIndent(buf, 2);
    if (def->pmS3)
        virBufferAsprintf(buf, "<suspend-to-mem enabled='%s'/>\n",
                          virTristateBoolTypeToString(def->pmS3));
    if (def->pmS4)
        virBufferAsprintf(buf, "<suspend-to-disk enabled='%s'/>\n",
                          virTristateBoolTypeToString(def->pmS4));
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</pm>\n");
}


/* ---- entry points ---- */

/**
 * virDomainFeaturesParse:
 * Parses <features>, <clock>, on_poweroff/on_reboot/on_crash (defaults
 * destroy, restart, destroy) and <pm> of <domain> @root.
 * Returns 0 or -1 (reported).
 */
int
virDomainFeaturesParse(virDomainDef *def, xmlNode *root)
{
    if (virDomainFeaturesParseXML(def, root) < 0 ||
        virDomainClockParse(def, root) < 0 ||
        virDomainLifecycleParse(root, "on_poweroff",
                                VIR_DOMAIN_ON_ACTION_DESTROY,
                                &def->onPoweroff) < 0 ||
        virDomainLifecycleParse(root, "on_reboot",
                                VIR_DOMAIN_ON_ACTION_RESTART,
                                &def->onReboot) < 0 ||
        virDomainLifecycleParse(root, "on_crash",
                                VIR_DOMAIN_ON_ACTION_DESTROY,
                                &def->onCrash) < 0 ||
        virDomainPMParse(def, root) < 0)
        return -1;
    return 0;
}


/**
 * virDomainFeaturesValidate:
 * Refuses what libvirt's QEMU driver refuses in these elements, and a
 * timer written twice.  Returns 0 or -1 (reported).
 */
int
virDomainFeaturesValidate(const virDomainDef *def)
{
    bool seen[VIR_DOMAIN_TIMER_NAME_LAST] = { false };
    size_t i;

    for (i = 0; i < def->timers->len; i++) {
        const virDomainTimerDef *timer = g_ptr_array_index(def->timers, i);

        if (virDomainTimerValidate(timer) < 0)
            return -1;
        if (seen[timer->name]) {
            virReportError(VIR_ERR_XML_ERROR,
                           _("timer '%1$s' may appear only once"),
                           virDomainTimerNameTypeToString(timer->name));
            return -1;
        }
        seen[timer->name] = true;
    }
    return virDomainLifecycleValidate(def);
}


/**
 * virDomainClockLifecycleFormat:
 * Appends <clock>, the three lifecycle actions and <pm>, in libvirt's
 * order (after <cpu>).
 */
void
virDomainClockLifecycleFormat(virBuffer *buf, const virDomainDef *def)
{
    virDomainClockFormat(buf, def);
    virBufferAsprintf(buf, "<on_poweroff>%s</on_poweroff>\n",
                      virDomainOnActionTypeToString(def->onPoweroff));
    virBufferAsprintf(buf, "<on_reboot>%s</on_reboot>\n",
                      virDomainOnActionTypeToString(def->onReboot));
    virBufferAsprintf(buf, "<on_crash>%s</on_crash>\n",
                      virDomainOnActionTypeToString(def->onCrash));
    virDomainPMFormat(buf, def);
}
