/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The leak check, at the end of a run: free everything still live (tags
 * verified first, backend and oracle in lockstep), run the balance work, and
 * then nothing may be left in use, and of the created chunks only the one
 * balance keeps may survive, besides chunks that this very balance created to
 * refill the atomic reserve (docs/allocator.md §9, invariant 12).  The state
 * must still equal the oracle's before and after that balance (the map's
 * part: check_map.c's check_map_fully_free).  A backend without an area
 * map gets the same end with its chunks' free sizes in place of the map
 * and its own checks in place of the oracle.
 *
 * run_end is the end of every run: an unchecked one frees and balances
 * alike, with nothing checked, so that the allocator does the same work
 * (and a fuzz target the same coverage) with and without the checks.
 */
#include <limits.h>

#include "checks_internal.h"

static int free_everything(struct run_ctx *c)
{
	for (unsigned int id = 0; id < c->t->nr_allocs; id++) {
		struct live_alloc *a = &c->allocs[id];
		enum pcpu_status st;

		if (!a->live)
			continue;
		if (check_before_free(c, id))
			return -1;
		st = backend_free(c->b, a->ptr);
		a->live = false;
		c->nr_live--;
		check_forget(c, id);
		if (st != PCPU_OK)
			return check_fail(
				c, CHECK_BUG, a->chunk_id,
				"end-of-run free_percpu of alloc %u (chunk offset %ld) hit the kernel's BUG()",
				id, a->off);
		if (c->o && oracle_free(c->o, a->chunk_id, a->off) != PCPU_OK)
			return check_fail(
				c, CHECK_ORACLE, a->chunk_id,
				"end-of-run free of alloc %u: the oracle has no in-use block at offset %ld",
				id, a->off);
	}
	return 0;
}

/*
 * Without a map: a created chunk is all free (free_size = the unit), a
 * boot chunk as free as right after setup.
 */
static int check_free_again(struct run_ctx *c, const struct check_geom *g,
			    const struct pcpu_chunk_view *v)
{
	long want = v->kind == PCPU_KIND_CREATED ? (long)g->unit_size :
		    c->boot_free[v->kind == PCPU_KIND_FIRST];

	if (v->free_size != want)
		return check_fail(
			c, CHECK_LEAK, v->id,
			"chunk %s after freeing everything and balancing: expected free_size %ld (%s), got %ld",
			CHUNK_NAME(v->id), want,
			v->kind == PCPU_KIND_CREATED ? "the whole unit" :
						       "as after setup",
			v->free_size);
	return 0;
}

static int check_leak(struct run_ctx *c, unsigned long created_before)
{
	struct pcpu_global_view gv;
	struct check_geom g;
	unsigned long created_now;
	int n = backend_nr_chunks(c->b), nr_created = 0;

	check_geom(c, &g);
	backend_global(c->b, &gv);
	created_now = gv.counters.chunks_created - created_before;
	for (int idx = 0; idx < n; idx++) {
		struct pcpu_chunk_view v;

		backend_chunk(c->b, idx, &v);
		if (run_area_map() ? check_map_fully_free(c, &g, &v, idx) :
				  check_free_again(c, &g, &v))
			return -1;
		nr_created += v.kind == PCPU_KIND_CREATED;
	}
	if ((unsigned long)nr_created > 1 + created_now)
		return check_fail(
			c, CHECK_LEAK, INT_MIN,
			"after freeing everything and balancing: expected at most 1 + %lu created chunks (the kept one plus this balance's), got %d",
			created_now, nr_created);
	return 0;
}

/*
 * No oracle, no map: the leak check and the backend's own checks.  Two
 * balance runs: the bitmap-era work function frees surplus empty chunks
 * first and only then reclaims (depopulates) chunks, and a reclaimed chunk
 * that comes back empty while the atomic reserve is low is kept with its
 * populated pages (pcpu_reclaim_populated reintegrates it) until the next
 * run, whose first step destroys every free chunk but one.  Chunks that
 * second run creates to refill the reserve are allowed, as above.
 */
static int end_neutral(struct run_ctx *c)
{
	bool checks = c->opt->checks;
	struct pcpu_global_view gv;

	/* the backend's own checks once after all the frees: per free they
	 * would cost more than the run */
	if (free_everything(c) || (checks && run_backend_check(c, true)))
		return -1;
	backend_balance(c->b);
	if (checks && run_backend_check(c, true))
		return -1;
	backend_global(c->b, &gv);
	backend_balance(c->b);
	if (!checks)
		return 0;
	if (run_backend_check(c, true))
		return -1;
	return check_leak(c, gv.counters.chunks_created);
}

int run_end(struct run_ctx *c)
{
	bool checks = c->opt->checks;
	struct pcpu_global_view gv;

	if (!run_area_map())
		return end_neutral(c);
	if (free_everything(c) || (checks && check_state(c, false)))
		return -1;
	backend_global(c->b, &gv);
	backend_balance(c->b);
	if (!checks)
		return 0;
	oracle_balance(c->o);
	if (check_leak(c, gv.counters.chunks_created))
		return -1;
	return check_state(c, true);
}
