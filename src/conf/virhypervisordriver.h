/*
 * virhypervisordriver.h: the boundary between the daemon and a hypervisor
 * driver
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A driver is a table of function pointers.  The daemon turns each RPC
 * call into one call through the table of the connection's driver; an
 * entry left NULL is answered with VIR_ERR_NO_SUPPORT.  Every entry
 * returns 0 (or a count, or an object) on success and -1 (or NULL) with
 * an error reported on failure.  The daemon knows nothing about QEMU and
 * the driver knows nothing about sockets.
 *
 * The driver is built as a loadable module exporting
 *     const virHypervisorDriver *virDriverModuleGet(void);
 */
#pragma once

#include "internal.h"
#include "virconf.h"

/* CONNECT_SUPPORTS_FEATURE numbers: wire ABI, libvirt's values. */
typedef enum {
    VIR_DRV_FEATURE_MIGRATION_V1 = 1,
    VIR_DRV_FEATURE_REMOTE = 2,
    VIR_DRV_FEATURE_MIGRATION_V2 = 3,
    VIR_DRV_FEATURE_MIGRATION_P2P = 4,
    VIR_DRV_FEATURE_MIGRATION_DIRECT = 5,
    VIR_DRV_FEATURE_MIGRATION_V3 = 6,
    VIR_DRV_FEATURE_MIGRATE_CHANGE_PROTECTION = 7,
    VIR_DRV_FEATURE_FD_PASSING = 8,
    VIR_DRV_FEATURE_TYPED_PARAM_STRING = 9,
    VIR_DRV_FEATURE_PROGRAM_KEEPALIVE = 10,
    VIR_DRV_FEATURE_XML_MIGRATABLE = 11,
    VIR_DRV_FEATURE_MIGRATION_OFFLINE = 12,
    VIR_DRV_FEATURE_MIGRATION_PARAMS = 13,
    VIR_DRV_FEATURE_REMOTE_EVENT_CALLBACK = 14,
    VIR_DRV_FEATURE_REMOTE_CLOSE_CALLBACK = 15,
    VIR_DRV_FEATURE_NETWORK_UPDATE_HAS_CORRECT_ORDER = 16,
} virDrvFeature;

/* A domain as clients see it: name, UUID and id (-1 when inactive). */
typedef struct _virDomainIdent virDomainIdent;
struct _virDomainIdent {
    char *name;
    unsigned char uuid[VIR_UUID_BUFLEN];
    int id;
};

virDomainIdent *virDomainIdentNew(const char *name, const unsigned char *uuid,
                              int id);
void virDomainIdentFree(virDomainIdent *ref);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainIdent, virDomainIdentFree);
/* Frees an array of @n refs and the array. */
void virDomainIdentListFree(virDomainIdent **refs, size_t n);

/* A domain event, handed by the driver to the daemon's sink, which routes
 * it to the clients that registered for it. */
typedef struct _virDomainEvent virDomainEvent;
struct _virDomainEvent {
    int eventID;                    /* VIR_DOMAIN_EVENT_ID_* */
    virDomainIdent *dom;
    int event;                      /* lifecycle: virDomainEventType */
    int detail;                     /* lifecycle detail */
    int iteration;                  /* MIGRATION_ITERATION */
    virTypedParameterPtr params;    /* JOB_COMPLETED */
    int nparams;
    char *nsuri;                    /* METADATA_CHANGE (type in @event) */
    /* The others reuse @event and @detail:
     *   IO_ERROR(_REASON): action in @event, @path, @dev (alias), @reason;
     *   BLOCK_JOB(_2): type in @event, status in @detail, @path (BLOCK_JOB)
     *     or @dev (the target, BLOCK_JOB_2);
     *   BLOCK_THRESHOLD: @dev (target), @path, @threshold, @excess;
     *   TUNABLE: @params;
     *   AGENT_LIFECYCLE: state in @event, reason in @detail;
     *   DEVICE_ADDED, DEVICE_REMOVED, DEVICE_REMOVAL_FAILED: @dev (alias);
     *   TRAY_CHANGE: @dev (alias), reason in @event;
     *   MEMORY_FAILURE: recipient in @event, action in @detail, @flags;
     *   BALLOON_CHANGE: @actual. */
    char *path;
    char *dev;
    char *reason;
    unsigned long long threshold;
    unsigned long long excess;
    unsigned int flags;
    unsigned long long actual; /* KiB */
    /* QEMU_MONITOR: the QMP event @name, its time stamp and its "data" as
     * JSON text in @details (NULL: none) */
    char *name;
    long long seconds;
    unsigned int micros;
    char *details;
};

/* libvirt-qemu's monitor events (virsh qemu-monitor-event): every QMP
 * event of a domain's QEMU, to the QEMU program's registrations.  Not a
 * libvirt domain event ID: no remote program registration matches it. */
