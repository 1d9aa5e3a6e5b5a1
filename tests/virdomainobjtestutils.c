/*
 * virdomainobjtestutils.c: helpers for tests of domain objects and jobs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <glib/gstdio.h>

#include "virdomainobjtestutils.h"
#include "virdomainstatus.h"
#include "virerror.h"
#include "virthread.h"
#include "viruuid.h"

#define VIR_FROM_THIS VIR_FROM_NONE


int
virTestDomainDefFormat(virBuffer *buf, const virDomainDef *def,
                       void *opaque G_GNUC_UNUSED)
{
    char uuidstr[VIR_UUID_STRING_BUFLEN];

    virBufferAsprintf(buf, "<domain type='test' id='%d'>\n", def->id);
    virBufferAdjustIndent(buf, 2);
    virBufferEscapeString(buf, "<name>%s</name>\n", def->name);
    virBufferAsprintf(buf, "<uuid>%s</uuid>\n",
                      virUUIDFormat(def->uuid, uuidstr));
    virBufferAdjustIndent(buf, -2);
    virBufferAddLit(buf, "</domain>\n");
    return 0;
}


virDomainDef *
virTestDomainDefParse(xmlXPathContext *ctxt, void *opaque G_GNUC_UNUSED)
{
    g_autoptr(virDomainDef) def = virDomainDefNew();
    g_autofree char *uuid = virXPathString("string(./uuid)", ctxt);
    g_autofree char *id = virXMLPropString(ctxt->node, "id");

    def->name = virXPathString("string(./name)", ctxt);
    if (!def->name || !uuid || virUUIDParse(uuid, def->uuid) < 0) {
        virReportError(VIR_ERR_XML_ERROR, "%s", "test domain needs name and uuid");
        return NULL;
    }
    def->id = -1;
    if (id) {
        gint64 v = 0;

        g_assert_true(g_ascii_string_to_signed(id, 10, -1, G_MAXINT, &v, NULL));
        def->id = v;
    }
    return g_steal_pointer(&def);
}


void
virTestDomainObjConfigInit(virDomainObjConfig *cfg, const char *statusDir,
                           unsigned long long timeoutMs)
{
    cfg->defFormat = virTestDomainDefFormat;
    cfg->defParse = virTestDomainDefParse;
    cfg->statusDir = statusDir;
    cfg->job.saveStatus = virDomainObjSaveStatus;
    cfg->job.waitTimeoutMs = timeoutMs;
}


virDomainObj *
virTestDomainObjNew(const virDomainObjConfig *cfg, const char *name,
                    const char *uuid, int id)
{
    virDomainObj *vm = virDomainObjNew(cfg);

    vm->def = virDomainDefNew();
    vm->def->name = g_strdup(name);
    g_assert_cmpint(virUUIDParse(uuid, vm->def->uuid), ==, 0);
    vm->def->id = id;
    if (id >= 0)
        virDomainObjSetState(vm, VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_BOOTED);
    return vm;
}


void
virTestWaitJobsQueued(virDomainObj *vm, int n)
{
    long long deadline = virTimeMonotonicMs() + 20000;

    for (;;) {
        int queued;

        virObjectLock(vm);
        queued = vm->job->jobsQueued;
        virObjectUnlock(vm);
        if (queued >= n)
            return;
        g_assert_cmpint(virTimeMonotonicMs(), <, deadline);
        g_usleep(1000);
    }
}


bool
virTestTimingStrict(void)
{
    return !g_getenv("VIR_TEST_VALGRIND");
}


void
virTestAssertTimeoutPrecise(long long elapsedMs, long long timeoutMs)
{
    g_assert_cmpint(elapsedMs, >=, timeoutMs - 1);
    if (virTestTimingStrict())
        g_assert_cmpint(elapsedMs, <=, timeoutMs + timeoutMs / 10);
}


void
virTestAssertTimeout(long long elapsedMs, long long timeoutMs)
{
    g_assert_cmpint(elapsedMs, >=, timeoutMs - 1);
    if (virTestTimingStrict())
        g_assert_cmpint(elapsedMs, <=, timeoutMs + timeoutMs / 2);
}


char *
virTestTempDirNew(void)
{
    g_autoptr(GError) gerr = NULL;
    char *dir = g_dir_make_tmp("virtmig-test-XXXXXX", &gerr);

    g_assert_no_error(gerr);
    return dir;
}


void
virTestTempDirFree(char *dir)
{
    g_autoptr(GDir) d = NULL;
    const char *ent;

    if (!dir)
        return;
    if ((d = g_dir_open(dir, 0, NULL))) {
        while ((ent = g_dir_read_name(d))) {
            g_autofree char *path = g_build_filename(dir, ent, NULL);
            g_unlink(path);
        }
    }
    g_rmdir(dir);
    g_free(dir);
}
