/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One chunk as a plain array of (start, len, in_use) blocks tiling [0, end):
 * first fit with the pop-only retry (docs/allocator.md §5.1), block allocation
 * with the head/tail rules and the hint update (§5.2), and block free with
 * merging (§6).  "Map index i" of the doc is simply the block's position here,
 * and map_used is nr_blocks.
 */
#include <stdlib.h>
#include <string.h>

#include "oracle_internal.h"

static long max_long(long a, long b)
{
	return a > b ? a : b;
}

struct oracle_chunk *oracle_chunk_new(struct oracle *o, int id,
				      enum pcpu_chunk_kind kind, long end)
{
	struct oracle_chunk *c = oracle_xrealloc(NULL, 1, sizeof(*c));

	memset(c, 0, sizeof(*c));
	c->id = id;
	c->kind = kind;
	c->end = end;
	c->populated = oracle_xrealloc(NULL, (size_t)o->unit_pages,
				       sizeof(*c->populated));
	memset(c->populated, 0, (size_t)o->unit_pages * sizeof(bool));
	c->counted = oracle_xrealloc(NULL, (size_t)o->unit_pages,
				     sizeof(*c->counted));
	memset(c->counted, 0, (size_t)o->unit_pages * sizeof(bool));
	c->slot = -1;
	/* every page counted before the sum is next read */
	c->to_recount = &o->to_recount;
	oracle_bytes_changed(c, 0, o->unit);
	return c;
}

void oracle_chunk_free(struct oracle_chunk *c)
{
	if (!c)
		return;
	free(c->blocks);
	free(c->populated);
	free(c->counted);
	free(c);
}

void oracle_block_insert(struct oracle_chunk *c, int idx, long start,
			 long len, bool in_use)
{
	oracle_bytes_changed(c, start, start + len);
	if (c->nr_blocks == c->cap_blocks) {
		c->cap_blocks = c->cap_blocks ? 2 * c->cap_blocks : 8;
		c->blocks = oracle_xrealloc(c->blocks, (size_t)c->cap_blocks,
					    sizeof(*c->blocks));
	}
	memmove(c->blocks + idx + 1, c->blocks + idx,
		(size_t)(c->nr_blocks - idx) * sizeof(*c->blocks));
	c->blocks[idx].start = start;
	c->blocks[idx].len = len;
	c->blocks[idx].in_use = in_use;
	c->nr_blocks++;
}

/*
 * Drop block idx, whose bytes a neighbour has just taken over (a merge,
 * the only use): they stay as free as they were, so only the boundary at
 * its start moved, and only a page across it can count otherwise now.
 */
void oracle_block_remove(struct oracle_chunk *c, int idx)
{
	oracle_bytes_changed(c, c->blocks[idx].start, c->blocks[idx].start);
	oracle_array_drop(c->blocks, sizeof(*c->blocks), &c->nr_blocks, idx);
}

/*
 * §5.1 pcpu_fit_in_area: the head to skip from off, or -1.  In pop-only
 * (atomic) mode every page the candidate touches must be populated; if not,
 * retry from the first page after the unpopulated run.
 */
static long fit_in_area(const struct oracle *o, const struct oracle_chunk *c,
			long off, long this_size, long size, long align,
			bool pop_only)
{
	long cand = off;

	for (;;) {
		long head = oracle_align(cand, align) - off;
		int ps, pe, limit, rs, re;

		if (this_size < head + size)
			return -1;
		if (!pop_only)
			return head;

		ps = (int)oracle_pfn_down(o, off + head);
		pe = (int)oracle_pfn_up(o, off + head + size);
		limit = (int)oracle_pfn_up(o, off + this_size);
		rs = oracle_next_unpop(c, ps, limit, &re);
		if (rs >= pe)
			return head;
		cand = (long)re * o->page;
	}
}

/*
 * §5.2 pcpu_alloc_area.  The kernel scans from first_free; no free block
 * lies below first_free, so scanning every block from 0 and skipping the
 * in-use ones visits exactly the same free blocks, and max_contig (the
 * largest free block visited) comes out the same.  The kernel's "full scan"
 * test (i + 1 == map_used after the split) is "the allocation is now the
 * last block".  Returns the offset, or -1 with the hint made exact.
 */
