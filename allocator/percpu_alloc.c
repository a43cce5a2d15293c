// SPDX-License-Identifier: GPL-2.0-only
/*
 * pcpu_alloc and free_percpu (docs/allocator.md §7, §8).
 */
#include <string.h>

#include "percpu_internal.h"

/* Deviation: scheduling the work item only marks it pending. */
void pcpu_schedule_balance_work(struct backend *b)
{
	b->balance_pending = true;
}

static bool is_power_of_2(size_t n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

static struct pcpu_alloc_res pcpu_alloc_fail(struct backend *b,
					     bool is_atomic)
{
	struct pcpu_alloc_res res = { .status = PCPU_FAIL, .chunk_id = 0 };

	/* deviation: the warning (limited to 10) becomes a counter */
	if (!is_atomic && b->warn_limit) {
		b->counters.warn_failed++;
		b->warn_limit--;
	}
	if (is_atomic) {
		/* the next balance populates PCPU_EMPTY_POP_PAGES_HIGH
		 * pages whatever the count says (pcpu_balance_populate) */
		b->pcpu_atomic_alloc_failed = true;
		b->counters.atomic_failed++;
		pcpu_schedule_balance_work(b);
	}
	return res;
}

/**
 * pcpu_alloc - one allocation request, end to end
 * @size: bytes wanted in every CPU's unit
 * @align: wanted alignment of the offset; above the page size is refused
 * @reserved: use the reserved chunk, when the geometry has one
 * @is_atomic: the request may not sleep (gfp is not GFP_KERNEL)
 *
 * The locks are taken and released where 4.9 takes and releases them, so
 * that each release is a preemption point (docs/interleavings.md §2.1).
 *
 * Deviation: instead of a pointer the port returns the outcome, the chunk
 * and offset, and PCPU_HANG where the kernel's slot walk never returns.
 */
struct pcpu_alloc_res pcpu_alloc(struct backend *b, size_t size, size_t align,
				 bool reserved, bool is_atomic)
{
	struct pcpu_alloc_res res = { .status = PCPU_OK };
	struct pcpu_chunk *chunk;
	int occ_pages = 0;
	int slot, off, new_alloc, isize, ialign;
	unsigned int cpu;

	/* bit 0 of a map entry flags the block in use, so offsets must stay
	 * even: the size is rounded up to even, the alignment raised to 2 */
	if (align < 2)
		align = 2;

	size = ALIGN_MASK(size, (size_t)2);

	if (!size || size > (size_t)b->pcpu_min_unit_size ||
	    align > b->page_size ||
	    ((b->fixes & PCPU_FIX_ALIGN_POW2) && !is_power_of_2(align))) {
		/* deviation: WARN(illegal size or align) becomes a counter */
		b->counters.warn_illegal++;
		res.status = PCPU_FAIL;
		return res;
	}
	isize = (int)size;
	ialign = (int)align;

	/* a sleeping request holds the mutex until its pages are in */
	if (!is_atomic)
		pcpu_mutex_lock(b);
	pcpu_lock(b);

	/* a reserved request goes to the reserved chunk only, when it
	 * exists; otherwise it is served like any other */
	if (reserved && b->pcpu_reserved_chunk) {
		chunk = b->pcpu_reserved_chunk;

		if (isize > chunk->contig_hint)
			goto fail_unlock;

		while ((new_alloc = pcpu_need_to_extend(b, chunk, is_atomic))) {
			pcpu_unlock(b, "extend");
			if (is_atomic ||
			    pcpu_extend_area_map(b, chunk, new_alloc) < 0)
				goto fail;
			b->counters.map_ext_sync++;
			pcpu_lock(b);
		}

		off = pcpu_alloc_area(b, chunk, isize, ialign, is_atomic,
				      &occ_pages);
		if (off >= 0)
			goto area_found;

		goto fail_unlock;
	}

restart:
	/* slots from the request's size up; each list in order */
	for (slot = pcpu_size_to_slot(b, isize); slot < b->pcpu_nr_slots;
	     slot++) {
		struct list_head *head = &b->pcpu_slot[slot];
		struct list_head *pos = head->next;

		while (pos != head) {
			struct list_head *next_saved = pos->next;

			chunk = list_entry(pos, struct pcpu_chunk, list);

			if (isize > chunk->contig_hint)
				goto next;

			new_alloc = pcpu_need_to_extend(b, chunk, is_atomic);
			if (new_alloc) {
				if (is_atomic)
					goto next;
				pcpu_unlock(b, "extend");
				if (pcpu_extend_area_map(b, chunk,
							 new_alloc) < 0)
					goto fail;
				b->counters.map_ext_sync++;
				pcpu_lock(b);
				/* the lock was dropped, so the lists may have
				 * changed: walk again from the first slot */
				goto restart;
			}

			off = pcpu_alloc_area(b, chunk, isize, ialign,
					      is_atomic, &occ_pages);
			if (off >= 0)
				goto area_found;

			if (b->fixes & PCPU_FIX_SLOT_WALK) {
				/* fixed: continue from the entry saved before
				 * the call, as list_for_each_entry_safe does */
				pos = next_saved;
				continue;
			}
			/*
			 * Faithful walk: follow the chunk's current link.  If
			 * the failed attempt moved the chunk to another list,
			 * the kernel walks into that list's head and never
			 * terminates (docs/allocator.md §14.1).  Deviation: the port
			 * stops here, lets go of its locks and reports the hang.
			 */
			if (pcpu_chunk_slot(b, chunk) != slot) {
				b->pcpu_lock_held = false;
				if (!is_atomic)
					b->pcpu_alloc_mutex_held = false;
				res.status = PCPU_HANG;
				return res;
			}
next:
			pos = chunk->list.next;
		}
	}

	pcpu_unlock(b, "create");

	/* nothing fits: an atomic request fails; a sleeping one makes
	 * sure an empty chunk exists and walks again */
	if (is_atomic)
		goto fail;

	if (list_empty(&b->pcpu_slot[b->pcpu_nr_slots - 1])) {
		chunk = pcpu_create_chunk(b);
		if (!chunk)
			goto fail;
		pcpu_lock(b);
		pcpu_chunk_relocate(b, chunk, -1);
	} else {
		pcpu_lock(b);
	}

	goto restart;

area_found:
	pcpu_unlock(b, "area-found");

	/* a sleeping request populates the unpopulated runs its area
	 * covers; an atomic one was placed on populated pages only */
	if (!is_atomic) {
		int page_start = PFN_DOWN(b, off);
		int page_end = PFN_UP(b, off + isize);
		int rs = page_start, re, ret;

		while (true) {
			rs = find_next_zero_bit(chunk->populated, page_end, rs);
			if (rs >= page_end)
				break;
			re = find_next_bit(chunk->populated, page_end, rs + 1);

			ret = pcpu_populate_chunk(b, chunk, rs, re);

			pcpu_lock(b);
			if (ret) {
				int alloc_occ = occ_pages;

				/* the just-allocated area goes back; its
				 * occupied-page count is discarded, which is
				 * right only if nobody freed next to it while
				 * the lock was dropped (docs/allocator.md §14.8) */
				pcpu_free_area(b, chunk, off, &occ_pages);
				if ((b->fixes & PCPU_FIX_POP_FAIL_COUNT) &&
				    chunk != b->pcpu_reserved_chunk)
					b->pcpu_nr_empty_pop_pages +=
						occ_pages - alloc_occ;
				goto fail_unlock;
			}
			pcpu_chunk_populated(b, chunk, rs, re);
			pcpu_unlock(b, "populated");
			rs = re;
		}

		pcpu_mutex_unlock(b);
	}

	/* outside both locks, as in 4.9 */
	if (chunk != b->pcpu_reserved_chunk)
		b->pcpu_nr_empty_pop_pages -= occ_pages;

	if (b->pcpu_nr_empty_pop_pages < PCPU_EMPTY_POP_PAGES_LOW)
		pcpu_schedule_balance_work(b);

	/* port only: fresh pages read as fresh pages (percpu_port.c) */
	pcpu_chunk_touch(b, chunk, off, size);

	/* every CPU's copy reads as zero; the result is chunk and offset */
	for (cpu = 0; cpu < b->nr_cpus; cpu++)
		memset(pcpu_chunk_addr(b, chunk, cpu) + off, 0, size);

	res.chunk_id = chunk->id;
	res.off = (unsigned long)off;
	res.ptr = chunk->base_addr + (uintptr_t)off;
	return res;

fail_unlock:
	pcpu_unlock(b, "fail");
fail:
	if (!is_atomic)
		pcpu_mutex_unlock(b);
	return pcpu_alloc_fail(b, is_atomic);
}

/*
 * pcpu_chunk_addr_search - which chunk an address handed out belongs to
 *
 * The first chunk (and the reserved chunk inside it) by range; any other
 * address is moved into the current CPU's unit and looked up through its
 * page.  Deviation: the current CPU is always CPU 0.
 */
static struct pcpu_chunk *pcpu_chunk_addr_search(struct backend *b,
						 uintptr_t addr)
{
	uintptr_t first_start = b->pcpu_first_chunk->base_addr;

	/*
	 * The kernel's addr >= first_start && addr < first_start + unit_size
	 * as one unsigned comparison: which of its two tests decides depends
	 * only on where the host put the chunks (created chunks sit above
	 * the first chunk in the kernel, anywhere here), and the fuzzers'
	 * coverage feedback must depend on the input alone.
	 */
	if (addr - first_start < (uintptr_t)b->pcpu_unit_size) {
		if (addr < first_start +
				   (uintptr_t)b->pcpu_reserved_chunk_limit)
			return b->pcpu_reserved_chunk;
		return b->pcpu_first_chunk;
	}

	addr += b->pcpu_unit_offsets[0];
	return pcpu_vm_chunk_of(b, addr);
}

/**
 * free_percpu - give back the allocation that starts at @ptr
 *
 * Return: PCPU_OK, or PCPU_BUG where the kernel would oops (an address in
 * no chunk) or BUG() (not the start of an in-use block).
 */
enum pcpu_status free_percpu(struct backend *b, uintptr_t ptr)
{
	struct pcpu_chunk *chunk;
	int off, occ_pages;

	if (!ptr)
		return PCPU_OK;

	pcpu_lock(b);
	chunk = pcpu_chunk_addr_search(b, ptr);
	off = chunk ? (int)(ptr - chunk->base_addr) : 0;
	if (!chunk || !pcpu_free_area(b, chunk, off, &occ_pages)) {
		/* the kernel oopses or BUG()s holding the lock; the port
		 * reports it and lets go */
		b->pcpu_lock_held = false;
		return PCPU_BUG;
	}

	if (chunk != b->pcpu_reserved_chunk)
		b->pcpu_nr_empty_pop_pages += occ_pages;

	/* this chunk became empty and another empty one exists: ask the
	 * balance work to destroy the spare */
	if (chunk->free_size == b->pcpu_unit_size) {
		struct list_head *head = &b->pcpu_slot[b->pcpu_nr_slots - 1];

		for (struct list_head *pos = head->next; pos != head;
		     pos = pos->next) {
			if (list_entry(pos, struct pcpu_chunk, list) != chunk) {
				pcpu_schedule_balance_work(b);
				break;
			}
		}
	}
	pcpu_unlock(b, "free");
	return PCPU_OK;
}
