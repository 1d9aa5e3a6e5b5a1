/*
 * vircommandpriv.h: vircommand internals exposed to the tests only
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef VIR_COMMAND_PRIV_H_ALLOW
#error "vircommandpriv.h may only be included by vircommand.c or the tests"
#endif
#pragma once

#include "vircommand.h"

/* Sets how long virCommandRunAsync waits for the child's exec() (default
 * VIR_COMMAND_EXEC_TIMEOUT_MS), so the tests can exercise the timeout. */
void virCommandSetExecTimeout(long long timeoutMs);
