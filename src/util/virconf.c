/*
 * virconf.c: daemon configuration files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include "virconf.h"
#include "virerror.h"
#include "virfile.h"

#define VIR_FROM_THIS VIR_FROM_CONF

#define VIR_CONF_MAX_SIZE (1024 * 1024)

struct _virConf {
    char *path;
    char *group;
    GKeyFile *kf;
    GHashTable *lines;  /* key -> line number (GINT_TO_POINTER) */
};


void
virConfFree(virConf *conf)
{
    if (!conf)
        return;
    g_free(conf->path);
    g_free(conf->group);
    if (conf->kf)
        g_key_file_unref(conf->kf);
    if (conf->lines)
        g_hash_table_unref(conf->lines);
    g_free(conf);
}


static bool
virConfKeyValid(const char *key, size_t len)
{
    size_t i;

    if (len == 0)
        return false;
    for (i = 0; i < len; i++) {
        if (!g_ascii_isalnum(key[i]) && !strchr("_-.", key[i]))
            return false;
    }
    return true;
}


/* Checks one line; records the key's line.  Returns 0 or -1 (reported). */
static int
virConfScanLine(virConf *conf, const char *line, int lineno,
                bool *sawGroup)
{
    const char *eq;
    g_autofree char *key = NULL;

    while (g_ascii_isspace(*line))
        line++;
    if (*line == '\0' || *line == '#' || *line == ';')
        return 0;
    if (*line == '[') {
        *sawGroup = true;
        return 0;
    }
    if (!(eq = strchr(line, '='))) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("%1$s:%2$d: expected 'key = value'"),
                       conf->path, lineno);
        return -1;
    }
    key = g_strstrip(g_strndup(line, eq - line));
    if (!virConfKeyValid(key, strlen(key))) {
        virReportError(VIR_ERR_CONF_SYNTAX, _("%1$s:%2$d: invalid key name '%3$s'"),
                       conf->path, lineno, key);
        return -1;
    }
    if (g_hash_table_contains(conf->lines, key)) {
        virReportError(VIR_ERR_CONF_SYNTAX, _("%1$s:%2$d: duplicate key '%3$s'"),
                       conf->path, lineno, key);
        return -1;
    }
    g_hash_table_insert(conf->lines, g_steal_pointer(&key),
                        GINT_TO_POINTER(lineno));
    return 0;
}


virConf *
virConfLoadData(const char *path, const char *data, const char *group)
{
    g_autoptr(virConf) conf = g_new0(virConf, 1);
    g_auto(GStrv) lines = g_strsplit(data, "\n", -1);
    g_autofree char *text = NULL;
    g_autoptr(GError) gerr = NULL;
    bool sawGroup = false;
    size_t i;

    conf->path = g_strdup(path);
    conf->group = g_strdup(group);
    conf->lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (i = 0; lines[i]; i++) {
        if (virConfScanLine(conf, lines[i], i + 1, &sawGroup) < 0)
            return NULL;
    }
    if (sawGroup) {
        virReportError(VIR_ERR_CONF_SYNTAX,
                       _("%1$s: groups are not used; write 'key = value' lines only"),
                       path);
        return NULL;
    }
    text = g_strdup_printf("[%s]\n%s", group, data);
    conf->kf = g_key_file_new();
    if (!g_key_file_load_from_data(conf->kf, text, -1, G_KEY_FILE_NONE, &gerr)) {
        virReportError(VIR_ERR_CONF_SYNTAX, "%s: %s", path, gerr->message);
        return NULL;
    }
    return g_steal_pointer(&conf);
}


virConf *
virConfLoadFile(const char *path, const char *group)
{
    g_autofree char *data = NULL;

    if (virFileReadAll(path, VIR_CONF_MAX_SIZE, &data) < 0)
        return NULL;
    return virConfLoadData(path, data, group);
}


void
virConfReportKeyError(virConf *conf, const char *key, const char *msg)
{
    int line = GPOINTER_TO_INT(g_hash_table_lookup(conf->lines, key));

    virReportError(VIR_ERR_CONF_SYNTAX, _("%1$s:%2$d: %3$s: %4$s"),
                   conf->path, line, key, msg);
}


