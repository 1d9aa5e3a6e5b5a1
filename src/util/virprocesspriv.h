/*
 * virprocesspriv.h: virprocess internals exposed to the tests only
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef VIR_PROCESS_PRIV_H_ALLOW
# error "virprocesspriv.h may only be included by virprocess.c or the tests"
#endif
#pragma once

#include "virprocess.h"

/* Forces the SIGCHLD fallback (as on kernels without pidfd_open) when
 * @supported is false, so the tests exercise both paths. */
void virProcessSetPidfdSupported(bool supported);
