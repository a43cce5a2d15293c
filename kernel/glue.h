/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the glue translation unit (the unmodified mm/percpu.c plus thin
 * accessors, kernel/glue.c) offers the rest of the linux backend, in
 * plain types and include/pcpu.h's geometry.  Chunks are opaque handles
 * (struct pcpu_chunk pointers).
 */
#ifndef KGLUE_H
#define KGLUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcpu.h"

/* Which of the kernel's ways to build the first chunk a geometry took. */
enum kglue_setup {
	KGLUE_SETUP_GENERIC, /* setup_per_cpu_areas(), the generic SMP setup */
	KGLUE_SETUP_EMBED,   /* pcpu_embed_first_chunk(reserved, dyn, ...) */
	KGLUE_SETUP_ARCH,    /* a hand-built pcpu_alloc_info, as arch code does */
};

struct kglue_chunk {
	const void *handle;
	uintptr_t base_addr; /* chunk->base_addr */
	bool first, reserved, immutable, isolated;
	int slot; /* the chunk list it is on, -1 for none */
	int start_offset, end_offset;
	int nr_pages, nr_populated, nr_empty_pop_pages;
	int free_bytes;
	/* chunk_md, in bits of PCPU_MIN_ALLOC_SIZE bytes */
	int contig_bits, contig_bits_start, scan_bits, scan_bits_start;
	int first_free_bit;
	const unsigned long *populated; /* nr_pages bits */
};

struct kglue_global {
	size_t page_size;
	size_t unit_size;
	int unit_pages;
	int nr_units;
	int nr_slots, sidelined_slot, free_slot, to_depopulate_slot;
	int nr_empty_pop_pages;
	unsigned long nr_populated;
	const unsigned long *unit_offsets; /* per CPU */
	uintptr_t base_addr;               /* pcpu_base_addr: unit 0 */
	size_t size_sum;                   /* static + reserved + dyn */
	bool balance_pending, atomic_alloc_failed, async_enabled;
};

const char *kglue_name(void); /* e.g. "linux-6.12-vm" */
unsigned int kglue_nr_cpus(void); /* NR_CPUS */
bool kglue_is_km(void);
/* PERCPU_DYNAMIC_EARLY_SIZE: the smallest dyn the kernel's setup accepts */
size_t kglue_dynamic_early_size(void);
/* Run the kernel's first-chunk setup (geometry already checked). */
enum kglue_setup kglue_boot(const struct pcpu_geometry *g);

uintptr_t kglue_alloc(size_t size, size_t align, bool reserved, bool atomic);
void kglue_free(uintptr_t ptr);
void *kglue_cpu_addr(uintptr_t ptr, unsigned int cpu);
/* Run the balance work if forced or pending; true when it ran. */
bool kglue_balance(bool force);

/*
 * The preemption point: pcpu_lock's held flag (the lock kshim_set_preempt
 * watches), whether pcpu_alloc_mutex is held now, and the functions of
 * this build that release pcpu_lock, NULL-terminated, as
 * kernel/preempt-points.sh names them (no `_noprof`).
 */
const void *kglue_pcpu_lock(void);
bool kglue_alloc_mutex_held(void);
const char *const *kglue_preempt_points(void);

/*
 * The chunk serving ptr (pcpu_chunk_addr_search), described in info (slot
 * not looked up: -2), and the address's offset from chunk->base_addr.
 */
const void *kglue_chunk_of(uintptr_t ptr, struct kglue_chunk *info,
			   unsigned long *off);
/* Every chunk: the reserved one, then each slot list in slot order. */
int kglue_chunks(struct kglue_chunk *out, int max);
int kglue_slot_list(int slot, const void **out, int max);
void kglue_global(struct kglue_global *out);
/*
 * Pages, mappings, vmalloc areas and metadata objects against what the
 * live chunks account for: 0, or -1 with the first difference in err.
 * The pages of a chunk are walked when only is NULL, or when the chunk
 * is one of only's nr_only (handles as in struct kglue_chunk); the
 * counts over all chunks are compared either way.
 */
int kglue_check_backing(const void *const *only, int nr_only, char *err,
			size_t errlen);
/* Whether chunk (a handle as in struct kglue_chunk) is one of list's n. */
bool kglue_chunk_listed(const void *chunk, const void *const *list, int n);
/*
 * The kernel's counters against a recount from its bitmaps: free_bytes,
 * nr_populated and nr_empty_pop_pages of every chunk (of only's, as
 * above), the global empty and populated page counts.  0, or -1 with the
 * first difference in err.
 */
int kglue_check_accounting(const void *const *only, int nr_only, char *err,
			   size_t errlen);

/*
 * Hint metadata (struct pcpu_block_md) of one block of a chunk, or of the
 * chunk itself (chunk_md, block -1), next to the truth recomputed from
 * alloc_map over the same bits; all in bits.  For the bitmap-era checks:
 * the kernel's hint fields, and what they would be if exact.
 */
struct kglue_md {
	int scan_hint, scan_hint_start;
	int contig_hint, contig_hint_start;
	int left_free, right_free, first_free;
	int nr_bits;
	/* recomputed from the bitmap */
	int true_first_free; /* nr_bits when nothing is free */
	int true_left_free, true_right_free;
	int true_largest, true_largest_start; /* first of the largest runs */
};
int kglue_chunk_nr_blocks(const void *chunk);
void kglue_chunk_md(const void *chunk, int block, struct kglue_md *out);
/* the chunk's bitmaps, read-only: map_bits bits, bound_map one more */
void kglue_chunk_maps(const void *chunk, const unsigned long **alloc_map,
		      const unsigned long **bound_map, int *map_bits);

#endif /* KGLUE_H */
