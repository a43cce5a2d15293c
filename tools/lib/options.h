/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The option preamble the tools share (pcpu-replay, pcpu-minimize,
 * pcpu-triage, pcpu-stats, pcpu-soak): the common options (--fix=LIST,
 * -q/--quiet, --timeout=SECS, -h/--help) merged with a tool's own, usage
 * on --help (exit 0) and on a bad option (exit 2), the count of operands,
 * the fixes (--fix or PCPU_FIXES), the PCPU_NONFATAL policy and
 * PCPU_SWEEP_EVERY, number arguments, and every input read and validated
 * before anything runs.  Errors are one line, "PROG: reason", and the
 * caller exits 2.
 */
#ifndef PCPU_FUZZ_TOOLS_OPTIONS_H
#define PCPU_FUZZ_TOOLS_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "input_format.h"
#include "run.h"
#include "trace.h"

/* which common options a tool takes */
#define TOOL_FIX (1u << 0)      /* --fix=LIST (else PCPU_FIXES only) */
#define TOOL_QUIET (1u << 1)    /* -q, --quiet */
#define TOOL_NONFATAL (1u << 2) /* reads PCPU_NONFATAL */
#define TOOL_SWEEP (1u << 3)    /* reads PCPU_SWEEP_EVERY (default 1) */
#define TOOL_TIMEOUT (1u << 4)  /* --timeout=SECS, 1 to 3600 */

#define TOOL_MAX_OPTIONS 24

struct tool {
	/* set by the tool */
	const char *name;           /* "pcpu-replay" */
	void (*usage)(FILE *f);
	unsigned common;            /* TOOL_* */
	const char *operand;        /* "input", "folder"; NULL: takes none */
	int min_operands, max_operands; /* max -1: no limit */
	/* filled in */
	const char *fix_arg;
	bool quiet;
	unsigned fixes;
	struct nonfatal_policy nonfatal;
	unsigned sweep_every;
	unsigned long timeout;      /* --timeout; 0: not given */
	struct option longopts[TOOL_MAX_OPTIONS];
	char shortopts[32];
};

/*
 * getopt_long over the tool's own options and the common ones: returns
 * the next own option's code (optarg as getopt sets it), or -1 at the
 * end.  Handles the common options itself; --help prints the usage and
 * exits 0, a bad option prints it on stderr and exits 2.
 */
int tool_getopt(struct tool *t, int argc, char **argv, const char *shortopts,
		const struct option *own);
/*
 * After the options: the operand count, the fixes, (TOOL_NONFATAL) the
 * grade policy and (TOOL_SWEEP) the sweep period.  0, or -1 after one
 * line on stderr.
 */
int tool_finish(struct tool *t, int argc, char **argv);
/*
 * The environment that the common options in common read (PCPU_FIXES,
 * and with TOOL_NONFATAL and TOOL_SWEEP their variables): the end of a
 * usage text.
 */
void tool_usage_env(FILE *f, unsigned common);
/* --NAME=S as a number from min to max: 0, or -1 after one line. */
int tool_number(const struct tool *t, const char *opt, const char *s,
		unsigned long min, unsigned long max, unsigned long *out);
/*
 * Every operand from optind on (files or folders, input_list_collect)
 * into in, and each of them read and validated.  With traces NULL they
 * are checked and freed (a corpus can be large: load them again one by
 * one to run them); else *traces gets in->n of them.  0, or -1 after one
 * line on stderr.
 */
int tool_inputs(const struct tool *t, int argc, char **argv,
		struct input_list *in, struct trace **traces);
void tool_traces_free(struct trace *traces, size_t n);

#endif /* PCPU_FUZZ_TOOLS_OPTIONS_H */
