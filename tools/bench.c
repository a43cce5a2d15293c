// SPDX-License-Identifier: GPL-2.0-only
/*
 * pcpu-bench: cost of the checks.  Replays generated traces of 100 and
 * 10,000 operations with every check and with the core alone, and prints
 * `bench NAME VALUE UNIT` lines.  The workload comes from a fixed-seed
 * generator, so every run measures the same traces; only the timings vary.
 * Timings are the process's CPU time, the best of three rounds, so that
 * another job on the machine slows a round down without skewing the
 * figure; the rounds of the four measurements take turns, so that a load
 * that comes or goes during the run weighs on all of them alike rather
 * than on whichever ran then.  The checks sweep the whole state every
 * PCPU_SWEEP_EVERY operations (64 when unset, as in the fuzz targets):
 * per_op_cost_ratio, the cost of an operation in the long trace over the
 * short one, shows whether the checks of one operation still grow with the
 * trace.  The traces use the backend's default geometry; on a linux backend
 * (build/linux-<v>/pcpu-bench, sanitized) PCPU_NONFATAL names the
 * findings that only count, as in pcpu-replay.
 *
 * Usage: pcpu-bench [SECONDS [SUFFIX]]: at least SECONDS of CPU time a
 * round (default 1), SUFFIX appended to every figure's name.  make bench
 * runs the area map's optimised build (build/fast, the mprotect page
 * model) with no suffix and its sanitized build (the page model and
 * sanitizers the campaigns run) with `_sanitized`.  Under mprotect a
 * round pays for the protections earlier rounds left in the process's
 * address space (the host's mappings split at every protection change):
 * the core's 100-operation round costs about four times as much after
 * one 10,000-operation round as in a fresh process (docs/measurements.md
 * 2.63), so the optimised build's figures mix the checks' growth with
 * the host's; the sanitized build makes no such call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "run.h"
#include "trace.h"

static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;

static unsigned rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(rng_state >> 33) % n;
}

/* A mixed workload: mostly small allocs, some page-sized, ~45% frees,
 * atomic requests and balance work now and then. */
static void make_trace(struct trace *t, unsigned nr_ops)
{
	unsigned *live = calloc(nr_ops, sizeof(*live));
	unsigned nr_live = 0;

	trace_init(t);
	backend_default_geometry(&t->geo);
	t->has_geometry = true;
	for (unsigned i = 0; i < nr_ops; i++) {
		struct trace_op op = { 0 };
		unsigned k = rnd(100);

		if (k < 45 && nr_live) {
			unsigned j = rnd(nr_live);

			op.kind = OP_FREE;
			op.id = live[j];
			live[j] = live[--nr_live];
		} else if (k < 48) {
			op.kind = OP_BALANCE;
		} else {
			op.kind = OP_ALLOC;
			op.size = rnd(10) ? 1 + rnd(256) : 1 + rnd(8192);
			op.align = rnd(4) ? 0 : 1u << rnd(7);
			op.atomic = rnd(10) == 0;
			live[nr_live++] = t->nr_allocs;
		}
		if (trace_append(t, &op))
			abort();
	}
	free(live);
}

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#define ROUNDS 3

/*
 * Nanoseconds of CPU time per operation of one round, replaying for at
 * least min_seconds of CPU time.
 */
static double round_ns(const struct trace *t, bool checks,
		       const struct run_options *base, double min_seconds)
{
	struct run_options opt = *base;
	unsigned long reps = 0;
	double start = cpu_now(), el;

	opt.checks = checks;
	do {
		if (run_trace(t, &opt)) {
			fprintf(stderr, "pcpu-bench: generated trace failed a check\n");
			exit(1);
		}
		reps++;
		el = cpu_now() - start;
	} while (el < min_seconds);
	return el * 1e9 / ((double)reps * (double)t->nr_ops);
}

static void keep_best(double *best, double ns, int round)
{
	if (!round || ns < *best)
		*best = ns;
}

int main(int argc, char **argv)
{
	double secs = 1.0;
	const char *sfx = argc > 2 ? argv[2] : "";
	struct trace t100, t10k;
	double c100, n100, c10k, n10k;
	struct run_options opt = { .name = "bench", .report = stderr };
	char err[256];

	if (argc > 3) {
		fprintf(stderr,
			"pcpu-bench: usage: pcpu-bench [SECONDS [SUFFIX]], not %d arguments\n",
			argc - 1);
		return 2;
	}
	if (argc > 1) {
		char *end;

		secs = strtod(argv[1], &end);
		if (end == argv[1] || *end || !(secs >= 0 && secs <= 3600)) {
			fprintf(stderr,
				"pcpu-bench: SECONDS must be a number from 0 to 3600, not '%s'\n",
				argv[1]);
			return 2;
		}
	}
	if (sweep_every_from_env(&opt.sweep_every, 64, err, sizeof(err)) ||
	    nonfatal_policy_from_env(&opt.nonfatal_policy, err, sizeof(err))) {
		fprintf(stderr, "pcpu-bench: %s\n", err);
		return 2;
	}
	make_trace(&t100, 100);
	make_trace(&t10k, 10000);
	c100 = n100 = c10k = n10k = 0;
	for (int round = 0; round < ROUNDS; round++) {
		keep_best(&c100, round_ns(&t100, true, &opt, secs), round);
		keep_best(&c10k, round_ns(&t10k, true, &opt, secs), round);
		keep_best(&n100, round_ns(&t100, false, &opt, secs), round);
		keep_best(&n10k, round_ns(&t10k, false, &opt, secs), round);
	}
	printf("bench sweep_every%s %u ops\n", sfx, opt.sweep_every);
	printf("bench per_op_ns_100%s %.0f ns\n", sfx, c100);
	printf("bench per_op_ns_10000%s %.0f ns\n", sfx, c10k);
	printf("bench per_op_cost_ratio%s %.2f x\n", sfx, c10k / c100);
	printf("bench core_per_op_ns_100%s %.0f ns\n", sfx, n100);
	printf("bench core_per_op_ns_10000%s %.0f ns\n", sfx, n10k);
	printf("bench oracle_overhead_ratio%s %.2f x\n", sfx,
	       (c100 + c10k) / (n100 + n10k));
	printf("bench oracle_overhead_ratio_100%s %.2f x\n", sfx, c100 / n100);
	printf("bench oracle_overhead_ratio_10000%s %.2f x\n", sfx,
	       c10k / n10k);
	trace_free(&t100);
	trace_free(&t10k);
	return 0;
}
