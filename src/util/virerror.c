/*
 * virerror.c: error reporting with libvirt's codes and domains
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdarg.h>

#include "virerror.h"
#include "virlog.h"

#define VIR_FROM_THIS VIR_FROM_NONE

VIR_LOG_INIT("util.error");

typedef struct {
    const char *bare;   /* used when there is no detail */
    const char *detail; /* format with one %s for the detail */
} virErrorMsgPair;

/* The user-visible texts match what libvirt's clients and users know, so
 * that scripts that look at messages keep working. */
static const virErrorMsgPair virErrorMsgs[] = {
    [VIR_ERR_INTERNAL_ERROR] = { N_("internal error"), N_("internal error: %s") },
    [VIR_ERR_NO_MEMORY] = { N_("out of memory"), N_("out of memory: %s") },
    [VIR_ERR_NO_SUPPORT] = {
        N_("this function is not supported by the connection driver"),
        N_("this function is not supported by the connection driver: %s") },
    [VIR_ERR_INVALID_ARG] = { N_("invalid argument"), N_("invalid argument: %s") },
    [VIR_ERR_OPERATION_FAILED] = { N_("operation failed"), N_("operation failed: %s") },
    [VIR_ERR_XML_ERROR] = {
        N_("XML description is invalid or not well formed"), N_("XML error: %s") },
    [VIR_ERR_DOM_EXIST] = { N_("this domain exists already"), N_("domain %s exists already") },
    [VIR_ERR_OPERATION_DENIED] = {
        N_("operation forbidden for read only access"), N_("operation forbidden: %s") },
    [VIR_ERR_CONF_SYNTAX] = {
        N_("configuration file syntax error"), N_("configuration file syntax error: %s") },
    [VIR_ERR_XML_DETAIL] = { N_("parser error"), "%s" },
    [VIR_ERR_SYSTEM_ERROR] = { N_("system call error"), "%s" },
    [VIR_ERR_RPC] = { N_("RPC error"), "%s" },
    [VIR_ERR_AUTH_FAILED] = { N_("authentication failed"), N_("authentication failed: %s") },
    [VIR_ERR_NO_DOMAIN] = { N_("Domain not found"), N_("Domain not found: %s") },
    [VIR_ERR_OPERATION_INVALID] = {
        N_("Requested operation is not valid"), N_("Requested operation is not valid: %s") },
    [VIR_ERR_CONFIG_UNSUPPORTED] = {
        N_("unsupported configuration"), N_("unsupported configuration: %s") },
    [VIR_ERR_OPERATION_TIMEOUT] = {
        N_("Timed out during operation"), N_("Timed out during operation: %s") },
    [VIR_ERR_MIGRATE_PERSIST_FAILED] = {
        N_("Failed to make domain persistent after migration"),
        N_("Failed to make domain persistent after migration: %s") },
    [VIR_ERR_ARGUMENT_UNSUPPORTED] = {
        N_("argument unsupported"), N_("argument unsupported: %s") },
    [VIR_ERR_OPERATION_ABORTED] = { N_("operation aborted"), N_("operation aborted: %s") },
    [VIR_ERR_MIGRATE_UNSAFE] = { N_("Unsafe migration"), N_("Unsafe migration: %s") },
    [VIR_ERR_OPERATION_UNSUPPORTED] = {
        N_("Operation not supported"), N_("Operation not supported: %s") },
    [VIR_ERR_NO_DOMAIN_METADATA] = {
        N_("metadata not found"), N_("metadata not found: %s") },
    [VIR_ERR_CPU_INCOMPATIBLE] = {
        N_("the CPU is incompatible with host CPU"),
        N_("the CPU is incompatible with host CPU: %s") },
    [VIR_ERR_AGENT_UNRESPONSIVE] = {
        N_("Guest agent is not responding"),
        N_("Guest agent is not responding: %s") },
    [VIR_ERR_RESOURCE_BUSY] = { N_("resource busy"), N_("resource busy: %s") },
    [VIR_ERR_XML_INVALID_SCHEMA] = {
        N_("XML document failed to validate against schema"),
        N_("XML document failed to validate against schema: %s") },
    [VIR_ERR_MIGRATE_FINISH_OK] = {
        N_("migration successfully aborted"), N_("migration successfully aborted: %s") },
};

static GPrivate virErrorLast = G_PRIVATE_INIT((GDestroyNotify)virErrorFree);
static bool virErrorLogging = true;


/**
 * virErrorPrefix:
 * Returns the translated text libvirt shows for @code, with a "%s" for the
 * detail when @withDetail is true.
 */
