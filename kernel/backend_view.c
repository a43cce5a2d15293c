// SPDX-License-Identifier: GPL-2.0-only
/*
 * The read-only views of include/pcpu.h over the real kernel's chunks.
 * Chunks are listed in id order (r, 0, then created chunks by creation),
 * with the first chunk's offsets and pages counted from the start of the
 * unit, as the trace format counts them.  The bitmap era has neither an
 * area map nor a map-extension queue: include/pcpu_area_map.h's calls say
 * so (backend_area_map -1, an empty queue).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcpu_area_map.h"
#include "backend_internal.h"
#include "mem.h"

struct sorted_chunk {
	int id;
	struct kglue_chunk c;
};

/*
 * No area map, so neither the oracle nor the map checks apply; no fix
 * switches, the kernel file is unmodified.  Here with the views, which
 * get no coverage feedback: the checks ask it after every operation.
 */
unsigned backend_caps(void)
{
	return 0;
}

/*
 * The trace's id of a chunk, by its base address.  Here with the views,
 * which ask it for every chunk after every operation, so that it shares
 * their build without coverage feedback (mk/nocov.mk).
 */
int backend_chunk_id(const struct backend *b, const struct kglue_chunk *c)
{
	if (c->reserved)
		return PCPU_CHUNK_RESERVED;
	if (c->first)
		return PCPU_CHUNK_FIRST;
	for (int i = 0; i < b->nr_ids; i++)
		if (b->ids[i].base_addr == c->base_addr)
			return b->ids[i].id;
	fprintf(stderr, "linux backend: chunk at %#lx has no id\n",
		(unsigned long)c->base_addr);
	abort();
}

void backend_view_free(struct view_cache *v)
{
	if (!v)
		return;
	free(v->chunks);
	free(v->ids);
	free(v->populated);
	free(v);
}

static void view_oom(void)
{
	fprintf(stderr, "linux backend: out of memory\n");
	abort();
}

