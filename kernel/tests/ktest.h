/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What linux-smoke and linux-checks share: a trace (a file, or text
 * written by the test) run through the shared harness, run_trace with
 * every check after every operation, on the linked kernel.  The findings
 * of the grades in `nonfatal` are counted instead of ending the run, and
 * the --results and --state lines are kept, so a test compares runs or
 * asks which findings an input shows without a runner of its own.
 */
#ifndef LINUX_KTEST_H
#define LINUX_KTEST_H

#include <stddef.h>

#include "run.h"

struct ktest_run {
	int status;                   /* run_trace's: 0 passed, 1 failed, 2 setup */
	struct run_nonfatal counted;  /* the findings only counted, by check */
	struct run_stats stats;
	char *out;                    /* the --results and --state lines */
	size_t len;
	struct pcpu_geometry geo;     /* the trace's */
};

/* Parse and run: r->status (2 also for a trace that does not parse). */
int ktest_run_text(const char *text, unsigned nonfatal, struct ktest_run *r);
int ktest_run_file(const char *path, unsigned nonfatal, struct ktest_run *r);
/* How often check was counted (operations after which it was reported). */
unsigned long ktest_counted(const struct ktest_run *r, const char *check);
void ktest_run_free(struct ktest_run *r);

#endif /* LINUX_KTEST_H */
