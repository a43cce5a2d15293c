/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The live allocations as ranges [off, end) of their chunk's unit, in an
 * interval tree (a treap ordered by chunk and offset, each node knowing
 * the furthest end below it), so that the overlap check asks "which live
 * ranges meet this one?" in O(log n + answers) instead of walking every
 * allocation.  Offsets translate to the same bytes on every CPU (the
 * overlap check verifies each address), so one range per allocation
 * stands for all of its copies.  Nodes are indexed by allocation id: no
 * memory is allocated after creation.
 */
#ifndef PCPU_FUZZ_CHECK_INDEX_H
#define PCPU_FUZZ_CHECK_INDEX_H

#include <stdbool.h>

/* Offsets and ends the index can hold: 0 <= off < end <= this. */
#define CHECK_INDEX_MAX_END 0xffffffffL

struct check_index;

/* An empty index for ids 0 .. capacity - 1; aborts when out of memory. */
struct check_index *check_index_new(unsigned int capacity);
void check_index_free(struct check_index *ix);
/* Add id's range; id must be below the capacity and not in the index. */
void check_index_insert(struct check_index *ix, unsigned int id, int chunk,
			long off, long end);
/* Take id out; nothing happens when it is not in the index. */
void check_index_remove(struct check_index *ix, unsigned int id);
bool check_index_has(const struct check_index *ix, unsigned int id);
/* The lowest id from `from` on that is in the index, or -1. */
long check_index_next(const struct check_index *ix, unsigned int from);
unsigned int check_index_count(const struct check_index *ix);

/*
 * fn(arg, id, off, end) for every range of chunk that meets [off, end),
 * in ascending offset order (ties: ascending id); a non-zero return
 * stops the walk and is returned.  Adjacent ranges do not meet.  A query
 * may reach past CHECK_INDEX_MAX_END (0, LONG_MAX: the whole chunk).
 */
typedef int (*check_index_fn)(void *arg, unsigned int id, long off,
			      long end);
int check_index_each(const struct check_index *ix, int chunk, long off,
		     long end, check_index_fn fn, void *arg);
/* The lowest id whose range in chunk meets [off, end), or -1. */
long check_index_lowest(const struct check_index *ix, int chunk, long off,
			long end);

#endif /* PCPU_FUZZ_CHECK_INDEX_H */
