/*
 * qemu_capabilities.c: what a QEMU binary offers, probed once and cached
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "qemu_capabilities.h"
#include "qemu_cpu.h"
#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_QEMU

VIR_LOG_INIT("qemu.qemu_capabilities");

#define QEMU_CAPS_TIMEOUT_SEC 30

/* Commands fed to QEMU's QMP on stdin for the vCPU limits. */
#define QEMU_CAPS_QMP_INPUT \
    "{\"execute\":\"qmp_capabilities\"}\n" \
    "{\"execute\":\"query-machines\"}\n" \
    "{\"execute\":\"query-cpu-definitions\",\"id\":\"cpu-defs\"}\n" \
    "{\"execute\":\"query-cpu-model-expansion\",\"id\":\"cpu-max\"," \
    "\"arguments\":{\"type\":\"full\",\"model\":{\"name\":\"max\"}}}\n" \
    "{\"execute\":\"quit\"}\n"

static void
qemuCapsMachineFree(qemuCapsMachine *machine)
{
    if (!machine)
        return;
    g_free(machine->name);
    g_free(machine->alias);
    g_free(machine->defaultCPU);
    g_free(machine);
}


static void
qemuCapsDispose(void *obj)
{
    qemuCaps *caps = obj;

    g_free(caps->binary);
    g_free(caps->package);
    if (caps->machines)
        g_ptr_array_unref(caps->machines);
    if (caps->cpuModels)
        g_ptr_array_unref(caps->cpuModels);
    if (caps->cpuMaxFeatures)
        g_hash_table_unref(caps->cpuMaxFeatures);
}


/* ---- parsers ---- */

/**
 * qemuCapsParseVersion:
 * Parses the first line of `qemu -version`, "QEMU emulator version
 * 7.2.22 (Debian 1:7.2+dfsg-7)", into *@version (7002022) and *@package
 * (the text in parentheses, NULL if none; caller owns it).
 * Returns 0 or -1 (reported).
 */
int
qemuCapsParseVersion(const char *output, unsigned int *version,
                     char **package)
{
    const char *prefix = "QEMU emulator version ";
    const char *p = output ? strstr(output, prefix) : NULL;
    unsigned int major = 0, minor = 0, micro = 0;
    g_autofree char *pkg = NULL;
    int n = 0;

    if (!p || sscanf(p + strlen(prefix), "%u.%u%n", &major, &minor, &n) < 2) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("cannot parse QEMU version from '%1$s'"),
                       NULLSTR(output));
        return -1;
    }
    p += strlen(prefix) + n;
    if (*p == '.')
        micro = g_ascii_strtoull(p + 1, (char **)&p, 10);
    while (*p == ' ')
        p++;
    if (*p == '(') {
        const char *end = strchr(p, ')');

        if (end && end > p + 1)
            pkg = g_strndup(p + 1, end - p - 1);
    }
    if (major > 999 || minor > 999 || micro > 999) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("QEMU version %1$u.%2$u.%3$u is out of range"),
                       major, minor, micro);
        return -1;
    }
    *version = major * 1000000 + minor * 1000 + micro;
    *package = g_steal_pointer(&pkg);
    return 0;
}


static qemuCapsMachine *
qemuCapsMachineFind(GPtrArray *machines, const char *name)
{
    size_t i;

    for (i = 0; i < machines->len; i++) {
        qemuCapsMachine *m = g_ptr_array_index(machines, i);

        if (STREQ(m->name, name))
            return m;
    }
    return NULL;
}


/* One line of `-machine help`: "NAME   DESCRIPTION [(alias of X)]
 * [(default)] [(deprecated)]".  Aliases are returned in *@aliasOf. */
static qemuCapsMachine *
qemuCapsParseMachineLine(const char *line, char **aliasOf)
{
    g_autofree char *name = NULL;
    const char *rest = line;
    const char *a;
    qemuCapsMachine *m;

    while (*rest && !g_ascii_isspace(*rest))
        rest++;
    name = g_strndup(line, rest - line);
    if ((a = strstr(rest, "(alias of "))) {
        const char *end = strchr(a, ')');

        if (!end)
            return NULL;
        *aliasOf = g_strndup(a + strlen("(alias of "),
                             end - a - strlen("(alias of "));
    }
    m = g_new0(qemuCapsMachine, 1);
    m->name = g_steal_pointer(&name);
    m->isDefault = strstr(rest, "(default)") != NULL;
    m->deprecated = strstr(rest, "(deprecated)") != NULL;
    return m;
}


