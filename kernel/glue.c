// SPDX-License-Identifier: GPL-2.0-only
/*
 * The glue: one translation unit holding the unmodified mm/percpu.c of
 * the kernel being built (which pulls in percpu-vm.c, or percpu-km.c with
 * -DKGLUE_KM) and the accessors the backend calls.  Being in the same
 * unit, the accessors reach the kernel's static functions and variables
 * without a single edit to its files.
 *
 * Built once per (kernel version x vm|km) with -DKGLUE_VERSION='"6.12"'.
 * Its .data and .bss (the kernel's state, nothing of ours) are renamed to
 * the kpcpu_data / kpcpu_bss sections after compiling, so the backend can
 * save and restore them (kstate.c); keep any state of ours out of here.
 */
#define KBUILD_MODNAME "percpu"
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#define CONFIG_SMP 1
#ifdef KGLUE_KM
#define CONFIG_NEED_PER_CPU_KM 1
#endif

#include <stdio.h>

#include "shim/kshim.h"
#include "glue.h"
#include "mem/mem.h"
#include "shim_rt.h"

/*
 * Warnings the kernel's own build does not enable (it uses -Wall without
 * -Wextra) and that its code triggers; ours above stay fully checked.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include <percpu.c>
#pragma GCC diagnostic pop

#ifndef KGLUE_VERSION
#error "build the glue with -DKGLUE_VERSION='\"6.12\"' (see mk/linux.mk)"
#endif

/*
 * Our functions in this unit that run for every chunk after every
 * operation (the accessors behind the views, the checks of
 * checks/glue_checks.c) opt out of the fuzzer's coverage feedback, as
 * mk/nocov.mk's files do: their loops count the state, not what the kernel
 * decided.  noinline: the coverage pass runs after inlining, so what they
 * inline of the kernel stays out too.  clang only; gcc builds no fuzzer.
 */
#if defined(__clang__)
#define KGLUE_NO_COVERAGE __attribute__((no_sanitize("coverage"), noinline))
#else
#define KGLUE_NO_COVERAGE
#endif

const char *kglue_name(void)
{
#ifdef KGLUE_KM
	return "linux-" KGLUE_VERSION "-km";
#else
	return "linux-" KGLUE_VERSION "-vm";
#endif
}

unsigned int kglue_nr_cpus(void)
{
	return NR_CPUS;
}

bool kglue_is_km(void)
{
#ifdef KGLUE_KM
	return true;
#else
	return false;
#endif
}

size_t kglue_dynamic_early_size(void)
{
	return PERCPU_DYNAMIC_EARLY_SIZE;
}

/* Would pcpu_embed_first_chunk(reserved, dyn, PAGE_SIZE) build g? */
static bool embed_builds(const struct pcpu_geometry *g, size_t reserved,
			 size_t dyn)
{
	size_t size_sum = PFN_ALIGN(g->static_size + reserved +
				    max_t(size_t, dyn, PERCPU_DYNAMIC_EARLY_SIZE));

	return g->reserved_size == reserved &&
	       size_sum - g->static_size - reserved == g->dyn_size &&
	       max_t(size_t, size_sum, PCPU_MIN_UNIT_SIZE) == g->unit_size;
}

/*
 * Any other geometry: build the allocation info by hand, one group with
 * CPU c in unit c, and lay the first chunk out the way the embedding
 * helper does (static copy in every unit, unit tails given back).
 */
