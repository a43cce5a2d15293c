/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What only the area-map backend has (allocator/, docs/allocator.md §5):
 * a chunk's area map and the deferred map-extension queue, which struct
 * pcpu_chunk_view leaves out.  Read-only, like the views of pcpu.h;
 * included by the port that offers them and by the files that read them:
 * the area-map checks, the state printer and the port's tests, and by
 * kernel/backend_view.c, whose stubs say the real kernel has neither.
 * tests/check-includes.sh names those files (AREA_MAP) and fails on any
 * other.
 */
#ifndef PCPU_FUZZ_PCPU_AREA_MAP_H
#define PCPU_FUZZ_PCPU_AREA_MAP_H

#include <stdbool.h>

#include "pcpu.h"

/* One chunk's area map; map stays valid until the backend next changes. */
struct pcpu_area_map_view {
	const int *map; /* map_used + 1 entries, bit 0 = in use */
	int map_used, map_alloc, first_free;
	bool on_extend_list; /* queued for map extension */
};

/*
 * The area map of chunk idx (backend_chunk's index): 0, or -1 when the
 * backend has no area map (the linux backend), *out then zeroed.
 */
int backend_area_map(const struct backend *b, int idx,
		     struct pcpu_area_map_view *out);
/* Chunk ids on the deferred map-extension queue, head first; the count. */
int backend_extend_queue(const struct backend *b, int *ids, int max);

#endif
