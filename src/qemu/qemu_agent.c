/*
 * qemu_agent.c: the QEMU guest agent connection of a domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The wire: one JSON object per line each way.  guest-sync with a random
 * id is answered {"return": id} once everything before it is flushed.
 * Errors use libvirt's codes and texts, so that scripts that know
 * libvirt's agent errors keep working: VIR_ERR_AGENT_UNRESPONSIVE when
 * the agent does not answer in time or goes away, VIR_ERR_INTERNAL_ERROR
 * "unable to execute QEMU agent command" when it answers with an error.
 */
#include <config.h>

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

/* A reply line longer than this is garbage (libvirt's limit too). */
#define QEMU_AGENT_LINE_MAX (10 * 1024 * 1024)

/* How long a command whose success has no reply (guest-shutdown) waits
 * for an error reply before it counts as done. */
#define QEMU_AGENT_NO_REPLY_GRACE_MS 1000

struct _qemuAgent {
    gint refs;
    int fd;
    GString *inbuf;             /* bytes read but not yet a whole line */
    int timeout;                /* seconds, libvirt's convention */
};


/**
 * qemuAgentOpen:
 * Connects to the agent socket @path QEMU serves.  Returns an agent the
 * caller owns (one reference), or NULL with an error reported.
 */
qemuAgent *
qemuAgentOpen(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    g_autoptr(qemuAgent) agent = g_new0(qemuAgent, 1);

    agent->refs = 1;
    agent->fd = -1;
    agent->inbuf = g_string_new(NULL);
    agent->timeout = VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_DEFAULT;
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


/* Adds a reference to @agent and returns it. */
qemuAgent *
qemuAgentRef(qemuAgent *agent)
{
    g_atomic_int_inc(&agent->refs);
    return agent;
}


/* Drops a reference; the last one closes the socket.  Accepts NULL. */
void
qemuAgentUnref(qemuAgent *agent)
{
    if (!agent || !g_atomic_int_dec_and_test(&agent->refs))
        return;
    if (agent->fd >= 0)
        close(agent->fd);
    g_string_free(agent->inbuf, TRUE);
    g_free(agent);
}


/**
 * qemuAgentClose:
 * The owner's end of @agent (QEMU stopped): shuts the socket down, so a
 * thread waiting for a reply wakes at once with an error, and drops the
 * owner's reference.  Accepts NULL.
 */
void
qemuAgentClose(qemuAgent *agent)
{
    if (!agent)
        return;
    if (agent->fd >= 0)
        shutdown(agent->fd, SHUT_RDWR);
    qemuAgentUnref(agent);
}


/* The response timeout of the typed commands (virsh guest-agent-timeout);
 * the caller holds the agent job. */
void
qemuAgentSetTimeout(qemuAgent *agent, int timeout)
{
    agent->timeout = timeout;
}


int
qemuAgentGetTimeout(qemuAgent *agent)
{
    return agent->timeout;
}


/* The monotonic deadline (us) of a wait of @timeout seconds, libvirt's
 * convention; -1 for no deadline. */
static gint64
qemuAgentDeadline(int timeout)
{
    gint64 ms;

    if (timeout == VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_BLOCK)
        return -1;
    ms = timeout == VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_DEFAULT
             ? QEMU_AGENT_WAIT_MS : (gint64)timeout * 1000;
    return g_get_monotonic_time() + ms * 1000;
}


/* Waits until @fd has @events or @deadline passes: 1, 0 on timeout. */
static int
qemuAgentPoll(int fd, short events, gint64 deadline)
{
    struct pollfd pfd = { .fd = fd, .events = events };
    int wait = -1;
    int rc;

    if (deadline >= 0)
        wait = MAX(0, (deadline - g_get_monotonic_time() + 999) / 1000);
    while ((rc = poll(&pfd, 1, wait)) < 0 && errno == EINTR)
        ;
    return rc == 0 ? 0 : 1;
}


static int
qemuAgentTimeoutError(void)
{
    virReportError(VIR_ERR_AGENT_UNRESPONSIVE, "%s",
                   _("Guest agent not available for now"));
    return -2;
}


/* Returns 0, -2 on timeout, -1 on error (reported). */
static int
qemuAgentWrite(qemuAgent *agent, const char *line, gint64 deadline)
{
    size_t done = 0;
    size_t len = strlen(line);

    while (done < len) {
        ssize_t n;

        if (qemuAgentPoll(agent->fd, POLLOUT, deadline) == 0)
            return qemuAgentTimeoutError();
        if ((n = send(agent->fd, line + done, len - done,
                      MSG_NOSIGNAL | MSG_DONTWAIT)) < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            virReportError(VIR_ERR_AGENT_UNRESPONSIVE, "%s",
                           _("Guest agent disappeared while executing command"));
            return -1;
        }
        done += n;
    }
    return 0;
}


/* Reads one line (without its newline) into *@retLine (caller owns).
 * Returns 0, -2 on timeout, -1 on error (reported). */
static int
qemuAgentReadLine(qemuAgent *agent, gint64 deadline, char **retLine)
{
    for (;;) {
        char *nl = memchr(agent->inbuf->str, '\n', agent->inbuf->len);
        char chunk[2048];
        ssize_t n;

        if (nl) {
            size_t len = nl - agent->inbuf->str;

            *retLine = g_strndup(agent->inbuf->str, len);
            g_string_erase(agent->inbuf, 0, len + 1);
            return 0;
        }
        if (agent->inbuf->len > QEMU_AGENT_LINE_MAX) {
            g_string_truncate(agent->inbuf, 0);
            virReportError(VIR_ERR_INTERNAL_ERROR,
                           _("No complete agent response found in %1$d bytes"),
                           QEMU_AGENT_LINE_MAX);
            return -1;
        }
        if (qemuAgentPoll(agent->fd, POLLIN, deadline) == 0)
            return qemuAgentTimeoutError();
        if ((n = recv(agent->fd, chunk, sizeof(chunk), MSG_DONTWAIT)) < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
        }
        if (n <= 0) {
            virReportError(VIR_ERR_AGENT_UNRESPONSIVE, "%s",
                           _("Guest agent disappeared while executing command"));
            return -1;
        }
        g_string_append_len(agent->inbuf, chunk, n);
    }
}


/* The next reply object (one with "return" or "error") in *@retReply
 * (caller owns), skipping anything else.  Returns as qemuAgentReadLine. */
static int
qemuAgentReadReply(qemuAgent *agent, gint64 deadline, json_object **retReply)
{
    for (;;) {
        g_autofree char *line = NULL;
        json_object *reply;
        int rc;

        if ((rc = qemuAgentReadLine(agent, deadline, &line)) < 0)
            return rc;
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


/* guest-sync: discards stale replies until the one with our id.  It
 * waits at most the default time, less when @timeout is shorter. */
static int
qemuAgentSync(qemuAgent *agent, int timeout)
{
    guint32 id = g_random_int();
    g_autofree char *cmd = g_strdup_printf("{\"execute\":\"guest-sync\",\"arguments\":{\"id\":%u}}\n",
                                           id);
    gint64 deadline;
    int rc;

    if (timeout < 0 || timeout * 1000 > QEMU_AGENT_WAIT_MS)
        timeout = VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_DEFAULT;
    deadline = qemuAgentDeadline(timeout);
    if ((rc = qemuAgentWrite(agent, cmd, deadline)) < 0)
        return rc;
    for (;;) {
        g_autoptr(json_object) reply = NULL;
        json_object *ret = NULL;

        if ((rc = qemuAgentReadReply(agent, deadline, &reply)) < 0)
            return rc;
        if (json_object_object_get_ex(reply, "return", &ret) &&
            (guint32)json_object_get_int64(ret) == id)
            return 0;
    }
}


/* libvirt's words for a QMP error class the agent gave no text for. */
static const char *
qemuAgentErrorClassText(const char *klass)
{
    static const struct {
        const char *klass;
        const char *text;
    } texts[] = {
        { "CommandDisabled", "The command has been disabled for this instance" },
        { "CommandNotFound", "The command has not been found" },
        { "GenericError", "An undefined error has occurred" },
        { "Unsupported", "this feature or command is not currently supported" },
    };
    size_t i;

    for (i = 0; klass && i < G_N_ELEMENTS(texts); i++) {
        if (STREQ(klass, texts[i].klass))
            return texts[i].text;
    }
    return klass ? klass : "unknown QEMU command error";
}


/* Reports the "error" of @reply to command @name.  Returns -1, or -2
 * without reporting when the agent lacks the command and
 * !@reportUnsupported. */
static int
qemuAgentReportError(const char *name, json_object *reply,
                     bool reportUnsupported)
{
    json_object *err = NULL;
    json_object *klass = NULL;
    json_object *desc = NULL;
    const char *klassStr = NULL;

    json_object_object_get_ex(reply, "error", &err);
    if (json_object_object_get_ex(err, "class", &klass))
        klassStr = json_object_get_string(klass);
    VIR_DEBUG("agent command %s failed: %s", name,
              json_object_to_json_string(reply));
    if (!reportUnsupported && klassStr &&
        (STREQ(klassStr, "CommandNotFound") ||
         STREQ(klassStr, "CommandDisabled")))
        return -2;
    if (!json_object_object_get_ex(err, "desc", &desc))
        desc = NULL;
    virReportError(VIR_ERR_INTERNAL_ERROR,
                   _("unable to execute QEMU agent command '%1$s': %2$s"),
                   name, desc ? json_object_get_string(desc)
                              : qemuAgentErrorClassText(klassStr));
    return -1;
}


/* The name in {"execute": NAME, ...} of @cmd, for messages. */
static const char *
qemuAgentCommandName(json_object *cmd)
{
    json_object *exec = NULL;

    if (json_object_is_type(cmd, json_type_object) &&
        json_object_object_get_ex(cmd, "execute", &exec) &&
        json_object_is_type(exec, json_type_string))
        return json_object_get_string(exec);
    return "<unknown>";
}


/* Syncs, sends @line (a command and its newline) and reads its reply
 * into *@retReply (caller owns), waiting @timeout seconds.  Returns 0,
 * or -1 with the error reported. */
static int
qemuAgentExchange(qemuAgent *agent, const char *line, int timeout,
                  json_object **retReply)
{
    gint64 deadline;

    if (qemuAgentSync(agent, timeout) < 0)
        return -1;
    deadline = qemuAgentDeadline(timeout);
    if (qemuAgentWrite(agent, line, deadline) < 0 ||
        qemuAgentReadReply(agent, deadline, retReply) < 0)
        return -1;
    return 0;
}


/**
 * qemuAgentRun:
 * Runs agent command @name with @args (stolen, may be NULL) within the
 * agent's response timeout.  On success the "return" member is stored
 * in *@retReturn (caller owns; may be NULL to discard it).  Returns 0;
 * -2 when the agent lacks the command and !@reportUnsupported (nothing
 * reported); -1 with the error reported otherwise.
 */
int
qemuAgentRun(qemuAgent *agent, const char *name, json_object *args,
             bool reportUnsupported, json_object **retReturn)
{
    g_autoptr(json_object) cmd = json_object_new_object();
    g_autoptr(json_object) reply = NULL;
    g_autofree char *line = NULL;
    json_object *ret = NULL;

    json_object_object_add(cmd, "execute", json_object_new_string(name));
    if (args)
        json_object_object_add(cmd, "arguments", args);
    line = g_strdup_printf("%s\n",
                           json_object_to_json_string_ext(cmd, JSON_C_TO_STRING_PLAIN));
    VIR_DEBUG("agent command %s", line);
    if (qemuAgentExchange(agent, line, agent->timeout, &reply) < 0)
        return -1;
    if (!json_object_object_get_ex(reply, "return", &ret))
        return qemuAgentReportError(name, reply, reportUnsupported);
    if (retReturn)
        *retReturn = json_object_get(ret);
    return 0;
}


/**
 * qemuAgentRunNoReply:
 * Runs agent command @name (@args stolen, may be NULL) whose success has
 * no reply (guest-shutdown): it is done unless the agent answers with an
 * error within a second.  Returns 0 or -1 (reported).
 */
int
qemuAgentRunNoReply(qemuAgent *agent, const char *name, json_object *args)
{
    g_autoptr(json_object) cmd = json_object_new_object();
    g_autoptr(json_object) reply = NULL;
    g_autofree char *line = NULL;
    gint64 deadline;
    int rc;

    json_object_object_add(cmd, "execute", json_object_new_string(name));
    if (args)
        json_object_object_add(cmd, "arguments", args);
    line = g_strdup_printf("%s\n",
                           json_object_to_json_string_ext(cmd, JSON_C_TO_STRING_PLAIN));
    if (qemuAgentSync(agent, agent->timeout) < 0 ||
        qemuAgentWrite(agent, line, qemuAgentDeadline(agent->timeout)) < 0)
        return -1;
    deadline = g_get_monotonic_time() + QEMU_AGENT_NO_REPLY_GRACE_MS * 1000;
    rc = qemuAgentReadReply(agent, deadline, &reply);
    if (rc < 0) {
        /* no answer in time, or the guest went away: what success is */
        virErrorResetLast();
        return 0;
    }
    if (!json_object_object_get_ex(reply, "return", NULL))
        return qemuAgentReportError(name, reply, true);
    return 0;
}


/**
 * qemuAgentArbitraryCommand:
 * virDomainQemuAgentCommand: sends @cmd (a JSON object with "execute",
 * as the user wrote it) and stores the whole reply, as compact JSON, in
 * *@retResult (caller owns).  @timeout in seconds as the API's: -2 to
 * wait forever, -1 the default, 0 not to wait, N > 0.  Returns 0 or -1
 * (reported).
 */
int
qemuAgentArbitraryCommand(qemuAgent *agent, const char *cmd, int timeout,
                          char **retResult)
{
    g_autoptr(json_object) parsed = json_tokener_parse(cmd);
    g_autoptr(json_object) reply = NULL;
    g_autofree char *line = NULL;

    if (timeout < VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_BLOCK) {
        virReportError(VIR_ERR_INVALID_ARG,
                       _("guest agent timeout '%1$d' is less than the minimum '%2$d'"),
                       timeout, VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_BLOCK);
        return -1;
    }
    if (!parsed || !json_object_is_type(parsed, json_type_object)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("cannot parse json %1$s: not a JSON object"), cmd);
        return -1;
    }
    line = g_strdup_printf("%s\n",
                           json_object_to_json_string_ext(parsed, JSON_C_TO_STRING_PLAIN));
    if (qemuAgentExchange(agent, line, timeout, &reply) < 0)
        return -1;
    if (!json_object_object_get_ex(reply, "return", NULL))
        return qemuAgentReportError(qemuAgentCommandName(parsed), reply, true);
    *retResult = g_strdup(json_object_to_json_string_ext(reply,
                                                         JSON_C_TO_STRING_PLAIN |
                                                         JSON_C_TO_STRING_NOSLASHESCAPE));
    return 0;
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
    int saved = agent->timeout;
    int rc;

    agent->timeout = MAX(1, (timeoutMs + 999) / 1000);
    rc = qemuAgentRun(agent, "guest-ping", NULL, true, NULL);
    agent->timeout = saved;
    return rc;
}


/* ---- reading replies (the typed commands of qemu_agent_guest.c and
 * qemu_agent_info.c) ---- */

/**
 * qemuAgentMalformed:
 * Reports that member @what of the reply of @cmd is missing or has the
 * wrong type.  Returns -1.
 */
int
qemuAgentMalformed(const char *cmd, const char *what)
{
    virReportError(VIR_ERR_INTERNAL_ERROR,
                   _("'%1$s' missing or malformed in reply of %2$s"), what,
                   cmd);
    return -1;
}


/* Member @name of object @obj if it has type @type, else NULL. */
json_object *
qemuAgentMember(json_object *obj, const char *name, json_type type)
{
    json_object *v = NULL;

    if (!json_object_is_type(obj, json_type_object) ||
        !json_object_object_get_ex(obj, name, &v) ||
        !json_object_is_type(v, type))
        return NULL;
    return v;
}


/* String member @name of @obj, or NULL. */
const char *
qemuAgentString(json_object *obj, const char *name)
{
    json_object *v = qemuAgentMember(obj, name, json_type_string);

    return v ? json_object_get_string(v) : NULL;
}


/**
 * qemuAgentQuery:
 * Runs @cmd (no arguments) and stores its return value in *@retReply
 * (caller owns) if it has type @type and, when that is an array, at
 * most @maxEntries entries (@maxEntries is not used for other types).
 * Returns as qemuAgentRun.
 */
int
qemuAgentQuery(qemuAgent *agent, const char *cmd, json_type type,
               size_t maxEntries, bool reportUnsupported,
               json_object **retReply)
{
    g_autoptr(json_object) ret = NULL;
    int rc;

    if ((rc = qemuAgentRun(agent, cmd, NULL, reportUnsupported, &ret)) < 0)
        return rc;
    if (!json_object_is_type(ret, type) ||
        (type == json_type_array &&
         json_object_array_length(ret) > maxEntries)) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("malformed return value of %1$s"), cmd);
        return -1;
    }
    *retReply = g_steal_pointer(&ret);
    return 0;
}
