/*
 * virdomainstatus.h: status XML of running domains
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each running domain has a state file <statusDir>/<name>.xml:
 *
 *   <domstatus state='paused' reason='migration' pid='4242'>
 *     <job type='none' async='migration out' phase='perform3' .../>
 *     ...driver private data...
 *     <domain>...</domain>
 *   </domstatus>
 *
 * It is rewritten atomically whenever the job or the state changes, so a
 * daemon that restarts finds every domain's state, job and migration
 * phase as they were when it stopped.
 */
#pragma once

#include "internal.h"
#include "virdomainobj.h"
#include "virdomainobjlist.h"

/* Status files larger than this are refused when loading. */
#define VIR_DOMAIN_STATUS_MAX_SIZE (10 * 1024 * 1024)

char *virDomainObjFormatStatus(virDomainObj *vm);
virDomainObj *virDomainObjParseStatus(const char *xml, const char *what,
                                      const virDomainObjConfig *cfg);
char *virDomainObjStatusPath(const char *dir, const char *name);
int virDomainObjSaveStatus(virDomainObj *vm);
int virDomainObjDeleteStatus(virDomainObj *vm);
int virDomainObjListLoadAllStatus(virDomainObjList *doms, const char *dir,
                                  const virDomainObjConfig *cfg);
