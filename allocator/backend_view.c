// SPDX-License-Identifier: GPL-2.0-only
/*
 * Read-only views of the area-map port for the oracle and the checks
 * (include/pcpu.h), and per_cpu_ptr.  They run after every operation,
 * for every chunk, so the fuzz builds compile this file without coverage
 * feedback (mk/nocov.mk): their branches say nothing about the input.
 */
#include <stdlib.h>

#include "host_mem.h"
#include "pcpu_area_map.h"
#include "host_vm.h"
#include "percpu_internal.h"

/*
 * per_cpu_ptr: the pointer is the unit-0 address of the chunk.  Here
 * rather than with the calls in backend.c because the checks ask it for
 * every copy they read, up to hundreds of times an operation, and it has
 * no branch to give the fuzzer.
 */
void *backend_cpu_addr(struct backend *b, uintptr_t ptr, unsigned int cpu)
{
	return (void *)(ptr + b->pcpu_unit_offsets[cpu]);
}

/*
 * The area-map port: the oracle predicts it and its map is checked.  Here
 * with the views: the checks ask it over and over (run_area_map), and
 * counted, those calls would give a checked run feedback an unchecked one
 * never gets (mk/nocov.mk).
 */
unsigned backend_caps(void)
{
	return PCPU_CAP_AREA_MAP | PCPU_CAP_FIXES;
}

/*
 * Nothing of its own: harness/checks/check_*.c check this backend.  Here
 * with the views because only a checked run calls it (mk/nocov.mk).
 */
int backend_check(struct backend *b, bool sweep, struct pcpu_finding *out,
		  int max)
{
	(void)b;
	(void)sweep;
	(void)out;
	(void)max;
	return 0;
}

int backend_nr_chunks(const struct backend *b)
{
	return b->nr_chunks_alive;
}

/*
 * The list each chunk is physically on (-1: none), by position: the
 * checks compare it with the slot its hints call for, for every chunk
 * after every operation.  One walk of every list finds all of them, and
 * is redone only when a chunk may have changed lists (b->view_gen); the
 * walk reads each node's link and nothing else, as on_list did, and a
 * node is matched to its chunk by address, so a list that holds
 * something else is walked as before.  The answer is the list a chunk
 * is on, the same as walking its expected slot's list and then every
 * list, for a chunk on at most one list.
 */
struct pcpu_view_cache {
	unsigned long gen;	/* b->view_gen + 1 when filled; 0: never */
	unsigned long index_gen; /* b->index_gen + 1 when by_node sorted */
	int cap;
	int *slot;		/* by position */
	struct view_node {	/* the chunks' list nodes, by address */
		const struct list_head *node;
		int idx;
	} *by_node;
};

void pcpu_view_cache_free(struct backend *b)
{
	if (!b->view_cache)
		return;
	free(b->view_cache->slot);
	free(b->view_cache->by_node);
	free(b->view_cache);
}

static int by_node_cmp(const void *x, const void *y)
{
	const struct view_node *a = x, *b = y;

	return (a->node > b->node) - (a->node < b->node);
}