static int by_id(const void *a, const void *b)
{
	const struct sorted_chunk *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static void view_refresh(const struct backend *b)
{
	struct view_cache *v = b->view;
	struct sorted_chunk *s;
	struct kglue_global gl;
	int n;

	if (!v->stale)
		return;
	kglue_global(&gl);
	n = kglue_chunks(v->chunks, v->cap);
	if (n > v->cap) {
		int cap = n * 2;

		v->populated_longs = ((size_t)gl.unit_pages + 63) / 64;
		free(v->chunks);
		free(v->ids);
		free(v->populated);
		v->chunks = calloc(cap, sizeof(*v->chunks));
		v->ids = calloc(cap, sizeof(*v->ids));
		v->populated = calloc(cap * v->populated_longs,
				      sizeof(*v->populated));
		if (!v->chunks || !v->ids || !v->populated)
			view_oom();
		v->cap = cap;
		n = kglue_chunks(v->chunks, v->cap);
	}
	v->nr = n;

	s = malloc((n ? n : 1) * sizeof(*s));
	if (!s)
		view_oom();
	for (int i = 0; i < n; i++)
		s[i] = (struct sorted_chunk){ backend_chunk_id(b, &v->chunks[i]),
					      v->chunks[i] };
	qsort(s, n, sizeof(*s), by_id);

	for (int i = 0; i < n; i++) {
		unsigned long *pop = v->populated + i * v->populated_longs;
		const struct kglue_chunk *c = &s[i].c;
		size_t first = 0;

		v->ids[i] = s[i].id;
		v->chunks[i] = *c;
		/* the first chunk's region starts inside the unit */
		if (c->first || c->reserved)
			first = (c->base_addr - gl.base_addr) / gl.page_size;
		memset(pop, 0, v->populated_longs * sizeof(*pop));
		for (size_t p = 0; p < (size_t)c->nr_pages; p++)
			if (first + p < (size_t)gl.unit_pages &&
			    (c->populated[p / 64] >> (p % 64)) & 1)
				pop[(first + p) / 64] |= 1UL << ((first + p) % 64);
	}
	free(s);
	v->stale = false;
}

int backend_nr_chunks(const struct backend *b)
{
	view_refresh(b);
	return b->view->nr;
}

void backend_chunk(const struct backend *b, int idx,
		   struct pcpu_chunk_view *out)
{
	const struct kglue_chunk *c;
	struct kglue_global gl;

	view_refresh(b);
	c = &b->view->chunks[idx];
	kglue_global(&gl);
	*out = (struct pcpu_chunk_view){
		.id = b->view->ids[idx],
		.kind = c->reserved ? PCPU_KIND_RESERVED
				    : c->first ? PCPU_KIND_FIRST
					       : PCPU_KIND_CREATED,
		/* CPU c's copy of offset o: base_addr + unit_offset[c] + o */
		.base_addr = (c->first || c->reserved) ? gl.base_addr : c->base_addr,
		.free_size = c->free_bytes,
		.contig_hint = c->contig_bits * 4,
		.nr_populated = c->nr_populated,
		.populated = b->view->populated + idx * b->view->populated_longs,
		.slot = c->slot,
	};
	/* the region's hidden head and tail (start_offset, end_offset) are
	 * not handed out; offsets are relative to the view's base_addr */
	out->area_start = (long)(c->base_addr - out->base_addr) + c->start_offset;
	out->area_end = (long)(c->base_addr - out->base_addr) +
			(long)c->nr_pages * (long)gl.page_size - c->end_offset;
}

void backend_global(const struct backend *b, struct pcpu_global_view *out)
{
	struct kglue_global gl;
	struct mem_stats st;
	unsigned long cpus = b->geo.cpus;

	kglue_global(&gl);
	mem_get_stats(&st);
	*out = (struct pcpu_global_view){
		.page_size = gl.page_size,
		.unit_size = gl.unit_size,
		.unit_pages = gl.unit_pages,
		.nr_slots = gl.nr_slots,
		.nr_cpus = b->geo.cpus,
		.unit_offset = gl.unit_offsets,
		.nr_empty_pop_pages = gl.nr_empty_pop_pages,
		.balance_pending = gl.balance_pending,
		.atomic_alloc_failed = gl.atomic_alloc_failed,
		.counters = b->counters,
	};
	out->counters.faults_fired[PCPU_FAULT_PAGE] =
		st.faults_fired[MEM_FAULT_PAGE];
	out->counters.faults_fired[PCPU_FAULT_CHUNK] =
		st.faults_fired[MEM_FAULT_CHUNK];
	out->counters.faults_fired[PCPU_FAULT_MAP] =
		st.faults_fired[MEM_FAULT_META];
	out->counters.faults_fired[PCPU_FAULT_VMAP] =
		st.faults_fired[MEM_FAULT_VMAP];
	/* pages of a unit: vm maps them per CPU, km has all of a chunk's */
	if (kglue_is_km()) {
		out->counters.pages_populated =
			b->counters.chunks_created * (unsigned long)gl.unit_pages;
		out->counters.pages_depopulated =
			b->counters.chunks_destroyed * (unsigned long)gl.unit_pages;
	} else {
		out->counters.pages_populated = st.maps / cpus;
		out->counters.pages_depopulated = st.unmaps / cpus;
	}
}

int backend_slot_list(const struct backend *b, int slot, int *ids, int max)
{
	int n = kglue_slot_list(slot, NULL, 0);
	const void **handles;

	if (!n)
		return 0;
	handles = malloc(n * sizeof(*handles));
	if (!handles)
		view_oom();
	kglue_slot_list(slot, handles, n);
	view_refresh(b);
	for (int i = 0; i < n && i < max; i++) {
		ids[i] = -2;
		for (int j = 0; j < b->view->nr; j++)
			if (b->view->chunks[j].handle == handles[i])
				ids[i] = b->view->ids[j];
	}
	free(handles);
	return n;
}

/* Not supported: the kernel's pages live in its own fake memory
 * (kernel/mem/), whose checks are kernel/checks/checks_backend.c's. */
int backend_chunk_backing(const struct backend *b, int idx, unsigned int cpu,
			  int from, int to, unsigned long *bits)
{
	(void)b;
	(void)idx;
	(void)cpu;
	(void)from;
	(void)to;
	(void)bits;
	return -1;
}

/* No backing to compare (backend_chunk_backing), so no record either. */
int backend_backing_changes(const struct backend *b, unsigned long *seq,
			    backend_change_fn *fn, void *arg)
{
	(void)b;
	(void)seq;
	(void)fn;
	(void)arg;
	return -1;
}

/* No area map in the bitmap era (include/pcpu_area_map.h). */
int backend_area_map(const struct backend *b, int idx,
		     struct pcpu_area_map_view *out)
{
	(void)b;
	(void)idx;
	*out = (struct pcpu_area_map_view){ 0 };
	return -1;
}

int backend_extend_queue(const struct backend *b, int *ids, int max)
{
	(void)b;
	(void)ids;
	(void)max;
	return 0; /* the bitmap allocator sizes its maps at chunk creation */
}

int linux_backend_nr_blocks(const struct backend *b, int idx)
{
	view_refresh(b);
	return kglue_chunk_nr_blocks(b->view->chunks[idx].handle);
}

void linux_backend_md(const struct backend *b, int idx, int block,
		      struct kglue_md *out)
{
	view_refresh(b);
	kglue_chunk_md(b->view->chunks[idx].handle, block, out);
}

void linux_backend_maps(const struct backend *b, int idx,
			const unsigned long **alloc_map,
			const unsigned long **bound_map, int *map_bits)
{
	view_refresh(b);
	kglue_chunk_maps(b->view->chunks[idx].handle, alloc_map, bound_map,
			 map_bits);
}
