/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Running one trace in a forked child, so that a sanitizer abort, a
 * signal or a hang ends the child and not the tool that asked: the
 * minimiser tries thousands of candidates, triage replays whole crash
 * folders.  The result is the run's signature (signature.h).
 */
#ifndef PCPU_FUZZ_SANDBOX_H
#define PCPU_FUZZ_SANDBOX_H

#include <stdio.h>

#include "signature.h"
#include "trace.h"

struct sandbox;
struct nonfatal_policy;

/* timeout: seconds of wall-clock time per run (alarm in the child). */
struct sandbox *sandbox_create(unsigned int timeout);
/*
 * The tools' default timeout for the linked backend: 10 s for the area
 * map; 60 s for the linux backend, which boots the kernel in every child
 * and replays a large geometry (63 CPUs x 9.5 MB units) in about 4 s
 * unloaded, the same margin its campaigns get (scripts/fuzz.sh).
 */
unsigned int sandbox_default_timeout(void);
void sandbox_destroy(struct sandbox *sb);
/*
 * The backend findings that only count in the runs from now on
 * (PCPU_NONFATAL, harness/grades.c), as fuzz-pcpu applies them: the tools
 * must judge a campaign's crash as the campaign did.  NULL: every
 * finding is fatal (the default).
 */
void sandbox_set_nonfatal(struct sandbox *sb, const struct nonfatal_policy *p);
/* PCPU_SWEEP_EVERY for the runs from now on (harness/sweep.c); 0 or 1:
 * a sweep after every operation (the default). */
void sandbox_set_sweep_every(struct sandbox *sb, unsigned k);
/*
 * How the runs are judged, for the tools' reports (no newline): "fixes
 * LIST" where the backend has fix switches, else "backend NAME" (the linux
 * backends ignore PCPU_FIXES; the kernel is what matters), then
 * ", PCPU_NONFATAL=LIST" when that is set.
 */
void sandbox_print_conditions(FILE *f, unsigned fixes);
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
