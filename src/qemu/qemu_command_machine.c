/*
 * qemu_command_machine.c: machine, CPU, clock and power management options
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The -machine, -cpu and -smp values and the -rtc/-global/-no-hpet,
 * -no-acpi and S3/S4 options of a domain, written as libvirt 9.0 writes
 * them for QEMU 7.2 (compare the .args files of tests/stockdata).
 */
#include <config.h>

#include "qemu_command_machine.h"
#include "qemu_cpu.h"
#include "virerror.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

static const virDomainTimerDef *
qemuDomainFindTimer(const virDomainDef *def, virDomainTimerName name)
{
    size_t i;

    for (i = 0; i < def->timers->len; i++) {
        const virDomainTimerDef *timer = g_ptr_array_index(def->timers, i);

        if (timer->name == name)
            return timer;
    }
    return NULL;
}


/**
 * qemuDomainNeedsMemoryBackend:
 * Whether @def's RAM needs an explicit memory-backend object (memfd,
 * shared/private access, preallocation); otherwise QEMU makes its default
 * one from -m.  Both name the RAM block pc.ram, so migration between the
 * two forms works.
 */
bool
qemuDomainNeedsMemoryBackend(const virDomainDef *def)
{
    const virDomainMemoryBackingDef *mem = &def->mem;

    return mem->source == VIR_DOMAIN_MEMORY_SOURCE_MEMFD || mem->access ||
           mem->allocation == VIR_DOMAIN_MEMORY_ALLOCATION_IMMEDIATE ||
           mem->allocationThreads;
}


/**
 * qemuBuildMachineValue:
 * The -machine value: the canonical type, usb=off, vmport and smm when
 * written, dump-guest-core=off, then <memoryBacking>'s mem-merge=off
 * (nosharepages) and memory-backend.  Caller owns the result.
 */
char *
qemuBuildMachineValue(const virDomainDef *def)
{
    GString *buf = g_string_new(def->os.machine);
    virTristateSwitch vmport = def->features[VIR_DOMAIN_FEATURE_VMPORT];
    virTristateSwitch smm = def->features[VIR_DOMAIN_FEATURE_SMM];

    g_string_append(buf, ",usb=off");
    if (vmport)
        g_string_append_printf(buf, ",vmport=%s",
                               virTristateSwitchTypeToString(vmport));
    if (smm)
        g_string_append_printf(buf, ",smm=%s",
                               virTristateSwitchTypeToString(smm));
    g_string_append(buf, ",dump-guest-core=off");
    if (def->mem.nosharepages)
        g_string_append(buf, ",mem-merge=off");
    if (qemuDomainNeedsMemoryBackend(def))
        g_string_append(buf, ",memory-backend=" QEMU_DEFAULT_RAM_ID);
    return g_string_free(buf, FALSE);
}


static void
qemuBuildCPUModelValue(GString *buf, const virDomainCPUDef *cpu)
{
    switch (cpu ? cpu->mode : VIR_DOMAIN_CPU_MODE_NONE) {
    case VIR_DOMAIN_CPU_MODE_CUSTOM:
        g_string_append(buf, cpu->model ? cpu->model : "qemu64");
        break;
    case VIR_DOMAIN_CPU_MODE_HOST_MODEL:
        /* KVM only (validated); the host's CPU, kept migratable */
        g_string_append(buf, "host,migratable=on");
        break;
    case VIR_DOMAIN_CPU_MODE_HOST_PASSTHROUGH:
    case VIR_DOMAIN_CPU_MODE_MAXIMUM:
        g_string_append(buf, cpu->mode == VIR_DOMAIN_CPU_MODE_MAXIMUM ? "max"
                                                                      : "host");
        if (cpu->migratable)
            g_string_append_printf(buf, ",migratable=%s",
                                   virTristateSwitchTypeToString(cpu->migratable));
        break;
    case VIR_DOMAIN_CPU_MODE_NONE:
    case VIR_DOMAIN_CPU_MODE_LAST:
    default:
        g_string_append(buf, "qemu64");
        break;
    }
}


/**
 * qemuBuildCPUValue:
 * The -cpu value: the model, its <feature>s (require/force on,
 * disable/forbid off, optional left to QEMU), then the kvmclock,
 * hypervclock and tsc timers and the PMU, in libvirt's order.  Caller
 * owns the result.
 */
