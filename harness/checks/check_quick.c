// SPDX-License-Identifier: GPL-2.0-only
/*
 * The quick look at a chunk that moved, between sweeps (check_incr.c):
 * in O(log blocks) instead of O(blocks), its view against the oracle's
 * chunk, scalar by scalar (blocks, sentinel, map capacity, free_size,
 * contig_hint, first_free's range, slot and the slot its hints call for,
 * the extension queue, the populated count), the block just below
 * first_free, and the map entries around the offset the operation
 * allocated or freed, entry by entry (none free below first_free).  It
 * never reports anything: when something differs, or the populated pages
 * changed, the full per-chunk checks run and name the failure, so the
 * quick look can miss only what they would have found elsewhere in the
 * map (an entry rewritten in place away from the operation, a free block
 * below first_free away from both), which the next sweep finds.
 */
#include "pcpu_area_map.h"
#include "checks_internal.h"

/* Map entries compared on each side of the operation's block. */
#define QUICK_WINDOW 3

/* The oracle's last block starting at or before off (0 if none). */
static int block_at(const struct oracle_chunk *oc, long off)
{
	int lo = 0, hi = oc->nr_blocks - 1;

	while (lo < hi) {
		int mid = hi - (hi - lo) / 2;

		if (oc->blocks[mid].start <= off)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static bool window_agrees(const struct pcpu_area_map_view *am,
			  const struct oracle_chunk *oc, long at)
{
	int i = block_at(oc, at);
	int from = i > QUICK_WINDOW ? i - QUICK_WINDOW : 0;
	int to = i + QUICK_WINDOW < am->map_used ? i + QUICK_WINDOW :
						   am->map_used - 1;

	for (int j = from; j <= to; j++) {
		const struct oracle_block *ob = &oc->blocks[j];

		if (map_off(am->map, j) != ob->start ||
		    map_in_use(am->map, j) != ob->in_use ||
		    map_off(am->map, j + 1) != ob->start + ob->len ||
		    (!ob->in_use && j < am->first_free))
			return false;
	}
	return true;
}

bool check_chunk_quick(const struct check_geom *g,
		       const struct pcpu_chunk_view *v,
		       const struct pcpu_area_map_view *am,
		       const struct pcpu_chunk_view *was,
		       const struct oracle_chunk *oc, long at)
{
	int want_slot = v->kind == PCPU_KIND_RESERVED ?
				-1 :
				check_expected_slot(g, v->free_size,
						    v->contig_hint);

	if (!was || v->kind != oc->kind ||
	    v->nr_populated != was->nr_populated ||
	    v->populated != was->populated ||
	    v->nr_populated != oc->nr_populated)
		return false;
	if (am->map_used < 1 || am->map_used + 1 > am->map_alloc ||
	    am->map_used != oc->nr_blocks || am->map_alloc != oc->map_alloc ||
	    !map_in_use(am->map, am->map_used) ||
	    map_off(am->map, am->map_used) != oc->end ||
	    map_off(am->map, 0) != 0)
		return false;
	if (v->free_size != oc->free_size ||
	    v->contig_hint != oc->contig_hint || am->first_free < 0 ||
	    am->first_free > am->map_used ||
	    (am->first_free > 0 && !map_in_use(am->map, am->first_free - 1)) ||
	    v->slot != want_slot ||
	    v->slot != oc->slot || am->on_extend_list != oc->on_extend_list)
		return false;
	return at < 0 || window_agrees(am, oc, at);
}
