// SPDX-License-Identifier: GPL-2.0-only
/*
 * pcpu_alloc end to end: relocation order, map extension, atomic requests
 * over unpopulated pages, the populate failure path, the reserved chunk
 * (docs/allocator.md §3.2, §4, §7).  Geometry G1 unless said otherwise.
 */
#include "core_util.h"
#include "test.h"

/*
 * Chunks that become emptier go to the head of their new slot list, chunks
 * that become fuller to the tail.
 *   Fill the first chunk; three unit-sized allocations create chunks 1-3
 *   (each full: slot 0 = "0 1 2 3").  Free 1, 3, 2: each goes to the head
 *   of the free slot 14 -> "2 3 1".  A unit-sized allocation takes the head
 *   (chunk 2), which goes to the tail of slot 0 -> "0 2".
 */
static void test_relocation_head_vs_tail(void)
{
	struct backend *b = mk_g1(0);
	struct pcpu_alloc_res c[4];

	EXPECT_EQ(at(al(b, 12288, 2), 0), 20480);
	for (int i = 1; i <= 3; i++)
		c[i] = al(b, 32768, 4096);
	EXPECT_EQ(at(c[3], 3), 0);
	EXPECT_STREQ(slot_str(b, 0), "0 1 2 3");
	backend_free(b, c[1].ptr);
	backend_free(b, c[3].ptr);
	backend_free(b, c[2].ptr);
	EXPECT_STREQ(slot_str(b, 14), "2 3 1");
	EXPECT_EQ(at(al(b, 32768, 2), 2), 0);
	EXPECT_STREQ(slot_str(b, 0), "0 2");
	EXPECT_STREQ(slot_str(b, 14), "3 1");
	backend_destroy(b);
}

/*
 * Map capacity: a new chunk's 16 entries grow to 128 on its first non-atomic
 * request (16 < 1 + 64 -> 16, 32, 64, 128); the first chunk's 128 grow to
 * 256 on the 64th 2-byte allocation (map_used 65 + 64 > 128).
 */
static void test_map_extension_sizes(void)
{
	struct backend *b = mk_g1(0);

	for (int i = 0; i < 63; i++)
		al(b, 2, 2);
	EXPECT_CHUNK(b, 0, "map_used 65 map_alloc 128");
	al(b, 2, 2);
	EXPECT_CHUNK(b, 0, "map_used 66 map_alloc 256");
	EXPECT_EQ(counters(b).map_ext_sync, 1);

	/* a new chunk: created with 16 entries, grown to 128 before use */
	EXPECT_EQ(at(al(b, 32768, 2), 1), 0);
	EXPECT_CHUNK(b, 1, "map_alloc 128");
	EXPECT_EQ(counters(b).map_ext_sync, 2);
	backend_destroy(b);
}

/*
 * Atomic requests only use populated pages and never create chunks
 * (§16.1, §16.3).  With the first chunk full, atomic alloc(16) fails
 * and sets the atomic-failure flag.  A non-atomic alloc(4) creates chunk 1
 * and populates page 0.  Atomic alloc(5000, 8) would need page 1: fails.
 * Balance work populates pages 1-4; then the same request lands at 8.
 */
static void test_atomic_skips_unpopulated_pages(void)
{
	struct backend *b = mk_g1(0);
	struct pcpu_global_view g;

	al(b, 12288, 2);
	EXPECT_EQ(al_atomic(b, 16, 8).status, PCPU_FAIL);
	backend_global(b, &g);
	EXPECT(g.atomic_alloc_failed);
	EXPECT(g.balance_pending);
	EXPECT_EQ(backend_nr_chunks(b), 1);

	EXPECT_EQ(at(al(b, 4, 2), 1), 0);
	EXPECT_CHUNK(b, 1, "nr_populated 1");
	EXPECT_EQ(al_atomic(b, 5000, 8).status, PCPU_FAIL);

	backend_balance(b);
	EXPECT_CHUNK(b, 1, "nr_populated 5");
	EXPECT_EQ(at(al_atomic(b, 5000, 8), 1), 8);
	EXPECT_STREQ(map_str(b, 1), "0A 4f 8A 5008f 32768|");
	backend_destroy(b);
}

/*
 * A fresh chunk serving only atomic requests (§16.3): queued for
 * map growth on the first, 13 two-byte requests succeed (16 >= used + 3),
 * the 14th fails.  Balance grows the map to 128 and, for the failure,
 * populates 4 more pages (empty pages 3 -> 7).
 */
static void test_atomic_map_margin(void)
{
	struct backend *b = mk_g1(0);
	int ok = 0;

	al(b, 12288, 2);
	EXPECT_EQ(al_atomic(b, 16, 8).status, PCPU_FAIL);
	backend_balance(b);
	EXPECT_EQ(empty_pop_pages(b), 4);
	for (int i = 0; i < 14; i++)
		ok += al_atomic(b, 2, 2).status == PCPU_OK;
	EXPECT_EQ(ok, 13);
	EXPECT_CHUNK(b, 1, "queued 1 map_alloc 16");
	EXPECT_EQ(empty_pop_pages(b), 3);
	backend_balance(b);
	EXPECT_CHUNK(b, 1, "map_alloc 128 queued 0");
	EXPECT_EQ(empty_pop_pages(b), 7);
	EXPECT_EQ(counters(b).map_ext_async, 1);
	backend_destroy(b);
}

