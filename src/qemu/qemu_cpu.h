/*
 * qemu_cpu.h: CPU models as QEMU knows them, and comparing a CPU
 * description with what this host's QEMU can run
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * There is no CPU model map here (libvirt's cpu_map): QEMU itself says,
 * when probed, which models it can run under TCG (query-cpu-definitions
 * and their unavailable-features) and which features its "max" model
 * has (query-cpu-model-expansion).  A comparison checks a CPU against
 * those: the question nova asks before it migrates a guest here.
 */
#pragma once

#include <json-c/json.h>

#include "qemu_capabilities.h"

/* Fills @caps's cpuModels and cpuMaxFeatures from the probe's QMP
 * transcript @output (one message a line; replies tagged "cpu-defs" and
 * "cpu-max").  Missing replies leave them empty; reports nothing. */
void qemuCPUParseModels(const char *output, qemuCaps *caps);

const char *qemuCPUFeatureToQEMU(const char *name);
const char *qemuCPUFeatureFromQEMU(const char *name);

/* "sse4_2", "sse4.2" and "SSE4-2" are one feature, and libvirt's
 * "pclmuldq" is QEMU's "pclmulqdq": caller owns the lower-case, '-'
 * separated name. */
char *qemuCPUFeatureName(const char *name);

const qemuCapsCPUModel *qemuCPUFindModel(const qemuCaps *caps, const char *name);

GHashTable *qemuCPUParseReplies(const char *output);

/* Compares the <cpu> in @xml with what @caps's QEMU can run: returns a
 * virCPUCompareResult (INCOMPATIBLE, IDENTICAL for the host's own CPU,
 * SUPERSET otherwise), or VIR_CPU_COMPARE_ERROR with an error reported
 * (also for INCOMPATIBLE when @failIncompatible). */
int qemuCPUCompareXML(const qemuCaps *caps, const char *hostModel,
                      const char *xml, bool failIncompatible);
