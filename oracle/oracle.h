/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The naive oracle: the same policy as the Linux 4.9 area-map percpu
 * allocator (docs/allocator.md), computed the simplest obviously
 * right way.  Each chunk is a plain array of (start, length, in_use) blocks;
 * slot lists are plain arrays; populated pages a plain bool array.  It
 * shares no code with allocator/ and predicts, for every operation, what
 * the backend must do.
 */
#ifndef PCPU_FUZZ_ORACLE_H
#define PCPU_FUZZ_ORACLE_H

#include <stdbool.h>
#include <stddef.h>

#include "pcpu.h"

struct oracle;

/*
 * 16 bytes: an allocation or free moves the blocks after it in the array,
 * and the array is the oracle's largest cost in a fragmented chunk.  A
 * block is at most a unit long (PCPU_MAX_UNIT_SIZE), so int holds it.
 */
struct oracle_block {
	long start;
	int len;
	bool in_use;
};

struct oracle_chunk {
	int id;                   /* -1 reserved, 0 first, 1.. created */
	enum pcpu_chunk_kind kind;
	long end;                 /* sentinel offset */
	struct oracle_block *blocks;
	int nr_blocks;
	int cap_blocks;
	long free_size;
	int contig_hint;
	int map_alloc;            /* area-map capacity the kernel would have */
	bool *populated;          /* unit_pages entries */
	int nr_populated;
	int slot;                 /* -1 for the reserved chunk */
	bool on_extend_list;
	/*
	 * Counts the changes to this chunk (blocks, hints, pages, map
	 * capacity, list placement): the checks look again only at chunks
	 * whose count moved since they last looked.
	 */
	unsigned long changes;
	/*
	 * The oracle's own (oracle_pages.c): the chunk's empty-page count
	 * and, page by page, whether each page counts, as of its last
	 * recount; the bytes [dirty_start, dirty_end) whose blocks or pages
	 * changed since, the only place a page can have changed its answer;
	 * and whether there are any, in which case the chunk is on the
	 * oracle's list of chunks to recount (*to_recount, linked through
	 * next_to_recount).
	 */
	int empty_pop;
	bool *counted;
	long dirty_start, dirty_end;
	bool stale;
	struct oracle_chunk *next_to_recount, **to_recount;
};

/* Create for a geometry already accepted by backend_geometry_check(). */
struct oracle *oracle_create(const struct pcpu_geometry *g, unsigned fixes);
void oracle_destroy(struct oracle *o);

/* Predict one pcpu_alloc; updates the oracle's state accordingly. */
struct pcpu_alloc_res oracle_alloc(struct oracle *o,
				   const struct pcpu_alloc_req *req);
/* free_percpu of the allocation at (chunk_id, off). */
enum pcpu_status oracle_free(struct oracle *o, int chunk_id, long off);
void oracle_balance(struct oracle *o);
/*
 * Preemption points: fn is called where the kernel releases pcpu_lock, at
 * the points and in the order the area-map port reports them
 * (docs/interleavings.md §2.1), so that nested operations run on the
 * oracle where they ran on the backend.  NULL removes the hook.
 */
void oracle_set_preempt(struct oracle *o, pcpu_preempt_fn fn, void *arg);
void oracle_fail(struct oracle *o, enum pcpu_fault kind, unsigned count);
/* `fail KIND COUNT after N`: the next N attempts succeed, then COUNT fail. */
void oracle_fail_after(struct oracle *o, enum pcpu_fault kind, unsigned count,
		       unsigned after);

/* Views: live chunks in ascending id order (reserved first). */
int oracle_nr_chunks(const struct oracle *o);
const struct oracle_chunk *oracle_chunk_at(const struct oracle *o, int idx);
const struct oracle_chunk *oracle_chunk_by_id(const struct oracle *o, int id);
int oracle_nr_slots(const struct oracle *o);
int oracle_slot_list(const struct oracle *o, int slot, int *ids, int max);
int oracle_extend_queue(const struct oracle *o, int *ids, int max);
int oracle_empty_pop_pages(struct oracle *o);
bool oracle_balance_pending(const struct oracle *o);
bool oracle_atomic_alloc_failed(const struct oracle *o);

#endif /* PCPU_FUZZ_ORACLE_H */
