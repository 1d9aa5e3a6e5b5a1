/*
 * qemu_driver_save.c: driver entry points that save domains to files and
 * start them from those (issue 16)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * virsh save/restore/save-image-dumpxml/save-image-define and
 * managedsave, managedsave-remove, managedsave-dumpxml,
 * managedsave-define (and the -edit commands built on them).  The work
 * is qemu_save.c's; starting a domain from its managed save image is
 * part of start (qemu_driver_lifecycle.c).  Errors and their codes are libvirt 9.0's.
 */
#include <config.h>

#include <unistd.h>

#include "qemu_driver_save.h"
#include "qemu_domain.h"
#include "qemu_driver_lifecycle.h"
#include "qemu_process.h"
#include "qemu_save.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.driver_save");


/* Stock clients send absolute paths (the library makes them so); a
 * relative one would be the daemon's, which nobody means. */
static int
qemuDriverSaveCheckPath(const char *path)
{
    if (!g_path_is_absolute(path)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("save image path '%1$s' is not absolute"), path);
        return -1;
    }
    return 0;
}


/**
 * qemuDomainSaveFlags:
 * virDomainSaveFlags (and virDomainSave): the running domain's state into
 * @to, then it stops (STOPPED/SAVED).  RUNNING/PAUSED: how restore will
 * leave it; BYPASS_CACHE is refused (qemuSaveCheckFlags).
 */
