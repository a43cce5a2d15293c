/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The map check, for one chunk after every operation: the area map is well
 * formed (docs/allocator.md §2.2, invariants 1-3, 6 and 10 of §13.1), and it is
 * exactly the map the oracle predicts (§13.2), block by block.  Well-formedness
 * comes first so that a broken encoding is named as such rather than as a
 * disagreement.  Cost: O(map entries).  Also the other checks' questions
 * that only a map answers: where a new allocation lies (the overlap check),
 * whether a chunk is all free again (the leak check) and how many
 * populated pages lie in free blocks (the populated check).
 */
#include "pcpu_area_map.h"
#include "checks_internal.h"

/*
 * The one allowed zero-length block: block 0 of a UP first chunk, an
 * in-use block at 0 followed by the free block that also starts at 0
 * (§2.2, §11.4).
 */
static bool up_empty_static(const struct pcpu_chunk_view *v,
			    const struct pcpu_area_map_view *am, int i)
{
	return i == 0 && v->kind == PCPU_KIND_FIRST && map_in_use(am->map, 0);
}

static int check_map_shape(struct run_ctx *c, const struct check_geom *g,
			   const struct pcpu_chunk_view *v,
			   const struct pcpu_area_map_view *am)
{
	long end;

	if (am->map_used < 1 || am->map_used + 1 > am->map_alloc)
		return check_fail(
			c, CHECK_MAP, v->id,
			"chunk %s: expected 1 <= map_used and map_used + 1 <= map_alloc, got map_used %d map_alloc %d",
			CHUNK_NAME(v->id), am->map_used, am->map_alloc);
	if (map_off(am->map, 0) != 0)
		return check_fail(
			c, CHECK_MAP, v->id,
			"chunk %s: expected map[0] at offset 0, got entry %d",
			CHUNK_NAME(v->id), am->map[0]);
	if (!map_in_use(am->map, am->map_used))
		return check_fail(
			c, CHECK_MAP, v->id,
			"chunk %s: expected the sentinel map[%d] to have bit 0 set, got %d",
			CHUNK_NAME(v->id), am->map_used, am->map[am->map_used]);
	end = map_off(am->map, am->map_used);
	if (v->kind == PCPU_KIND_CREATED ? end != (long)g->unit_size :
					   end > (long)g->unit_size)
		return check_fail(
			c, CHECK_MAP, v->id,
			"chunk %s: expected the sentinel %s unit_size %zu, got %ld",
			CHUNK_NAME(v->id),
			v->kind == PCPU_KIND_CREATED ? "==" : "<=",
			g->unit_size, end);
	/* Offsets are even by the encoding; sizes follow from the order. */
	for (int i = 0; i < am->map_used; i++) {
		long size = map_off(am->map, i + 1) - map_off(am->map, i);
		bool in_use = map_in_use(am->map, i);

		if (size <= 0 && !(size == 0 && up_empty_static(v, am, i)))
			return check_fail(
				c, CHECK_MAP, v->id,
				"chunk %s: expected offsets to increase, got map[%d] %ld then map[%d] %ld",
				CHUNK_NAME(v->id), i, map_off(am->map, i), i + 1,
				map_off(am->map, i + 1));
		if (in_use && size < 2 && !up_empty_static(v, am, i))
			return check_fail(
				c, CHECK_MAP, v->id,
				"chunk %s: expected in-use blocks of at least 2 bytes, got block %d [%ld, %ld)",
				CHUNK_NAME(v->id), i, map_off(am->map, i),
				map_off(am->map, i + 1));
		if (!in_use && i > 0 && !map_in_use(am->map, i - 1))
			return check_fail(
				c, CHECK_MAP, v->id,
				"chunk %s: expected no two adjacent free blocks, got blocks %d and %d free",
				CHUNK_NAME(v->id), i - 1, i);
		if (!in_use && i < am->first_free)
			return check_fail(
				c, CHECK_MAP, v->id,
				"chunk %s: expected no free block below first_free %d, got block %d free",
				CHUNK_NAME(v->id), am->first_free, i);
	}
	if (am->first_free < 0 || am->first_free > am->map_used)
		return check_fail(
			c, CHECK_MAP, v->id,
			"chunk %s: expected 0 <= first_free <= map_used %d, got %d",
			CHUNK_NAME(v->id), am->map_used, am->first_free);
	return 0;
}

/* The oracle's block list, entry by entry; the first difference wins. */
static int check_map_blocks(struct run_ctx *c, const struct pcpu_chunk_view *v,
			    const struct pcpu_area_map_view *am,
			    const struct oracle_chunk *oc)
{
	int n = am->map_used < oc->nr_blocks ? am->map_used : oc->nr_blocks;

	for (int i = 0; i < n; i++) {
		const struct oracle_block *ob = &oc->blocks[i];
		long start = map_off(am->map, i);
		long stop = map_off(am->map, i + 1);
		bool in_use = map_in_use(am->map, i);

		if (ob->start != start || ob->start + ob->len != stop ||
		    ob->in_use != in_use)
			return check_fail(
				c, CHECK_MAP, v->id,
				"chunk %s block %d: expected [%ld, %ld) %s, got [%ld, %ld) %s",
				CHUNK_NAME(v->id), i, ob->start,
				ob->start + ob->len,
				ob->in_use ? "in use" : "free", start, stop,
				in_use ? "in use" : "free");
	}
	if (am->map_used != oc->nr_blocks)
		return check_fail(
			c, CHECK_MAP, v->id,
			"chunk %s: expected %d blocks, got %d (first extra or missing block is %d)",
			CHUNK_NAME(v->id), oc->nr_blocks, am->map_used, n);
	if (map_off(am->map, am->map_used) != oc->end)
		return check_fail(c, CHECK_MAP, v->id,
				  "chunk %s: expected sentinel %ld, got %ld",
				  CHUNK_NAME(v->id), oc->end,
				  map_off(am->map, am->map_used));
	if (am->map_alloc != oc->map_alloc)
		return check_fail(c, CHECK_MAP, v->id,
				  "chunk %s: expected map_alloc %d, got %d",
				  CHUNK_NAME(v->id), oc->map_alloc,
				  am->map_alloc);
	return 0;
}