static void arch_first_chunk(const struct pcpu_geometry *g)
{
	size_t size_sum = g->static_size + g->reserved_size + g->dyn_size;
	struct pcpu_alloc_info *ai = pcpu_alloc_alloc_info(1, nr_cpu_ids);
	unsigned int cpu;
	char *base;

	if (!ai)
		panic("glue: no memory for the allocation info");
	ai->static_size = g->static_size;
	ai->reserved_size = g->reserved_size;
	ai->dyn_size = g->dyn_size;
	ai->unit_size = g->unit_size;
	ai->atom_size = PAGE_SIZE;
	ai->alloc_size = g->unit_size;
	ai->groups[0].nr_units = nr_cpu_ids;
	ai->groups[0].base_offset = 0;
	for_each_possible_cpu(cpu)
		ai->groups[0].cpu_map[cpu] = cpu;

	base = memblock_alloc_from(nr_cpu_ids * g->unit_size, PAGE_SIZE,
				   __pa(MAX_DMA_ADDRESS));
	if (!base)
		panic("glue: no boot memory for the first chunk");
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		char *unit = base + cpu * g->unit_size;

		memcpy(unit, __per_cpu_load, g->static_size);
		if (g->unit_size > size_sum)
			memblock_free(unit + size_sum, g->unit_size - size_sum);
	}
	pcpu_setup_first_chunk(ai, base);
	pcpu_free_alloc_info(ai);
}

enum kglue_setup kglue_boot(const struct pcpu_geometry *g)
{
	enum kglue_setup path;
	unsigned long delta;
	unsigned int cpu;

	if (embed_builds(g, PERCPU_MODULE_RESERVE, PERCPU_DYNAMIC_RESERVE)) {
		/* the generic SMP setup sets the per-CPU offsets itself */
		setup_per_cpu_areas();
		path = KGLUE_SETUP_GENERIC;
	} else {
		if (embed_builds(g, g->reserved_size, g->dyn_size)) {
			if (pcpu_embed_first_chunk(g->reserved_size, g->dyn_size,
						   PAGE_SIZE, NULL, NULL) < 0)
				panic("glue: pcpu_embed_first_chunk failed");
			path = KGLUE_SETUP_EMBED;
		} else {
			arch_first_chunk(g);
			path = KGLUE_SETUP_ARCH;
		}
		/* what arch code does next, as setup_per_cpu_areas() does */
		delta = (unsigned long)pcpu_base_addr -
			(unsigned long)__per_cpu_start;
		for_each_possible_cpu(cpu)
			__per_cpu_offset[cpu] = delta + pcpu_unit_offsets[cpu];
	}
	/* later in boot: slab comes up, then the initcall enables the work */
	kshim_boot_done();
	percpu_enable_async();
	return path;
}

uintptr_t kglue_alloc(size_t size, size_t align, bool reserved, bool atomic)
{
	gfp_t gfp = atomic ? GFP_NOWAIT : GFP_KERNEL;

	/* 6.12 made __alloc_percpu a macro over pcpu_alloc_noprof() */
#ifdef __alloc_percpu
	return (uintptr_t)pcpu_alloc_noprof(size, align, reserved, gfp);
#else
	return (uintptr_t)pcpu_alloc(size, align, reserved, gfp);
#endif
}

void kglue_free(uintptr_t ptr)
{
	free_percpu((void __percpu *)ptr);
}

void *kglue_cpu_addr(uintptr_t ptr, unsigned int cpu)
{
	return per_cpu_ptr((void __percpu *)ptr, cpu);
}

bool kglue_balance(bool force)
{
	if (!force && !pcpu_balance_work.pending)
		return false;
	/* a work item stops being pending when it starts to run */
	pcpu_balance_work.pending = false;
	pcpu_balance_work.func(&pcpu_balance_work);
	return true;
}

/*
 * The preemption point (docs/interleavings.md §2.2): the lock whose
 * release it is, the mutex whose holder decides what may nest there, and
 * the names of the functions of this build that release the lock, which
 * kernel/preempt-points.sh found in these very sources (mk/linux.mk
 * generates preempt_points.h per version and flavour).  The array is
 * read-only, so it stays out of the kernel state kstate.c copies.
 */
const void *kglue_pcpu_lock(void)
{
	return &pcpu_lock.held;
}

bool kglue_alloc_mutex_held(void)
{
	return pcpu_alloc_mutex.held;
}

const char *const *kglue_preempt_points(void)
{
	static const char *const points[] = {
#include "preempt_points.h"
		NULL,
	};

	return points;
}

