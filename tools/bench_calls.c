// SPDX-License-Identifier: GPL-2.0-only
/*
 * pcpu-bench-calls: the host system calls (mmap, mprotect, madvise,
 * mincore, munmap) an execution makes in steady state, counted in
 * allocator/host_mem.c, not estimated, and what the checks cost on those
 * very inputs.  Replays the given inputs once to warm up (ranges get
 * mapped and cached then), then ROUNDS more times in the same process as
 * a campaign would, with PCPU_FIXES=all, each round once with every
 * check and once without, in turn (so a load that comes or goes weighs
 * on both alike), and prints
 *
 *     bench syscalls_per_exec[SUFFIX] N calls
 *     bench seed_exec_per_sec[SUFFIX] N exec/s
 *     bench replay_checks_cost_ratio[SUFFIX] R x
 *
 * under the page model in force (PCPU_VM; SUFFIX is the first argument).
 * Built with ASan like the fuzz targets, since the model depends on it.
 * The calls and exec/s are those of the checked rounds; exec/s is
 * wall-clock and only for ratios within one bench run.  The ratio is the
 * checked rounds' CPU time over the unchecked ones', on the same
 * executions, in this plain build: the allocator has no coverage hooks
 * here, so the checks weigh more than in the fuzz builds, whose campaigns
 * give checks_exec_cost_ratio (scripts/bench.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "host_mem.h"
#include "input_format.h"
#include "run.h"

#define ROUNDS 20

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One replay of every trace; returns the executions run. */
static unsigned long round_of(const struct trace *ts, size_t n,
			      const struct run_options *opt)
{
	for (size_t i = 0; i < n; i++)
		if (run_trace(&ts[i], opt) == 1) {
			fprintf(stderr, "pcpu-bench-calls: a seed failed a check\n");
			exit(1);
		}
	return n;
}

int main(int argc, char **argv)
{
	struct run_options opt = { .fixes = PCPU_FIX_ALL, .checks = true,
				   .name = "bench" };
	struct input_list l = { 0 };
	struct trace *ts;
	struct run_options bare;
	unsigned long execs = 0, calls = 0;
	double el = 0, cpu_checked = 0, cpu_bare = 0;
	char err[256];

	if (argc < 3) {
		fprintf(stderr, "usage: pcpu-bench-calls SUFFIX INPUT...\n");
		return 2;
	}
	/* as in the campaigns' fuzz target (fuzzers/fuzz_pcpu.c) */
	if (sweep_every_from_env(&opt.sweep_every, 64, err, sizeof(err))) {
		fprintf(stderr, "pcpu-bench-calls: %s\n", err);
		return 2;
	}
	for (int i = 2; i < argc; i++)
		if (input_list_collect(&l, argv[i]))
			return 2;
	ts = calloc(l.n ? l.n : 1, sizeof(*ts));
	if (!ts)
		abort();
	for (size_t i = 0; i < l.n; i++)
		if (input_load(l.paths[i], &ts[i], run_geometry_settle, err,
			       sizeof(err))) {
			fprintf(stderr, "pcpu-bench-calls: %s\n", err);
			return 2;
		}

	bare = opt;
	bare.checks = false;
	round_of(ts, l.n, &opt);
	round_of(ts, l.n, &bare);
	for (int r = 0; r < ROUNDS; r++) {
		unsigned long c0 = host_mem_syscalls();
		double w0 = clock_s(CLOCK_MONOTONIC);
		double t0 = clock_s(CLOCK_PROCESS_CPUTIME_ID), t1;

		execs += round_of(ts, l.n, &opt);
		t1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		el += clock_s(CLOCK_MONOTONIC) - w0;
		calls += host_mem_syscalls() - c0;
		cpu_checked += t1 - t0;
		round_of(ts, l.n, &bare);
		cpu_bare += clock_s(CLOCK_PROCESS_CPUTIME_ID) - t1;
	}
	printf("bench syscalls_per_exec%s %.4f calls\n", argv[1],
	       execs ? (double)calls / (double)execs : 0.0);
	printf("bench seed_exec_per_sec%s %.0f exec/s\n", argv[1],
	       el > 0 ? (double)execs / el : 0.0);
	printf("bench replay_checks_cost_ratio%s %.2f x\n", argv[1],
	       cpu_bare > 0 ? cpu_checked / cpu_bare : 0.0);
	for (size_t i = 0; i < l.n; i++)
		trace_free(&ts[i]);
	free(ts);
	input_list_free(&l);
	return 0;
}
