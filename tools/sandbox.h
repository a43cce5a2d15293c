/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Running one trace in a forked child, so that a sanitizer abort, a
 * signal or a hang ends the child and not the tool that asked: the
 * minimiser tries thousands of candidates, triage replays whole crash
 * folders.  The result is the run's signature (signature.h).
 */
#ifndef PCPU_FUZZ_SANDBOX_H
#define PCPU_FUZZ_SANDBOX_H

#include "signature.h"
#include "trace.h"

struct sandbox;

/* timeout: seconds of wall-clock time per run (alarm in the child). */
struct sandbox *sandbox_create(unsigned int timeout);
void sandbox_destroy(struct sandbox *sb);
/*
 * Run t with every check and the given fixes; fill sig.  Returns 0, or
 * -1 when no child could be started (reason on stderr).
 *
 * layout 0 runs the child as forked; layout k > 0 first moves the
 * child's later mappings (the chunks' memory) down by k host pages.  The
 * overlap check tests addresses against the requested alignment, and for
 * an alignment that is not a power of two the outcome depends on where
 * the chunk was mapped: running layouts 1..m covers every residue of the
 * chunk base modulo an odd m (a page is coprime to it).
 */
int sandbox_run(struct sandbox *sb, const struct trace *t, unsigned fixes,
		unsigned int layout, struct run_signature *sig);

#endif /* PCPU_FUZZ_SANDBOX_H */
