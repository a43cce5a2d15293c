/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The free_size and contig_hint checks, for one chunk after every operation.
 * free_size is exact: the sum of the map's free blocks (invariant 4) and the
 * oracle's value.  contig_hint is only an upper bound on the largest free block
 * (invariant 5; it may exceed it and even free_size, docs/allocator.md §13.3),
 * but its staleness is deterministic, so it must equal the oracle's.  Both run
 * after the map check, which guarantees a well-formed map.  Without an
 * oracle chunk (oc NULL: at a preemption point, check_point.c) only the
 * recount is compared.  Cost: O(map entries).
 */
#include "pcpu_area_map.h"
#include "checks_internal.h"

int check_free_size(struct run_ctx *c, const struct pcpu_chunk_view *v,
		    const struct pcpu_area_map_view *am,
		    const struct oracle_chunk *oc)
{
	long sum = 0;

	for (int i = 0; i < am->map_used; i++)
		if (!map_in_use(am->map, i))
			sum += map_off(am->map, i + 1) - map_off(am->map, i);
	return check_chunk_field(c, CHECK_FREE_SIZE, v->id, "free_size",
				 v->free_size, sum, false,
				 "sum of the map's free blocks",
				 oc ? &(long){ oc->free_size } : NULL);
}

int check_contig_hint(struct run_ctx *c, const struct pcpu_chunk_view *v,
		      const struct pcpu_area_map_view *am,
		      const struct oracle_chunk *oc)
{
	long largest = 0;

	for (int i = 0; i < am->map_used; i++) {
		long size = map_off(am->map, i + 1) - map_off(am->map, i);

		if (!map_in_use(am->map, i) && size > largest)
			largest = size;
	}
	return check_chunk_field(c, CHECK_CONTIG_HINT, v->id, "contig_hint",
				 v->contig_hint, largest, true,
				 "largest free block",
				 oc ? &(long){ oc->contig_hint } : NULL);
}