char *
qemuBuildCPUValue(const virDomainDef *def)
{
    GString *buf = g_string_new(NULL);
    const virDomainTimerDef *timer;
    size_t i;

    qemuBuildCPUModelValue(buf, def->cpu);
    for (i = 0; def->cpu && i < def->cpu->features->len; i++) {
        const virDomainCPUFeatureDef *f = g_ptr_array_index(def->cpu->features, i);
        const char *name = qemuCPUFeatureToQEMU(f->name);

        switch (f->policy) {
        case VIR_DOMAIN_CPU_FEATURE_POLICY_FORCE:
        case VIR_DOMAIN_CPU_FEATURE_POLICY_REQUIRE:
            g_string_append_printf(buf, ",%s=on", name);
            break;
        case VIR_DOMAIN_CPU_FEATURE_POLICY_DISABLE:
        case VIR_DOMAIN_CPU_FEATURE_POLICY_FORBID:
            g_string_append_printf(buf, ",%s=off", name);
            break;
        case VIR_DOMAIN_CPU_FEATURE_POLICY_OPTIONAL:
        case VIR_DOMAIN_CPU_FEATURE_POLICY_NONE:
        case VIR_DOMAIN_CPU_FEATURE_POLICY_LAST:
        default:
            break;
        }
    }
    for (i = 0; i < def->timers->len; i++) {
        timer = g_ptr_array_index(def->timers, i);
        if (timer->name == VIR_DOMAIN_TIMER_NAME_KVMCLOCK && timer->present)
            g_string_append_printf(buf, ",kvmclock=%s",
                                   timer->present == VIR_TRISTATE_BOOL_YES ? "on"
                                                                            : "off");
        else if (timer->name == VIR_DOMAIN_TIMER_NAME_HYPERVCLOCK &&
                 timer->present == VIR_TRISTATE_BOOL_YES)
            g_string_append(buf, ",hv-time=on");
        else if (timer->name == VIR_DOMAIN_TIMER_NAME_TSC && timer->frequency)
            g_string_append_printf(buf, ",tsc-frequency=%llu", timer->frequency);
    }
    if (def->features[VIR_DOMAIN_FEATURE_PMU])
        g_string_append_printf(buf, ",pmu=%s",
                               virTristateSwitchTypeToString(def->features[VIR_DOMAIN_FEATURE_PMU]));
    return g_string_free(buf, FALSE);
}


/**
 * qemuBuildSmpValue:
 * The -smp value: the vCPUs plugged at start, maxcpus when some are
 * offline or hot-plugged, and the
 * <topology> (with dies, which QEMU 7.2 has) or maxvcpus sockets of one
 * core each.  Caller owns the result.
 */
char *
qemuBuildSmpValue(const virDomainDef *def)
{
    GString *buf = g_string_new(NULL);
    const virDomainCPUDef *cpu = def->cpu;

    /* the hot-plugged vCPUs are added with device_add before the guest
     * runs (qemu_hotplug_vcpu.c) */
    g_string_append_printf(buf, "%u", def->vcpus - def->hotplugVcpus);
    if (def->vcpus - def->hotplugVcpus != def->maxvcpus)
        g_string_append_printf(buf, ",maxcpus=%u", def->maxvcpus);
    if (cpu && cpu->sockets)
        g_string_append_printf(buf, ",sockets=%u,dies=%u,cores=%u,threads=%u",
                               cpu->sockets, cpu->dies, cpu->cores,
                               cpu->threads);
    else
        g_string_append_printf(buf, ",sockets=%u,cores=1,threads=1",
                               def->maxvcpus);
    return g_string_free(buf, FALSE);
}


static void
qemuArgsAdd(GPtrArray *args, const char *arg)
{
    g_ptr_array_add(args, g_strdup(arg));
}


/**
 * qemuBuildClockArgs:
 * -rtc (base, and the rtc timer's clock= and driftfix=), the PIT's lost
 * tick policy (kvm-pit, ignored by QEMU under TCG, written as libvirt
 * does) and -no-hpet.
 */
