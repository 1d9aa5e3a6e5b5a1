/*
 * qemu_domaincaps.c: the domain capabilities XML (virsh domcapabilities)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * virt-install and virt-manager read it before they write a domain: it
 * lists what this driver turns into QEMU arguments (the device models of
 * domain_conf), so a client never offers what the XML parser refuses.
 */
#include <config.h>

#include "qemu_domaincaps.h"
#include "virbuffer.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.domaincaps");


/* <enum name='@name'> with the NULL-terminated @values. */
static void
qemuDomainCapsEnum(virBuffer *buf, const char *name, const char *const *values)
{
    virBufferAsprintf(buf, "<enum name='%s'>\n", name);
    virBufferAdjustIndent(buf, 2);
    for (; *values; values++)
        virBufferAsprintf(buf, "<value>%s</value>\n", *values);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</enum>\n");
}


/* <@elem supported='yes'> holding one enum, or supported='no'. */
static void
qemuDomainCapsElem(virBuffer *buf, const char *elem, const char *enumName,
                   const char *const *values)
{
    if (!values) {
        virBufferAsprintf(buf, "<%s supported='no'/>\n", elem);
        return;
    }
    virBufferAsprintf(buf, "<%s supported='yes'>\n", elem);
    virBufferAdjustIndent(buf, 2);
    qemuDomainCapsEnum(buf, enumName, values);
    virBufferAdjustIndent(buf, -2);
    virBufferAsprintf(buf, "</%s>\n", elem);
}


/* A CPU <mode> that may be migratable or not. */
static void
qemuDomainCapsCPUMode(virBuffer *buf, const char *mode, const char *enumName,
                      bool supported)
{
    static const char *const migratable[] = { "on", "off", NULL };

    if (!supported) {
        virBufferAsprintf(buf, "<mode name='%s' supported='no'/>\n", mode);
        return;
    }
    virBufferAsprintf(buf, "<mode name='%s' supported='yes'>\n", mode);
    virBufferAdjustIndent(buf, 2);
    qemuDomainCapsEnum(buf, enumName, migratable);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</mode>\n");
}


/* host-passthrough needs KVM; "maximum" works with both accelerators;
 * no host-model (there is no CPU model map here); the custom models are
 * QEMU's, usable when QEMU runs them here (probed under TCG). */
static void
qemuDomainCapsFormatCPUModels(virBuffer *buf, const qemuCaps *caps)
{
    size_t i;

    if (!caps->cpuModels || caps->cpuModels->len == 0) {
        virBufferAddLit(buf, "<mode name='custom' supported='yes'/>\n");
        return;
    }
    virBufferAddLit(buf, "<mode name='custom' supported='yes'>\n");
    virBufferAdjustIndent(buf, 2);
    for (i = 0; i < caps->cpuModels->len; i++) {
        const qemuCapsCPUModel *m = g_ptr_array_index(caps->cpuModels, i);

        /* QEMU does not say whose a model is */
        virBufferAsprintf(buf, "<model usable='%s'%s vendor='unknown'>",
                          m->usable ? "yes" : "no",
                          m->deprecated ? " deprecated='yes'" : "");
        virBufferEscapeString(buf, "%s</model>\n", m->name);
    }
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</mode>\n");
}


static void
qemuDomainCapsFormatCPU(virBuffer *buf, const qemuCaps *caps,
                        virDomainVirtType virtType)
{
    virBufferAddLit(buf, "<cpu>\n");
    virBufferAdjustIndent(buf, 2);
    qemuDomainCapsCPUMode(buf, "host-passthrough", "hostPassthroughMigratable",
                          virtType == VIR_DOMAIN_VIRT_KVM);
    qemuDomainCapsCPUMode(buf, "maximum", "maximumMigratable", true);
    virBufferAddLit(buf, "<mode name='host-model' supported='no'/>\n");
    qemuDomainCapsFormatCPUModels(buf, caps);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</cpu>\n");
}


