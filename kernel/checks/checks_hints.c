// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bitmap-era hint checks: every pcpu_block_md (each block's, and the
 * chunk's chunk_md) against the truth recomputed from alloc_map (struct
 * kglue_md).  Grades follow what the kernel relies on:
 *
 * - The contig and scan hints feed the empty-page accounting:
 *   pcpu_block_update_hint_alloc() counts a block as an empty page going
 *   away when its contig_hint equals the block size, and
 *   pcpu_block_update_hint_free() takes the extent of a freed area from the
 *   block's contig_hint without scanning.  A hint over used bits or above
 *   the largest free run would corrupt nr_empty_pop_pages, so
 *   hint_used_bits and hint_too_large are graded accounting (fatal by
 *   default; never seen violated, docs/linux.md §3.3).
 * - first_free is only where pcpu_next_hint() and the block refreshes
 *   start looking.  Stale low (first_free, below the first clear bit) it
 *   costs a longer scan and changes no decision: graded benign.  Stale
 *   high (first_free_high) a scan would start past free bits: graded
 *   hint, like the others below.
 * - Everything else is efficiency: pcpu_alloc_area() rescans alloc_map from
 *   the offset the hints propose (pcpu_find_zero_area), so a hint that is
 *   too small, a stale first_free, left_free or right_free can make the
 *   allocator skip free space (or create a chunk) but never hand out used
 *   bits.  contig_hint_low, scan_hint, left_free and right_free are graded
 *   hint.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "checks.h"

void checks_add(struct checks_sink *s, const char *check, enum pcpu_grade grade,
		int chunk_id, const char *fmt, ...)
{
	struct pcpu_finding *f = NULL;
	va_list ap;

	if (s->n < s->max) {
		f = &s->out[s->n];
	} else {
		/* full: a more severe finding displaces a less severe one */
		for (int i = 0; i < s->max; i++)
			if (s->out[i].grade > grade)
				f = &s->out[i];
	}
	if (f) {

		f->check = check;
		f->grade = grade;
		f->chunk_id = chunk_id;
		va_start(ap, fmt);
		vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
		va_end(ap);
	}
	s->n++;
}

static bool bit_set(const unsigned long *map, int bit)
{
	return (map[bit / 64] >> (bit % 64)) & 1;
}

/* [from, from + n) of map all clear */
static bool run_clear(const unsigned long *map, int from, int n)
{
	int i = from, end = from + n;

	for (; i < end && i % 64; i++)
		if (bit_set(map, i))
			return false;
	for (; i + 64 <= end; i += 64)
		if (map[i / 64])
			return false;
	for (; i < end; i++)
		if (bit_set(map, i))
			return false;
	return true;
}

/* the first set bit of map in [i, end), or end */
static int next_set(const unsigned long *map, int i, int end)
{
	while (i < end) {
		unsigned long w = map[i / 64] >> (i % 64);

		if (w) {
			i += __builtin_ctzl(w);
			return i < end ? i : end;
		}
		i = (i / 64 + 1) * 64;
	}
	return end;
}

/* the last set bit of map in [lo, i), or lo - 1 */
static int prev_set(const unsigned long *map, int i, int lo)
{
	while (i > lo) {
		int w_at = (i - 1) / 64, top = (i - 1) % 64;
		unsigned long w = map[w_at];

		if (top < 63)
			w &= (1UL << (top + 1)) - 1;
		if (w) {
			i = w_at * 64 + 63 - __builtin_clzl(w);
			return i >= lo ? i : lo - 1;
		}
		i = w_at * 64;
	}
	return lo - 1;
}

/* the first clear bit of map in [i, end), or end */
static int next_clear(const unsigned long *map, int i, int end)
{
	while (i < end) {
		unsigned long w = ~map[i / 64] >> (i % 64);

		if (w) {
			i += __builtin_ctzl(w);
			return i < end ? i : end;
		}
		i = (i / 64 + 1) * 64;
	}
	return end;
}