#define VIR_DOMAIN_EVENT_ID_QEMU_MONITOR 1000
typedef void (*virDomainEventSink)(const virDomainEvent *event, void *opaque);

/*
 * A byte stream riding on a connection (libvirt's virStream): tunnelled
 * migration, consoles, screenshots.  What works depends on who made it:
 * a stream the remote client driver made (connectStreamNew) and a call
 * bound (domainMigratePrepareTunnel3) is sent into, then finished or
 * aborted; a stream the daemon hands a driver with a client's call
 * carries data between that client and the descriptor the driver
 * attaches, in the directions it asks for.  That handle is valid during
 * the call only; streamHold gives one that outlives it (a console the
 * driver may later hang up).  An operation left NULL does not apply.
 */
typedef enum {
    VIR_STREAM_FD_IN = 1 << 0,      /* the client's data goes into it */
    VIR_STREAM_FD_OUT = 1 << 1,     /* what it gives goes to the client */
} virStreamFDDir;

typedef struct _virStream virStream;
typedef struct _virStreamDriver virStreamDriver;
struct _virStreamDriver {
    /* sends @len bytes, waiting while the peer is behind */
    int (*streamSend)(virStream *st, const char *data, size_t len);
    /* all sent: waits until the peer confirms it delivered everything */
    int (*streamFinish)(virStream *st);
    /* ends it from this side (a held daemon stream: the client is sent
     * the end of the data) */
    int (*streamAbort)(virStream *st);
    /* from now on the data flows through @fd (stolen) in the directions
     * @dirs (virStreamFDDir) */
    int (*streamAttachFD)(virStream *st, int fd, unsigned int dirs);
    /* a handle on the same stream for after the call; caller owns it
     * (virDriverStreamFree) */
    virStream *(*streamHold)(virStream *st);
    /* whether the stream still carries data */
    bool (*streamIsOpen)(virStream *st);
    /* releases privateData (virDriverStreamFree then frees @st itself) */
    void (*streamRelease)(virStream *st);
};
struct _virStream {
    const virStreamDriver *driver;
    void *privateData;
};

/* A stream of @driver over @privateData (stolen; caller owns the
 * result). */
virStream *virDriverStreamNew(const virStreamDriver *driver, void *privateData);
/* Releases the driver's data and frees @st; accepts NULL. */
void virDriverStreamFree(virStream *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virStream, virDriverStreamFree);

/* One open client connection to a driver. */
typedef struct _virConn virConn;
typedef struct _virHypervisorDriver virHypervisorDriver;
struct _virConn {
    const virHypervisorDriver *driver;
    void *privateData;          /* the driver's, set by connectOpen */
    char *uri;                  /* as the client opened it */
    bool readonly;
};

/* What the daemon tells the driver at start. */
typedef struct _virDriverStateConfig virDriverStateConfig;
struct _virDriverStateConfig {
    const char *runDir;         /* sockets, status XML, pid files */
    const char *stateDir;       /* persistent configs */
    const char *logDir;
    const char *pkiDir;         /* /etc/pki, or ROOT/pki with --root */
    const char *hostName;
    const unsigned char *hostUUID;
    virConf *conf;              /* the daemon config; NULL if none */
    virDomainEventSink eventSink;
    void *eventOpaque;
    /* How a peer daemon reaches this one (the read-write socket's URI),
     * and how the driver opens a connection to a peer daemon itself
     * (NULL: it cannot).  peerOpen bounds every call on the connection
     * it returns by @timeoutMs (0: only keepalive bounds them, for a
     * peer-to-peer migration's long steps); the caller ends it with
     * conn->driver->connectClose(conn).  Returns NULL (reported). */
    const char *selfURI;
    virConn *(*peerOpen)(const char *uri, int timeoutMs);
};

typedef int (*virDrvStateInitialize)(const virDriverStateConfig *cfg);
typedef void (*virDrvStateCleanup)(void);
/* The daemon is about to stop (SIGTERM): what runs is cancelled or
 * parked by its own rules, so that the calls still running end soon.
 * Must not block for long. */
typedef void (*virDrvStateShutdownPrepare)(void);

typedef int (*virDrvConnectOpen)(virConn *conn, unsigned int flags);
typedef int (*virDrvConnectClose)(virConn *conn);
/* The client of @conn went away (disconnect, or CONNECT_CLOSE once its
 * replies are out).  Called once, from the daemon's I/O thread, at that
 * moment: calls it made may still be running, and connectClose follows
 * when the last of them has finished.  Must not block; the driver hands
 * any real work (cancelling what the client left half done) to its own
 * threads.  The driver may still see @conn in calls already running. */
typedef void (*virDrvConnectClosed)(virConn *conn);
typedef int (*virDrvConnectSupportsFeature)(virConn *conn, int feature);
/* Connections to a peer daemon (the remote client driver): libvirt's
 * virConnectSetKeepAlive (0, or 1 when the peer has no keepalive) and
 * virConnectIsAlive (1 while the connection is usable, 0 once it closed:
 * EOF, error or keepalive timeout).  IsAlive makes no call and may be
 * used from any thread. */