/* Puts the default machine first, as libvirt lists it. */
static void
qemuCapsMachinesSortDefault(GPtrArray *machines)
{
    size_t i;

    for (i = 1; i < machines->len; i++) {
        qemuCapsMachine *m = g_ptr_array_index(machines, i);

        if (m->isDefault) {
            g_ptr_array_steal_index(machines, i);
            g_ptr_array_insert(machines, 0, m);
            return;
        }
    }
}


/**
 * qemuCapsParseMachineHelp:
 * Parses `qemu -machine help` into *@machines (qemuCapsMachine, caller
 * owns it): one entry per canonical machine type, the alias lines folded
 * into their target's @alias, the default machine first.
 * Returns 0 or -1 (reported) when no machine is listed.
 */
int
qemuCapsParseMachineHelp(const char *output, GPtrArray **machines)
{
    g_autoptr(GPtrArray) ret = g_ptr_array_new_with_free_func((GDestroyNotify)qemuCapsMachineFree);
    g_autoptr(GPtrArray) aliases = g_ptr_array_new_with_free_func((GDestroyNotify)qemuCapsMachineFree);
    g_auto(GStrv) lines = g_strsplit(output ? output : "", "\n", -1);
    size_t i;

    for (i = 0; lines[i]; i++) {
        g_autofree char *aliasOf = NULL;
        qemuCapsMachine *m;

        if (!*lines[i] || g_ascii_isspace(lines[i][0]) ||
            STRPREFIX(lines[i], "Supported machines"))
            continue;
        if (!(m = qemuCapsParseMachineLine(lines[i], &aliasOf)))
            continue;
        if (aliasOf) {
            /* remember the target in @alias until every line is read */
            m->alias = g_steal_pointer(&aliasOf);
            g_ptr_array_add(aliases, m);
        } else {
            g_ptr_array_add(ret, m);
        }
    }
    for (i = 0; i < aliases->len; i++) {
        qemuCapsMachine *a = g_ptr_array_index(aliases, i);
        qemuCapsMachine *target = qemuCapsMachineFind(ret, a->alias);

        if (target && !target->alias)
            target->alias = g_strdup(a->name);
    }
    if (ret->len == 0) {
        virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                       _("QEMU lists no machine types"));
        return -1;
    }
    qemuCapsMachinesSortDefault(ret);
    *machines = g_steal_pointer(&ret);
    return 0;
}


/* "qemu64-x86_64-cpu" -> "qemu64": QOM type name to -cpu model name. */
static char *
qemuCapsCPUTypeToModel(const char *type)
{
    const char *suffixes[] = { "-x86_64-cpu", "-i386-cpu" };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(suffixes); i++) {
        if (g_str_has_suffix(type, suffixes[i]))
            return g_strndup(type, strlen(type) - strlen(suffixes[i]));
    }
    return g_strdup(type);
}


static void
qemuCapsApplyQueryMachines(json_object *list, GPtrArray *machines)
{
    size_t i;

    for (i = 0; i < json_object_array_length(list); i++) {
        json_object *item = json_object_array_get_idx(list, i);
        json_object *name = NULL;
        json_object *max = NULL;
        json_object *cpu = NULL;
        qemuCapsMachine *m;

        if (!json_object_object_get_ex(item, "name", &name) ||
            !json_object_object_get_ex(item, "cpu-max", &max))
            continue;
        if (!(m = qemuCapsMachineFind(machines, json_object_get_string(name))))
            continue;
        m->maxCpus = json_object_get_int(max);
        if (json_object_object_get_ex(item, "default-cpu-type", &cpu))
            m->defaultCPU = qemuCapsCPUTypeToModel(json_object_get_string(cpu));
    }
}


/**
 * qemuCapsParseQueryMachines:
 * Reads the reply to query-machines from a QMP transcript (one JSON
 * message per line) and sets the maxCpus of the matching @machines.
 * Returns 0, or -1 (reported) when the transcript has no such reply.
 */
