// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of the checks' interval index (harness/checks/check_index.c): insert,
 * remove, which ranges meet a query, ranges that only touch, chunks kept
 * apart, and agreement with a plain scan over many random operations.
 */
#include <limits.h>
#include <stdlib.h>

#include "check_index.h"
#include "pcpu.h"
#include "test.h"

/* Nothing inserted: no query finds anything. */
static void test_index_empty_finds_nothing(void)
{
	struct check_index *ix = check_index_new(4);

	EXPECT_EQ(check_index_count(ix), 0);
	EXPECT_EQ(check_index_lowest(ix, 0, 0, LONG_MAX), -1);
	EXPECT_EQ(check_index_lowest(ix, PCPU_CHUNK_RESERVED, 0, 10), -1);
	check_index_free(ix);
}

/*
 * Chunk 0: id 0 [0, 16), id 1 [16, 32).  Expected: [16, 32) meets only
 * id 1 and [0, 16) only id 0 (touching ranges do not meet), [15, 17)
 * meets both (lowest id 0), [32, 48) and the empty [8, 8) meet nothing.
 */
static void test_index_adjacent_ranges_do_not_meet(void)
{
	struct check_index *ix = check_index_new(2);

	check_index_insert(ix, 0, 0, 0, 16);
	check_index_insert(ix, 1, 0, 16, 32);
	EXPECT_EQ(check_index_lowest(ix, 0, 16, 32), 1);
	EXPECT_EQ(check_index_lowest(ix, 0, 0, 16), 0);
	EXPECT_EQ(check_index_lowest(ix, 0, 15, 17), 0);
	EXPECT_EQ(check_index_lowest(ix, 0, 31, 33), 1);
	EXPECT_EQ(check_index_lowest(ix, 0, 32, 48), -1);
	EXPECT_EQ(check_index_lowest(ix, 0, 8, 8), -1);
	check_index_free(ix);
}

/*
 * id 0 covers all of chunk 1 that the index can hold, id 1 sits at the
 * start of the reserved chunk.  Expected: queries on chunks 0, 2 and the
 * reserved chunk's other bytes find nothing of chunk 1, and the whole of
 * chunk 1 finds id 0 only.
 */
static void test_index_chunks_never_meet(void)
{
	struct check_index *ix = check_index_new(2);

	check_index_insert(ix, 0, 1, 0, CHECK_INDEX_MAX_END);
	check_index_insert(ix, 1, PCPU_CHUNK_RESERVED, 0, 2);
	EXPECT_EQ(check_index_lowest(ix, 0, 0, LONG_MAX), -1);
	EXPECT_EQ(check_index_lowest(ix, 2, 0, LONG_MAX), -1);
	EXPECT_EQ(check_index_lowest(ix, PCPU_CHUNK_RESERVED, 2, LONG_MAX),
		  -1);
	EXPECT_EQ(check_index_lowest(ix, 1, 0, LONG_MAX), 0);
	EXPECT_EQ(check_index_lowest(ix, PCPU_CHUNK_RESERVED, 0, 1), 1);
	check_index_free(ix);
}

/*
 * ids 0, 1, 2 at [0, 8), [8, 16), [16, 24) of chunk 3; id 1 removed,
 * removed again (no effect), then inserted at [100, 104).  Expected: the
 * middle range meets nothing after the removal, the count follows, and
 * the new place meets id 1.
 */
static void test_index_remove_and_insert_again(void)
{
	struct check_index *ix = check_index_new(3);

	for (unsigned int id = 0; id < 3; id++)
		check_index_insert(ix, id, 3, 8 * (long)id, 8 * (long)id + 8);
	check_index_remove(ix, 1);
	check_index_remove(ix, 1);
	EXPECT_EQ(check_index_count(ix), 2);
	EXPECT(!check_index_has(ix, 1));
	EXPECT_EQ(check_index_lowest(ix, 3, 8, 16), -1);
	EXPECT_EQ(check_index_lowest(ix, 3, 7, 17), 0);
	check_index_insert(ix, 1, 3, 100, 104);
	EXPECT(check_index_has(ix, 1));
	EXPECT_EQ(check_index_lowest(ix, 3, 103, 200), 1);
	EXPECT_EQ(check_index_count(ix), 3);
	check_index_free(ix);
}

static int collect(void *arg, unsigned int id, long off, long end)
{
	long *out = arg;

	(void)end;
	out[out[0] * 2 + 1] = id;
	out[out[0] * 2 + 2] = off;
	out[0]++;
	return 0;
}

/*
 * id 5 at [100, 200), id 2 at [200, 300) of chunk 0; query [150, 250).
 * Expected: the walk gives id 5 then id 2 (offset order) and the lowest
 * id met is 2, not the one at the lowest offset.
 */
static void test_index_lowest_id_not_lowest_offset(void)
{
	struct check_index *ix = check_index_new(6);
	long got[1 + 2 * 6] = { 0 };

	check_index_insert(ix, 5, 0, 100, 200);
	check_index_insert(ix, 2, 0, 200, 300);
	check_index_each(ix, 0, 150, 250, collect, got);
	EXPECT_EQ(got[0], 2);
	EXPECT_EQ(got[1], 5);
	EXPECT_EQ(got[2], 100);
	EXPECT_EQ(got[3], 2);
	EXPECT_EQ(got[4], 200);
	EXPECT_EQ(check_index_lowest(ix, 0, 150, 250), 2);
	check_index_free(ix);
}

/*
 * 20,000 random inserts and removes of 300 ids over chunks -1 .. 2, with
 * ranges that may overlap each other, each followed by a random query
 * (some empty).  Expected: every answer equals a plain scan's lowest
 * meeting id.
 */
static void test_index_agrees_with_a_scan(void)
{
	enum { N = 300 };
	struct check_index *ix = check_index_new(N);
	struct { bool in; int chunk; long off, end; } r[N] = { { 0 } };
	unsigned long long s = 42;
	int mismatches = 0;

	for (int step = 0; step < 20000; step++) {
		unsigned int id;
		int chunk;
		long off, end, want = -1;

		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		id = (unsigned int)(s >> 33) % N;
		if (r[id].in) {
			check_index_remove(ix, id);
			r[id].in = false;
		} else {
			r[id].chunk = (int)((s >> 20) % 4) - 1;
			r[id].off = (long)((s >> 40) % 4000);
			r[id].end = r[id].off + 1 + (long)((s >> 8) % 300);
			r[id].in = true;
			check_index_insert(ix, id, r[id].chunk, r[id].off,
					   r[id].end);
		}
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		chunk = (int)((s >> 20) % 4) - 1;
		off = (long)((s >> 40) % 4300);
		end = off + (long)((s >> 8) % 200);
		for (unsigned int j = 0; j < N && want < 0; j++)
			if (r[j].in && r[j].chunk == chunk && off < end &&
			    r[j].off < end && off < r[j].end)
				want = j;
		mismatches += check_index_lowest(ix, chunk, off, end) != want;
	}
	EXPECT_EQ(mismatches, 0);
	check_index_free(ix);
}

void suite_check_index(void)
{
	RUN(test_index_empty_finds_nothing);
	RUN(test_index_adjacent_ranges_do_not_meet);
	RUN(test_index_chunks_never_meet);
	RUN(test_index_remove_and_insert_again);
	RUN(test_index_lowest_id_not_lowest_offset);
	RUN(test_index_agrees_with_a_scan);
}
