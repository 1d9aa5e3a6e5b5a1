/*
 * statusxmlfuzz.c: libFuzzer target of the status XML parser
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The input is a status file (<domstatus>: state, job, migration phase,
 * the QEMU driver's private data and the live <domain>), read with the
 * QEMU driver's configuration as the daemon reads its run directory at
 * start.  What parses is formatted again, which must parse and format to
 * the same text (qemumigrationjobtest checks this for its golden files);
 * a failure is reported as a crash (abort).
 */
#include <config.h>

#include "domain_conf.h"
#include "qemu_domain.h"
#include "virdomainstatus.h"
#include "fuzzutils.h"

/* The live definition as the QEMU driver writes and reads it (the
 * definition callbacks of qemu_state.c). */
static int
fuzzDefFormat(virBuffer *buf, const virDomainDef *def,
              void *opaque G_GNUC_UNUSED)
{
    return virDomainDefFormatBuf(buf, def, VIR_DOMAIN_DEF_FORMAT_SECURE |
                                           VIR_DOMAIN_DEF_FORMAT_STATUS);
}


static virDomainDef *
fuzzDefParse(xmlXPathContext *ctxt, void *opaque G_GNUC_UNUSED)
{
    return virDomainDefParseNode(ctxt->node, NULL, VIR_DOMAIN_DEF_PARSE_STATUS);
}


static virDomainObjConfig fuzzCfg;


G_GNUC_NORETURN static void
fuzzFail(const char *what, const char *first, const char *second)
{
    fprintf(stderr, "statusxmlfuzz: %s\n--- first:\n%s\n--- second:\n%s\n",
            what, first, NULLSTR(second));
    if (virErrorGetLastMessage())
        fprintf(stderr, "--- error: %s\n", virErrorGetLastMessage());
    abort();
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *xml = NULL;
    g_autofree char *out = NULL;
    g_autofree char *again = NULL;
    virDomainObj *vm = NULL;
    virDomainObj *back = NULL;

    if (!fuzzCfg.defParse) {
        fuzzInit();
        qemuDomainObjConfigInit(&fuzzCfg, NULL);
        fuzzCfg.defFormat = fuzzDefFormat;
        fuzzCfg.defParse = fuzzDefParse;
        fuzzCfg.job.waitTimeoutMs = 1000;
    }
    if (size > VIR_DOMAIN_STATUS_MAX_SIZE)
        return 0;
    xml = fuzzString(data, size);
    if (!(vm = virDomainObjParseStatus(xml, "fuzz.xml", &fuzzCfg))) {
        virErrorResetLast();
        return 0;
    }
    if (!(out = virDomainObjFormatStatus(vm)))
        fuzzFail("a parsed status does not format", xml, NULL);
    if (!(back = virDomainObjParseStatus(out, "formatted.xml", &fuzzCfg)))
        fuzzFail("a formatted status does not parse back", out, NULL);
    again = virDomainObjFormatStatus(back);
    if (STRNEQ_NULLABLE(out, again))
        fuzzFail("a status does not format back the same", out, again);
    virDomainObjEndAPI(&back);
    virDomainObjEndAPI(&vm);
    virErrorResetLast();
    return 0;
}
