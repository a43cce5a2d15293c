/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers for the core's unit tests: they drive the backend through its
 * public interface only, and render maps as short strings. */
#ifndef PCPU_FUZZ_CORE_UTIL_H
#define PCPU_FUZZ_CORE_UTIL_H

#include "pcpu.h"
#include "pcpu_area_map.h"
#include "test.h"

/* A backend for a geometry given field by field; aborts if refused. */
struct backend *mk(unsigned cpus, size_t unit, size_t static_size,
		   size_t reserved, size_t dyn, unsigned fixes);
/* The geometry used by most tests: 2 CPUs, unit 32768, static 20480,
 * no reserved area, dyn 12288 -> first chunk [0A 20480f 32768|]. */
struct backend *mk_g1(unsigned fixes);

struct pcpu_alloc_res al(struct backend *b, size_t size, size_t align);
struct pcpu_alloc_res al_atomic(struct backend *b, size_t size, size_t align);
struct pcpu_alloc_res al_reserved(struct backend *b, size_t size,
				  size_t align);
/* Offset of a successful allocation in chunk `chunk`, else -1. */
long at(struct pcpu_alloc_res r, int chunk);
/*
 * On mk_g1: the first chunk filled (alloc 12288 at 20480), then a request
 * of size and align that creates chunk 1 and lands at its offset 0: that
 * request's result.
 */
struct pcpu_alloc_res chunk1_first(struct backend *b, size_t size,
				   size_t align);

/* View of chunk `id`; returns 0, or -1 when no such chunk is alive. */
int view(struct backend *b, int id, struct pcpu_chunk_view *v);
/* Area map of chunk `id` (include/pcpu_area_map.h); 0, or -1 when no
 * such chunk is alive or the backend has no area map. */
int area_map(struct backend *b, int id, struct pcpu_area_map_view *am);
/*
 * Whether chunk id's fields are as want says: "NAME VALUE ..." pairs of
 * its view and area map (kind first|reserved|created, free_size,
 * contig_hint, slot, nr_populated, map_used, map_alloc, first_free,
 * queued 0|1 for the map-extension queue); only the named ones are
 * compared.  NULL when they all hold, else what differs (static buffer).
 */
const char *chunk_differs(struct backend *b, int id, const char *want);
#define EXPECT_CHUNK(b, id, want)                                           \
	do {                                                                \
		const char *_d = chunk_differs((b), (id), (want));          \
		if (_d) {                                                   \
			fprintf(stderr, "%s:%d: chunk %d: %s\n", __FILE__,  \
				__LINE__, (id), _d);                        \
			test_failed_checks++;                               \
		}                                                           \
	} while (0)
/* "0A 20480f 32768|": the map of chunk id, into a static buffer. */
const char *map_str(struct backend *b, int id);
/* "2 3 1": ids on a slot list, head first, into a static buffer. */
const char *slot_str(struct backend *b, int slot);
int empty_pop_pages(struct backend *b);
struct pcpu_counters counters(struct backend *b);

#endif /* PCPU_FUZZ_CORE_UTIL_H */
