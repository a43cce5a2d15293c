/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The zeroed check, right after an allocation and before the harness
 * writes its tags: pcpu_alloc zeroes the requested (even) size on every
 * possible CPU (§7.5 step 4, invariant 13).  A miss here shows up as an
 * earlier owner's tag (tags are never 0) or stale backing memory.
 * Cost: the allocation's bytes times CPUs, which is inherent.
 */
#include "checks_internal.h"

int check_zeroed(struct run_ctx *c, unsigned int id)
{
	const struct live_alloc *a = &c->allocs[id];
	struct check_geom g;

	check_geom_get(c->b, &g);
	for (unsigned int cpu = 0; cpu < g.nr_cpus; cpu++) {
		const unsigned char *p = backend_cpu_addr(c->b, a->ptr, cpu);

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