/* the md a finding is about, for its detail (formatted only on a finding) */
struct md_at {
	struct checks_sink *s;
	int chunk_id, block;
	const struct kglue_md *m;
};

__attribute__((format(printf, 4, 5)))
static void add(const struct md_at *at, const char *check,
		enum pcpu_grade grade, const char *fmt, ...)
{
	const struct kglue_md *m = at->m;
	char name[24] = "chunk_md", what[256];
	va_list ap;

	if (at->block >= 0)
		snprintf(name, sizeof(name), "block %d", at->block);
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	checks_add(at->s, check, grade, at->chunk_id,
		   "%s [contig %d@%d scan %d@%d first_free %d left %d right %d]: %s",
		   name, m->contig_hint, m->contig_hint_start, m->scan_hint,
		   m->scan_hint_start, m->first_free, m->left_free, m->right_free,
		   what);
}

/* one hint (contig or scan) covers free bits inside its md */
static void check_covers(const struct md_at *at, const char *name, int len,
			 int start, const unsigned long *map, int base)
{
	if (!len)
		return; /* unset: its start means nothing */
	if (len < 0 || start < 0 || start + len > at->m->nr_bits)
		add(at, "hint_used_bits", PCPU_GRADE_ACCOUNTING,
		    "%s %d@%d runs outside its %d bits", name, len, start,
		    at->m->nr_bits);
	else if (!run_clear(map, base + start, len))
		add(at, "hint_used_bits", PCPU_GRADE_ACCOUNTING,
		    "%s %d@%d covers used bits", name, len, start);
}

/*
 * The chunk-level contig hint may lag the truth after a free:
 * pcpu_block_update_hint_free() refreshes chunk_md with a full
 * pcpu_chunk_refresh_hint() only when the free empties a block or spans
 * blocks; otherwise it feeds pcpu_block_update() the free area clipped to
 * its block, and its comment documents the result: the chunk's contig
 * hint may lag by less than a page, and is exact when the run it describes
 * lies inside one block.  So a chunk hint below the largest free
 * run is tolerated when that run crosses a block boundary and the deficit
 * is below one block (a page of bits).  Block hints have no such
 * tolerance: every path that changes a block either refreshes it
 * (pcpu_block_refresh_hint) or updates it with the whole free area inside
 * the block (pcpu_block_update's contract).
 */
static bool low_tolerated(const struct kglue_md *m, int block, int block_bits)
{
	int first = m->true_largest_start / block_bits;
	int last = (m->true_largest_start + m->true_largest - 1) / block_bits;

	return block < 0 && first != last &&
	       m->true_largest - m->contig_hint < block_bits;
}

/*
 * The free run a set hint describes: [*rs, *re), the largest clear run of
 * the md's bits around the hint.  False when the hint is unset (its start
 * means nothing) or not over free bits inside the md (hint_used_bits says
 * so: the hint is longer than the free run at its start).
 */
static bool hint_run(const struct md_at *at, int len, int start,
		     const unsigned long *map, int base, int *rs, int *re)
{
	int n = at->m->nr_bits;

	if (len <= 0 || start < 0 || start + len > n ||
	    !run_clear(map, base + start, len))
		return false;
	*rs = prev_set(map, base + start, base) + 1 - base;
	*re = next_set(map, base + start + len, base + n) - base;
	return true;
}

/*
 * chunk_md only: a hint that is part of a free run crossing a block
 * boundary, short of it by less than a block.  The free path refreshes
 * chunk_md only when the freed area spans blocks or empties one; otherwise
 * pcpu_block_update_hint_free() hands pcpu_block_update(chunk_md) the
 * free area clipped to its block, and its comment documents the result:
 * the chunk's contig hint can lag by up to a page.  The same clipped
 * update leaves a scan hint that is the block's part of such a run, and a
 * contig hint recorded before the free stays the part it was.  The same
 * bound as contig_hint_low's low_tolerated().
 */
