// SPDX-License-Identifier: GPL-2.0-only
/*
 * A process-wide cache of chunk address ranges.
 *
 * A fuzz execution creates a fresh allocator instance, and most create a
 * few chunks: with fresh mappings, the mmap, the per-unit mprotects, the
 * page faults and kernel page clears of first touches, and the munmap at
 * the end cost more than the allocator's own work.
 *
 * What carries over is host memory, never allocator state:
 * - a created chunk's range comes back wholly inaccessible, with its pages
 *   still resident (the vm backend's depopulate drops access, not pages);
 * - the first chunk's memory keeps its unit layout (accessible head,
 *   inaccessible tail per unit).
 * Neither is cleared here: a page gets the contents a fresh one would have (the
 * poison, or zero in the first chunk) when the allocator first writes to it
 * (pcpu_chunk_touch, percpu_port.c), so the cost of reuse is what an execution
 * touches, not the size of its chunks. Accessible or not is the page model's
 * (host_vm.h): PROT_NONE or ASan poison.  Under poison, ranges come from the
 * arena (host_arena.c) and this cache serves only what does not fit there.
 * Which addresses a chunk gets changes nothing the allocator decides: the chunk
 * lookup (docs/allocator.md §12) tests which range holds an address, never how
 * ranges are ordered.
 *
 * Bounded: at most HOST_RANGES_SLOTS ranges and HOST_RANGES_MAX_BYTES of
 * address space (resident pages are at most that); the oldest range is
 * unmapped to make room, and a range larger than the whole budget (huge
 * geometries) is unmapped as before.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "host_arena.h"
#include "host_mem.h"
#include "host_ranges.h"
#include "host_vm.h"

#define HOST_RANGES_SLOTS 32
#define HOST_RANGES_MAX_BYTES ((size_t)256 << 20)

struct host_range {
	void *p;
	struct host_layout l;
};

static struct host_range cache[HOST_RANGES_SLOTS];
static int nr_cached;
static size_t cached_bytes;

/* struct host_layout is four size_t: no padding to compare. */
_Static_assert(sizeof(struct host_layout) == 4 * sizeof(size_t),
	       "struct host_layout has padding");

static bool same_layout(const struct host_layout *a,
			const struct host_layout *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* Forget entry i, keeping the others oldest first. */
static void cache_drop(int i)
{
	cached_bytes -= cache[i].l.len;
	nr_cached--;
	memmove(&cache[i], &cache[i + 1],
		(size_t)(nr_cached - i) * sizeof(cache[0]));
}

static void *cache_take(const struct host_layout *l)
{
	/* newest first: its pages are the likeliest to be resident */
	for (int i = nr_cached - 1; i >= 0; i--) {
		void *p = cache[i].p;

		if (!same_layout(&cache[i].l, l))
			continue;
		cache_drop(i);
		return p;
	}
	return NULL;
}

static void first_chunk_heads(char *mem, const struct host_layout *l,
			      bool open);

void host_range_put(void *p, const struct host_layout *l)
{
	if (host_arena_owns(p)) {
		if (l->keep)
			first_chunk_heads(p, l, false);
		host_arena_put(p);
		return;
	}
	if (l->len > HOST_RANGES_MAX_BYTES) {
		host_vm_unmap(p, l->len);
		return;
	}
	/* make room by unmapping the oldest: campaigns move between
	 * geometries, and the recent ones are the likeliest to come back */
	while (nr_cached == HOST_RANGES_SLOTS ||
	       cached_bytes + l->len > HOST_RANGES_MAX_BYTES) {
		host_vm_unmap(cache[0].p, cache[0].l.len);
		cache_drop(0);
	}
	cache[nr_cached].p = p;
	cache[nr_cached].l = *l;
	nr_cached++;
	cached_bytes += l->len;
}

/*
 * The kernel's vm areas are aligned to the atom size (a page in the
 * generic setup), and alignments up to a page are only honoured relative
 * to such a base; a host mmap gives 4 KiB alignment only, so over-reserve
 * and trim.
 */
static void *reserve_aligned(size_t len, size_t align)
{
	size_t slack = align > 4096 ? align : 0;
	uintptr_t raw, base;
	void *p;

	p = host_map(len + slack, host_vm_map_prot());
	raw = (uintptr_t)p;
	base = (raw + align - 1) & ~((uintptr_t)align - 1);
	if (base > raw)
		host_unmap(p, base - raw);
	if (raw + slack > base)
		host_unmap((void *)(base + len), raw + slack - base);
	host_vm_fresh((void *)base, len);
	return (void *)base;
}

void *host_chunk_range_get(const struct host_layout *l)
{
	void *p = host_arena_get(l->len, l->page);

	if (!p)
		p = cache_take(l);
	return p ? p : reserve_aligned(l->len, l->page);
}

/* Unit u of the first chunk's memory at mem: from the first page boundary. */
static char *first_chunk_unit(char *mem, const struct host_layout *l,
			      size_t u)
{
	uintptr_t base = ((uintptr_t)mem + l->page - 1) & ~(l->page - 1);

	return (char *)base + u * l->unit;
}

void *host_first_chunk_get(const struct host_layout *l)
{
	size_t nr_units = (l->len - l->page) / l->unit;
	char *mem;

	/* every instance asks: a bad PCPU_VM stops the first one */
	(void)host_vm_model();
	mem = host_arena_get(l->len, l->page);
	if (mem) {
		first_chunk_heads(mem, l, true);
		return mem;
	}
	mem = cache_take(l);
	if (mem)
		return mem;
	mem = host_map(l->len, PROT_READ | PROT_WRITE);
	for (size_t u = 0; u < nr_units && l->keep < l->unit; u++)
		host_vm_close(first_chunk_unit(mem, l, u) + l->keep,
			      l->unit - l->keep);
	return mem;
}

/*
 * Open or close the accessible head of every unit of the first chunk's
 * memory: an arena range is wholly poisoned when taken and given back.
 * Costs the heads' shadow (keep / 8 bytes per unit), not the units'.
 */
static void first_chunk_heads(char *mem, const struct host_layout *l,
			      bool open)
{
	size_t nr_units = (l->len - l->page) / l->unit;

	for (size_t u = 0; u < nr_units; u++) {
		if (open)
			host_vm_open(first_chunk_unit(mem, l, u), l->keep);
		else
			host_vm_close(first_chunk_unit(mem, l, u), l->keep);
	}
}
