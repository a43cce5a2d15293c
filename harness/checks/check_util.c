/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small helpers shared by the checks: geometry from the global view, chunk
 * lookup by id, the slot function, page numbers and bitmap scans.  All of them
 * are recomputed here from the documented rules (docs/allocator.md §3.1, §5.3)
 * rather than borrowed from the backend or the oracle, so the checks stay
 * independent.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "checks_internal.h"

#define BITS_PER_LONG_ ((long)(sizeof(unsigned long) * CHAR_BIT))

void check_geom_get(const struct backend *b, struct check_geom *g)
{
	struct pcpu_global_view gv;

	backend_global(b, &gv);
	g->page_size = gv.page_size;
	g->unit_size = gv.unit_size;
	g->unit_pages = gv.unit_pages;
	g->nr_slots = gv.nr_slots;
	/* A backend claiming more CPUs than the port allows is refused by
	 * the chunk-set check; clamping here keeps the loops bounded. */
	g->nr_cpus = gv.nr_cpus > PCPU_MAX_CPUS ? PCPU_MAX_CPUS : gv.nr_cpus;
}

/*
 * Binary search over the ascending chunk list (the chunk-set check
 * verifies the order after every operation).  Returns the chunk's index
 * with *v filled, or -1 when no live chunk has that id.
 */
int check_find_chunk(const struct backend *b, int id, struct pcpu_chunk_view *v)
{
	int lo = 0, hi = backend_nr_chunks(b);

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		backend_chunk(b, mid, v);
		if (v->id == id)
			return mid;
		if (v->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Chunk names as the trace format prints them: the reserved chunk is r. */
const char *check_chunk_name(int id, char *buf, size_t len)
{
	if (id == PCPU_CHUNK_RESERVED)
		snprintf(buf, len, "r");
	else
		snprintf(buf, len, "%d", id);
	return buf;
}

int check_fls(unsigned long x)
{
	return x ? BITS_PER_LONG_ - __builtin_clzl(x) : 0;
}

/*
 * pcpu_chunk_slot (§3.1): slot 0 when free_size or contig_hint is below
 * sizeof(int); the free slot for an entirely free chunk; otherwise keyed
 * by the total free bytes.
 */
int check_expected_slot(const struct check_geom *g, long free_size,
			int contig_hint)
{
	int slot;

	if (free_size < 4 || contig_hint < 4)
		return 0;
	if ((size_t)free_size == g->unit_size)
		return g->nr_slots - 1;
	slot = check_fls((unsigned long)free_size) - 3;
	return slot < 1 ? 1 : slot;
}

long check_pfn_down(const struct check_geom *g, long off)
{
	return off / (long)g->page_size;
}

long check_pfn_up(const struct check_geom *g, long off)
{
	return (off + (long)g->page_size - 1) / (long)g->page_size;
}

bool check_test_bit(const unsigned long *bits, long nr)
{
	return (bits[nr / BITS_PER_LONG_] >> (nr % BITS_PER_LONG_)) & 1;
}

/* Set bits in [from, to), a word at a time: cost is pages / 64. */
long check_count_bits(const unsigned long *bits, long from, long to)
{
	long n = 0;

	while (from < to) {
		long w = from / BITS_PER_LONG_, sh = from % BITS_PER_LONG_;
		long take = BITS_PER_LONG_ - sh;
		unsigned long word = bits[w] >> sh;

		if (take > to - from) {
			take = to - from;
			word &= (1UL << take) - 1;
		}
		n += __builtin_popcountl(word);
		from += take;
	}
	return n;
}

/* First clear bit in [from, to), or to when all are set. */
long check_first_zero_bit(const unsigned long *bits, long from, long to)
{
	while (from < to) {
		long w = from / BITS_PER_LONG_, sh = from % BITS_PER_LONG_;
		unsigned long word = ~bits[w] >> sh;

		if (word) {
			long nr = from + __builtin_ctzl(word);

			return nr < to ? nr : to;
		}
		from += BITS_PER_LONG_ - sh;
	}
	return to;
}

/*
 * Sorts ids; returns a duplicated id (the smallest), or INT_MIN when all
 * are distinct.  An insertion sort: the ids are those on the slot lists,
 * one per chunk, and a call to qsort cost more than sorting them.
 */
int check_sorted_unique(int *ids, int n)
{
	for (int i = 1; i < n; i++) {
		int x = ids[i], j = i;

		while (j > 0 && ids[j - 1] > x) {
			ids[j] = ids[j - 1];
			j--;
		}
		ids[j] = x;
	}
	for (int i = 1; i < n; i++)
		if (ids[i] == ids[i - 1])
			return ids[i];
	return INT_MIN;
}

/* Whether the operation being checked is of that kind (false at the end). */
bool check_op_is(const struct run_ctx *c, enum trace_op_kind kind)
{
	return c->op_index < c->t->nr_ops &&
	       c->t->ops[c->op_index].kind == kind;
}

int check_chunk_field(struct run_ctx *c, const char *check, int chunk_id,
		      const char *field, long got, long recount, bool at_least,
		      const char *why, const long *oracle)
{
	if (at_least ? got < recount : got != recount)
		return check_fail(c, check, chunk_id,
				  "chunk %s: expected %s %s%ld (%s), got %ld",
				  CHUNK_NAME(chunk_id), field,
				  at_least ? ">= " : "", recount, why, got);
	if (oracle && got != *oracle)
		return check_fail(c, check, chunk_id,
				  "chunk %s: expected %s %ld (oracle), got %ld",
				  CHUNK_NAME(chunk_id), field, *oracle, got);
	return 0;
}
