/*
 * qemu_conf.c: the QEMU driver's state and configuration
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "qemu_conf.h"
#include "qemu_capabilities.h"
#include "virerror.h"
#include "virfile.h"

#define VIR_FROM_THIS VIR_FROM_QEMU


virQEMUDriver *qemu_driver;

const char *const qemuConfigKeys[] = {
    "qemu_emulator",
    NULL
};


/* Builds the driver config from what the daemon passed; returns NULL with
 * an error (naming the config file and line) on a bad setting. */
virQEMUDriverConfig *
qemuDriverConfigNew(const virDriverStateConfig *dcfg)
{
    g_autoptr(virQEMUDriverConfig) cfg = g_new0(virQEMUDriverConfig, 1);

    cfg->runDir = g_strdup(dcfg->runDir);
    cfg->stateDir = g_strdup(dcfg->stateDir);
    cfg->logDir = g_strdup(dcfg->logDir);
    cfg->hostName = g_strdup(dcfg->hostName);
    memcpy(cfg->hostUUID, dcfg->hostUUID, VIR_UUID_BUFLEN);
    if (dcfg->conf &&
        virConfGetString(dcfg->conf, "qemu_emulator", &cfg->emulator) < 0)
        return NULL;
    if (!cfg->emulator)
        cfg->emulator = g_strdup(QEMU_DEFAULT_EMULATOR);
    return g_steal_pointer(&cfg);
}


void
qemuDriverConfigFree(virQEMUDriverConfig *cfg)
{
    if (!cfg)
        return;
    g_free(cfg->runDir);
    g_free(cfg->stateDir);
    g_free(cfg->logDir);
    g_free(cfg->hostName);
    g_free(cfg->emulator);
    g_free(cfg);
}
