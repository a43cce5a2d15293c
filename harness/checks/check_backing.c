// SPDX-License-Identifier: GPL-2.0-only
/*
 * The backing check (issue 11 part 6): for every chunk, CPU and page, the
 * host memory is accessible exactly when the populated bitmap says the
 * page is populated.  The populated check reads only the bitmap, so a
 * populate whose rollback leaves one CPU's pages mapped, or a depopulate
 * that forgets a CPU, passes it; here the memory itself is asked
 * (backend_chunk_backing: one ASan shadow query per page under the
 * poison model; skipped where the backend cannot tell).
 *
 * A boot chunk's unit is accessible only up to the end of its dynamic
 * area, rounded up to a page (the kernel returns the tail to the system
 * but keeps its populated bits), so only those pages are compared.
 *
 * Cost: one shadow load per page and CPU compared, paid only when the
 * counters show that the operation populated, depopulated, failed to
 * populate, created or destroyed something, and after the other checks
 * of that operation.  Every page of every chunk is compared after the
 * balance work and after an allocation that failed or created a chunk
 * (a rollback can leave pages anywhere; a new chunk is compared once,
 * whole).  After any other successful allocation only its own chunk can
 * have been populated, and only under the area: pcpu_alloc populates
 * the pages the area spans, so those are compared, with one page more on
 * each side for a populate that runs one page too far, and the cost
 * follows the allocation, not the unit size times the CPUs.
 *
 * Within those pages, only the ones whose state can have moved since
 * they last matched are read again: a page matched at the last
 * comparison still matches unless its populated bit changed (the bitmap
 * is compared with a copy taken then) or the page model changed its
 * memory (the backend's record of every range it made accessible or
 * inaccessible, backend_backing_changes).  Both are marked pending, per
 * CPU; new chunks are wholly pending; when the record does not reach
 * back, everything is.  The pages compared, their order and the first
 * mismatch reported are those of a full comparison, since a page left out
 * cannot differ; with 64 CPUs and units of a thousand pages the full
 * comparison had been most of an execution.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks_internal.h"

#define LONG_BITS ((long)(sizeof(unsigned long) * CHAR_BIT))

/* One chunk as the last comparison left it. */
struct backing_chunk {
	int id;
	uintptr_t base;
	unsigned long *populated; /* the bitmap then */
	unsigned long *pending;   /* per CPU, words longs: to compare again */
};

struct check_backing {
	unsigned long seq; /* backend_backing_changes' position */
	struct backing_chunk *chunks, *next; /* ascending ids; next: scratch */
	int nr, cap;
	long pages;     /* bits per bitmap */
	size_t words;   /* longs per bitmap */
	unsigned int nr_cpus;
	size_t unit_size;
	size_t page_size;
	const unsigned long *unit_offset;
	bool regular; /* unit_offset[cpu] == cpu * unit_size, for every CPU */
};

static void *backing_oom(void)
{
	fprintf(stderr, "percpu-fuzz: checks: out of memory\n");
	abort();
}

void check_backing_free(struct check_backing *st)
{
	if (!st)
		return;
	for (int i = 0; i < st->nr; i++)
		free(st->chunks[i].populated);
	free(st->chunks);
	free(st->next);
	free(st);
}

/* The bits of word w that lie in [from, to). */
static unsigned long range_mask(long w, long from, long to)
{
	long lo = w * LONG_BITS, hi = lo + LONG_BITS;
	unsigned long m = ~0UL;

	if (from > lo)
		m &= ~0UL << (from - lo);
	if (to < hi)
		m &= ~0UL >> (hi - to);
	return m;
}

/* Bits [from, to), a word at a time. */
static void set_bits(unsigned long *bits, long from, long to)
{
	for (long w = from / LONG_BITS; w * LONG_BITS < to; w++)
		bits[w] |= range_mask(w, from, to);
}

