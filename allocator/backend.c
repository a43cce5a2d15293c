// SPDX-License-Identifier: GPL-2.0-only
/*
 * The backend interface (include/pcpu.h) over the area-map port: calls,
 * fault injection and read-only views.
 */
#include "percpu_internal.h"

const char *backend_name(void)
{
	return "area-map-4.9";
}

bool pcpu_fault_fire(struct backend *b, enum pcpu_fault kind)
{
	if (!b->fault_armed[kind])
		return false;
	b->fault_armed[kind]--;
	b->counters.faults_fired[kind]++;
	return true;
}

void backend_fail(struct backend *b, enum pcpu_fault kind, unsigned count)
{
	b->fault_armed[kind] += count;
}

struct pcpu_alloc_res backend_alloc(struct backend *b,
				    const struct pcpu_alloc_req *req)
{
	return pcpu_alloc(b, req->size, req->align, req->reserved,
			  req->atomic);
}

enum pcpu_status backend_free(struct backend *b, uintptr_t ptr)
{
	return free_percpu(b, ptr);
}

void *backend_cpu_addr(struct backend *b, uintptr_t ptr, unsigned int cpu)
{
	/* per_cpu_ptr: the pointer is the unit-0 address of the chunk */
	return (void *)(ptr + b->pcpu_unit_offsets[cpu]);
}

void backend_balance(struct backend *b)
{
	pcpu_balance_workfn(b);
}

int backend_nr_chunks(const struct backend *b)
{
	return b->nr_chunks_alive;
}

static int chunk_slot_of(const struct backend *b,
			 const struct pcpu_chunk *chunk)
{
	/* find the list the chunk is physically on */
	for (int s = 0; s < b->pcpu_nr_slots; s++) {
		const struct list_head *h = &b->pcpu_slot[s];

		for (const struct list_head *p = h->next; p != h; p = p->next)
			if (p == &chunk->list)
				return s;
	}
	return -1;
}

void backend_chunk(const struct backend *b, int idx,
		   struct pcpu_chunk_view *out)
{
	const struct list_head *pos = b->all_chunks.next;
	const struct pcpu_chunk *chunk;

	while (idx-- > 0)
		pos = pos->next;
	chunk = list_entry(pos, struct pcpu_chunk, all);

	out->id = chunk->id;
	out->kind = chunk->kind;
	out->base_addr = chunk->base_addr;
	out->free_size = chunk->free_size;
	out->contig_hint = chunk->contig_hint;
	out->map = chunk->map;
	out->map_used = chunk->map_used;
	out->map_alloc = chunk->map_alloc;
	out->first_free = chunk->first_free;
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
	out->slot = chunk_slot_of(b, chunk);
	out->on_extend_list = !list_empty(&chunk->map_extend_list);
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

int backend_slot_list(const struct backend *b, int slot, int *ids, int max)
{
	const struct list_head *h = &b->pcpu_slot[slot];
	int n = 0;

	for (const struct list_head *p = h->next; p != h; p = p->next, n++)
		if (n < max)
			ids[n] = list_entry(p, struct pcpu_chunk, list)->id;
	return n;
}

int backend_extend_queue(const struct backend *b, int *ids, int max)
{
	const struct list_head *h = &b->pcpu_map_extend_chunks;
	int n = 0;

	for (const struct list_head *p = h->next; p != h; p = p->next, n++)
		if (n < max)
			ids[n] = list_entry(p, struct pcpu_chunk,
					    map_extend_list)->id;
	return n;
}

/* The area-map port: the oracle predicts it and its map is checked. */
unsigned backend_caps(void)
{
	return PCPU_CAP_AREA_MAP | PCPU_CAP_FIXES;
}

void backend_default_geometry(struct pcpu_geometry *g)
{
	static const struct pcpu_geometry def = PCPU_GEOMETRY_DEFAULT;

	*g = def;
}

/* Nothing of its own: oracle/check_*.c check this backend. */
int backend_check(struct backend *b, struct pcpu_finding *out, int max)
{
	(void)b;
	(void)out;
	(void)max;
	return 0;
}

const char *const *backend_check_names(void)
{
	static const char *const none[] = { NULL };

	return none;
}