static bool piece_tolerated(int block, int len, int rs, int re,
			    int block_bits)
{
	return block < 0 && rs / block_bits != (re - 1) / block_bits &&
	       re - rs - len < block_bits;
}

/*
 * Each set hint is one whole free run (hint_partial_run), and the scan
 * hint and the contig hint are two different runs (hint_same_run).
 * pcpu_block_update() expects the whole free area of the block it is
 * handed, and the refreshes rescan from the end of a promoted scan hint:
 * a hint that is only part of its run makes pcpu_next_hint() skip the
 * rest of the run, and a refresh that promotes it records the rest as a
 * separate, shorter run (the free bits before it are never seen again).
 */
static void check_runs(const struct md_at *at, const unsigned long *map,
		       int base, int block_bits)
{
	const struct kglue_md *m = at->m;
	int cs = 0, ce = 0, ss = 0, se = 0;
	bool c = hint_run(at, m->contig_hint, m->contig_hint_start, map, base,
			  &cs, &ce);
	bool sc = hint_run(at, m->scan_hint, m->scan_hint_start, map, base,
			   &ss, &se);
	bool c_part = c && (cs != m->contig_hint_start ||
			    ce != m->contig_hint_start + m->contig_hint);
	bool s_part = sc && (ss != m->scan_hint_start ||
			     se != m->scan_hint_start + m->scan_hint);
	bool c_tol = piece_tolerated(at->block, m->contig_hint, cs, ce,
				     block_bits);
	bool s_tol = piece_tolerated(at->block, m->scan_hint, ss, se,
				     block_bits);

	bool overlap =
		m->scan_hint_start < m->contig_hint_start + m->contig_hint &&
		m->contig_hint_start < m->scan_hint_start + m->scan_hint;

	/* two tolerated pieces of one run side by side: the same lag */
	if (c && sc && cs == ss && (overlap || !c_tol || !s_tol))
		add(at, "hint_same_run", PCPU_GRADE_HINT,
		    "scan_hint %d@%d and contig_hint %d@%d in one free run %d@%d",
		    m->scan_hint, m->scan_hint_start, m->contig_hint,
		    m->contig_hint_start, ce - cs, cs);
	if (c_part && !c_tol)
		add(at, "hint_partial_run", PCPU_GRADE_HINT,
		    "contig_hint %d@%d is part of the free run %d@%d",
		    m->contig_hint, m->contig_hint_start, ce - cs, cs);
	if (s_part && !s_tol)
		add(at, "hint_partial_run", PCPU_GRADE_HINT,
		    "scan_hint %d@%d is part of the free run %d@%d",
		    m->scan_hint, m->scan_hint_start, se - ss, ss);
}

/*
 * A set scan hint before the contig hint is no shorter than any free run
 * that ends before it (scan_hint_not_largest).  pcpu_next_hint() skips
 * from first_free to the end of the scan hint for every request longer
 * than the hint, and pcpu_block_refresh_hint() / pcpu_chunk_refresh_hint()
 * promote the scan hint and rescan only after it: both take a longer run
 * before it to be absent.  chunk_md: a run crossing a block boundary may
 * exceed the hint by less than a block (piece_tolerated: the clipped
 * free-path update).
 */
static void check_scan_largest(const struct md_at *at, const unsigned long *map,
			       int base, int block_bits)
{
	const struct kglue_md *m = at->m;
	int i = 0, lim = m->scan_hint_start;

	/* after the contig hint it is scan_hint's business, and unused */
	if (m->scan_hint <= 0 || lim <= 0 || lim + m->scan_hint > m->nr_bits ||
	    lim >= m->contig_hint_start)
		return;
	while (i < lim) {
		int rs = next_clear(map, base + i, base + lim) - base, re;

		if (rs >= lim)
			break;
		re = next_set(map, base + rs, base + lim) - base;
		/* a run reaching the scan hint is its own (hint_partial_run) */
		if (re < lim && re - rs > m->scan_hint &&
		    !piece_tolerated(at->block, m->scan_hint, rs, re,
				     block_bits)) {
			add(at, "scan_hint_not_largest", PCPU_GRADE_HINT,
			    "scan_hint %d@%d, longer free run %d@%d before it",
			    m->scan_hint, m->scan_hint_start, re - rs, rs);
			return;
		}
		i = re;
	}
}

