/*
 * qemu_agent.c: the QEMU guest agent connection of a domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The wire: one JSON object per line each way.  guest-sync with a random
 * id is answered {"return": id} once everything before it is flushed.
 */
#include <config.h>

#include <json-c/json.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "qemu_agent.h"
#include "qemu_monitor.h"
#include "virerror.h"
#include "virfile.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_agent");

/* A reply line longer than this is garbage. */
#define QEMU_AGENT_LINE_MAX (1024 * 1024)

struct _qemuAgent {
    int fd;
    GString *inbuf;             /* bytes read but not yet a whole line */
};


/**
 * qemuAgentOpen:
 * Connects to the agent socket @path QEMU serves.  Returns an agent the
 * caller owns (qemuAgentClose), or NULL with an error reported.
 */
qemuAgent *
qemuAgentOpen(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    g_autoptr(qemuAgent) agent = g_new0(qemuAgent, 1);

    agent->fd = -1;
    agent->inbuf = g_string_new(NULL);
    if (strlen(path) >= sizeof(addr.sun_path)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("agent socket path '%1$s' is too long"), path);
        return NULL;
    }
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    agent->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (agent->fd < 0 ||
        connect(agent->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        virReportSystemError(errno,
                             _("failed to connect to guest agent socket '%1$s'"),
                             path);
        return NULL;
    }
    VIR_DEBUG("connected to guest agent socket %s (fd %d)", path, agent->fd);
    return g_steal_pointer(&agent);
}


/* Closes the connection and frees @agent; accepts NULL. */
void
qemuAgentClose(qemuAgent *agent)
{
    if (!agent)
        return;
    if (agent->fd >= 0)
        close(agent->fd);
    g_string_free(agent->inbuf, TRUE);
    g_free(agent);
}


static int
qemuAgentTimeoutError(void)
{
    virReportError(VIR_ERR_AGENT_UNRESPONSIVE, "%s",
                   _("Guest agent is not responding: QEMU guest agent is not connected"));
    return -1;
}


static int
qemuAgentWrite(qemuAgent *agent, const char *line, gint64 deadline)
{
    size_t done = 0;
    size_t len = strlen(line);

    while (done < len) {
        struct pollfd pfd = { .fd = agent->fd, .events = POLLOUT };
        int wait = MAX(0, (deadline - g_get_monotonic_time()) / 1000);
        ssize_t n;

        if (poll(&pfd, 1, wait) == 0)
            return qemuAgentTimeoutError();
        if ((n = send(agent->fd, line + done, len - done, MSG_NOSIGNAL)) < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            virReportSystemError(errno, "%s",
                                 _("cannot write to the guest agent socket"));
            return -1;
        }
        done += n;
    }
    return 0;
}


/* Reads one line (without its newline) into *@retLine (caller owns). */
static int
qemuAgentReadLine(qemuAgent *agent, gint64 deadline, char **retLine)
{
    for (;;) {
        char *nl = memchr(agent->inbuf->str, '\n', agent->inbuf->len);
        struct pollfd pfd = { .fd = agent->fd, .events = POLLIN };
        char chunk[2048];
        int wait;
        ssize_t n;

        if (nl) {
            size_t len = nl - agent->inbuf->str;

            *retLine = g_strndup(agent->inbuf->str, len);
            g_string_erase(agent->inbuf, 0, len + 1);
            return 0;
        }
        if (agent->inbuf->len > QEMU_AGENT_LINE_MAX) {
            virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                           _("guest agent sent an oversized reply"));
            return -1;
        }
        wait = MAX(0, (deadline - g_get_monotonic_time()) / 1000);
        if (poll(&pfd, 1, wait) == 0)
            return qemuAgentTimeoutError();
        if ((n = recv(agent->fd, chunk, sizeof(chunk), 0)) < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            virReportSystemError(errno, "%s",
                                 _("cannot read from the guest agent socket"));
            return -1;
        }
        if (n == 0) {
            virReportError(VIR_ERR_AGENT_UNRESPONSIVE, "%s",
                           _("guest agent socket closed"));
            return -1;
        }
        g_string_append_len(agent->inbuf, chunk, n);
    }
}


/* Sends @cmd and returns its reply object in *@retReply (caller owns),
 * skipping lines that are not JSON objects with "return" or "error". */
static int
qemuAgentCommand(qemuAgent *agent, const char *cmd, gint64 deadline,
                 json_object **retReply)
{
    if (qemuAgentWrite(agent, cmd, deadline) < 0)
        return -1;
    for (;;) {
        g_autofree char *line = NULL;
        json_object *reply;

        if (qemuAgentReadLine(agent, deadline, &line) < 0)
            return -1;
        reply = json_tokener_parse(line);
        if (reply && json_object_is_type(reply, json_type_object) &&
            (json_object_object_get_ex(reply, "return", NULL) ||
             json_object_object_get_ex(reply, "error", NULL))) {
            *retReply = reply;
            return 0;
        }
        VIR_WARN("ignoring guest agent output: %s", line);
        json_object_put(reply);
    }
}


/* guest-sync: discards stale replies until the one with our id. */
static int
qemuAgentSync(qemuAgent *agent, gint64 deadline)
{
    guint32 id = g_random_int();
    g_autofree char *cmd = g_strdup_printf("{\"execute\":\"guest-sync\",\"arguments\":{\"id\":%u}}\n",
                                           id);
    bool sent = false;

    for (;;) {
        g_autoptr(json_object) reply = NULL;
        json_object *ret = NULL;

        if (qemuAgentCommand(agent, sent ? "" : cmd, deadline, &reply) < 0)
            return -1;
        sent = true;
        if (json_object_object_get_ex(reply, "return", &ret) &&
            (guint32)json_object_get_int64(ret) == id)
            return 0;
    }
}


/**
 * qemuAgentPing:
 * guest-ping with a timeout of @timeoutMs: 0 when the agent answered,
 * -1 with VIR_ERR_AGENT_UNRESPONSIVE (no answer in time, socket closed)
 * or the agent's error reported.
 */
int
qemuAgentPing(qemuAgent *agent, int timeoutMs)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeoutMs * 1000;
    g_autoptr(json_object) reply = NULL;
    json_object *err = NULL;

    if (qemuAgentSync(agent, deadline) < 0 ||
        qemuAgentCommand(agent, "{\"execute\":\"guest-ping\"}\n", deadline,
                         &reply) < 0)
        return -1;
    if (json_object_object_get_ex(reply, "error", &err)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("guest agent replied with an error: %1$s"),
                       json_object_to_json_string(err));
        return -1;
    }
    return 0;
}
