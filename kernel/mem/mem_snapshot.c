// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fake memory's half of the post-setup snapshot.  Taken when the
 * kernel's first chunk exists and nothing else does; restoring frees every
 * metadata object and vmalloc area made since, returns the page
 * allocator's arrays and the boot memory's contents to what they were, and
 * resets counters and armed faults.  The cost follows what the execution
 * touched, not the size of the memory.
 */
#include <stdlib.h>

#include "mem_internal.h"

void mem_exclude_from_snapshot(const void *addr, size_t len)
{
	mem.mb_excluded = (struct mem_range){ (size_t)((const char *)addr -
						       mem.direct), len };
}

/*
 * Copy the live boot memory outside the excluded range to buf (save) or
 * back from it; returns the bytes covered.  buf NULL: only count.
 */
static size_t mb_copy(char *buf, bool save)
{
	size_t e0 = mem.mb_excluded.off, e1 = e0 + mem.mb_excluded.len;
	size_t done = 0;

	for (int i = 0; i < mem.nr_mb_live; i++) {
		size_t r0 = mem.mb_live[i].off, r1 = r0 + mem.mb_live[i].len;
		size_t piece[2][2] = { { r0, min(r1, e0) }, { max(r0, e1), r1 } };

		if (!mem.mb_excluded.len)
			piece[0][1] = r1, piece[1][0] = r1;
		for (int p = 0; p < 2; p++) {
			size_t a = piece[p][0], b = piece[p][1];

			if (a >= b)
				continue;
			if (buf && save)
				memcpy(buf + done, mem.direct + a, b - a);
			else if (buf)
				memcpy(mem.direct + a, buf + done, b - a);
			done += b - a;
		}
	}
	return done;
}

/* the page allocator's arrays for pfns [first_pfn, hwm) */
static size_t alloc_arrays(char *buf, unsigned long hwm, bool save)
{
	unsigned long n = hwm - mem.first_pfn;
	unsigned long w0 = BIT_WORD(mem.first_pfn), w1 = BIT_WORD(hwm + BITS_PER_LONG - 1);
	struct {
		void *p;
		size_t len;
	} part[4] = {
		{ kshim_mem_map + mem.first_pfn, n * sizeof(struct page) },
		{ mem.head + mem.first_pfn, n },
		{ mem.mapcount + mem.first_pfn, n * sizeof(unsigned short) },
		{ mem.used + w0, (w1 - w0) * sizeof(unsigned long) },
	};
	size_t done = 0;

	if (hwm <= mem.first_pfn)
		return 0;
	for (int i = 0; i < 4; i++) {
		if (buf && save)
			memcpy(buf + done, part[i].p, part[i].len);
		else if (buf)
			memcpy(part[i].p, buf + done, part[i].len);
		done += part[i].len;
	}
	return done;
}

void mem_snapshot(void)
{
	if (mem.st.areas_live)
		kshim_bug(__FILE__, __LINE__,
			  "snapshot: vmalloc areas exist before the first chunk is done");
	mem.mb_closed = true;
	free(mem.snap_alloc);
	free(mem.snap_mb);
	mem.snap_alloc = malloc(alloc_arrays(NULL, mem.hwm, true) + 1);
	mem.snap_mb_len = mb_copy(NULL, true);
	mem.snap_mb = malloc(mem.snap_mb_len + 1);
	if (!mem.snap_alloc || !mem.snap_mb)
		kshim_bug(__FILE__, __LINE__, "snapshot: out of host memory");
	alloc_arrays(mem.snap_alloc, mem.hwm, true);
	mb_copy(mem.snap_mb, true);
	mem.snap_hwm = mem.hwm;
	mem.snap_free_hint = mem.free_hint;
	mem.snap_heap_seq = mem.heap_seq;
	mem.snap_st = mem.st;
	mem.have_snap = true;
}

void mem_restore(void)
{
	unsigned long n;

	if (!mem.have_snap)
		kshim_bug(__FILE__, __LINE__, "restore without a snapshot");
	mem_heap_release_after(mem.snap_heap_seq);
	mem_vm_release_all();
	mem.slot_hint = 0;

	/* pages handed out since the snapshot go back to free */
	if (mem.hwm > mem.snap_hwm) {
		unsigned long from = max(mem.snap_hwm, mem.first_pfn);

		n = mem.hwm - from;
		/* huge blocks are zero when handed out (mem_phys.c) */
		for (unsigned long pfn = from; pfn < mem.hwm; pfn++)
			if (mem.head[pfn] &&
			    (1UL << (mem.head[pfn] - 1 + mem.shift)) > MEM_RELEASE_BYTES)
				mem_release_block(pfn, 1UL << (mem.head[pfn] - 1));
		memset(kshim_mem_map + from, 0, n * sizeof(struct page));
		memset(mem.head + from, 0, n);
		memset(mem.mapcount + from, 0, n * sizeof(unsigned short));
		bitmap_clear(mem.used, from, n);
	}
	alloc_arrays(mem.snap_alloc, mem.snap_hwm, false);
	mem.hwm = mem.snap_hwm;
	mem.free_hint = mem.snap_free_hint;

	mb_copy(mem.snap_mb, false);
	mem.st = mem.snap_st;
	memset(mem.armed, 0, sizeof(mem.armed));
	memset(mem.skip, 0, sizeof(mem.skip));
}
