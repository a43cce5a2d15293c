/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Read-only views of the oracle's state, and fault arming.
 */
#include "oracle_internal.h"

int oracle_nr_chunks(const struct oracle *o)
{
	return o->nr_chunks;
}

const struct oracle_chunk *oracle_chunk_at(const struct oracle *o, int idx)
{
	if (idx < 0 || idx >= o->nr_chunks)
		return NULL;
	return o->chunks[idx];
}

const struct oracle_chunk *oracle_chunk_by_id(const struct oracle *o, int id)
{
	return oracle_find(o, id);
}

int oracle_nr_slots(const struct oracle *o)
{
	return o->nr_slots;
}

/* Stores at most max ids, head first; returns the list's full length. */
int oracle_slot_list(const struct oracle *o, int slot, int *ids, int max)
{
	if (slot < 0 || slot >= o->nr_slots)
		return 0;
	return oracle_idlist_copy(&o->slots[slot], ids, max);
}

/* Stores at most max ids, head first; returns the queue's full length. */
int oracle_extend_queue(const struct oracle *o, int *ids, int max)
{
	return oracle_idlist_copy(&o->extend_queue, ids, max);
}

int oracle_empty_pop_pages(struct oracle *o)
{
	return oracle_count_empty_pop_pages(o);
}

bool oracle_balance_pending(const struct oracle *o)
{
	return o->balance_pending;
}

bool oracle_atomic_alloc_failed(const struct oracle *o)
{
	return o->atomic_failed;
}

/*
 * Arming adds to what is already armed: consecutive "fail" lines stack.
 * The wait is not added up: the latest line's `after` replaces the rest
 * of an earlier one.
 */
void oracle_fail_after(struct oracle *o, enum pcpu_fault kind, unsigned count,
		       unsigned after)
{
	if ((unsigned)kind >= PCPU_NR_FAULTS)
		return;
	o->skip[kind] = after;
	if (o->armed[kind] > ~0u - count)
		o->armed[kind] = ~0u;
	else
		o->armed[kind] += count;
}

void oracle_fail(struct oracle *o, enum pcpu_fault kind, unsigned count)
{
	oracle_fail_after(o, kind, count, 0);
}
