/*
 * qemu_agent_guest.c: the guest agent's typed commands
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Replies are checked as they are read: a member the agent must send
 * and did not, or sent with the wrong type, is an internal error naming
 * it, never a crash.  Typed parameter names are libvirt's.
 */
#include <config.h>

#include "qemu_agent_guest.h"
#include "qemu_monitor.h"
#include "virerror.h"
#include "virhypervisordriver.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_agent_guest");


void
qemuAgentDiskAddressFree(qemuAgentDiskAddress *addr)
{
    if (!addr)
        return;
    g_free(addr->serial);
    g_free(addr->devnode);
    g_free(addr->busType);
    g_free(addr);
}


void
qemuAgentFSInfoFree(qemuAgentFSInfo *info)
{
    if (!info)
        return;
    g_free(info->mountpoint);
    g_free(info->name);
    g_free(info->fstype);
    if (info->disks)
        g_ptr_array_unref(info->disks);
    g_free(info);
}


void
qemuAgentDiskInfoFree(qemuAgentDiskInfo *info)
{
    if (!info)
        return;
    g_free(info->name);
    g_strfreev(info->dependencies);
    g_free(info->alias);
    qemuAgentDiskAddressFree(info->address);
    g_free(info);
}


/**
 * qemuAgentGetHostname:
 * guest-get-host-name.  Returns 0 with *@retName set (caller owns), -2
 * (unsupported, see the header) or -1 (reported).
 */
int
qemuAgentGetHostname(qemuAgent *agent, bool reportUnsupported, char **retName)
{
    g_autoptr(json_object) ret = NULL;
    const char *name;
    int rc;

    if ((rc = qemuAgentQuery(agent, "guest-get-host-name", json_type_object, 0,
                             reportUnsupported, &ret)) < 0)
        return rc;
    if (!(name = qemuAgentString(ret, "host-name")))
        return qemuAgentMalformed("guest-get-host-name", "host-name");
    *retName = g_strdup(name);
    return 0;
}


/**
 * qemuAgentGetTime:
 * guest-get-time: the guest's clock, split into seconds and nanoseconds.
 * Returns 0 or -1 (reported).
 */
int
qemuAgentGetTime(qemuAgent *agent, long long *retSeconds,
                 unsigned int *retNseconds)
{
    g_autoptr(json_object) ret = NULL;
    long long ns;

    if (qemuAgentQuery(agent, "guest-get-time", json_type_int, 0, true, &ret))
        return -1;
    ns = json_object_get_int64(ret);
    *retSeconds = ns / 1000000000LL;
    *retNseconds = ns % 1000000000LL;
    return 0;
}


/**
 * qemuAgentSetTime:
 * guest-set-time: to @seconds + @nseconds, or with @sync from the
 * guest's hardware clock.  Returns 0 or -1 (reported).
 */
int
qemuAgentSetTime(qemuAgent *agent, long long seconds, unsigned int nseconds,
                 bool sync)
{
    json_object *args = NULL;

    if (!sync) {
        /* the agent takes nanoseconds in a signed 64-bit integer */
        if (seconds < 0 || seconds > G_MAXINT64 / 1000000000LL - 1) {
            virReportError(VIR_ERR_INVALID_ARG,
                           _("Time '%1$lld' is too big for guest agent"),
                           seconds);
            return -1;
        }
        args = json_object_new_object();
        json_object_object_add(args, "time",
                               json_object_new_int64(seconds * 1000000000LL +
                                                     nseconds));
    }
    return qemuAgentRun(agent, "guest-set-time", args, true, NULL);
}


/**
 * qemuAgentGetVCPUs:
 * guest-get-vcpus: a GArray of qemuAgentCPUInfo in *@retInfo (caller
 * owns).  Returns 0 or -1 (reported).
 */
int
qemuAgentGetVCPUs(qemuAgent *agent, GArray **retInfo)
{
    g_autoptr(json_object) ret = NULL;
    g_autoptr(GArray) info = g_array_new(FALSE, TRUE, sizeof(qemuAgentCPUInfo));
    size_t i;

    if (qemuAgentQuery(agent, "guest-get-vcpus", json_type_array, SIZE_MAX,
                       true, &ret) < 0)
        return -1;
    for (i = 0; i < json_object_array_length(ret); i++) {
        json_object *cpu = json_object_array_get_idx(ret, i);
        json_object *id = qemuAgentMember(cpu, "logical-id", json_type_int);
        json_object *online = qemuAgentMember(cpu, "online", json_type_boolean);
        json_object *can = qemuAgentMember(cpu, "can-offline",
                                           json_type_boolean);
        qemuAgentCPUInfo entry = { 0 };

        if (!id || json_object_get_int64(id) < 0 ||
            json_object_get_int64(id) >= 4096 || !online)
            return qemuAgentMalformed("guest-get-vcpus", "logical-id/online");
        entry.id = json_object_get_int64(id);
        entry.online = json_object_get_boolean(online);
        entry.offlinable = can && json_object_get_boolean(can);
        g_array_append_val(info, entry);
    }
    *retInfo = g_steal_pointer(&info);
    return 0;
}


