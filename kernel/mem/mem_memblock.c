// SPDX-License-Identifier: GPL-2.0-only
/*
 * memblock: the boot allocator, a bump pointer over the first part of the
 * fake physical memory.  Memory it hands out is zero (its range of the
 * memfd is punched out for every geometry, mem_phys.c, and nothing is
 * handed out twice), separated by
 * poisoned red zones; memory given back becomes inaccessible (poisoned,
 * and whole host pages PROT_NONE), as a freed unit tail is not ours to
 * touch.  After the snapshot memblock is closed: boot is over.
 */
#include <sys/mman.h>

#include "mem_internal.h"

/* poisoned gap after every allocation, to catch small overruns */
#define MEM_MB_REDZONE 64

void *kshim_memblock_alloc(phys_addr_t size, phys_addr_t align,
			   phys_addr_t min_addr)
{
	size_t start;

	if (mem.mb_closed)
		kshim_bug(__FILE__, __LINE__,
			  "memblock_alloc(%llu) after boot",
			  (unsigned long long)size);
	if (!align)
		align = SMP_CACHE_BYTES;
	start = max(mem.mb_next, (size_t)min_addr);
	start = ALIGN(start, (size_t)align);
	if (!size || start + size > mem.mb_bytes)
		return NULL;
	if (mem.nr_mb_live == MEM_MAX_MB_RANGES)
		kshim_bug(__FILE__, __LINE__, "memblock: too many ranges");
	mem.mb_live[mem.nr_mb_live++] = (struct mem_range){ start, size };
	mem.mb_next = start + size + MEM_MB_REDZONE;
	mem_unpoison(mem.direct + start, size);
	return mem.direct + start;
}

void kshim_memblock_free(void *ptr, size_t size)
{
	size_t off = (size_t)((char *)ptr - mem.direct);
	uintptr_t a, b;
	int i;

	if (!size)
		return;
	if ((char *)ptr < mem.direct || off + size > mem.mb_bytes)
		kshim_bug(__FILE__, __LINE__, "memblock_free(%p): not boot memory",
			  ptr);
	for (i = 0; i < mem.nr_mb_live; i++)
		if (mem.mb_live[i].off <= off &&
		    off + size <= mem.mb_live[i].off + mem.mb_live[i].len)
			break;
	if (i == mem.nr_mb_live)
		kshim_bug(__FILE__, __LINE__,
			  "memblock_free(%p, %zu): not allocated", ptr, size);

	/* split the live range around the freed part */
	{
		struct mem_range r = mem.mb_live[i];
		struct mem_range right = { off + size, r.off + r.len - off - size };

		mem.mb_live[i].len = off - r.off;
		if (right.len) {
			if (mem.nr_mb_live == MEM_MAX_MB_RANGES)
				kshim_bug(__FILE__, __LINE__,
					  "memblock: too many ranges");
			mem.mb_live[mem.nr_mb_live++] = right;
		}
		if (!mem.mb_live[i].len)
			mem.mb_live[i] = mem.mb_live[--mem.nr_mb_live];
	}

	mem_poison(ptr, size);
	a = ALIGN((uintptr_t)ptr, (uintptr_t)mem.host_ps);
	b = ((uintptr_t)ptr + size) & ~((uintptr_t)mem.host_ps - 1);
	if (a < b && mprotect((void *)a, b - a, PROT_NONE))
		kshim_bug(__FILE__, __LINE__, "memblock_free: mprotect: %m");
	if (a < b)
		mem_phys_protected((char *)a, (char *)b);
}
