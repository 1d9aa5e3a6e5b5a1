/*
 * virbuffer.c: growing text buffer with indentation, for XML output
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <config.h>

#include <stdarg.h>

#include "virbuffer.h"

static void
virBufferInit(virBuffer *buf)
{
    if (!buf->str)
        buf->str = g_string_new(NULL);
}


/* Indentation applies at the start of each line only. */
static void
virBufferApplyIndent(virBuffer *buf)
{
    virBufferInit(buf);
    if (buf->indent > 0 &&
        (buf->str->len == 0 || buf->str->str[buf->str->len - 1] == '\n'))
        g_string_append_printf(buf->str, "%*s", buf->indent, "");
}


void
virBufferFreeAndReset(virBuffer *buf)
{
    if (buf->str)
        g_string_free(buf->str, TRUE);
    buf->str = NULL;
    buf->indent = 0;
}


char *
virBufferContentAndReset(virBuffer *buf)
{
    char *ret;

    virBufferInit(buf);
    ret = g_string_free(buf->str, FALSE);
    buf->str = NULL;
    buf->indent = 0;
    return ret;
}


const char *
virBufferCurrentContent(virBuffer *buf)
{
    virBufferInit(buf);
    return buf->str->str;
}


size_t
virBufferUse(const virBuffer *buf)
{
    return buf->str ? buf->str->len : 0;
}


void
virBufferAdjustIndent(virBuffer *buf, int indent)
{
    buf->indent += indent;
    if (buf->indent < 0)
        buf->indent = 0;
}


void
virBufferAddLit(virBuffer *buf, const char *str)
{
    virBufferApplyIndent(buf);
    g_string_append(buf->str, str);
}


void
virBufferAsprintf(virBuffer *buf, const char *fmt, ...)
{
    va_list ap;

    virBufferApplyIndent(buf);
    va_start(ap, fmt);
    g_string_append_vprintf(buf->str, fmt, ap);
    va_end(ap);
}


void
virBufferEscapeString(virBuffer *buf, const char *fmt, const char *str)
{
    g_autofree char *escaped = NULL;

    if (!str)
        return;
    escaped = g_markup_escape_text(str, -1);
    virBufferAsprintf(buf, fmt, escaped);
}


void
virBufferAddBuffer(virBuffer *buf, virBuffer *child)
{
    g_autofree char *content = virBufferContentAndReset(child);
    g_auto(GStrv) lines = g_strsplit(content, "\n", -1);
    size_t i;

    for (i = 0; lines[i]; i++) {
        if (!lines[i + 1] && !*lines[i])
            break;
        virBufferAsprintf(buf, "%s%s", lines[i], lines[i + 1] ? "\n" : "");
    }
}
