// SPDX-License-Identifier: GPL-2.0-only
/*
 * pcpu-replay: run traces against the allocator with every check, print
 * results and state, and report the first failed check.  No fuzzing
 * engine: this is the driver for users, tests and CI.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "input_format.h"
#include "run.h"
#include "trace.h"

void death_report_install(void);

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
	      "                chunk=first|reserved|created|none fault=yes|no`, with\n"
	      "                `PATH: ` in front when there are several inputs (a\n"
	      "                sanitizer death prints none: pcpu-triage reads those)\n"
	      "  --fix=LIST    kernel-bug fixes to switch on: comma-separated names\n"
	      "                (align-pow2, slot-walk), all or none; overrides PCPU_FIXES\n"
	      "  --no-check    run the core alone, without oracle and checks (for\n"
	      "                measuring only)\n"
	      "  -q, --quiet   no failure report (exit status only)\n"
	      "  -h, --help    this text\n"
	      "\n"
	      "Exit status: 0 every check passed, 1 a check failed (report on\n"
	      "stderr), 2 usage or input error (nothing was run), anything else:\n"
	      "a sanitizer or a signal ended the run.\n"
	      "Environment: PCPU_FIXES=LIST as --fix.  PCPU_NONFATAL=LIST\n"
	      "(grades safety, accounting, hint, benign, or check names): backend\n"
	      "findings of those are counted, summed up on stderr at the end\n"
	      "(`nonfatal: CHECK N, ...`), instead of failing the run.  Unset, it\n"
	      "is benign (findings that change no decision, such as first_free);\n"
	      "none makes every finding fatal.  PCPU_SWEEP_EVERY=K (default 1):\n"
	      "sweep the whole state after every K-th operation and the last,\n"
	      "checking only what each operation changed in between.\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "results", no_argument, NULL, 'r' },
		{ "state", no_argument, NULL, 's' },
		{ "trace", no_argument, NULL, 't' },
		{ "signature", no_argument, NULL, 'S' },
		{ "fix", required_argument, NULL, 'f' },
		{ "no-check", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_options opt = { .checks = true, .report = stderr };
	struct input_list inputs = { 0 };
	struct trace *traces;
	struct run_signature sig;
	struct run_nonfatal nonfatal = { 0 };
	bool print_trace = false, print_sig = false;
	const char *fix_arg = NULL;
	unsigned fixes = 0;
	char err[512];
	int c, ret = 0;

	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			opt.results = stdout;
			break;
		case 's':
			opt.state = stdout;
			break;
		case 't':
			print_trace = true;
			break;
		case 'S':
			print_sig = true;
			opt.signature = &sig;
			break;
		case 'f':
			fix_arg = optarg;
			break;
		case 'n':
			opt.checks = false;
			break;
		case 'q':
			opt.report = NULL;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "pcpu-replay: no input given (see --help)\n");
		return 2;
	}
	if (fixes_resolve(fix_arg, &fixes, err, sizeof(err))) {
		fprintf(stderr, "pcpu-replay: %s\n", err);
		return 2;
	}
	opt.fixes = fixes;
	if (grades_from_env(&opt.nonfatal_policy, err, sizeof(err)) ||
	    sweep_every_from_env(&opt.sweep_every, 1, err, sizeof(err))) {
		fprintf(stderr, "pcpu-replay: %s\n", err);
		return 2;
	}
	opt.nonfatal = &nonfatal;

	for (int i = optind; i < argc; i++)
		if (input_list_collect(&inputs, argv[i]))
			return 2;

	/* every input is read and validated before anything runs */
	traces = calloc(inputs.n ? inputs.n : 1, sizeof(*traces));
	if (!traces)
		return 2;
	for (size_t i = 0; i < inputs.n; i++) {
		trace_init(&traces[i]);
		if (input_load(inputs.paths[i], &traces[i], err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			ret = 2;
			goto out;
		}
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
	for (size_t i = 0; i < inputs.n; i++)
		trace_free(&traces[i]);
	free(traces);
	input_list_free(&inputs);
	return ret;
}
