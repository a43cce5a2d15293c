// SPDX-License-Identifier: GPL-2.0-only
/*
 * Linked into the ClusterFuzzLite build of the fuzz target only: the
 * target reads its kernel-bug fixes from PCPU_FIXES, and ClusterFuzzLite
 * cannot set environment variables for it.  Without this, every run would
 * rediscover the known bugs in crashes/ (the faithful default) and fail
 * every pull request; `make fuzz` uses FIXES=all for the same reason.  An
 * explicit PCPU_FIXES (e.g. none, to reproduce a known bug) still wins.
 */
#include <stdlib.h>

__attribute__((constructor)) static void pcpu_fixes_default(void)
{
	setenv("PCPU_FIXES", "all", 0);
}
