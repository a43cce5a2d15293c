/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals shared by the oracle's files.  Nothing outside oracle/ includes
 * this; the harness sees the oracle only through oracle.h.
 */
#ifndef PCPU_FUZZ_ORACLE_INTERNAL_H
#define PCPU_FUZZ_ORACLE_INTERNAL_H

#include <stdbool.h>

#include "oracle.h"

/* Constants of the 4.9 allocator (docs/allocator.md §1.1). */
#define ORACLE_DFL_MAP_ALLOC 16      /* map capacity of a created chunk */
#define ORACLE_BOOT_MAP_ALLOC 128    /* PERCPU_DYNAMIC_EARLY_SLOTS */
#define ORACLE_ATOMIC_MARGIN_HARD 3  /* literal in pcpu_need_to_extend */
#define ORACLE_ATOMIC_MARGIN_LOW 32  /* queue for async growth below this */
#define ORACLE_ATOMIC_MARGIN_HIGH 64 /* non-atomic / async growth margin */
#define ORACLE_EMPTY_POP_LOW 2
#define ORACLE_EMPTY_POP_HIGH 4
#define ORACLE_TINY 4                /* sizeof(int): heads, tails, slot 0 */

/* A plain ordered list of chunk ids (a slot list or the extension FIFO). */
struct oracle_idlist {
	int *ids;
	int nr;
	int cap;
};

struct oracle {
	unsigned fixes;
	long page;          /* PS */
	int page_shift;     /* log2(page): page numbers without a division */
	long unit;          /* pcpu_unit_size */
	int unit_pages;
	long max_alloc;     /* PCPU_MIN_UNIT_SIZE: PFN_ALIGN(32 KiB) */
	int nr_slots;

	/* Live chunks, ascending id (reserved -1 first). */
	struct oracle_chunk **chunks;
	int nr_chunks;
	int cap_chunks;
	int next_id;        /* id of the next created chunk */

	struct oracle_idlist *slots; /* nr_slots lists, head first */
	struct oracle_idlist extend_queue;

	bool balance_pending;
	bool atomic_failed;
	unsigned armed[PCPU_NR_FAULTS];
	unsigned skip[PCPU_NR_FAULTS]; /* attempts that succeed first */

	/*
	 * Interleavings (docs/interleavings.md): the hook the harness sets,
	 * called at the points where the kernel releases pcpu_lock, and what
	 * the kernel's empty-page counter is ahead of a recount there: an
	 * allocation subtracts its occupied pages only after populating, so in
	 * between, nested operations see a count that is too high by the
	 * pages its area took plus the pages it has populated so far.
	 */
	pcpu_preempt_fn preempt_fn;
	void *preempt_arg;
	bool mutex_held;
	int empty_pop_bias;

	/*
	 * The empty-page count (oracle_pages.c): the sum of every chunk's
	 * empty_pop, and the chunks changed since their empty_pop was
	 * counted, whose pages that met the change are asked again before
	 * the sum is read.
	 */
	int empty_pop_sum;
	struct oracle_chunk *to_recount;
};

/*
 * Every change to a chunk goes through a function that calls this: the
 * checks look again at a chunk whose count moved.
 */
static inline void oracle_chunk_changed(struct oracle_chunk *c)
{
	c->changes++;
}

/*
 * Which blocks or pages cover bytes [start, end) of the chunk changed (a
 * block's extent or use, a page's population): the pages that meet those
 * bytes are counted again before the oracle next reads the empty-page
 * total (oracle_pages.c).  An empty range at an offset inside a page
 * still names that page: a block boundary moved there.
 */
static inline void oracle_bytes_changed(struct oracle_chunk *c, long start,
					long end)
{
	oracle_chunk_changed(c);
	if (c->stale) {
		c->dirty_start = start < c->dirty_start ? start : c->dirty_start;
		c->dirty_end = end > c->dirty_end ? end : c->dirty_end;
		return;
	}
	c->dirty_start = start;
	c->dirty_end = end;
	c->stale = true;
	c->next_to_recount = *c->to_recount;
	*c->to_recount = c;
}

/* oracle_util.c */
void *oracle_xrealloc(void *p, size_t n, size_t elem);
/* Drop element i of an array of *nr elements of size bytes, in order. */
void oracle_array_drop(void *base, size_t size, int *nr, int i);
long oracle_pfn_down(const struct oracle *o, long x);
long oracle_pfn_up(const struct oracle *o, long x);
long oracle_align(long x, long a);
bool oracle_take_fault(struct oracle *o, enum pcpu_fault kind);

/* oracle_slots.c */
void oracle_idlist_push_head(struct oracle_idlist *l, int id);
void oracle_idlist_push_tail(struct oracle_idlist *l, int id);
bool oracle_idlist_remove(struct oracle_idlist *l, int id);
int oracle_idlist_copy(const struct oracle_idlist *l, int *ids, int max);
int oracle_raw_size_to_slot(long size);
int oracle_size_to_slot(const struct oracle *o, long size);
int oracle_chunk_slot(const struct oracle *o, const struct oracle_chunk *c);
void oracle_relocate(struct oracle *o, struct oracle_chunk *c, int oslot);

/* oracle_chunk.c: one chunk's blocks */
struct oracle_chunk *oracle_chunk_new(struct oracle *o, int id,
				      enum pcpu_chunk_kind kind, long end);
void oracle_chunk_free(struct oracle_chunk *c);
void oracle_block_insert(struct oracle_chunk *c, int idx, long start,
			 long len, bool in_use);
void oracle_block_remove(struct oracle_chunk *c, int idx);
long oracle_alloc_area(struct oracle *o, struct oracle_chunk *c, long size,
		       long align, bool pop_only);
int oracle_free_area(struct oracle *o, struct oracle_chunk *c, long off);

/* oracle_pages.c: populated pages and the empty-page count */
bool oracle_populate(struct oracle *o, struct oracle_chunk *c, int rs,
		     int re);
int oracle_next_unpop(const struct oracle_chunk *c, int from, int end,
		      int *re);
int oracle_count_empty_pop_pages(struct oracle *o);
/* One chunk's empty populated pages (0 for the reserved chunk). */
int oracle_chunk_empty_pop(struct oracle *o, struct oracle_chunk *c);
/* The count as the kernel's counter holds it at this moment. */
int oracle_kernel_empty_pop(struct oracle *o);
/* A chunk about to be destroyed: its count leaves the sum. */
void oracle_forget_empty_pop(struct oracle *o, struct oracle_chunk *c);
/* Mark pages [rs, re) unpopulated (the balance work's reaper). */
void oracle_depopulate(struct oracle *o, struct oracle_chunk *c, int rs,
		       int re);

/* oracle_util.c: a release of pcpu_lock, reported to the hook */
void oracle_point(struct oracle *o, const char *point);

/* oracle_setup.c: chunk registry */
struct oracle_chunk *oracle_find(const struct oracle *o, int id);
struct oracle_chunk *oracle_create_chunk(struct oracle *o);
void oracle_destroy_chunk(struct oracle *o, struct oracle_chunk *c);

/* oracle_extend.c: area-map capacity */
int oracle_need_to_extend(struct oracle *o, struct oracle_chunk *c,
			  bool atomic);
bool oracle_extend_map(struct oracle *o, struct oracle_chunk *c,
		       int new_alloc);

#endif /* PCPU_FUZZ_ORACLE_INTERNAL_H */
