/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fake memory under the kernel file, as the backend drives it (no
 * kernel types): created per geometry, snapshotted after the kernel's
 * setup, returned to that snapshot before every execution, failed on
 * request, and counted so that leaks show.
 */
#ifndef KSHIM_MEM_H
#define KSHIM_MEM_H

#include <stdbool.h>
#include <stddef.h>

struct mem_config {
	size_t page_size;      /* the kernel's PAGE_SIZE (>= the host's) */
	size_t static_size;    /* the static per-CPU section */
	size_t memblock_bytes; /* boot memory: first chunk, setup metadata */
	size_t phys_bytes;     /* what the page allocator hands out */
	size_t vm_bytes;       /* the vmalloc reservation */
	/* order-0 pages are only ever mapped into vmalloc areas (the vm
	 * flavour: pcpu_alloc_pages is their one caller), never read
	 * through the direct map */
	bool pages_for_areas;
};

/*
 * Fault sites; mem_fail(f, count, after) lets the next `after` attempts
 * succeed (replacing what is left of an earlier wait), then makes count
 * more fail.
 */
enum mem_fault {
	MEM_FAULT_PAGE,  /* order-0 page allocation (vm: populating pages) */
	MEM_FAULT_CHUNK, /* a vmalloc area, or a high-order page block (km) */
	MEM_FAULT_META,  /* kzalloc / __vmalloc of allocator metadata */
	MEM_FAULT_VMAP,  /* mapping pages: half the range maps, then -ENOMEM */
	MEM_NR_FAULTS
};

struct mem_stats {
	unsigned long pages_live;   /* kernel pages out of the page allocator */
	unsigned long page_allocs;  /* calls that succeeded */
	unsigned long page_frees;
	unsigned long areas_live;   /* vmalloc area sets (chunks) */
	unsigned long area_allocs;
	unsigned long area_frees;
	unsigned long pages_mapped; /* pages mapped into vmalloc areas now */
	unsigned long maps;         /* pages mapped, cumulative */
	unsigned long unmaps;       /* pages unmapped, cumulative */
	unsigned long heap_live;    /* metadata objects */
	unsigned long heap_allocs;
	unsigned long heap_frees;
	size_t heap_bytes;
	unsigned long faults_fired[MEM_NR_FAULTS];
	/* not the kernel's doing: the fake memory or the host ran out */
	unsigned long phys_exhausted;
	unsigned long vm_exhausted;
	/* pages still mapped when their vmalloc area was freed */
	unsigned long leaked_mappings;
};

/* Drop everything and create fresh memory; -1 with a reason on failure. */
int mem_reset(const struct mem_config *cfg, char *err, size_t errlen);
/* Release every mapping, descriptor and object the fake memory holds. */
void mem_teardown(void);
/* The static per-CPU section of this geometry and its byte pattern. */
char *mem_static_section(void);
unsigned char mem_static_byte(size_t i);
/* Boot memory whose contents the backend restores itself (first chunk). */
void mem_exclude_from_snapshot(const void *addr, size_t len);
/* Record the state after setup; memblock is closed from now on. */
void mem_snapshot(void);
/* Back to the snapshot: objects, pages, areas, contents, counters, faults. */
void mem_restore(void);
void mem_fail(enum mem_fault f, unsigned count, unsigned after);
void mem_get_stats(struct mem_stats *out);

#endif /* KSHIM_MEM_H */
