/*
 * qemu_agent_guest.h: the guest agent's typed commands
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each function runs one qemu-ga command on an agent the caller holds
 * (qemu_agent.h: a reference, the agent job, the domain unlocked) and
 * turns its reply into what the driver's entry points return.  A
 * @reportUnsupported of false makes a command the agent lacks return -2
 * without an error (virsh guestinfo without types gathers what it can).
 */
#pragma once

#include "qemu_agent.h"
#include "virtypedparam.h"

/* One vCPU as guest-get-vcpus reports it. */
typedef struct _qemuAgentCPUInfo qemuAgentCPUInfo;
struct _qemuAgentCPUInfo {
    unsigned int id;        /* logical-id */
    bool online;
    bool offlinable;        /* can-offline */
    bool modified;          /* to be sent by qemuAgentSetVCPUs */
};

/* Where a guest disk is, as guest-get-fsinfo and guest-get-disks say. */
typedef struct _qemuAgentDiskAddress qemuAgentDiskAddress;
struct _qemuAgentDiskAddress {
    char *serial;           /* NULL when unknown */
    char *devnode;          /* "dev": /dev/vda, NULL when unknown */
    char *busType;          /* "virtio", "ide", ... */
    bool hasPCI;
    unsigned int pciDomain, pciBus, pciSlot, pciFunction;
};

typedef struct _qemuAgentFSInfo qemuAgentFSInfo;
struct _qemuAgentFSInfo {
    char *mountpoint;
    char *name;
    char *fstype;
    long long totalBytes;   /* -1: not reported */
    long long usedBytes;
    GPtrArray *disks;       /* of qemuAgentDiskAddress */
};

typedef struct _qemuAgentDiskInfo qemuAgentDiskInfo;
struct _qemuAgentDiskInfo {
    char *name;
    bool partition;
    GStrv dependencies;     /* NULL or empty when none */
    char *alias;            /* the guest's name for it, or NULL */
    qemuAgentDiskAddress *address;  /* NULL when unknown */
};

void qemuAgentDiskAddressFree(qemuAgentDiskAddress *addr);
void qemuAgentFSInfoFree(qemuAgentFSInfo *info);
void qemuAgentDiskInfoFree(qemuAgentDiskInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuAgentDiskAddress, qemuAgentDiskAddressFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuAgentFSInfo, qemuAgentFSInfoFree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemuAgentDiskInfo, qemuAgentDiskInfoFree);

int qemuAgentGetHostname(qemuAgent *agent, bool reportUnsupported,
                         char **retName);
int qemuAgentGetTime(qemuAgent *agent, long long *retSeconds,
                     unsigned int *retNseconds);
int qemuAgentSetTime(qemuAgent *agent, long long seconds,
                     unsigned int nseconds, bool sync);
int qemuAgentGetVCPUs(qemuAgent *agent, GArray **retInfo);
int qemuAgentSetVCPUs(qemuAgent *agent, GArray *info);
int qemuAgentShutdown(qemuAgent *agent, bool reboot);
int qemuAgentFSFreeze(qemuAgent *agent, const char **mountpoints,
                      unsigned int nmountpoints);
int qemuAgentFSThaw(qemuAgent *agent);

int qemuAgentGetInterfaces(qemuAgent *agent, bool reportUnsupported,
                           GPtrArray **retIfaces);
int qemuAgentGetFSInfo(qemuAgent *agent, bool reportUnsupported,
                       GPtrArray **retInfo);
int qemuAgentGetDisks(qemuAgent *agent, bool reportUnsupported,
                      GPtrArray **retInfo);
int qemuAgentGetUsers(qemuAgent *agent, bool reportUnsupported,
                      virTypedParamList *list);
int qemuAgentGetOSInfo(qemuAgent *agent, bool reportUnsupported,
                       virTypedParamList *list);
int qemuAgentGetTimezone(qemuAgent *agent, bool reportUnsupported,
                         virTypedParamList *list);