int
virConfCheckKeys(virConf *conf, const char *const *known)
{
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init(&iter, conf->lines);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        if (!g_strv_contains(known, key)) {
            virConfReportKeyError(conf, key, _("unknown setting"));
            return -1;
        }
    }
    return 0;
}


int
virConfGetString(virConf *conf, const char *key, char **out)
{
    g_autofree char *raw = NULL;
    size_t len;

    if (!g_hash_table_contains(conf->lines, key))
        return 0;
    raw = g_key_file_get_value(conf->kf, conf->group, key, NULL);
    g_strstrip(raw);
    len = strlen(raw);
    if (len >= 2 && raw[0] == '"' && raw[len - 1] == '"') {
        *out = g_strndup(raw + 1, len - 2);
        return 1;
    }
    if (len > 0 && (raw[0] == '"' || raw[len - 1] == '"')) {
        virConfReportKeyError(conf, key, _("unbalanced quotes"));
        return -1;
    }
    *out = g_steal_pointer(&raw);
    return 1;
}


int
virConfGetInt(virConf *conf, const char *key, long long min, long long max,
              long long *out)
{
    g_autofree char *str = NULL;
    gint64 val;
    int rc = virConfGetString(conf, key, &str);

    if (rc <= 0)
        return rc;
    if (!g_ascii_string_to_signed(str, 10, min, max, &val, NULL)) {
        g_autofree char *msg = g_strdup_printf(_("expected an integer from %1$lld to %2$lld, got '%3$s'"),
                                               min, max, str);
        virConfReportKeyError(conf, key, msg);
        return -1;
    }
    *out = val;
    return 1;
}


int
virConfGetBool(virConf *conf, const char *key, bool *out)
{
    g_autofree char *str = NULL;
    int rc = virConfGetString(conf, key, &str);

    if (rc <= 0)
        return rc;
    if (STREQ(str, "1") || STREQ(str, "true") || STREQ(str, "yes")) {
        *out = true;
    } else if (STREQ(str, "0") || STREQ(str, "false") || STREQ(str, "no")) {
        *out = false;
    } else {
        virConfReportKeyError(conf, key, _("expected 0 or 1"));
        return -1;
    }
    return 1;
}


/* Parses one "..." at *@p (after spaces) into @list.  Returns 0 or -1. */
static int
virConfParseQuoted(const char **p, GPtrArray *list)
{
    g_autoptr(GString) item = g_string_new(NULL);
    const char *s = *p;

    while (g_ascii_isspace(*s))
        s++;
    if (*s++ != '"')
        return -1;
    for (; *s && *s != '"'; s++) {
        if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
            s++;
        g_string_append_c(item, *s);
    }
    if (*s != '"')
        return -1;
    g_ptr_array_add(list, g_string_free(g_steal_pointer(&item), FALSE));
    *p = s + 1;
    return 0;
}


/* Parses "[...]" in @str.  Returns the NULL-terminated list or NULL. */
static GStrv
virConfParseList(const char *str)
{
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func(g_free);
    const char *p = str;

    if (*p++ != '[')
        return NULL;
    while (g_ascii_isspace(*p))
        p++;
    while (*p != ']') {
        if (virConfParseQuoted(&p, list) < 0)
            return NULL;
        while (g_ascii_isspace(*p))
            p++;
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p != ']')
            return NULL;
    }
    if (p[1] != '\0')
        return NULL;
    g_ptr_array_add(list, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&list), FALSE);
}


int
virConfGetStringList(virConf *conf, const char *key, GStrv *out)
{
    g_autofree char *raw = NULL;
    GStrv list;

    if (!g_hash_table_contains(conf->lines, key))
        return 0;
    raw = g_key_file_get_value(conf->kf, conf->group, key, NULL);
    g_strstrip(raw);
    if (!(list = virConfParseList(raw))) {
        virConfReportKeyError(conf, key,
                              _("expected a list of quoted strings, as [\"one\", \"two\"]"));
        return -1;
    }
    *out = list;
    return 1;
}
