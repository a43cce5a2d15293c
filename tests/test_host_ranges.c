// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host ranges reused across instances (allocator/host_ranges.c): a later
 * instance of the same geometry gets the memory of an earlier one, and
 * must see it as a fresh instance would: the first chunk's pages zero, a
 * created chunk's populated pages the poison, from their first use on
 * (pcpu_chunk_touch, which fills the 64ths of a page an area meets when
 * an allocation first covers them).  Geometry G1.
 */
#include <stdint.h>
#include <string.h>

#include "core_util.h"
#include "host_mem.h"
#include "host_vm.h"
#include "percpu_internal.h"
#include "test.h"

/* percpu_port.c's fill of freshly populated pages */
#define FRESH_PAGE_POISON 0x6b

static int bytes_are(const void *p, size_t len, unsigned char want)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < len; i++)
		if (c[i] != want)
			return 0;
	return 1;
}

/*
 * Write 0xaa over len bytes of r's copy on both CPUs, destroy the
 * instance, and return the base address chunk id had.
 */
static uintptr_t scribble_and_destroy(struct backend *b,
				      struct pcpu_alloc_res r, size_t len,
				      int id)
{
	struct pcpu_chunk_view v;

	for (unsigned cpu = 0; cpu < 2; cpu++)
		memset(backend_cpu_addr(b, r.ptr, cpu), 0xaa, len);
	view(b, id, &v);
	backend_destroy(b);
	return v.base_addr;
}

/* The rest of the page after an allocation at off: what the next area
 * there would read before its memset, once touched as pcpu_alloc does. */
static void touch_rest(struct backend *b, int idx, long off, size_t len)
{
	pcpu_chunk_touch(b, b->chunk_index[idx], (int)off, len);
}

/*
 * Instance 1 allocates 64 bytes at first-chunk offset 20480 and writes
 * 0xaa over that whole page on both CPUs.  Instance 2 gets the same
 * first-chunk address back, allocates 64 bytes there again, and reads
 * zeros over the whole page once the rest of it is touched as the next
 * allocation there would be: the rest is not instance 1's 0xaa.
 */
static void test_first_chunk_memory_reused_zeroed(void)
{
	struct backend *b = mk_g1(0);
	struct pcpu_alloc_res r = al(b, 64, 8);
	struct pcpu_chunk_view v;
	uintptr_t base;

	EXPECT_EQ(at(r, 0), 20480);
	base = scribble_and_destroy(b, r, 4096, 0);

	b = mk_g1(0);
	view(b, 0, &v);
	EXPECT_EQ(v.base_addr, base);
	r = al(b, 64, 8);
	EXPECT_EQ(at(r, 0), 20480);
	touch_rest(b, 0, 20480 + 64, 4096 - 64); /* the first chunk: index 0 */
	for (unsigned cpu = 0; cpu < 2; cpu++)
		EXPECT(bytes_are(backend_cpu_addr(b, r.ptr, cpu), 4096, 0));
	backend_destroy(b);
}

/*
 * Instance 1 fills the first chunk, so a 64-byte request creates chunk 1
 * and populates its page 0; the test writes 0xaa over that whole page on
 * both CPUs and destroys the instance with the page still populated.
 * Instance 2 repeats the requests: chunk 1 gets the same range back, the
 * allocation reads zero and the rest of page 0, once touched as the next
 * allocation there would be, reads the poison, not 0xaa.
 */
static void test_created_chunk_range_reused_repoisoned(void)
{
	struct backend *b = mk_g1(0);
	struct pcpu_alloc_res r;
	struct pcpu_chunk_view v;
	uintptr_t base;

	r = chunk1_first(b, 64, 8);
	base = scribble_and_destroy(b, r, 4096, 1);

	b = mk_g1(0);
	r = chunk1_first(b, 64, 8);
	view(b, 1, &v);
	EXPECT_EQ(v.base_addr, base);
	touch_rest(b, 1, 64, 4096 - 64); /* chunk 1: index 1 (no reserved) */
	for (unsigned cpu = 0; cpu < 2; cpu++) {
		const char *p = backend_cpu_addr(b, r.ptr, cpu);

		EXPECT(bytes_are(p, 64, 0));
		EXPECT(bytes_are(p + 64, 4096 - 64, FRESH_PAGE_POISON));
	}
	backend_destroy(b);
}

/*
 * A page repopulated under a live allocation loses its contents, as the
 * kernel's new page would, from the page's next touch on.  Chunk 1's
 * page 0 holds a 64-byte allocation (written 0xaa on both CPUs, as its
 * tags would be); the page is depopulated and populated again behind the
 * allocator's back (the bug); the next allocation in that page touches
 * it first.  Expected: the earlier allocation's bytes read the poison,
 * as when touch filled the whole page, though the new allocation covers
 * only its own 64ths.
 */