/* The position of the chunk whose list node this is, or -1. */
static int node_idx(const struct pcpu_view_cache *vc, int n,
		    const struct list_head *node)
{
	int lo = 0, hi = n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (vc->by_node[mid].node == node)
			return vc->by_node[mid].idx;
		if (vc->by_node[mid].node < node)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static void fill_slots(struct backend *b, struct pcpu_view_cache *vc)
{
	int n = b->nr_chunks_alive;

	for (int i = 0; i < n; i++)
		vc->slot[i] = -1;
	if (vc->index_gen != b->index_gen + 1) {
		for (int i = 0; i < n; i++) {
			vc->by_node[i].node = &b->chunk_index[i]->list;
			vc->by_node[i].idx = i;
		}
		qsort(vc->by_node, (size_t)n, sizeof(vc->by_node[0]),
		      by_node_cmp);
		vc->index_gen = b->index_gen + 1;
	}
	for (int s = 0; s < b->pcpu_nr_slots; s++) {
		const struct list_head *h = &b->pcpu_slot[s];

		for (const struct list_head *p = h->next; p != h; p = p->next) {
			int i = node_idx(vc, n, p);

			if (i >= 0 && vc->slot[i] < 0)
				vc->slot[i] = s;
		}
	}
	vc->gen = b->view_gen + 1;
}

static int chunk_slot_of(const struct backend *cb, int idx)
{
	struct backend *b = (struct backend *)cb; /* the cache only */
	struct pcpu_view_cache *vc = b->view_cache;

	if (!vc)
		vc = b->view_cache = host_zalloc(sizeof(*vc));
	if (vc->cap < b->nr_chunks_alive) {
		int cap = 2 * b->nr_chunks_alive;

		free(vc->slot);
		free(vc->by_node);
		vc->slot = host_zalloc((size_t)cap * sizeof(*vc->slot));
		vc->by_node = host_zalloc((size_t)cap * sizeof(*vc->by_node));
		vc->cap = cap;
		vc->gen = 0;
		vc->index_gen = 0;
	}
	if (vc->gen != b->view_gen + 1)
		fill_slots(b, vc);
	return vc->slot[idx];
}

/* The chunk at position idx of the id-ordered list (backend_chunk's index). */
static const struct pcpu_chunk *chunk_at(const struct backend *b, int idx)
{
	return b->chunk_index[idx];
}

void backend_chunk(const struct backend *b, int idx,
		   struct pcpu_chunk_view *out)
{
	const struct pcpu_chunk *chunk = chunk_at(b, idx);

	out->id = chunk->id;
	out->kind = chunk->kind;
	out->base_addr = chunk->base_addr;
	out->free_size = chunk->free_size;
	out->contig_hint = chunk->contig_hint;
	out->nr_populated = chunk->nr_populated;
	out->populated = chunk->populated;
	/* a boot chunk's block 0 covers the static area (and, for the
	 * first chunk, the reserved one): it hands out [map[1], sentinel) */
	out->area_start = 0;
	out->area_end = b->pcpu_unit_size;
	if (chunk->kind != PCPU_KIND_CREATED) {
		/* map[1] exists: a boot chunk's block 0 is never freed */
		out->area_start = chunk->map[1] & ~1;
		out->area_end = chunk->map[chunk->map_used] & ~1;
	}
	out->slot = chunk_slot_of(b, idx);
}

void backend_global(const struct backend *b, struct pcpu_global_view *out)
{
	out->page_size = b->page_size;
	out->unit_size = (size_t)b->pcpu_unit_size;
	out->unit_pages = b->pcpu_unit_pages;
	out->nr_slots = b->pcpu_nr_slots;
	out->nr_cpus = b->nr_cpus;
	out->unit_offset = b->pcpu_unit_offsets;
	out->nr_empty_pop_pages = b->pcpu_nr_empty_pop_pages;
	out->balance_pending = b->balance_pending;
	out->atomic_alloc_failed = b->pcpu_atomic_alloc_failed;
	out->counters = b->counters;
}

/*
 * The ids of the chunks on list h, head first, where each chunk is linked
 * through the list_head at offset member: up to max in ids; the count.
 */
static int chunk_ids(const struct list_head *h, size_t member, int *ids,
		     int max)
{
	int n = 0;

	for (const struct list_head *p = h->next; p != h; p = p->next, n++)
		if (n < max)
			ids[n] = ((const struct pcpu_chunk *)((const char *)p -
							      member))->id;
	return n;
}

int backend_slot_list(const struct backend *b, int slot, int *ids, int max)
{
	return chunk_ids(&b->pcpu_slot[slot], offsetof(struct pcpu_chunk, list),
			 ids, max);
}

int backend_area_map(const struct backend *b, int idx,
		     struct pcpu_area_map_view *out)
{
	const struct pcpu_chunk *chunk = chunk_at(b, idx);

	*out = (struct pcpu_area_map_view){
		.map = chunk->map,
		.map_used = chunk->map_used,
		.map_alloc = chunk->map_alloc,
		.first_free = chunk->first_free,
		.on_extend_list = !list_empty(&chunk->map_extend_list),
	};
	return 0;
}

int backend_extend_queue(const struct backend *b, int *ids, int max)
{
	return chunk_ids(&b->pcpu_map_extend_chunks,
			 offsetof(struct pcpu_chunk, map_extend_list), ids, max);
}

/* One ASan shadow read per page under poison; no answer under mprotect. */
int backend_chunk_backing(const struct backend *b, int idx, unsigned int cpu,
			  int from, int to, unsigned long *bits)
{
	const struct pcpu_chunk *chunk = chunk_at(b, idx);

	return host_vm_pages_accessible(
		(const char *)chunk->base_addr + b->pcpu_unit_offsets[cpu],
		b->page_size, from, to, bits);
}

/* Every change of the page model is logged in host_vm.c, process-wide. */
int backend_backing_changes(const struct backend *b, unsigned long *seq,
			    backend_change_fn *fn, void *arg)
{
	(void)b;
	return host_vm_changes(seq, fn, arg);
}
