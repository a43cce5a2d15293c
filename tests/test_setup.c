// SPDX-License-Identifier: GPL-2.0-only
/*
 * First-chunk setup (docs/allocator.md §11.4): layouts with and without a
 * reserved area, and the geometries the kernel's setup checks refuse.
 */
#include "core_util.h"
#include "test.h"

/*
 * Without a reserved area (static 8192, dyn 24576, unit 32768) the first
 * chunk is 0 = [0A 8192f 32768|], free 24576 on slot 12 (fls 15 - 3),
 * map_alloc 128, fully populated; 6 empty pages (pages 2-7).
 */
static void test_first_chunk_without_reserved(void)
{
	struct backend *b = mk(4, 32768, 8192, 0, 24576, 0);

	EXPECT_EQ(backend_nr_chunks(b), 1);
	EXPECT_STREQ(map_str(b, 0), "0A 8192f 32768|");
	EXPECT_CHUNK(b, 0,
		     "kind first free_size 24576 contig_hint 24576 slot 12 "
		     "map_alloc 128 nr_populated 8 first_free 0");
	EXPECT_EQ(empty_pop_pages(b), 6);
	backend_destroy(b);
}

/*
 * With a reserved area (the trace defaults: static 8192, reserved 8192,
 * dyn 16384): reserved chunk r = [0A 8192f 16384|] on no slot list; first
 * chunk 0 = [0A 16384f 32768|] (its block 0 covers static and reserved)
 * on slot 12; 4 empty pages.  A reserved request lands at r+8192.
 */
static void test_first_chunk_with_reserved(void)
{
	struct backend *b = mk(4, 32768, 8192, 8192, 16384, 0);

	EXPECT_EQ(backend_nr_chunks(b), 2);
	EXPECT_STREQ(map_str(b, PCPU_CHUNK_RESERVED), "0A 8192f 16384|");
	EXPECT_STREQ(map_str(b, 0), "0A 16384f 32768|");
	EXPECT_CHUNK(b, PCPU_CHUNK_RESERVED, "kind reserved slot -1 map_alloc 128");
	EXPECT_CHUNK(b, 0, "slot 12");
	EXPECT_EQ(empty_pop_pages(b), 4);
	EXPECT_EQ(at(al_reserved(b, 100, 8), PCPU_CHUNK_RESERVED), 8192);
	EXPECT_EQ(empty_pop_pages(b), 4); /* reserved chunk not counted */
	backend_destroy(b);
}

/*
 * A dynamic area smaller than the rest of the unit (§16.2:
 * static 20000, reserved 8192, dyn 12768, unit 40960): empty pages are
 * the 3 pages wholly inside [28192, 40960).
 */
static void test_first_chunk_partial_pages(void)
{
	struct backend *b = mk(2, 40960, 20000, 8192, 12768, 0);

	EXPECT_STREQ(map_str(b, 0), "0A 28192f 40960|");
	EXPECT_EQ(empty_pop_pages(b), 3);
	backend_destroy(b);
}

/* Every geometry the kernel's pcpu_setup_first_chunk refuses is refused. */
static void test_refused_geometries(void)
{
	static const struct pcpu_geometry bad[] = {
		/* dyn below PERCPU_DYNAMIC_EARLY_SIZE (§16.1's own
		 * geometry: static 24576, dyn 8192) */
		{ 2, 4096, 32768, 24576, 0, 8192 },
		{ 2, 4096, 32768 + 100, 8192, 0, 16384 }, /* unit unaligned */
		{ 2, 4096, 28672, 8192, 0, 16384 },	  /* unit < 32 KiB */
		{ 2, 4096, 32768, 0, 0, 16384 },	  /* no static area */
		{ 2, 4096, 32768, 8192, 8192, 20480 },	  /* sum > unit */
		{ 0, 4096, 32768, 8192, 0, 16384 },	  /* no CPU */
		{ 2, 4096, 32768, 8193, 0, 16384 },	  /* odd static */
		{ 2, 3000, 32768, 8192, 0, 16384 },	  /* page not 2^n */
		{ 2, 65536, 32768, 8192, 0, 16384 },	  /* unit < 64 KiB */
	};
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		EXPECT(backend_create(&bad[i], 0, err, sizeof(err)) == NULL);
		EXPECT(err[0] != 0);
	}
	/* the smallest legal dynamic area */
	struct pcpu_geometry ok = { 1, 4096, 32768, 20480, 0, 12288 };
	struct backend *b = backend_create(&ok, 0, err, sizeof(err));

	EXPECT(b != NULL);
	backend_destroy(b);
}

/*
 * Every CPU's copy lives at base + unit_offset[cpu] + off, one unit per
 * CPU, and a fresh allocation reads zero on every CPU.
 */
static void test_per_cpu_addresses(void)
{
	struct backend *b = mk(3, 32768, 8192, 0, 24576, 0);
	struct pcpu_alloc_res r = al(b, 64, 8);
	const unsigned char *p0 = backend_cpu_addr(b, r.ptr, 0);

	for (unsigned cpu = 0; cpu < 3; cpu++) {
		const unsigned char *p = backend_cpu_addr(b, r.ptr, cpu);

		EXPECT_EQ(p - p0, (long)cpu * 32768);
		for (int i = 0; i < 64; i++)
			EXPECT_EQ(p[i], 0);
	}
	backend_destroy(b);
}

void suite_setup(void)
{
	RUN(test_first_chunk_without_reserved);
	RUN(test_first_chunk_with_reserved);
	RUN(test_first_chunk_partial_pages);
	RUN(test_refused_geometries);
	RUN(test_per_cpu_addresses);
}
