// SPDX-License-Identifier: GPL-2.0-only
/* Checks for kernel tests that call the backend directly: ktest_checks.h. */
#include <stdio.h>
#include <stdlib.h>

#include "backend_linux.h"
#include "ktest_checks.h"

/* byte i of tag number id, as written on cpu */
static unsigned char tag(int id, unsigned cpu, size_t i)
{
	return (unsigned char)(id * 31 + cpu * 7 + i + 1);
}

bool ktest_check_content(struct backend *b, unsigned cpus,
			 const struct ktest_alloc *a, int id, bool zero)
{
	for (unsigned cpu = 0; cpu < cpus; cpu++) {
		const unsigned char *p = backend_cpu_addr(b, a->ptr, cpu);

		for (size_t i = 0; i < a->size; i++)
			if (p[i] != (zero ? 0 : tag(id, cpu, i))) {
				printf("  alloc %d cpu %u byte %zu: %#x\n", id, cpu,
				       i, p[i]);
				return false;
			}
	}
	return true;
}

void ktest_write_tags(struct backend *b, unsigned cpus,
		      const struct ktest_alloc *a, int id)
{
	for (unsigned cpu = 0; cpu < cpus; cpu++) {
		unsigned char *p = backend_cpu_addr(b, a->ptr, cpu);

		for (size_t i = 0; i < a->size; i++)
			p[i] = tag(id, cpu, i);
	}
}

/* one CPU's copy of a live allocation: [lo, hi), allocation id */
struct span {
	uintptr_t lo, hi;
	int id;
};

static int by_lo(const void *x, const void *y)
{
	const struct span *a = x, *b = y;

	return (a->lo > b->lo) - (a->lo < b->lo);
}

bool ktest_check_overlap(struct backend *b, unsigned cpus,
			 const struct ktest_alloc *allocs, int n)
{
	struct span *s = n > 0 ? malloc((size_t)n * sizeof(*s)) : NULL;
	bool ok = true;

	if (n > 0 && !s) {
		printf("  overlap: out of memory for %d spans\n", n);
		return false;
	}
	for (unsigned cpu = 0; ok && cpu < cpus; cpu++) {
		int k = 0;

		for (int i = 0; i < n; i++)
			if (allocs[i].live) {
				uintptr_t lo = (uintptr_t)backend_cpu_addr(
					b, allocs[i].ptr, cpu);

				s[k++] = (struct span){ lo, lo + allocs[i].size, i };
			}
		if (k > 1)
			qsort(s, (size_t)k, sizeof(*s), by_lo);
		for (int i = 1; ok && i < k; i++)
			if (s[i].lo < s[i - 1].hi) {
				printf("  cpu %u: allocs %d and %d overlap\n", cpu,
				       s[i - 1].id, s[i].id);
				ok = false;
			}
	}
	free(s);
	return ok;
}

/* no bit of [from, from + n) is set in the allocation map */
static bool all_free(const unsigned long *map, int from, int n)
{
	int i = from;

	for (; i < from + n && i % 64; i++)
		if ((map[i / 64] >> (i % 64)) & 1)
			return false;
	for (; i + 64 <= from + n; i += 64)
		if (map[i / 64])
			return false;
	for (; i < from + n; i++)
		if ((map[i / 64] >> (i % 64)) & 1)
			return false;
	return true;
}

bool ktest_check_hints_safe(struct backend *b)
{
	int nr = backend_nr_chunks(b);

	for (int i = 0; i < nr; i++) {
		const unsigned long *map, *bound;
		struct pcpu_chunk_view v;
		int bits;

		backend_chunk(b, i, &v);
		linux_backend_maps(b, i, &map, &bound, &bits);
		/* block -1: the chunk's own hints */
		for (int blk = -1; blk < linux_backend_nr_blocks(b, i); blk++) {
			struct kglue_md m;
			int base;

			linux_backend_md(b, i, blk, &m);
			base = blk < 0 ? 0 : blk * m.nr_bits;
			if (m.contig_hint > m.true_largest ||
			    !all_free(map, base + m.contig_hint_start, m.contig_hint) ||
			    !all_free(map, base + m.scan_hint_start, m.scan_hint)) {
				printf("  chunk %d block %d: contig %d@%d, scan %d@%d, largest free run %d\n",
				       v.id, blk, m.contig_hint, m.contig_hint_start,
				       m.scan_hint, m.scan_hint_start, m.true_largest);
				return false;
			}
		}
	}
	return true;
}
