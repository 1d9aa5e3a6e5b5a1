/*
 * qemu_migration_tls.c: TLS for QEMU's migration stream (VIR_MIGRATE_TLS)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "qemu_migration_tls.h"
#include "qemu_conf.h"
#include "qemu_domain.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_migration_tls");

/* The files QEMU's tls-creds-x509 needs in its directory, per end. */
static const char *const qemuMigrationTLSServerFiles[] = {
    "ca-cert.pem", "server-cert.pem", "server-key.pem", NULL
};
static const char *const qemuMigrationTLSClientFiles[] = {
    "ca-cert.pem", "client-cert.pem", "client-key.pem", NULL
};


int
qemuMigrationTLSCheckArgs(unsigned long long flags, const char *tlsDestination)
{
    /* the user named the host whose certificate QEMU must check, and
     * would otherwise get a plain stream without a word */
    if (tlsDestination && !(flags & VIR_MIGRATE_TLS)) {
        virReportError(VIR_ERR_INVALID_ARG, "%s",
                       _("Turn TLS migration (VIR_MIGRATE_TLS) on to name its destination (tls.destination)"));
        return -1;
    }
    if (qemu_driver && qemu_driver->cfg->migrateTLSForce &&
        !(flags & (VIR_MIGRATE_TLS | VIR_MIGRATE_TUNNELLED |
                   VIR_MIGRATE_OFFLINE))) {
        virReportError(VIR_ERR_OPERATION_INVALID, "%s",
                       _("this host allows migration only with VIR_MIGRATE_TLS (migrate_tls_force = 1)"));
        return -1;
    }
    return 0;
}


/* Refuses a certificate directory that lacks a file @party's QEMU
 * needs, before QEMU says it less clearly. */
static int
qemuMigrationTLSCheckDir(const char *dir, qemuMigrationParty party)
{
    const char *const *files = party == QEMU_MIGRATION_DESTINATION ?
                               qemuMigrationTLSServerFiles :
                               qemuMigrationTLSClientFiles;
    size_t i;

    for (i = 0; files[i]; i++) {
        g_autofree char *path = g_build_filename(dir, files[i], NULL);

        if (!virFileExists(path)) {
            virReportError(VIR_ERR_OPERATION_INVALID,
                           party == QEMU_MIGRATION_DESTINATION ?
                           _("TLS migration: '%1$s' is missing (migrate_tls_x509_cert_dir of this destination)") :
                           _("TLS migration: '%1$s' is missing (migrate_tls_x509_cert_dir of this source)"),
                           path);
            return -1;
        }
    }
    return 0;
}


/* object-add's arguments: the x509 credentials of @party's end. */
static json_object *
qemuMigrationTLSProps(const char *dir, qemuMigrationParty party, bool verify)
{
    json_object *props = json_object_new_object();
    bool server = party == QEMU_MIGRATION_DESTINATION;

    json_object_object_add(props, "qom-type",
                           json_object_new_string("tls-creds-x509"));
    json_object_object_add(props, "id",
                           json_object_new_string(QEMU_MIGRATION_TLS_ALIAS));
    json_object_object_add(props, "dir", json_object_new_string(dir));
    json_object_object_add(props, "endpoint",
                           json_object_new_string(server ? "server" : "client"));
    json_object_object_add(props, "verify-peer",
                           json_object_new_boolean(server ? verify : true));
    return props;
}


/* Adds the object; one left by a daemon that stopped mid-migration is
 * replaced.  Returns 0 or -1 (reported). */
static int
qemuMigrationTLSAddObject(qemuMonitor *mon, const char *dir,
                          qemuMigrationParty party, bool verify)
{
    virError *err = NULL;

    if (qemuMonitorAddObject(mon, qemuMigrationTLSProps(dir, party, verify)) == 0)
        return 0;
    virErrorPreserveLast(&err);
    if (qemuMonitorDelObject(mon, QEMU_MIGRATION_TLS_ALIAS) < 0 ||
        qemuMonitorAddObject(mon, qemuMigrationTLSProps(dir, party, verify)) < 0) {
        virErrorRestore(&err);
        return -1;
    }
    virErrorFree(err);
    virErrorResetLast();
    VIR_WARN("replaced a leftover %s object", QEMU_MIGRATION_TLS_ALIAS);
    return 0;
}


int
qemuMigrationAnySetupTLS(virDomainObj *vm, qemuMonitor *mon,
                         qemuMigrationParams *migParams,
                         qemuMigrationParty party, unsigned long long flags)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    virQEMUDriverConfig *cfg = qemu_driver->cfg;

    if (!(flags & VIR_MIGRATE_TLS)) {
        qemuMigrationParamsDisableTLS(migParams, priv->migrationOrigParams);
        return 0;
    }
    if (!priv->migrationOrigParams ||
        !qemuMigrationParamsIsSet(priv->migrationOrigParams,
                                  QEMU_MIGRATION_PARAM_TLS_CREDS)) {
        virReportError(VIR_ERR_OPERATION_UNSUPPORTED, "%s",
                       _("TLS migration is not supported with this QEMU binary"));
        return -1;
    }
    if (qemuMigrationTLSCheckDir(cfg->migrateTLSx509certdir, party) < 0 ||
        qemuMigrationTLSAddObject(mon, cfg->migrateTLSx509certdir, party,
                                  cfg->migrateTLSx509verify) < 0)
        return -1;
    priv->migrationTLS = true;
    VIR_INFO("domain %s: TLS migration with the credentials in %s",
             vm->def->name, cfg->migrateTLSx509certdir);
    qemuMigrationParamsEnableTLS(migParams, QEMU_MIGRATION_TLS_ALIAS);
    return 0;
}


void
qemuMigrationAnyRemoveTLS(virDomainObj *vm, qemuMonitor *mon)
{
    qemuDomainObjPrivate *priv = vm->privateData;
    virError *err = NULL;

    if (!priv->migrationTLS)
        return;
    priv->migrationTLS = false;
    virErrorPreserveLast(&err);
    if (qemuMonitorDelObject(mon, QEMU_MIGRATION_TLS_ALIAS) < 0)
        VIR_DEBUG("the TLS object of domain %s stays", vm->def->name);
    virErrorRestore(&err);
}
