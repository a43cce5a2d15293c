/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Slot functions, the slot lists and chunk relocation (docs/allocator.md §3),
 * kept as plain arrays of chunk ids in list order, head first.
 */
#include <string.h>

#include "oracle_internal.h"

static void idlist_reserve(struct oracle_idlist *l)
{
	if (l->nr < l->cap)
		return;
	l->cap = l->cap ? 2 * l->cap : 8;
	l->ids = oracle_xrealloc(l->ids, (size_t)l->cap, sizeof(*l->ids));
}

void oracle_idlist_push_head(struct oracle_idlist *l, int id)
{
	idlist_reserve(l);
	memmove(l->ids + 1, l->ids, (size_t)l->nr * sizeof(*l->ids));
	l->ids[0] = id;
	l->nr++;
}

void oracle_idlist_push_tail(struct oracle_idlist *l, int id)
{
	idlist_reserve(l);
	l->ids[l->nr++] = id;
}

bool oracle_idlist_remove(struct oracle_idlist *l, int id)
{
	int i;

	for (i = 0; i < l->nr; i++)
		if (l->ids[i] == id) {
			oracle_array_drop(l->ids, sizeof(*l->ids), &l->nr, i);
			return true;
		}
	return false;
}

/* Stores at most max ids; returns the full length of the list. */
int oracle_idlist_copy(const struct oracle_idlist *l, int *ids, int max)
{
	int i;

	for (i = 0; i < l->nr && i < max; i++)
		ids[i] = l->ids[i];
	return l->nr;
}

/* __pcpu_size_to_slot: max(fls(size) - 3, 1) (§3.1). */
int oracle_raw_size_to_slot(long size)
{
	int fls = 0;
	unsigned long s = (unsigned long)size;

	while (s) {
		fls++;
		s >>= 1;
	}
	return fls - 3 < 1 ? 1 : fls - 3;
}

/* pcpu_size_to_slot: exactly unit_size means the free slot (§3.1). */
int oracle_size_to_slot(const struct oracle *o, long size)
{
	if (size == o->unit)
		return o->nr_slots - 1;
	return oracle_raw_size_to_slot(size);
}

/*
 * pcpu_chunk_slot: keyed by total free bytes; the hint only matters through
 * the "< sizeof(int)" test that sends a chunk to slot 0 (§3.1).
 */
int oracle_chunk_slot(const struct oracle *o, const struct oracle_chunk *c)
{
	if (c->free_size < ORACLE_TINY || c->contig_hint < ORACLE_TINY)
		return 0;
	return oracle_size_to_slot(o, c->free_size);
}

/*
 * §3.2: the reserved chunk never moves; an unchanged slot keeps the chunk's
 * position; emptier (or new, oslot -1) goes to the head, fuller to the tail.
 */
void oracle_relocate(struct oracle *o, struct oracle_chunk *c, int oslot)
{
	int nslot = oracle_chunk_slot(o, c);

	if (c->id == PCPU_CHUNK_RESERVED || oslot == nslot)
		return;
	oracle_chunk_changed(c);
	if (c->slot >= 0)
		oracle_idlist_remove(&o->slots[c->slot], c->id);
	if (oslot < nslot)
		oracle_idlist_push_head(&o->slots[nslot], c->id);
	else
		oracle_idlist_push_tail(&o->slots[nslot], c->id);
	c->slot = nslot;
}