const char *
virErrorPrefix(int code, bool withDetail)
{
    const virErrorMsgPair *p = NULL;

    if (code >= 0 && code < (int)G_N_ELEMENTS(virErrorMsgs))
        p = &virErrorMsgs[code];
    if (!p || !p->bare)
        return withDetail ? "%s" : _("unknown error");
    return withDetail ? _(p->detail) : _(p->bare);
}


void
virErrorFree(virError *err)
{
    if (!err)
        return;
    g_free(err->message);
    g_free(err->str1);
    g_free(err->str2);
    g_free(err->str3);
    g_free(err);
}


/* Returns a deep copy of @err; caller owns the result. */
virError *
virErrorCopyNew(const virError *err)
{
    virError *copy = g_new0(virError, 1);

    copy->code = err->code;
    copy->domain = err->domain;
    copy->level = err->level;
    copy->int1 = err->int1;
    copy->int2 = err->int2;
    copy->message = g_strdup(err->message);
    copy->str1 = g_strdup(err->str1);
    copy->str2 = g_strdup(err->str2);
    copy->str3 = g_strdup(err->str3);
    return copy;
}


const virError *
virErrorGetLast(void)
{
    return g_private_get(&virErrorLast);
}


int
virErrorGetLastCode(void)
{
    const virError *err = virErrorGetLast();

    return err ? err->code : VIR_ERR_OK;
}


const char *
virErrorGetLastMessage(void)
{
    const virError *err = virErrorGetLast();

    if (!err)
        return _("no error");
    return err->message ? err->message : _("unknown error");
}


void
virErrorResetLast(void)
{
    g_private_replace(&virErrorLast, NULL);
}


void
virErrorSetLast(const virError *err)
{
    g_private_replace(&virErrorLast, err ? virErrorCopyNew(err) : NULL);
}


void
virErrorSetLogging(bool enabled)
{
    virErrorLogging = enabled;
}


/**
 * virErrorPreserveLast:
 * Saves the current last error (if any) into @saveerr so rollback code can
 * report its own failures without hiding the first cause.
 */
void
virErrorPreserveLast(virError **saveerr)
{
    const virError *err = virErrorGetLast();

    *saveerr = err ? virErrorCopyNew(err) : NULL;
}


/* Makes *@savederr the last error again (if set) and frees it. */
void
virErrorRestore(virError **savederr)
{
    if (!*savederr)
        return;
    virErrorSetLast(*savederr);
    g_clear_pointer(savederr, virErrorFree);
}


static void
virErrorRaise(int domain, int code, const char *filename,
              const char *funcname, size_t linenr, char *detail)
{
    virError *err = g_new0(virError, 1);

    err->domain = domain;
    err->code = code;
    err->level = VIR_ERR_ERROR;
    if (detail && *detail) {
        err->message = g_strdup_printf(virErrorPrefix(code, true), detail);
        err->str1 = g_steal_pointer(&detail);
    } else {
        err->message = g_strdup(virErrorPrefix(code, false));
    }
    g_free(detail);

    if (virErrorLogging)
        virLogMessage("util.error", VIR_LOG_ERROR, filename, linenr,
                      funcname, "%s", err->message);
    g_private_replace(&virErrorLast, err);
}


/**
 * virReportErrorFull:
 * Sets the calling thread's last error to @code from @domain with a message
 * made of libvirt's prefix for @code and the formatted detail, and logs it.
 */
void
virReportErrorFull(int domain, int code, const char *filename,
                   const char *funcname, size_t linenr, const char *fmt, ...)
{
    va_list ap;
    char *detail = NULL;
    int save_errno = errno;

    if (fmt) {
        va_start(ap, fmt);
        detail = g_strdup_vprintf(fmt, ap);
        va_end(ap);
    }
    virErrorRaise(domain, code, filename, funcname, linenr, detail);
    errno = save_errno;
}


/* As virReportErrorFull with VIR_ERR_SYSTEM_ERROR and strerror(@theerrno). */
void
virReportSystemErrorFull(int domain, int theerrno, const char *filename,
                         const char *funcname, size_t linenr,
                         const char *fmt, ...)
{
    va_list ap;
    g_autofree char *detail = NULL;
    int save_errno = errno;

    va_start(ap, fmt);
    detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    virErrorRaise(domain, VIR_ERR_SYSTEM_ERROR, filename, funcname, linenr,
                  g_strdup_printf("%s: %s", detail, g_strerror(theerrno)));
    errno = save_errno;
}