void checks_md(struct checks_sink *s, int chunk_id, int block,
	       const struct kglue_md *m, const unsigned long *map, int base,
	       int block_bits)
{
	const struct md_at at = { s, chunk_id, block, m };

	check_covers(&at, "contig_hint", m->contig_hint, m->contig_hint_start,
		     map, base);
	check_covers(&at, "scan_hint", m->scan_hint, m->scan_hint_start, map,
		     base);

	if (m->contig_hint > m->true_largest)
		add(&at, "hint_too_large", PCPU_GRADE_ACCOUNTING,
		    "contig_hint %d@%d, largest free run %d@%d", m->contig_hint,
		    m->contig_hint_start, m->true_largest, m->true_largest_start);
	if (m->scan_hint > m->true_largest)
		add(&at, "hint_too_large", PCPU_GRADE_ACCOUNTING,
		    "scan_hint %d@%d, largest free run %d@%d", m->scan_hint,
		    m->scan_hint_start, m->true_largest, m->true_largest_start);
	if (m->contig_hint < m->true_largest &&
	    !low_tolerated(m, block, block_bits))
		add(&at, "contig_hint_low", PCPU_GRADE_HINT,
		    "contig_hint %d@%d, largest free run %d@%d", m->contig_hint,
		    m->contig_hint_start, m->true_largest, m->true_largest_start);

	/*
	 * The scan hint is a free run before the contig hint, or after it
	 * only when the two are equal (pcpu_chunk_refresh_hint's comment,
	 * pcpu_next_hint relies on it to skip past the scan hint).
	 */
	if (m->scan_hint &&
	    (m->scan_hint > m->contig_hint ||
	     (m->scan_hint_start > m->contig_hint_start) !=
		     (m->scan_hint == m->contig_hint)))
		add(&at, "scan_hint", PCPU_GRADE_HINT,
		    "scan_hint %d@%d, contig_hint %d@%d", m->scan_hint,
		    m->scan_hint_start, m->contig_hint, m->contig_hint_start);

	/* low: a longer scan; high: the scan starts past free bits */
	if (m->first_free < m->true_first_free)
		add(&at, "first_free", PCPU_GRADE_BENIGN,
		    "first_free %d, first clear bit %d", m->first_free,
		    m->true_first_free);
	else if (m->first_free > m->true_first_free)
		add(&at, "first_free_high", PCPU_GRADE_HINT,
		    "first_free %d, first clear bit %d", m->first_free,
		    m->true_first_free);
	/*
	 * chunk_md's left_free and right_free are never read (only blocks'
	 * stitch runs across blocks in pcpu_next_md_free_region and
	 * pcpu_next_fit_region) and never lowered on allocation: blocks only.
	 */
	if (block >= 0 && m->left_free != m->true_left_free)
		add(&at, "left_free", PCPU_GRADE_HINT,
		    "left_free %d, free run at the left edge %d", m->left_free,
		    m->true_left_free);
	if (block >= 0 && m->right_free != m->true_right_free)
		add(&at, "right_free", PCPU_GRADE_HINT,
		    "right_free %d, free run at the right edge %d",
		    m->right_free, m->true_right_free);
	/*
	 * Last: at one operation, a consequence found by the checks above
	 * keeps its name; these name the mechanism when it shows earlier.
	 */
	check_runs(&at, map, base, block_bits);
	check_scan_largest(&at, map, base, block_bits);
}

/*
 * chunk_md's truth from its blocks' truths: the first free bit, and the
 * first of the largest free runs, stitching runs across block edges (what
 * kglue_chunk_md(chunk, -1) recomputes from the whole bitmap, without
 * reading it a second time).
 */
