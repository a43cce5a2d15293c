// SPDX-License-Identifier: GPL-2.0-only
/*
 * Chunks and their memory: the common chunk constructor and the "vm" backend
 * (mm/percpu-vm.c, docs/allocator.md §10).  Each created chunk reserves one
 * virtual range of nr_units * unit_size bytes that starts inaccessible;
 * populating a page range makes it accessible in every unit, depopulating makes
 * it inaccessible again, so touching an unpopulated page stops the run as it
 * would oops the kernel (host_vm.h: ASan poison or PROT_NONE).
 */
#include <stdlib.h>

#include "host_mem.h"
#include "host_ranges.h"
#include "host_vm.h"
#include "percpu_internal.h"

/*
 * pcpu_mem_zalloc - kzalloc/vzalloc of the kernel's chunk metadata
 *
 * An injected failure returns NULL as the kernel's fault injection
 * (failslab) would, so the caller's own error exit runs; a host failure
 * aborts (host_mem.h).
 */
void *pcpu_mem_zalloc(size_t size, bool injected_failure)
{
	return injected_failure ? NULL : host_zalloc(size);
}

/* The chunk structure with its populated bitmap, as 4.9 allocates it. */
size_t pcpu_chunk_struct_size(const struct backend *b)
{
	return sizeof(struct pcpu_chunk) +
	       (size_t)BITS_TO_LONGS(b->pcpu_unit_pages) * sizeof(unsigned long);
}

/*
 * Make pages [page_start, page_end) inaccessible in every CPU's unit.
 * CPUs whose ranges follow on without a gap (whole units of one group)
 * are closed by one host call: under mprotect each call flushes TLBs on
 * every core the process ran on, and the balance work's reaper closes
 * whole units, one call per CPU before.
 */
static void pcpu_vm_close(struct backend *b, struct pcpu_chunk *chunk,
			  int page_start, int page_end)
{
	size_t off = (size_t)page_start << b->page_shift;
	size_t len = (size_t)(page_end - page_start) << b->page_shift;
	unsigned int cpu = 0;

	while (cpu < b->nr_cpus) {
		char *at = pcpu_chunk_addr(b, chunk, cpu) + off;
		size_t run = len;

		while (++cpu < b->nr_cpus &&
		       pcpu_chunk_addr(b, chunk, cpu) + off == at + run)
			run += len;
		host_vm_close(at, run);
	}
}

/**
 * pcpu_alloc_chunk - allocate and initialise the common part of a chunk
 *
 * Map [0 free, unit_size sentry], capacity PCPU_DFL_MAP_ALLOC, wholly
 * free, nothing populated.  @fail names the allocation an injected
 * failure strikes, if any.
 */
struct pcpu_chunk *pcpu_alloc_chunk(struct backend *b,
				    enum pcpu_chunk_fail_step fail)
{
	struct pcpu_chunk *chunk;

	chunk = pcpu_mem_zalloc(pcpu_chunk_struct_size(b),
				fail == PCPU_CHUNK_FAIL_STRUCT);
	if (!chunk)
		return NULL;
	chunk->map = pcpu_mem_zalloc(PCPU_DFL_MAP_ALLOC * sizeof(chunk->map[0]),
				     fail == PCPU_CHUNK_FAIL_MAP);
	if (!chunk->map) {
		free(chunk);
		return NULL;
	}
	/* port only, never an injected failure */
	chunk->touched = host_zalloc(pcpu_touched_size(b));

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
	if (!chunk)
		return;
	if (chunk->touched != b->boot_touched)
		free(chunk->touched);
	free(chunk->map);
	free(chunk);
}

/*
 * Which allocation of a creation an injected `chunk` failure strikes: the
 * structure, the map and the vm area in turn, so that each of the
 * kernel's three error exits runs.  The outcome is the same for all
 * three: no chunk.
 */
static enum pcpu_chunk_fail_step pcpu_chunk_fail_step(struct backend *b)
{
	int k = pcpu_fault_strike(b, PCPU_FAULT_CHUNK, 3);

	return k < 0 ? PCPU_CHUNK_FAIL_NONE :
		       (enum pcpu_chunk_fail_step)(PCPU_CHUNK_FAIL_STRUCT + k);
}

/**
 * pcpu_create_chunk - create a new chunk with its own address range
 *
 * The chunk-creation fault-injection point.  The range mirrors the first
 * chunk's unit layout (one group; unit u at u * unit_size).
 */
struct pcpu_chunk *pcpu_create_chunk(struct backend *b)
{
	enum pcpu_chunk_fail_step fail = pcpu_chunk_fail_step(b);
	struct pcpu_chunk *chunk;

	chunk = pcpu_alloc_chunk(b, fail);
	if (!chunk)
		return NULL;

