/*
 * qemu_monitor_block.c: QMP commands for block nodes, block jobs and the
 * NBD server (storage migration)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The commands libvirt 9.0 sends to copy disks during a migration: the
 * destination exports its new disks (nbd-server-start, block-export-add),
 * the source attaches each export as a node (blockdev-add of an "nbd"
 * storage node under a "raw" format node) and mirrors its disk into it
 * (blockdev-mirror), watching and ending the jobs (query-block-jobs,
 * block-job-cancel, job-dismiss).
 */
#include <config.h>

#include "qemu_monitor_block.h"
#include "qemu_monitor_json.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_monitor_block");


/* Sends @name (@args stolen); the "return" member in *@ret (borrowed from
 * *@reply, which the caller owns) when @ret is given, checked to be of
 * @type.  Returns 0 or -1. */
static int
qemuMonitorBlockCommand(qemuMonitor *mon, const char *name, json_object *args,
                        json_object **reply, json_type type, json_object **ret)
{
    if (qemuMonitorSend(mon, qemuMonitorJSONMakeCommand(name, args), reply,
                        -1) < 0)
        return -1;
    if (ret && (!json_object_object_get_ex(*reply, "return", ret) ||
                !json_object_is_type(*ret, type))) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("unexpected type returned by QEMU command '%1$s'"),
                       name);
        return -1;
    }
    return 0;
}


static int
qemuMonitorBlockSimple(qemuMonitor *mon, const char *name, json_object *args)
{
    g_autoptr(json_object) reply = NULL;

    return qemuMonitorBlockCommand(mon, name, args, &reply, json_type_null,
                                   NULL);
}


static void
qemuMonitorBlockAddString(json_object *obj, const char *key, const char *val)
{
    json_object_object_add(obj, key, json_object_new_string(val));
}


/**
 * qemuMonitorGetBlockCapacities:
 * query-named-block-nodes (flat): the virtual size in bytes of every
 * node, by node name, in *@retSizes (caller owns; values are
 * unsigned long long *).  Returns 0 or -1 (reported).
 */
int
qemuMonitorGetBlockCapacities(qemuMonitor *mon, GHashTable **retSizes)
{
    g_autoptr(json_object) reply = NULL;
    g_autoptr(GHashTable) sizes = g_hash_table_new_full(g_str_hash,
                                                        g_str_equal,
                                                        g_free, g_free);
    json_object *args = json_object_new_object();
    json_object *ret = NULL;
    size_t i;

    json_object_object_add(args, "flat", json_object_new_boolean(true));
    if (qemuMonitorBlockCommand(mon, "query-named-block-nodes", args, &reply,
                                json_type_array, &ret) < 0)
        return -1;
    for (i = 0; i < json_object_array_length(ret); i++) {
        json_object *node = json_object_array_get_idx(ret, i);
        json_object *name = NULL;
        json_object *image = NULL;
        json_object *size = NULL;
        unsigned long long *val;

        if (!json_object_object_get_ex(node, "node-name", &name) ||
            !json_object_object_get_ex(node, "image", &image) ||
            !json_object_object_get_ex(image, "virtual-size", &size))
            continue;
        val = g_new0(unsigned long long, 1);
        *val = json_object_get_uint64(size);
        g_hash_table_insert(sizes, g_strdup(json_object_get_string(name)), val);
    }
    *retSizes = g_steal_pointer(&sizes);
    return 0;
}


/* A SocketAddress (@legacy: SocketAddressLegacy, with "data") for TCP
 * @host:@port or the UNIX socket @socketPath. */
static json_object *
qemuMonitorBlockSocketAddress(const char *host, unsigned int port,
                              const char *socketPath, bool legacy)
{
    json_object *addr = json_object_new_object();
    json_object *data = legacy ? json_object_new_object() : addr;
    g_autofree char *portstr = g_strdup_printf("%u", port);

    if (socketPath) {
        qemuMonitorBlockAddString(addr, "type", "unix");
        qemuMonitorBlockAddString(data, "path", socketPath);
    } else {
        qemuMonitorBlockAddString(addr, "type", "inet");
        qemuMonitorBlockAddString(data, "host", host);
        qemuMonitorBlockAddString(data, "port", portstr);
    }
    if (legacy)
        json_object_object_add(addr, "data", data);
    return addr;
}


/**
 * qemuMonitorNBDServerStart:
 * nbd-server-start listening on TCP @host:@port, or on the UNIX socket
 * @socketPath when given; with @tlsCreds (a tls-creds-x509 object) its
 * clients must speak TLS.  Returns 0 or -1 (reported).
 */
