/*
 * qemu_driver.c: the QEMU driver's table, and nothing else
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The entry points live in qemu_driver_<family>.c.
 */
#include <config.h>

#include "qemu_conf.h"
#include "qemu_driver_agent.h"
#include "qemu_driver_console.h"
#include "qemu_driver_custom.h"
#include "qemu_driver_device.h"
#include "qemu_driver_host.h"
#include "qemu_driver_domain.h"
#include "qemu_driver_migrate.h"
#include "qemu_driver_pin.h"
#include "qemu_driver_info.h"
#include "qemu_driver_lifecycle.h"
#include "qemu_driver_save.h"
#include "qemu_driver_stats.h"
#include "qemu_driver_update.h"
#include "qemu_driver_block.h"
#include "qemu_migration.h"

static const char *const qemuURISchemes[] = { "qemu", NULL };

static const virHypervisorDriver qemuHypervisorDriver = {
    .name = "QEMU",
    .uriSchemes = qemuURISchemes,
    .configKeys = qemuConfigKeys,

    .stateInitialize = qemuDriverStateInitialize,
    .stateCleanup = qemuDriverStateCleanup,
    .stateShutdownPrepare = qemuMigrationAnyShutdownPrepare,

    .connectOpen = qemuConnectOpen,
    .connectClose = qemuDriverConnectClose,
    .connectClosed = qemuConnectClosed,
    .connectSupportsFeature = qemuConnectSupportsFeature,
    .connectGetType = qemuConnectGetType,
    .connectGetVersion = qemuConnectGetVersion,
    .connectGetHostname = qemuConnectGetHostname,
    .connectGetCapabilities = qemuConnectGetCapabilities,
    .connectGetMaxVcpus = qemuConnectGetMaxVcpus,
    .connectGetDomainCapabilities = qemuConnectGetDomainCapabilities,
    .connectCompareCPU = qemuConnectCompareCPU,
    .connectCompareHypervisorCPU = qemuConnectCompareHypervisorCPU,
    .connectBaselineCPU = qemuConnectBaselineCPU,
    .connectBaselineHypervisorCPU = qemuConnectBaselineHypervisorCPU,
    .nodeGetInfo = qemuNodeGetInfo,

    .connectListAllDomains = qemuConnectListAllDomains,
    .connectListDomains = qemuConnectListDomains,
    .connectNumOfDomains = qemuConnectNumOfDomains,
    .connectListDefinedDomains = qemuConnectListDefinedDomains,
    .connectNumOfDefinedDomains = qemuConnectNumOfDefinedDomains,
    .domainLookupByID = qemuDomainLookupByID,
    .domainLookupByName = qemuDomainLookupByName,
    .domainLookupByUUID = qemuDomainLookupByUUID,

    .domainDefineXMLFlags = qemuDomainDefineXMLFlags,
    .domainUndefineFlags = qemuDomainUndefineFlags,
    .domainCreateWithFlags = qemuDomainCreateWithFlags,
    .domainCreateXML = qemuDomainCreateXML,
    .domainDestroyFlags = qemuDomainDestroyFlags,
    .domainShutdownFlags = qemuDomainShutdownFlags,
    .domainReboot = qemuDomainReboot,
    .domainReset = qemuDomainReset,
    .domainInjectNMI = qemuDomainInjectNMI,
    .domainSuspend = qemuDomainSuspend,
    .domainResume = qemuDomainResume,
    .domainGetInfo = qemuDomainGetInfo,
    .domainGetState = qemuDomainGetState,
    .domainGetXMLDesc = qemuDomainGetXMLDesc,
    .domainIsActive = qemuDomainIsActive,
    .domainIsPersistent = qemuDomainIsPersistent,
    .domainIsUpdated = qemuDomainIsUpdated,
    .domainGetAutostart = qemuDomainGetAutostart,
    .domainSetAutostart = qemuDomainSetAutostart,
    .domainGetOSType = qemuDomainGetOSType,
    .domainHasManagedSaveImage = qemuDomainHasManagedSaveImage,
    .domainSaveFlags = qemuDomainSaveFlags,
    .domainCoreDumpWithFormat = qemuDomainCoreDumpWithFormat,
    .domainRestoreFlags = qemuDomainRestoreFlags,
    .domainManagedSave = qemuDomainManagedSave,
    .domainManagedSaveRemove = qemuDomainManagedSaveRemove,
    .domainSaveImageGetXMLDesc = qemuDomainSaveImageGetXMLDesc,
    .domainManagedSaveGetXMLDesc = qemuDomainManagedSaveGetXMLDesc,
    .domainSaveImageDefineXML = qemuDomainSaveImageDefineXML,
    .domainManagedSaveDefineXML = qemuDomainManagedSaveDefineXML,
    .domainSaveParams = qemuDomainSaveParams,
    .domainRestoreParams = qemuDomainRestoreParams,

    .domainGetJobInfo = qemuDomainGetJobInfo,
    .domainGetJobStats = qemuDomainGetJobStats,
    .domainAbortJobFlags = qemuDomainAbortJobFlags,

    .domainMigrateBegin3 = qemuDomainMigrateBegin3,
    .domainMigratePrepare3 = qemuDomainMigratePrepare3,
    .domainMigratePrepareTunnel3 = qemuDomainMigratePrepareTunnel3,
    .domainMigratePerform3 = qemuDomainMigratePerform3,
    .domainMigrateFinish3 = qemuDomainMigrateFinish3,
    .domainMigrateConfirm3 = qemuDomainMigrateConfirm3,
    .domainMigratePrepare2 = qemuDomainMigratePrepare2,
    .domainMigratePerform2 = qemuDomainMigratePerform2,
    .domainMigrateFinish2 = qemuDomainMigrateFinish2,
    .domainMigrateSetMaxDowntime = qemuDomainMigrateSetMaxDowntime,
    .domainMigrateGetMaxDowntime = qemuDomainMigrateGetMaxDowntime,
    .domainMigrateSetMaxSpeed = qemuDomainMigrateSetMaxSpeed,
    .domainMigrateGetMaxSpeed = qemuDomainMigrateGetMaxSpeed,
    .domainMigrateGetCompressionCache = qemuDomainMigrateGetCompressionCache,
    .domainMigrateSetCompressionCache = qemuDomainMigrateSetCompressionCache,
    .domainMigrateStartPostCopy = qemuDomainMigrateStartPostCopy,

    .domainBlockStats = qemuDomainBlockStats,
    .domainBlockStatsFlags = qemuDomainBlockStatsFlags,
    .domainInterfaceStats = qemuDomainInterfaceStats,
    .domainMemoryStats = qemuDomainMemoryStats,
    .domainGetVcpus = qemuDomainGetVcpus,
    .domainGetMaxMemory = qemuDomainGetMaxMemory,
    .domainGetMaxVcpus = qemuDomainGetMaxVcpus,
    .nodeGetCPUStats = qemuNodeGetCPUStats,
    .nodeGetMemoryStats = qemuNodeGetMemoryStats,
    .nodeGetFreeMemory = qemuNodeGetFreeMemory,
    .nodeGetCellsFreeMemory = qemuNodeGetCellsFreeMemory,
    .nodeGetCPUMap = qemuNodeGetCPUMap,
    .connectGetAllDomainStats = qemuConnectGetAllDomainStats,

    .domainGetMetadata = qemuDomainGetMetadata,
    .domainSetMetadata = qemuDomainSetMetadata,
    .domainSetMemoryFlags = qemuDomainSetMemoryFlags,
    .domainSetVcpusFlags = qemuDomainSetVcpusFlags,
    .domainGetVcpusFlags = qemuDomainGetVcpusFlags,
    .domainAttachDeviceFlags = qemuDomainAttachDeviceFlags,
    .domainDetachDeviceFlags = qemuDomainDetachDeviceFlags,
    .domainUpdateDeviceFlags = qemuDomainUpdateDeviceFlags,
    .domainDetachDeviceAlias = qemuDomainDetachDeviceAlias,
    .domainSetBlockThreshold = qemuDomainSetBlockThreshold,
    .domainGetBlockInfo = qemuDomainGetBlockInfo,
    .domainBlockResize = qemuDomainBlockResize,
    .domainPinVcpuFlags = qemuDomainPinVcpuFlags,
    .domainGetVcpuPinInfo = qemuDomainGetVcpuPinInfo,
    .domainPinEmulator = qemuDomainPinEmulator,
    .domainGetEmulatorPinInfo = qemuDomainGetEmulatorPinInfo,
    .domainOpenConsole = qemuDomainOpenConsole,
    .domainScreenshot = qemuDomainScreenshot,
    .domainOpenGraphicsFD = qemuDomainOpenGraphicsFD,

    .domainQemuAgentCommand = qemuDomainQemuAgentCommand,
    .domainQemuMonitorCommand = qemuDomainQemuMonitorCommand,
    .domainGetMessages = qemuDomainGetMessages,
    .domainGetHostname = qemuDomainGetHostname,
    .domainGetTime = qemuDomainGetTime,
    .domainSetTime = qemuDomainSetTime,
    .domainGetGuestInfo = qemuDomainGetGuestInfo,
    .domainGetGuestVcpus = qemuDomainGetGuestVcpus,
    .domainSetGuestVcpus = qemuDomainSetGuestVcpus,
    .domainInterfaceAddresses = qemuDomainInterfaceAddresses,
    .domainGetFSInfo = qemuDomainGetFSInfo,
    .domainFSFreeze = qemuDomainFSFreeze,
    .domainFSThaw = qemuDomainFSThaw,
    .domainAgentSetResponseTimeout = qemuDomainAgentSetResponseTimeout,
};

const virHypervisorDriver *virDriverModuleGet(void);

/* The module's only exported symbol: hands the table to the daemon. */
const virHypervisorDriver *
virDriverModuleGet(void)
{
    return &qemuHypervisorDriver;
}
