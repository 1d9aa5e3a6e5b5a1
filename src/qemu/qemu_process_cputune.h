/*
 * qemu_process_cputune.h: a starting domain's pins and scheduler tuning
 * (qemu_process_cputune.c)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <sched.h>

#include "qemu_conf.h"
#include "virdomainjob.h"

int qemuProcessCPUSet(const guint64 *mask, cpu_set_t *set);
int qemuProcessCputuneCheck(const virDomainDef *def);
int qemuProcessPinThread(pid_t tid, const guint64 *mask);
int qemuProcessCputunePin(virDomainObj *vm, virDomainAsyncJob asyncJob);
