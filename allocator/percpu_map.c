// SPDX-License-Identifier: GPL-2.0-only
/*
 * The area map of one chunk: capacity management, fitting, allocation and
 * freeing of blocks (docs/allocator.md §4, §5, §6).
 *
 * map[i] holds the start offset of block i with bit 0 set when the block is
 * in use; map[map_used] is the sentry, the end offset with bit 0 set.
 */
#include <stdlib.h>
#include <string.h>

#include "percpu_internal.h"

/**
 * pcpu_need_to_extend - the capacity the chunk's map must grow to, if any
 *
 * Atomic requests need room for 3 more entries and queue the chunk for
 * asynchronous growth once fewer than PCPU_ATOMIC_MAP_MARGIN_LOW remain;
 * sleeping requests want PCPU_ATOMIC_MAP_MARGIN_HIGH spare entries.
 *
 * Return: the new capacity (16 doubled until it is enough), or 0.
 */
int pcpu_need_to_extend(struct backend *b, struct pcpu_chunk *chunk,
			bool is_atomic)
{
	int margin, new_alloc;

	if (is_atomic) {
		margin = 3;

		if (chunk->map_alloc <
		    chunk->map_used + PCPU_ATOMIC_MAP_MARGIN_LOW) {
			if (list_empty(&chunk->map_extend_list)) {
				list_add_tail(&chunk->map_extend_list,
					      &b->pcpu_map_extend_chunks);
				pcpu_schedule_balance_work(b);
			}
		}
	} else {
		margin = PCPU_ATOMIC_MAP_MARGIN_HIGH;
	}

	if (chunk->map_alloc >= chunk->map_used + margin)
		return 0;

	new_alloc = PCPU_DFL_MAP_ALLOC;
	while (new_alloc < chunk->map_used + margin)
		new_alloc *= 2;

	return new_alloc;
}

/**
 * pcpu_extend_area_map - give the chunk a map array of @new_alloc entries
 *
 * Only map_alloc changes.  If the map already grew meanwhile the new array
 * is discarded and the call still succeeds.  The allocation of the new
 * array is the `map` fault-injection point.
 *
 * Return: 0 on success, -1 (the kernel's -ENOMEM) on failure.
 */
int pcpu_extend_area_map(struct backend *b, struct pcpu_chunk *chunk,
			 int new_alloc)
{
	int *old = NULL, *new;

	new = pcpu_mem_zalloc((size_t)new_alloc * sizeof(new[0]),
			      pcpu_fault_fire(b, PCPU_FAULT_MAP));
	if (!new)
		return -1;

	/* the swap happens under pcpu_lock; both frees after releasing it */
	pcpu_lock(b);

	if (new_alloc <= chunk->map_alloc)
		goto out_unlock;

	old = chunk->map;
	memcpy(new, old, (size_t)chunk->map_alloc * sizeof(new[0]));
	chunk->map = new;
	chunk->map_alloc = new_alloc;
	new = NULL;

out_unlock:
	pcpu_unlock(b, "extend-done");
	free(old);
	free(new);
	return 0;
}

/* First unpopulated run [*rs, *re) at or after *rs, below end. */
static void pcpu_next_unpop(struct pcpu_chunk *chunk, int *rs, int *re,
			    int end)
{
	*rs = find_next_zero_bit(chunk->populated, end, *rs);
	*re = find_next_bit(chunk->populated, end, *rs + 1);
}

/**
 * pcpu_fit_in_area - where in one free block a request would start
 * @off: where the free block starts
 * @this_size: its length in bytes
 * @pop_only: the request is atomic: every page it touches must be populated
 *
 * Return: the head padding to skip from @off, or -1 if it does not fit.
 * With @pop_only the candidate start jumps past any unpopulated pages it
 * would touch, and the fit is tested again from there.
 */
static int pcpu_fit_in_area(struct backend *b, struct pcpu_chunk *chunk,
			    int off, int this_size, int size, int align,
			    bool pop_only)
{
	int cand_off = off;

	while (true) {
		int head = ALIGN_MASK(cand_off, align) - off;
		int page_start, page_end, rs, re;

		if (this_size < head + size)
			return -1;

		if (!pop_only)
			return head;

		page_start = PFN_DOWN(b, head + off);
		page_end = PFN_UP(b, head + off + size);

		rs = page_start;
		pcpu_next_unpop(chunk, &rs, &re, PFN_UP(b, off + this_size));
		if (rs >= page_end)
			return head;
		cand_off = re * (int)b->page_size;
	}
}

/**
 * pcpu_count_occupied_pages - count the pages block @i takes from (on
 * allocation) or gives back to (on free) the set of wholly free pages,
 * with its neighbours as the map currently records them.
 */
int pcpu_count_occupied_pages(struct backend *b, struct pcpu_chunk *chunk,
			      int i)
{
	int ps = (int)b->page_size;
	int off = chunk->map[i] & ~1;
	int end = chunk->map[i + 1] & ~1;

	if ((off & (ps - 1)) && i > 0) {
		int prev = chunk->map[i - 1];

		if (!(prev & 1) && prev <= (off & ~(ps - 1)))
			off = off & ~(ps - 1);
	}

	if ((end & (ps - 1)) && i + 1 < chunk->map_used) {
		int next = chunk->map[i + 1];
		int nend = chunk->map[i + 2] & ~1;

		if (!(next & 1) && nend >= ((end + ps - 1) & ~(ps - 1)))
			end = (end + ps - 1) & ~(ps - 1);
	}

	return max_int(PFN_DOWN(b, end) - PFN_UP(b, off), 0);
}

