// SPDX-License-Identifier: GPL-2.0-only
/*
 * pcpu-stats: replay a corpus (text traces, raw fuzz inputs, directories)
 * with every check on and summarise, in allocator terms, what it made the
 * allocator do: operations by kind, chunks created and destroyed, map
 * extensions, injected faults that fired, failed atomic allocations.  A
 * campaign's coverage number says which lines ran; this says which
 * allocator situations the corpus actually reaches.
 */
#include <stdlib.h>
#include <string.h>

#include "input_format.h"
#include "options.h"
#include "run.h"
#include "trace.h"

void death_report_install(void);

static void usage(FILE *f)
{
	fputs("usage: pcpu-stats [options] INPUT...\n"
	      "Replay inputs with every check and print what they made the\n"
	      "allocator do.  INPUT is a text trace (*.trace), a raw fuzz input\n"
	      "(any other file) or a directory of them (one level, dot files\n"
	      "skipped).\n"
	      "\n"
	      "  --fix=LIST    kernel-bug fixes to switch on: comma-separated names\n"
	      "                (align-pow2, slot-walk, map-unwind, pop-fail-count), all or none; overrides PCPU_FIXES\n"
	      "  -h, --help    this text\n"
	      "\n"
	      "Exit status: 0 every input passed every check, 1 some input failed\n"
	      "a check (named on stderr; the summary still counts it), 2 usage or\n"
	      "input error (nothing was run).\n"
	      "Environment: PCPU_FIXES=LIST as --fix; PCPU_NONFATAL=LIST: findings\n"
	      "of those grades or checks are counted, not fatal (docs/campaigns.md §4.2).\n",
	      f);
}

/*
 * Run one input; on a failed check name it with the first line of the
 * harness's report (which names the check), not the whole report.
 */
static int run_one(const char *path, struct trace *t, struct run_options *opt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *rep = open_memstream(&buf, &len);
	int ret;

	opt->name = path;
	opt->report = rep;
	ret = run_trace(t, opt);
	if (rep)
		fclose(rep);
	if (ret && buf) {
		char *nl = strchr(buf, '\n');

		if (nl)
			*nl = '\0';
		fprintf(stderr, "pcpu-stats: %s\n", buf[0] ? buf : path);
	}
	free(buf);
	return ret;
}

/*
 * Nested operations run, and every preemption point the backend can name
 * with how often it was reached (docs/interleavings.md): a point at 0 is
 * a window no input has opened yet.
 */
static void print_points(const struct run_stats *s)
{
	const char *const *names = backend_preempt_points();
	int missed = 0, i;

	printf("  nested operations run           %lu\n", s->nested_ran);
	for (i = 0; names[i] && i < RUN_POINTS_MAX; i++) {
		printf("  point %-25s %lu\n", names[i], s->points_reached[i]);
		missed += !s->points_reached[i];
	}
	if (s->points_other)
		printf("  point (not listed)              %lu\n", s->points_other);
	printf("  points never reached            %d of %d\n", missed, i);
}

static void print_summary(const struct run_stats *s, unsigned long inputs,
			  unsigned long failing, unsigned fixes)
{
	const struct pcpu_counters *c = &s->sum;
	unsigned long ops = s->ops[OP_ALLOC] + s->ops[OP_FREE] +
			    s->ops[OP_BALANCE] + s->ops[OP_FAIL];
	unsigned long faults = 0;

	for (int k = 0; k < PCPU_NR_FAULTS; k++)
		faults += c->faults_fired[k];

	printf("pcpu-stats: %lu input(s), PCPU_FIXES=", inputs);
	fixes_print(stdout, fixes);
	putchar('\n');
	printf("  inputs                          %lu\n", inputs);
	printf("  inputs failing a check          %lu\n", failing);
	printf("  operations                      %lu (alloc %lu, free %lu, balance %lu, fail %lu)\n",
	       ops, s->ops[OP_ALLOC], s->ops[OP_FREE], s->ops[OP_BALANCE],
	       s->ops[OP_FAIL]);
	printf("  allocations returning NULL      %lu (illegal requests %lu)\n",
	       s->allocs_failed, c->warn_illegal);
	printf("  atomic allocations              %lu (failed %lu)\n",
	       s->atomic_allocs, c->atomic_failed);
	printf("  chunks created                  %lu\n", c->chunks_created);
	printf("  chunks destroyed                %lu\n", c->chunks_destroyed);
	printf("  most chunks alive at once       %lu (boot chunks included)\n",
	       c->max_chunks_alive);
	printf("  map extensions                  %lu (sync %lu, deferred %lu)\n",
	       c->map_ext_sync + c->map_ext_async, c->map_ext_sync,
	       c->map_ext_async);
	printf("  injected faults fired           %lu (page %lu, chunk %lu, map %lu, vmap %lu)\n",
	       faults, c->faults_fired[PCPU_FAULT_PAGE],
	       c->faults_fired[PCPU_FAULT_CHUNK],
	       c->faults_fired[PCPU_FAULT_MAP],
	       c->faults_fired[PCPU_FAULT_VMAP]);
	printf("  pages populated                 %lu (depopulated %lu)\n",
	       c->pages_populated, c->pages_depopulated);
	print_points(s);
}

int main(int argc, char **argv)
{
	struct tool tool = { .name = "pcpu-stats", .usage = usage,
			     .common = TOOL_FIX | TOOL_NONFATAL, .operand = "input",
			     .min_operands = 1, .max_operands = -1 };
	struct run_stats stats = { 0 };
	struct run_options opt = { .checks = true, .stats = &stats };
	struct run_nonfatal counted = { 0 };
	struct input_list in = { 0 };
	unsigned long failing = 0;
	unsigned fixes;
	char err[512];
	int ret = 0;

	while (tool_getopt(&tool, argc, argv, NULL, NULL) != -1)
		;
	if (tool_finish(&tool, argc, argv))
		return 2;
	opt.fixes = fixes = tool.fixes;
	/* PCPU_NONFATAL: a linux corpus is counted past its known findings */
	opt.nonfatal_policy = tool.nonfatal;
	opt.nonfatal = &counted;

	/*
	 * A campaign corpus can be large: rather than holding every decoded
	 * trace, validate them all first (nothing runs if one is bad), then
	 * load each again to run it.
	 */
	if (tool_inputs(&tool, argc, argv, &in, NULL)) {
		ret = 2;
		goto out;
	}

	death_report_install();
	for (size_t i = 0; i < in.n; i++) {
		struct trace t;
		int r;

		trace_init(&t);
		if (input_load(in.paths[i], &t, run_geometry_settle, err,
			       sizeof(err))) {
			fprintf(stderr, "%s\n", err); /* changed meanwhile */
			trace_free(&t);
			ret = 2;
			goto out;
		}
		r = run_one(in.paths[i], &t, &opt);
		trace_free(&t);
		if (r == 1)
			failing++;
		if (r > ret)
			ret = r;
	}
	print_summary(&stats, (unsigned long)in.n, failing, fixes);
	nonfatal_print(stdout, &counted);
out:
	input_list_free(&in);
	return ret;
}
