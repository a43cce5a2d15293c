// SPDX-License-Identifier: GPL-2.0-only
/*
 * The backing check (issue 11 §6): for every chunk, CPU and page, the
 * host memory is accessible exactly when the populated bitmap says the
 * page is populated.  The populated check reads only the bitmap, so a
 * populate whose rollback leaves one CPU's pages mapped, or a depopulate
 * that forgets a CPU, passes it; here the memory itself is asked
 * (backend_chunk_backing: one ASan shadow query per page under the
 * poison model; skipped where the backend cannot tell).
 *
 * A boot chunk's unit is accessible only up to the end of its dynamic
 * area, rounded up to a page (the kernel returns the tail to the system
 * but keeps its populated bits), so only those pages are compared.
 *
 * Cost: chunks x CPUs x unit pages queries, so it runs only after a
 * balance or when an operation populated, depopulated, failed to
 * populate, created or destroyed something (the counters say so), after
 * the other checks of that operation.
 */
#include <stdlib.h>

#include "checks_internal.h"

/* Events that can change the backing, as the counters count them. */
static unsigned long page_events(const struct backend *b)
{
	struct pcpu_global_view g;

	backend_global(b, &g);
	return g.counters.pages_populated + g.counters.pages_depopulated +
	       g.counters.faults_fired[PCPU_FAULT_PAGE] +
	       g.counters.chunks_created + g.counters.chunks_destroyed;
}

/* 1: chunk idx compared and matches; 0: the backend cannot tell; -1:
 * failed. */
static int check_chunk_backing(struct run_ctx *c, const struct check_geom *g,
			       int idx, unsigned long *bits)
{
	struct pcpu_chunk_view v;
	long last;

	backend_chunk(c->b, idx, &v);
	last = v.kind == PCPU_KIND_CREATED ? g->unit_pages :
					     check_pfn_up(g, v.area_end);
	if (last > g->unit_pages)
		last = g->unit_pages;
	for (unsigned int cpu = 0; cpu < g->nr_cpus; cpu++) {
		if (backend_chunk_backing(c->b, idx, cpu, bits))
			return 0;
		/* backend_chunk_backing may not keep v's pointers: refetch */
		backend_chunk(c->b, idx, &v);
		for (long p = 0; p < last; p++) {
			bool acc = check_test_bit(bits, p);

			if (acc == check_test_bit(v.populated, p))
				continue;
			return check_fail(
				c, CHECK_BACKING, v.id,
				"chunk %s cpu %u page %ld: expected %s (populated bitmap), got %s",
				CHUNK_NAME(v.id), cpu, p,
				acc ? "inaccessible" : "accessible",
				acc ? "accessible" : "inaccessible");
		}
	}
	return 1;
}

int check_backing_after_op(struct run_ctx *c, bool balance)
{
	unsigned long seen = page_events(c->b);
	struct check_geom g;
	unsigned long *bits;
	int n, ret = 0;

	if (!balance && seen == c->backing_seen)
		return 0;
	c->backing_seen = seen;
	check_geom_get(c->b, &g);
	bits = calloc((size_t)g.unit_pages / (8 * sizeof(long)) + 1,
		      sizeof(long));
	if (!bits)
		abort();
	n = backend_nr_chunks(c->b);
	for (int idx = 0; idx < n && ret >= 0; idx++) {
		ret = check_chunk_backing(c, &g, idx, bits);
		if (ret == 0)
			break; /* the backend cannot tell */
	}
	free(bits);
	return ret < 0 ? -1 : 0;
}
