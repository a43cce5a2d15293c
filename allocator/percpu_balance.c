// SPDX-License-Identifier: GPL-2.0-only
/*
 * The balance work (pcpu_balance_workfn, docs/allocator.md §9): reap spare free
 * chunks, service deferred map extensions, keep pages populated for atomic
 * allocations.  Deviation: it runs when the trace says `balance`, not from
 * a work queue; running it clears the pending flag.
 */
#include "percpu_internal.h"

/* Phase 1: keep the head of the last slot's list, destroy the rest of it. */
static void pcpu_balance_reap(struct backend *b)
{
	struct list_head to_free;
	struct list_head *free_head = &b->pcpu_slot[b->pcpu_nr_slots - 1];
	struct list_head *pos, *next;

	INIT_LIST_HEAD(&to_free);

	pcpu_lock(b);

	for (pos = free_head->next, next = pos->next; pos != free_head;
	     pos = next, next = pos->next) {
		struct pcpu_chunk *chunk =
			list_entry(pos, struct pcpu_chunk, list);

		/* deviation: WARN_ON(immutable) becomes a counter */
		if (chunk->immutable)
			b->counters.warn_immutable++;

		/* the list head survives */
		if (pos == free_head->next)
			continue;

		list_del_init(&chunk->map_extend_list);
		list_move(&chunk->list, &to_free);
	}

	pcpu_unlock(b, "balance-reclaim");

	for (pos = to_free.next, next = pos->next; pos != &to_free;
	     pos = next, next = pos->next) {
		struct pcpu_chunk *chunk =
			list_entry(pos, struct pcpu_chunk, list);
		int rs = 0, re;

		while (true) {
			rs = find_next_bit(chunk->populated,
					   b->pcpu_unit_pages, rs);
			if (rs >= b->pcpu_unit_pages)
				break;
			re = find_next_zero_bit(chunk->populated,
						b->pcpu_unit_pages, rs + 1);
			pcpu_depopulate_chunk(b, chunk, rs, re);
			pcpu_lock(b);
			pcpu_chunk_depopulated(b, chunk, rs, re);
			pcpu_unlock(b, "balance-depopulated");
			rs = re;
		}
		pcpu_destroy_chunk(b, chunk);
	}
}

/* Phase 2: grow the maps of chunks queued by atomic requests, FIFO. */
static void pcpu_balance_extend(struct backend *b)
{
	struct pcpu_chunk *chunk;

	/* each look at the queue is one hold of the lock, the last one
	 * finding it empty */
	do {
		int new_alloc = 0;

		pcpu_lock(b);
		chunk = NULL;
		if (!list_empty(&b->pcpu_map_extend_chunks)) {
			chunk = list_entry(b->pcpu_map_extend_chunks.next,
					   struct pcpu_chunk, map_extend_list);
			list_del_init(&chunk->map_extend_list);
			new_alloc = pcpu_need_to_extend(b, chunk, false);
		}
		pcpu_unlock(b, "balance-extend");

		/* failures are ignored: the next atomic request retries */
		if (new_alloc && !pcpu_extend_area_map(b, chunk, new_alloc))
			b->counters.map_ext_async++;
	} while (chunk);
}

/*
 * Phase 3: make sure there are PCPU_EMPTY_POP_PAGES_HIGH empty populated
 * pages (or populate that many after an atomic failure), taking the first
 * chunk with unpopulated pages of each slot from pcpu_size_to_slot(PAGE_SIZE)
 * up, and creating a chunk when none is left.
 */
static void pcpu_balance_populate(struct backend *b)
{
	struct pcpu_chunk *chunk;
	int slot, nr_to_pop;

retry_pop:
	if (b->pcpu_atomic_alloc_failed) {
		nr_to_pop = PCPU_EMPTY_POP_PAGES_HIGH;
		b->pcpu_atomic_alloc_failed = false;
	} else {
		nr_to_pop = PCPU_EMPTY_POP_PAGES_HIGH -
			    b->pcpu_nr_empty_pop_pages;
		nr_to_pop = max_int(0, min_int(nr_to_pop,
					       PCPU_EMPTY_POP_PAGES_HIGH));
	}

	for (slot = pcpu_size_to_slot(b, (int)b->page_size);
	     slot < b->pcpu_nr_slots; slot++) {
		struct list_head *head = &b->pcpu_slot[slot];
		struct list_head *pos;
		int nr_unpop = 0, rs, re;

		if (!nr_to_pop)
			break;

		pcpu_lock(b);
		chunk = NULL;
		for (pos = head->next; pos != head; pos = pos->next) {
			chunk = list_entry(pos, struct pcpu_chunk, list);
			nr_unpop = b->pcpu_unit_pages - chunk->nr_populated;
			if (nr_unpop)
				break;
		}
		pcpu_unlock(b, "balance-populate");

		if (!nr_unpop)
			continue;

		rs = 0;
		while (true) {
			int nr;

			rs = find_next_zero_bit(chunk->populated,
						b->pcpu_unit_pages, rs);
			if (rs >= b->pcpu_unit_pages)
				break;
			re = find_next_bit(chunk->populated,
					   b->pcpu_unit_pages, rs + 1);
			nr = min_int(re - rs, nr_to_pop);

			if (!pcpu_populate_chunk(b, chunk, rs, rs + nr)) {
				nr_to_pop -= nr;
				pcpu_lock(b);
				pcpu_chunk_populated(b, chunk, rs, rs + nr);
				pcpu_unlock(b, "balance-populated");
			} else {
				nr_to_pop = 0;
			}

			if (!nr_to_pop)
				break;
			rs = re;
		}
	}

	if (nr_to_pop) {
		/* pages still owed and no chunk has unpopulated pages:
		 * add a chunk and start the count again */
		chunk = pcpu_create_chunk(b);
		if (chunk) {
			pcpu_lock(b);
			pcpu_chunk_relocate(b, chunk, -1);
			pcpu_unlock(b, "balance-create");
			goto retry_pop;
		}
	}
}

void pcpu_balance_workfn(struct backend *b)
{
	pcpu_mutex_lock(b);
	b->balance_pending = false;
	pcpu_balance_reap(b);
	pcpu_balance_extend(b);
	pcpu_balance_populate(b);
	pcpu_mutex_unlock(b);
}
