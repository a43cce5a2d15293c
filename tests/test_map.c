// SPDX-License-Identifier: GPL-2.0-only
/*
 * The area map inside one chunk: head and tail rules, splits, merging on free,
 * first_free, contig_hint staleness (docs/allocator.md §5, §6).  All tests use
 * the first chunk of geometry G1 (static 20480, dyn 12288, unit 32768):
 *
 *   0         20480                     32768
 *   | static A |        free 12288       |
 */
#include "core_util.h"
#include "test.h"

/*
 * The scenarios that place allocations in the first chunk, free some of
 * them and then read its map differ in their numbers alone, so they are
 * rows of one table; each is still a test of its own, run under its name
 * by suite_map.
 */
static const struct map_case {
	const char *name;
	/* each lands at off in chunk 0; ends at a size of 0 (6 at most) */
	struct {
		size_t size, align;
		long off;
	} allocs[7];
	/* then these allocs[] are freed, in this order, each with PCPU_OK */
	int nr_frees, frees[3];
	const char *map;    /* chunk 0's map afterwards; NULL: not read */
	const char *fields; /* and its fields, as chunk_differs reads them */
} map_cases[] = {
	/*
	 * A 2-byte head is donated to the previous in-use block.
	 *   alloc(2) -> 20480; alloc(4, align 4): block 20482 has head 2 < 4,
	 *   so block 1 grows to [20480, 20484) and the allocation lands at
	 *   20484.
	 * Expected map 0A 20480A 20484A 20488f 32768|, free_size 12280.
	 */
	{ "test_head_donated_to_previous_allocation",
	  { { 2, 2, 20480 }, { 4, 4, 20484 } },
	  0, { 0 },
	  "0A 20480A 20484A 20488f 32768|",
	  "free_size 12280" },
	/*
	 * A tail below sizeof(int) is absorbed: alloc(12286) in the
	 * 12288-byte block takes all of it.  Expected map 0A 20480A 32768|,
	 * free_size 0, contig_hint 0 (the allocation is the last block: full
	 * scan), slot 0.
	 */
	{ "test_tail_absorbed",
	  { { 12286, 2, 20480 } },
	  0, { 0 },
	  "0A 20480A 32768|",
	  "free_size 0 contig_hint 0 slot 0 first_free 2" },
	/*
	 * Head >= 4 behind an in-use block and a tail >= 4: both split off.
	 *   alloc(4) -> 20480; alloc(8, align 64) -> 20544 with a free head
	 *   [20484, 20544) and a free tail [20552, 32768).
	 * Expected map 0A 20480A 20484f 20544A 20552f 32768|, first_free 2.
	 */
	{ "test_split_head_and_tail",
	  { { 4, 2, 20480 }, { 8, 64, 20544 } },
	  0, { 0 },
	  "0A 20480A 20484f 20544A 20552f 32768|",
	  "first_free 2 free_size 12276" },
	/*
	 * A chunk whose hint is below 4 sits on slot 0 even with free_size 4.
	 *   allocs 2,2,2,2,2 and 12278 fill the chunk; freeing the 2nd and
	 *   4th leaves two 2-byte holes: free_size 4, contig_hint 2.
	 * Expected slot 0.
	 */
	{ "test_slot_zero_when_hint_below_4",
	  { { 2, 2, 20480 }, { 2, 2, 20482 }, { 2, 2, 20484 }, { 2, 2, 20486 },
	    { 2, 2, 20488 }, { 12278, 2, 20490 } },
	  2, { 1, 3 },
	  NULL,
	  "free_size 4 contig_hint 2 slot 0" },
};

static const struct map_case *map_case; /* the row test_map_case runs */

static void test_map_case(void)
{
	struct backend *b = mk_g1(0);
	struct pcpu_alloc_res r[7];

	for (size_t i = 0; map_case->allocs[i].size; i++) {
		r[i] = al(b, map_case->allocs[i].size, map_case->allocs[i].align);
		EXPECT_EQ(at(r[i], 0), map_case->allocs[i].off);
	}
	for (int i = 0; i < map_case->nr_frees; i++)
		EXPECT_EQ(backend_free(b, r[map_case->frees[i]].ptr), PCPU_OK);
	if (map_case->map)
		EXPECT_STREQ(map_str(b, 0), map_case->map);
	EXPECT_CHUNK(b, 0, map_case->fields);
	backend_destroy(b);
}

/*
 * Freeing a block between two free blocks merges all three.
 *   allocs 8, 8, 8 at 20480, 20488, 20496; free 20480, then 20496 (merges
 *   with the tail), then 20488 (merges both sides).
 * Expected map 0A 20480f 32768|, free_size 12288, contig_hint 12288.
 */
