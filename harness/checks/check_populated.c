/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The populated check: pages under live allocations are populated (invariant
 * 9), each chunk's bitmap, count and prefix shape are right (invariant 8) and
 * match the oracle, and the global empty-populated-page counter equals a
 * recount from the maps (invariant 11, docs/allocator.md §5.4; the count of
 * one chunk: check_map.c's check_empty_pop_pages) and the oracle's.  The counter is maintained incrementally by the kernel, so the
 * recount here is from scratch, to catch bookkeeping drift.
 *
 * Cost: O(map entries + pages / 64) per chunk, plus O(pages) for the
 * oracle comparison; allocation pages only for the new allocation after
 * an alloc and for every live allocation after a balance (the only
 * operation that depopulates).
 */
#include <limits.h>

#include "checks_internal.h"

/* Every page [PFN_DOWN(off), PFN_UP(off + size)) of id is populated. */
int check_alloc_pages(struct run_ctx *c, unsigned int id)
{
	const struct live_alloc *a = &c->allocs[id];
	struct pcpu_chunk_view v;
	struct check_geom g;
	long first, last, hole;

	check_geom(c, &g);
	if (check_find_chunk(c->b, a->chunk_id, &v) < 0)
		return check_fail(
			c, CHECK_POPULATED, INT_MIN,
			"alloc %u: expected its chunk %s to exist, got no such chunk",
			id, CHUNK_NAME(a->chunk_id));
	first = check_pfn_down(&g, a->off);
	last = check_pfn_up(&g, a->off + (long)a->size);
	if (first < 0 || last > g.unit_pages)
		return check_fail(
			c, CHECK_POPULATED, a->chunk_id,
			"alloc %u: expected pages inside the unit's %d, got [%ld, %ld)",
			id, g.unit_pages, first, last);
	hole = check_first_zero_bit(v.populated, first, last);
	if (hole < last)
		return check_fail(
			c, CHECK_POPULATED, a->chunk_id,
			"alloc %u (chunk %s [%ld, %ld)): expected page %ld populated, got unpopulated",
			id, CHUNK_NAME(a->chunk_id), a->off,
			a->off + (long)a->size, hole);
	return 0;
}

int check_live_pages(struct run_ctx *c)
{
	for (unsigned int id = 0; id < c->t->nr_allocs; id++)
		if (c->allocs[id].live && check_alloc_pages(c, id))
			return -1;
	return 0;
}

/*
 * The live allocations of one chunk, in offset order: after a balance,
 * for a chunk the balance changed (check_incr.c); the live ranges come
 * from the overlap check's index.
 */
static int alloc_pages_of(void *arg, unsigned int id, long off, long end)
{
	(void)off;
	(void)end;
	return check_alloc_pages(arg, id);
}

int check_chunk_live_pages(struct run_ctx *c, int chunk_id)
{
	return check_index_each(check_live_index(c), chunk_id, 0, LONG_MAX,
				alloc_pages_of, c);
}

int check_chunk_pages(struct run_ctx *c, const struct check_geom *g,
		      const struct pcpu_chunk_view *v,
		      const struct pcpu_area_map_view *am,
		      const struct oracle_chunk *oc, struct check_tally *t)
{
	long count = check_count_bits(v->populated, 0, g->unit_pages);

	if (check_chunk_field(c, CHECK_POPULATED, v->id, "nr_populated",
			      v->nr_populated, count, false, "bitmap popcount",
			      &(long){ oc->nr_populated }))
		return -1;
	for (long p = 0; p < g->unit_pages; p++)
		if (check_test_bit(v->populated, p) != oc->populated[p])
			return check_fail(
				c, CHECK_POPULATED, v->id,
				"chunk %s page %ld: expected %s, got %s",
				CHUNK_NAME(v->id), p,
				oc->populated[p] ? "populated" : "unpopulated",
				oc->populated[p] ? "unpopulated" : "populated");
	/* Populate and depopulate only ever work at the prefix's edge. */
	if (v->kind == PCPU_KIND_CREATED &&
	    check_first_zero_bit(v->populated, 0, g->unit_pages) <
		    v->nr_populated)
		return check_fail(
			c, CHECK_POPULATED, v->id,
			"chunk %s: expected populated pages to be the prefix [0, %d), got page %ld unpopulated",
			CHUNK_NAME(v->id), v->nr_populated,
			check_first_zero_bit(v->populated, 0, g->unit_pages));
	t->empty_pop += check_empty_pop_pages(g, v, am);
	return 0;
}

int check_global_pages(struct run_ctx *c, const struct check_tally *t)
{
	struct pcpu_global_view gv;
	int want = oracle_empty_pop_pages(c->o);

	backend_global(c->b, &gv);
	/* between sweeps a chunk given only the quick look is not recounted
	 * (check_incr.c): its tally is then -1 */
	if (t->empty_pop >= 0 && gv.nr_empty_pop_pages != t->empty_pop)
		return check_fail(
			c, CHECK_POPULATED, INT_MIN,
			"expected nr_empty_pop_pages %ld (recount from the maps), got %d",
			t->empty_pop, gv.nr_empty_pop_pages);
	if (gv.nr_empty_pop_pages != want)
		return check_fail(
			c, CHECK_POPULATED, INT_MIN,
			"expected nr_empty_pop_pages %d (oracle), got %d", want,
			gv.nr_empty_pop_pages);
	if (gv.balance_pending != oracle_balance_pending(c->o))
		return check_fail(c, CHECK_POPULATED, INT_MIN,
				  "expected balance_pending %d, got %d",
				  oracle_balance_pending(c->o),
				  gv.balance_pending);
	if (gv.atomic_alloc_failed != oracle_atomic_alloc_failed(c->o))
		return check_fail(c, CHECK_POPULATED, INT_MIN,
				  "expected atomic_alloc_failed %d, got %d",
				  oracle_atomic_alloc_failed(c->o),
				  gv.atomic_alloc_failed);
	return 0;
}