/**
 * pcpu_alloc_area - carve a block for @size bytes out of the chunk's map
 *
 * First fit from first_free.  Callers guarantee map_alloc >= map_used + 3:
 * a split adds up to two entries.  Updates first_free, contig_hint (exact
 * after a full scan, raised only after a partial one) and free_size, and
 * relocates the chunk whether or not the allocation succeeded.
 *
 * Return: the allocated offset, or -1 when no area fits.
 */
int pcpu_alloc_area(struct backend *b, struct pcpu_chunk *chunk, int size,
		    int align, bool pop_only, int *occ_pages_p)
{
	int oslot = pcpu_chunk_slot(b, chunk);
	int max_contig = 0;
	int i, off;
	bool seen_free = false;
	int *p;

	for (i = chunk->first_free, p = chunk->map + i; i < chunk->map_used;
	     i++, p++) {
		int head, tail;
		int this_size;

		off = *p;
		if (off & 1)
			continue;

		this_size = (p[1] & ~1) - off;

		head = pcpu_fit_in_area(b, chunk, off, this_size, size, align,
					pop_only);
		if (head < 0) {
			if (!seen_free) {
				chunk->first_free = i;
				seen_free = true;
			}
			max_contig = max_int(this_size, max_contig);
			continue;
		}

		/*
		 * The head is not given an entry of its own when it is
		 * shorter than an int or when the block before it is free:
		 * the candidate's start moves up instead, so the head joins
		 * the previous block (free bytes lost to an in-use block, or
		 * a longer free block).  Deviation: at i == 0 the kernel would
		 * read map[-1] (docs/allocator.md §14.2, unreachable with prefix
		 * population); the port treats that entry as in use.
		 */
		if (head && (head < (int)sizeof(int) ||
			     (i > 0 && !(p[-1] & 1)))) {
			*p = off += head;
			if (i == 0 || (p[-1] & 1))
				chunk->free_size -= head;
			else
				max_contig = max_int(*p - p[-1], max_contig);
			this_size -= head;
			head = 0;
		}

		/* a tail shorter than an int is not worth an entry: the
		 * allocation takes it */
		tail = this_size - head - size;
		if (tail < (int)sizeof(int)) {
			tail = 0;
			size = this_size - head;
		}

		/* a head or tail left over needs one more entry each */
		if (head || tail) {
			int nr_extra = !!head + !!tail;

			/* shift the entries after i, sentry included, up by
			 * nr_extra to make room */
			memmove(p + nr_extra + 1, p + 1,
				sizeof(chunk->map[0]) *
					(size_t)(chunk->map_used - i));
			chunk->map_used += nr_extra;

			if (head) {
				if (!seen_free) {
					chunk->first_free = i;
					seen_free = true;
				}
				*++p = off += head;
				++i;
				max_contig = max_int(head, max_contig);
			}
			if (tail) {
				p[1] = off + size;
				max_contig = max_int(tail, max_contig);
			}
		}

		if (!seen_free)
			chunk->first_free = i + 1;

		/* contig_hint is exact only when the scan saw every free
		 * block, i.e. the chosen block was the last one */
		if (i + 1 == chunk->map_used)
			chunk->contig_hint = max_contig;
		else
			chunk->contig_hint =
				max_int(chunk->contig_hint, max_contig);

		chunk->free_size -= size;
		*p |= 1;

		*occ_pages_p = pcpu_count_occupied_pages(b, chunk, i);
		pcpu_chunk_relocate(b, chunk, oslot);
		return off;
	}

	/* the whole map was scanned and nothing fits: the hint is now
	 * exact, so the caller will skip this chunk for this size */
	chunk->contig_hint = max_contig;
	pcpu_chunk_relocate(b, chunk, oslot);
	return -1;
}

/**
 * pcpu_free_area - mark the block at @freeme free and merge it
 * @freeme: the offset pcpu_alloc_area returned for the block
 *
 * Binary search for the in-use block starting at @freeme, then merge with
 * free neighbours.  contig_hint only ever grows here.
 *
 * Return: false where the kernel would BUG() (no such in-use block).
 */
bool pcpu_free_area(struct backend *b, struct pcpu_chunk *chunk, int freeme,
		    int *occ_pages_p)
{
	int oslot = pcpu_chunk_slot(b, chunk);
	int off = 0;
	unsigned int i, j;
	int to_free = 0;
	int *p;

	freeme |= 1; /* the entry of an in-use block starting at freeme */

	i = 0;
	j = (unsigned int)chunk->map_used;
	while (i != j) {
		unsigned int k = (i + j) / 2;

		off = chunk->map[k];
		if (off < freeme)
			i = k + 1;
		else if (off > freeme)
			j = k;
		else
			i = j = k;
	}
	if (off != freeme)
		return false; /* deviation: the kernel BUG()s here */

	if ((int)i < chunk->first_free)
		chunk->first_free = (int)i;

	p = chunk->map + i;
	*p = off &= ~1;
	chunk->free_size += (p[1] & ~1) - off;

	*occ_pages_p = pcpu_count_occupied_pages(b, chunk, (int)i);

	/* a free successor's entry goes away */
	if (!(p[1] & 1))
		to_free++;
	/* so does this entry when the predecessor is free */
	if (i > 0 && !(p[-1] & 1)) {
		to_free++;
		i--;
		p--;
	}
	if (to_free) {
		chunk->map_used -= to_free;
		memmove(p + 1, p + 1 + to_free,
			(size_t)(chunk->map_used - (int)i) *
				sizeof(chunk->map[0]));
	}

	chunk->contig_hint = max_int(chunk->map[i + 1] - chunk->map[i] - 1,
				     chunk->contig_hint);
	pcpu_chunk_relocate(b, chunk, oslot);
	return true;
}