static void test_free_merges_both_sides(void)
{
	struct backend *b = mk_g1(0);
	struct pcpu_alloc_res r[3];

	for (int i = 0; i < 3; i++)
		r[i] = al(b, 8, 2);
	EXPECT_EQ(backend_free(b, r[0].ptr), PCPU_OK);
	EXPECT_EQ(backend_free(b, r[2].ptr), PCPU_OK);
	EXPECT_STREQ(map_str(b, 0), "0A 20480f 20488A 20496f 32768|");
	EXPECT_EQ(backend_free(b, r[1].ptr), PCPU_OK);
	EXPECT_STREQ(map_str(b, 0), "0A 20480f 32768|");
	EXPECT_CHUNK(b, 0, "free_size 12288 contig_hint 12288");
	backend_destroy(b);
}

/*
 * first_free follows the lowest free block: after a head split it points
 * at the head (index 2); freeing block 1 lowers it to 1.
 * Expected first_free 2, then 1; map 0A 20480f 20544A 20552f 32768|.
 */
static void test_first_free_moves(void)
{
	struct backend *b = mk_g1(0);
	struct pcpu_alloc_res a = al(b, 4, 2);

	al(b, 8, 64);
	EXPECT_CHUNK(b, 0, "first_free 2");
	EXPECT_EQ(backend_free(b, a.ptr), PCPU_OK);
	EXPECT_CHUNK(b, 0, "first_free 1");
	EXPECT_STREQ(map_str(b, 0), "0A 20480f 20544A 20552f 32768|");
	backend_destroy(b);
}

/*
 * contig_hint is stale after a partial scan and exact after a full one.
 *   alloc(2), alloc(4, align 4): largest hole 12280, hint still 12288.
 *   alloc(12282) passes the hint pre-check, fails the scan (full scan:
 *   hint becomes 12280) and is served by a new chunk 1 at offset 0.
 */
static void test_contig_hint_stale_then_exact(void)
{
	struct backend *b = mk_g1(0);

	al(b, 2, 2);
	al(b, 4, 4);
	EXPECT_CHUNK(b, 0, "contig_hint 12288");
	EXPECT_EQ(at(al(b, 12282, 2), 1), 0);
	EXPECT_CHUNK(b, 0, "contig_hint 12280");
	backend_destroy(b);
}

/*
 * Freeing an offset that is not the start of an in-use block is the
 * kernel's BUG(): the port reports PCPU_BUG and changes nothing.
 */
static void test_free_of_interior_pointer_is_bug(void)
{
	struct backend *b = mk_g1(0);
	struct pcpu_alloc_res r = al(b, 8, 2);

	EXPECT_EQ(backend_free(b, r.ptr + 2), PCPU_BUG);
	EXPECT_STREQ(map_str(b, 0), "0A 20480A 20488f 32768|");
	EXPECT_EQ(backend_free(b, r.ptr), PCPU_OK);
	backend_destroy(b);
}

/*
 * backend_area_map (include/pcpu_area_map.h) reads the chunk's map, which
 * agrees with the chunk view: after the head and tail split above, 5
 * blocks, first_free 2, map_alloc 128, not queued for extension, block 1
 * starting where the view says the handed-out area starts and the
 * sentinel where it ends; no extension queue.
 */
static void test_area_map_view(void)
{
	struct backend *b = mk_g1(0);
	struct pcpu_chunk_view v;
	struct pcpu_area_map_view am;
	int idx = -1, ids[4];

	EXPECT_EQ(at(al(b, 4, 2), 0), 20480);
	EXPECT_EQ(at(al(b, 8, 64), 0), 20544);
	for (int i = 0; i < backend_nr_chunks(b); i++) {
		backend_chunk(b, i, &v);
		if (v.id == 0)
			idx = i;
	}
	EXPECT(idx >= 0);
	backend_chunk(b, idx, &v);
	EXPECT_EQ(backend_area_map(b, idx, &am), 0);
	EXPECT_EQ(am.map_used, 5);
	EXPECT_EQ(am.map_alloc, 128);
	EXPECT_EQ(am.first_free, 2);
	EXPECT(!am.on_extend_list);
	EXPECT_EQ(am.map[1] & ~1, v.area_start);
	EXPECT_EQ(am.map[am.map_used] & ~1, v.area_end);
	EXPECT_EQ(am.map[am.map_used] & ~1, 32768);
	EXPECT_EQ(backend_extend_queue(b, ids, 4), 0);
	backend_destroy(b);
}

void suite_map(void)
{
	for (size_t i = 0; i < sizeof(map_cases) / sizeof(map_cases[0]); i++) {
		map_case = &map_cases[i];
		test_run(map_case->name, test_map_case);
	}
	RUN(test_free_merges_both_sides);
	RUN(test_first_free_moves);
	RUN(test_contig_hint_stale_then_exact);
	RUN(test_free_of_interior_pointer_is_bug);
	RUN(test_area_map_view);
}
