/*
 * qemucpubaselinetest.c: CPU baselines on recorded model expansions
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * tests/qemucpubaselinedata/qemu-7.2-cpu-expansion.json holds what
 * Debian's QEMU 7.2 says about a few of its CPU models (the definitions
 * and their static expansions; record.py beside it re-records it).  Each
 * case baselines some <cpu> definitions on that map and compares the
 * result with a golden file; each bad input must get libvirt's error.
 */
#include <config.h>

#include "testutils.h"
#include "qemu_capabilities.h"
#include "qemu_cpu_baseline.h"
#include "virerror.h"

static qemuCPUModelMap *testMap;

static qemuCPUModelMap *
testLoadMap(void)
{
    g_autofree char
        *version = virTestLoadFile("qemucapsdata/qemu-7.2-version.txt", NULL);
    g_autofree char
        *help = virTestLoadFile("qemucapsdata/qemu-7.2-machine-help.txt", NULL);
    g_autofree char *
        exp = virTestLoadFile("qemucpubaselinedata/qemu-7.2-cpu-expansion.json",
                              NULL);
    qemuCaps *caps = qemuCapsNewFromOutput("/usr/bin/qemu-system-x86_64",
                                           version, help, exp);
    qemuCPUModelMap *map;

    g_assert_nonnull(caps);
    virErrorResetLast();
    map = qemuCPUModelMapParse(exp, caps);
    g_assert_nonnull(map);
    virObjectUnref(caps);
    return map;
}


typedef struct {
    const char *name; /* golden file qemucpubaselinedata/<name>.xml */
    const char *cpus[4];
    unsigned int flags;
    bool hypervisor;
} testCase;

#define INTEL(m) \
    "<cpu><arch>x86_64</arch><model>" m "</model><vendor>Intel</vendor></cpu>"
#define AMD(m) \
    "<cpu><arch>x86_64</arch><model>" m "</model><vendor>AMD</vendor></cpu>"

static const testCase testCases[] = {
    { "westmere", { INTEL("Westmere") }, 0, false },
    { "haswell-westmere", { INTEL("Haswell"), INTEL("Westmere") }, 0, false },
    { "skylake-sandybridge-features",
      { INTEL("Skylake-Client"), INTEL("SandyBridge") },
      VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES,
      false },
    { "nehalem-invtsc",
      { "<cpu><model>Nehalem</model><feature name='invtsc'/>"
        "<feature name='pclmuldq'/></cpu>" },
      0,
      false },
    { "nehalem-invtsc-migratable",
      { "<cpu><model>Nehalem</model><feature name='invtsc'/>"
        "<feature name='pclmuldq'/></cpu>" },
      VIR_CONNECT_BASELINE_CPU_MIGRATABLE,
      false },
    { "epyc-opteron",
      { AMD("EPYC"), AMD("Opteron_G4"), AMD("Opteron_G3") },
      0,
      false },
    { "no-vendor",
      { "<cpu><model>Haswell</model></cpu>", INTEL("Nehalem") },
      0,
      false },
    /* Haswell, SandyBridge: TCG lacks some of their features */
    { "hypervisor",
      { INTEL("Haswell"), INTEL("Skylake-Client") },
      VIR_CONNECT_BASELINE_CPU_EXPAND_FEATURES,
      true },
};


static void
testBaseline(gconstpointer opaque)
{
    const testCase *tc = opaque;
    g_autofree char *rel = g_strdup_printf("qemucpubaselinedata/%s.xml",
                                           tc->name);
    g_autofree char *out = NULL;
    unsigned int n = 0;

    while (n < G_N_ELEMENTS(tc->cpus) && tc->cpus[n])
        n++;
    virErrorResetLast();
    out = qemuCPUBaselineCompute(testMap, (const char **)tc->cpus, n, tc->flags,
                                 tc->hypervisor);
    if (!out)
        g_error("%s: %s", tc->name, virTestLastErrorMessage());
    g_assert_cmpint(virTestCompareToFile(out, rel), ==, 0);
}


typedef struct {
    const char *cpus[3];
    unsigned int n;
    int code;
    const char *message;
} testBadCase;

static const testBadCase testBadCases[] = {
    { { NULL }, 0, VIR_ERR_INVALID_ARG, "no CPUs given" },
    { { "<cpu><model>Pentium9</model></cpu>" },
      1,
      VIR_ERR_INTERNAL_ERROR,
      "Unknown CPU model Pentium9" },
    { { "<cpu><arch>x86_64</arch></cpu>" },
      1,
      VIR_ERR_INVALID_ARG,
      "no CPU model specified at index 0" },
    { { INTEL("Westmere"), "<cpu><vendor>AMD</vendor></cpu>" },
      2,
      VIR_ERR_INVALID_ARG,
      "no CPU model specified at index 1" },
    { { "<cpu><model>Westmere" }, 1, VIR_ERR_XML_ERROR, "(CPU_definition)" },
    { { "<host/>" }, 1, VIR_ERR_XML_ERROR, "expecting root element of 'cpu'" },
    { { INTEL("Westmere"), AMD("EPYC") },
      2,
      VIR_ERR_OPERATION_FAILED,
      "CPU vendors do not match" },
    { { AMD("Westmere") },
      1,
      VIR_ERR_OPERATION_FAILED,
      "CPU vendor Intel of model Westmere differs from vendor AMD" },
    { { "<cpu><model>qemu64</model><vendor>Cyrix</vendor></cpu>" },
      1,
      VIR_ERR_OPERATION_FAILED,
      "Unknown CPU vendor Cyrix" },
    { { "<cpu><model>qemu64</model><feature name='flux'/></cpu>" },
      1,
      VIR_ERR_INTERNAL_ERROR,
      "Unknown CPU feature flux" },
    { { "<cpu><model>qemu64</model><feature name='sse2' policy='maybe'/></cpu>" },
      1,
      VIR_ERR_XML_ERROR,
      "Invalid CPU feature policy 'maybe'" },
    { { "<cpu><arch>aarch64</arch><model>cortex-a57</model></cpu>" },
      1,
      VIR_ERR_NO_SUPPORT,
      "cannot compute baseline CPU of aarch64 architecture" },
    { { "<cpu><model>qemu64</model><feature name='sse2' policy='disable'/></cpu>",
        "<cpu><model>qemu64</model><feature name='sse2' policy='forbid'/>"
        "<feature name='sse' policy='disable'/><feature name='fpu' policy='disable'/>"
        "<feature name='lm' policy='disable'/></cpu>" },
      2,
      VIR_ERR_OPERATION_FAILED,
      "Cannot find suitable CPU model for given data" },
};


