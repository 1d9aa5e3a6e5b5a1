/*
 * remote_driver_loader.c: finds and loads the hypervisor driver module
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <gmodule.h>

#include "remote_daemon.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_NONE

VIR_LOG_INIT("daemon.loader");

#define QEMU_DRIVER_MODULE "libvirtmig_driver_qemu.so"

/* The directory to load drivers from: $VIRTMIG_DRIVER_DIR, the build tree
 * when this binary runs from it, else the installed module dir. */
static char *
remoteDriverDir(void)
{
    const char *env = g_getenv("VIRTMIG_DRIVER_DIR");
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);

    if (env && *env)
        return g_strdup(env);
    if (self && g_str_has_prefix(self, BUILDDIR "/"))
        return g_build_filename(BUILDDIR, "src", "qemu", NULL);
    return g_strdup(MODULEDIR);
}


int
remoteDriverLoad(virtmigdDaemon *daemon)
{
    g_autofree char *dir = remoteDriverDir();
    g_autofree char *path = g_build_filename(dir, QEMU_DRIVER_MODULE, NULL);
    virDriverModuleGetFunc get = NULL;
    GModule *mod;

    if (!(mod = g_module_open(path, G_MODULE_BIND_LOCAL))) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("failed to load driver module '%1$s': %2$s"),
                       path, g_module_error());
        return -1;
    }
    if (!g_module_symbol(mod, VIR_DRIVER_MODULE_SYMBOL, (gpointer *)&get) ||
        !get) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("driver module '%1$s' has no symbol %2$s"), path,
                       VIR_DRIVER_MODULE_SYMBOL);
        g_module_close(mod);
        return -1;
    }
    g_module_make_resident(mod);
    daemon->module = mod;
    daemon->driver = get();
    VIR_INFO("loaded %s driver from %s", daemon->driver->name, path);
    return 0;
}
