// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fake physical memory: one memfd, mapped once as the "direct map" and
 * kept from one geometry to the next, with one struct page per kernel
 * page.  Its first part is memblock (boot
 * memory, mem_memblock.c); the rest is handed out by an order-aligned page
 * allocator that poisons what it hands out (huge blocks are zero) and
 * catches bad and double frees and frees of pages that are still mapped.  Sparse: only pages the
 * kernel touches cost host memory.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mem_internal.h"

struct mem mem;
struct page *kshim_mem_map;
char *kshim_direct_base;

unsigned char mem_static_byte(size_t i)
{
	/* irregular, so a shifted or partial copy never looks right */
	return (unsigned char)(((uint32_t)i * 2654435761u) >> 24);
}

char *mem_static_section(void)
{
	return (char *)ALIGN((uintptr_t)mem.static_raw, mem.ps);
}

/* An anonymous mapping of len bytes whose start is aligned to align. */
static char *map_aligned(size_t len, size_t align, int prot, char **raw,
			 size_t *raw_len)
{
	char *p;

	*raw_len = len + align;
	p = mmap(NULL, *raw_len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	if (p == MAP_FAILED) {
		*raw = NULL;
		return NULL;
	}
	*raw = p;
	return (char *)ALIGN((uintptr_t)p, align);
}

/*
 * The memfd and its direct map outlive a geometry: a new geometry that
 * fits reuses them, so the pages the last one touched are still resident
 * (a fresh memfd faulted every page in again, and a campaign changes
 * geometry every third execution or so).  What a fresh memfd gave for
 * free is made explicit: boot memory reads as zero (its range is punched
 * out), huge blocks are punched when handed out (kshim_alloc_pages), and
 * every other page is filled when handed out anyway.  Past PHYS_KEEP,
 * what the last geometry wrote is given back, so one wide geometry does
 * not leave a campaign that large.
 */
#define PHYS_KEEP ((size_t)256 << 20)
/* sparse, so size costs nothing: room for most geometries at once, so
 * that a wider one seldom replaces the memfd (and all it holds) */
#define PHYS_MIN_LEN ((size_t)17 << 30)
#define PHYS_ALIGN ((size_t)1 << 20) /* above any kernel page size */

static struct {
	int fd;
	size_t len; /* the memfd's size and the direct map's */
	char *raw, *direct;
	size_t raw_len;
	size_t written; /* bytes from 0 the last geometry may have written */
	char *prot_lo, *prot_hi; /* what memblock_free made PROT_NONE */
} phys = { .fd = -1 };

static void phys_punch(size_t from, size_t to)
{
	if (from < to &&
	    fallocate(phys.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)from, (off_t)(to - from)))
		kshim_bug(__FILE__, __LINE__, "fallocate(PUNCH_HOLE): %m");
}

void mem_phys_protected(char *from, char *to)
{
	if (!phys.prot_hi || from < phys.prot_lo)
		phys.prot_lo = from;
	if (to > phys.prot_hi)
		phys.prot_hi = to;
}

/* A memfd of at least total bytes mapped at phys.direct, whose first
 * boot bytes read as zero; nonzero (errno set) when the host refuses. */
static int phys_setup(size_t total, size_t boot)
{
	if (phys.fd >= 0 && total <= phys.len) {
		if (phys.prot_hi &&
		    mprotect(phys.prot_lo, (size_t)(phys.prot_hi - phys.prot_lo),
			     PROT_READ | PROT_WRITE))
			return -1;
		phys.prot_lo = phys.prot_hi = NULL;
		phys_punch(0, boot);
		if (phys.written > PHYS_KEEP)
			phys_punch(max(boot, PHYS_KEEP), phys.written);
		phys.written = 0;
		return 0;
	}
	if (phys.fd >= 0) {
		munmap(phys.raw, phys.raw_len);
		close(phys.fd);
		phys.fd = -1;
		phys.direct = NULL;
	}
	phys.len = max(total, PHYS_MIN_LEN);
	phys.fd = memfd_create("kshim-phys", MFD_CLOEXEC);
	if (phys.fd >= 0 && !ftruncate(phys.fd, (off_t)phys.len))
		phys.direct = map_aligned(phys.len, PHYS_ALIGN, PROT_NONE,
					  &phys.raw, &phys.raw_len);
	if (phys.fd < 0 || !phys.direct ||
	    mmap(phys.direct, phys.len, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, phys.fd, 0) == MAP_FAILED) {
		int e = errno;

		if (phys.direct)
			munmap(phys.raw, phys.raw_len);
		if (phys.fd >= 0)
			close(phys.fd);
		phys.fd = -1;
		phys.direct = NULL;
		errno = e;
		return -1;
	}
	phys.prot_lo = phys.prot_hi = NULL;
	phys.written = 0;
	return 0;
}