int
qemuCapsParseQueryMachines(const char *output, GPtrArray *machines)
{
    g_auto(GStrv) lines = g_strsplit(output ? output : "", "\n", -1);
    size_t i;

    for (i = 0; lines[i]; i++) {
        json_object *msg = json_tokener_parse(lines[i]);
        json_object *ret = NULL;
        bool found = false;

        if (msg && json_object_object_get_ex(msg, "return", &ret) &&
            json_object_is_type(ret, json_type_array)) {
            qemuCapsApplyQueryMachines(ret, machines);
            found = true;
        }
        json_object_put(msg);
        if (found)
            return 0;
    }
    virReportError(VIR_ERR_INTERNAL_ERROR, "%s",
                   _("no query-machines reply in QEMU's QMP output"));
    return -1;
}


/* ---- probing ---- */

/**
 * qemuCapsNewFromOutput:
 * Builds capabilities of @binary from the outputs of `-version`,
 * `-machine help` and (optional, may be NULL) a QMP query-machines
 * transcript.  Returns a new object (one reference, for the caller) or
 * NULL with an error reported.
 */
qemuCaps *
qemuCapsNewFromOutput(const char *binary, const char *versionOut,
                      const char *machineHelpOut,
                      const char *queryMachinesOut)
{
    qemuCaps *caps = virObjectLockableNew(sizeof(qemuCaps), qemuCapsDispose);

    caps->binary = g_strdup(binary);
    if (qemuCapsParseVersion(versionOut, &caps->version, &caps->package) < 0 ||
        qemuCapsParseMachineHelp(machineHelpOut, &caps->machines) < 0) {
        virObjectUnref(caps);
        return NULL;
    }
    if (queryMachinesOut &&
        qemuCapsParseQueryMachines(queryMachinesOut, caps->machines) < 0) {
        /* the limits are a nicety: keep the caps without them */
        VIR_WARN("%s: %s", binary, virErrorGetLastMessage());
        virErrorResetLast();
    }
    qemuCPUParseModels(queryMachinesOut, caps);
    return caps;
}


/* Reads @fd until EOF or until @deadline (monotonic, µs).  Returns the
 * data (caller owns) or NULL on timeout. */
static char *
qemuCapsReadAll(int fd, gint64 deadline)
{
    g_autoptr(GString) out = g_string_new(NULL);
    char buf[2048];

    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        gint64 left = deadline - g_get_monotonic_time();
        ssize_t n;

        if (left <= 0)
            return NULL;
        if (poll(&pfd, 1, left / 1000 + 1) < 0) {
            if (errno == EINTR)
                continue;
            return NULL;
        }
        if ((n = read(fd, buf, sizeof(buf))) < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return NULL;
        }
        if (n == 0)
            return g_string_free(g_steal_pointer(&out), FALSE);
        g_string_append_len(out, buf, n);
    }
}


static int
qemuCapsWait(pid_t pid, bool kill_first)
{
    int status = 0;

    if (kill_first)
        kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}


/* Runs @binary with @args (NULL-terminated) and @input on stdin (or
 * /dev/null), with LC_ALL=C and a QEMU_CAPS_TIMEOUT_SEC limit.  Returns its
 * stdout (caller owns) or NULL with an error reported. */
