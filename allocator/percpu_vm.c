// SPDX-License-Identifier: GPL-2.0-only
/*
 * Chunks and their memory: the common chunk constructor and the "vm"
 * backend (mm/percpu-vm.c, reference §10).  Each created chunk reserves one
 * virtual range of nr_units * unit_size bytes that starts inaccessible;
 * populating a page range makes it readable and writable in every unit,
 * depopulating makes it inaccessible again, so touching an unpopulated page
 * faults as it would in the kernel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "host_ranges.h"
#include "percpu_internal.h"

/* Fresh pages are not zeroed by the kernel: poison them so a missing
 * memset in pcpu_alloc shows up in the harness's zeroing check. */
#define PCPU_FRESH_PAGE_POISON 0x6b

static void pcpu_fatal(const char *what)
{
	perror(what);
	abort();
}

/* Port only: keep every live chunk on an id-ordered list for the views. */
void pcpu_chunk_track(struct backend *b, struct pcpu_chunk *chunk)
{
	struct list_head *pos = b->all_chunks.prev;

	/* ids only grow, except the boot chunks which are tracked first */
	while (pos != &b->all_chunks &&
	       list_entry(pos, struct pcpu_chunk, all)->id > chunk->id)
		pos = pos->prev;
	list_add(&chunk->all, pos);
	b->nr_chunks_alive++;
	if ((unsigned long)b->nr_chunks_alive > b->counters.max_chunks_alive)
		b->counters.max_chunks_alive = (unsigned long)b->nr_chunks_alive;
}

/**
 * pcpu_alloc_chunk - allocate and initialise the common part of a chunk
 *
 * Map [0 free, unit_size sentry], capacity PCPU_DFL_MAP_ALLOC, wholly
 * free, nothing populated.
 */
struct pcpu_chunk *pcpu_alloc_chunk(struct backend *b)
{
	struct pcpu_chunk *chunk;

	chunk = calloc(1, sizeof(*chunk));
	if (!chunk)
		return NULL;
	chunk->populated = calloc((size_t)BITS_TO_LONGS(b->pcpu_unit_pages),
				  sizeof(unsigned long));
	chunk->map = calloc(PCPU_DFL_MAP_ALLOC, sizeof(chunk->map[0]));
	if (!chunk->populated || !chunk->map) {
		free(chunk->populated);
		free(chunk->map);
		free(chunk);
		return NULL;
	}

	chunk->map_alloc = PCPU_DFL_MAP_ALLOC;
	chunk->map[0] = 0;
	chunk->map[1] = b->pcpu_unit_size | 1;
	chunk->map_used = 1;

	INIT_LIST_HEAD(&chunk->list);
	INIT_LIST_HEAD(&chunk->map_extend_list);
	INIT_LIST_HEAD(&chunk->all);
	chunk->free_size = b->pcpu_unit_size;
	chunk->contig_hint = b->pcpu_unit_size;
	chunk->kind = PCPU_KIND_CREATED;
	return chunk;
}

void pcpu_free_chunk(struct backend *b, struct pcpu_chunk *chunk)
{
	(void)b;
	if (!chunk)
		return;
	free(chunk->map);
	free(chunk->populated);
	free(chunk);
}

/**
 * pcpu_create_chunk - create a new chunk with its own address range
 *
 * The chunk-creation fault-injection point.  The range mirrors the first
 * chunk's unit layout (one group; unit u at u * unit_size).
 */
struct pcpu_chunk *pcpu_create_chunk(struct backend *b)
{
	struct pcpu_chunk *chunk;
	void *area;

	if (pcpu_fault_fire(b, PCPU_FAULT_CHUNK))
		return NULL;

	chunk = pcpu_alloc_chunk(b);
	if (!chunk)
		return NULL;

	area = host_chunk_range_get(&b->chunk_layout);
	if (!area) {
		pcpu_free_chunk(b, chunk);
		return NULL;
	}

	chunk->data = area;
	chunk->base_addr = (uintptr_t)area; /* group 0 sits at offset 0 */
	chunk->id = b->next_chunk_id++;
	pcpu_chunk_track(b, chunk);
	b->counters.chunks_created++;
	return chunk;
}