int check_map(struct run_ctx *c, const struct check_geom *g,
	      const struct pcpu_chunk_view *v,
	      const struct pcpu_area_map_view *am,
	      const struct oracle_chunk *oc)
{
	if (check_map_shape(c, g, v, am) ||
	    (oc && check_map_blocks(c, v, am, oc)))
		return -1;
	return 0;
}

/* The overlap check: a new allocation agrees with its chunk's map (§2.2). */
int check_alloc_in_map(struct run_ctx *c, unsigned int id,
		       const struct check_geom *g, int idx)
{
	const struct live_alloc *a = &c->allocs[id];
	long end = a->off + (long)a->size, map_end;
	struct pcpu_area_map_view am;

	backend_area_map(c->b, idx, &am);
	map_end = map_off(am.map, am.map_used);
	if (map_end > (long)g->unit_size)
		return check_fail(
			c, CHECK_OVERLAP, a->chunk_id,
			"chunk %s: expected the map to end within the unit (%zu), got sentinel %ld",
			CHUNK_NAME(a->chunk_id), g->unit_size, map_end);
	if (a->off < 0 || end > map_end)
		return check_fail(
			c, CHECK_OVERLAP, a->chunk_id,
			"alloc %u: expected [%ld, %ld) inside the map range [0, %ld) of chunk %s",
			id, a->off, end, map_end, CHUNK_NAME(a->chunk_id));
	/* Linear, not binary: this op's map has not been verified yet. */
	for (int i = 0; i < am.map_used; i++) {
		if (map_off(am.map, i) < a->off)
			continue;
		if (map_off(am.map, i) > a->off || !map_in_use(am.map, i))
			break;
		if (map_off(am.map, i + 1) < end)
			return check_fail(
				c, CHECK_OVERLAP, a->chunk_id,
				"alloc %u: expected its in-use block at %ld to reach %ld, got block end %ld",
				id, a->off, end, map_off(am.map, i + 1));
		return 0;
	}
	return check_fail(
		c, CHECK_OVERLAP, a->chunk_id,
		"alloc %u: expected an in-use block starting at offset %ld of chunk %s, got none",
		id, a->off, CHUNK_NAME(a->chunk_id));
}

/* Where a boot chunk's static block ends before any head donation. */
static long static_end(const struct run_ctx *c, enum pcpu_chunk_kind kind)
{
	const struct pcpu_geometry *geo = &c->t->geo;

	if (kind == PCPU_KIND_FIRST && geo->reserved_size)
		return (long)(geo->static_size + geo->reserved_size);
	return (long)geo->static_size;
}

/*
 * The leak check: created chunks are one free block over the whole unit.
 * Boot chunks: the static block and one free block; the static block may
 * have grown by donated 2-byte heads, which only come back when it is
 * freed, i.e. never (§14.6).
 */
int check_map_fully_free(struct run_ctx *c, const struct check_geom *g,
			 const struct pcpu_chunk_view *v, int idx)
{
	struct pcpu_area_map_view am;
	long end, want;
	bool ok;

	backend_area_map(c->b, idx, &am);
	end = map_off(am.map, am.map_used);
	if (v->kind == PCPU_KIND_CREATED) {
		want = (long)g->unit_size;
		ok = am.map_used == 1 && !map_in_use(am.map, 0);
	} else {
		want = am.map_used == 2 ? end - map_off(am.map, 1) : -1;
		ok = am.map_used == 2 && map_in_use(am.map, 0) &&
		     !map_in_use(am.map, 1) &&
		     map_off(am.map, 1) >= static_end(c, v->kind);
	}
	if (!ok || v->free_size != want)
		return check_fail(
			c, CHECK_LEAK, v->id,
			"chunk %s after freeing everything and balancing: expected one free block (free_size %ld), got %d blocks, free_size %ld",
			CHUNK_NAME(v->id), want, am.map_used, v->free_size);
	return 0;
}

/* The populated check: populated pages lying wholly inside a free block (§5.4). */
long check_empty_pop_pages(const struct check_geom *g,
			   const struct pcpu_chunk_view *v,
			   const struct pcpu_area_map_view *am)
{
	long n = 0;

	if (v->kind == PCPU_KIND_RESERVED)
		return 0;
	for (int i = 0; i < am->map_used; i++) {
		long from, to;

		if (map_in_use(am->map, i))
			continue;
		from = check_pfn_up(g, map_off(am->map, i));
		to = check_pfn_down(g, map_off(am->map, i + 1));
		if (to > g->unit_pages)
			to = g->unit_pages;
		if (from < to)
			n += check_count_bits(v->populated, from, to);
	}
	return n;
}