/* Pages [from, to) of cpu pending in e. */
static void mark(const struct check_backing *st, struct backing_chunk *e,
		 unsigned int cpu, long from, long to)
{
	set_bits(e->pending + (size_t)cpu * st->words, from, to);
}

/* A range the page model changed: every page it meets, on every CPU. */
static void mark_range(void *arg, uintptr_t addr, size_t len)
{
	struct check_backing *st = arg;
	uintptr_t end = addr + len;

	if (!len)
		return;
	if (end < addr)
		end = UINTPTR_MAX;
	for (int i = 0; i < st->nr; i++) {
		struct backing_chunk *e = &st->chunks[i];
		unsigned int cpu = 0, last = st->nr_cpus;

		/* units side by side: only the CPUs whose units it meets */
		if (st->regular) {
			uintptr_t span = (uintptr_t)st->nr_cpus * st->unit_size;

			if (end <= e->base || (addr >= e->base &&
					       addr - e->base >= span))
				continue;
			cpu = addr > e->base ?
				      (unsigned int)((addr - e->base) /
						     st->unit_size) :
				      0;
			if (end - e->base <
			    (uintptr_t)st->nr_cpus * st->unit_size)
				last = (unsigned int)((end - e->base - 1) /
						      st->unit_size) + 1;
		}
		for (; cpu < last; cpu++) {
			uintptr_t u = e->base + st->unit_offset[cpu];
			uintptr_t lo = addr > u ? addr : u;
			uintptr_t hi = end < u + st->unit_size ?
					       end : u + st->unit_size;

			if (lo >= hi || u + st->unit_size < u)
				continue;
			mark(st, e, cpu, (long)((lo - u) / st->page_size),
			     (long)((hi - u + st->page_size - 1) /
				    st->page_size));
		}
	}
}

/* The populated bits of v, as far as the unit goes. */
static unsigned long word_of(const struct check_backing *st,
			     const unsigned long *bits, size_t w)
{
	long rest = st->pages - (long)w * LONG_BITS;

	return rest >= LONG_BITS ? bits[w] : bits[w] & ((1UL << rest) - 1);
}

/*
 * Bring the record up to date with the chunks as they are now: pending
 * pages from bitmap changes, new chunks and the page model's log.
 */
static struct check_backing *backing_sync(struct run_ctx *c,
					  const struct check_geom *g)
{
	struct check_backing **slot = check_backing_slot(c), *st = *slot;
	struct pcpu_global_view gv;
	int n = backend_nr_chunks(c->b), j = 0;

	if (!st) {
		st = *slot = calloc(1, sizeof(*st));
		if (!st)
			return backing_oom();
		st->seq = ~0UL;
		st->pages = g->unit_pages;
		st->words = (size_t)(g->unit_pages + LONG_BITS - 1) / LONG_BITS;
		st->nr_cpus = g->nr_cpus;
		st->unit_size = g->unit_size;
		st->page_size = g->page_size;
	}
	backend_global(c->b, &gv);
	st->unit_offset = gv.unit_offset;
	st->regular = true;
	for (unsigned int cpu = 0; cpu < st->nr_cpus; cpu++)
		st->regular &= gv.unit_offset[cpu] ==
			       (unsigned long)cpu * st->unit_size;
	if (n > st->cap) {
		int cap = 2 * n;
		struct backing_chunk *a = realloc(st->chunks, cap * sizeof(*a));
		struct backing_chunk *b = a ? realloc(st->next, cap * sizeof(*b)) :
					      NULL;

		if (a)
			st->chunks = a;
		if (!b)
			return backing_oom();
		st->next = b;
		st->cap = cap;
	}
	for (int idx = 0; idx < n; idx++) {
		struct backing_chunk *e = &st->next[idx];
		struct pcpu_chunk_view v;

		backend_chunk(c->b, idx, &v);
		while (j < st->nr && st->chunks[j].id < v.id)
			free(st->chunks[j++].populated);
		if (j < st->nr && st->chunks[j].id == v.id &&
		    st->chunks[j].base == v.base_addr) {
			*e = st->chunks[j++];
			for (size_t w = 0; w < st->words; w++) {
				unsigned long now = word_of(st, v.populated, w);
				unsigned long d = now ^ e->populated[w];

				for (unsigned int cpu = 0; d && cpu < st->nr_cpus;
				     cpu++)
					e->pending[cpu * st->words + w] |= d;
				e->populated[w] = now;
			}
			continue;
		}
		if (j < st->nr && st->chunks[j].id == v.id)
			free(st->chunks[j++].populated);
		/* new here: one block, the bitmap then every CPU's pending */
		e->id = v.id;
		e->base = v.base_addr;
		e->populated = calloc(st->words * (1 + (size_t)st->nr_cpus) + 1,
				      sizeof(long));
		if (!e->populated)
			return backing_oom();
		e->pending = e->populated + st->words;
		for (size_t w = 0; w < st->words; w++)
			e->populated[w] = word_of(st, v.populated, w);
		for (unsigned int cpu = 0; cpu < st->nr_cpus; cpu++)
			mark(st, e, cpu, 0, st->pages);
	}
	while (j < st->nr)
		free(st->chunks[j++].populated);
	{
		struct backing_chunk *t = st->chunks;

		st->chunks = st->next;
		st->next = t;
		st->nr = n;
	}
	if (backend_backing_changes(c->b, &st->seq, mark_range, st))
		for (int i = 0; i < st->nr; i++)
			for (unsigned int cpu = 0; cpu < st->nr_cpus; cpu++)
				mark(st, &st->chunks[i], cpu, 0, st->pages);
	return st;
}

