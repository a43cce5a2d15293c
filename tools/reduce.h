/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Operation-level reduction of a failing trace (the engine of
 * pcpu-minimize): candidates are smaller or simpler traces, each run in a
 * sandbox, and a candidate replaces the current trace only when it fails
 * with exactly the same signature, so the reduction cannot drift to
 * another bug.
 */
#ifndef PCPU_FUZZ_REDUCE_H
#define PCPU_FUZZ_REDUCE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sandbox.h"
#include "trace.h"

/*
 * A trace under reduction.  Alloc ops keep the id they had in the input
 * as a stable key and free ops name that key, so dropping an alloc only
 * orphans its frees (which go with it); reduce_build numbers the ids
 * afresh.
 */
struct reduce_work {
	struct pcpu_geometry geo;
	struct trace_op *ops;
	size_t n;
	unsigned int nr_keys; /* allocs in the input: keys are below this */
};

struct reducer {
	struct reduce_work cur;
	struct sandbox *sb;
	unsigned fixes;
	struct run_signature target;
	/*
	 * What a candidate's signature must match: by default its core
	 * (check and kind of operation, signature_core), so noise that only
	 * moved the failure into another kind of chunk or that fired an
	 * unrelated fault can go; with `exact` the whole signature.
	 */
	bool exact;
	char target_key[SIG_TEXT_MAX];
	unsigned long runs;     /* candidates run */
	unsigned long max_runs; /* budget; 0 = no limit */
	bool exhausted;         /* the budget ran out */
	/*
	 * The input fails the same way in every address layout its
	 * alignments can tell apart; candidates must then do so as well.
	 */
	bool robust;
	FILE *log;              /* --verbose: every candidate's outcome */
	/* hashes of candidates that were run and rejected */
	uint64_t *seen;
	size_t nr_seen, cap_seen;
};

/* Start from t; target is the signature every candidate must keep. */
int reduce_init(struct reducer *r, const struct trace *t,
		const struct run_signature *target);
void reduce_fini(struct reducer *r);
/*
 * Whether t fails with the target signature, in every address layout
 * that matters when r->robust (see sandbox_run); counts runs.
 */
bool reduce_check(struct reducer *r, const struct trace *t);
/* Run every pass until none makes progress (or the budget runs out). */
void reduce_run(struct reducer *r);
/* The trace a work describes, ids renumbered; 0 or -1 (out of memory). */
int reduce_build(const struct reduce_work *w, struct trace *t);

/* Internals shared by the passes (reduce*.c). */
/* A copy of the current work to edit into a candidate; NULL ops on OOM. */
int reduce_copy(const struct reduce_work *from, struct reduce_work *to);
/*
 * Run candidate cand (consumed): when it fails with the target signature
 * it becomes the current work and true is returned.
 */
bool reduce_try(struct reducer *r, struct reduce_work *cand);
/* Simplify the geometry; true when anything changed. */
bool reduce_geometry(struct reducer *r);
/* Shrink sizes, alignments, flags and fault counts; true on change. */
bool reduce_args(struct reducer *r);

#endif /* PCPU_FUZZ_REDUCE_H */
