// SPDX-License-Identifier: GPL-2.0-only
/* The tools' shared option preamble: see options.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

enum { OPT_FIX = 0x1000, OPT_TIMEOUT };

static void merge(struct tool *t, const char *shortopts,
		  const struct option *own)
{
	size_t n = 0;

	for (; own && own->name && n < TOOL_MAX_OPTIONS - 5; own++)
		t->longopts[n++] = *own;
	if (t->common & TOOL_FIX)
		t->longopts[n++] = (struct option){ "fix", required_argument, NULL, OPT_FIX };
	if (t->common & TOOL_QUIET)
		t->longopts[n++] = (struct option){ "quiet", no_argument, NULL, 'q' };
	if (t->common & TOOL_TIMEOUT)
		t->longopts[n++] = (struct option){ "timeout", required_argument, NULL, OPT_TIMEOUT };
	t->longopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	t->longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	snprintf(t->shortopts, sizeof(t->shortopts), "%s%sh",
		 shortopts ? shortopts : "", t->common & TOOL_QUIET ? "q" : "");
}

int tool_getopt(struct tool *t, int argc, char **argv, const char *shortopts,
		const struct option *own)
{
	int c;

	if (!t->longopts[0].name)
		merge(t, shortopts, own);
	for (;;) {
		c = getopt_long(argc, argv, t->shortopts, t->longopts, NULL);
		switch (c) {
		case OPT_FIX:
			t->fix_arg = optarg;
			continue;
		case OPT_TIMEOUT:
			if (tool_number(t, "timeout", optarg, 1, 3600, &t->timeout))
				exit(2);
			continue;
		case 'q':
			if (!(t->common & TOOL_QUIET))
				return c;
			t->quiet = true;
			continue;
		case 'h':
			t->usage(stdout);
			exit(0);
		case '?':
		case ':':
			t->usage(stderr);
			exit(2);
		default:
			return c;
		}
	}
}

int tool_finish(struct tool *t, int argc, char **argv)
{
	int n = argc - optind;
	char err[512];

	if (!t->operand && n) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", t->name,
			argv[optind]);
		return -1;
	}
	if (t->operand && n < t->min_operands) {
		fprintf(stderr, "%s: no %s given (see --help)\n", t->name,
			t->operand);
		return -1;
	}
	if (t->operand && t->max_operands >= 0 && n > t->max_operands) {
		fprintf(stderr, "%s: one %s at a time (see --help)\n", t->name,
			t->operand);
		return -1;
	}
	if (fixes_resolve(t->fix_arg, &t->fixes, err, sizeof(err)) ||
	    ((t->common & TOOL_NONFATAL) &&
	     nonfatal_policy_from_env(&t->nonfatal, err, sizeof(err))) ||
	    ((t->common & TOOL_SWEEP) &&
	     sweep_every_from_env(&t->sweep_every, 1, err, sizeof(err)))) {
		fprintf(stderr, "%s: %s\n", t->name, err);
		return -1;
	}
	return 0;
}

int tool_number(const struct tool *t, const char *opt, const char *s,
		unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || errno || *end || v < min || v > max) {
		fprintf(stderr, "%s: --%s: '%s' is not a number from %lu to %lu\n",
			t->name, opt, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

void tool_traces_free(struct trace *traces, size_t n)
{
	for (size_t i = 0; traces && i < n; i++)
		trace_free(&traces[i]);
	free(traces);
}

int tool_inputs(const struct tool *t, int argc, char **argv,
		struct input_list *in, struct trace **traces)
{
	struct trace one, *all = NULL;
	char err[512];

	for (int i = optind; i < argc; i++)
		if (input_list_collect(in, argv[i]))
			return -1;
	if (traces) {
		all = calloc(in->n ? in->n : 1, sizeof(*all));
		if (!all) {
			fprintf(stderr, "%s: out of memory\n", t->name);
			return -1;
		}
	}
	for (size_t i = 0; i < in->n; i++) {
		struct trace *tr = all ? &all[i] : &one;

		trace_init(tr);
		if (input_load(in->paths[i], tr, run_geometry_settle, err,
			       sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			if (all)
				tool_traces_free(all, i + 1);
			else
				trace_free(tr);
			return -1;
		}
		if (!all)
			trace_free(tr);
	}
	if (traces)
		*traces = all;
	return 0;
}

void tool_usage_env(FILE *f, unsigned common)
{
	fputs(common & TOOL_FIX ?
		      "Environment: PCPU_FIXES=LIST as --fix.\n" :
		      "Environment: PCPU_FIXES=LIST, the kernel-bug fixes (align-pow2,\n"
		      "slot-walk, map-unwind), all or none.\n",
	      f);
	if (common & TOOL_NONFATAL)
		fputs("PCPU_NONFATAL=LIST (grades safety, accounting, hint, benign, or\n"
		      "check names; none for every finding fatal; unset: benign): the\n"
		      "backend findings that only count, as in fuzz-pcpu (give a\n"
		      "campaign's crashes the campaign's own list); pcpu-replay and\n"
		      "pcpu-soak sum them up on stderr (`nonfatal: CHECK N, ...`).\n"
		      "PCPU_NOFAULT=LIST (page, chunk, map, vmap): fail lines of those\n"
		      "kinds are stepped over and counted (`nofault vmap N`), as a\n"
		      "campaign past a known death ran them.\n",
		      f);
	if (common & TOOL_SWEEP)
		fputs("PCPU_SWEEP_EVERY=K (default 1): sweep the whole state after every\n"
		      "K-th operation and the last, checking only what each operation\n"
		      "changed in between.\n",
		      f);
}
