/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Populated pages as a plain bool array per chunk, and the global
 * empty-populated-page count, recomputed from scratch from docs/allocator.md §5.4's exact
 * invariant (per chunk, for the chunks that changed since their last
 * count) instead of being kept incrementally as the kernel does, so that
 * it cross-checks the port's bookkeeping.
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
			oracle_chunk_changed(c);
		}
	}
	return true;
}

/*
 * §5.4 / §13.1 (11): populated pages lying wholly inside one free block
 * of one chunk.  Pages of the first chunk beyond its map end lie in no
 * block, so they never count.
 */
static int chunk_empty_pop_pages(const struct oracle *o,
				 const struct oracle_chunk *c)
{
	int n = 0, b;

	for (b = 0; b < c->nr_blocks; b++) {
		const struct oracle_block *blk = &c->blocks[b];
		long p, first, last;

		if (blk->in_use)
			continue;
		first = oracle_pfn_up(o, blk->start);
		last = oracle_pfn_down(o, blk->start + blk->len);
		for (p = first; p < last; p++)
			n += c->populated[p];
	}
	return n;
}

/*
 * The sum over every chunk but the reserved one.  A chunk's count is
 * recomputed from scratch whenever the chunk changed since it was last
 * counted (every change puts it on o->to_recount), and the sum moves by
 * the difference; so reading the sum costs what the changed chunks cost,
 * not what every chunk does, and no count is maintained step by step.
 * A destroyed chunk takes its last count out of the sum
 * (oracle_forget_empty_pop).
 */
int oracle_count_empty_pop_pages(struct oracle *o)
{
	while (o->to_recount) {
		struct oracle_chunk *c = o->to_recount;
		int n = c->id == PCPU_CHUNK_RESERVED ?
				0 :
				chunk_empty_pop_pages(o, c);

		o->to_recount = c->next_to_recount;
		c->next_to_recount = NULL;
		c->stale = false;
		o->empty_pop_sum += n - c->empty_pop;
		c->empty_pop = n;
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

void oracle_depopulate(struct oracle_chunk *c, int rs, int re)
{
	for (int p = rs; p < re; p++) {
		if (c->populated[p]) {
			c->populated[p] = false;
			c->nr_populated--;
			oracle_chunk_changed(c);
		}
	}
}
