// SPDX-License-Identifier: GPL-2.0-only
/*
 * Port-only bookkeeping that no decision of the allocator reads: the
 * array of live chunks behind the views, and the fresh contents of pages
 * an allocation uses (pcpu_chunk_touch).  Kept out of percpu_vm.c so that
 * the fuzz builds compile it without coverage feedback (mk/nocov.mk): its
 * loops run per 64th of a page and per map entry, and their counts gave
 * the fuzzer new "features" for inputs that differ only in how the port
 * emulates the kernel's pages, not in what the allocator decides.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host_mem.h"
#include "percpu_internal.h"

/* Fresh pages are not zeroed by the kernel: they read as this poison so
 * a missing memset in pcpu_alloc shows up in the harness's zeroing check
 * (written lazily, pcpu_chunk_touch). */
#define PCPU_FRESH_PAGE_POISON 0x6b

/*
 * Port only: keep every live chunk on an id-ordered list for the views.
 * Chunks are tracked in ascending id order (the reserved chunk, -1, then
 * the first, 0, then created chunks as numbered), so appending keeps it.
 * The list is mirrored in an array, so that the views, which the checks
 * ask for every chunk after every operation, find chunk idx without
 * walking idx entries of the list.
 */
void pcpu_chunk_track(struct backend *b, struct pcpu_chunk *chunk)
{
	if (b->nr_chunks_alive == b->chunk_index_cap) {
		int cap = b->chunk_index_cap ? 2 * b->chunk_index_cap : 8;
		struct pcpu_chunk **index =
			host_zalloc((size_t)cap * sizeof(*index));

		if (b->nr_chunks_alive)
			memcpy(index, b->chunk_index,
			       (size_t)b->nr_chunks_alive * sizeof(*index));
		free(b->chunk_index);
		b->chunk_index = index;
		b->chunk_index_cap = cap;
	}
	b->chunk_index[b->nr_chunks_alive] = chunk;
	b->view_gen++;
	b->index_gen++;
	list_add_tail(&chunk->all, &b->all_chunks);
	b->nr_chunks_alive++;
	if ((unsigned long)b->nr_chunks_alive > b->counters.max_chunks_alive)
		b->counters.max_chunks_alive = (unsigned long)b->nr_chunks_alive;
}

/*
 * Take chunk out of the array pcpu_chunk_track keeps.  By pointer, not by
 * id: backend_destroy frees the boot chunks before the created ones, and
 * their entries are never read again.
 */
void pcpu_chunk_untrack(struct backend *b, struct pcpu_chunk *chunk)
{
	b->view_gen++;
	b->index_gen++;
	for (int i = b->nr_chunks_alive - 1; i >= 0; i--) {
		if (b->chunk_index[i] != chunk)
			continue;
		memmove(&b->chunk_index[i], &b->chunk_index[i + 1],
			(size_t)(b->nr_chunks_alive - i - 1) *
				sizeof(b->chunk_index[0]));
		break;
	}
	b->nr_chunks_alive--;
}

size_t pcpu_touched_size(const struct backend *b)
{
	return (size_t)BITS_TO_LONGS(b->pcpu_unit_pages) *
		       sizeof(unsigned long) +
	       (size_t)b->pcpu_unit_pages * sizeof(uint64_t);
}

/* Bits [from, to) of a 64-bit mask, 0 <= from < to <= 64. */
static uint64_t mask64(int from, int to)
{
	uint64_t m = to == 64 ? ~0ULL : (1ULL << to) - 1;

	return m & ~((1ULL << from) - 1);
}

/*
 * The 64ths of the page at start that in-use blocks of the chunk's map
 * meet (the map's offsets ascend; binary search for the block holding
 * the page's first byte).
 */
static uint64_t in_use_pieces(const struct backend *b,
			      const struct pcpu_chunk *chunk, size_t start,
			      size_t piece)
{
	size_t end = start + b->page_size;
	int lo = 0, hi = chunk->map_used;
	uint64_t m = 0;

	while (lo < hi) { /* the last block starting at or before start */
		int mid = lo + (hi - lo + 1) / 2;

		if ((size_t)(chunk->map[mid] & ~1) <= start)
			lo = mid;
		else
			hi = mid - 1;
	}
	for (int i = lo; i < chunk->map_used; i++) {
		size_t s = (size_t)(chunk->map[i] & ~1);
		size_t e = (size_t)(chunk->map[i + 1] & ~1);

		if (s >= end)
			break;
		if (!(chunk->map[i] & 1) || e <= start || e <= s)
			continue;
		s = s > start ? s - start : 0;
		e = e < end ? e - start : b->page_size;
		m |= mask64((int)(s / piece), (int)((e + piece - 1) / piece));
	}
	return m;
}

/*
 * Port only: give the populated pages of [off, off + size) the contents a
 * fresh page has (the poison, or zero in the boot chunks' memory) on every
 * CPU, unless they have them since their populate.  pcpu_alloc calls it
 * right before clearing an area, so a missing or partial memset reads as
 * the poison, as if every populate had filled its pages, at the cost of
 * the bytes the allocator hands out rather than the pages it populates;
 * and host memory left by an earlier instance (host_ranges.c) never
 * shows.  An unpopulated page is left alone: touching it is the memset's
 * fault.
 *
 * A page is filled a 64th at a time, the 64ths the area meets, once
 * each since the populate (a mask per page beside the touched bitmap):
 * nothing reads a byte of a chunk that no allocation has covered, since
 * every area is touched here before its memset, and the checks read only
 * what allocations cover.  Filling whole pages cost a page times the CPUs
 * for a two-byte allocation, which with 64 KiB pages and 60 CPUs is 4 MB.
 * At a page's first touch since its populate, the 64ths of the page that
 * other in-use areas cover are filled as well, as the whole page was: a
 * page repopulated under an allocation (a bug; a correct allocator never
 * depopulates one) loses its contents there, and the tags check sees it.
 */
void pcpu_chunk_touch(struct backend *b, struct pcpu_chunk *chunk, int off,
		      size_t size)
{
	int fill = chunk->kind == PCPU_KIND_CREATED ? PCPU_FRESH_PAGE_POISON : 0;
	uint64_t *filled = (uint64_t *)(chunk->touched +
					BITS_TO_LONGS(b->pcpu_unit_pages));
	size_t piece = b->page_size / 64, end = (size_t)off + size;

	for (int page = PFN_DOWN(b, off); page < PFN_UP(b, off + size);
	     page++) {
		size_t start = (size_t)page << b->page_shift;
		size_t lo = (size_t)off > start ? (size_t)off - start : 0;
		size_t hi = end < start + b->page_size ? end - start :
							 b->page_size;
		uint64_t todo;

		if (!test_bit(page, chunk->populated))
			continue;
		todo = mask64((int)(lo / piece), (int)((hi + piece - 1) / piece));
		if (!test_bit(page, chunk->touched)) {
			set_bit(page, chunk->touched);
			filled[page] = 0;
			todo |= in_use_pieces(b, chunk, start, piece);
		}
		todo &= ~filled[page];
		filled[page] |= todo;
		while (todo) {
			int from = __builtin_ctzll(todo), to = from;

			while (to < 64 && (todo >> to) & 1)
				to++;
			todo &= ~mask64(from, to);
			for (unsigned int cpu = 0; cpu < b->nr_cpus; cpu++)
				memset(pcpu_chunk_addr(b, chunk, cpu) + start +
					       (size_t)from * piece,
				       fill, (size_t)(to - from) * piece);
		}
	}
}
