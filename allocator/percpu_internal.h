/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the userspace port of the Linux 4.9 area-map percpu
 * allocator (mm/percpu.c, mm/percpu-vm.c).  Kernel names are kept for
 * ported functions and fields.  Deviations from the kernel, all forced by
 * running in userspace as one instance among many:
 *  - the kernel's file-scope globals live in struct backend (one instance);
 *  - locks are flags: one operation runs at a time, but every release of
 *    pcpu_lock is reported as a preemption point (docs/interleavings.md),
 *    and every step keeps the kernel's order, including the restarts
 *    that lock drops force;
 *  - the balance work item is a "pending" flag run by backend_balance();
 *  - WARN()s and pr_warn()s become counters the harness can read;
 *  - BUG()s and the hang of the slot walk become status codes;
 *  - PAGE_SIZE is per instance (b->page_size);
 *  - the kernel's out-of-memory exits run only for injected failures
 *    (pcpu_mem_zalloc, pcpu_create_chunk, pcpu_populate_chunk); a real host
 *    failure aborts (host_mem.h), as a boot-time failure panics the kernel.
 */
#ifndef PCPU_FUZZ_PERCPU_INTERNAL_H
#define PCPU_FUZZ_PERCPU_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bitmap.h"
#include "host_ranges.h"
#include "list.h"
#include "pcpu.h"

/* mm/percpu.c constants of 4.9 (docs/allocator.md §1.1). */
#define PCPU_SLOT_BASE_SHIFT 5
#define PCPU_DFL_MAP_ALLOC 16
#define PCPU_ATOMIC_MAP_MARGIN_LOW 32
#define PCPU_ATOMIC_MAP_MARGIN_HIGH 64
#define PCPU_EMPTY_POP_PAGES_LOW 2
#define PCPU_EMPTY_POP_PAGES_HIGH 4
#define PERCPU_DYNAMIC_EARLY_SLOTS 128
#define PERCPU_DYNAMIC_EARLY_SIZE (12 << 10)
#define PCPU_WARN_LIMIT 10

struct pcpu_chunk {
	struct list_head list;	/* entry in one slot list (none: reserved) */
	int free_size;		/* sum of the free blocks' sizes, exact */
	int contig_hint;	/* never below the largest free block */
	uintptr_t base_addr;	/* CPU 0's unit starts here (+ unit offset) */

	int map_used;		/* blocks in map[]; map[map_used] ends the unit */
	int map_alloc;		/* capacity of map[], in entries */
	int *map;		/* block starts; bit 0 set = in use */
	struct list_head map_extend_list; /* queued for growth by balance */

	void *data;		/* the host range of a created chunk, else NULL */
	int first_free;		/* no free block has a lower index */
	bool immutable;		/* boot chunk: its pages never change */
	int nr_populated;	/* set bits in populated[] */

	/* port only: identity for views and results, and the id-ordered list */
	int id;
	enum pcpu_chunk_kind kind;
	struct list_head all;
	/*
	 * Pages some of whose contents are set since they were populated
	 * (created chunks: the poison) or set up (boot chunks: zero), and
	 * after the bitmap, one 64-bit mask per page of which 64ths are
	 * (valid while the page's bit is set); see pcpu_chunk_touch.  The
	 * boot chunks share them, as they share their pages.
	 */
	unsigned long *touched;

	unsigned long populated[]; /* one bit per page of a unit */
};

struct backend {
	unsigned fixes;

	/* geometry (pcpu_setup_first_chunk's derived globals) */
	size_t page_size;
	int page_shift;
	int pcpu_unit_pages;
	int pcpu_unit_size;
	int pcpu_nr_units;
	int pcpu_nr_slots;
	int pcpu_min_unit_size; /* PCPU_MIN_UNIT_SIZE: PFN_ALIGN(32 KiB) */
	unsigned int nr_cpus;
	unsigned long *pcpu_unit_offsets;
	size_t chunk_span; /* bytes one chunk reserves: nr_units * unit_size */