static void test_repopulated_page_loses_contents(void)
{
	struct backend *b = mk_g1(0);
	struct pcpu_chunk *chunk;
	struct pcpu_alloc_res r, r2;

	EXPECT_EQ(at(al(b, 12288, 2), 0), 20480);
	r = al(b, 64, 8);
	EXPECT_EQ(at(r, 1), 0);
	for (unsigned cpu = 0; cpu < 2; cpu++)
		memset(backend_cpu_addr(b, r.ptr, cpu), 0xaa, 64);
	chunk = b->chunk_index[1];
	pcpu_depopulate_chunk(b, chunk, 0, 1);
	EXPECT_EQ(pcpu_populate_chunk(b, chunk, 0, 1), 0);
	r2 = al(b, 64, 8);
	EXPECT_EQ(at(r2, 1), 64);
	for (unsigned cpu = 0; cpu < 2; cpu++)
		EXPECT(bytes_are(backend_cpu_addr(b, r.ptr, cpu), 64,
				 FRESH_PAGE_POISON));
	backend_destroy(b);
}

/*
 * Another unit size is another layout.  Under PCPU_VM=mprotect instance 2
 * (unit 65536) must not get instance 1's cached first-chunk memory (unit
 * 32768); under poison both take the arena's bottom (host_arena.c), the
 * same address, with the unit heads opened for the new layout.
 */
static void test_other_layout_not_reused(void)
{
	struct backend *b = mk(2, 32768, 20480, 0, 12288, 0);
	struct pcpu_chunk_view v;
	uintptr_t base;

	view(b, 0, &v);
	base = v.base_addr;
	backend_destroy(b);

	b = mk(2, 65536, 20480, 0, 12288, 0);
	view(b, 0, &v);
	if (host_vm_model() == HOST_VM_MPROTECT)
		EXPECT(v.base_addr != base);
	else
		EXPECT_EQ(v.base_addr, base);
	EXPECT_EQ(at(al(b, 64, 8), 0), 20480);
	backend_destroy(b);
}

/*
 * A 64-CPU instance of 4 MiB units whose chunk 1 (above the arena's
 * 256 MiB floor: the first chunk alone spans that much) holds n areas of
 * 32 KiB, so n times 2 MiB touched above the floor.  Destroys it and
 * returns how many bytes of chunk 1's CPU 0 copy of those areas stay
 * resident, and in *calls the host calls the destroy made.
 */
static size_t wide_instance_left_resident(int n, unsigned long *calls)
{
	struct backend *b = mk(64, (size_t)4 << 20, 20480, 0, 12288, 0);
	struct pcpu_alloc_res first = { 0 };
	unsigned long before;
	char *cpu0;

	EXPECT_EQ(at(al(b, 12288, 8), 0), 20480); /* the first chunk is full */
	for (int i = 0; i < n; i++) {
		struct pcpu_alloc_res r = al(b, 32768, 8);

		EXPECT_EQ(at(r, 1), (long)i * 32768);
		if (!i)
			first = r;
	}
	cpu0 = backend_cpu_addr(b, first.ptr, 0);
	before = host_mem_syscalls();
	backend_destroy(b);
	*calls = host_mem_syscalls() - before;
	return host_resident(cpu0, (size_t)n * 32768);
}

/*
 * Under PCPU_VM=poison the arena keeps its bottom 256 MiB resident
 * between executions, and what an execution touched above it too while
 * that stays under 64 MiB (host_arena.c): a wide input that touches
 * little is not refaulted at every execution.  Expected: destroying a
 * 2-CPU instance makes no host call; a wide one that touched 2 MiB above
 * the floor makes one (mincore) and leaves its pages resident; one that
 * touched 80 MiB there makes two (mincore, madvise) and leaves none; a
 * 2-CPU instance after it makes none again.  Under mprotect the arena is
 * not used and there is nothing to test.
 */
static void test_arena_gives_back_above_its_floor(void)
{
	unsigned long calls, before;
	struct backend *b;

	if (host_vm_model() != HOST_VM_POISON)
		return;
	for (int round = 0; round < 2; round++) {
		b = mk(2, 32768, 20480, 0, 12288, 0);
		before = host_mem_syscalls();
		backend_destroy(b);
		EXPECT_EQ(host_mem_syscalls() - before, 0ul);
		if (round)
			break;
		EXPECT_EQ(wide_instance_left_resident(1, &calls), (size_t)32768);
		EXPECT_EQ(calls, 1ul);
		EXPECT_EQ(wide_instance_left_resident(40, &calls), (size_t)0);
		EXPECT_EQ(calls, 2ul);
	}
}

void suite_host_ranges(void)
{
	RUN(test_first_chunk_memory_reused_zeroed);
	RUN(test_created_chunk_range_reused_repoisoned);
	RUN(test_other_layout_not_reused);
	RUN(test_repopulated_page_loses_contents);
	RUN(test_arena_gives_back_above_its_floor);
}
