/*
 * qemu_domain_disk.h: disks of a domain being started
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "domain_conf.h"

int qemuDomainPrepareDisks(virDomainDef *def, bool probe);
int qemuDomainPrepareDisk(virDomainDiskDef *disk);

/* What virDomainGetBlockInfo tells of a disk nobody runs, read from the
 * image itself. */
int qemuDomainDiskReadSizes(const virDomainDiskSource *src,
                            virDomainBlockInfo *info);
