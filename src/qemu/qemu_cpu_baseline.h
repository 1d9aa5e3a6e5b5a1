/*
 * qemu_cpu_baseline.h: the baseline of several CPU definitions (virsh
 * cpu-baseline, hypervisor-cpu-baseline)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The features of each named CPU model come from QEMU itself: one QMP
 * session expands every model statically (query-cpu-model-expansion,
 * type "static": the model's CPUID features as booleans, and its vendor).
 * That map is built on the first baseline request and kept while the
 * binary does not change.  A baseline is then the intersection of the
 * feature sets of the given CPUs, expressed as the richest model whose
 * features all lie inside it plus the features it lacks.
 */
#pragma once

#include "qemu_capabilities.h"

typedef struct _qemuCPUModelMap qemuCPUModelMap;

qemuCPUModelMap *qemuCPUModelMapParse(const char *output, const qemuCaps *caps);
char *qemuCPUModelMapProbeInput(const qemuCaps *caps);
void qemuCPUModelMapFree(qemuCPUModelMap *map);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuCPUModelMap, qemuCPUModelMapFree);

char *
qemuCPUBaselineCompute(const qemuCPUModelMap *map, const char **xmlCPUs,
                       unsigned int ncpus, unsigned int flags, bool hypervisor);
char *qemuCPUBaseline(const qemuCaps *caps, const char **xmlCPUs,
                      unsigned int ncpus, unsigned int flags, bool hypervisor);

char *qemuCPUHostModelCompute(const qemuCPUModelMap *map, const char *vendor,
                              const char *flags, GPtrArray **retFeatures);
char *qemuCPUHostModel(const qemuCaps *caps, const char *vendor,
                       const char *flags, GPtrArray **retFeatures);