typedef int (*virDrvConnectSetKeepAlive)(virConn *conn, int interval,
                                         unsigned int count);
typedef int (*virDrvConnectIsAlive)(virConn *conn);
/* A stream to bind to a call on @conn (remote client driver); the caller
 * frees it with virDriverStreamFree. */
typedef virStream *(*virDrvConnectStreamNew)(virConn *conn);
typedef const char *(*virDrvConnectGetType)(virConn *conn);
typedef int (*virDrvConnectGetVersion)(virConn *conn,
                                       unsigned long long *hvVer);
typedef char *(*virDrvConnectGetHostname)(virConn *conn);
typedef char *(*virDrvConnectGetCapabilities)(virConn *conn);
typedef char *(*virDrvConnectGetSysinfo)(virConn *conn, unsigned int flags);
typedef int (*virDrvConnectGetMaxVcpus)(virConn *conn, const char *type);
typedef int (*virDrvNodeGetInfo)(virConn *conn, virNodeInfo *info);
/* Return a virCPUCompareResult, VIR_CPU_COMPARE_ERROR (-1) reported. */
typedef int (*virDrvConnectCompareCPU)(virConn *conn, const char *xml,
                                       unsigned int flags);
typedef int (*virDrvConnectCompareHypervisorCPU)(virConn *conn,
                                                 const char *emulator,
                                                 const char *arch,
                                                 const char *machine,
                                                 const char *virttype,
                                                 const char *xmlCPU,
                                                 unsigned int flags);
typedef char *(*virDrvConnectGetDomainCapabilities)(virConn *conn,
                                                    const char *emulatorbin,
                                                    const char *arch,
                                                    const char *machine,
                                                    const char *virttype,
                                                    unsigned int flags);
/* The baseline <cpu> of the @ncpus <cpu> XMLs (issue 16); caller owns it. */
typedef char *(*virDrvConnectBaselineCPU)(virConn *conn, const char **xmlCPUs,
                                          unsigned int ncpus,
                                          unsigned int flags);
typedef char *(*virDrvConnectBaselineHypervisorCPU)(
    virConn *conn, const char *emulator, const char *arch, const char *machine,
    const char *virttype, const char **xmlCPUs, unsigned int ncpus,
    unsigned int flags);

typedef int (*virDrvConnectListAllDomains)(virConn *conn,
                                           virDomainIdent ***domains,
                                           unsigned int flags);
typedef int (*virDrvConnectListDomains)(virConn *conn, int *ids, int maxids);
typedef int (*virDrvConnectNumOfDomains)(virConn *conn);
typedef int (*virDrvConnectListDefinedDomains)(virConn *conn, char **names,
                                               int maxnames);
typedef int (*virDrvConnectNumOfDefinedDomains)(virConn *conn);
typedef virDomainIdent *(*virDrvDomainLookupByID)(virConn *conn, int id);
typedef virDomainIdent *(*virDrvDomainLookupByName)(virConn *conn,
                                                  const char *name);
typedef virDomainIdent *(*virDrvDomainLookupByUUID)(virConn *conn,
                                                  const unsigned char *uuid);

/* Domain lifecycle (issue 4).  @dom identifies the domain by UUID (name
 * and id are hints only); an unknown domain is VIR_ERR_NO_DOMAIN. */
typedef virDomainIdent *(*virDrvDomainDefineXMLFlags)(virConn *conn,
                                                      const char *xml,
                                                      unsigned int flags);
typedef int (*virDrvDomainUndefineFlags)(virConn *conn,
                                         const virDomainIdent *dom,
                                         unsigned int flags);
/* Starts a defined domain; returns its identity with the new id. */
typedef virDomainIdent *(*virDrvDomainCreateWithFlags)(virConn *conn,
                                                       const virDomainIdent *dom,
                                                       unsigned int flags);
typedef virDomainIdent *(*virDrvDomainCreateXML)(virConn *conn,
                                                 const char *xml,
                                                 unsigned int flags);
typedef int (*virDrvDomainFlagsOp)(virConn *conn, const virDomainIdent *dom,
                                   unsigned int flags);
typedef int (*virDrvDomainOp)(virConn *conn, const virDomainIdent *dom);
typedef int (*virDrvDomainGetInfo)(virConn *conn, const virDomainIdent *dom,
                                   virDomainInfo *info);
typedef int (*virDrvDomainGetState)(virConn *conn, const virDomainIdent *dom,
                                    int *state, int *reason,
                                    unsigned int flags);
typedef char *(*virDrvDomainGetXMLDesc)(virConn *conn,
                                        const virDomainIdent *dom,
                                        unsigned int flags);
