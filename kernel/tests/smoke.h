/* SPDX-License-Identifier: GPL-2.0-only */
/* linux-smoke's shared pieces: the test counters and the sequence runner. */
#ifndef LINUX_SMOKE_H
#define LINUX_SMOKE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../backend_linux.h"
#include "pcpu.h"
#include "check.h"

extern int passed, failed;


#define MAX_ALLOCS 4096

/* what a sequence produced, to compare runs */
struct outcome {
	int nr;
	struct {
		int status, chunk;
		unsigned long off;
		uintptr_t ptr;
	} a[MAX_ALLOCS];
	int nr_chunks;
	struct {
		int id;
		long free_size;
		int contig, nr_populated, slot;
	} c[256];
	int empty_pop_pages;
	unsigned long created, destroyed;
};

/*
 * One execution: create, nops pseudo-random operations from seed, every
 * check after every operation when checks, destroy.
 */
void run(const struct pcpu_geometry *g, uint64_t seed, int nops, bool checks,
	 struct outcome *out);

/* a live or freed allocation, as the checks below see it */
struct alloc {
	uintptr_t ptr;
	size_t size;
	bool live;
};

/*
 * The per-operation checks of run(), for the preemption tests too
 * (preempt.c): an allocation's bytes on every CPU are zero (zero) or its
 * tag (id's pattern); tags written; no two live allocations of allocs[0,
 * n) share a byte on any CPU; every hint covers free bits only.
 */
bool check_content(struct backend *b, unsigned cpus, const struct alloc *a,
		   int id, bool zero);
void write_tags(struct backend *b, unsigned cpus, const struct alloc *a,
		int id);
bool check_overlap(struct backend *b, unsigned cpus,
		   const struct alloc *allocs, int n);
bool check_hints_safe(struct backend *b);

/*
 * The preemption point (docs/interleavings.md §2.2): scenarios with a
 * hook that runs operations at the releases of pcpu_lock (preempt.c).
 */
void test_preempt(const struct pcpu_geometry *g, bool km);

#endif /* LINUX_SMOKE_H */
