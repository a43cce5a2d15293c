// SPDX-License-Identifier: GPL-2.0-only
/*
 * pcpu-replay: run traces against the allocator with every check, print
 * results and state, and report the first failed check.  No fuzzing
 * engine: this is the driver for users, tests and CI.
 */
#include <stdlib.h>
#include <string.h>

#include "input_format.h"
#include "options.h"
#include "run.h"
#include "trace.h"

void death_report_install(void);
/* replay_expect.c: --expect DIR, and with --expect-value=KEY */
int replay_expect(const char *dir);
int replay_expect_value(const char *dir, const char *key);

/* the common options pcpu-replay takes (tools/lib/options.h) */
#define REPLAY_COMMON (TOOL_FIX | TOOL_QUIET | TOOL_NONFATAL | TOOL_SWEEP)

static void usage(FILE *f)
{
	fputs("usage: pcpu-replay [options] INPUT...\n"
	      "Replay allocator traces with every check after every operation.\n"
	      "INPUT is a text trace (*.trace), a raw fuzz input (any other\n"
	      "file) or a directory of them (replayed in name order).\n"
	      "\n"
	      "  --results     print one line per alloc: alloc ID chunk C off O | alloc ID fail\n"
	      "  --state       print the chunks' state after the last operation\n"
	      "  --trace       print the decoded text trace instead of running it\n"
	      "  --signature   print the failure signature of each input on stdout:\n"
	      "                `signature pass` or `signature check=NAME op=KIND\n"
	      "                chunk=first|reserved|created|none fault=yes|no nested=yes|no`, with\n"
	      "                `PATH: ` in front when there are several inputs (a\n"
	      "                sanitizer death prints none: pcpu-triage reads those)\n"
	      "  --fix=LIST    kernel-bug fixes to switch on: comma-separated names\n"
	      "                (align-pow2, slot-walk, map-unwind, pop-fail-count), all or none; overrides PCPU_FIXES\n"
	      "  --no-check    run the core alone, without oracle and checks, the\n"
	      "                end-of-run frees and balance included (for measuring only)\n"
	      "  --expect DIR  replay the finding folder DIR (crashes/NAME) as its\n"
	      "                `expected` file says: the reproducers of this build's\n"
	      "                backend, faithful and fixed, or on each grade policy;\n"
	      "                one `ok ...` line a matching replay (`skip ...`: none\n"
	      "                for this backend); exit 1 and one line at a mismatch.\n"
	      "                PCPU_FIXES and PCPU_NONFATAL are not read: the file decides\n"
	      "  --expect-value=KEY  with --expect DIR: print KEY's value(s) from\n"
	      "                DIR/expected (check, fix, faithful-fixes, grade,\n"
	      "                consequence, backend), validated as --expect reads it\n"
	      "  -q, --quiet   no failure report (exit status only)\n"
	      "  -h, --help    this text\n"
	      "\n"
	      "Exit status: 0 every check passed, 1 a check failed (report on\n"
	      "stderr), 2 usage or input error (nothing was run), anything else:\n"
	      "a sanitizer or a signal ended the run.\n",
	      f);
	tool_usage_env(f, REPLAY_COMMON);
}

int main(int argc, char **argv)
{
	/* the switches: getopt_long sets them itself */
	static int results, state, print_trace, print_sig, no_check;
	static const struct option longopts[] = {
		{ "results", no_argument, &results, 1 },
		{ "state", no_argument, &state, 1 },
		{ "trace", no_argument, &print_trace, 1 },
		{ "signature", no_argument, &print_sig, 1 },
		{ "no-check", no_argument, &no_check, 1 },
		{ "expect", required_argument, NULL, 'e' },
		{ "expect-value", required_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 },
	};
	struct tool tool = { .name = "pcpu-replay", .usage = usage,
			     .common = REPLAY_COMMON,
			     .operand = "input", .min_operands = 1,
			     .max_operands = -1 };
	struct run_options opt = { .checks = true, .report = stderr };
	struct input_list inputs = { 0 };
	struct trace *traces = NULL;
	struct run_signature sig;
	struct run_nonfatal nonfatal = { 0 };
	const char *expect_dir = NULL, *expect_key = NULL;
	int c, ret = 0;

	while ((c = tool_getopt(&tool, argc, argv, NULL, longopts)) != -1) {
		if (c == 'e')
			expect_dir = optarg;
		else if (c == 'E')
			expect_key = optarg;
	}
	if (expect_key && !expect_dir) {
		fprintf(stderr, "pcpu-replay: --expect-value needs --expect DIR\n");
		return 2;
	}
	if (expect_dir) {
		if (optind < argc) {
			fprintf(stderr, "pcpu-replay: --expect DIR takes no INPUT\n");
			return 2;
		}
		if (expect_key)
			return replay_expect_value(expect_dir, expect_key);
		death_report_install();
		return replay_expect(expect_dir);
	}
	if (tool_finish(&tool, argc, argv))
		return 2;
	opt.results = results ? stdout : NULL;
	opt.state = state ? stdout : NULL;
	opt.signature = print_sig ? &sig : NULL;
	opt.checks = !no_check;
	opt.sweep_every = tool.sweep_every;
	opt.fixes = tool.fixes;
	opt.nonfatal_policy = tool.nonfatal;
	opt.nonfatal = &nonfatal;
	if (tool.quiet)
		opt.report = NULL;

	/* every input is read and validated before anything runs */
	if (tool_inputs(&tool, argc, argv, &inputs, &traces)) {
		ret = 2;
		goto out;
	}

	death_report_install();
	for (size_t i = 0; i < inputs.n; i++) {
		if (print_trace) {
			if (inputs.n > 1)
				printf("# %s\n", inputs.paths[i]);
			trace_print(stdout, &traces[i]);
			continue;
		}
		opt.name = inputs.paths[i];
		c = run_trace(&traces[i], &opt);
		if (c > ret)
			ret = c;
		if (print_sig) {
			if (inputs.n > 1)
				printf("%s: ", inputs.paths[i]);
			printf("signature %s\n", sig.text);
			/* a later sanitizer death must not lose this line */
			fflush(stdout);
		}
	}
	nonfatal_print(stderr, &nonfatal);
out:
	tool_traces_free(traces, traces ? inputs.n : 0);
	input_list_free(&inputs);
	return ret;
}
