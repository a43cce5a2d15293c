/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The map check, for one chunk after every operation: the area map is well
 * formed (docs/allocator.md §2.2, invariants 1-3, 6 and 10 of §13.1), and it is
 * exactly the map the oracle predicts (§13.2), block by block.  Well-formedness
 * comes first so that a broken encoding is named as such rather than as a
 * disagreement.  Cost: O(map entries).
 */
#include "checks_internal.h"

/*
 * The one allowed zero-length block: block 0 of a UP first chunk, an
 * in-use block at 0 followed by the free block that also starts at 0
 * (§2.2, §11.4).
 */
static bool up_empty_static(const struct pcpu_chunk_view *v, int i)
{
	return i == 0 && v->kind == PCPU_KIND_FIRST && map_in_use(v->map, 0);
}

static int check_map_shape(struct run_ctx *c, const struct check_geom *g,
			   const struct pcpu_chunk_view *v)
{
	long end;

	if (v->map_used < 1 || v->map_used + 1 > v->map_alloc)
		return check_fail(
			c, CHECK_MAP, v->id,
			"chunk %s: expected 1 <= map_used and map_used + 1 <= map_alloc, got map_used %d map_alloc %d",
			CHUNK_NAME(v->id), v->map_used, v->map_alloc);
	if (map_off(v->map, 0) != 0)
		return check_fail(
			c, CHECK_MAP, v->id,
			"chunk %s: expected map[0] at offset 0, got entry %d",
			CHUNK_NAME(v->id), v->map[0]);
	if (!map_in_use(v->map, v->map_used))
		return check_fail(
			c, CHECK_MAP, v->id,
			"chunk %s: expected the sentinel map[%d] to have bit 0 set, got %d",
			CHUNK_NAME(v->id), v->map_used, v->map[v->map_used]);
	end = map_off(v->map, v->map_used);
	if (v->kind == PCPU_KIND_CREATED ? end != (long)g->unit_size :
					   end > (long)g->unit_size)
		return check_fail(
			c, CHECK_MAP, v->id,
			"chunk %s: expected the sentinel %s unit_size %zu, got %ld",
			CHUNK_NAME(v->id),
			v->kind == PCPU_KIND_CREATED ? "==" : "<=",
			g->unit_size, end);
	/* Offsets are even by the encoding; sizes follow from the order. */
	for (int i = 0; i < v->map_used; i++) {
		long size = map_off(v->map, i + 1) - map_off(v->map, i);
		bool in_use = map_in_use(v->map, i);

		if (size <= 0 && !(size == 0 && up_empty_static(v, i)))
			return check_fail(
				c, CHECK_MAP, v->id,
				"chunk %s: expected offsets to increase, got map[%d] %ld then map[%d] %ld",
				CHUNK_NAME(v->id), i, map_off(v->map, i), i + 1,
				map_off(v->map, i + 1));
		if (in_use && size < 2 && !up_empty_static(v, i))
			return check_fail(
				c, CHECK_MAP, v->id,
				"chunk %s: expected in-use blocks of at least 2 bytes, got block %d [%ld, %ld)",
				CHUNK_NAME(v->id), i, map_off(v->map, i),
				map_off(v->map, i + 1));
		if (!in_use && i > 0 && !map_in_use(v->map, i - 1))
			return check_fail(
				c, CHECK_MAP, v->id,
				"chunk %s: expected no two adjacent free blocks, got blocks %d and %d free",
				CHUNK_NAME(v->id), i - 1, i);
		if (!in_use && i < v->first_free)
			return check_fail(
				c, CHECK_MAP, v->id,
				"chunk %s: expected no free block below first_free %d, got block %d free",
				CHUNK_NAME(v->id), v->first_free, i);
	}
	if (v->first_free < 0 || v->first_free > v->map_used)
		return check_fail(
			c, CHECK_MAP, v->id,
			"chunk %s: expected 0 <= first_free <= map_used %d, got %d",
			CHUNK_NAME(v->id), v->map_used, v->first_free);
	return 0;
}

/* The oracle's block list, entry by entry; the first difference wins. */
static int check_map_blocks(struct run_ctx *c, const struct pcpu_chunk_view *v,
			    const struct oracle_chunk *oc)
{
	int n = v->map_used < oc->nr_blocks ? v->map_used : oc->nr_blocks;

	for (int i = 0; i < n; i++) {
		const struct oracle_block *ob = &oc->blocks[i];
		long start = map_off(v->map, i);
		long stop = map_off(v->map, i + 1);
		bool in_use = map_in_use(v->map, i);

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
	if (v->map_used != oc->nr_blocks)
		return check_fail(
			c, CHECK_MAP, v->id,
			"chunk %s: expected %d blocks, got %d (first extra or missing block is %d)",
			CHUNK_NAME(v->id), oc->nr_blocks, v->map_used, n);
	if (map_off(v->map, v->map_used) != oc->end)
		return check_fail(c, CHECK_MAP, v->id,
				  "chunk %s: expected sentinel %ld, got %ld",
				  CHUNK_NAME(v->id), oc->end,
				  map_off(v->map, v->map_used));
	if (v->map_alloc != oc->map_alloc)
		return check_fail(c, CHECK_MAP, v->id,
				  "chunk %s: expected map_alloc %d, got %d",
				  CHUNK_NAME(v->id), oc->map_alloc,
				  v->map_alloc);
	return 0;
}

int check_map(struct run_ctx *c, const struct check_geom *g,
	      const struct pcpu_chunk_view *v, const struct oracle_chunk *oc)
{
	if (check_map_shape(c, g, v) || check_map_blocks(c, v, oc))
		return -1;
	return 0;
}