void checks_compose_chunk_truth(const struct kglue_md *blocks, int nr_blocks,
				int block_bits, struct kglue_md *out)
{
	int run = 0, run_start = 0;

	out->nr_bits = nr_blocks * block_bits;
	out->true_first_free = out->nr_bits;
	out->true_largest = 0;
	out->true_largest_start = 0;
	for (int b = 0; b < nr_blocks; b++) {
		const struct kglue_md *m = &blocks[b];
		int base = b * block_bits;

		if (out->true_first_free == out->nr_bits &&
		    m->true_first_free < block_bits)
			out->true_first_free = base + m->true_first_free;
		if (m->true_largest == block_bits) {
			if (!run)
				run_start = base;
			run += block_bits;
			continue;
		}
		/* the run that ends in this block's left edge */
		if (!run)
			run_start = base;
		run += m->true_left_free;
		if (run > out->true_largest) {
			out->true_largest = run;
			out->true_largest_start = run_start;
		}
		if (m->true_largest > out->true_largest) {
			out->true_largest = m->true_largest;
			out->true_largest_start = base + m->true_largest_start;
		}
		run = m->true_right_free;
		run_start = base + block_bits - run;
	}
	if (run > out->true_largest) {
		out->true_largest = run;
		out->true_largest_start = run_start;
	}
	/* chunk_md's left_free and right_free are not checked */
	out->true_left_free = out->true_right_free = 0;
}

void checks_chunk_hints(struct checks_sink *s, int chunk_id,
			const struct kglue_chunk *c, int block_bits)
{
	const unsigned long *map, *bound;
	static struct kglue_md *mds;
	static int cap;
	struct kglue_md cm;
	int bits, nr = kglue_chunk_nr_blocks(c->handle);

	if (nr > cap) {
		cap = nr * 2;
		mds = realloc(mds, sizeof(*mds) * (size_t)cap);
		if (!mds)
			abort();
	}
	kglue_chunk_maps(c->handle, &map, &bound, &bits);
	for (int blk = 0; blk < nr; blk++) {
		kglue_chunk_md(c->handle, blk, &mds[blk]);
		checks_md(s, chunk_id, blk, &mds[blk], map, blk * block_bits,
			  block_bits);
	}
	/* chunk_md: the kernel's fields from the chunk's view */
	checks_compose_chunk_truth(mds, nr, block_bits, &cm);
	cm.contig_hint = c->contig_bits;
	cm.contig_hint_start = c->contig_bits_start;
	cm.scan_hint = c->scan_bits;
	cm.scan_hint_start = c->scan_bits_start;
	cm.first_free = c->first_free_bit;
	cm.left_free = cm.right_free = 0;
	checks_md(s, chunk_id, -1, &cm, map, 0, block_bits);
}

int checks_find_fit(const unsigned long *map, int map_bits, int bits,
		    int bit_align, const unsigned long *populated,
		    int page_bits)
{
	int i = 0;

	if (bits <= 0 || bit_align <= 0)
		return -1;
	while (i < map_bits) {
		int s, e, a;

		/* the next free run [s, e) */
		while (i < map_bits && (i % 64 == 0 && map[i / 64] == ~0UL))
			i += 64;
		while (i < map_bits && bit_set(map, i))
			i++;
		s = i;
		while (i < map_bits && (i % 64 == 0 && i + 64 <= map_bits &&
					map[i / 64] == 0))
			i += 64;
		while (i < map_bits && !bit_set(map, i))
			i++;
		e = i;
		if (s >= e)
			break;
		for (a = (s + bit_align - 1) / bit_align * bit_align;
		     a + bits <= e;) {
			int p, bad = -1;

			if (!populated)
				return a;
			for (p = a / page_bits; p <= (a + bits - 1) / page_bits; p++)
				if (!bit_set(populated, p))
					bad = p;
			if (bad < 0)
				return a;
			/* past the last unpopulated page of the candidate */
			a = ((bad + 1) * page_bits + bit_align - 1) / bit_align *
			    bit_align;
		}
	}
	return -1;
}
