/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The zeroed check, right after an allocation and before the harness writes its
 * tags: pcpu_alloc zeroes the requested (even) size on every possible CPU
 * (docs/allocator.md §7.5 step 4, invariant 13).  A miss here shows up as an
 * earlier owner's tag (tags are never 0) or stale backing memory. Cost: the
 * allocation's bytes times CPUs, which is inherent; the scan is word-wise,
 * 32 bytes per step, kept out of the fuzzer's coverage feedback and, when
 * ASan says the range is addressable, out of ASan's per-load checks too
 * (check_tags.c and checks_internal.h say why).
 */
#include <stdint.h>
#include <string.h>

#include "checks_internal.h"

typedef uint64_t zero_vec __attribute__((vector_size(32)));

CHECK_NO_ASAN NO_FUZZ_COVERAGE static bool all_zero_fast(const unsigned char *p,
							 size_t size)
{
	zero_vec acc = { 0, 0, 0, 0 };
	uint64_t any;
	size_t i = 0;

	for (; i + sizeof(acc) <= size; i += sizeof(acc)) {
		zero_vec w;

		memcpy(&w, p + i, sizeof(w));
		acc |= w;
	}
	any = acc[0] | acc[1] | acc[2] | acc[3];
	for (; i + 8 <= size; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		any |= w;
	}
	for (; i < size; i++)
		any |= p[i];
	return !any;
}

NO_FUZZ_COVERAGE static bool all_zero(const unsigned char *p, size_t size)
{
	uint64_t acc = 0;
	size_t i = 0;

	/* below 64 bytes the instrumented loop is the cheaper one */
	if (size >= 64 && check_bytes_clean(p, size))
		return all_zero_fast(p, size);
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

	check_geom(c, &g);
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
