/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The tags check: every live allocation's copy on every CPU carries a
 * pattern unique to (allocation, CPU).  A later allocation placed over it,
 * a zeroing of the wrong range, two CPUs' units aliasing, a chunk
 * depopulated under a live allocation or memory handed out twice all
 * change bytes that nobody but the owner may write.
 *
 * The zeroed check, its other half, runs right after an allocation and
 * before the harness writes the tags: pcpu_alloc zeroes the requested
 * (even) size on every possible CPU (docs/allocator.md §7.5 step 4,
 * invariant 13).  A miss there shows up as an earlier owner's tag (tags
 * are never 0) or stale backing memory.
 *
 * These loops touch every byte of every copy, so they are written for
 * speed: 8-byte words, differences OR-ed together and tested once, and no
 * fuzzer coverage instrumentation (a per-byte comparison hook made them
 * 80% of a fuzz execution; their branches say nothing about the
 * allocator).  The slow byte-by-byte path runs only to word a report.
 */
#include <stdint.h>
#include <string.h>

#include "checks_internal.h"

/* Bytes verified and ids examined per operation (bounded cost). */
#define TAGS_BYTES_PER_OP 4096
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

static uint64_t tag_seed(unsigned int id, unsigned int cpu)
{
	return mix64(((uint64_t)id << 32 | cpu) + 0x9e3779b97f4a7c15ULL);
}

/*
 * Word k of the pattern: a different value per word, so a copy shifted by
 * whole words inside one allocation is caught too.  Bit 0 of every byte is
 * forced on, so no byte is ever 0: zeroing somebody else's range is always
 * a mismatch, and a fresh allocation's zero check never passes over an old
 * tag by accident.
 */
static uint64_t tag_word(uint64_t seed, size_t k)
{
	return (seed + (uint64_t)k * 0xd1b54a32d192ed03ULL) |
	       0x0101010101010101ULL;
}

/* Byte i of the pattern (little-endian view of the words). */
unsigned char tag_byte(unsigned int id, unsigned int cpu, size_t i)
{
	uint64_t w = tag_word(tag_seed(id, cpu), i / 8);

	return (unsigned char)(w >> (8 * (i % 8)));
}

NO_FUZZ_COVERAGE static void tag_fill(unsigned char *p, size_t size,
				      uint64_t seed)
{
	size_t k = 0;

	for (; (k + 1) * 8 <= size; k++) {
		uint64_t w = tag_word(seed, k);

		memcpy(p + k * 8, &w, 8);
	}
	if (k * 8 < size) {
		uint64_t w = tag_word(seed, k);

		memcpy(p + k * 8, &w, size - k * 8);
	}
}

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

/* True when p[0, size) carries the pattern of seed. */
NO_FUZZ_COVERAGE static bool tag_intact(const unsigned char *p, size_t size,
					uint64_t seed)
{
	uint64_t diff = 0;
	size_t k = 0;

	for (; (k + 1) * 8 <= size; k++) {
		uint64_t w;

		memcpy(&w, p + k * 8, 8);
		diff |= w ^ tag_word(seed, k);
	}
	if (k * 8 < size) {
		uint64_t w = 0, want = tag_word(seed, k);

		memcpy(&w, p + k * 8, size - k * 8);
		diff |= (w ^ want) &
			((1ULL << (8 * (size - k * 8))) - 1);
	}
	return !diff;
}

void tags_write(struct run_ctx *c, unsigned int id)
{
	const struct live_alloc *a = &c->allocs[id];
	struct check_geom g;

	check_geom_get(c->b, &g);
	for (unsigned int cpu = 0; cpu < g.nr_cpus; cpu++)
		tag_fill(backend_cpu_addr(c->b, a->ptr, cpu), a->size,
			 tag_seed(id, cpu));
}

/*
 * Every CPU's copy of allocation id against the bytes it must hold: its
 * tag pattern, or with zero the zeroes of a fresh allocation.  The first
 * byte that differs fails the tags (or zeroed) check.
 */
static int check_copies(struct run_ctx *c, unsigned int id, bool zero)
{
	const struct live_alloc *a = &c->allocs[id];
	struct check_geom g;

	check_geom_get(c->b, &g);
	for (unsigned int cpu = 0; cpu < g.nr_cpus; cpu++) {
		const unsigned char *p = backend_cpu_addr(c->b, a->ptr, cpu);

		if (zero ? all_zero(p, a->size) :
			   tag_intact(p, a->size, tag_seed(id, cpu)))
			continue;
		for (size_t i = 0; i < a->size; i++) {
			unsigned char want = zero ? 0 : tag_byte(id, cpu, i);

			if (p[i] != want)
				return check_fail(
					c, zero ? CHECK_ZEROED : CHECK_TAGS,
					a->chunk_id,
					"alloc %u (chunk %s offset %ld size %zu) cpu %u byte %zu: expected %s0x%02x, got 0x%02x",
					id, CHUNK_NAME(a->chunk_id), a->off,
					a->size, cpu, i, zero ? "" : "tag ",
					want, p[i]);
		}
	}
	return 0;
}

/* Verify allocation id's pattern on every CPU. */
int check_tags_one(struct run_ctx *c, unsigned int id)
{
	return check_copies(c, id, false);
}

/* A fresh allocation reads zero on every CPU (cost: its bytes x CPUs). */
int check_zeroed(struct run_ctx *c, unsigned int id)
{
	return check_copies(c, id, true);
}

/*
 * A rotating subset after every operation: whole (allocation, CPU) copies
 * in turn until TAGS_BYTES_PER_OP bytes were verified (at least one copy),
 * and at most TAGS_SCAN_PER_OP ids looked at, so the cost per operation
 * stays bounded however many CPUs and allocations there are.  Every live
 * allocation is still verified on every CPU before its free and at the end.
 */
int check_tags_rotating(struct run_ctx *c)
{
	unsigned int n = c->t->nr_allocs;
	size_t bytes = 0;
	struct check_geom g;

	if (!n || !c->nr_live)
		return 0;
	check_geom_get(c->b, &g);
	for (unsigned int k = 0; k < TAGS_SCAN_PER_OP && bytes < TAGS_BYTES_PER_OP;) {
		unsigned int id = c->tag_cursor % n, cpu = c->tag_cpu;
		const struct live_alloc *a = &c->allocs[id];

		if (!a->live || cpu >= g.nr_cpus) {
			c->tag_cursor = (id + 1) % n;
			c->tag_cpu = 0;
			k++;
			continue;
		}
		c->tag_cpu = cpu + 1;
		bytes += a->size;
		if (!tag_intact(backend_cpu_addr(c->b, a->ptr, cpu), a->size,
				tag_seed(id, cpu)))
			return check_tags_one(c, id);
	}
	return 0;
}
