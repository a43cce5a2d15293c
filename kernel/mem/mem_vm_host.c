// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host side of vmalloc addresses (mem_vm.c keeps the slots and page
 * tables): what makes an address accessible when the kernel maps a page
 * there, and inaccessible again when it unmaps it.  Two models:
 *
 * - ASan builds: one anonymous mapping for the whole process, reused by
 *   every geometry, whose pages are accessible or not by ASan poisoning.
 *   Mapping a page unpoisons its address and gives it the page's bytes
 *   (a fresh page's fill, written here rather than in the direct map in
 *   the vm flavour), unmapping poisons it: no system call, and the host
 *   pages stay resident from one execution to the next.  Before, every
 *   populate made an mmap of the memfd page (a page fault at its first
 *   touch) and every depopulate an mmap that flushed the TLB of every
 *   host CPU, and a new geometry got a new reservation whose pages all
 *   faulted again: most of a linux fuzz execution (docs/measurements.md
 *   2.61).
 * - Others: the memfd page itself is mapped at the address (MAP_FIXED),
 *   so the area and the direct map share bytes, and unmapping maps
 *   PROT_NONE over it.
 *
 * What the first model gives up is the sharing: a byte written through
 * the area does not show in the direct map.  Nothing reads an area's page
 * through the direct map (only the km flavour and the first chunk, which
 * never use areas, go through page_address), and the one kernel bug that
 * sharing would have shown, a page mapped at two addresses, is refused
 * by mem_vm.c's vmap in both models.
 *
 * Resident memory, ASan model: what the kernel touched stays, like the
 * area map's arena (allocator/host_arena.c) and for the same reason:
 * slots are taken lowest first, so the next execution touches the same
 * pages.  An execution that reached above VM_KEEP asks how much is
 * resident there when its areas are released and gives it all back past
 * VM_KEEP_ABOVE, so a campaign does not stay as large as its widest input.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mem_internal.h"

#ifdef KSHIM_ASAN
#define VM_KEEP ((size_t)256 << 20)
#define VM_KEEP_ABOVE ((size_t)64 << 20) /* resident, not spanned */
#define VM_ALIGN ((size_t)1 << 20)        /* above any kernel page size */
/* address space only: room for most geometries at once, so that a wider
 * one seldom replaces the mapping (and the pages it keeps resident) */
#define VM_MIN_LEN ((size_t)17 << 30)

static char *region_raw, *region; /* region: VM_ALIGN-aligned start */
static size_t region_raw_len, region_len;
static size_t poisoned; /* [region, region + poisoned) is poisoned */
static size_t reached;  /* the highest end mapped since the last release */

char *mem_vm_host_reserve(size_t len)
{
	if (len > region_len) {
		/* a wider geometry than any before: a larger mapping; the
		 * old one has nothing live (mem_vm_host_teardown ran) */
		if (region_raw) {
			/* ASan keeps the shadow of an unmapped range: a
			 * mapping placed there later would inherit the poison */
			mem_unpoison(region, poisoned);
			munmap(region_raw, region_raw_len);
		}
		region_raw_len = max(len, VM_MIN_LEN) + VM_ALIGN;
		region_raw = mmap(NULL, region_raw_len, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
				  -1, 0);
		if (region_raw == MAP_FAILED) {
			region_raw = region = NULL;
			region_len = region_raw_len = 0;
			return NULL;
		}
		region = (char *)ALIGN((uintptr_t)region_raw, VM_ALIGN);
		region_len = region_raw_len - VM_ALIGN;
		poisoned = reached = 0;
	}
	return region;
}

/* Poison the region up to end on first use: its shadow is written once
 * per process, not at once for 16 GiB of reservation. */
static void poison_up_to(size_t end)
{
	if (end > poisoned) {
		mem_poison(region + poisoned, end - poisoned);
		poisoned = end;
	}
	if (end > reached)
		reached = end;
}

void mem_vm_host_area(char *addr, size_t len)
{
	poison_up_to((size_t)(addr - region) + len);
}

/*
 * In the vm flavour an order-0 page is only ever mapped here, so its
 * fresh contents are written here, at the area, and the direct map's page
 * stays untouched: no page fault for it and no host memory held twice.
 * A page mapped again without being freed in between would read fresh
 * again; percpu-vm frees every page it unmaps, on its error paths too.
 */
bool mem_vm_host_fills(unsigned int order)
{
	return order == 0 && mem.cfg.pages_for_areas;
}

void mem_vm_host_map(char *addr, unsigned long pfn, size_t n)
{
	size_t len = n << mem.shift;

	/* addr lies in an area (mem_vm.c checked): poisoned up to its end
	 * and counted in reached when the area was made */
	mem_unpoison(addr, len);
	if (mem_vm_host_fills(0))
		memset(addr, MEM_PAGE_POISON, len);
	else
		memcpy(addr, mem.direct + (pfn << mem.shift), len);
}

void mem_vm_host_unmap(char *addr, size_t len)
{
	mem_poison(addr, len);
}

/* Bytes of [p, p + len) the host has resident (p page aligned). */
static size_t resident(const char *p, size_t len)
{
	static unsigned char vec[64 << 10];
	size_t host_ps = (size_t)sysconf(_SC_PAGESIZE), n = 0;

	for (size_t done = 0; done < len; done += sizeof(vec) * host_ps) {
		size_t part = len - done < sizeof(vec) * host_ps ?
				      len - done :
				      sizeof(vec) * host_ps;

		if (mincore((void *)(p + done), part, vec))
			kshim_bug(__FILE__, __LINE__, "mincore: %m");
		for (size_t i = 0; i < (part + host_ps - 1) / host_ps; i++)
			n += vec[i] & 1;
	}
	return n * host_ps;
}

void mem_vm_host_released(void)
{
	if (reached > VM_KEEP &&
	    resident(region + VM_KEEP, reached - VM_KEEP) > VM_KEEP_ABOVE &&
	    madvise(region + VM_KEEP, reached - VM_KEEP, MADV_DONTNEED))
		kshim_bug(__FILE__, __LINE__, "madvise: %m");
	reached = 0;
}

void mem_vm_host_teardown(void)
{
	/* the mapping stays for the next geometry, wholly poisoned */
	mem_vm_host_released();
}
#else
static char *raw;
static size_t raw_len;

char *mem_vm_host_reserve(size_t len)
{
	char *p;

	raw_len = len + mem.ps;
	p = mmap(NULL, raw_len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		raw = NULL;
		return NULL;
	}
	raw = p;
	return (char *)ALIGN((uintptr_t)p, mem.ps);
}

bool mem_vm_host_fills(unsigned int order)
{
	(void)order; /* the area shows the direct map's page itself */
	return false;
}

void mem_vm_host_area(char *addr, size_t len)
{
	(void)addr;
	(void)len;
}

void mem_vm_host_map(char *addr, unsigned long pfn, size_t n)
{
	if (mmap(addr, n << mem.shift, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, mem.memfd,
		 (off_t)(pfn << mem.shift)) == MAP_FAILED)
		kshim_bug(__FILE__, __LINE__,
			  "vmap: mmap: %m (host limit, e.g. vm.max_map_count)");
}

void mem_vm_host_unmap(char *addr, size_t len)
{
	if (mmap(addr, len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1,
		 0) == MAP_FAILED)
		kshim_bug(__FILE__, __LINE__, "vunmap: mmap: %m");
}

void mem_vm_host_released(void)
{
}

void mem_vm_host_teardown(void)
{
	if (raw)
		munmap(raw, raw_len);
	raw = NULL;
}
#endif