long oracle_alloc_area(struct oracle *o, struct oracle_chunk *c, long size,
		       long align, bool pop_only)
{
	int oslot = oracle_chunk_slot(o, c);
	long max_contig = 0;
	int i;

	for (i = 0; i < c->nr_blocks; i++) {
		long off, this_size, head, tail;

		if (c->blocks[i].in_use)
			continue;
		off = c->blocks[i].start;
		this_size = c->blocks[i].len;
		head = fit_in_area(o, c, off, this_size, size, align, pop_only);
		if (head < 0) {
			/* the whole block counts, even in pop-only mode */
			max_contig = max_long(max_contig, this_size);
			continue;
		}
		/* everything below happens inside this block's bytes */
		oracle_bytes_changed(c, off, off + this_size);

		/*
		 * §5.2 step 3, head rule: a tiny head (or one next to a free
		 * block) is given to the previous block.  At block 0 the
		 * kernel would read map[-1] (§14.2); that needs a non-prefix
		 * populated bitmap, which this model never produces, and the
		 * "in use" outcome is the sane one, so block 0 never donates.
		 */
		if (head > 0 && i > 0 &&
		    (head < ORACLE_TINY || !c->blocks[i - 1].in_use)) {
			struct oracle_block *prev = &c->blocks[i - 1];

			prev->len += head;
			if (prev->in_use)
				c->free_size -= head;
			else
				max_contig = max_long(max_contig, prev->len);
			off += head;
			this_size -= head;
			head = 0;
			c->blocks[i].start = off;
			c->blocks[i].len = this_size;
		}

		/* §5.2 step 4, tail rule: swallow 0 or 2 spare bytes */
		tail = this_size - head - size;
		if (tail < ORACLE_TINY) {
			tail = 0;
			size = this_size - head;
		}

		/* §5.2 step 5: head and tail become free blocks */
		if (head > 0) {
			c->blocks[i].len = head;
			oracle_block_insert(c, i + 1, off + head,
					    this_size - head, false);
			i++;
			max_contig = max_long(max_contig, head);
		}
		c->blocks[i].start = off + head;
		c->blocks[i].len = size;
		c->blocks[i].in_use = true;
		if (tail > 0) {
			oracle_block_insert(c, i + 1, off + head + size, tail,
					    false);
			max_contig = max_long(max_contig, tail);
		}

		/* §5.2 step 7: full scan sets the hint, partial only raises */
		if (i + 1 == c->nr_blocks)
			c->contig_hint = (int)max_contig;
		else if (max_contig > c->contig_hint)
			c->contig_hint = (int)max_contig;

		c->free_size -= size;
		oracle_relocate(o, c, oslot);
		return off + head;
	}

	/* every free block was visited: the hint is exact now */
	if (c->contig_hint != (int)max_contig)
		oracle_chunk_changed(c);
	c->contig_hint = (int)max_contig;
	oracle_relocate(o, c, oslot);
	return -1;
}

/*
 * §6 pcpu_free_area.  The kernel binary-searches for (off | 1); with the
 * UP zero-length block 0 two blocks start at 0 and the search never picks
 * index 0, so take the last block starting at off.  Returns -1 (the
 * kernel's BUG) when that is not an in-use block, with nothing changed.
 */
int oracle_free_area(struct oracle *o, struct oracle_chunk *c, long off)
{
	int oslot = oracle_chunk_slot(o, c);
	int i, found = -1;

	/* starts ascend: the last block starting at or below off */
	for (int lo = 0, hi = c->nr_blocks; lo < hi;) {
		int mid = lo + (hi - lo) / 2;

		if (c->blocks[mid].start <= off) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	if (found < 0 || c->blocks[found].start != off ||
	    !c->blocks[found].in_use)
		return -1;
	i = found;

	/* the merges move no boundary but this block's own two */
	oracle_bytes_changed(c, c->blocks[i].start,
			     c->blocks[i].start + c->blocks[i].len);
	c->blocks[i].in_use = false;
	c->free_size += c->blocks[i].len;

	/* §6 step 6: merge with the next, then the previous free block */
	if (i + 1 < c->nr_blocks && !c->blocks[i + 1].in_use) {
		c->blocks[i].len += c->blocks[i + 1].len;
		oracle_block_remove(c, i + 1);
	}
	if (i > 0 && !c->blocks[i - 1].in_use) {
		c->blocks[i - 1].len += c->blocks[i].len;
		oracle_block_remove(c, i);
		i--;
	}

	/* §6 step 7: the hint never decreases on free */
	if (c->blocks[i].len > c->contig_hint)
		c->contig_hint = (int)c->blocks[i].len;
	oracle_relocate(o, c, oslot);
	return 0;
}
