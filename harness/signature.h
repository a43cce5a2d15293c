/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The failure signature of a run: one short line that says what kind of
 * failure a trace ends in, without the details that differ between two
 * inputs hitting the same bug (operation number, offsets, sizes).  The
 * minimiser keeps a reduction only if its signature stays the same, and
 * triage buckets crash files by it.
 *
 * Forms of the text (it is compared as a whole string):
 *   pass
 *   check=NAME op=alloc|free|balance|fail|end chunk=first|reserved|created|none fault=yes|no nested=yes|no
 *   sanitizer=TYPE frame=FUNCTION   (parsed from a sanitizer report)
 *   signal=SIGNAME | timeout | crash exit=N | error
 */
#ifndef PCPU_FUZZ_SIGNATURE_H
#define PCPU_FUZZ_SIGNATURE_H

#include <stdbool.h>
#include <stddef.h>

enum sig_kind {
	SIG_PASS,      /* every check passed */
	SIG_CHECK,     /* a check of the harness failed */
	SIG_SANITIZER, /* a sanitizer ended the run */
	SIG_SIGNAL,    /* a signal without a sanitizer report */
	SIG_TIMEOUT,   /* the run did not finish in time */
	SIG_CRASH,     /* any other abnormal exit */
	SIG_ERROR,     /* the run could not start (geometry refused) */
};

#define SIG_TEXT_MAX 192

struct run_signature {
	enum sig_kind kind;
	char text[SIG_TEXT_MAX];
};

struct run_ctx;

/* The signature of a finished run_trace (called by run_trace itself). */
void signature_from_run(const struct run_ctx *c, struct run_signature *s);
void signature_set(struct run_signature *s, enum sig_kind kind,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Whether the signature is a failure worth keeping (not pass/error). */
bool signature_failed(const struct run_signature *s);
/*
 * What two signatures of the same finding share when their details may
 * differ: for a check failure "check=NAME op=KIND" (the chunk kind and
 * the fault flag depend on the workload around the bug), the whole text
 * otherwise.
 */
void signature_core(const struct run_signature *s, char *buf, size_t len);
/*
 * Parse a sanitizer report (ASan, UBSan, other *Sanitizer) into a
 * signature: its error type and the top stack frame in this project's
 * sources; or a linux backend's "kernel BUG at ..." line into
 * "sanitizer=kernel-bug frame=FUNCTION".  Returns false when the text
 * holds neither.
 */
bool signature_from_report(const char *text, struct run_signature *s);

#endif /* PCPU_FUZZ_SIGNATURE_H */
