// SPDX-License-Identifier: GPL-2.0-only
/*
 * The checks at a preemption point (docs/interleavings.md §5): while the
 * running operation has released pcpu_lock, before the nested operations
 * due there run.  Everything 4.9 guards with pcpu_lock is settled at such
 * a point, so every chunk's map must be well formed, its free_size must
 * be the sum of its free blocks and its contig_hint at least its largest
 * free block.  The rest waits for the end of the operation: the oracle
 * has not run yet on the backend's pass (it follows it), the empty-page
 * count lags by the pages the outer allocation took or is populating,
 * and a chunk the balance work is reclaiming sits on no slot list.
 */
#include <string.h>

#include "pcpu_area_map.h"
#include "checks_internal.h"

int check_at_point(struct run_ctx *c, const char *point, unsigned int nth)
{
	struct check_geom g;
	int n;

	if (!c->opt->checks)
		return 0;
	n = backend_nr_chunks(c->b);
	check_geom_get(c->b, &g);
	for (int idx = 0; idx < n; idx++) {
		struct pcpu_chunk_view v;
		struct pcpu_area_map_view am;
		char detail[sizeof(c->detail)];

		if (backend_area_map(c->b, idx, &am))
			return 0; /* no map: the linux backends judge at the end */
		backend_chunk(c->b, idx, &v);
		if (!check_map(c, &g, &v, &am, NULL) &&
		    !check_free_size(c, &v, &am, NULL) &&
		    !check_contig_hint(c, &v, &am, NULL))
			continue;
		/* say where: the operation is still running */
		memcpy(detail, c->detail, sizeof(detail));
		snprintf(c->detail, sizeof(c->detail),
			 "at point %.40s %u (pcpu_lock released): %.900s", point, nth,
			 detail);
		return -1;
	}
	return 0;
}