/*
 * The first page of (e, cpu) in [from, to) that is pending (want) or not
 * (!want), or to: a word a step.  Pending runs start at the first and end
 * at the second.
 */
static long pending_find(const struct check_backing *st,
			 const struct backing_chunk *e, unsigned int cpu,
			 long from, long to, bool want)
{
	const unsigned long *p = e->pending + (size_t)cpu * st->words;
	unsigned long flip = want ? 0 : ~0UL;

	while (from < to) {
		unsigned long w = (p[from / LONG_BITS] ^ flip) >>
				  (from % LONG_BITS);

		if (w)
			return from + __builtin_ctzl(w) < to ?
				       from + __builtin_ctzl(w) :
				       to;
		from += LONG_BITS - from % LONG_BITS;
	}
	return to;
}

static void clear_run(const struct check_backing *st, struct backing_chunk *e,
		      unsigned int cpu, long from, long to)
{
	unsigned long *p = e->pending + (size_t)cpu * st->words;

	for (long w = from / LONG_BITS; w * LONG_BITS < to; w++)
		p[w] &= ~range_mask(w, from, to);
}

/*
 * The first page of [from, to) whose accessible bit (bits) differs from
 * its populated bit, or to: a word a step, since a unit of a thousand
 * pages on 64 CPUs made this loop, a bit at a time, a tenth of a wide
 * input's execution.
 */
static long first_mismatch(const unsigned long *bits,
			   const unsigned long *populated, long from, long to)
{
	for (long w = from / LONG_BITS; w * LONG_BITS < to; w++) {
		unsigned long d = (bits[w] ^ populated[w]) &
				  range_mask(w, from, to);

		if (d)
			return w * LONG_BITS + __builtin_ctzl(d);
	}
	return to;
}

/* Events that can change the backing, as the counters count them. */
static void page_events(const struct backend *b, unsigned long *events,
			unsigned long *created)
{
	struct pcpu_global_view g;

	backend_global(b, &g);
	*created = g.counters.chunks_created;
	*events = g.counters.pages_populated + g.counters.pages_depopulated +
		  g.counters.faults_fired[PCPU_FAULT_PAGE] +
		  g.counters.faults_fired[PCPU_FAULT_VMAP] +
		  g.counters.chunks_created + g.counters.chunks_destroyed;
}