/**
 * qemuAgentSetVCPUs:
 * guest-set-vcpus for the entries of @info marked modified.  The agent
 * stops at the first it cannot change.  Returns 0 when all were changed,
 * or -1 (reported).
 */
int
qemuAgentSetVCPUs(qemuAgent *agent, GArray *info)
{
    g_autoptr(json_object) ret = NULL;
    json_object *args = json_object_new_object();
    json_object *list = json_object_new_array();
    size_t wanted = 0;
    size_t i;

    for (i = 0; i < info->len; i++) {
        qemuAgentCPUInfo *cpu = &g_array_index(info, qemuAgentCPUInfo, i);
        json_object *entry;

        if (!cpu->modified)
            continue;
        entry = json_object_new_object();
        json_object_object_add(entry, "logical-id", json_object_new_int64(cpu->id));
        json_object_object_add(entry, "online", json_object_new_boolean(cpu->online));
        json_object_array_add(list, entry);
        wanted++;
    }
    json_object_object_add(args, "vcpus", list);
    if (wanted == 0) {
        json_object_put(args);
        return 0;
    }
    if (qemuAgentRun(agent, "guest-set-vcpus", args, true, &ret) < 0)
        return -1;
    if (!json_object_is_type(ret, json_type_int) ||
        json_object_get_int64(ret) < 0 ||
        (size_t)json_object_get_int64(ret) > wanted) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("guest agent returned malformed or invalid return value"));
        return -1;
    }
    if ((size_t)json_object_get_int64(ret) < wanted) {
        virReportError(VIR_ERR_OPERATION_FAILED,
                       _("guest agent changed only %1$lld of %2$zu vCPUs"),
                       (long long)json_object_get_int64(ret), wanted);
        return -1;
    }
    return 0;
}


/**
 * qemuAgentShutdown:
 * guest-shutdown, mode "powerdown" or (@reboot) "reboot".  Its success
 * has no reply.  Returns 0 or -1 (reported).
 */
int
qemuAgentShutdown(qemuAgent *agent, bool reboot)
{
    json_object *args = json_object_new_object();

    json_object_object_add(args, "mode",
                           json_object_new_string(reboot ? "reboot" : "powerdown"));
    return qemuAgentRunNoReply(agent, "guest-shutdown", args);
}


/* guest-fsfreeze-freeze(-list) and -thaw answer the number of file
 * systems; returns it or -1 (reported). */
static int
qemuAgentFSCount(qemuAgent *agent, const char *cmd, json_object *args)
{
    g_autoptr(json_object) ret = NULL;

    if (qemuAgentRun(agent, cmd, args, true, &ret) < 0)
        return -1;
    if (!json_object_is_type(ret, json_type_int) ||
        json_object_get_int64(ret) < 0 ||
        json_object_get_int64(ret) > G_MAXINT) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("malformed return value of %1$s"), cmd);
        return -1;
    }
    return json_object_get_int64(ret);
}


/**
 * qemuAgentFSFreeze:
 * Freezes @mountpoints (all when @nmountpoints is 0).  Returns how many
 * file systems were frozen, or -1 (reported).
 */
int
qemuAgentFSFreeze(qemuAgent *agent, const char **mountpoints,
                  unsigned int nmountpoints)
{
    json_object *args = NULL;
    json_object *list = NULL;
    unsigned int i;

    if (nmountpoints == 0)
        return qemuAgentFSCount(agent, "guest-fsfreeze-freeze", NULL);
    args = json_object_new_object();
    list = json_object_new_array();
    for (i = 0; i < nmountpoints; i++)
        json_object_array_add(list, json_object_new_string(mountpoints[i]));
    json_object_object_add(args, "mountpoints", list);
    return qemuAgentFSCount(agent, "guest-fsfreeze-freeze-list", args);
}


/* Thaws every frozen file system; returns how many, or -1 (reported). */
int
qemuAgentFSThaw(qemuAgent *agent)
{
    return qemuAgentFSCount(agent, "guest-fsfreeze-thaw", NULL);
}