/* Boolean queries: return 0 or 1, -1 on error. */
typedef int (*virDrvDomainQuery)(virConn *conn, const virDomainIdent *dom);
typedef int (*virDrvDomainQueryFlags)(virConn *conn,
                                      const virDomainIdent *dom,
                                      unsigned int flags);
typedef int (*virDrvDomainSetAutostart)(virConn *conn,
                                        const virDomainIdent *dom,
                                        int autostart);
typedef char *(*virDrvDomainGetOSType)(virConn *conn,
                                       const virDomainIdent *dom);

/* Save and restore (issue 16).  @dxml may be NULL; paths are absolute. */
typedef int (*virDrvDomainSaveFlags)(virConn *conn, const virDomainIdent *dom,
                                     const char *to, const char *dxml,
                                     unsigned int flags);
/* virDomainCoreDumpWithFormat: the guest's memory to @to in @dumpformat
 * (virDomainCoreDumpFormat).  Returns 0 or -1. */
typedef int (*virDrvDomainCoreDumpWithFormat)(virConn *conn,
                                              const virDomainIdent *dom,
                                              const char *to,
                                              unsigned int dumpformat,
                                              unsigned int flags);
typedef int (*virDrvDomainRestoreFlags)(virConn *conn, const char *from,
                                        const char *dxml, unsigned int flags);
typedef char *(*virDrvDomainSaveImageGetXMLDesc)(virConn *conn,
                                                 const char *file,
                                                 unsigned int flags);
typedef int (*virDrvDomainSaveImageDefineXML)(virConn *conn, const char *file,
                                              const char *dxml,
                                              unsigned int flags);
typedef int (*virDrvDomainManagedSaveDefineXML)(virConn *conn,
                                                const virDomainIdent *dom,
                                                const char *dxml,
                                                unsigned int flags);
/* The typed parameters are borrowed for the call. */
typedef int (*virDrvDomainSaveParams)(virConn *conn, const virDomainIdent *dom,
                                      const virTypedParameter *params,
                                      int nparams, unsigned int flags);
typedef int (*virDrvDomainRestoreParams)(virConn *conn,
                                         const virTypedParameter *params,
                                         int nparams, unsigned int flags);

/* Jobs (issue 3): the legacy info, and typed stats whose array the caller
 * frees with virTypedParamsFree-like g_free of each string value. */
typedef int (*virDrvDomainGetJobInfo)(virConn *conn,
                                      const virDomainIdent *dom,
                                      virDomainJobInfo *info);
typedef int (*virDrvDomainGetJobStats)(virConn *conn,
                                       const virDomainIdent *dom,
                                       int *type,
                                       virTypedParameterPtr *params,
                                       int *nparams,
                                       unsigned int flags);

/*
 * Migration (issues 5 and 6).  One set of entries serves the positional
 * and the typed-parameter procedures: the daemon turns positional
 * arguments into parameters (uri -> migrate_uri, dname ->
 * destination_name, resource -> bandwidth, xml -> destination_xml).
 */
typedef struct _virMigrateArgs virMigrateArgs;
struct _virMigrateArgs {
    const virTypedParameter *params; /* VIR_MIGRATE_PARAM_* */
    int nparams;
    const char *cookiein;           /* opaque, from the previous step */
    int cookieinlen;
    char **cookieout;               /* NULL: the caller takes no cookie */
    int *cookieoutlen;
    const char *dconnuri;           /* peer-to-peer: destination URI */
    unsigned long long flags;       /* VIR_MIGRATE_* */
    int cancelled;                  /* Finish3 and Confirm3 */
    int protocol;                   /* 2 or 3: which sequence is running */
    virConn *conn;                  /* the connection the step came on (set
                                     * by the driver's entry point): what
                                     * the migration's close callbacks
                                     * watch; NULL for none */
    virConn *dconn;                 /* peer-to-peer: the source daemon's
                                     * connection to the destination, whose
                                     * loss cancels the transfer; or NULL */
    virStream *stream;              /* tunnelled: the migration data's
                                     * stream (PrepareTunnel3, Perform3);
                                     * or NULL */
};

/* Source: returns the domain XML for the destination. */
typedef char *(*virDrvDomainMigrateBegin)(virConn *conn,
                                          const virDomainIdent *dom,
                                          virMigrateArgs *args);
/* Destination: *@uriOut is the URI the source should migrate to. */
typedef int (*virDrvDomainMigratePrepare)(virConn *dconn,
                                          virMigrateArgs *args,
                                          char **uriOut);
/* Destination, tunnelled: as Prepare, the data coming on @st (which the
 * driver attaches to the incoming QEMU); no URI. */
typedef int (*virDrvDomainMigratePrepareTunnel)(virConn *dconn, virStream *st,
                                                virMigrateArgs *args);
typedef int (*virDrvDomainMigratePerform)(virConn *conn,
                                          const virDomainIdent *dom,
                                          virMigrateArgs *args);
