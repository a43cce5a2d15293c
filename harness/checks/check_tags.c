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
 * speed: 8-byte words, four at a time in vectors, differences OR-ed
 * together and tested once, no fuzzer coverage instrumentation (a
 * per-byte comparison hook made them 80% of a fuzz execution; their
 * branches say nothing about the allocator), and no ASan check per load
 * when ASan says up front that the whole range is addressable
 * (checks_internal.h).  The slow byte-by-byte path runs only to word a
 * report.
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

#define TAG_STEP 0xd1b54a32d192ed03ULL
#define TAG_ONES 0x0101010101010101ULL

/*
 * Word k of the pattern: a different value per word, so a copy shifted by
 * whole words inside one allocation is caught too.  Bit 0 of every byte is
 * forced on, so no byte is ever 0: zeroing somebody else's range is always
 * a mismatch, and a fresh allocation's zero check never passes over an old
 * tag by accident.
 */
static uint64_t tag_word(uint64_t seed, size_t k)
{
	return (seed + (uint64_t)k * TAG_STEP) | TAG_ONES;
}

/* Byte i of the pattern (little-endian view of the words). */
unsigned char tag_byte(unsigned int id, unsigned int cpu, size_t i)
{
	uint64_t w = tag_word(tag_seed(id, cpu), i / 8);

	return (unsigned char)(w >> (8 * (i % 8)));
}

/*
 * Four pattern words per step in the uninstrumented loops: words k to
 * k + 3 before the OR are seed + (k .. k + 3) * TAG_STEP, and one vector
 * add moves them on.  GCC and clang lower the vector type to SSE2 pairs
 * without AVX; it never crosses a call, so no ABI depends on it.
 */
typedef uint64_t tag_vec __attribute__((vector_size(32)));

/*
 * Below this many bytes the instrumented loop costs less than asking ASan
 * about the range first and setting up the vectors: most allocations a
 * fuzz input makes are a few bytes.
 */
#define TAG_FAST_MIN 64
/* The tail of a fill or a verify: the bytes after the last whole word. */
static uint64_t tail_mask(size_t bytes)
{
	return (1ULL << (8 * bytes)) - 1;
}

CHECK_NO_ASAN NO_FUZZ_COVERAGE static void
tag_fill_fast(unsigned char *p, size_t size, uint64_t seed)
{
	size_t nw = size / 8, k = 0;
	tag_vec w = { seed, seed + TAG_STEP, seed + 2 * TAG_STEP,
		      seed + 3 * TAG_STEP };

	for (; k + 4 <= nw; k += 4) {
		tag_vec x = w | TAG_ONES;

		memcpy(p + k * 8, &x, sizeof(x));
		w += 4 * TAG_STEP;
	}
	for (; k < nw; k++) {
		uint64_t x = tag_word(seed, k);

		memcpy(p + k * 8, &x, 8);
	}
	if (k * 8 < size) {
		uint64_t x = tag_word(seed, k);

		memcpy(p + k * 8, &x, size - k * 8);
	}
}

NO_FUZZ_COVERAGE static void tag_fill(unsigned char *p, size_t size,
				      uint64_t seed)
{
	size_t k = 0;

	if (size >= TAG_FAST_MIN && check_bytes_clean(p, size)) {
		tag_fill_fast(p, size, seed);
		return;
	}
	for (; (k + 1) * 8 <= size; k++) {
		uint64_t w = tag_word(seed, k);

		memcpy(p + k * 8, &w, 8);
	}
	if (k * 8 < size) {
		uint64_t w = tag_word(seed, k);

		for (size_t i = 0; k * 8 + i < size; i++)
			p[k * 8 + i] = (unsigned char)(w >> (8 * i));
	}
}

/*
 * Whether p[0, size) is zero, size a multiple of 32: the bulk of the
 * zeroed check, a vector a step, without ASan's check per load (the
 * caller asked ASan about the whole range first).
 */
CHECK_NO_ASAN NO_FUZZ_COVERAGE static bool zero_vectors(const unsigned char *p,
							size_t size)
{
	tag_vec acc = { 0, 0, 0, 0 };

	for (size_t i = 0; i < size; i += sizeof(acc)) {
		tag_vec w;

		memcpy(&w, p + i, sizeof(w));
		acc |= w;
	}
	return !(acc[0] | acc[1] | acc[2] | acc[3]);
}

NO_FUZZ_COVERAGE static bool all_zero(const unsigned char *p, size_t size)
{
	uint64_t acc = 0;
	size_t i = 0;

	/* below TAG_FAST_MIN bytes the instrumented loop alone costs less */
	if (size >= TAG_FAST_MIN && check_bytes_clean(p, size)) {
		i = size & ~(sizeof(tag_vec) - 1);
		if (!zero_vectors(p, i))
			return false;
	}
	for (; i + 8 <= size; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		acc |= w;
	}
	for (; i < size; i++)
		acc |= p[i];
	return !acc;
}