void pcpu_destroy_chunk(struct backend *b, struct pcpu_chunk *chunk)
{
	if (!chunk)
		return;
	if (chunk->data) {
		/* back as it came, inaccessible: balance work depopulates a
		 * chunk before destroying it, so only an instance torn down
		 * mid-run has pages to unmap here */
		if (chunk->nr_populated &&
		    mprotect(chunk->data, b->chunk_span, PROT_NONE))
			pcpu_fatal("percpu-fuzz: mprotect of a destroyed chunk");
		host_range_put(chunk->data, &b->chunk_layout);
	}
	list_del_init(&chunk->all);
	b->nr_chunks_alive--;
	b->counters.chunks_destroyed++;
	pcpu_free_chunk(b, chunk);
}

/**
 * pcpu_populate_chunk - populate and map an area of a pcpu_chunk
 *
 * All or nothing, for every unit.  One call is one `page` fault-injection
 * attempt, as one call of the kernel's page allocation loop.
 *
 * Return: 0 on success, -1 on failure.
 */
int pcpu_populate_chunk(struct backend *b, struct pcpu_chunk *chunk,
			int page_start, int page_end)
{
	size_t off = (size_t)page_start << b->page_shift;
	size_t len = (size_t)(page_end - page_start) << b->page_shift;

	if (pcpu_fault_fire(b, PCPU_FAULT_PAGE))
		return -1;

	for (int unit = 0; unit < b->pcpu_nr_units; unit++) {
		char *p = (char *)chunk->base_addr +
			  (size_t)unit * (size_t)b->pcpu_unit_size + off;

		if (mprotect(p, len, PROT_READ | PROT_WRITE))
			pcpu_fatal("percpu-fuzz: mprotect to populate");
		memset(p, PCPU_FRESH_PAGE_POISON, len);
	}
	return 0;
}

/*
 * Unmap the pages of [page_start, page_end) in every unit.  The host pages
 * stay resident behind PROT_NONE: nothing can read them until a populate,
 * which refills them with the poison, and keeping them saves a page fault
 * and a kernel page clear per page on the next populate (host_ranges.c).
 */
void pcpu_depopulate_chunk(struct backend *b, struct pcpu_chunk *chunk,
			   int page_start, int page_end)
{
	size_t off = (size_t)page_start << b->page_shift;
	size_t len = (size_t)(page_end - page_start) << b->page_shift;

	for (int unit = 0; unit < b->pcpu_nr_units; unit++) {
		char *p = (char *)chunk->base_addr +
			  (size_t)unit * (size_t)b->pcpu_unit_size + off;

		if (mprotect(p, len, PROT_NONE))
			pcpu_fatal("percpu-fuzz: depopulate");
	}
}

/* Record that pages were populated; they count as empty until used. */
void pcpu_chunk_populated(struct backend *b, struct pcpu_chunk *chunk,
			  int page_start, int page_end)
{
	int nr = page_end - page_start;

	bitmap_set(chunk->populated, page_start, nr);
	chunk->nr_populated += nr;
	b->pcpu_nr_empty_pop_pages += nr;
	b->counters.pages_populated += (unsigned long)nr;
}

void pcpu_chunk_depopulated(struct backend *b, struct pcpu_chunk *chunk,
			    int page_start, int page_end)
{
	int nr = page_end - page_start;

	bitmap_clear(chunk->populated, page_start, nr);
	chunk->nr_populated -= nr;
	b->pcpu_nr_empty_pop_pages -= nr;
	b->counters.pages_depopulated += (unsigned long)nr;
}

/*
 * The page-to-chunk reverse map (vmalloc_to_page + page->index): the
 * created chunk whose range holds addr, provided that page is mapped.  NULL
 * where the kernel would dereference a page that is not there.
 */
struct pcpu_chunk *pcpu_vm_chunk_of(struct backend *b, uintptr_t addr)
{
	struct list_head *pos;

	for (pos = b->all_chunks.next; pos != &b->all_chunks; pos = pos->next) {
		struct pcpu_chunk *chunk =
			list_entry(pos, struct pcpu_chunk, all);
		size_t rel;

		if (!chunk->data || addr < chunk->base_addr ||
		    addr - chunk->base_addr >= b->chunk_span)
			continue;
		rel = (addr - chunk->base_addr) % (size_t)b->pcpu_unit_size;
		if (!test_bit((int)(rel >> b->page_shift), chunk->populated))
			return NULL;
		return chunk;
	}
	return NULL;
}
