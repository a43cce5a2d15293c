// SPDX-License-Identifier: GPL-2.0-only
/*
 * Instance creation: the kernel's first-chunk setup checks and
 * pcpu_setup_first_chunk (docs/allocator.md §11), on memory laid out the way
 * pcpu_embed_first_chunk leaves it.  One group; CPU c uses unit c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host_mem.h"
#include "pcpu_geometry.h"
#include "percpu_internal.h"

#define REFUSE(...)                                                         \
	do {                                                                \
		snprintf(err, errlen, __VA_ARGS__);                         \
		return -1;                                                  \
	} while (0)

int backend_geometry_check(const struct pcpu_geometry *g, char *err,
			   size_t errlen)
{
	if (pcpu_geometry_check_common(g, PCPU_MAX_CPUS, err, errlen))
		return -1;
	if (g->dyn_size < PERCPU_DYNAMIC_EARLY_SIZE)
		REFUSE("dyn=%zu < PERCPU_DYNAMIC_EARLY_SIZE %d (kernel setup check)",
		       g->dyn_size, PERCPU_DYNAMIC_EARLY_SIZE);

	/*
	 * Port precondition: bit 0 of a map entry is the in-use flag, so
	 * odd area boundaries would corrupt the map from boot.  The kernel
	 * never sees them (linker sections and arch setup are aligned).
	 */
	if ((g->static_size | g->reserved_size | g->dyn_size) & 1)
		REFUSE("static, reserved and dyn must be even (the map's bit 0 is the in-use flag)");
	return 0;
}

/*
 * memblock_virt_alloc: boot-time memory, zeroed.  The kernel panics when
 * it runs out this early, and so does the port (host_mem.h): setup has no
 * error exit to reach.
 */
static void *pcpu_boot_alloc(size_t size)
{
	return host_zalloc(size);
}

/* A boot chunk (schunk or dchunk): immutable, fully populated, 128 slots. */
static struct pcpu_chunk *pcpu_boot_chunk(struct backend *b, int id,
					  enum pcpu_chunk_kind kind,
					  int free_start, int free_size)
{
	struct pcpu_chunk *chunk = pcpu_boot_alloc(pcpu_chunk_struct_size(b));

	chunk->map = pcpu_boot_alloc(PERCPU_DYNAMIC_EARLY_SLOTS * sizeof(int));
	chunk->touched = b->boot_touched;
	INIT_LIST_HEAD(&chunk->list);
	INIT_LIST_HEAD(&chunk->map_extend_list);
	INIT_LIST_HEAD(&chunk->all);
	chunk->base_addr = b->pcpu_base_addr;
	chunk->map_alloc = PERCPU_DYNAMIC_EARLY_SLOTS;
	chunk->immutable = true;
	bitmap_set(chunk->populated, 0, b->pcpu_unit_pages);
	chunk->nr_populated = b->pcpu_unit_pages;

	chunk->contig_hint = chunk->free_size = free_size;
	chunk->map[0] = 1;
	chunk->map[1] = free_start;
	chunk->map[2] = (free_start + free_size) | 1;
	chunk->map_used = 2;

	chunk->id = id;
	chunk->kind = kind;
	pcpu_chunk_track(b, chunk);
	return chunk;
}

/*
 * The embedded first chunk: nr_units * unit_size of page-aligned memory,
 * zeroed, with each unit's tail past static + reserved + dyn returned to
 * the system (inaccessible), as pcpu_embed_first_chunk does.  The memory
 * may be an earlier instance's (host_ranges.c): no page is touched yet,
 * so each reads as zero from its first use on (pcpu_chunk_touch).
 */
static void pcpu_first_chunk_memory(struct backend *b,
				    const struct pcpu_geometry *g)
{
	size_t size_sum = g->static_size + g->reserved_size + g->dyn_size;
	struct host_layout *l = &b->first_chunk_layout;

	*l = (struct host_layout){
		.len = b->chunk_span + b->page_size,
		.unit = (size_t)b->pcpu_unit_size,
		.keep = (size_sum + b->page_size - 1) & ~(b->page_size - 1),
		.page = b->page_size,
	};
	b->first_chunk_mem = host_first_chunk_get(l);
	b->pcpu_base_addr = ((uintptr_t)b->first_chunk_mem + b->page_size - 1) &
			    ~((uintptr_t)b->page_size - 1);
}

