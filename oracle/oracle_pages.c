/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Populated pages as a plain bool array per chunk, and the global
 * empty-populated-page count, computed from docs/allocator.md §5.4's
 * exact invariant page by page (a populated page wholly inside one free
 * block) instead of being kept incrementally as the kernel does, so that
 * it cross-checks the port's bookkeeping.  Only the pages that meet bytes
 * whose blocks or population changed since the last count are asked
 * again (oracle_bytes_changed): a page's answer depends on nothing else,
 * and asking every page of every changed chunk made the count grow with
 * the chunk's fragmentation.  The harness recounts the port's maps from
 * scratch at every sweep and compares the three.
 */
#include "oracle_internal.h"

/*
 * The first unpopulated page in [from, end) (end if none); *re gets the
 * end of that unpopulated run, clipped to end (pcpu_next_unpop).
 */
int oracle_next_unpop(const struct oracle_chunk *c, int from, int end,
		      int *re)
{
	int rs = from, p;

	while (rs < end && c->populated[rs])
		rs++;
	p = rs;
	while (p < end && !c->populated[p])
		p++;
	*re = p;
	return rs;
}

/*
 * One populate call of pages [rs, re): the vm backend is all-or-nothing,
 * and an armed "page" failure fails the whole call (§10.2); so does a
 * "vmap" failure, attempted only once the pages were allocated.
 */
bool oracle_populate(struct oracle *o, struct oracle_chunk *c, int rs, int re)
{
	int p;

	if (oracle_take_fault(o, PCPU_FAULT_PAGE) ||
	    oracle_take_fault(o, PCPU_FAULT_VMAP))
		return false;
	for (p = rs; p < re; p++) {
		if (!c->populated[p]) {
			c->populated[p] = true;
			c->nr_populated++;
			oracle_bytes_changed(c, p * o->page, (p + 1) * o->page);
		}
	}
	return true;
}

/*
 * §5.4 / §13.1 (11): whether page p counts, a populated page lying wholly
 * inside one free block.  b is the first block ending after the page's
 * first byte (nr_blocks if none: pages of the first chunk beyond its map
 * end lie in no block, so they never count); zero-length blocks end
 * before it and are passed over.
 */
static bool page_counts(const struct oracle *o, const struct oracle_chunk *c,
			int b, int p)
{
	long at = (long)p * o->page;
	const struct oracle_block *blk;

	if (b >= c->nr_blocks || !c->populated[p])
		return false;
	blk = &c->blocks[b];
	return !blk->in_use && blk->start <= at &&
	       at + o->page <= blk->start + blk->len;
}

/* The first block ending after byte at (nr_blocks if none). */
static int block_after(const struct oracle_chunk *c, long at)
{
	int lo = 0, hi = c->nr_blocks;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (c->blocks[mid].start + c->blocks[mid].len <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Ask again every page that meets the chunk's changed bytes, and move its
 * count by the answers that changed.  The reserved chunk never counts.
 */
static void recount_changed(const struct oracle *o, struct oracle_chunk *c)
{
	int p = (int)oracle_pfn_down(o, c->dirty_start);
	int end = (int)oracle_pfn_up(o, c->dirty_end), b;

	if (p < 0)
		p = 0;
	if (end > o->unit_pages)
		end = o->unit_pages;
	if (c->id == PCPU_CHUNK_RESERVED || p >= end)
		return;
	b = block_after(c, (long)p * o->page);
	for (; p < end; p++) {
		long at = (long)p * o->page;
		bool counts;

		while (b < c->nr_blocks &&
		       c->blocks[b].start + c->blocks[b].len <= at)
			b++;
		counts = page_counts(o, c, b, p);
		c->empty_pop += (int)counts - (int)c->counted[p];
		c->counted[p] = counts;
	}
}

/*
 * The sum over every chunk but the reserved one.  A chunk's pages are
 * asked again wherever the chunk changed since it was last counted (every
 * such change puts it on o->to_recount), and the sum moves by the
 * difference; so reading the sum costs what the changed pages cost, not
 * what every chunk does.  A destroyed chunk takes its last count out of
 * the sum (oracle_forget_empty_pop).
 */
int oracle_count_empty_pop_pages(struct oracle *o)
{
	while (o->to_recount) {
		struct oracle_chunk *c = o->to_recount;
		int was = c->empty_pop;

		recount_changed(o, c);
		o->to_recount = c->next_to_recount;
		c->next_to_recount = NULL;
		c->stale = false;
		o->empty_pop_sum += c->empty_pop - was;
	}
	return o->empty_pop_sum;
}

int oracle_chunk_empty_pop(struct oracle *o, struct oracle_chunk *c)
{
	if (c->stale)
		oracle_count_empty_pop_pages(o);
	return c->empty_pop;
}

void oracle_forget_empty_pop(struct oracle *o, struct oracle_chunk *c)
{
	struct oracle_chunk **p = &o->to_recount;

	while (*p && *p != c)
		p = &(*p)->next_to_recount;
	if (*p)
		*p = c->next_to_recount;
	o->empty_pop_sum -= c->empty_pop;
}

int oracle_kernel_empty_pop(struct oracle *o)
{
	return oracle_count_empty_pop_pages(o) + o->empty_pop_bias;
}

void oracle_depopulate(struct oracle *o, struct oracle_chunk *c, int rs,
		       int re)
{
	for (int p = rs; p < re; p++) {
		if (c->populated[p]) {
			c->populated[p] = false;
			c->nr_populated--;
			oracle_bytes_changed(c, p * o->page, (p + 1) * o->page);
		}
	}
}
