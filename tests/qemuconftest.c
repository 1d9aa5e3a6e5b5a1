/*
 * qemuconftest.c: the QEMU driver's settings from the daemon config
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "testutils.h"
#include "qemu_conf.h"
#include "virconf.h"
#include "virerror.h"

#define V2 QEMU_MIGRATION_PROTOCOL_V2
#define V3 QEMU_MIGRATION_PROTOCOL_V3


/* The driver config built from config text @text (NULL: no file). */
static virQEMUDriverConfig *
testConfigFrom(const char *text)
{
    static const unsigned char uuid[VIR_UUID_BUFLEN] = { 1 };
    g_autoptr(virConf) conf = NULL;
    virDriverStateConfig dcfg = {
        .runDir = "/nonexistent/run",
        .stateDir = "/nonexistent/lib",
        .logDir = "/nonexistent/log",
        .hostName = "hostA",
        .hostUUID = uuid,
    };

    if (text) {
        conf = virConfLoadData("/etc/virtmigd.conf", text, "virtmigd");
        g_assert_nonnull(conf);
        dcfg.conf = conf;
    }
    return qemuDriverConfigNew(&dcfg);
}


static void
testMigrationProtocols(void)
{
    static const struct {
        const char *text;
        unsigned int protocols;
    } good[] = {
        { NULL, V2 | V3 },
        { "host_name = \"a\"\n", V2 | V3 },
        { "migration_protocols = \"2\"\n", V2 },
        { "migration_protocols = 2\n", V2 },
        { "migration_protocols = \"3\"\n", V3 },
        { "migration_protocols = \"2,3\"\n", V2 | V3 },
        { "migration_protocols = \" 3 , 2 \"\n", V2 | V3 },
    };
    static const char *const bad[] = {
        "migration_protocols = \"\"\n",
        "migration_protocols = \"1\"\n",
        "migration_protocols = \"2,4\"\n",
        "migration_protocols = \"2,,3\"\n",
        "migration_protocols = \"v2\"\n",
    };
    size_t i;

    for (i = 0; i < G_N_ELEMENTS(good); i++) {
        g_autoptr(virQEMUDriverConfig) cfg = testConfigFrom(good[i].text);

        g_assert_nonnull(cfg);
        g_assert_cmpuint(cfg->migrationProtocols, ==, good[i].protocols);
    }
    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *text = g_strdup_printf("host_name = \"a\"\n%s", bad[i]);
        g_autoptr(virQEMUDriverConfig) cfg = testConfigFrom(text);

        g_assert_null(cfg);
        g_assert_cmpstr(virErrorGetLastMessage(), ==,
                        "configuration file syntax error: /etc/virtmigd.conf:2: migration_protocols: expected a comma-separated list of migration protocol versions, each 2 or 3");
        virErrorResetLast();
    }
}


int
main(int argc, char **argv)
{
    virTestInit(&argc, &argv);
    g_test_add_func("/qemuconf/migration_protocols", testMigrationProtocols);
    return g_test_run();
}
