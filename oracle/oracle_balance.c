/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The balance work (docs/allocator.md §9): reap spare free chunks, service the
 * map-extension queue, populate pages for atomic requests.  It runs only when
 * the caller asks, always runs every phase, and clears the pending flag.
 */
#include <stdlib.h>

#include "oracle_internal.h"

/*
 * Phase 1: every chunk on the free slot but its head goes to a private
 * list, each inserted at that list's head (so reverse slot order), and is
 * then depopulated and destroyed in private-list order.  Only the final
 * state is visible here, but the order is kept as the kernel's.
 */
static void reap_free_chunks(struct oracle *o)
{
	struct oracle_idlist *free_slot = &o->slots[o->nr_slots - 1];
	struct oracle_idlist doomed = { 0 };
	int i;

	for (i = 1; i < free_slot->nr; i++)
		oracle_idlist_push_head(&doomed, free_slot->ids[i]);
	/* off every list before the lock is released */
	for (i = 0; i < doomed.nr; i++) {
		struct oracle_chunk *c = oracle_find(o, doomed.ids[i]);

		oracle_idlist_remove(free_slot, c->id);
		if (c->on_extend_list)
			oracle_idlist_remove(&o->extend_queue, c->id);
		c->on_extend_list = false;
		c->slot = -1;
		oracle_chunk_changed(c);
	}
	oracle_point(o, "balance-reclaim");
	for (i = 0; i < doomed.nr; i++) {
		struct oracle_chunk *c = oracle_find(o, doomed.ids[i]);
		int rs = 0, re;

		/* populated runs go one by one, each a lock hold */
		while (rs < o->unit_pages) {
			while (rs < o->unit_pages && !c->populated[rs])
				rs++;
			if (rs >= o->unit_pages)
				break;
			for (re = rs; re < o->unit_pages && c->populated[re];
			     re++)
				;
			oracle_depopulate(o, c, rs, re);
			oracle_point(o, "balance-depopulated");
			rs = re;
		}
		oracle_destroy_chunk(o, c);
	}
	free(doomed.ids);
}

/*
 * Phase 2: FIFO; each chunk leaves the queue and is grown to the
 * non-atomic margin if it still needs it.  A failed growth is ignored.
 */
static void service_extend_queue(struct oracle *o)
{
	struct oracle_chunk *c;

	/* the last look finds the queue empty, and releases the lock too */
	do {
		int n = 0;

		c = NULL;
		if (o->extend_queue.nr > 0) {
			c = oracle_find(o, o->extend_queue.ids[0]);
			oracle_idlist_remove(&o->extend_queue, c->id);
			c->on_extend_list = false;
			oracle_chunk_changed(c);
			n = oracle_need_to_extend(o, c, false);
		}
		oracle_point(o, "balance-extend");
		if (n)
			oracle_extend_map(o, c, n);
	} while (c);
}

/* The first chunk on a slot list with an unpopulated page, or NULL. */
static struct oracle_chunk *first_unpopulated(struct oracle *o, int slot)
{
	struct oracle_idlist *l = &o->slots[slot];
	int i;

	for (i = 0; i < l->nr; i++) {
		struct oracle_chunk *c = oracle_find(o, l->ids[i]);

		if (c->nr_populated < o->unit_pages)
			return c;
	}
	return NULL;
}

/*
 * Populate up to nr_to_pop pages of one chunk, run by run from page 0.
 * Returns what is left to populate (0 after a failed populate call).
 */
static int populate_chunk(struct oracle *o, struct oracle_chunk *c,
			  int nr_to_pop)
{
	int rs = 0, re;

	while (nr_to_pop > 0) {
		int nr;

		rs = oracle_next_unpop(c, rs, o->unit_pages, &re);
		if (rs >= o->unit_pages)
			break;
		nr = re - rs < nr_to_pop ? re - rs : nr_to_pop;
		if (!oracle_populate(o, c, rs, rs + nr))
			return 0;
		nr_to_pop -= nr;
		oracle_point(o, "balance-populated");
		rs = re;
	}
	return nr_to_pop;
}

/*
 * Phase 3: after an atomic failure populate 4 pages, else top the empty
 * count up to 4; only the first chunk with unpopulated pages per slot from
 * pcpu_size_to_slot(PS) up; create a chunk and retry if pages are still
 * wanted.
 */
static void populate_for_atomic(struct oracle *o)
{
	int nr_to_pop, slot;
	struct oracle_chunk *c;

retry:
	if (o->atomic_failed) {
		nr_to_pop = ORACLE_EMPTY_POP_HIGH;
		o->atomic_failed = false;
	} else {
		nr_to_pop = ORACLE_EMPTY_POP_HIGH - oracle_kernel_empty_pop(o);
		if (nr_to_pop < 0)
			nr_to_pop = 0;
	}

	for (slot = oracle_size_to_slot(o, o->page);
	     slot < o->nr_slots && nr_to_pop > 0; slot++) {
		c = first_unpopulated(o, slot);
		oracle_point(o, "balance-populate");
		if (c)
			nr_to_pop = populate_chunk(o, c, nr_to_pop);
	}

	if (nr_to_pop > 0) {
		c = oracle_create_chunk(o);
		if (c) {
			oracle_relocate(o, c, -1);
			oracle_point(o, "balance-create");
			goto retry;
		}
	}
}

void oracle_balance(struct oracle *o)
{
	o->mutex_held = true;
	o->balance_pending = false;
	reap_free_chunks(o);
	service_extend_queue(o);
	populate_for_atomic(o);
	o->mutex_held = false;
}