	uintptr_t pcpu_base_addr;
	struct pcpu_chunk *pcpu_first_chunk;
	struct pcpu_chunk *pcpu_reserved_chunk;
	int pcpu_reserved_chunk_limit;

	struct list_head *pcpu_slot; /* pcpu_nr_slots lists, by free bytes */
	struct list_head pcpu_map_extend_chunks;
	int pcpu_nr_empty_pop_pages;
	bool pcpu_atomic_alloc_failed;

	/* deviation: the work item becomes a flag the trace runs explicitly */
	bool balance_pending;
	/* deviation: pcpu_alloc's static warn_limit is per instance */
	int warn_limit;

	/*
	 * pcpu_lock and pcpu_alloc_mutex as flags: the port runs on one
	 * thread, but each release of pcpu_lock is a preemption point where the
	 * harness may run another CPU's operations (docs/interleavings.md).
	 */
	bool pcpu_lock_held;
	bool pcpu_alloc_mutex_held;
	pcpu_preempt_fn preempt_fn;
	void *preempt_arg;

	/* port only */
	void *first_chunk_mem; /* the embedded first chunk's memory */
	struct host_layout first_chunk_layout; /* its host range, reused */
	struct host_layout chunk_layout; /* a created chunk's host range */
	unsigned long *boot_touched; /* the boot chunks' touched pages */
	struct list_head all_chunks; /* every live chunk, ascending id */
	/* the same chunks by position, so a view finds chunk idx at once */
	struct pcpu_chunk **chunk_index;
	int chunk_index_cap;
	/*
	 * Bumped whenever a chunk may change lists (moved by relocation,
	 * tracked, untracked), so that the views find each chunk's list with
	 * one walk of every list per change (backend_view.c), not one walk
	 * per view; index_gen only when the set of chunks changes.
	 */
	unsigned long view_gen;
	unsigned long index_gen;
	struct pcpu_view_cache *view_cache;
	int next_chunk_id;
	int nr_chunks_alive;
	unsigned fault_armed[PCPU_NR_FAULTS];
	unsigned fault_skip[PCPU_NR_FAULTS]; /* attempts to let through first */
	struct pcpu_counters counters;
};

/* Kernel helpers, with PAGE_SIZE per instance. */
static inline int fls(unsigned int x)
{
	return x ? (int)(sizeof(x) * 8) - __builtin_clz(x) : 0;
}

#define PFN_DOWN(b, x) ((int)((unsigned long)(x) >> (b)->page_shift))
#define PFN_UP(b, x)                                                        \
	((int)(((unsigned long)(x) + (b)->page_size - 1) >> (b)->page_shift))
/* ALIGN is the kernel's bit-mask formula, not rounding
 * (docs/allocator.md §7.1). */
#define ALIGN_MASK(x, a) (((x) + (a) - 1) & ~((a) - 1))

/* Address of CPU cpu's copy of the chunk's unit (pcpu_chunk_addr). */
static inline char *pcpu_chunk_addr(const struct backend *b,
				    const struct pcpu_chunk *chunk,
				    unsigned int cpu)
{
	return (char *)chunk->base_addr + b->pcpu_unit_offsets[cpu];
}

static inline int max_int(int a, int b)
{
	return a > b ? a : b;
}

static inline int min_int(int a, int b)
{
	return a < b ? a : b;
}

/* percpu_slot.c */
int __pcpu_size_to_slot(int size);
int pcpu_size_to_slot(struct backend *b, int size);
int pcpu_chunk_slot(const struct backend *b, const struct pcpu_chunk *chunk);
void pcpu_chunk_relocate(struct backend *b, struct pcpu_chunk *chunk,
			 int oslot);

/* percpu_map.c */
int pcpu_need_to_extend(struct backend *b, struct pcpu_chunk *chunk,
			bool is_atomic);
int pcpu_extend_area_map(struct backend *b, struct pcpu_chunk *chunk,
			 int new_alloc);
int pcpu_count_occupied_pages(struct backend *b, struct pcpu_chunk *chunk,
			      int i);