KGLUE_NO_COVERAGE static void chunk_info(struct pcpu_chunk *chunk,
					 int slot, struct kglue_chunk *out)
{
	*out = (struct kglue_chunk){
		.handle = chunk,
		.base_addr = (uintptr_t)chunk->base_addr,
		.first = chunk == pcpu_first_chunk,
		.reserved = chunk == pcpu_reserved_chunk,
		.immutable = chunk->immutable,
		.isolated = chunk->isolated,
		.slot = slot,
		.start_offset = chunk->start_offset,
		.end_offset = chunk->end_offset,
		.nr_pages = chunk->nr_pages,
		.nr_populated = chunk->nr_populated,
		.nr_empty_pop_pages = chunk->nr_empty_pop_pages,
		.free_bytes = chunk->free_bytes,
		.contig_bits = chunk->chunk_md.contig_hint,
		.contig_bits_start = chunk->chunk_md.contig_hint_start,
		.scan_bits = chunk->chunk_md.scan_hint,
		.scan_bits_start = chunk->chunk_md.scan_hint_start,
		.first_free_bit = chunk->chunk_md.first_free,
		.populated = chunk->populated,
	};
}

const void *kglue_chunk_of(uintptr_t ptr, struct kglue_chunk *info,
			   unsigned long *off)
{
	void *addr = __pcpu_ptr_to_addr((void __percpu *)ptr);
	struct pcpu_chunk *chunk = pcpu_chunk_addr_search(addr);

	chunk_info(chunk, -2, info);
	*off = (unsigned long)((char *)addr - (char *)chunk->base_addr);
	return chunk;
}

KGLUE_NO_COVERAGE int kglue_chunks(struct kglue_chunk *out, int max)
{
	struct pcpu_chunk *chunk;
	int n = 0;

	if (pcpu_reserved_chunk) {
		if (n < max)
			chunk_info(pcpu_reserved_chunk, -1, &out[n]);
		n++;
	}
	for (int slot = 0; slot < pcpu_nr_slots; slot++)
		list_for_each_entry(chunk, &pcpu_chunk_lists[slot], list) {
			if (n < max)
				chunk_info(chunk, slot, &out[n]);
			n++;
		}
	return n;
}

KGLUE_NO_COVERAGE int kglue_slot_list(int slot, const void **out, int max)
{
	struct pcpu_chunk *chunk;
	int n = 0;

	if (slot < 0 || slot >= pcpu_nr_slots)
		return 0;
	list_for_each_entry(chunk, &pcpu_chunk_lists[slot], list) {
		if (n < max)
			out[n] = chunk;
		n++;
	}
	return n;
}

KGLUE_NO_COVERAGE void kglue_global(struct kglue_global *out)
{
	*out = (struct kglue_global){
		.page_size = PAGE_SIZE,
		.unit_size = (size_t)pcpu_unit_size,
		.unit_pages = pcpu_unit_pages,
		.nr_units = pcpu_nr_units,
		.nr_slots = pcpu_nr_slots,
		.sidelined_slot = pcpu_sidelined_slot,
		.free_slot = pcpu_free_slot,
		.to_depopulate_slot = pcpu_to_depopulate_slot,
		.nr_empty_pop_pages = pcpu_nr_empty_pop_pages,
		.nr_populated = pcpu_nr_populated,
		.unit_offsets = pcpu_unit_offsets,
		.base_addr = (uintptr_t)pcpu_base_addr,
		.balance_pending = pcpu_balance_work.pending,
		.atomic_alloc_failed = pcpu_atomic_alloc_failed,
		.async_enabled = pcpu_async_enabled,
	};
	if (pcpu_first_chunk)
		out->size_sum = (size_t)((char *)pcpu_first_chunk->base_addr +
					 pcpu_first_chunk->nr_pages * PAGE_SIZE -
					 pcpu_first_chunk->end_offset -
					 (char *)pcpu_base_addr);
}

/* the checks that read the kernel's internals, in this same unit */
#include "checks/glue_checks.c"
