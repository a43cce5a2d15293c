/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals shared by the checks (harness/checks/check_*.c).  The checks see the
 * backend only through pcpu.h and the oracle only through oracle.h; the
 * area map and the extension queue (include/pcpu_area_map.h) are read by
 * the area-map checks alone (check_map.c, check_sizes.c, check_slot.c,
 * check_quick.c, check_op.c, check_incr.c: tests/check-includes.sh), so
 * the signatures below name their view by a pointer only.
 *
 * View lifetime rule the checks rely on: a view's pointers (map,
 * populated, unit_offset) stay valid across the const view calls
 * (backend_chunk, backend_global, backend_slot_list, ...), which cannot
 * change the backend; after backend_cpu_addr (non-const) or any mutating
 * call, views are fetched again.
 */
#ifndef PCPU_FUZZ_CHECKS_INTERNAL_H
#define PCPU_FUZZ_CHECKS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check_index.h"
#include "run.h"

struct pcpu_area_map_view; /* include/pcpu_area_map.h */

/* Scalars of the global view, copied so they outlive the view. */
struct check_geom {
	size_t page_size;
	size_t unit_size;
	int unit_pages;
	int nr_slots;
	unsigned int nr_cpus;
};

/* What the per-chunk pass of check_state gathers for the global checks. */
struct check_tally {
	int nr_chunks;
	int nr_slotted; /* chunks that must be on exactly one slot list */
	int nr_on_extend; /* chunks whose area map says on_extend_list */
	long empty_pop; /* recount of nr_empty_pop_pages; -1: not recounted */
};

/* check_util.c */
void check_geom_get(const struct backend *b, struct check_geom *g);
/* the index (backend_chunk's) of chunk id with *v filled, or -1 */
int check_find_chunk(const struct backend *b, int id,
		     struct pcpu_chunk_view *v);
const char *check_chunk_name(int id, char *buf, size_t len);
#define CHUNK_NAME(id) check_chunk_name((id), (char[16]){ 0 }, 16)
int check_expected_slot(const struct check_geom *g, long free_size,
			int contig_hint);
int check_fls(unsigned long x);
long check_pfn_down(const struct check_geom *g, long off);
long check_pfn_up(const struct check_geom *g, long off);
bool check_test_bit(const unsigned long *bits, long nr);
long check_count_bits(const unsigned long *bits, long from, long to);
long check_first_zero_bit(const unsigned long *bits, long from, long to);
int check_sorted_unique(int *ids, int n);
bool check_op_is(const struct run_ctx *c, enum trace_op_kind kind);
/*
 * A chunk's field against what its own state says (recount; why names
 * how it was counted; at_least: a lower bound only), then against the
 * oracle: "chunk ID: expected FIELD [>= ]N (WHY), got M", then the same
 * with "(oracle)"; oracle NULL: no oracle to ask (at a preemption point).
 * 0, or -1 after check_fail().
 */
int check_chunk_field(struct run_ctx *c, const char *check, int chunk_id,
		      const char *field, long got, long recount, bool at_least,
		      const char *why, const long *oracle);

/* Map entries: offset with the flag cleared, and the in-use flag. */
static inline long map_off(const int *map, int i)
{
	return map[i] & ~1;
}

static inline bool map_in_use(const int *map, int i)
{
	return map[i] & 1;
}

/*
 * Byte-scanning helpers stay out of the fuzzer's coverage feedback: their
 * comparisons say nothing about the allocator and, instrumented, cost more
 * than everything else in an execution.  noinline because the coverage
 * pass runs after inlining.  clang only; gcc builds no fuzzer.
 */
#if defined(__clang__)
#define NO_FUZZ_COVERAGE __attribute__((no_sanitize("coverage"), noinline))
#else
#define NO_FUZZ_COVERAGE
#endif

/*
 * The byte loops of the tags and zeroed checks read every copy of every
 * allocation, and ASan's check before each load made them ten times
 * slower than the allocator's own memset.  So each loop asks ASan once
 * whether any byte of its range is poisoned (a scan of the range's
 * shadow, an eighth of its size): when none is, an uninstrumented copy
 * of the loop (CHECK_NO_ASAN) runs, which can report nothing ASan would
 * have; otherwise the instrumented loop runs as before and ASan reports
 * the first poisoned byte it reads, in the same function as before.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHECK_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define CHECK_ASAN 1
#endif

#ifdef CHECK_ASAN
#include <sanitizer/asan_interface.h>
#if defined(__clang__)
#define CHECK_NO_ASAN __attribute__((no_sanitize("address")))
#else
#define CHECK_NO_ASAN __attribute__((no_sanitize_address))
#endif
/* Whether ASan would let the loop read all of [p, p + size). */
static inline bool check_bytes_clean(const void *p, size_t size)
{
	return !__asan_region_is_poisoned((void *)(uintptr_t)p, size);
}
#else
#define CHECK_NO_ASAN
static inline bool check_bytes_clean(const void *p, size_t size)
{
	(void)p;
	(void)size;
	return true;
}
#endif

