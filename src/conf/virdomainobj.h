/*
 * virdomainobj.h: the live domain object
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A virDomainObj is the daemon's state for one domain: its definition, run
 * state, job object and the driver's private data.  It is refcounted and
 * lockable; every field is read and written with its lock held.  The lock
 * is never held across anything that sleeps (monitor calls, peer RPC, job
 * waits): those drop it and take it back.
 *
 * Lock order: domain object list -> domain object -> monitor.
 */
#pragma once

#include "internal.h"
#include "domain_conf.h"
#include "virdomainjob.h"
#include "virenum.h"
#include "virobject.h"

/* Formats @def as a <domain> element at @buf's indentation. */
typedef int (*virDomainObjDefFormatFunc)(virBuffer *buf,
                                         const virDomainDef *def,
                                         void *opaque);
/* Parses the <domain> element @ctxt->node; caller owns the result. */
typedef virDomainDef *(*virDomainObjDefParseFunc)(xmlXPathContext *ctxt,
                                                  void *opaque);

/* The driver's per-domain private data and its status XML part. */
typedef struct _virDomainObjPrivateDataCallbacks
    virDomainObjPrivateDataCallbacks;
struct _virDomainObjPrivateDataCallbacks {
    void *(*alloc)(void *opaque);
    void (*free)(void *data);
    /* Elements inside <domstatus>, before <domain>; @vm is locked. */
    int (*format)(virBuffer *buf, virDomainObj *vm);
    int (*parse)(xmlXPathContext *ctxt, virDomainObj *vm);
};

/*
 * What a driver plugs into its domain objects (libvirt keeps the same
 * things in its virDomainXMLOption).  Owned by the driver, immutable once
 * objects use it, and it must outlive all of them.
 */
typedef struct _virDomainObjConfig virDomainObjConfig;
struct _virDomainObjConfig {
    virDomainObjPrivateDataCallbacks privateData;
    void *privateDataOpaque;            /* passed to privateData.alloc */
    virDomainJobObjConfig job;
    virDomainObjDefFormatFunc defFormat;
    virDomainObjDefParseFunc defParse;
    void *defOpaque;
    const char *statusDir;              /* <runDir>; NULL: no status files */
};

struct _virDomainObj {
    virObjectLockable parent;
    GCond cond;             /* domain condition: event-driven waits inside
                             * a job (migration progress, abort, death) */
    const virDomainObjConfig *cfg;

    pid_t pid;
    struct {
        int state;          /* virDomainState */
        int reason;         /* virDomain<State>Reason */
    } state;
    bool persistent;
    bool autostart;
    bool hasManagedSave;    /* the driver keeps a managed save image */
    bool removing;          /* being removed from its list */
    unsigned int taint;     /* 1 << virDomainTaint of the running domain;
                             * cleared when it stops */

    virDomainDef *def;      /* the live definition (or the persistent one
                             * while inactive) */
    virDomainDef *newDef;   /* persistent definition while running */

    virDomainJobObj *job;

    void *privateData;
    void (*privateDataFreeFunc)(void *data);
};

/* State and reason strings of the status XML (libvirt's). */
#define VIR_DOMAIN_OBJ_STATE_LAST (VIR_DOMAIN_PMSUSPENDED + 1)
VIR_ENUM_DECL(virDomainObjState);
const char *const *virDomainObjStateReasonTable(int state,
                                                unsigned int *nreasons);
const char *virDomainObjStateReasonToString(int state, int reason);
int virDomainObjStateReasonFromString(int state, const char *str);

/* What a running domain was tainted by: libvirt's names in the status XML
 * (<taint flag='...'/>) and its messages (virDomainGetMessages). */
typedef enum {
    VIR_DOMAIN_TAINT_CUSTOM_MONITOR,    /* virDomainQemuMonitorCommand */
    VIR_DOMAIN_TAINT_CUSTOM_GA_COMMAND, /* virDomainQemuAgentCommand */

    VIR_DOMAIN_TAINT_LAST
} virDomainTaint;
VIR_ENUM_DECL(virDomainTaint);
const char *virDomainTaintMessage(virDomainTaint taint);

bool virDomainObjTaint(virDomainObj *vm, virDomainTaint taint);
char **virDomainObjGetMessages(const virDomainObj *vm, unsigned int flags);

virDomainObj *virDomainObjNew(const virDomainObjConfig *cfg);
void virDomainObjEndAPI(virDomainObj **vm);
/* For unlocked references only (locked ones end with virDomainObjEndAPI). */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainObj, virObjectUnref);

bool virDomainObjIsActive(const virDomainObj *vm);
int virDomainObjCheckActive(const virDomainObj *vm);
void virDomainObjSetState(virDomainObj *vm, virDomainState state, int reason);
virDomainState virDomainObjGetState(const virDomainObj *vm, int *reason);

void virDomainObjBroadcast(virDomainObj *vm);
int virDomainObjWaitUntil(virDomainObj *vm, long long deadlineMs);