int
qemuDomainSaveFlags(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                    const char *to, const char *dxml, unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    VIR_DEBUG("dom=%s to=%s dxml=%p flags=0x%x", dom->name, to, dxml, flags);
    if (qemuSaveCheckFlags(flags, QEMU_SAVE_FLAGS) < 0 ||
        qemuDriverSaveCheckPath(to) < 0 || !(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (virDomainObjCheckActive(vm) == 0)
        ret = qemuSaveDomain(vm, to, dxml, flags);
    virDomainObjEndAPI(&vm);
    return ret;
}


/* Back to its own definition and, if transient, gone: @vm after a
 * failed restore. */
static void
qemuDomainRestoreUndo(virDomainObj *vm)
{
    if (vm->newDef && !virDomainObjIsActive(vm)) {
        virDomainDefFree(vm->def);
        vm->def = g_steal_pointer(&vm->newDef);
        vm->def->id = -1;
    }
    qemuDomainRemoveInactive(vm);
}


/**
 * qemuDomainRestoreFlags:
 * virDomainRestoreFlags (and virDomainRestore): starts the domain of the
 * image @from (transient unless defined here; a running namesake is
 * refused).  @dxml replaces the image's XML if it keeps the guest ABI.
 * RUNNING/PAUSED override how it was saved; RESET_NVRAM has nothing to
 * reset here.  The image stays.
 */
int
qemuDomainRestoreFlags(virConn *conn G_GNUC_UNUSED, const char *from,
                       const char *dxml, unsigned int flags)
{
    g_autoptr(virDomainDef) def = NULL;
    qemuSaveImageHeader hdr;
    virDomainObj *vm;
    int fd = -1;
    int ret = -1;

    VIR_DEBUG("from=%s dxml=%p flags=0x%x", from, dxml, flags);
    if (qemuSaveCheckFlags(flags,
                           QEMU_SAVE_FLAGS | VIR_DOMAIN_SAVE_RESET_NVRAM) < 0 ||
        qemuDriverSaveCheckPath(from) < 0 ||
        !(def = qemuSaveImageReadDef(from, dxml, &hdr, &fd)))
        return -1;
    if ((vm = qemuDomainCreateXMLAdd(&def)) &&
        qemuProcessBeginJob(vm, VIR_DOMAIN_JOB_OPERATION_RESTORE, flags) == 0) {
        bool running = (flags & VIR_DOMAIN_SAVE_RUNNING) ||
                       (!(flags & VIR_DOMAIN_SAVE_PAUSED) &&
                        (hdr.flags & QEMU_SAVE_IMAGE_RUNNING));

        ret = qemuSaveRestore(vm, &fd, running, false);
        qemuProcessEndJob(vm);
    }
    if (fd >= 0)
        close(fd);
    if (vm && ret < 0)
        qemuDomainRestoreUndo(vm);
    virDomainObjEndAPI(&vm);
    return ret;
}


/**
 * qemuDomainManagedSave:
 * virDomainManagedSave: qemuDomainSaveFlags into the domain's own image
 * (<stateDir>/qemu/save/<name>.save), which the next start restores.
 * Persistent domains only, as in libvirt.
 */
int
qemuDomainManagedSave(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                      unsigned int flags)
{
    g_autofree char *path = NULL;
    virDomainObj *vm;
    int ret = -1;

    VIR_DEBUG("dom=%s flags=0x%x", dom->name, flags);
    if (qemuSaveCheckFlags(flags, QEMU_SAVE_FLAGS) < 0 ||
        !(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (virDomainObjCheckActive(vm) < 0) {
        /* reported */
    } else if (!vm->persistent) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("cannot do managed save for transient domain"));
    } else {
        path = qemuSaveManagedPath(vm);
        VIR_INFO("saving state of domain '%s' to '%s'", vm->def->name, path);
        if ((ret = qemuSaveDomain(vm, path, NULL, flags)) == 0)
            vm->hasManagedSave = true;
    }
    virDomainObjEndAPI(&vm);
    return ret;
}


/**
 * qemuDomainManagedSaveRemove:
 * virDomainManagedSaveRemove, under a MODIFY job so that it cannot race
 * with a start restoring the image.  No image: the unlink error, as in
 * libvirt.
 */
int
qemuDomainManagedSaveRemove(virConn *conn G_GNUC_UNUSED,
                            const virDomainIdent *dom, unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    VIR_DEBUG("dom=%s flags=0x%x", dom->name, flags);
    virCheckFlags(0, -1);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (virDomainObjBeginJob(vm, VIR_JOB_MODIFY) == 0) {
        ret = qemuSaveManagedRemove(vm, false);
        virDomainObjEndJob(vm);
    }
    virDomainObjEndAPI(&vm);
    return ret;
}


/* The XML of the image @path, as save-image-dumpxml shows it. */
static char *
qemuDriverSaveImageXML(const char *path, unsigned int flags)
{
    g_autoptr(virDomainDef) def = NULL;
    qemuSaveImageHeader hdr;
    int fd = -1;

    if (!(def = qemuSaveImageReadDef(path, NULL, &hdr, &fd)))
        return NULL;
    close(fd);
    return virDomainDefFormat(def,
                              VIR_DOMAIN_DEF_FORMAT_INACTIVE |
                                  ((flags & VIR_DOMAIN_SAVE_IMAGE_XML_SECURE)
                                       ? VIR_DOMAIN_DEF_FORMAT_SECURE
                                       : 0));
}


/* virDomainSaveImageGetXMLDesc: the domain XML kept in the image @file. */
char *
qemuDomainSaveImageGetXMLDesc(virConn *conn G_GNUC_UNUSED, const char *file,
                              unsigned int flags)
{
    VIR_DEBUG("file=%s flags=0x%x", file, flags);
    virCheckFlags(VIR_DOMAIN_SAVE_IMAGE_XML_SECURE, NULL);
    if (qemuDriverSaveCheckPath(file) < 0)
        return NULL;
    return qemuDriverSaveImageXML(file, flags);
}


/* virDomainManagedSaveGetXMLDesc: the same for the managed image. */
char *
qemuDomainManagedSaveGetXMLDesc(virConn *conn G_GNUC_UNUSED,
                                const virDomainIdent *dom, unsigned int flags)
{
    g_autofree char *path = NULL;
    virDomainObj *vm;

    VIR_DEBUG("dom=%s flags=0x%x", dom->name, flags);
    virCheckFlags(VIR_DOMAIN_SAVE_IMAGE_XML_SECURE, NULL);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return NULL;
    if (vm->hasManagedSave)
        path = qemuSaveManagedPath(vm);
    else
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("domain does not have managed save image"));
    virDomainObjEndAPI(&vm);
    return path ? qemuDriverSaveImageXML(path, flags) : NULL;
}


/* The flags of the define calls, as libvirt: RUNNING or PAUSED (not
 * both, which qemuSaveCheckFlags refuses). */
static int
qemuDriverSaveDefineCheckFlags(unsigned int flags)
{
    virCheckFlags(VIR_DOMAIN_SAVE_RUNNING | VIR_DOMAIN_SAVE_PAUSED, -1);
    return qemuSaveCheckFlags(flags, flags);
}


/**
 * qemuDomainSaveImageDefineXML:
 * virDomainSaveImageDefineXML: the XML kept in the image @file becomes
 * @dxml if it keeps the guest ABI; RUNNING/PAUSED set how a restore
 * leaves the guest (qemuSaveImageDefine).
 */
int
qemuDomainSaveImageDefineXML(virConn *conn G_GNUC_UNUSED, const char *file,
                             const char *dxml, unsigned int flags)
{
    VIR_DEBUG("file=%s dxml=%p flags=0x%x", file, dxml, flags);
    if (qemuDriverSaveDefineCheckFlags(flags) < 0 ||
        qemuDriverSaveCheckPath(file) < 0)
        return -1;
    return qemuSaveImageDefine(file, dxml, flags);
}


/**
 * qemuDomainManagedSaveDefineXML:
 * virDomainManagedSaveDefineXML: the same on the domain's managed save
 * image, under a MODIFY job (a start cannot restore it meanwhile).  A
 * NULL @dxml keeps the XML (only RUNNING/PAUSED change).
 */
int
qemuDomainManagedSaveDefineXML(virConn *conn G_GNUC_UNUSED,
                               const virDomainIdent *dom, const char *dxml,
                               unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    VIR_DEBUG("dom=%s dxml=%p flags=0x%x", dom->name, dxml, flags);
    if (qemuDriverSaveDefineCheckFlags(flags) < 0 ||
        !(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (virDomainObjBeginJob(vm, VIR_JOB_MODIFY) == 0) {
        ret = qemuSaveManagedDefine(vm, dxml, flags);
        virDomainObjEndJob(vm);
    }
    virDomainObjEndAPI(&vm);
    return ret;
}