/* Destination: the domain on success; NULL with an error otherwise (and
 * always when args->cancelled). */
typedef virDomainIdent *(*virDrvDomainMigrateFinish)(virConn *dconn,
                                                     virMigrateArgs *args);
typedef int (*virDrvDomainMigrateConfirm)(virConn *conn,
                                          const virDomainIdent *dom,
                                          virMigrateArgs *args);
typedef int (*virDrvDomainMigrateSetULL)(virConn *conn,
                                         const virDomainIdent *dom,
                                         unsigned long long value,
                                         unsigned int flags);
typedef int (*virDrvDomainMigrateGetULL)(virConn *conn,
                                         const virDomainIdent *dom,
                                         unsigned long long *value,
                                         unsigned int flags);

/*
 * Statistics (issue 16), in libvirt's units.  The entries with @nparams
 * follow libvirt's rule: *@nparams 0 asks for the count.
 */
/* The legacy block counters of disk @path (target or source); errs -1
 * when unknown. */
typedef int (*virDrvDomainBlockStats)(virConn *conn, const virDomainIdent *dom,
                                      const char *path,
                                      virDomainBlockStatsStruct *stats);
/* Typed block counters of disk @path (target or source); the caller frees
 * *@params with virTypedParamArrayFree. */
typedef int (*virDrvDomainBlockStatsFlags)(virConn *conn,
                                           const virDomainIdent *dom,
                                           const char *path,
                                           virTypedParameterPtr *params,
                                           int *nparams, unsigned int flags);
typedef int (*virDrvDomainInterfaceStats)(virConn *conn,
                                          const virDomainIdent *dom,
                                          const char *device,
                                          virDomainInterfaceStatsStruct *stats);
/* Returns how many of @nrStats it filled, or -1. */
typedef int (*virDrvDomainMemoryStats)(virConn *conn,
                                       const virDomainIdent *dom,
                                       virDomainMemoryStatPtr stats,
                                       unsigned int nrStats,
                                       unsigned int flags);
/* Returns how many vCPUs it described (at most @maxinfo), or -1;
 * @cpumaps (NULL: not wanted) holds @maxinfo maps of @maplen bytes. */
typedef int (*virDrvDomainGetVcpus)(virConn *conn, const virDomainIdent *dom,
                                    virVcpuInfoPtr info, int maxinfo,
                                    unsigned char *cpumaps, int maplen);
typedef int (*virDrvDomainGetULL)(virConn *conn, const virDomainIdent *dom,
                                  unsigned long long *value);
typedef int (*virDrvNodeGetCPUStats)(virConn *conn, int cpuNum,
                                     virNodeCPUStatsPtr params, int *nparams,
                                     unsigned int flags);
typedef int (*virDrvNodeGetMemoryStats)(virConn *conn, int cellNum,
                                        virNodeMemoryStatsPtr params,
                                        int *nparams, unsigned int flags);
typedef int (*virDrvNodeGetFreeMemory)(virConn *conn,
                                       unsigned long long *freeMem);
/* Returns how many cells it filled, or -1. */
typedef int (*virDrvNodeGetCellsFreeMemory)(virConn *conn,
                                            unsigned long long *freeMems,
                                            int startCell, int maxCells);
/* Returns the CPU count; *@cpumap (caller frees) when @cpumap given. */
typedef int (*virDrvNodeGetCPUMap)(virConn *conn, unsigned char **cpumap,
                                   unsigned int *online, unsigned int flags);

/* Metadata and memory (issue 16). */
typedef char *(*virDrvDomainGetMetadata)(virConn *conn,
                                         const virDomainIdent *dom, int type,
                                         const char *uri, unsigned int flags);
typedef int (*virDrvDomainSetMetadata)(virConn *conn, const virDomainIdent *dom,
                                       int type, const char *metadata,
                                       const char *key, const char *uri,
                                       unsigned int flags);
typedef int (*virDrvDomainSetVcpusFlags)(virConn *conn,
                                         const virDomainIdent *dom,
                                         unsigned int nvcpus,
                                         unsigned int flags);
typedef int (*virDrvDomainSetMemoryFlags)(virConn *conn,
                                          const virDomainIdent *dom,
                                          unsigned long long memory,
                                          unsigned int flags);
/* vCPU and emulator pins: CPU maps of @maplen bytes, libvirt's form. */
typedef int (*virDrvDomainPinVcpuFlags)(virConn *conn,
                                        const virDomainIdent *dom,
                                        unsigned int vcpu,
                                        const unsigned char *cpumap, int maplen,
                                        unsigned int flags);
typedef int (*virDrvDomainGetVcpuPinInfo)(virConn *conn,
                                          const virDomainIdent *dom,
                                          int ncpumaps, unsigned char *cpumaps,
                                          int maplen, unsigned int flags);
typedef int (*virDrvDomainPinEmulator)(virConn *conn, const virDomainIdent *dom,
                                       const unsigned char *cpumap, int maplen,
                                       unsigned int flags);
