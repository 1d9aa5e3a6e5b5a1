/*
 * qemucapsprobe.c: record the QMP schema of a real QEMU for the fake monitor
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Starts QEMU paused with no devices, asks query-qmp-schema and prints the
 * result as a JSON array, one schema entry per line (so updates diff
 * well).  The fake monitor checks every command we send against it:
 *
 *   build/tests/qemucapsprobe [qemu-system-x86_64] | gzip -9n \
 *       > tests/qemumonitordata/qmp-schema-7.2.json.gz
 */
#include <config.h>

#include <stdio.h>
#include <unistd.h>

#include "qemu_monitor.h"
#include "qemu_monitor_json.h"
#include "testutils.h"
#include "vircommand.h"
#include "virerror.h"
#include "virfile.h"
#include "virobject.h"
#include "virprocess.h"

#define VIR_FROM_THIS VIR_FROM_NONE

static const qemuMonitorCallbacks probeCallbacks = { 0 };


/* Asks @mon for its schema and prints it.  Returns 0 or -1. */
static int
probeDumpSchema(qemuMonitor *mon)
{
    g_autoptr(json_object) reply = NULL;
    json_object *ret = NULL;
    size_t i;

    VIR_WITH_OBJECT_LOCK_GUARD(mon) {
        if (qemuMonitorSend(mon, qemuMonitorJSONMakeCommand("query-qmp-schema", NULL),
                            &reply, 10000) < 0)
            return -1;
    }
    json_object_object_get_ex(reply, "return", &ret);
    printf("[\n");
    for (i = 0; i < json_object_array_length(ret); i++) {
        g_autofree char *entry = qemuMonitorJSONFormat(json_object_array_get_idx(ret, i));

        printf("%s%s\n", entry, i + 1 < json_object_array_length(ret) ? "," : "");
    }
    printf("]\n");
    return 0;
}


int
main(int argc, char **argv)
{
    const char *binary = argc > 1 ? argv[1] : "qemu-system-x86_64";
    g_autofree char *dir = g_dir_make_tmp("qemucapsprobe-XXXXXX", NULL);
    g_autofree char *sock = g_build_filename(dir, "qmp.sock", NULL);
    g_autofree char *qmparg = g_strdup_printf("unix:%s,server=on,wait=off", sock);
    g_autoptr(virCommand) cmd = virCommandNewArgList(
        binary, "-S", "-no-user-config", "-nodefaults", "-machine", "none",
        "-display", "none", "-qmp", qmparg, NULL);
    VIR_AUTOCLOSE pidfd = -1;
    qemuMonitor *mon = NULL;
    pid_t pid;
    int ret = 1;

    if (virCommandRunAsync(cmd, &pid, &pidfd) < 0 ||
        !(mon = qemuMonitorOpen(sock, "probe", pidfd, 10000, &probeCallbacks, NULL))) {
        fprintf(stderr, "qemucapsprobe: %s\n", virTestLastErrorMessage());
    } else if (probeDumpSchema(mon) < 0) {
        fprintf(stderr, "qemucapsprobe: %s\n", virTestLastErrorMessage());
    } else {
        ret = 0;
    }
    qemuMonitorClose(mon);
    if (pidfd >= 0) {
        virProcessKillPainfully(pid, pidfd, 1000);
        virProcessReap(pid, NULL);
    }
    unlink(sock);
    rmdir(dir);
    return ret;
}
