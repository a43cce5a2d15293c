/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pcpu-triage: its inputs (triage_inputs.c) and its known findings
 * (triage_known.c).
 *
 * Known findings are crashes/NAME/ folders, each with a
 * reproducer (reproducer.trace or reproducer.bin) and an `expected` file
 * naming the check it fails (`check:`), the fix switch that cures it
 * (`fix:`) and any fixes its reproducer needs on to show it
 * (`faithful-fixes:`).
 */
#ifndef PCPU_FUZZ_TRIAGE_H
#define PCPU_FUZZ_TRIAGE_H

#include <stdbool.h>
#include <stdio.h>

#include "sandbox.h"
#include "trace.h"

/* One input file and what replaying it gave. */
struct input {
	char *path;
	long bytes;
	size_t ops;
	struct run_signature sig;
	char *err; /* unreadable: why */
};

struct triage {
	struct input *in;
	size_t n, cap;
	const char *report_path; /* never read as an input */
};

/* Add an input file, or the inputs of a folder; 0 or -1 (reported). */
int triage_add(struct triage *tr, const char *arg);
bool triage_is_dir(const char *path);

struct known {
	char name[128];
	unsigned fix;          /* the switch that cures it */
	struct run_signature sig; /* its reproducer's, under the triage fixes */
};

struct known_set {
	struct known *k;
	size_t n;
};

/*
 * Load the findings under dir that can show with the given fixes (those
 * whose fix is on cannot, and are left out).  Problems with a finding
 * are reported on `note` and that finding is left out.  Returns 0, or -1
 * when out of memory.  A missing dir is an empty set.
 */
int known_load(const char *dir, unsigned fixes, struct sandbox *sb,
	       struct known_set *set, FILE *note);
void known_free(struct known_set *set);

/*
 * Name the finding a bucket is: one whose signature agrees on the check
 * and kind of operation (or the whole sanitizer signature) and whose fix
 * makes the bucket's reproducer t stop failing that way.  Writes
 * "known: NAME", or "new", or "new (like NAME, but its fix does not cure
 * it)" into out.
 */
void known_name(const struct known_set *set, const struct run_signature *sig,
		const struct trace *t, unsigned fixes, struct sandbox *sb,
		char *out, size_t len);

#endif /* PCPU_FUZZ_TRIAGE_H */