/*
 * Populate failure (§16.5): chunk 1 holds alloc(2) at 0.  With a
 * page fault armed, alloc(4096, 4) donates the 2-byte head to block 0,
 * fails to populate page 1 and frees its area again.
 * Expected: NULL, map 0A 4f 32768|, free_size 32764 (2 bytes lost to the
 * donation until block 0 is freed), one page fault fired.
 */
static void test_populate_failure_path(void)
{
	struct backend *b = mk_g1(0);
	struct pcpu_alloc_res a;

	a = chunk1_first(b, 2, 2);
	backend_fail(b, PCPU_FAULT_PAGE, 1);
	EXPECT_EQ(al(b, 4096, 4).status, PCPU_FAIL);
	EXPECT_STREQ(map_str(b, 1), "0A 4f 32768|");
	EXPECT_CHUNK(b, 1, "free_size 32764 nr_populated 1");
	EXPECT_EQ(counters(b).faults_fired[PCPU_FAULT_PAGE], 1);
	EXPECT_EQ(counters(b).warn_failed, 1);
	EXPECT_EQ(backend_free(b, a.ptr), PCPU_OK);
	EXPECT_CHUNK(b, 1, "free_size 32768");
	backend_destroy(b);
}

/*
 * Chunk creation and map growth failures take the kernel's failure path:
 * NULL, nothing created.  An injected map failure on a chunk that needs
 * growth fails the request; the next one succeeds.
 */
static void test_chunk_and_map_faults(void)
{
	struct backend *b = mk_g1(0);

	al(b, 12288, 2);
	backend_fail(b, PCPU_FAULT_CHUNK, 1);
	EXPECT_EQ(al(b, 8, 2).status, PCPU_FAIL);
	EXPECT_EQ(backend_nr_chunks(b), 1);
	backend_fail(b, PCPU_FAULT_MAP, 1);
	EXPECT_EQ(al(b, 8, 2).status, PCPU_FAIL); /* chunk 1: 16 entries */
	EXPECT_EQ(backend_nr_chunks(b), 2);
	EXPECT_EQ(at(al(b, 8, 2), 1), 0);
	EXPECT_EQ(counters(b).faults_fired[PCPU_FAULT_CHUNK], 1);
	EXPECT_EQ(counters(b).faults_fired[PCPU_FAULT_MAP], 1);
	backend_destroy(b);
}

/*
 * Reserved requests use the reserved chunk (§16.2: static 20000,
 * reserved 8192, dyn 12768, unit 40960): alloc(100, 8) -> r+20000,
 * alloc(8, 64) -> r+20160 with a 60-byte free head; freeing the first
 * merges with its tail: r = 0A 20000f 20160A 20168f 28192|.
 */
static void test_reserved_chunk(void)
{
	struct backend *b = mk(2, 40960, 20000, 8192, 12768, 0);

	EXPECT_EQ(at(al_reserved(b, 100, 8), PCPU_CHUNK_RESERVED), 20000);
	struct pcpu_alloc_res r = al_reserved(b, 8, 64);
	EXPECT_EQ(at(r, PCPU_CHUNK_RESERVED), 20160);
	EXPECT_EQ(at(al(b, 4, 4), 0), 28192);
	EXPECT_EQ(at(al(b, 24, 8), 0), 28200);
	EXPECT_STREQ(map_str(b, 0), "0A 28192A 28196f 28200A 28224f 40960|");
	EXPECT_EQ(backend_free(b, r.ptr - 160), PCPU_OK); /* r+20000 */
	EXPECT_STREQ(map_str(b, PCPU_CHUNK_RESERVED),
		     "0A 20000f 20160A 20168f 28192|");
	backend_destroy(b);
}

/*
 * Illegal sizes and alignments are refused without side effects: size 0,
 * size above PCPU_MIN_UNIT_SIZE (32769 rounds to 32770), align above a
 * page; 32767 rounds to 32768 and is accepted.
 */
static void test_illegal_requests(void)
{
	struct backend *b = mk_g1(0);

	EXPECT_EQ(al(b, 0, 0).status, PCPU_FAIL);
	EXPECT_EQ(al(b, 32769, 0).status, PCPU_FAIL);
	EXPECT_EQ(al(b, 8, 8192).status, PCPU_FAIL);
	EXPECT_EQ(al(b, (size_t)-1, 0).status, PCPU_FAIL);
	EXPECT_EQ(counters(b).warn_illegal, 4);
	EXPECT_EQ(backend_nr_chunks(b), 1);
	EXPECT_EQ(at(al(b, 32767, 0), 1), 0);
	backend_destroy(b);
}

void suite_alloc(void)
{
	RUN(test_relocation_head_vs_tail);
	RUN(test_map_extension_sizes);
	RUN(test_atomic_skips_unpopulated_pages);
	RUN(test_atomic_map_margin);
	RUN(test_populate_failure_path);
	RUN(test_chunk_and_map_faults);
	RUN(test_reserved_chunk);
	RUN(test_illegal_requests);
}
