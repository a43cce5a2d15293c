// SPDX-License-Identifier: GPL-2.0-only
/*
 * The backing check (issue 11 part 6): for every chunk, CPU and page, the
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
 * Cost: one shadow load per page and CPU compared, paid only when the
 * counters show that the operation populated, depopulated, failed to
 * populate, created or destroyed something, and after the other checks
 * of that operation.  Every page of every chunk is compared after the
 * balance work and after an allocation that failed or created a chunk
 * (a rollback can leave pages anywhere; a new chunk is compared once,
 * whole).  After any other successful allocation only its own chunk can
 * have been populated, and only under the area: pcpu_alloc populates
 * the pages the area spans, so those are compared, with one page more on
 * each side for a populate that runs one page too far, and the cost
 * follows the allocation, not the unit size times the CPUs.
 */
#include <limits.h>
#include <stdlib.h>

#include "checks_internal.h"

/* Events that can change the backing, as the counters count them. */
static void page_events(const struct backend *b, unsigned long *events,
			unsigned long *created)
{
	struct pcpu_global_view g;

	backend_global(b, &g);
	*created = g.counters.chunks_created;
	*events = g.counters.pages_populated + g.counters.pages_depopulated +
		  g.counters.faults_fired[PCPU_FAULT_PAGE] +
		  g.counters.faults_fired[PCPU_FAULT_VMAP] +
		  g.counters.chunks_created + g.counters.chunks_destroyed;
}

/* Compare pages [from, to) of chunk idx on every CPU.  1: they match; 0:
 * the backend cannot tell; -1: failed. */
static int check_chunk_backing(struct run_ctx *c, const struct check_geom *g,
			       int idx, long from, long to, unsigned long *bits)
{
	struct pcpu_chunk_view v;
	long last;

	backend_chunk(c->b, idx, &v);
	last = v.kind == PCPU_KIND_CREATED ? g->unit_pages :
					     check_pfn_up(g, v.area_end);
	if (last > g->unit_pages)
		last = g->unit_pages;
	if (to > last)
		to = last;
	if (from < 0)
		from = 0;
	for (unsigned int cpu = 0; cpu < g->nr_cpus && from < to; cpu++) {
		if (backend_chunk_backing(c->b, idx, cpu, (int)from, (int)to,
					  bits)) {
			c->backing_blind++;
			return 0;
		}
		/* backend_chunk_backing may not keep v's pointers: refetch */
		backend_chunk(c->b, idx, &v);
		for (long p = from; p < to; p++) {
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

int check_backing_after_op(struct run_ctx *c, const struct trace_op *op)
{
	unsigned long events, created;
	const struct live_alloc *a = NULL;
	long from = 0, to = LONG_MAX;
	struct check_geom g;
	unsigned long *bits;
	int n, ret = 0;

	check_geom(c, &g);
	page_events(c->b, &events, &created);
	if (op->kind != OP_BALANCE && events == c->backing_events)
		return 0;
	if (op->kind == OP_ALLOC && c->allocs[op->id].live) {
		a = &c->allocs[op->id];
		if (created == c->backing_created) {
			from = check_pfn_down(&g, a->off) - 1;
			to = check_pfn_up(&g, a->off + (long)a->size) + 1;
		}
	}
	c->backing_events = events;
	c->backing_created = created;
	bits = check_scratch_bits(c, (size_t)g.unit_pages / (8 * sizeof(long)) + 1);
	n = backend_nr_chunks(c->b);
	for (int idx = 0; idx < n && ret >= 0; idx++) {
		struct pcpu_chunk_view v;

		if (a) {
			backend_chunk(c->b, idx, &v);
			if (v.id != a->chunk_id)
				continue;
		}
		ret = check_chunk_backing(c, &g, idx, from, to, bits);
		if (ret == 0)
			break; /* the backend cannot tell */
	}
	return ret < 0 ? -1 : 0;
}