int
qemuMonitorNBDServerStart(qemuMonitor *mon, const char *host,
                          unsigned int port, const char *socketPath,
                          const char *tlsCreds)
{
    json_object *args = json_object_new_object();

    json_object_object_add(args, "addr",
                           qemuMonitorBlockSocketAddress(host, port,
                                                         socketPath, true));
    if (tlsCreds)
        qemuMonitorBlockAddString(args, "tls-creds", tlsCreds);
    return qemuMonitorBlockSimple(mon, "nbd-server-start", args);
}


/* nbd-server-stop: the server and its exports go.  Returns 0 or -1. */
int
qemuMonitorNBDServerStop(qemuMonitor *mon)
{
    return qemuMonitorBlockSimple(mon, "nbd-server-stop", NULL);
}


/**
 * qemuMonitorBlockExportAddNBD:
 * block-export-add: a writable NBD export @name (id @id) of node @node on
 * the running NBD server.  Returns 0 or -1 (reported).
 */
int
qemuMonitorBlockExportAddNBD(qemuMonitor *mon, const char *id,
                             const char *node, const char *name)
{
    json_object *args = json_object_new_object();

    qemuMonitorBlockAddString(args, "type", "nbd");
    qemuMonitorBlockAddString(args, "id", id);
    qemuMonitorBlockAddString(args, "node-name", node);
    qemuMonitorBlockAddString(args, "name", name);
    json_object_object_add(args, "writable", json_object_new_boolean(true));
    return qemuMonitorBlockSimple(mon, "block-export-add", args);
}


/**
 * qemuMonitorBlockdevAddNBD:
 * Two blockdev-add as libvirt attaches a migration target: the "nbd"
 * storage node @node"-storage" for the export @target names (with TLS
 * when it names credentials), and the "raw" format node @node"-format"
 * over it.  On failure nothing stays.  Returns 0 or -1 (reported).
 */
int
qemuMonitorBlockdevAddNBD(qemuMonitor *mon, const char *node,
                          const qemuMonitorNBDTarget *target)
{
    g_autofree char *storage = g_strdup_printf("%s-storage", node);
    g_autofree char *format = g_strdup_printf("%s-format", node);
    json_object *props = json_object_new_object();

    qemuMonitorBlockAddString(props, "driver", "nbd");
    json_object_object_add(props, "server",
                           qemuMonitorBlockSocketAddress(target->host,
                                                         target->port,
                                                         target->socketPath,
                                                         false));
    qemuMonitorBlockAddString(props, "export", target->exportName);
    if (target->tlsCreds)
        qemuMonitorBlockAddString(props, "tls-creds", target->tlsCreds);
    if (target->tlsCreds && target->tlsHostname)
        qemuMonitorBlockAddString(props, "tls-hostname", target->tlsHostname);
    qemuMonitorBlockAddString(props, "node-name", storage);
    if (qemuMonitorBlockSimple(mon, "blockdev-add", props) < 0)
        return -1;
    props = json_object_new_object();
    qemuMonitorBlockAddString(props, "driver", "raw");
    qemuMonitorBlockAddString(props, "node-name", format);
    json_object_object_add(props, "read-only", json_object_new_boolean(false));
    qemuMonitorBlockAddString(props, "file", storage);
    if (qemuMonitorBlockSimple(mon, "blockdev-add", props) < 0) {
        virError *err = NULL;

        virErrorPreserveLast(&err);
        ignore_value(qemuMonitorBlockdevDel(mon, storage));
        virErrorRestore(&err);
        return -1;
    }
    return 0;
}


/* blockdev-del of @node.  Returns 0 or -1 (reported). */
int
qemuMonitorBlockdevDel(qemuMonitor *mon, const char *node)
{
    json_object *args = json_object_new_object();

    qemuMonitorBlockAddString(args, "node-name", node);
    return qemuMonitorBlockSimple(mon, "blockdev-del", args);
}


/**
 * qemuMonitorBlockdevMirror:
 * blockdev-mirror as @args say; the job stays after it ends
 * (auto-dismiss off) so that its outcome can be read, and is removed
 * with qemuMonitorJobDismiss.  Returns 0 or -1 (reported).
 */