void
qemuBuildClockArgs(GPtrArray *args, const virDomainDef *def)
{
    GString *rtc = g_string_new(def->clockOffset == VIR_DOMAIN_CLOCK_OFFSET_LOCALTIME
                                    ? "base=localtime" : "base=utc");
    const virDomainTimerDef *timer;
    size_t i;

    if ((timer = qemuDomainFindTimer(def, VIR_DOMAIN_TIMER_NAME_RTC))) {
        if (timer->track == VIR_DOMAIN_TIMER_TRACK_GUEST)
            g_string_append(rtc, ",clock=vm");
        else if (timer->track == VIR_DOMAIN_TIMER_TRACK_WALL)
            g_string_append(rtc, ",clock=host");
        else if (timer->track == VIR_DOMAIN_TIMER_TRACK_REALTIME)
            g_string_append(rtc, ",clock=rt");
        if (timer->tickpolicy == VIR_DOMAIN_TIMER_TICKPOLICY_CATCHUP)
            g_string_append(rtc, ",driftfix=slew");
    }
    qemuArgsAdd(args, "-rtc");
    g_ptr_array_add(args, g_string_free(rtc, FALSE));

    for (i = 0; i < def->timers->len; i++) {
        timer = g_ptr_array_index(def->timers, i);
        if (timer->name == VIR_DOMAIN_TIMER_NAME_PIT) {
            if (timer->tickpolicy == VIR_DOMAIN_TIMER_TICKPOLICY_NONE ||
                timer->tickpolicy == VIR_DOMAIN_TIMER_TICKPOLICY_DELAY) {
                qemuArgsAdd(args, "-global");
                qemuArgsAdd(args, "kvm-pit.lost_tick_policy=delay");
            } else if (timer->tickpolicy == VIR_DOMAIN_TIMER_TICKPOLICY_DISCARD) {
                qemuArgsAdd(args, "-global");
                qemuArgsAdd(args, "kvm-pit.lost_tick_policy=discard");
            }
        } else if (timer->name == VIR_DOMAIN_TIMER_NAME_HPET &&
                   timer->present == VIR_TRISTATE_BOOL_NO) {
            qemuArgsAdd(args, "-no-hpet");
        }
    }
}


/**
 * qemuBuildPMArgs:
 * -no-acpi without <acpi/>, then S3/S4 as globals of the machine's power
 * management device (ICH9-LPC on q35, PIIX4_PM on i440fx).  Goes after
 * -no-shutdown, as libvirt writes it.
 */
void
qemuBuildPMArgs(GPtrArray *args, const virDomainDef *def, bool q35)
{
    const char *pm = q35 ? "ICH9-LPC" : "PIIX4_PM";

    if (def->features[VIR_DOMAIN_FEATURE_ACPI] != VIR_TRISTATE_SWITCH_ON)
        qemuArgsAdd(args, "-no-acpi");
    if (def->pmS3) {
        qemuArgsAdd(args, "-global");
        g_ptr_array_add(args, g_strdup_printf("%s.disable_s3=%d", pm,
                                              def->pmS3 == VIR_TRISTATE_BOOL_NO));
    }
    if (def->pmS4) {
        qemuArgsAdd(args, "-global");
        g_ptr_array_add(args, g_strdup_printf("%s.disable_s4=%d", pm,
                                              def->pmS4 == VIR_TRISTATE_BOOL_NO));
    }
}



static void
qemuSmbiosAppend(GString *buf, const char *key, const char *value)
{
    g_string_append_printf(buf, ",%s=", key);
    for (; *value; value++) {
        if (*value == ',')
            g_string_append_c(buf, ',');
        g_string_append_c(buf, *value);
    }
}


/**
 * qemuBuildSmbiosArgs:
 * With <os><smbios mode='sysinfo'/>, one -smbios per <sysinfo> section
 * (type=0 bios, 1 system, 2 baseBoard, 3 chassis, 11 per OEM string),
 * keys in libvirt's order, commas doubled.  Goes after -uuid.
 */
void
qemuBuildSmbiosArgs(GPtrArray *args, const virDomainDef *def)
{
    const virDomainSysinfoDef *si = def->sysinfo;
    size_t i;
    size_t k;

    if (def->smbiosMode != VIR_DOMAIN_SMBIOS_SYSINFO || !si)
        return;
    for (i = 0; i < VIR_DOMAIN_SYSINFO_LAST; i++) {
        const char *const *keys = virDomainSysinfoKeys(i);
        GString *buf = g_string_new(NULL);
        bool any = false;

        g_string_append_printf(buf, "type=%zu", i);
        for (k = 0; keys[k]; k++) {
            if (!si->values[i][k])
                continue;
            qemuSmbiosAppend(buf, keys[k], si->values[i][k]);
            any = true;
        }
        if (!any) {
            g_string_free(buf, TRUE);
            continue;
        }
        qemuArgsAdd(args, "-smbios");
        g_ptr_array_add(args, g_string_free(buf, FALSE));
    }
    for (k = 0; k < si->oemStrings->len; k++) {
        GString *buf = g_string_new("type=11");

        qemuSmbiosAppend(buf, "value", g_ptr_array_index(si->oemStrings, k));
        qemuArgsAdd(args, "-smbios");
        g_ptr_array_add(args, g_string_free(buf, FALSE));
    }
}