static void pcpu_setup_first_chunk(struct backend *b,
				   const struct pcpu_geometry *g)
{
	int dyn_size = (int)g->dyn_size;
	struct pcpu_chunk *schunk, *dchunk = NULL;

	b->pcpu_unit_offsets =
		pcpu_boot_alloc(b->nr_cpus * sizeof(b->pcpu_unit_offsets[0]));
	for (unsigned int cpu = 0; cpu < b->nr_cpus; cpu++)
		b->pcpu_unit_offsets[cpu] =
			(unsigned long)cpu * (unsigned long)b->pcpu_unit_size;

	pcpu_first_chunk_memory(b, g);
	b->boot_touched = pcpu_boot_alloc(pcpu_touched_size(b));

	/* one list per slot of a partly used chunk, plus a last one that
	 * holds only wholly free chunks */
	b->pcpu_nr_slots = __pcpu_size_to_slot(b->pcpu_unit_size) + 2;
	b->pcpu_slot = pcpu_boot_alloc((size_t)b->pcpu_nr_slots *
				       sizeof(b->pcpu_slot[0]));
	for (int i = 0; i < b->pcpu_nr_slots; i++)
		INIT_LIST_HEAD(&b->pcpu_slot[i]);

	/*
	 * With a reserved area, the chunk that maps the static area is the
	 * reserved chunk and a second boot chunk serves the dynamic area;
	 * without one, a single boot chunk serves the dynamic area.
	 */
	if (g->reserved_size) {
		schunk = pcpu_boot_chunk(b, PCPU_CHUNK_RESERVED,
					 PCPU_KIND_RESERVED,
					 (int)g->static_size,
					 (int)g->reserved_size);
		b->pcpu_reserved_chunk = schunk;
		b->pcpu_reserved_chunk_limit =
			(int)(g->static_size + g->reserved_size);
		dchunk = pcpu_boot_chunk(b, PCPU_CHUNK_FIRST, PCPU_KIND_FIRST,
					 b->pcpu_reserved_chunk_limit,
					 dyn_size);
	} else {
		schunk = pcpu_boot_chunk(b, PCPU_CHUNK_FIRST, PCPU_KIND_FIRST,
					 (int)g->static_size, dyn_size);
	}

	/* the dynamic boot chunk is the first chunk; its free pages count
	 * as empty populated pages, and it goes on its slot list */
	b->pcpu_first_chunk = dchunk ? dchunk : schunk;
	b->pcpu_nr_empty_pop_pages +=
		pcpu_count_occupied_pages(b, b->pcpu_first_chunk, 1);
	pcpu_chunk_relocate(b, b->pcpu_first_chunk, -1);
}

struct backend *backend_create(const struct pcpu_geometry *g, unsigned fixes,
			       char *err, size_t errlen)
{
	struct backend *b;

	if (backend_geometry_check(g, err, errlen))
		return NULL;

	b = pcpu_boot_alloc(sizeof(*b));
	b->fixes = fixes;
	b->page_size = g->page_size;
	b->page_shift = __builtin_ctzl(g->page_size);
	b->pcpu_unit_pages = (int)(g->unit_size >> b->page_shift);
	b->pcpu_unit_size = (int)g->unit_size;
	b->pcpu_nr_units = (int)g->cpus;
	b->nr_cpus = g->cpus;
	b->pcpu_min_unit_size = (int)pcpu_min_unit_size(g->page_size);
	b->chunk_span = (size_t)g->cpus * g->unit_size;
	b->chunk_layout = (struct host_layout){ .len = b->chunk_span,
						.page = g->page_size };
	b->warn_limit = PCPU_WARN_LIMIT;
	b->next_chunk_id = 1;
	INIT_LIST_HEAD(&b->pcpu_map_extend_chunks);
	INIT_LIST_HEAD(&b->all_chunks);

	pcpu_setup_first_chunk(b, g);
	return b;
}

void backend_destroy(struct backend *b)
{
	if (!b)
		return;
	while (!list_empty(&b->all_chunks)) {
		struct pcpu_chunk *chunk = list_entry(
			b->all_chunks.next, struct pcpu_chunk, all);

		if (chunk->data)
			pcpu_destroy_chunk(b, chunk);
		else {
			list_del_init(&chunk->all);
			pcpu_chunk_untrack(b, chunk);
			pcpu_free_chunk(b, chunk);
		}
	}
	free(b->chunk_index);
	pcpu_view_cache_free(b);
	host_range_put(b->first_chunk_mem, &b->first_chunk_layout);
	free(b->boot_touched);
	free(b->pcpu_slot);
	free(b->pcpu_unit_offsets);
	free(b);
}