CHECK_NO_ASAN NO_FUZZ_COVERAGE static bool
tag_intact_fast(const unsigned char *p, size_t size, uint64_t seed)
{
	size_t nw = size / 8, k = 0;
	tag_vec w = { seed, seed + TAG_STEP, seed + 2 * TAG_STEP,
		      seed + 3 * TAG_STEP };
	tag_vec acc = { 0, 0, 0, 0 };
	uint64_t diff;

	for (; k + 4 <= nw; k += 4) {
		tag_vec x;

		memcpy(&x, p + k * 8, sizeof(x));
		acc |= x ^ (w | TAG_ONES);
		w += 4 * TAG_STEP;
	}
	diff = acc[0] | acc[1] | acc[2] | acc[3];
	for (; k < nw; k++) {
		uint64_t x;

		memcpy(&x, p + k * 8, 8);
		diff |= x ^ tag_word(seed, k);
	}
	if (k * 8 < size) {
		uint64_t x = 0;

		memcpy(&x, p + k * 8, size - k * 8);
		diff |= (x ^ tag_word(seed, k)) & tail_mask(size - k * 8);
	}
	return !diff;
}

/* True when p[0, size) carries the pattern of seed. */
NO_FUZZ_COVERAGE static bool tag_intact(const unsigned char *p, size_t size,
					uint64_t seed)
{
	uint64_t diff = 0;
	size_t k = 0;

	if (size >= TAG_FAST_MIN && check_bytes_clean(p, size))
		return tag_intact_fast(p, size, seed);
	for (; (k + 1) * 8 <= size; k++) {
		uint64_t w;

		memcpy(&w, p + k * 8, 8);
		diff |= w ^ tag_word(seed, k);
	}
	/* the tail byte by byte: a memcpy of a variable length would be a
	 * call into ASan's interceptor, for a copy of two bytes */
	if (k * 8 < size) {
		uint64_t w = 0, want = tag_word(seed, k);

		for (size_t i = 0; k * 8 + i < size; i++)
			w |= (uint64_t)p[k * 8 + i] << (8 * i);
		diff |= (w ^ want) & tail_mask(size - k * 8);
	}
	return !diff;
}

void tags_write(struct run_ctx *c, unsigned int id)
{
	const struct live_alloc *a = &c->allocs[id];
	struct check_geom g;

	check_geom(c, &g);
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

	check_geom(c, &g);
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
 * How many ids the rotation steps from id to reach the next live one
 * (1 .. n, cyclically; n + 1 when none is live), or 1 when the live ids
 * are not known exactly.  They are when the overlap check's index holds
 * as many ids as are live: an allocation enters it when it is made and
 * leaves it when it is freed, so it then holds exactly the live ones.
 */
static unsigned int steps_to_live(const struct run_ctx *c, unsigned int id,
				  unsigned int n)
{
	long next;

	if (!c->index || check_index_count(c->index) != c->nr_live)
		return 1;
	next = id + 1 < n ? check_index_next(c->index, id + 1) : -1;
	if (next >= 0)
		return (unsigned int)next - id;
	next = check_index_next(c->index, 0);
	if (next < 0)
		return n + 1;
	return n - id + (unsigned int)next;
}

/*
 * A rotating subset after every operation: whole (allocation, CPU) copies
 * in turn until TAGS_BYTES_PER_OP bytes were verified (at least one copy),
 * and at most TAGS_SCAN_PER_OP ids looked at, so the cost per operation
 * stays bounded however many CPUs and allocations there are.  Every live
 * allocation is still verified on every CPU before its free and at the end.
 * Dead ids count as looked at, as they always did, but are stepped over
 * in one move rather than read one by one (steps_to_live).
 */
int check_tags_rotating(struct run_ctx *c)
{
	unsigned int n = c->t->nr_allocs, id, cpu, cpu0, k = 0;
	size_t bytes = 0;
	struct check_geom g;

	if (!n || !c->nr_live)
		return 0;
	check_geom(c, &g);
	id = c->tag_cursor % n;
	cpu = cpu0 = c->tag_cpu;
	while (k < TAGS_SCAN_PER_OP && bytes < TAGS_BYTES_PER_OP) {
		const struct live_alloc *a = &c->allocs[id];
		unsigned int step;

		if (a->live && cpu < g.nr_cpus) {
			bytes += a->size;
			/*
			 * After n ids the rotation is back where it started,
			 * and from the starting copy on it meets copies it
			 * verified in this very call: nothing writes chunk
			 * memory during the checks, so they are still
			 * intact.  It goes round as before (the same copies
			 * counted, the same cursor left), without reading
			 * them again; small live sets went round twice.
			 */
			if (k > n || (k == n && cpu >= cpu0)) {
				cpu++;
				continue;
			}
			if (!tag_intact(backend_cpu_addr(c->b, a->ptr, cpu),
					a->size, tag_seed(id, cpu))) {
				c->tag_cursor = id;
				c->tag_cpu = cpu + 1;
				return check_tags_one(c, id);
			}
			cpu++;
			continue;
		}
		/* each id passed over is one looked at, as one step was */
		step = steps_to_live(c, id, n);
		if (step > TAGS_SCAN_PER_OP - k)
			step = TAGS_SCAN_PER_OP - k;
		k += step;
		id = (unsigned int)(((unsigned long)id + step) % n);
		cpu = 0;
	}
	c->tag_cursor = id;
	c->tag_cpu = cpu;
	return 0;
}