	if (fail == PCPU_CHUNK_FAIL_AREA) {
		/* pcpu_get_vm_areas() found no room */
		pcpu_free_chunk(b, chunk);
		return NULL;
	}
	chunk->data = host_chunk_range_get(&b->chunk_layout);
	chunk->base_addr = (uintptr_t)chunk->data; /* group 0 sits at offset 0 */
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
		 * mid-run has pages to close here.  One mprotect covers
		 * the span; poison costs shadow per byte, so only the
		 * populated runs get it */
		int rs = 0, re;

		if (host_vm_model() == HOST_VM_MPROTECT) {
			if (chunk->nr_populated)
				host_vm_close(chunk->data, b->chunk_span);
			rs = b->pcpu_unit_pages;
		}
		while ((rs = find_next_bit(chunk->populated,
					   b->pcpu_unit_pages, rs)) <
		       b->pcpu_unit_pages) {
			re = find_next_zero_bit(chunk->populated,
						b->pcpu_unit_pages, rs + 1);
			pcpu_vm_close(b, chunk, rs, re);
			rs = re;
		}
		host_range_put(chunk->data, &b->chunk_layout);
	}
	list_del_init(&chunk->all);
	pcpu_chunk_untrack(b, chunk);
	b->counters.chunks_destroyed++;
	pcpu_free_chunk(b, chunk);
}

/**
 * pcpu_populate_chunk - make pages [page_start, page_end) usable
 *
 * All or nothing, for every CPU's unit.  One call is one `page`
 * fault-injection attempt, as one call of the kernel's page allocation
 * loop (pcpu_alloc_pages), and, when that succeeds, one `vmap` attempt,
 * as one call of its mapping loop (pcpu_map_pages).  An injected failure
 * of either strikes one CPU (pcpu_fault_strike), and the CPUs before it
 * are undone: a page failure as pcpu_alloc_pages() frees what it
 * allocated, a vmap failure as pcpu_map_pages() unmaps the CPUs it mapped
 * before pcpu_populate_chunk() frees every page.
 *
 * A mapping that fails has mapped part of the struck CPU's range: the
 * port opens its first half (none of a one-page range), as the linux
 * memory model does.  4.9 unmaps only the CPUs before the struck one, so
 * that half stays accessible while the populate has failed and its pages
 * are freed: docs/allocator.md §14.7, found by the backing check.  The
 * fix switch map-unwind unmaps the struck CPU too, as the 2024 upstream
 * fix does.
 *
 * Return: 0 on success, -1 on failure.
 */
int pcpu_populate_chunk(struct backend *b, struct pcpu_chunk *chunk,
			int page_start, int page_end)
{
	size_t off = (size_t)page_start << b->page_shift;
	size_t len = (size_t)(page_end - page_start) << b->page_shift;
	size_t half = (size_t)((page_end - page_start) / 2) << b->page_shift;
	int fail_cpu = pcpu_fault_strike(b, PCPU_FAULT_PAGE, (int)b->nr_cpus);
	bool mapping = false;
	int cpu;

	/* the page allocation succeeded: the mapping is attempted */
	if (fail_cpu < 0) {
		fail_cpu = pcpu_fault_strike(b, PCPU_FAULT_VMAP,
					     (int)b->nr_cpus);
		mapping = fail_cpu >= 0;
	}
	for (cpu = 0; cpu < (int)b->nr_cpus; cpu++) {
		if (cpu == fail_cpu)
			goto err;
		host_vm_open(pcpu_chunk_addr(b, chunk, (unsigned int)cpu) + off,
			     len);
	}
	/* fresh pages: their poison is written on first use */
	bitmap_clear(chunk->touched, page_start, page_end - page_start);
	return 0;

err:
	if (mapping && half) {
		char *at = pcpu_chunk_addr(b, chunk, (unsigned int)cpu) + off;

		host_vm_open(at, half);
		if (b->fixes & PCPU_FIX_MAP_UNWIND)
			host_vm_close(at, half);
	}
	while (--cpu >= 0)
		host_vm_close(pcpu_chunk_addr(b, chunk, (unsigned int)cpu) + off,
			      len);
	return -1;
}

/*
 * Make pages [page_start, page_end) inaccessible again on every CPU.  The
 * host pages stay resident, inaccessible: nothing can read them until a
 * populate makes them fresh again (pcpu_chunk_touch), and keeping them
 * saves a page fault and a kernel page clear per page on the next
 * populate (host_ranges.c).
 */
void pcpu_depopulate_chunk(struct backend *b, struct pcpu_chunk *chunk,
			   int page_start, int page_end)
{
	pcpu_vm_close(b, chunk, page_start, page_end);
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

		/* one unsigned comparison, not addr < base || ...: see
		 * pcpu_chunk_addr_search() */
		if (!chunk->data || addr - chunk->base_addr >= b->chunk_span)
			continue;
		rel = (addr - chunk->base_addr) % (size_t)b->pcpu_unit_size;
		if (!test_bit((int)(rel >> b->page_shift), chunk->populated))
			return NULL;
		return chunk;
	}
	return NULL;
}
