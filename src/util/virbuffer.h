/*
 * virbuffer.h: growing text buffer with indentation, for XML output
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "internal.h"

typedef struct _virBuffer virBuffer;
struct _virBuffer {
    GString *str;
    int indent;
};

#define VIR_BUFFER_INITIALIZER { NULL, 0 }

void virBufferFreeAndReset(virBuffer *buf);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(virBuffer, virBufferFreeAndReset);

/* Returns the content (caller owns it) and empties @buf. */
char *virBufferContentAndReset(virBuffer *buf);
const char *virBufferCurrentContent(virBuffer *buf);
size_t virBufferUse(const virBuffer *buf);

void virBufferAdjustIndent(virBuffer *buf, int indent);
void virBufferAddLit(virBuffer *buf, const char *str);
void virBufferAsprintf(virBuffer *buf, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
/* Like virBufferAsprintf with each %s argument escaped for XML. */
void virBufferEscapeString(virBuffer *buf, const char *fmt, const char *str);
/* Appends @child's content at @buf's indentation; empties @child. */
void virBufferAddBuffer(virBuffer *buf, virBuffer *child);