int
qemuMonitorBlockdevMirror(qemuMonitor *mon, const qemuMonitorMirrorArgs *args)
{
    json_object *cmd = json_object_new_object();

    qemuMonitorBlockAddString(cmd, "job-id", args->jobId);
    qemuMonitorBlockAddString(cmd, "device", args->device);
    qemuMonitorBlockAddString(cmd, "target", args->target);
    qemuMonitorBlockAddString(cmd, "sync", args->shallow ? "top" : "full");
    if (args->speed)
        json_object_object_add(cmd, "speed",
                               json_object_new_uint64(args->speed));
    if (args->syncWrites)
        qemuMonitorBlockAddString(cmd, "copy-mode", "write-blocking");
    json_object_object_add(cmd, "auto-finalize", json_object_new_boolean(true));
    json_object_object_add(cmd, "auto-dismiss", json_object_new_boolean(false));
    return qemuMonitorBlockSimple(mon, "blockdev-mirror", cmd);
}


/**
 * qemuMonitorBlockJobCancel:
 * block-job-cancel of @jobId.  Without @force a ready mirror finishes
 * its copy and completes (the target keeps a consistent copy, the source
 * stays in use); with it the copy stops at once.  Returns 0 or -1.
 */
int
qemuMonitorBlockJobCancel(qemuMonitor *mon, const char *jobId, bool force)
{
    json_object *args = json_object_new_object();

    qemuMonitorBlockAddString(args, "device", jobId);
    if (force)
        json_object_object_add(args, "force", json_object_new_boolean(true));
    return qemuMonitorBlockSimple(mon, "block-job-cancel", args);
}


/* job-dismiss of the concluded job @jobId.  Returns 0 or -1. */
int
qemuMonitorJobDismiss(qemuMonitor *mon, const char *jobId)
{
    json_object *args = json_object_new_object();

    qemuMonitorBlockAddString(args, "id", jobId);
    return qemuMonitorBlockSimple(mon, "job-dismiss", args);
}


/* block-set-write-threshold of node @node: a BLOCK_WRITE_THRESHOLD
 * event once a write goes past @threshold bytes (0: none).  Returns 0
 * or -1 (reported). */
int
qemuMonitorBlockSetWriteThreshold(qemuMonitor *mon, const char *node,
                                  unsigned long long threshold)
{
    json_object *args = json_object_new_object();

    qemuMonitorBlockAddString(args, "node-name", node);
    json_object_object_add(args, "write-threshold",
                           json_object_new_uint64(threshold));
    return qemuMonitorBlockSimple(mon, "block-set-write-threshold", args);
}


/* block_resize of the node @node to @bytes.  Returns 0 or -1
 * (reported). */
int
qemuMonitorBlockResize(qemuMonitor *mon, const char *node,
                       unsigned long long bytes)
{
    json_object *args = json_object_new_object();

    qemuMonitorBlockAddString(args, "node-name", node);
    json_object_object_add(args, "size", json_object_new_uint64(bytes));
    return qemuMonitorBlockSimple(mon, "block_resize", args);
}


/* Frees @info (NULL is fine). */
void
qemuMonitorBlockJobInfoFree(qemuMonitorBlockJobInfo *info)
{
    if (!info)
        return;
    g_free(info->id);
    g_free(info->status);
    g_free(info->error);
    g_free(info);
}


/**
 * qemuMonitorGetBlockJobs:
 * query-block-jobs into *@retJobs (caller owns; qemuMonitorBlockJobInfo
 * entries).  Returns 0 or -1 (reported).
 */
int
qemuMonitorGetBlockJobs(qemuMonitor *mon, GPtrArray **retJobs)
{
    g_autoptr(json_object) reply = NULL;
    g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func((GDestroyNotify)qemuMonitorBlockJobInfoFree);
    json_object *ret = NULL;
    size_t i;

    if (qemuMonitorBlockCommand(mon, "query-block-jobs", NULL, &reply,
                                json_type_array, &ret) < 0)
        return -1;
    for (i = 0; i < json_object_array_length(ret); i++) {
        json_object *job = json_object_array_get_idx(ret, i);
        qemuMonitorBlockJobInfo *info;
        json_object *v = NULL;

        if (!qemuMonitorJSONGetString(job, "device"))
            continue;
        info = g_new0(qemuMonitorBlockJobInfo, 1);
        info->id = g_strdup(qemuMonitorJSONGetString(job, "device"));
        info->status = g_strdup(qemuMonitorJSONGetString(job, "status"));
        info->error = g_strdup(qemuMonitorJSONGetString(job, "error"));
        if (json_object_object_get_ex(job, "ready", &v))
            info->ready = json_object_get_boolean(v);
        if (json_object_object_get_ex(job, "len", &v))
            info->len = json_object_get_uint64(v);
        if (json_object_object_get_ex(job, "offset", &v))
            info->offset = json_object_get_uint64(v);
        g_ptr_array_add(jobs, info);
    }
    *retJobs = g_steal_pointer(&jobs);
    return 0;
}
