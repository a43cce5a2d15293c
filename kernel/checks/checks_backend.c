// SPDX-License-Identifier: GPL-2.0-only
/*
 * backend_check() of the linux backend: after an operation, the safety
 * checks of the fake memory ("backing": pages, mappings, page->index,
 * areas, metadata objects; "static": every unit's static copy; "warn": a
 * kernel WARN nobody expected), the accounting recount ("accounting"),
 * the hint checks of the chunks the operation touched (checks_hints.c)
 * and the decision findings backend_alloc recorded (checks_decisions.c).
 *
 * Cost: the walks over a chunk's pages (backing) and bitmaps (accounting)
 * and the hint checks run for the chunks touched since the last check (an
 * allocation's chunk, a free's chunk; all of them after a balance, a
 * failed allocation or a new instance); the walks run over every chunk as
 * well when the harness sweeps (every PCPU_SWEEP_EVERY-th operation, the
 * last, the end of the run).  The counts that span the chunks (pages,
 * areas and objects live, the global page counters) are compared every
 * time, so a page leaked or mapped anywhere shows at once; what waits for
 * the sweep is a page of an untouched chunk whose mapping changed while
 * every count stayed right.  The static areas are compared after an
 * operation on the first or the reserved chunk, whose units hold them, and
 * at a sweep.  PCPU_LINUX_CHECKS=full walks and rechecks the hints of
 * every chunk every time.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "backend_internal.h"
#include "checks.h"

static bool full_mode(void)
{
	static int full = -1;

	if (full < 0) {
		const char *e = getenv("PCPU_LINUX_CHECKS");

		full = e && !strcmp(e, "full");
	}
	return full;
}

/* most severe first, in the order found otherwise (insertion sort) */
static void sort_findings(struct pcpu_finding *f, int n)
{
	for (int i = 1; i < n; i++) {
		struct pcpu_finding t = f[i];
		int j = i;

		for (; j > 0 && f[j - 1].grade > t.grade; j--)
			f[j] = f[j - 1];
		f[j] = t;
	}
}

static unsigned long warn_seen;
static const struct backend *warn_owner;
static unsigned long warn_gen;

static void check_warn(struct backend *b, struct checks_sink *s)
{
	unsigned long gen = linux_snap.fresh_setups + linux_snap.restores;

	if (warn_owner != b || warn_gen != gen) {
		warn_owner = b;
		warn_gen = gen;
		warn_seen = 0;
	}
	if (b->warn_other > warn_seen)
		checks_add(s, "warn", PCPU_GRADE_SAFETY, INT_MIN,
			   "%lu unexpected kernel WARN(s), last: %s",
			   b->warn_other - warn_seen, b->last_warning);
	warn_seen = b->warn_other;
}

int linux_checks_run(struct backend *b, bool sweep, struct pcpu_finding *out,
		     int max)
{
	struct checks_sink s = { out, max, 0 };
	const void *dirty[64];
	struct kglue_global g;
	struct kglue_chunk *cs;
	int n, nd, block_bits;
	char err[256];
	bool all, walk_all, boot_touched = false;

	checks_sync_instance(b);
	n = kglue_chunks(NULL, 0);
	cs = malloc(sizeof(*cs) * (size_t)(n ? n : 1));
	if (!cs)
		abort();
	kglue_chunks(cs, n);
	nd = checks_dirty(dirty, 64);
	/* decision findings are graded hint: sorted after the walks' anyway */
	all = checks_decisions_flush(&s) || full_mode();
	checks_dirty_clear();
	walk_all = sweep || all;
	/* the static areas share the units of the first and reserved chunks:
	 * only an allocation there writes next to them */
	for (int i = 0; i < n && !walk_all && !boot_touched; i++)
		boot_touched = (cs[i].first || cs[i].reserved) &&
			       kglue_chunk_listed(cs[i].handle, dirty, nd);
	if (kglue_check_backing(walk_all ? NULL : dirty, nd, err, sizeof(err)))
		checks_add(&s, "backing", PCPU_GRADE_SAFETY, INT_MIN, "%s", err);
	if ((walk_all || boot_touched) &&
	    linux_backend_check_static(b, err, sizeof(err)))
		checks_add(&s, "static", PCPU_GRADE_SAFETY, INT_MIN, "%s", err);
	check_warn(b, &s);
	if (kglue_check_accounting(walk_all ? NULL : dirty, nd, err,
				   sizeof(err)))
		checks_add(&s, "accounting", PCPU_GRADE_ACCOUNTING, INT_MIN,
			   "%s", err);

	kglue_global(&g);
	block_bits = (int)(g.page_size / 4);
	for (int i = 0; i < n; i++)
		if (all || kglue_chunk_listed(cs[i].handle, dirty, nd))
			checks_chunk_hints(&s, backend_chunk_id(b, &cs[i]),
					   &cs[i], block_bits);
	free(cs);
	sort_findings(out, s.n < max ? s.n : max);
	return s.n;
}

int backend_check(struct backend *b, bool sweep, struct pcpu_finding *out,
		  int max)
{
	return linux_checks_run(b, sweep, out, max);
}

/* Every name kernel/checks/checks.h lists, for PCPU_NONFATAL=NAME,... */
const char *const *backend_check_names(void)
{
	static const char *const names[] = {
		"backing",	   "static",	      "warn",
		"accounting",	   "hint_used_bits",  "hint_too_large",
		"contig_hint_low", "scan_hint",	      "first_free",
		"left_free",	   "right_free",      "fit_missed",
		"chunk_created_with_fit", "first_free_high",
		"hint_partial_run", "hint_same_run", "scan_hint_not_largest",
		NULL,
	};

	return names;
}