/* The devices this driver builds arguments for (domain_conf's models). */
static void
qemuDomainCapsFormatDevices(virBuffer *buf)
{
    static const char *const diskDevice[] = { "disk", "cdrom", NULL };
    static const char *const bus[] = { "ide", "scsi", "virtio", "usb", "sata", NULL };
    static const char *const graphics[] = { "vnc", "spice", NULL };
    static const char *const video[] = { "vga", "cirrus", "bochs", "qxl", "virtio",
                                         "none", NULL };
    static const char *const rng[] = { "virtio", NULL };
    static const char *const rngBackend[] = { "random", NULL };
    static const char *const channel[] = { "pty", "unix", "spicevmc", NULL };

    virBufferAddLit(buf, "<devices>\n");
    virBufferAdjustIndent(buf, 2);
    virBufferAddLit(buf, "<disk supported='yes'>\n");
    virBufferAdjustIndent(buf, 2);
    qemuDomainCapsEnum(buf, "diskDevice", diskDevice);
    qemuDomainCapsEnum(buf, "bus", bus);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</disk>\n");
    qemuDomainCapsElem(buf, "graphics", "type", graphics);
    qemuDomainCapsElem(buf, "video", "modelType", video);
    qemuDomainCapsElem(buf, "hostdev", NULL, NULL);
    virBufferAddLit(buf, "<rng supported='yes'>\n");
    virBufferAdjustIndent(buf, 2);
    qemuDomainCapsEnum(buf, "model", rng);
    qemuDomainCapsEnum(buf, "backendModel", rngBackend);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</rng>\n");
    qemuDomainCapsElem(buf, "filesystem", NULL, NULL);
    qemuDomainCapsElem(buf, "tpm", NULL, NULL);
    qemuDomainCapsElem(buf, "redirdev", NULL, NULL);
    qemuDomainCapsElem(buf, "channel", "type", channel);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</devices>\n");
}


static void
qemuDomainCapsFormatFeatures(virBuffer *buf)
{
    static const char *const features[] = {
        "gic", "vmcoreinfo", "genid", "backingStoreInput", "backup", "sev",
        "sgx", NULL,
    };
    const char *const *f;

    virBufferAddLit(buf, "<features>\n");
    virBufferAdjustIndent(buf, 2);
    for (f = features; *f; f++)
        virBufferAsprintf(buf, "<%s supported='no'/>\n", *f);
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</features>\n");
}


/**
 * qemuDomainCapsFormat:
 * BIOS only (no firmware loader is configured), the CPU modes QEMU's
 * accelerator allows, the device models domain_conf accepts; everything
 * else says supported='no'.
 */
char *
qemuDomainCapsFormat(const qemuCaps *caps, const char *machine,
                     virDomainVirtType virtType)
{
    static const char *const firmware[] = { NULL };
    g_auto(virBuffer) buf = VIR_BUFFER_INITIALIZER;
    unsigned int maxCpus = qemuCapsGetMachineMaxCpus(caps, machine);

    virBufferAddLit(&buf, "<domainCapabilities>\n");
    virBufferAdjustIndent(&buf, 2);
    virBufferEscapeString(&buf, "<path>%s</path>\n", caps->binary);
    virBufferAsprintf(&buf, "<domain>%s</domain>\n",
                      virDomainVirtTypeToString(virtType));
    virBufferEscapeString(&buf, "<machine>%s</machine>\n", machine);
    virBufferAddLit(&buf, "<arch>x86_64</arch>\n");
    virBufferAsprintf(&buf, "<vcpu max='%u'/>\n", maxCpus ? maxCpus : 255);
    virBufferAddLit(&buf, "<iothreads supported='yes'/>\n");
    virBufferAddLit(&buf, "<os supported='yes'>\n");
    virBufferAdjustIndent(&buf, 2);
    qemuDomainCapsEnum(&buf, "firmware", firmware);
    virBufferAddLit(&buf, "<loader supported='no'/>\n");
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</os>\n");
    qemuDomainCapsFormatCPU(&buf, caps, virtType);
    qemuDomainCapsFormatDevices(&buf);
    qemuDomainCapsFormatFeatures(&buf);
    virBufferAdjustIndent(&buf, -2);
    virBufferAddLit(&buf, "</domainCapabilities>\n");
    return virBufferContentAndReset(&buf);
}