/* check_overlap.c, check_tags.c (tags and zeroed) */
int check_overlap(struct run_ctx *c, unsigned int id);
int check_zeroed(struct run_ctx *c, unsigned int id);
int check_tags_one(struct run_ctx *c, unsigned int id);
int check_tags_rotating(struct run_ctx *c);

/*
 * check_map.c, check_sizes.c: one chunk each, v with its area map am;
 * oc NULL checks the chunk against itself only (well-formed map, recounts)
 */
int check_map(struct run_ctx *c, const struct check_geom *g,
	      const struct pcpu_chunk_view *v,
	      const struct pcpu_area_map_view *am,
	      const struct oracle_chunk *oc);
int check_free_size(struct run_ctx *c, const struct pcpu_chunk_view *v,
		    const struct pcpu_area_map_view *am,
		    const struct oracle_chunk *oc);
int check_contig_hint(struct run_ctx *c, const struct pcpu_chunk_view *v,
		      const struct pcpu_area_map_view *am,
		      const struct oracle_chunk *oc);
/*
 * check_map.c, for the overlap and leak checks: a new allocation id lies
 * in an in-use block of the map of chunk idx; chunk idx (v) is one free
 * block after everything was freed.  0, or -1 after check_fail().
 */
int check_alloc_in_map(struct run_ctx *c, unsigned int id,
		       const struct check_geom *g, int idx);
int check_map_fully_free(struct run_ctx *c, const struct check_geom *g,
			 const struct pcpu_chunk_view *v, int idx);
/* populated pages wholly inside free blocks (0 for the reserved chunk) */
long check_empty_pop_pages(const struct check_geom *g,
			   const struct pcpu_chunk_view *v,
			   const struct pcpu_area_map_view *am);

/* check_slot.c */
int check_chunk_set(struct run_ctx *c, const struct check_geom *g);
/* the same, with chunk idx's view from view(): views already fetched */
typedef const struct pcpu_chunk_view *(*check_view_fn)(
	void *arg, int idx, struct pcpu_chunk_view *scratch);
int check_chunk_set_of(struct run_ctx *c, const struct check_geom *g,
		       check_view_fn view, void *arg);
int check_chunk_slot(struct run_ctx *c, const struct check_geom *g,
		     const struct pcpu_chunk_view *v,
		     const struct pcpu_area_map_view *am,
		     const struct oracle_chunk *oc);
int check_lists(struct run_ctx *c, const struct check_geom *g,
		const struct check_tally *t);

/* check_populated.c */
int check_alloc_pages(struct run_ctx *c, unsigned int id);
int check_live_pages(struct run_ctx *c);
/* the live allocations of one chunk (check_incr.c's per-chunk form) */
int check_chunk_live_pages(struct run_ctx *c, int chunk_id);
int check_chunk_pages(struct run_ctx *c, const struct check_geom *g,
		      const struct pcpu_chunk_view *v,
		      const struct pcpu_area_map_view *am,
		      const struct oracle_chunk *oc, struct check_tally *t);
int check_global_pages(struct run_ctx *c, const struct check_tally *t);

/* check_op.c: every after-op state check; after_balance adds the pages
 * of every live allocation (balance is what can depopulate). */
int check_state(struct run_ctx *c, bool after_balance);
int check_chunk_state(struct run_ctx *c, const struct check_geom *g,
		      const struct pcpu_chunk_view *v,
		      const struct pcpu_area_map_view *am,
		      const struct oracle_chunk *oc, struct check_tally *t);

/*
 * check_quick.c: whether a chunk that moved still agrees with the oracle
 * at a glance (at: the offset the operation allocated or freed in it, or
 * -1); false means: run the full per-chunk checks.  Reports nothing.
 */
bool check_chunk_quick(const struct check_geom *g,
		       const struct pcpu_chunk_view *v,
		       const struct pcpu_area_map_view *am,
		       const struct pcpu_chunk_view *was,
		       const struct oracle_chunk *oc, long at);

/* check_incr.c: scratch arrays that live for the run (zeroed on return) */
enum check_scratch {
	CHECK_SCRATCH_SET_B,   /* check_chunk_set_of: the backend's ids */
	CHECK_SCRATCH_SET_O,   /* and the oracle's */
	CHECK_SCRATCH_LIST_B,  /* check_lists: one list of the backend */
	CHECK_SCRATCH_LIST_O,  /* the same list of the oracle */
	CHECK_SCRATCH_LIST_ALL, /* every listed id */
	CHECK_SCRATCH_NR
};
int *check_scratch_ids(struct run_ctx *c, enum check_scratch k, size_t n);
/* check_backing.c's record of the pages compared, kept in the memo */
struct check_backing;
struct check_backing **check_backing_slot(struct run_ctx *c);
void check_backing_free(struct check_backing *st);
/* check_geom_get once per run (the geometry of an instance never changes) */
void check_geom(struct run_ctx *c, struct check_geom *g);
unsigned long *check_scratch_bits(struct run_ctx *c, size_t nr_longs);

/* check_incr.c: the index of live ranges, made on first use */
struct check_index *check_live_index(struct run_ctx *c);

#endif /* PCPU_FUZZ_CHECKS_INTERNAL_H */
