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

#endif /* LINUX_SMOKE_H */
