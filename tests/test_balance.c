// SPDX-License-Identifier: GPL-2.0-only
/*
 * The balance work (docs/allocator.md §9).  Geometry G1.
 */
#include "core_util.h"
#include "test.h"

/*
 * Reaping keeps exactly one empty chunk, the head of the free slot
 * (§16.4).  Chunks 1-3 are created full, then freed in the order
 * 1, 3, 2: free slot "2 3 1", 24 empty pages, work pending.  Balance keeps
 * 2 and destroys 3 and 1: 8 empty pages, nothing populated (8 >= 4).
 */
static void test_balance_keeps_one_empty_chunk(void)
{
	struct backend *b = mk_g1(0);
	struct pcpu_alloc_res c[4];
	struct pcpu_global_view g;

	al(b, 12288, 2);
	for (int i = 1; i <= 3; i++)
		c[i] = al(b, 32768, 4096);
	backend_free(b, c[1].ptr);
	backend_free(b, c[3].ptr);
	backend_free(b, c[2].ptr);
	EXPECT_STREQ(slot_str(b, 14), "2 3 1");
	EXPECT_EQ(empty_pop_pages(b), 24);
	backend_global(b, &g);
	EXPECT(g.balance_pending);

	backend_balance(b);
	EXPECT_STREQ(slot_str(b, 14), "2");
	EXPECT_EQ(backend_nr_chunks(b), 2);
	EXPECT_EQ(empty_pop_pages(b), 8);
	backend_global(b, &g);
	EXPECT(!g.balance_pending);
	EXPECT_EQ(g.counters.chunks_destroyed, 2);
	EXPECT_EQ(g.counters.pages_depopulated, 16);
	backend_destroy(b);
}

/*
 * With fewer than 4 empty pages and no chunk to populate, balance creates
 * a chunk and populates pages 0-3 of it.  The first chunk (full) never
 * qualifies.  Expected: chunk 1 on the free slot, 4 empty pages.
 */
static void test_balance_creates_and_populates(void)
{
	struct backend *b = mk_g1(0);

	al(b, 12288, 2);
	EXPECT_EQ(empty_pop_pages(b), 0);
	backend_balance(b);
	EXPECT_EQ(backend_nr_chunks(b), 2);
	EXPECT_CHUNK(b, 1, "nr_populated 4 slot 14");
	EXPECT_EQ(empty_pop_pages(b), 4);
	/* an injected chunk failure makes balance give up quietly */
	backend_balance(b);
	EXPECT_EQ(backend_nr_chunks(b), 2);
	backend_destroy(b);
}

/*
 * A populate failure inside balance stops populating; the created chunk
 * stays, unpopulated.
 */
static void test_balance_populate_failure(void)
{
	struct backend *b = mk_g1(0);

	al(b, 12288, 2);
	backend_fail(b, PCPU_FAULT_PAGE, 1);
	backend_balance(b);
	EXPECT_EQ(backend_nr_chunks(b), 2);
	EXPECT_CHUNK(b, 1, "nr_populated 0");
	EXPECT_EQ(empty_pop_pages(b), 0);
	backend_destroy(b);
}

void suite_balance(void)
{
	RUN(test_balance_keeps_one_empty_chunk);
	RUN(test_balance_creates_and_populates);
	RUN(test_balance_populate_failure);
}