static void
testBaselineBad(gconstpointer opaque)
{
    const testBadCase *tc = opaque;

    virErrorResetLast();
    g_assert_null(qemuCPUBaselineCompute(testMap, (const char **)tc->cpus,
                                         tc->n, 0, false));
    g_assert_cmpint(virErrorGetLastCode(), ==, tc->code);
    if (!strstr(virTestLastErrorMessage(), tc->message))
        g_error("'%s' lacks '%s'", virTestLastErrorMessage(), tc->message);
}


/* An AMD EPYC host as /proc/cpuinfo describes it in a cloud's guest (no
 * "monitor", no "svm"), with Linux's own flags among QEMU's. */
static const char testHostFlags[] =
    "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 "
    "clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp "
    "lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid extd_apicid "
    "tsc_known_freq pni pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic "
    "movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor "
    "lahf_lm cmp_legacy cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw "
    "topoext cpuid_fault vmmcall fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms "
    "invpcid avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb "
    "avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves "
    "avx512_bf16 clzero xsaveerptr arat avx512vbmi umip avx512_vbmi2 gfni "
    "vaes vpclmulqdq avx512_vnni avx512_bitalg avx512_vpopcntdq rdpid fsrm";
/* What the bare metal adds: the EPYC model fits then */
static const char testHostFlagsMetal[] = " monitor svm npt nrip_save";


static bool
testHasFeature(GPtrArray *features, const char *name)
{
    size_t i;

    for (i = 0; i < features->len; i++) {
        if (g_str_equal(g_ptr_array_index(features, i), name))
            return true;
    }
    return false;
}


/* The host CPU's model in the capabilities: the richest model of the
 * host's vendor it fully has, plus what it has beyond, in libvirt's
 * names; Linux's own flags are left out. */
static void
testHostModel(void)
{
    g_autofree char *metal = g_strconcat(testHostFlags, testHostFlagsMetal,
                                         NULL);
    g_autoptr(GPtrArray) features = NULL;
    g_autofree char *model = qemuCPUHostModelCompute(testMap, "AMD", metal,
                                                     &features);
    g_autofree char *cpuid = NULL;
    size_t i;

    g_assert_cmpstr(model, ==, "EPYC");
    for (i = 1; i < features->len; i++)
        g_assert_cmpstr(g_ptr_array_index(features, i - 1), <,
                        g_ptr_array_index(features, i));
    g_assert_true(testHasFeature(features, "avx512f"));
    g_assert_true(testHasFeature(features, "avx512vnni"));
    g_assert_true(testHasFeature(features, "tsc-deadline"));
    g_assert_false(testHasFeature(features, "sse2")); /* EPYC has it */
    g_assert_false(testHasFeature(features, "constant_tsc"));
    g_assert_false(testHasFeature(features, "xtopology"));
    /* the CPUID vendor string names the same vendor */
    g_clear_pointer(&features, g_ptr_array_unref);
    cpuid = qemuCPUHostModelCompute(testMap, "AuthenticAMD", metal, &features);
    g_assert_cmpstr(cpuid, ==, "EPYC");
    /* without svm no AMD model of these few fits (QEMU's full list has
     * Opteron_G1), nor any Intel one a CPU without SSE */
    virErrorResetLast();
    g_clear_pointer(&features, g_ptr_array_unref);
    g_assert_null(
        qemuCPUHostModelCompute(testMap, "AMD", testHostFlags, &features));
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_OPERATION_FAILED);
    virErrorResetLast();
    g_assert_null(
        qemuCPUHostModelCompute(testMap, "Intel", "fpu de pse", &features));
    g_assert_null(features);
    g_assert_cmpint(virErrorGetLastCode(), ==, VIR_ERR_OPERATION_FAILED);
}


int
main(int argc, char **argv)
{
    size_t i;
    int ret;

    virTestInit(&argc, &argv);
    testMap = testLoadMap();
    for (i = 0; i < G_N_ELEMENTS(testCases); i++) {
        g_autofree char *name = g_strdup_printf("/cpubaseline/%s",
                                                testCases[i].name);

        g_test_add_data_func(name, &testCases[i], testBaseline);
    }
    for (i = 0; i < G_N_ELEMENTS(testBadCases); i++) {
        g_autofree char *name = g_strdup_printf("/cpubaseline/bad/%zu", i);

        g_test_add_data_func(name, &testBadCases[i], testBaselineBad);
    }
    g_test_add_func("/cpubaseline/host-model", testHostModel);
    ret = g_test_run();
    qemuCPUModelMapFree(testMap);
    return ret;
}