/* Compare pages [from, to) of chunk idx on every CPU, those pending in
 * st->chunks[idx].  1: they match; 0: the backend cannot tell; -1: failed.
 * *asked: whether the backend was asked anything yet in this check, as
 * the first question is what tells a backend that cannot answer. */
static int check_chunk_backing(struct run_ctx *c, const struct check_geom *g,
			       struct check_backing *st, int idx, long from,
			       long to, unsigned long *bits, bool *asked)
{
	struct backing_chunk *e = &st->chunks[idx];
	struct pcpu_chunk_view v;
	long last;

	backend_chunk(c->b, idx, &v);
	last = v.kind == PCPU_KIND_CREATED ? g->unit_pages :
					     check_pfn_up(g, v.area_end);
	if (last > g->unit_pages)
		last = g->unit_pages;
	if (to > last)
		to = last;
	if (from < 0)
		from = 0;
	for (unsigned int cpu = 0; cpu < g->nr_cpus && from < to; cpu++) {
		long rs = pending_find(st, e, cpu, from, to, true), re, p;

		if (!*asked && rs == to) {
			/* nothing to read, but a full comparison would
			 * have asked here first */
			*asked = true;
			if (backend_chunk_backing(c->b, idx, cpu, (int)from,
						  (int)from, bits)) {
				c->backing_blind++;
				return 0;
			}
		}
		for (; rs < to; rs = pending_find(st, e, cpu, re, to, true)) {
			re = pending_find(st, e, cpu, rs, to, false);
			*asked = true;
			if (backend_chunk_backing(c->b, idx, cpu, (int)rs,
						  (int)re, bits)) {
				c->backing_blind++;
				return 0;
			}
			/* backend_chunk_backing may not keep v's pointers:
			 * refetch */
			backend_chunk(c->b, idx, &v);
			p = first_mismatch(bits, v.populated, rs, re);
			if (p < re) {
				bool acc = check_test_bit(bits, p);

				return check_fail(
					c, CHECK_BACKING, v.id,
					"chunk %s cpu %u page %ld: expected %s (populated bitmap), got %s",
					CHUNK_NAME(v.id), cpu, p,
					acc ? "inaccessible" : "accessible",
					acc ? "accessible" : "inaccessible");
			}
			clear_run(st, e, cpu, rs, re);
		}
	}
	return 1;
}

int check_backing_after_op(struct run_ctx *c, const struct trace_op *op)
{
	unsigned long events, created;
	const struct live_alloc *a = NULL;
	long from = 0, to = LONG_MAX;
	struct check_geom g;
	struct check_backing *st;
	unsigned long *bits;
	bool asked = false;
	int n, ret = 0;

	check_geom(c, &g);
	page_events(c->b, &events, &created);
	/* a block may have populated anywhere: look everywhere after one */
	if (op->kind != OP_BALANCE && !c->op_had_nested &&
	    events == c->backing_events)
		return 0;
	if (op->kind == OP_ALLOC && c->allocs[op->id].live && !c->op_had_nested) {
		a = &c->allocs[op->id];
		if (created == c->backing_created) {
			from = check_pfn_down(&g, a->off) - 1;
			to = check_pfn_up(&g, a->off + (long)a->size) + 1;
		}
	}
	c->backing_events = events;
	c->backing_created = created;
	st = backing_sync(c, &g);
	bits = check_scratch_bits(c, (size_t)g.unit_pages / (8 * sizeof(long)) + 1);
	n = backend_nr_chunks(c->b);
	for (int idx = 0; idx < n && ret >= 0; idx++) {
		struct pcpu_chunk_view v;

		if (a) {
			backend_chunk(c->b, idx, &v);
			if (v.id != a->chunk_id)
				continue;
		}
		ret = check_chunk_backing(c, &g, st, idx, from, to, bits,
					  &asked);
		if (ret == 0)
			break; /* the backend cannot tell */
	}
	return ret < 0 ? -1 : 0;
}
