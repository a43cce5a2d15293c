// SPDX-License-Identifier: GPL-2.0-only
/*
 * The metadata heap behind kzalloc, __vmalloc and kvfree: host malloc (so
 * ASan guards every chunk's bitmaps and hint blocks), each object behind
 * a header that links it into a list in allocation order.  The list makes
 * objects countable (leak checks), lets the snapshot free everything
 * allocated after it, and catches frees of unknown pointers.
 */
#include <stdlib.h>

#include "mem_internal.h"

#define HEAP_MAGIC 0x6b7368696d686561UL
#define HEAP_UNINIT 0x6b /* the slab poison for non-zeroing requests */

struct mem_heap_hdr {
	struct mem_heap_hdr *prev, *next;
	size_t size;
	unsigned long seq;
	unsigned long magic;
	char pad[24]; /* 64 bytes: objects keep a cache-line alignment */
};

static void heap_unlink(struct mem_heap_hdr *h)
{
	if (h->prev)
		h->prev->next = h->next;
	else
		mem.heap_first = h->next;
	if (h->next)
		h->next->prev = h->prev;
	else
		mem.heap_last = h->prev;
	h->magic = 0;
	mem.st.heap_live--;
	mem.st.heap_bytes -= h->size;
}

void *kshim_kmalloc(size_t size, gfp_t gfp)
{
	struct mem_heap_hdr *h;
	void *raw;

	if (gfpflags_allow_blocking(gfp))
		kshim_might_sleep(__FILE__, __LINE__);
	if (!kshim_slab_up)
		kshim_bug(__FILE__, __LINE__, "kmalloc(%zu) before slab is up", size);
	if (mem_fault_fire(MEM_FAULT_META))
		return NULL;
	if (posix_memalign(&raw, 64, sizeof(*h) + (size ? size : 1)))
		kshim_bug(__FILE__, __LINE__, "kmalloc(%zu): out of host memory",
			  size);
	h = raw;
	*h = (struct mem_heap_hdr){ .prev = mem.heap_last,
				    .size = size,
				    .seq = ++mem.heap_seq,
				    .magic = HEAP_MAGIC };
	if (mem.heap_last)
		mem.heap_last->next = h;
	else
		mem.heap_first = h;
	mem.heap_last = h;
	memset(h + 1, (gfp & __GFP_ZERO) ? 0 : HEAP_UNINIT, size);
	mem.st.heap_live++;
	mem.st.heap_allocs++;
	mem.st.heap_bytes += size;
	return h + 1;
}

void kshim_kvfree(const void *ptr)
{
	struct mem_heap_hdr *h;

	if (!ptr)
		return;
	h = (struct mem_heap_hdr *)ptr - 1;
	if (h->magic != HEAP_MAGIC)
		kshim_bug(__FILE__, __LINE__,
			  "kvfree(%p): not a live metadata object", ptr);
	heap_unlink(h);
	mem.st.heap_frees++;
	free(h);
}

/* free every object allocated after sequence number seq (0: all) */
void mem_heap_release_after(unsigned long seq)
{
	while (mem.heap_last && mem.heap_last->seq > seq) {
		struct mem_heap_hdr *h = mem.heap_last;

		heap_unlink(h);
		free(h);
	}
}
