/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A finding folder's `expected` file (crashes/NAME/expected): the one
 * reader of its format, for pcpu-replay --expect, pcpu-triage and, through
 * pcpu-replay, every script.  One `key: value` a line; blank lines and
 * lines starting with '#' are ignored.  Keys:
 *
 *   check: NAME            the check the reproducer fails
 *   dies: FUNCTION         instead of check: the run ends in a kernel BUG
 *                          the shim reports in FUNCTION (a linux backend;
 *                          signature sanitizer=kernel-bug frame=FUNCTION)
 *   fix: LIST|none         the fixes that make it pass (area map)
 *   faithful-fixes: LIST   fixes on in the faithful replay too
 *   grade: benign          the finding is counted, not fatal, by default
 *   consequence: LINE      a --results line consequence.linux.trace shows
 *   backend: NAME          a backend it shows on (one line each; none:
 *                          the area-map port's)
 */
#ifndef PCPU_FUZZ_TOOLS_EXPECTED_H
#define PCPU_FUZZ_TOOLS_EXPECTED_H

#include <stdbool.h>
#include <stddef.h>

#define EXPECTED_MAX_BACKENDS 8
#define EXPECTED_VALUE_MAX 256

struct expected {
	char path[4096];
	char check[64];                  /* "" for a death (dies:) */
	char dies[64];                   /* "" unless the run dies in a BUG */
	char fix[EXPECTED_VALUE_MAX];    /* "" when absent */
	char others[EXPECTED_VALUE_MAX]; /* faithful-fixes, "" when absent */
	char grade[32];                  /* "" when absent */
	char consequence[EXPECTED_VALUE_MAX];
	int nr_backends;
	char backends[EXPECTED_MAX_BACKENDS][32];
	unsigned fix_bits, other_bits;   /* fix and faithful-fixes parsed */
};

/*
 * Read and validate path.  0; 1 when there is no such file (errno
 * ENOENT); -1 on a malformed file or a read error, with a one-line reason
 * naming path:line (or path) in err.
 */
int expected_load(const char *path, struct expected *e, char *err,
		  size_t errlen);
/*
 * DIR/expected (DIR as given, trailing slashes and all): 0, or -1 with a
 * one-line reason in err, a missing file included.
 */
int expected_load_dir(const char *dir, struct expected *e, char *err,
		      size_t errlen);
/* The value of a key other than backend ("" when absent), NULL if unknown. */
const char *expected_value(const struct expected *e, const char *key);
/* Whether the finding shows on the linked backend (backend_name()). */
bool expected_for_backend(const struct expected *e);

#endif /* PCPU_FUZZ_TOOLS_EXPECTED_H */
