/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Instance lifetime, first-chunk setup (docs/allocator.md §11.4) and the chunk
 * registry: creation (§10.1) and destruction of chunks, kept in ascending id
 * order.
 */
#include <stdlib.h>
#include <string.h>

#include "oracle_internal.h"

static void registry_append(struct oracle *o, struct oracle_chunk *c)
{
	if (o->nr_chunks == o->cap_chunks) {
		o->cap_chunks = o->cap_chunks ? 2 * o->cap_chunks : 8;
		o->chunks = oracle_xrealloc(o->chunks, (size_t)o->cap_chunks,
					    sizeof(*o->chunks));
	}
	o->chunks[o->nr_chunks++] = c;
}

/*
 * By binary search: the registry is in ascending id order (chunks are
 * appended as numbered and removed in place), and the slot walk looks up
 * every chunk it passes on every allocation.
 */
struct oracle_chunk *oracle_find(const struct oracle *o, int id)
{
	int lo = 0, hi = o->nr_chunks;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (o->chunks[mid]->id == id)
			return o->chunks[mid];
		if (o->chunks[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * A boot chunk (§2.2, §11.4): [0, busy) is one in-use block (the static
 * area, plus the reserved area for the dynamic first chunk), then one free
 * block of free bytes; capacity 128, immutable, every unit page populated
 * (including pages beyond the map end).
 */
static struct oracle_chunk *boot_chunk(struct oracle *o, int id,
				       enum pcpu_chunk_kind kind, long busy,
				       long free)
{
	struct oracle_chunk *c = oracle_chunk_new(o, id, kind, busy + free);
	int p;

	oracle_block_insert(c, 0, 0, busy, true);
	if (free > 0)
		oracle_block_insert(c, 1, busy, free, false);
	c->free_size = free;
	c->contig_hint = (int)free;
	c->map_alloc = ORACLE_BOOT_MAP_ALLOC;
	for (p = 0; p < o->unit_pages; p++)
		c->populated[p] = true;
	c->nr_populated = o->unit_pages;
	registry_append(o, c);
	return c;
}

struct oracle *oracle_create(const struct pcpu_geometry *g, unsigned fixes)
{
	struct oracle *o = oracle_xrealloc(NULL, 1, sizeof(*o));
	long st = (long)g->static_size, rsv = (long)g->reserved_size;
	struct oracle_chunk *first;

	memset(o, 0, sizeof(*o));
	o->fixes = fixes;
	o->page = (long)g->page_size;
	o->page_shift = __builtin_ctzl(g->page_size);
	o->unit_pages = (int)(g->unit_size / g->page_size);
	o->unit = (long)o->unit_pages * o->page;
	/* PCPU_MIN_UNIT_SIZE = PFN_ALIGN(32 KiB), also the largest request */
	o->max_alloc = oracle_align(32768, o->page);
	o->nr_slots = oracle_raw_size_to_slot(o->unit) + 2;
	o->slots = oracle_xrealloc(NULL, (size_t)o->nr_slots,
				   sizeof(*o->slots));
	memset(o->slots, 0, (size_t)o->nr_slots * sizeof(*o->slots));
	o->next_id = 1;

	if (rsv > 0) {
		/* §11.4 steps 4-5: schunk serves the reserved area only */
		boot_chunk(o, PCPU_CHUNK_RESERVED, PCPU_KIND_RESERVED, st, rsv);
		first = boot_chunk(o, PCPU_CHUNK_FIRST, PCPU_KIND_FIRST,
				   st + rsv, (long)g->dyn_size);
	} else {
		first = boot_chunk(o, PCPU_CHUNK_FIRST, PCPU_KIND_FIRST, st,
				   (long)g->dyn_size);
	}
	/* §11.4 step 6: the first chunk goes to the head of its slot */
	oracle_relocate(o, first, -1);
	return o;
}

void oracle_destroy(struct oracle *o)
{
	int i;

	if (!o)
		return;
	for (i = 0; i < o->nr_chunks; i++)
		oracle_chunk_free(o->chunks[i]);
	free(o->chunks);
	for (i = 0; i < o->nr_slots; i++)
		free(o->slots[i].ids);
	free(o->slots);
	free(o->extend_queue.ids);
	free(o);
}

/*
 * §10.1: a new chunk is one free block [0, unit_size), capacity 16, nothing
 * populated; not yet on any list (the caller relocates it with -1).  An
 * armed "chunk" failure makes the attempt fail; a failed attempt does not
 * use up an id, since ids number the chunks actually created.
 */
struct oracle_chunk *oracle_create_chunk(struct oracle *o)
{
	struct oracle_chunk *c;

	if (oracle_take_fault(o, PCPU_FAULT_CHUNK))
		return NULL;
	c = oracle_chunk_new(o, o->next_id++, PCPU_KIND_CREATED, o->unit);
	oracle_block_insert(c, 0, 0, o->unit, false);
	c->free_size = o->unit;
	c->contig_hint = (int)o->unit;
	c->map_alloc = ORACLE_DFL_MAP_ALLOC;
	registry_append(o, c);
	return c;
}

/*
 * Destruction (§9 phase 1): off its slot list and the extension queue,
 * then gone.  Its pages leave the empty-page count with it, which the
 * from-scratch count reflects without any explicit depopulation step.
 */
void oracle_destroy_chunk(struct oracle *o, struct oracle_chunk *c)
{
	int i;

	if (c->slot >= 0)
		oracle_idlist_remove(&o->slots[c->slot], c->id);
	if (c->on_extend_list)
		oracle_idlist_remove(&o->extend_queue, c->id);
	for (i = 0; i < o->nr_chunks; i++)
		if (o->chunks[i] == c) {
			oracle_array_drop(o->chunks, sizeof(*o->chunks),
					  &o->nr_chunks, i);
			break;
		}
	oracle_forget_empty_pop(o, c);
	oracle_chunk_free(c);
}
