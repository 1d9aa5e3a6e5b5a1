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
#include "qemu_dump.h"
#include "qemu_domain.h"
#include "qemu_driver_lifecycle.h"
#include "qemu_process.h"
#include "qemu_save.h"
#include "virerror.h"
#include "virlog.h"
#include "virtypedparam.h"

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
 * leave it; BYPASS_CACHE: QEMU's stream is written with O_DIRECT.
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


/**
 * qemuDomainCoreDumpWithFormat:
 * virDomainCoreDumpWithFormat (and virDomainCoreDump, format raw): the
 * guest's memory into @to (qemu_dump.c).
 */
int
qemuDomainCoreDumpWithFormat(virConn *conn G_GNUC_UNUSED,
                             const virDomainIdent *dom, const char *to,
                             unsigned int dumpformat, unsigned int flags)
{
    virDomainObj *vm;
    int ret = -1;

    VIR_DEBUG("dom=%s to=%s format=%u flags=0x%x", dom->name, to, dumpformat,
              flags);
    if (!g_path_is_absolute(to)) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("dump file path '%1$s' is not absolute"), to);
        return -1;
    }
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    if (virDomainObjCheckActive(vm) == 0)
        ret = qemuDumpDomain(vm, to, dumpformat, flags);
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
 * RUNNING/PAUSED override how it was saved; BYPASS_CACHE reads the
 * stream with O_DIRECT; RESET_NVRAM has nothing to reset here.  The
 * image stays.
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

        ret = qemuSaveRestoreImage(vm, from, &hdr, &fd,
                                   flags & VIR_DOMAIN_SAVE_BYPASS_CACHE,
                                   running, false);
        qemuProcessEndJob(vm);
    }
    if (fd >= 0)
        close(fd);
    if (vm && ret < 0)
        qemuDomainRestoreUndo(vm);
    virDomainObjEndAPI(&vm);
    return ret;
}


/* The managed save of locked @vm, with @dxml (may be NULL) in the image
 * instead of its live XML: persistent domains only, as in libvirt. */
static int
qemuDriverManagedSave(virDomainObj *vm, const char *dxml, unsigned int flags)
{
    g_autofree char *path = NULL;

    if (virDomainObjCheckActive(vm) < 0)
        return -1;
    if (!vm->persistent) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("cannot do managed save for transient domain"));
        return -1;
    }
    path = qemuSaveManagedPath(vm);
    VIR_INFO("saving state of domain '%s' to '%s'", vm->def->name, path);
    if (qemuSaveDomain(vm, path, dxml, flags) < 0)
        return -1;
    vm->hasManagedSave = true;
    return 0;
}


/**
 * qemuDomainManagedSave:
 * virDomainManagedSave: qemuDomainSaveFlags into the domain's own image
 * (<stateDir>/qemu/save/<name>.save), which the next start restores.
 */
int
qemuDomainManagedSave(virConn *conn G_GNUC_UNUSED, const virDomainIdent *dom,
                      unsigned int flags)
{
    virDomainObj *vm;
    int ret;

    VIR_DEBUG("dom=%s flags=0x%x", dom->name, flags);
    if (qemuSaveCheckFlags(flags, QEMU_SAVE_FLAGS) < 0 ||
        !(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    ret = qemuDriverManagedSave(vm, NULL, flags);
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
 * both). */
static int
qemuDriverSaveDefineCheckFlags(unsigned int flags)
{
    return qemuSaveCheckFlags(flags,
                              VIR_DOMAIN_SAVE_RUNNING | VIR_DOMAIN_SAVE_PAUSED);
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


/* What virDomainSaveParams and RestoreParams take, as libvirt 9.0. */
static const virTypedParamSpec qemuDriverSaveParamSpecs[] = {
    { VIR_DOMAIN_SAVE_PARAM_FILE, VIR_TYPED_PARAM_STRING, false },
    { VIR_DOMAIN_SAVE_PARAM_DXML, VIR_TYPED_PARAM_STRING, false },
};


/* The file and the XML of @params (borrowed; NULL when absent), after
 * libvirt's checks: unknown names, types, repeats.  Returns 0 or -1
 * (reported). */
static int
qemuDriverSaveParamsParse(const virTypedParameter *params, int nparams,
                          const char **file, const char **dxml)
{
    size_t nspecs = G_N_ELEMENTS(qemuDriverSaveParamSpecs);
    const char *f = NULL;
    const char *x = NULL;

    if (virTypedParamArrayValidate(params, nparams, qemuDriverSaveParamSpecs,
                                   nspecs) < 0 ||
        virTypedParamArrayGetString(params, nparams, VIR_DOMAIN_SAVE_PARAM_FILE,
                                    &f) < 0 ||
        virTypedParamArrayGetString(params, nparams, VIR_DOMAIN_SAVE_PARAM_DXML,
                                    &x) < 0)
        return -1;
    *file = f;
    *dxml = x;
    return 0;
}


/**
 * qemuDomainSaveParams:
 * virDomainSaveParams: qemuDomainSaveFlags with the file and XML in
 * typed parameters; without a file, a managed save (libvirt 9.0 does
 * the same).
 */
int
qemuDomainSaveParams(virConn *conn, const virDomainIdent *dom,
                     const virTypedParameter *params, int nparams,
                     unsigned int flags)
{
    const char *to = NULL;
    const char *dxml = NULL;
    virDomainObj *vm;
    int ret;

    VIR_DEBUG("dom=%s nparams=%d flags=0x%x", dom->name, nparams, flags);
    if (qemuSaveCheckFlags(flags, QEMU_SAVE_FLAGS) < 0 ||
        qemuDriverSaveParamsParse(params, nparams, &to, &dxml) < 0)
        return -1;
    if (to)
        return qemuDomainSaveFlags(conn, dom, to, dxml, flags);
    if (!(vm = qemuDomainObjFromIdent(dom)))
        return -1;
    ret = qemuDriverManagedSave(vm, dxml, flags);
    virDomainObjEndAPI(&vm);
    return ret;
}


/**
 * qemuDomainRestoreParams:
 * virDomainRestoreParams: qemuDomainRestoreFlags with the file and XML
 * in typed parameters; the file is required.
 */
int
qemuDomainRestoreParams(virConn *conn, const virTypedParameter *params,
                        int nparams, unsigned int flags)
{
    const char *from = NULL;
    const char *dxml = NULL;

    VIR_DEBUG("nparams=%d flags=0x%x", nparams, flags);
    if (qemuDriverSaveParamsParse(params, nparams, &from, &dxml) < 0)
        return -1;
    if (!from) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("missing path to restore from"));
        return -1;
    }
    return qemuDomainRestoreFlags(conn, from, dxml, flags);
}