int pcpu_alloc_area(struct backend *b, struct pcpu_chunk *chunk, int size,
		    int align, bool pop_only, int *occ_pages_p);
bool pcpu_free_area(struct backend *b, struct pcpu_chunk *chunk, int freeme,
		    int *occ_pages_p);

/*
 * Where an injected `chunk` failure strikes: one of the kernel's three
 * allocations of a chunk creation, in turn (pcpu_create_chunk).
 */
enum pcpu_chunk_fail_step {
	PCPU_CHUNK_FAIL_NONE,
	PCPU_CHUNK_FAIL_STRUCT,	/* the chunk structure */
	PCPU_CHUNK_FAIL_MAP,	/* its area map */
	PCPU_CHUNK_FAIL_AREA,	/* its vm area (address space) */
};

/* percpu_vm.c */
void *pcpu_mem_zalloc(size_t size, bool injected_failure);
size_t pcpu_chunk_struct_size(const struct backend *b);
struct pcpu_chunk *pcpu_alloc_chunk(struct backend *b,
				    enum pcpu_chunk_fail_step fail);
void pcpu_free_chunk(struct backend *b, struct pcpu_chunk *chunk);
struct pcpu_chunk *pcpu_create_chunk(struct backend *b);
void pcpu_destroy_chunk(struct backend *b, struct pcpu_chunk *chunk);
int pcpu_populate_chunk(struct backend *b, struct pcpu_chunk *chunk,
			int page_start, int page_end);
void pcpu_depopulate_chunk(struct backend *b, struct pcpu_chunk *chunk,
			   int page_start, int page_end);
void pcpu_chunk_populated(struct backend *b, struct pcpu_chunk *chunk,
			  int page_start, int page_end);
void pcpu_chunk_depopulated(struct backend *b, struct pcpu_chunk *chunk,
			    int page_start, int page_end);
struct pcpu_chunk *pcpu_vm_chunk_of(struct backend *b, uintptr_t addr);

/* percpu_port.c */
void pcpu_chunk_touch(struct backend *b, struct pcpu_chunk *chunk, int off,
		      size_t size);
/* Bytes of a chunk's touched record: the bitmap and the masks. */
size_t pcpu_touched_size(const struct backend *b);
void pcpu_chunk_track(struct backend *b, struct pcpu_chunk *chunk);
void pcpu_chunk_untrack(struct backend *b, struct pcpu_chunk *chunk);

/* backend_view.c: what backend_destroy frees of the views' cache */
void pcpu_view_cache_free(struct backend *b);

/* percpu_alloc.c */
struct pcpu_alloc_res pcpu_alloc(struct backend *b, size_t size, size_t align,
				 bool reserved, bool is_atomic);
enum pcpu_status free_percpu(struct backend *b, uintptr_t ptr);
void pcpu_schedule_balance_work(struct backend *b);

/* percpu_balance.c */
void pcpu_balance_workfn(struct backend *b);

/*
 * backend.c: the kernel's locks.  The port is sequential, so a lock is a
 * flag; what matters is where pcpu_lock is released: pcpu_unlock reports
 * the release, named, to the harness's hook, which may run other CPUs'
 * operations there (docs/interleavings.md §2.1).
 */
void pcpu_lock(struct backend *b);
void pcpu_unlock(struct backend *b, const char *point);
void pcpu_mutex_lock(struct backend *b);
void pcpu_mutex_unlock(struct backend *b);

/*
 * backend.c: one attempt of kind: consume one attempt still to let
 * through, else one armed failure, if any; true when it fails
 */
bool pcpu_fault_fire(struct backend *b, enum pcpu_fault kind);
/*
 * The same, for a call with n places a failure can strike: -1 when none
 * fires, else where it strikes, k - 1 modulo n for the k-th failure of
 * that kind fired in this instance, so that successive failures reach
 * every place (every error exit of the kernel's code) in turn.
 */
int pcpu_fault_strike(struct backend *b, enum pcpu_fault kind, int n);

#endif /* PCPU_FUZZ_PERCPU_INTERNAL_H */