typedef int (*virDrvDomainGetEmulatorPinInfo)(virConn *conn,
                                              const virDomainIdent *dom,
                                              unsigned char *cpumap, int maplen,
                                              unsigned int flags);
typedef int (*virDrvDomainBlockResize)(virConn *conn, const virDomainIdent *dom,
                                       const char *path,
                                       unsigned long long size,
                                       unsigned int flags);
typedef int (*virDrvDomainGetBlockInfo)(virConn *conn,
                                        const virDomainIdent *dom,
                                        const char *path,
                                        virDomainBlockInfo *info,
                                        unsigned int flags);
typedef int (*virDrvDomainSetBlockThreshold)(virConn *conn,
                                             const virDomainIdent *dom,
                                             const char *dev,
                                             unsigned long long threshold,
                                             unsigned int flags);

/* Streams from the guest (issue 16): the driver attaches the device or
 * the image to @st (valid during the call only). */
typedef int (*virDrvDomainOpenConsole)(virConn *conn, const virDomainIdent *dom,
                                       const char *devName, virStream *st,
                                       unsigned int flags);
/* Returns the image's MIME type (caller owns it), or NULL. */
typedef char *(*virDrvDomainScreenshot)(virConn *conn, const virDomainIdent *dom,
                                        virStream *st, unsigned int screen,
                                        unsigned int flags);

/* virDomainOpenGraphicsFD: a socket connected to display @idx; the
 * caller owns it.  Returns it, or -1. */
typedef int (*virDrvDomainOpenGraphicsFD)(virConn *conn,
                                          const virDomainIdent *dom,
                                          unsigned int idx,
                                          unsigned int flags);
/* The guest agent (issue 16).  Timeouts in seconds as libvirt's
 * VIR_DOMAIN_AGENT_RESPONSE_TIMEOUT_*.  Arrays handed back are GPtrArrays
 * the caller owns, of virDomainInterface (virDomainInterfaceFree) and
 * virDomainFSInfo (virDomainFSInfoFree). */
typedef char *(*virDrvDomainQemuAgentCommand)(virConn *conn,
                                              const virDomainIdent *dom,
                                              const char *cmd, int timeout,
                                              unsigned int flags);
/* libvirt-qemu's monitor command, and the messages it leaves (taint):
 * *result and *msgs (NULL-terminated) are the caller's. */
typedef int (*virDrvDomainQemuMonitorCommand)(virConn *conn,
                                              const virDomainIdent *dom,
                                              const char *cmd, char **result,
                                              unsigned int flags);
typedef int (*virDrvDomainGetMessages)(virConn *conn, const virDomainIdent *dom,
                                       char ***msgs, unsigned int flags);
typedef char *(*virDrvDomainGetHostname)(virConn *conn,
                                         const virDomainIdent *dom,
                                         unsigned int flags);
typedef int (*virDrvDomainGetTime)(virConn *conn, const virDomainIdent *dom,
                                   long long *seconds, unsigned int *nseconds,
                                   unsigned int flags);
typedef int (*virDrvDomainSetTime)(virConn *conn, const virDomainIdent *dom,
                                   long long seconds, unsigned int nseconds,
                                   unsigned int flags);
typedef int (*virDrvDomainGetTypedParams)(virConn *conn,
                                          const virDomainIdent *dom,
                                          virTypedParameterPtr *params,
                                          int *nparams, unsigned int flags);
typedef int (*virDrvDomainGetGuestInfo)(virConn *conn,
                                        const virDomainIdent *dom,
                                        unsigned int types,
                                        virTypedParameterPtr *params,
                                        int *nparams, unsigned int flags);
typedef int (*virDrvDomainSetGuestVcpus)(virConn *conn,
                                         const virDomainIdent *dom,
                                         const char *cpumap, int state,
                                         unsigned int flags);
typedef int (*virDrvDomainInterfaceAddresses)(virConn *conn,
                                              const virDomainIdent *dom,
                                              unsigned int source,
                                              GPtrArray **retIfaces,
                                              unsigned int flags);
typedef int (*virDrvDomainGetFSInfo)(virConn *conn, const virDomainIdent *dom,
                                     GPtrArray **retInfo, unsigned int flags);
typedef int (*virDrvDomainFSFreeze)(virConn *conn, const virDomainIdent *dom,
                                    const char **mountpoints,
                                    unsigned int nmountpoints,
                                    unsigned int flags);
typedef int (*virDrvDomainSetInt)(virConn *conn, const virDomainIdent *dom,
                                  int value, unsigned int flags);

/* Devices (hotplug): attach, detach or update the device element @xml
 * (virDomainAttachDeviceFlags, DetachDeviceFlags, UpdateDeviceFlags),
 * or detach the device whose alias is @xml (DetachDeviceAlias), on the
 * definitions VIR_DOMAIN_AFFECT_* name. */
