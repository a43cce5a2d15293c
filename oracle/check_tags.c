/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The tags check: every live allocation's copy on every CPU carries a
 * pattern unique to (allocation, CPU).  A later allocation placed over it,
 * a zeroing of the wrong range, two CPUs' units aliasing, a chunk
 * depopulated under a live allocation or memory handed out twice all
 * change bytes that nobody but the owner may write.
 */
#include <stdint.h>

#include "checks_internal.h"

/* Allocations verified and ids examined per operation (bounded cost). */
#define TAGS_PER_OP 4
#define TAGS_SCAN_PER_OP 64

/* splitmix64's finaliser: cheap, and every input bit reaches every byte. */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

/*
 * Never 0: a zeroed byte is always a mismatch, so zeroing somebody else's
 * range is caught, and a fresh allocation's zero check never passes by
 * accident over an old tag.
 */
unsigned char tag_byte(unsigned int id, unsigned int cpu, size_t i)
{
	uint64_t seed =
		mix64(((uint64_t)id << 32 | cpu) + 0x9e3779b97f4a7c15ULL);

	return (unsigned char)(mix64(seed ^ (uint64_t)i) % 255 + 1);
}

void tags_write(struct run_ctx *c, unsigned int id)
{
	const struct live_alloc *a = &c->allocs[id];
	struct check_geom g;

	check_geom_get(c->b, &g);
	for (unsigned int cpu = 0; cpu < g.nr_cpus; cpu++) {
		unsigned char *p = backend_cpu_addr(c->b, a->ptr, cpu);

		for (size_t i = 0; i < a->size; i++)
			p[i] = tag_byte(id, cpu, i);
	}
}

/* Verify allocation id's pattern on every CPU. */
int check_tags_one(struct run_ctx *c, unsigned int id)
{
	const struct live_alloc *a = &c->allocs[id];
	struct check_geom g;

	check_geom_get(c->b, &g);
	for (unsigned int cpu = 0; cpu < g.nr_cpus; cpu++) {
		const unsigned char *p = backend_cpu_addr(c->b, a->ptr, cpu);

		for (size_t i = 0; i < a->size; i++) {
			unsigned char want = tag_byte(id, cpu, i);

			if (p[i] != want)
				return check_fail(
					c, CHECK_TAGS, a->chunk_id,
					"alloc %u (chunk %s offset %ld size %zu) cpu %u byte %zu: expected tag 0x%02x, got 0x%02x",
					id, CHUNK_NAME(a->chunk_id), a->off,
					a->size, cpu, i, want, p[i]);
		}
	}
	return 0;
}

/*
 * A rotating subset after every operation: at most TAGS_PER_OP live
 * allocations, and at most TAGS_SCAN_PER_OP ids looked at, so the cost
 * per operation stays bounded however many allocations died.  Every live
 * allocation is still verified before its free and at the end.
 */
int check_tags_rotating(struct run_ctx *c)
{
	unsigned int n = c->t->nr_allocs, verified = 0;

	if (!n || !c->nr_live)
		return 0;
	for (unsigned int k = 0;
	     k < TAGS_SCAN_PER_OP && k < n && verified < TAGS_PER_OP; k++) {
		unsigned int id = c->tag_cursor % n;

		c->tag_cursor = (id + 1) % n;
		if (!c->allocs[id].live)
			continue;
		verified++;
		if (check_tags_one(c, id))
			return -1;
	}
	return 0;
}