static char *
qemuCapsRun(const char *binary, const char *const *args, const char *input)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_auto(GStrv) env = g_environ_setenv(g_get_environ(), "LC_ALL", "C", TRUE);
    g_autoptr(GError) gerr = NULL;
    g_autofree char *out = NULL;
    int inFd = -1;
    int outFd = -1;
    GPid pid;
    size_t i;

    g_ptr_array_add(argv, (gpointer)binary);
    for (i = 0; args[i]; i++)
        g_ptr_array_add(argv, (gpointer)args[i]);
    g_ptr_array_add(argv, NULL);
    if (!g_spawn_async_with_pipes(NULL, (char **)argv->pdata, env,
                                  G_SPAWN_DO_NOT_REAP_CHILD |
                                  G_SPAWN_STDERR_TO_DEV_NULL,
                                  NULL, NULL, &pid, input ? &inFd : NULL,
                                  &outFd, NULL, &gerr)) {
        virReportError(VIR_ERR_INTERNAL_ERROR, _("cannot run '%1$s': %2$s"),
                       binary, gerr->message);
        return NULL;
    }
    if (input) {
        /* at most 64 KiB (qemuCapsRunQMP): fits in the pipe, never
         * blocks */
        if (write(inFd, input, strlen(input)) < 0)
            VIR_WARN("cannot write to %s: %s", binary, g_strerror(errno));
        close(inFd);
    }
    out = qemuCapsReadAll(outFd, g_get_monotonic_time() +
                          QEMU_CAPS_TIMEOUT_SEC * G_USEC_PER_SEC);
    close(outFd);
    if (qemuCapsWait(pid, !out) < 0 || !out) {
        virReportError(VIR_ERR_INTERNAL_ERROR,
                       _("'%1$s %2$s' failed or timed out"), binary, args[0]);
        return NULL;
    }
    return g_steal_pointer(&out);
}


/* A QEMU with nothing but a QMP monitor on stdio, under TCG. */
static const char *const qemuCapsQMPArgs[] = {
    "-machine", "none",     "-nodefaults", "-no-user-config",
    "-S",       "-display", "none",        "-accel",
    "tcg",      "-qmp",     "stdio",       NULL,
};


/**
 * qemuCapsRunQMP:
 * Runs @binary with only a QMP monitor on stdio (TCG, no machine) and
 * feeds it @input, QMP commands one a line ending with "quit" (at most
 * 64 KiB: it is written before anything is read).  Returns QEMU's whole
 * output, one message a line (caller owns it), or NULL (reported).
 */
char *
qemuCapsRunQMP(const char *binary, const char *input)
{
    return qemuCapsRun(binary, qemuCapsQMPArgs, input);
}


/**
 * qemuCapsProbe:
 * Runs @binary to learn its version and machine types (no caching; see
 * qemuCapsCacheLookup).  Returns a new object (one reference, for the
 * caller) or NULL with an error reported.
 */
qemuCaps *
qemuCapsProbe(const char *binary)
{
    static const char *const versionArgs[] = { "-version", NULL };
    static const char *const machineArgs[] = { "-machine", "help", NULL };
    g_autofree char *versionOut = NULL;
    g_autofree char *machineOut = NULL;
    g_autofree char *qmpOut = NULL;
    struct stat sb;
    qemuCaps *caps;

    if (stat(binary, &sb) < 0 || access(binary, X_OK) < 0) {
        virReportSystemError(errno, _("cannot use QEMU binary '%1$s'"), binary);
        return NULL;
    }
    if (!(versionOut = qemuCapsRun(binary, versionArgs, NULL)) ||
        !(machineOut = qemuCapsRun(binary, machineArgs, NULL)))
        return NULL;
    if (!(qmpOut = qemuCapsRunQMP(binary, QEMU_CAPS_QMP_INPUT))) {
        VIR_WARN("no vCPU limits for %s: %s", binary, virErrorGetLastMessage());
        virErrorResetLast();
    }
    if (!(caps = qemuCapsNewFromOutput(binary, versionOut, machineOut, qmpOut)))
        return NULL;
    caps->ctime = (gint64)sb.st_ctim.tv_sec * G_USEC_PER_SEC +
                  sb.st_ctim.tv_nsec / 1000;
    VIR_INFO("probed %s: version %u, %u machine types", binary, caps->version,
             caps->machines->len);
    return caps;
}


/* ---- cache ---- */

static GMutex qemuCapsCacheLock;
static GHashTable *qemuCapsCache; /* binary path -> qemuCaps (one ref) */

static void
qemuCapsUnrefNotify(gpointer caps)
{
    virObjectUnref(caps);
}


static bool
qemuCapsIsCurrent(const qemuCaps *caps)
{
    struct stat sb;

    return stat(caps->binary, &sb) == 0 &&
           (gint64)sb.st_ctim.tv_sec * G_USEC_PER_SEC +
           sb.st_ctim.tv_nsec / 1000 == caps->ctime;
}


