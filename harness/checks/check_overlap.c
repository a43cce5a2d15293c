/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The overlap check, right after an allocation: where the backend says the
 * new allocation is must be a place only it owns.
 *
 * Real addresses are compared, not just offsets.  Every CPU's copy must be
 * exactly base_addr + unit_offset[cpu] + off (pcpu.h, docs/allocator.md §12), and
 * inside that CPU's unit of its chunk and inside the chunk's map
 * (check_map.c's check_alloc_in_map; without a map: inside the part of
 * the unit the chunk hands out).  Once that holds for every allocation
 * (it is verified here when each one is made, and neither ptr nor a
 * chunk's base moves later), two allocations can only share bytes on a
 * CPU if they sit in the same chunk with overlapping offsets, or the new
 * one runs into the part of another chunk's unit that chunk hands out on
 * that CPU.  Both are tested: the first against an index of the live
 * ranges (O(log live allocations)), the second against every other chunk
 * (O(chunks x CPUs)).
 */
#include <limits.h>
#include <stdint.h>

#include "checks_internal.h"

/*
 * Copied out of the views: backend_cpu_addr is not a const call.  The unit
 * offsets come from one global view, fetched after those calls.
 */
struct overlap_where {
	uintptr_t base;
	const unsigned long *unit_offset;
	uintptr_t addr[PCPU_MAX_CPUS];
};

static bool is_pow2(size_t x)
{
	return x && !(x & (x - 1));
}

static int check_alignment(struct run_ctx *c, unsigned int id,
			   const struct overlap_where *w, unsigned int nr_cpus)
{
	const struct live_alloc *a = &c->allocs[id];
	size_t align = a->align;

	/*
	 * The bitmap era (no area map) raises an align below
	 * PCPU_MIN_ALLOC_SIZE (4) to 4 before its power-of-two test, so
	 * align=3 is legal there and served 4-aligned.
	 */
	if (!run_area_map() && align == 3)
		align = 4;
	/*
	 * align 0 and 1 mean 2 (§7.1); offsets are always even.  Any align
	 * >= 2 is checked on the offset: that is what catches the pre-4.10
	 * ALIGN() with a non-power-of-two mask (§7.1).  Only the offset can
	 * be judged deterministically for such an align: a chunk's base is
	 * page aligned, so its remainder modulo 3 or 12 depends on where the
	 * host mapped it, and no allocator could promise more than the offset.
	 */
	if (a->off % 2 || (align >= 2 && a->off % (long)align))
		return check_fail(
			c, CHECK_OVERLAP, a->chunk_id,
			"alloc %u: expected offset aligned to %zu, got %ld", id,
			align < 2 ? (size_t)2 : align, a->off);
	/*
	 * Callers align addresses: for a power of two up to a page the
	 * address must be aligned on every CPU too (bases and unit offsets
	 * are page aligned, so this is deterministic).
	 */
	if (align < 2 || !is_pow2(align))
		return 0;
	for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
		if (w->addr[cpu] % align)
			return check_fail(
				c, CHECK_OVERLAP, a->chunk_id,
				"alloc %u cpu %u: expected an address aligned to %zu, got 0x%lx (offset %ld)",
				id, cpu, align, (unsigned long)w->addr[cpu],
				a->off);
	return 0;
}

static int check_addresses(struct run_ctx *c, unsigned int id,
			   const struct check_geom *g,
			   const struct overlap_where *w)
{
	const struct live_alloc *a = &c->allocs[id];

	for (unsigned int cpu = 0; cpu < g->nr_cpus; cpu++) {
		uintptr_t unit = w->base + w->unit_offset[cpu];
		uintptr_t at = w->addr[cpu];

		if (at < unit || at + a->size > unit + g->unit_size)
			return check_fail(
				c, CHECK_OVERLAP, a->chunk_id,
				"alloc %u cpu %u: expected [0x%lx, +%zu) inside the unit [0x%lx, +%zu) of chunk %s",
				id, cpu, (unsigned long)at, a->size,
				(unsigned long)unit, g->unit_size,
				CHUNK_NAME(a->chunk_id));
		if (at != unit + (uintptr_t)a->off)
			return check_fail(
				c, CHECK_OVERLAP, a->chunk_id,
				"alloc %u cpu %u: expected address base + unit_offset + %ld = 0x%lx, got 0x%lx",
				id, cpu, a->off,
				(unsigned long)(unit + (uintptr_t)a->off),
				(unsigned long)at);
	}
	return 0;
}

/*
 * Same chunk: offsets, valid on every CPU because addresses translate.
 * The live ranges are in the index (check_index.h); of those that meet
 * the new one, the lowest id is named, as a walk in id order would.
 */
static int check_other_allocs(struct run_ctx *c, unsigned int id)
{
	const struct live_alloc *a = &c->allocs[id];
	struct check_index *ix = check_live_index(c);
	long end = a->off + (long)a->size, j;
	const struct live_alloc *o;

	check_index_remove(ix, id); /* only the others count */
	j = check_index_lowest(ix, a->chunk_id, a->off, end);
	if (j < 0)
		return 0;
	o = &c->allocs[j];
	return check_fail(
		c, CHECK_OVERLAP, a->chunk_id,
		"alloc %u: expected [%ld, %ld) of chunk %s disjoint from live alloc %ld, got overlap with [%ld, %ld)",
		id, a->off, end, CHUNK_NAME(a->chunk_id), j, o->off,
		o->off + (long)o->size);
}

/* Without a map: inside what its own chunk can hand out. */
static int check_in_range(struct run_ctx *c, unsigned int id,
			  const struct pcpu_chunk_view *v)
{
	const struct live_alloc *a = &c->allocs[id];
	long end = a->off + (long)a->size, lo = v->area_start, hi = v->area_end;

	if (a->off < lo || end > hi)
		return check_fail(
			c, CHECK_OVERLAP, a->chunk_id,
			"alloc %u: expected [%ld, %ld) inside the range [%ld, %ld) chunk %s hands out",
			id, a->off, end, lo, hi, CHUNK_NAME(a->chunk_id));
	return 0;
}

/*
 * Whether no copy [at_min, at_end) can meet chunk v's handed-out area on
 * any CPU: all of them lie in [base + off_min + lo, base + off_max + hi).
 * False whenever an address would wrap, so the caller compares then.
 */
static bool apart(const struct pcpu_chunk_view *v, uintptr_t off_min,
		  uintptr_t off_max, uintptr_t at_min, uintptr_t at_end)
{
	uintptr_t first = v->base_addr + off_min + (uintptr_t)v->area_start;
	uintptr_t last = v->base_addr + off_max + (uintptr_t)v->area_end;

	if (first < v->base_addr || last < v->base_addr || last < first ||
	    at_end < at_min)
		return false;
	return at_end <= first || at_min >= last;
}

/* Other chunks: what they can hand out on a CPU must not meet the range. */
static int check_other_chunks(struct run_ctx *c, unsigned int id,
			      const struct check_geom *g,
			      const struct overlap_where *w)
{
	const struct live_alloc *a = &c->allocs[id];
	struct pcpu_chunk_view v;
	int n = backend_nr_chunks(c->b);
	uintptr_t off_min = UINTPTR_MAX, off_max = 0;
	uintptr_t at_min = UINTPTR_MAX, at_end = 0;

	/*
	 * The bounds of the new copies and of the unit offsets, so that a
	 * chunk whose handed-out areas lie wholly before or after every copy
	 * is passed over without comparing CPU by CPU: with many CPUs and
	 * chunks that comparison was most of an allocation's checks.  Only a
	 * chunk that cannot meet the copies on any CPU is passed over, so
	 * the first overlap found, and its report, are the same.
	 */
	for (unsigned int cpu = 0; cpu < g->nr_cpus; cpu++) {
		uintptr_t o = (uintptr_t)w->unit_offset[cpu];

		off_min = o < off_min ? o : off_min;
		off_max = o > off_max ? o : off_max;
		at_min = w->addr[cpu] < at_min ? w->addr[cpu] : at_min;
		if (w->addr[cpu] + a->size > at_end)
			at_end = w->addr[cpu] + a->size;
	}
	for (int idx = 0; idx < n; idx++) {
		long lo, hi;

		backend_chunk(c->b, idx, &v);
		if (v.id == a->chunk_id)
			continue;
		/* the reserved and first chunks share one unit: each one's
		 * block 0 covers the other's area, so compare handed-out areas */
		lo = v.area_start;
		hi = v.area_end;
		if (lo >= 0 && lo < hi && apart(&v, off_min, off_max, at_min,
						at_end))
			continue;
		for (unsigned int cpu = 0; cpu < g->nr_cpus && lo < hi; cpu++) {
			uintptr_t unit = v.base_addr + w->unit_offset[cpu];

			if (w->addr[cpu] < unit + (uintptr_t)hi &&
			    unit + (uintptr_t)lo < w->addr[cpu] + a->size)
				return check_fail(
					c, CHECK_OVERLAP, a->chunk_id,
					"alloc %u cpu %u: expected [0x%lx, +%zu) outside other chunks, got overlap with chunk %s's [%ld, %ld) at 0x%lx",
					id, cpu, (unsigned long)w->addr[cpu],
					a->size, CHUNK_NAME(v.id), lo, hi,
					(unsigned long)unit);
		}
	}
	return 0;
}

int check_overlap(struct run_ctx *c, unsigned int id)
{
	const struct live_alloc *a = &c->allocs[id];
	struct pcpu_global_view gv;
	struct overlap_where w;
	struct pcpu_chunk_view v;
	struct check_geom g;
	int idx;

	check_geom(c, &g);
	for (unsigned int cpu = 0; cpu < g.nr_cpus; cpu++)
		w.addr[cpu] = (uintptr_t)backend_cpu_addr(c->b, a->ptr, cpu);
	backend_global(c->b, &gv);
	w.unit_offset = gv.unit_offset;
	idx = check_find_chunk(c->b, a->chunk_id, &v);
	if (idx < 0)
		return check_fail(
			c, CHECK_OVERLAP, INT_MIN,
			"alloc %u: expected chunk %s to exist, got no such chunk",
			id, CHUNK_NAME(a->chunk_id));
	w.base = v.base_addr;
	/* Addresses before alignment: a misaligned wrong address would
	 * otherwise be reported as an alignment problem. */
	if ((run_area_map() ? check_alloc_in_map(c, id, &g, idx) :
			   check_in_range(c, id, &v)) ||
	    check_addresses(c, id, &g, &w) ||
	    check_alignment(c, id, &w, g.nr_cpus) ||
	    check_other_allocs(c, id) || check_other_chunks(c, id, &g, &w))
		return -1;
	/* a place only it owns: from now on the others are checked against it */
	check_index_insert(check_live_index(c), id, a->chunk_id, a->off,
			   a->off + (long)a->size);
	return 0;
}