typedef int (*virDrvDomainDeviceOp)(virConn *conn, const virDomainIdent *dom,
                                    const char *xml, unsigned int flags);

/* One domain's record of virConnectGetAllDomainStats. */
typedef struct _virDomainStatsRec virDomainStatsRec;
struct _virDomainStatsRec {
    virDomainIdent *dom;
    virTypedParameterPtr params;    /* virTypedParamArrayFree */
    int nparams;
};
void virDomainStatsRecFree(virDomainStatsRec *rec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomainStatsRec, virDomainStatsRecFree);

/* @doms (@ndoms, 0: every domain @flags selects); *@retStats is a
 * GPtrArray of virDomainStatsRec the caller owns. */
typedef int (*virDrvConnectGetAllDomainStats)(virConn *conn,
                                              virDomainIdent *const *doms,
                                              unsigned int ndoms,
                                              unsigned int stats,
                                              GPtrArray **retStats,
                                              unsigned int flags);

struct _virHypervisorDriver {
    const char *name;               /* "QEMU" */
    const char *const *uriSchemes;  /* NULL-terminated, e.g. "qemu" */
    const virConfKey *configKeys;   /* daemon config keys it reads */

    virDrvStateInitialize stateInitialize;
    virDrvStateCleanup stateCleanup;
    virDrvStateShutdownPrepare stateShutdownPrepare;

    virDrvConnectOpen connectOpen;
    virDrvConnectClose connectClose;
    virDrvConnectClosed connectClosed;
    virDrvConnectSupportsFeature connectSupportsFeature;
    virDrvConnectSetKeepAlive connectSetKeepAlive;
    virDrvConnectIsAlive connectIsAlive;
    virDrvConnectStreamNew connectStreamNew;
    virDrvConnectGetType connectGetType;
    virDrvConnectGetVersion connectGetVersion;
    virDrvConnectGetHostname connectGetHostname;
    virDrvConnectGetCapabilities connectGetCapabilities;
    virDrvConnectGetSysinfo connectGetSysinfo;
    virDrvConnectGetMaxVcpus connectGetMaxVcpus;
    virDrvNodeGetInfo nodeGetInfo;
    virDrvConnectGetDomainCapabilities connectGetDomainCapabilities;
    virDrvConnectCompareCPU connectCompareCPU;
    virDrvConnectCompareHypervisorCPU connectCompareHypervisorCPU;
    virDrvConnectBaselineCPU connectBaselineCPU;
    virDrvConnectBaselineHypervisorCPU connectBaselineHypervisorCPU;

    virDrvConnectListAllDomains connectListAllDomains;
    virDrvConnectListDomains connectListDomains;
    virDrvConnectNumOfDomains connectNumOfDomains;
    virDrvConnectListDefinedDomains connectListDefinedDomains;
    virDrvConnectNumOfDefinedDomains connectNumOfDefinedDomains;
    virDrvDomainLookupByID domainLookupByID;
    virDrvDomainLookupByName domainLookupByName;
    virDrvDomainLookupByUUID domainLookupByUUID;

    virDrvDomainDefineXMLFlags domainDefineXMLFlags;
    virDrvDomainUndefineFlags domainUndefineFlags;
    virDrvDomainCreateWithFlags domainCreateWithFlags;
    virDrvDomainCreateXML domainCreateXML;
    virDrvDomainFlagsOp domainDestroyFlags;
    virDrvDomainFlagsOp domainShutdownFlags;
    virDrvDomainFlagsOp domainReboot;
    virDrvDomainFlagsOp domainReset;
    virDrvDomainFlagsOp domainInjectNMI;
    virDrvDomainOp domainSuspend;
    virDrvDomainOp domainResume;
    virDrvDomainGetInfo domainGetInfo;
    virDrvDomainGetState domainGetState;
    virDrvDomainGetXMLDesc domainGetXMLDesc;
    virDrvDomainQuery domainIsActive;
    virDrvDomainQuery domainIsPersistent;
    virDrvDomainQuery domainIsUpdated;
    virDrvDomainQuery domainGetAutostart;
    virDrvDomainSetAutostart domainSetAutostart;
    virDrvDomainGetOSType domainGetOSType;
    virDrvDomainQueryFlags domainHasManagedSaveImage;
    virDrvDomainSaveFlags domainSaveFlags;
    virDrvDomainRestoreFlags domainRestoreFlags;
    virDrvDomainCoreDumpWithFormat domainCoreDumpWithFormat;
    virDrvDomainFlagsOp domainManagedSave;
    virDrvDomainFlagsOp domainManagedSaveRemove;
    virDrvDomainSaveImageGetXMLDesc domainSaveImageGetXMLDesc;
    virDrvDomainGetXMLDesc domainManagedSaveGetXMLDesc;
    virDrvDomainSaveImageDefineXML domainSaveImageDefineXML;
    virDrvDomainManagedSaveDefineXML domainManagedSaveDefineXML;
    virDrvDomainSaveParams domainSaveParams;
    virDrvDomainRestoreParams domainRestoreParams;

