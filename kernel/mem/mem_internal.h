/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * State shared by the fake-memory files: the physical memfd and its direct
 * map, the page allocator, memblock, the vmalloc reservation and the
 * metadata heap.  One instance: the kernel file's globals are singletons.
 */
#ifndef KSHIM_MEM_INTERNAL_H
#define KSHIM_MEM_INTERNAL_H

#include "../shim/kshim.h"
#include "mem.h"

#if defined(__SANITIZE_ADDRESS__)
#define KSHIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KSHIM_ASAN 1
#endif
#endif
#ifdef KSHIM_ASAN
#include <sanitizer/asan_interface.h>
#define mem_poison(addr, len) ASAN_POISON_MEMORY_REGION((addr), (len))
#define mem_unpoison(addr, len) ASAN_UNPOISON_MEMORY_REGION((addr), (len))
#else
#define mem_poison(addr, len) ((void)(addr), (void)(len))
#define mem_unpoison(addr, len) ((void)(addr), (void)(len))
#endif

/* the contents of fresh pages, as with page poisoning */
#define MEM_PAGE_POISON 0xaa
/* blocks above this are handed out zero and given back to the host freed */
#define MEM_RELEASE_BYTES (1UL << 20)
#define MEM_MAX_MB_RANGES 1024

struct mem_range {
	size_t off, len; /* offsets in the memfd */
};

/* one set of vmalloc areas: what pcpu_get_vm_areas returned for a chunk */
struct mem_vm_slot {
	struct vm_struct **vms;
	int nr_vms;
	struct page **ptes; /* span / page_size entries */
	unsigned long nr_mapped;
};

struct mem_heap_hdr;

struct mem {
	bool up;
	struct mem_config cfg;
	size_t ps;   /* page size */
	int shift;
	long host_ps;

	/* physical memory: [0, mb_bytes) memblock, then the page allocator;
	 * the memfd and direct map are mem_phys.c's, kept across geometries */
	int memfd;
	char *direct;
	size_t mb_bytes;
	unsigned long nr_pfns, first_pfn; /* first_pfn: first allocator page */
	unsigned long *used;              /* page allocator bitmap */
	unsigned char *head;              /* order + 1 at block heads */
	unsigned short *mapcount;         /* vmalloc mappings per page */
	size_t meta_len[4];
	void *meta[4];                    /* the arrays above and mem_map */
	unsigned long free_hint, hwm;

	/* memblock */
	size_t mb_next;
	bool mb_closed;
	struct mem_range mb_live[MEM_MAX_MB_RANGES];
	int nr_mb_live;
	struct mem_range mb_excluded;

	/* vmalloc */
	char *vm_base;
	size_t vm_len, vm_span;
	unsigned long nr_slots;
	struct mem_vm_slot *slots;
	unsigned long slot_hint;

	/* static per-CPU section */
	char *static_raw;
	size_t static_raw_len;

	/* metadata heap: live objects in allocation order */
	struct mem_heap_hdr *heap_first, *heap_last;
	unsigned long heap_seq;

	unsigned armed[MEM_NR_FAULTS];
	unsigned skip[MEM_NR_FAULTS]; /* attempts to let through first */
	struct mem_stats st;

	/* the snapshot */
	bool have_snap;
	struct mem_stats snap_st;
	unsigned long snap_heap_seq, snap_hwm, snap_free_hint;
	void *snap_alloc; /* page allocator arrays below snap_hwm */
	void *snap_mb;    /* memblock contents, live ranges minus excluded */
	size_t snap_mb_len;
};

extern struct mem mem;

bool mem_fault_fire(enum mem_fault f);
void mem_release_block(unsigned long pfn, unsigned long n);
/* memblock_free made host pages [from, to) of the direct map PROT_NONE:
 * the next geometry that reuses the map makes them accessible again */
void mem_phys_protected(char *from, char *to);
void mem_heap_release_after(unsigned long seq);
void mem_vm_release_all(void);
void mem_vm_teardown(void);
/*
 * The host side of vmalloc addresses (mem_vm_host.c): a reservation of
 * len bytes (NULL when the host refuses), an area's range made
 * inaccessible, n pages from pfn mapped at addr, a range unmapped, every
 * area released (the end of an execution), the reservation given back.
 */
char *mem_vm_host_reserve(size_t len);
/* Whether mem_vm_host_map gives pages of this order their fresh contents
 * itself, so that the page allocator need not write them (and fault them
 * in) in the direct map. */
bool mem_vm_host_fills(unsigned int order);
void mem_vm_host_area(char *addr, size_t len);
void mem_vm_host_map(char *addr, unsigned long pfn, size_t n);
void mem_vm_host_unmap(char *addr, size_t len);
void mem_vm_host_released(void);
void mem_vm_host_teardown(void);
unsigned long mem_slot_of(const void *addr);
size_t mem_snapshot_alloc_bytes(unsigned long hwm);

#endif /* KSHIM_MEM_INTERNAL_H */