/**
 * qemuCapsCacheLookup:
 * Returns the capabilities of @binary, probing it only the first time or
 * when the file changed since.  Adds a reference for the caller
 * (virObjectUnref when done); NULL with an error reported when the probe
 * fails.  Thread-safe; concurrent first lookups may probe twice.
 */
qemuCaps *
qemuCapsCacheLookup(const char *binary)
{
    qemuCaps *caps = NULL;

    g_mutex_lock(&qemuCapsCacheLock);
    if (!qemuCapsCache)
        qemuCapsCache = g_hash_table_new_full(g_str_hash, g_str_equal,
                                              g_free, qemuCapsUnrefNotify);
    caps = g_hash_table_lookup(qemuCapsCache, binary);
    caps = caps && qemuCapsIsCurrent(caps) ? virObjectRef(caps) : NULL;
    g_mutex_unlock(&qemuCapsCacheLock);
    if (caps)
        return caps;

    /* probe without the lock: it runs QEMU three times */
    if (!(caps = qemuCapsProbe(binary)))
        return NULL;
    g_mutex_lock(&qemuCapsCacheLock);
    g_hash_table_replace(qemuCapsCache, g_strdup(binary), virObjectRef(caps));
    g_mutex_unlock(&qemuCapsCacheLock);
    return caps;
}


/* Drops every cached probe (daemon shutdown, tests). */
void
qemuCapsCacheClear(void)
{
    g_mutex_lock(&qemuCapsCacheLock);
    g_clear_pointer(&qemuCapsCache, g_hash_table_unref);
    g_mutex_unlock(&qemuCapsCacheLock);
}


/* ---- machine types ---- */

/**
 * qemuCapsResolveMachine:
 * Returns the canonical name of machine type @name ("pc" ->
 * "pc-i440fx-7.2"; a canonical name maps to itself; NULL asks for the
 * default), owned by @caps, or NULL when @caps has no such machine.
 * Reports nothing.
 */
const char *
qemuCapsResolveMachine(const qemuCaps *caps, const char *name)
{
    size_t i;

    for (i = 0; i < caps->machines->len; i++) {
        qemuCapsMachine *m = g_ptr_array_index(caps->machines, i);

        if (name ? STREQ(m->name, name) || STREQ_NULLABLE(m->alias, name)
                 : m->isDefault)
            return m->name;
    }
    return NULL;
}


/* The vCPU limit of machine type @name (alias or canonical), 0 if unknown. */
unsigned int
qemuCapsGetMachineMaxCpus(const qemuCaps *caps, const char *name)
{
    const char *canonical = qemuCapsResolveMachine(caps, name);
    qemuCapsMachine *m = canonical ? qemuCapsMachineFind(caps->machines,
                                                         canonical)
                                   : NULL;

    return m ? m->maxCpus : 0;
}


/**
 * qemuCapsMachineResolveCallback:
 * A virDomainMachineResolveFunc over the qemuCaps passed as @opaque, for
 * virDomainDefParserConfig: returns the canonical machine name (caller
 * owns it), or NULL with VIR_ERR_CONFIG_UNSUPPORTED reported when the
 * emulator has no such machine type or cannot run @arch.
 */
char *
qemuCapsMachineResolveCallback(virArch arch,
                               virDomainVirtType virtType G_GNUC_UNUSED,
                               const char *machine, void *opaque)
{
    const qemuCaps *caps = opaque;
    const char *canonical;

    if (!ARCH_IS_X86(arch)) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Emulator '%1$s' does not support arch '%2$s'"),
                       caps->binary, virArchTypeToString(arch));
        return NULL;
    }
    if (!(canonical = qemuCapsResolveMachine(caps, machine))) {
        virReportError(VIR_ERR_CONFIG_UNSUPPORTED,
                       _("Emulator '%1$s' does not support machine type '%2$s'"),
                       caps->binary, NULLSTR(machine));
        return NULL;
    }
    return g_strdup(canonical);
}


/**
 * qemuCapsDefaultCPUCallback:
 * A virDomainDefaultCPUFunc over the qemuCaps passed as @opaque: the CPU
 * model QEMU gives machine type @machine when no -cpu is written (qemu64),
 * which libvirt 9.0 writes into every x86 definition without a CPU model.
 * Returns a string the caller owns, or NULL when not known (no error).
 */
