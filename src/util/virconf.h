/*
 * virconf.h: daemon configuration files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The file is a GKeyFile.  Like libvirtd.conf it may start without a group
 * header (keys then belong to the default group) and string values may be
 * written with double quotes.  Every error names the file and the line.
 */
#pragma once

#include "internal.h"

typedef struct _virConf virConf;

/* Loads @path; returns NULL with an error reported.  @group is the group
 * keys without a header belong to. */
virConf *virConfLoadFile(const char *path, const char *group);
/* Same for an in-memory text; @path is only used in messages. */
virConf *virConfLoadData(const char *path, const char *data,
                         const char *group);
void virConfFree(virConf *conf);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virConf, virConfFree);

/* One key of a configuration file, as its reader and its documentation
 * know it: the sample file and the manual page are generated from these
 * tables, so what is documented is what is read.  A table ends with an
 * entry whose @name is NULL. */
typedef struct {
    const char *name;
    const char *example;    /* a value as written in the file */
    const char *doc;        /* what it does, its default: one paragraph */
} virConfKey;

/* Refuses keys that are not in the NULL-terminated @known list. */
int virConfCheckKeys(virConf *conf, const char *const *known);

/* Getters: return 1 and set *@out when @key is present, 0 when absent
 * (out untouched), -1 with an error naming file:line when malformed. */
int virConfGetString(virConf *conf, const char *key, char **out);
int virConfGetInt(virConf *conf, const char *key, long long min,
                  long long max, long long *out);
int virConfGetBool(virConf *conf, const char *key, bool *out);
/* A list in libvirt's syntax: ["one", "two"] (an empty [] is an empty
 * list); \" and \\ escape inside the quotes. */
int virConfGetStringList(virConf *conf, const char *key, GStrv *out);

/* Reports @msg (already translated) as a config error at @key's line. */
void virConfReportKeyError(virConf *conf, const char *key, const char *msg);
