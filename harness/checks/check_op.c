/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * When each check runs.  After an alloc: overlap, then the new pages'
 * population (so an unpopulated page is reported rather than faulted on),
 * then zeroed.  Before a free: the allocation's tags.  After every
 * operation: the whole state against itself and the oracle (area-map
 * backends) or the backend-neutral part of it.  Every step stops at the
 * first failure.
 */
#include "pcpu_area_map.h"
#include "checks_internal.h"

int check_after_alloc(struct run_ctx *c, unsigned int id)
{
	if (check_overlap(c, id) || check_alloc_pages(c, id) ||
	    check_zeroed(c, id))
		return -1;
	return 0;
}

int check_before_free(struct run_ctx *c, unsigned int id)
{
	if (!c->opt->checks)
		return 0;
	return check_tags_one(c, id);
}

/*
 * One chunk at a time: its view and area map are fetched once and used
 * only with const backend calls in between.  The map check runs first because the others
 * read the map.
 */
int check_chunk_state(struct run_ctx *c, const struct check_geom *g,
		      const struct pcpu_chunk_view *v,
		      const struct pcpu_area_map_view *am,
		      const struct oracle_chunk *oc, struct check_tally *t)
{
	if (check_map(c, g, v, am, oc) || check_free_size(c, v, am, oc) ||
	    check_contig_hint(c, v, am, oc) ||
	    check_chunk_slot(c, g, v, am, oc) ||
	    check_chunk_pages(c, g, v, am, oc, t))
		return -1;
	return 0;
}

static int check_chunks(struct run_ctx *c, const struct check_geom *g,
			struct check_tally *t)
{
	for (int idx = 0; idx < t->nr_chunks; idx++) {
		const struct oracle_chunk *oc = oracle_chunk_at(c->o, idx);
		struct pcpu_area_map_view am;
		struct pcpu_chunk_view v;

		backend_chunk(c->b, idx, &v);
		backend_area_map(c->b, idx, &am);
		if (check_chunk_state(c, g, &v, &am, oc, t))
			return -1;
		t->nr_slotted += v.kind != PCPU_KIND_RESERVED;
		t->nr_on_extend += am.on_extend_list;
	}
	return 0;
}

int check_state(struct run_ctx *c, bool after_balance)
{
	struct check_tally t = { 0 };
	struct check_geom g;

	check_geom_get(c->b, &g);
	/* Equal chunk lists let index idx mean the same chunk on both sides. */
	if (check_chunk_set(c, &g))
		return -1;
	t.nr_chunks = backend_nr_chunks(c->b);
	if (check_chunks(c, &g, &t) || check_lists(c, &g, &t) ||
	    check_global_pages(c, &t))
		return -1;
	if (after_balance && check_live_pages(c))
		return -1;
	return check_tags_rotating(c);
}

/*
 * A backend without an area map (pcpu.h, backend_caps) has no oracle to
 * compare with and no map to read: after a balance (what can depopulate)
 * every live allocation's pages must still be populated, and the tags of
 * a rotating subset must be intact.  backend_check() covers its state.
 */
static int check_neutral_state(struct run_ctx *c, bool after_balance)
{
	if (after_balance && check_live_pages(c))
		return -1;
	return check_tags_rotating(c);
}

int check_after_op(struct run_ctx *c)
{
	if (!run_area_map())
		return check_neutral_state(c, check_op_is(c, OP_BALANCE));
	return check_state(c, check_op_is(c, OP_BALANCE));
}
