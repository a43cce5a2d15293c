/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The linux backend's own checks (backend_check of include/pcpu.h): the
 * existing safety and accounting recounts, the bitmap-era hint checks of
 * every block and chunk, and the allocation-decision checks whose request
 * and pre-allocation truth backend_alloc records through two hooks.
 *
 * Check names and grades (stable: the expected files of crashes/ name them):
 *   backing, static, warn                         safety
 *   accounting, hint_used_bits, hint_too_large    accounting (fatal by default)
 *   contig_hint_low, scan_hint, first_free_high,
 *   left_free, right_free, fit_missed,
 *   chunk_created_with_fit, hint_partial_run,
 *   hint_same_run, scan_hint_not_largest          hint
 *   first_free                                    benign (not fatal by default)
 */
#ifndef KERNEL_CHECKS_H
#define KERNEL_CHECKS_H

#include <stdbool.h>
#include <stdint.h>

#include "glue.h"
#include "pcpu.h"

/* Where findings go: up to max kept in out, n counts them all. */
struct checks_sink {
	struct pcpu_finding *out;
	int max;
	int n;
};

void checks_add(struct checks_sink *s, const char *check, enum pcpu_grade grade,
		int chunk_id, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * One pcpu_block_md against the allocation bitmap (checks_hints.c): block
 * `block` of a chunk (-1: the chunk's chunk_md), whose bits start at bit
 * `base` of map; block_bits is PCPU_BITMAP_BLOCK_BITS.  Pure: the unit
 * test feeds it planted values.
 */
void checks_md(struct checks_sink *s, int chunk_id, int block,
	       const struct kglue_md *m, const unsigned long *map, int base,
	       int block_bits);
/* Every block and the chunk_md of one live chunk. */
void checks_chunk_hints(struct checks_sink *s, int chunk_id,
			const struct kglue_chunk *c, int block_bits);
/* chunk_md's recomputed fields (true_*, nr_bits) from its blocks' */
void checks_compose_chunk_truth(const struct kglue_md *blocks, int nr_blocks,
				int block_bits, struct kglue_md *out);

/*
 * The first aligned run of `bits` clear bits of map[0, map_bits) at a
 * multiple of bit_align, whose pages are all set in populated when
 * populated is not NULL (page_bits bits a page): its start, or -1.
 */
int checks_find_fit(const unsigned long *map, int map_bits, int bits,
		    int bit_align, const unsigned long *populated,
		    int page_bits);

/* Hooks of backend_alloc, backend_free, backend_balance (checks_decisions.c) */
struct backend;
void checks_alloc_pre(struct backend *b, const struct pcpu_alloc_req *req);
void checks_alloc_post(struct backend *b, const struct pcpu_alloc_req *req,
		       const struct pcpu_alloc_res *res);
void checks_free_pre(struct backend *b, uintptr_t ptr);
void checks_balance_post(struct backend *b);

/*
 * Every check now: all findings (up to max in out, most severe first),
 * their number returned.  backend_check() returns the same count with the
 * first finding.  The pages and the counters of a chunk are walked for the
 * chunks touched since the last call, and for every chunk when sweep is
 * true (backend_check's sweep).  PCPU_LINUX_CHECKS=full in the environment
 * walks and rechecks the hints of every chunk after every operation
 * instead of those of the chunks the operation touched.
 */
int linux_checks_run(struct backend *b, bool sweep, struct pcpu_finding *out,
		     int max);

/*
 * The decision state (checks_decisions.c) for checks_backend.c: pending
 * decision findings into s; true when every chunk must be rechecked.
 */
bool checks_decisions_flush(struct checks_sink *s);
/* the chunks touched since the last flush (handles), and clearing them */
int checks_dirty(const void **out, int max);
void checks_dirty_clear(void);
/* start over (everything to check, nothing pending) for a new instance */
void checks_sync_instance(const struct backend *b);

#endif /* KERNEL_CHECKS_H */