static void *map_zeroed(size_t len)
{
	void *p = mmap(NULL, len ? len : 1, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

#define FAIL(...)                                                           \
	do {                                                                \
		snprintf(err, errlen, __VA_ARGS__);                         \
		mem_teardown();                                             \
		return -1;                                                  \
	} while (0)

int mem_reset(const struct mem_config *cfg, char *err, size_t errlen)
{
	size_t total, static_len;
	char *p;

	mem_teardown();
	memset(&mem, 0, sizeof(mem));
	mem.memfd = -1;
	mem.up = true;
	mem.cfg = *cfg;
	mem.ps = cfg->page_size;
	mem.shift = __builtin_ctzl(cfg->page_size);
	mem.host_ps = sysconf(_SC_PAGESIZE);
	mem.mb_bytes = ALIGN(cfg->memblock_bytes, mem.ps);
	total = mem.mb_bytes + ALIGN(cfg->phys_bytes, mem.ps);
	mem.nr_pfns = total >> mem.shift;
	mem.first_pfn = mem.mb_bytes >> mem.shift;
	mem.free_hint = mem.hwm = mem.first_pfn;

	if (phys_setup(total, mem.mb_bytes))
		FAIL("fake memory: memfd and direct map of %zu bytes: %m", total);
	mem.memfd = phys.fd;
	mem.direct = phys.direct;
	kshim_direct_base = mem.direct;

	mem.meta_len[0] = mem.nr_pfns * sizeof(struct page);
	mem.meta_len[1] = BITS_TO_LONGS(mem.nr_pfns) * sizeof(unsigned long);
	mem.meta_len[2] = mem.nr_pfns;
	mem.meta_len[3] = mem.nr_pfns * sizeof(unsigned short);
	for (int i = 0; i < 4; i++)
		if (!(mem.meta[i] = map_zeroed(mem.meta_len[i])))
			FAIL("fake memory: page arrays: %m");
	kshim_mem_map = mem.meta[0];
	mem.used = mem.meta[1];
	mem.head = mem.meta[2];
	mem.mapcount = mem.meta[3];

	mem.vm_len = ALIGN(cfg->vm_bytes, mem.ps);
	mem.vm_base = mem_vm_host_reserve(mem.vm_len);
	if (!mem.vm_base)
		FAIL("fake memory: vmalloc reservation of %zu bytes: %m",
		     mem.vm_len);

	static_len = ALIGN(cfg->static_size ? cfg->static_size : 1, mem.ps);
	p = map_aligned(static_len, mem.ps, PROT_READ | PROT_WRITE,
			&mem.static_raw, &mem.static_raw_len);
	if (!p)
		FAIL("fake memory: static per-CPU section: %m");
	for (size_t i = 0; i < cfg->static_size; i++)
		p[i] = (char)mem_static_byte(i);

	/* memblock hands out what it allocates; the rest stays poisoned */
	mem_poison(mem.direct, mem.mb_bytes);
	return 0;
}

void mem_teardown(void)
{
	if (!mem.up)
		return;
	mem_heap_release_after(0);
	mem_vm_teardown();
	if (mem.direct) {
		mem_unpoison(mem.direct, mem.mb_bytes);
		phys.written = max(mem.mb_bytes, (size_t)mem.hwm << mem.shift);
	}
	for (int i = 0; i < 4; i++)
		if (mem.meta[i])
			munmap(mem.meta[i], mem.meta_len[i]);
	if (mem.static_raw)
		munmap(mem.static_raw, mem.static_raw_len);
	free(mem.snap_alloc);
	free(mem.snap_mb);
	memset(&mem, 0, sizeof(mem));
	kshim_mem_map = NULL;
	kshim_direct_base = NULL;
}

bool mem_fault_fire(enum mem_fault f)
{
	if (mem.skip[f]) {
		mem.skip[f]--;
		return false;
	}
	if (!mem.armed[f])
		return false;
	mem.armed[f]--;
	mem.st.faults_fired[f]++;
	return true;
}

void mem_fail(enum mem_fault f, unsigned count, unsigned after)
{
	mem.skip[f] = after;
	mem.armed[f] += count;
}

void mem_get_stats(struct mem_stats *out)
{
	*out = mem.st;
}

/* Zero n pages from pfn and return their memory to the host. */
void mem_release_block(unsigned long pfn, unsigned long n)
{
	if (fallocate(mem.memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)(pfn << mem.shift), (off_t)(n << mem.shift)))
		kshim_bug(__FILE__, __LINE__, "fallocate(PUNCH_HOLE): %m");
}

/* The first pfn >= from of a free, n-aligned run of n pages, or nr_pfns. */
static unsigned long find_free_block(unsigned long from, unsigned long n)
{
	unsigned long pfn = ALIGN(from, n);

	while (pfn + n <= mem.nr_pfns) {
		unsigned long busy = find_next_bit(mem.used, pfn + n, pfn);

		if (busy == pfn + n)
			return pfn;
		pfn = ALIGN(busy + 1, n);
	}
	return mem.nr_pfns;
}

struct page *kshim_alloc_pages(gfp_t gfp, unsigned int order)
{
	unsigned long n, pfn;

	if (gfpflags_allow_blocking(gfp))
		kshim_might_sleep(__FILE__, __LINE__);
	if (mem_fault_fire(order ? MEM_FAULT_CHUNK : MEM_FAULT_PAGE))
		return NULL;
	if (order >= BITS_PER_LONG / 2)
		goto exhausted;
	n = 1UL << order;
	pfn = find_free_block(mem.free_hint, n);
	if (pfn >= mem.nr_pfns)
		goto exhausted;

	bitmap_set(mem.used, pfn, n);
	mem.head[pfn] = (unsigned char)(order + 1);
	for (unsigned long i = pfn; i < pfn + n; i++)
		kshim_mem_map[i] = (struct page){ 0 };
	if (!order)
		mem.free_hint = pfn + 1;
	if (pfn + n > mem.hwm)
		mem.hwm = pfn + n;
	/*
	 * Poisoned, so a missing zeroing shows; except large blocks (a km
	 * chunk can be a GiB), which are zero: punched out here (an earlier
	 * geometry may have written there) and given back when freed.
	 */
	if ((n << mem.shift) > MEM_RELEASE_BYTES)
		mem_release_block(pfn, n);
	else if (!mem_vm_host_fills(order))
		memset(mem.direct + (pfn << mem.shift), MEM_PAGE_POISON,
		       n << mem.shift);
	mem.st.pages_live += n;
	mem.st.page_allocs++;
	return &kshim_mem_map[pfn];

exhausted:
	mem.st.phys_exhausted++;
	return NULL;
}

void kshim_free_pages(struct page *page, unsigned int order)
{
	unsigned long pfn = (unsigned long)(page - kshim_mem_map);
	unsigned long n = 1UL << order;

	if (!page || pfn < mem.first_pfn || pfn >= mem.nr_pfns)
		kshim_bug(__FILE__, __LINE__, "__free_pages of %p: not an allocated page",
			  (void *)page);
	if (mem.head[pfn] != order + 1)
		kshim_bug(__FILE__, __LINE__,
			  "__free_pages(pfn %lu, order %u): %s", pfn, order,
			  mem.head[pfn] ? "allocated with another order"
					: "not allocated (double free?)");
	for (unsigned long i = pfn; i < pfn + n; i++)
		if (mem.mapcount[i])
			kshim_bug(__FILE__, __LINE__,
				  "__free_pages: pfn %lu is still mapped", i);
	if ((n << mem.shift) > MEM_RELEASE_BYTES)
		mem_release_block(pfn, n);
	bitmap_clear(mem.used, pfn, n);
	mem.head[pfn] = 0;
	if (pfn < mem.free_hint)
		mem.free_hint = pfn;
	mem.st.pages_live -= n;
	mem.st.page_frees++;
}

void *kshim_page_address(const struct page *page)
{
	unsigned long pfn = (unsigned long)(page - kshim_mem_map);

	if (!page || pfn >= mem.nr_pfns)
		kshim_bug(__FILE__, __LINE__, "page_address of %p: not a page",
			  (const void *)page);
	return mem.direct + (pfn << mem.shift);
}

struct page *kshim_virt_to_page(const void *addr)
{
	uintptr_t off = (uintptr_t)addr - (uintptr_t)mem.direct;

	if ((uintptr_t)addr < (uintptr_t)mem.direct ||
	    off >= (mem.nr_pfns << mem.shift))
		kshim_bug(__FILE__, __LINE__,
			  "virt_to_page of %p: not in the direct map", addr);
	return &kshim_mem_map[off >> mem.shift];
}
