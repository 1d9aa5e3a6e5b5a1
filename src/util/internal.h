/*
 * internal.h: definitions shared by every part of virtmig
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>

#include <glib.h>
#include <glib/gi18n-lib.h>

/* libvirt's public headers give us the wire constants (error numbers,
 * migration flags, states); the daemon never links libvirt.so. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>


#define ATTRIBUTE_NONNULL(n) __attribute__((__nonnull__(n)))
#define ATTRIBUTE_PACKED __attribute__((__packed__))

#define STREQ(a, b) (strcmp(a, b) == 0)
#define STRNEQ(a, b) (strcmp(a, b) != 0)
#define STREQ_NULLABLE(a, b) (g_strcmp0(a, b) == 0)
#define STRNEQ_NULLABLE(a, b) (g_strcmp0(a, b) != 0)
#define STRPREFIX(a, b) (strncmp(a, b, strlen(b)) == 0)
#define STREQLEN(a, b, n) (strncmp(a, b, n) == 0)
#define STRCASEEQ(a, b) (g_ascii_strcasecmp(a, b) == 0)
#define STRCASENEQ(a, b) (g_ascii_strcasecmp(a, b) != 0)
/* Discards a result on purpose, even a warn_unused_result one. */
#define ignore_value(x) \
    (__extension__({ __typeof__(x) ignore_value_ = (x); (void)ignore_value_; }))
#define NULLSTR(s) ((s) ? (s) : "<null>")
