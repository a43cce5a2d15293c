/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The zeroed check, right after an allocation and before the harness writes its
 * tags: pcpu_alloc zeroes the requested (even) size on every possible CPU
 * (docs/allocator.md §7.5 step 4, invariant 13).  A miss here shows up as an
 * earlier owner's tag (tags are never 0) or stale backing memory. Cost: the
 * allocation's bytes times CPUs, which is inherent; the scan is word-wise and
 * kept out of the fuzzer's coverage feedback (check_tags.c says why).
 */
#include <stdint.h>
#include <string.h>

#include "checks_internal.h"

NO_FUZZ_COVERAGE static bool all_zero(const unsigned char *p, size_t size)
{
	uint64_t acc = 0;
	size_t i = 0;

	for (; i + 8 <= size; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		acc |= w;
	}
	for (; i < size; i++)
		acc |= p[i];
	return !acc;
}

int check_zeroed(struct run_ctx *c, unsigned int id)
{
	const struct live_alloc *a = &c->allocs[id];
	struct check_geom g;

	check_geom_get(c->b, &g);
	for (unsigned int cpu = 0; cpu < g.nr_cpus; cpu++) {
		const unsigned char *p = backend_cpu_addr(c->b, a->ptr, cpu);

		if (all_zero(p, a->size))
			continue;
		for (size_t i = 0; i < a->size; i++)
			if (p[i])
				return check_fail(
					c, CHECK_ZEROED, a->chunk_id,
					"alloc %u (chunk %s offset %ld size %zu) cpu %u byte %zu: expected 0x00, got 0x%02x",
					id, CHUNK_NAME(a->chunk_id), a->off,
					a->size, cpu, i, p[i]);
	}
	return 0;
}
