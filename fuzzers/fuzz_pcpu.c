// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_pcpu: the one fuzz target.  Property checked: for any byte string,
 * decoded into a trace of alloc / free / balance / fault-injection
 * operations on a fresh allocator instance, every check of the harness
 * (oracle lockstep, non-overlap on every CPU, zeroing, tags, free_size,
 * contig_hint, map, slot, populated pages, leaks) holds after every
 * operation, and the kernel's slot walk never hangs.  A failed check
 * prints its report and aborts, so libFuzzer and AFL++ keep the input.
 *
 * Built three ways from this file: libFuzzer (build/fuzz-pcpu), AFL++
 * (build/afl-pcpu, through afl-clang-fast's libFuzzer driver), and plain
 * replay (pcpu-replay runs the same decoder and run_trace on raw files).
 * Kernel-bug fixes come from PCPU_FIXES, read once at start-up, and so
 * do the grades of backend findings that only count (PCPU_NONFATAL,
 * "benign" when unset): a non-fatal finding neither aborts nor is
 * reported, but is counted, and the counts of the whole campaign are
 * printed at exit (`nonfatal: CHECK N, ...`), where scripts/fuzz.sh
 * picks them up for its summary.  PCPU_SWEEP_EVERY (64 when unset) is
 * read there too.
 */
#include <stdio.h>
#include <stdlib.h>

#include "input_format.h"
#include "run.h"

/*
 * make bench also builds this file with PCPU_FUZZ_UNCHECKED (fuzz-pcpu-
 * unchecked): the core alone, for the cost of the checks in exec/s.  Not
 * a campaign target: without the checks only a sanitizer can fail a run.
 */
#ifdef PCPU_FUZZ_UNCHECKED
static struct run_options fuzz_opt = { .checks = false, .name = "fuzz input" };
#else
static struct run_options fuzz_opt = { .checks = true, .name = "fuzz input" };
#endif

/*
 * A full sweep of the state every 64 operations (PCPU_SWEEP_EVERY
 * overrides it); in between, the checks look at what each operation
 * changed (harness/checks/check_incr.c), so an execution costs what its
 * operations cost, not their number times the live allocations.
 */
#define FUZZ_SWEEP_EVERY 64

static struct run_nonfatal fuzz_nonfatal;

static void print_nonfatal(void)
{
	nonfatal_print(stderr, &fuzz_nonfatal);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	(void)argc;
	(void)argv;
	if (fixes_from_env(&fuzz_opt.fixes, err, sizeof(err)) ||
	    nonfatal_policy_from_env(&fuzz_opt.nonfatal_policy, err,
				     sizeof(err)) ||
	    sweep_every_from_env(&fuzz_opt.sweep_every, FUZZ_SWEEP_EVERY, err,
				 sizeof(err))) {
		fprintf(stderr, "fuzz-pcpu: %s\n", err);
		exit(2);
	}
	fuzz_opt.report = stderr;
	fuzz_opt.nonfatal = &fuzz_nonfatal;
	atexit(print_nonfatal);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace t;
	int ret;

	if (trace_decode_settled(data, size, &t, run_geometry_settle))
		abort(); /* out of memory: let the engine see it */
	ret = run_trace(&t, &fuzz_opt);
	trace_free(&t);
	if (ret == 1)
		abort(); /* a check failed: the report is on stderr */
	return 0;
}
