/*
 * domain_conf_priv.h: helpers shared by the domain_conf*.c files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Not for use outside src/conf/domain_conf*.c and their tests.
 */
#pragma once

#ifndef VIR_DOMAIN_CONF_PRIV_H_ALLOW
# error "domain_conf_priv.h is private to src/conf/domain_conf*.c"
#endif

#include "domain_conf.h"
#include "virxmlcheck.h"

#include <libxml/tree.h>

typedef int (*virDomainEnumFromString)(const char *str);
typedef const char *const *(*virDomainEnumTable)(unsigned int *ntypes);

/* Attribute helpers.  Each returns 0 (value stored, or left untouched when
 * the attribute is absent and not @required) or -1 with an error reported
 * naming the attribute and its element. */
int virDomainXMLPropEnumFull(xmlNode *node, const char *attr,
                             virDomainEnumFromString fromString,
                             virDomainEnumTable table, bool required,
                             int *val);
#define virDomainXMLPropEnum(node, attr, name, required, val) \
    virDomainXMLPropEnumFull(node, attr, name##TypeFromString, \
                             name##TypeTable, required, (int *)(val))
int virDomainXMLPropUInt(xmlNode *node, const char *attr, bool required,
                         unsigned int *val);
int virDomainXMLPropInt(xmlNode *node, const char *attr, bool required,
                        int *val);
int virDomainXMLPropYesNo(xmlNode *node, const char *attr, bool *val);
/* Required string attribute; caller owns the result, NULL on error. */
char *virDomainXMLPropRequired(xmlNode *node, const char *attr);

/* The allowed-element tables of every area, on the <domain> element
 * @root (domain_conf.c).  Returns 0 or -1 (reported). */
int virDomainXMLCheckAllowed(xmlNode *root);

/* Devices (domain_conf_devices.c). */
int virDomainDevicesParse(virDomainDef *def, xmlNode *devices,
                          unsigned int flags);
void virDomainDevicesPostParse(virDomainDef *def);
int virDomainDevicesValidate(const virDomainDef *def);
void virDomainDevicesFormat(virBuffer *buf, const virDomainDef *def,
                            unsigned int flags);

/* Allowed-element tables of each area (ended by a NULL path), checked
 * together with domain_conf.c's own by virDomainDefParseNode. */
extern const virXMLAllowed virDomainXMLAllowedGeneral[];
extern const virXMLAllowed virDomainXMLAllowedInput[];
extern const virXMLAllowed virDomainXMLAllowedPeriph[];

/* <features>, <clock>, on_*, <pm> (domain_conf_features.c). */
extern const virXMLAllowed virDomainXMLAllowedFeatures[];
int virDomainFeaturesParse(virDomainDef *def, xmlNode *root);
int virDomainFeaturesValidate(const virDomainDef *def);
void virDomainFeaturesFormat(virBuffer *buf, const virDomainDef *def);
void virDomainClockLifecycleFormat(virBuffer *buf, const virDomainDef *def);

/* <cpu> (domain_conf_cpu.c). */
extern const virXMLAllowed virDomainXMLAllowedCPU[];
int virDomainCPUDefParse(virDomainDef *def, xmlNode *root);
int virDomainCPUDefPostParse(virDomainDef *def,
                             const virDomainDefParserConfig *config);
int virDomainCPUDefValidate(const virDomainDef *def);
void virDomainCPUDefFormat(virBuffer *buf, const virDomainCPUDef *cpu);

/* Domain-level elements (domain_conf_general.c). */
int virDomainGeneralParse(virDomainDef *def, xmlNode *root,
                          unsigned int flags);
void virDomainGeneralFree(virDomainDef *def);
void virDomainResourceFormat(virBuffer *buf, const virDomainDef *def);
int virDomainMetadataFormat(virBuffer *buf, const virDomainDef *def);
void virDomainSeclabelsFormat(virBuffer *buf, const virDomainDef *def);
void virDomainSysinfoFormat(virBuffer *buf, const virDomainDef *def);
void virDomainSmbiosModeFormat(virBuffer *buf, const virDomainDef *def);

/* <memoryBacking>, <iothreads>, <vcpu cpuset> (domain_conf_tune.c). */
extern const virXMLAllowed virDomainXMLAllowedTune[];
extern const virXMLAllowed virDomainXMLAllowedCputune[];
int virDomainCputuneParse(virDomainDef *def, xmlNode *root);
void virDomainCputuneFormat(virBuffer *buf, const virDomainDef *def);
void virDomainCputuneClear(virDomainDef *def);
int virDomainTuneParse(virDomainDef *def, xmlNode *root);
int virDomainTuneValidate(const virDomainDef *def);
void virDomainTuneFormat(virBuffer *buf, const virDomainDef *def);
void virDomainVcpuFormat(virBuffer *buf, const virDomainDef *def);

/* Channels (domain_conf_chr.c). */
void virDomainChannelsDropDefaultPaths(virDomainDef *def,
                                       const virDomainDefParserConfig *config);

/* Input devices (domain_conf_input.c). */
int virDomainInputDefParse(virDomainDef *def, xmlNode *dev,
                           unsigned int flags);
void virDomainInputsPostParse(virDomainDef *def);
int virDomainInputsValidate(const virDomainDef *def);
void virDomainInputsFormat(virBuffer *buf, const virDomainDef *def,
                           unsigned int flags);
void virDomainInputsAssignAliases(virDomainDef *def);

/* Controllers (domain_conf_controller.c). */
int virDomainDefAddImplicitControllers(virDomainDef *def);

/* Disks (domain_conf_disk.c). */
extern const virXMLAllowed virDomainXMLAllowedDisk[];
int virDomainDiskNameToIndex(const char *name);
virDomainDiskDef *virDomainDiskDefParse(xmlNode *dev, unsigned int flags);
void virDomainDiskDefPostParse(virDomainDiskDef *disk);
int virDomainDiskDefValidate(const virDomainDiskDef *disk);
void virDomainDiskDefFormat(virBuffer *buf, const virDomainDiskDef *disk,
                            unsigned int flags);
void virDomainDefAssignDiskIndexes(virDomainDef *def);
void virDomainDefClearDiskIndexes(virDomainDef *def);
char *
virDomainDiskDefAlias(const virDomainDef *def, const virDomainDiskDef *disk);

/* Shared device helpers (domain_conf_devices.c). */
int virDomainXMLPropExpect(xmlNode *node, const char *attr,
                           const char *expected, bool required);

/* Interfaces (domain_conf_net.c). */
virDomainNetDef *virDomainNetDefParse(xmlNode *dev, unsigned int flags);
void virDomainNetDefPostParse(virDomainNetDef *net);
int virDomainNetsValidate(const virDomainDef *def);
void virDomainNetDefFormat(virBuffer *buf, const virDomainNetDef *net,
                           unsigned int flags);

/* Graphics, video, audio (domain_conf_graphics.c). */
int virDomainGraphicsParseOne(virDomainDef *def, xmlNode *dev,
                              unsigned int flags);
void virDomainGraphicsPostParse(virDomainDef *def);
int virDomainGraphicsValidate(const virDomainDef *def);
void virDomainGraphicsFormatAll(virBuffer *buf, const virDomainDef *def,
                                unsigned int flags);
void virDomainVideoFormatAll(virBuffer *buf, const virDomainDef *def,
                             unsigned int flags);

/* Channels (domain_conf_chr.c). */
int virDomainChannelParseOne(virDomainDef *def, xmlNode *dev,
                             unsigned int flags);
void virDomainChannelsPostParse(virDomainDef *def);
int virDomainChannelsValidate(const virDomainDef *def);
void virDomainChannelFormatAll(virBuffer *buf, const virDomainDef *def,
                               unsigned int flags);

/* Rng, balloon, watchdog, panic, sound (domain_conf_misc.c). */
int virDomainMiscParseOne(virDomainDef *def, xmlNode *dev,
                          unsigned int flags);
void virDomainMiscPostParse(virDomainDef *def);
int virDomainMiscValidate(const virDomainDef *def);
void virDomainSoundFormatAll(virBuffer *buf, const virDomainDef *def,
                             unsigned int flags);
void virDomainMiscFormatTail(virBuffer *buf, const virDomainDef *def,
                             unsigned int flags);

/* Runtime data of the devices above (domain_conf_runtime.c). */
void virDomainPeriphInit(virDomainDef *def);
void virDomainPeriphClear(virDomainDef *def);
void virDomainPeriphAssignAliases(virDomainDef *def);
void virDomainPeriphClearRuntime(virDomainDef *def);