char *
qemuCapsDefaultCPUCallback(virArch arch G_GNUC_UNUSED,
                           virDomainVirtType virtType G_GNUC_UNUSED,
                           const char *machine, void *opaque)
{
    const qemuCaps *caps = opaque;
    const char *canonical = qemuCapsResolveMachine(caps, machine);
    qemuCapsMachine *m = canonical ? qemuCapsMachineFind(caps->machines,
                                                         canonical)
                                   : NULL;

    return m && m->defaultCPU ? g_strdup(m->defaultCPU) : NULL;
}


/* ---- host capabilities ---- */

/* Whether KVM can be used: /dev/kvm exists and we may open it. */
bool
qemuCapsKVMUsable(void)
{
    return access(QEMU_KVM_DEVICE, R_OK | W_OK) == 0;
}


/* One <guest> for @arch run by the probed binary, as libvirt lists an x86
 * guest: canonical names before their aliases, then the features. */
static void
qemuCapsAddGuest(virCaps *vcaps, const qemuCaps *caps, virArch arch, bool kvm)
{
    virCapsGuest *guest = virCapabilitiesAddGuest(vcaps, VIR_DOMAIN_OSTYPE_HVM,
                                                  arch, caps->binary);
    size_t i;

    for (i = 0; i < caps->machines->len; i++) {
        qemuCapsMachine *m = g_ptr_array_index(caps->machines, i);

        virCapabilitiesAddGuestMachine(guest, m->name, NULL, m->maxCpus,
                                       m->deprecated);
        if (m->alias)
            virCapabilitiesAddGuestMachine(guest, m->alias, m->name,
                                           m->maxCpus, m->deprecated);
    }
    virCapabilitiesAddGuestDomain(guest, VIR_DOMAIN_VIRT_QEMU);
    if (kvm)
        virCapabilitiesAddGuestDomain(guest, VIR_DOMAIN_VIRT_KVM);
    virCapabilitiesAddGuestFeature(guest, VIR_CAPS_GUEST_FEATURE_CPUSELECTION,
                                   false, false);
    virCapabilitiesAddGuestFeature(guest, VIR_CAPS_GUEST_FEATURE_DEVICEBOOT,
                                   false, false);
    virCapabilitiesAddGuestFeature(guest, VIR_CAPS_GUEST_FEATURE_DISKSNAPSHOT,
                                   true, false);
    virCapabilitiesAddGuestFeature(guest, VIR_CAPS_GUEST_FEATURE_ACPI,
                                   true, true);
    virCapabilitiesAddGuestFeature(guest, VIR_CAPS_GUEST_FEATURE_APIC,
                                   true, false);
    if (arch == VIR_ARCH_I686) {
        virCapabilitiesAddGuestFeature(guest, VIR_CAPS_GUEST_FEATURE_PAE,
                                       false, false);
        virCapabilitiesAddGuestFeature(guest, VIR_CAPS_GUEST_FEATURE_NONPAE,
                                       false, false);
    }
}


/**
 * qemuCapsBuildHostCaps:
 * Builds the capabilities of a host described by @host (CPU, NUMA cells)
 * with UUID @hostUUID (may be NULL) whose guests run on the binary of
 * @caps: i686 and x86_64 hvm guests, domain type qemu, and kvm too when
 * @kvm.  The host migrates live over tcp; no power management or security
 * driver.  Returns capabilities the caller owns.
 */
virCaps *
qemuCapsBuildHostCaps(const qemuCaps *caps, const virHostInfo *host,
                      const unsigned char *hostUUID, bool kvm)
{
    g_autoptr(virCaps) vcaps = virCapabilitiesNew(host->arch);

    virCapabilitiesSetHostInfo(vcaps, host);
    if (hostUUID)
        virCapabilitiesSetHostUUID(vcaps, hostUUID);
    vcaps->host.liveMigrate = true;
    virCapabilitiesAddMigrateTransport(vcaps, "tcp");
    qemuCapsAddGuest(vcaps, caps, VIR_ARCH_I686, kvm);
    qemuCapsAddGuest(vcaps, caps, VIR_ARCH_X86_64, kvm);
    return g_steal_pointer(&vcaps);
}
