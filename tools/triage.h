/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pcpu-triage: its inputs (triage_inputs.c) and its known findings
 * (triage_known.c, their expected files: tools/lib/expected.c).
 *
 * Known findings are crashes/NAME/ folders, each with a
 * reproducer (reproducer.trace or reproducer.bin; reproducer.linux.trace
 * for the linux backends) and an `expected` file naming the check it
 * fails (`check:`), the fix switch that cures it (`fix:`, `none` for a
 * bug of the unmodified kernel), any fixes its reproducer needs on to
 * show it (`faithful-fixes:`) and the builds it shows on (`backend:`
 * lines, e.g. linux-6.12; none: the area-map port).
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
	unsigned fix;          /* the switch that cures it; 0: none */
	/* its reproducer's, under the triage fixes and PCPU_NONFATAL */
	struct run_signature sig;
};

struct known_set {
	struct known *k;
	size_t n;
};


/*
 * Load the findings under dir that can show here: on the linked backend,
 * with the given fixes (those whose fix is on cannot), and under the
 * sandbox's PCPU_NONFATAL policy `nonfatal` (NULL: none; a finding whose
 * check only counts there cannot).  Problems with a finding are reported
 * on `note` and that finding is left out.  Returns 0, or -1 when out of
 * memory.  A missing dir is an empty set.
 */
int known_load(const char *dir, unsigned fixes,
	       const struct nonfatal_policy *nonfatal, struct sandbox *sb,
	       struct known_set *set, FILE *note);
void known_free(struct known_set *set);

/*
 * Name the finding a bucket is.  With a fix: one whose signature agrees
 * on the check and kind of operation (or the whole sanitizer signature)
 * and whose fix makes the bucket's reproducer t stop failing that way.
 * Without one (the unmodified kernel's findings): one whose reproducer
 * has the bucket's whole signature on this binary.  Writes "known: NAME"
 * ("known: A or B" if several findings share that signature), or "new",
 * or "new (like NAME, but its fix does not cure it)", or "new (like
 * NAME, same check and operation, but its signature is SIG)" into out.
 */
void known_name(const struct known_set *set, const struct run_signature *sig,
		const struct trace *t, unsigned fixes, struct sandbox *sb,
		char *out, size_t len);

#endif /* PCPU_FUZZ_TRIAGE_H */
