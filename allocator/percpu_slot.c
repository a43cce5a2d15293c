// SPDX-License-Identifier: GPL-2.0-only
/*
 * Slots: chunks are kept on lists keyed by their free bytes
 * (docs/allocator.md §3).
 */
#include "percpu_internal.h"

/*
 * Slot of a free size: max(fls(size) - 3, 1).  Sizes 0-15 share slot 1,
 * then every power of two gets its own slot.
 */
int __pcpu_size_to_slot(int size)
{
	int highbit = fls((unsigned int)size);

	return max_int(highbit - PCPU_SLOT_BASE_SHIFT + 2, 1);
}

/* A wholly free chunk goes on the last ("free") slot. */
int pcpu_size_to_slot(struct backend *b, int size)
{
	if (size == b->pcpu_unit_size)
		return b->pcpu_nr_slots - 1;
	return __pcpu_size_to_slot(size);
}

/*
 * Slot 0 holds chunks that cannot serve even a tiny request: fewer than
 * sizeof(int) free bytes, or a contig_hint below that.
 */
int pcpu_chunk_slot(const struct backend *b, const struct pcpu_chunk *chunk)
{
	if (chunk->free_size < (int)sizeof(int) ||
	    chunk->contig_hint < (int)sizeof(int))
		return 0;

	return pcpu_size_to_slot((struct backend *)b, chunk->free_size);
}

/**
 * pcpu_chunk_relocate - move a chunk to the list of its current slot
 * @oslot: the slot computed before the state change (-1 for a new chunk)
 *
 * A chunk that became emptier goes to the head of its new list, one that
 * became fuller to the tail; a chunk whose slot did not change keeps its
 * place.  The reserved chunk stays off the lists: only reserved requests
 * reach it.
 */
void pcpu_chunk_relocate(struct backend *b, struct pcpu_chunk *chunk,
			 int oslot)
{
	int nslot = pcpu_chunk_slot(b, chunk);

	if (chunk != b->pcpu_reserved_chunk && oslot != nslot) {
		b->view_gen++; /* port only: the views' list cache */
		if (oslot < nslot)
			list_move(&chunk->list, &b->pcpu_slot[nslot]);
		else
			list_move_tail(&chunk->list, &b->pcpu_slot[nslot]);
	}
}