    virDrvDomainGetJobInfo domainGetJobInfo;
    virDrvDomainGetJobStats domainGetJobStats;
    virDrvDomainFlagsOp domainAbortJobFlags;

    virDrvDomainMigrateBegin domainMigrateBegin3;
    virDrvDomainMigratePrepare domainMigratePrepare3;
    virDrvDomainMigratePrepareTunnel domainMigratePrepareTunnel3;
    virDrvDomainMigratePerform domainMigratePerform3;
    virDrvDomainMigrateFinish domainMigrateFinish3;
    virDrvDomainMigrateConfirm domainMigrateConfirm3;
    virDrvDomainMigratePrepare domainMigratePrepare2;
    virDrvDomainMigratePerform domainMigratePerform2;
    virDrvDomainMigrateFinish domainMigrateFinish2;
    virDrvDomainMigrateSetULL domainMigrateSetMaxDowntime;
    virDrvDomainMigrateGetULL domainMigrateGetMaxDowntime;
    virDrvDomainMigrateSetULL domainMigrateSetMaxSpeed;
    virDrvDomainMigrateGetULL domainMigrateGetMaxSpeed;
    virDrvDomainMigrateGetULL domainMigrateGetCompressionCache;
    virDrvDomainMigrateSetULL domainMigrateSetCompressionCache;
    virDrvDomainFlagsOp domainMigrateStartPostCopy;

    virDrvDomainBlockStats domainBlockStats;
    virDrvDomainBlockStatsFlags domainBlockStatsFlags;
    virDrvDomainInterfaceStats domainInterfaceStats;
    virDrvDomainMemoryStats domainMemoryStats;
    virDrvDomainGetVcpus domainGetVcpus;
    virDrvDomainGetULL domainGetMaxMemory;
    virDrvDomainOp domainGetMaxVcpus;
    virDrvNodeGetCPUStats nodeGetCPUStats;
    virDrvNodeGetMemoryStats nodeGetMemoryStats;
    virDrvNodeGetFreeMemory nodeGetFreeMemory;
    virDrvNodeGetCellsFreeMemory nodeGetCellsFreeMemory;
    virDrvNodeGetCPUMap nodeGetCPUMap;
    virDrvConnectGetAllDomainStats connectGetAllDomainStats;

    virDrvDomainGetMetadata domainGetMetadata;
    virDrvDomainSetMetadata domainSetMetadata;
    virDrvDomainSetMemoryFlags domainSetMemoryFlags;
    virDrvDomainSetVcpusFlags domainSetVcpusFlags;
    virDrvDomainSetBlockThreshold domainSetBlockThreshold;
    virDrvDomainGetBlockInfo domainGetBlockInfo;
    virDrvDomainBlockResize domainBlockResize;
    virDrvDomainPinVcpuFlags domainPinVcpuFlags;
    virDrvDomainGetVcpuPinInfo domainGetVcpuPinInfo;
    virDrvDomainPinEmulator domainPinEmulator;
    virDrvDomainGetEmulatorPinInfo domainGetEmulatorPinInfo;

    virDrvDomainOpenConsole domainOpenConsole;
    virDrvDomainScreenshot domainScreenshot;
    virDrvDomainOpenGraphicsFD domainOpenGraphicsFD;

    virDrvDomainQemuAgentCommand domainQemuAgentCommand;
    virDrvDomainQemuMonitorCommand domainQemuMonitorCommand;
    virDrvDomainGetMessages domainGetMessages;
    virDrvDomainGetHostname domainGetHostname;
    virDrvDomainGetTime domainGetTime;
    virDrvDomainSetTime domainSetTime;
    virDrvDomainGetGuestInfo domainGetGuestInfo;
    virDrvDomainGetTypedParams domainGetGuestVcpus;
    virDrvDomainSetGuestVcpus domainSetGuestVcpus;
    virDrvDomainInterfaceAddresses domainInterfaceAddresses;
    virDrvDomainGetFSInfo domainGetFSInfo;
    virDrvDomainFSFreeze domainFSFreeze;
    virDrvDomainFSFreeze domainFSThaw;
    virDrvDomainSetInt domainAgentSetResponseTimeout;
    virDrvDomainFlagsOp domainGetVcpusFlags;

    virDrvDomainDeviceOp domainAttachDeviceFlags;
    virDrvDomainDeviceOp domainDetachDeviceFlags;
    virDrvDomainDeviceOp domainUpdateDeviceFlags;
    virDrvDomainDeviceOp domainDetachDeviceAlias;
};

#define VIR_DRIVER_MODULE_SYMBOL "virDriverModuleGet"
typedef const virHypervisorDriver *(*virDriverModuleGetFunc)(void);
