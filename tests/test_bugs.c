// SPDX-License-Identifier: GPL-2.0-only
/*
 * The two kernel bugs that reach 4.9 reproduce in faithful mode, and
 * their switches fix them.
 */
#include "core_util.h"
#include "test.h"

/*
 * align-pow2 (docs/allocator.md §7.1): static 24576, dyn 16384, unit 40960.
 * alloc(12) -> 24576; alloc(4, align 12): ALIGN(24588, 12) with the
 * kernel's bit mask is 24596, not a multiple of 12.  With the switch the
 * request is refused as illegal (4.10 behaviour).
 */
static void test_align_pow2_faithful_and_fixed(void)
{
	struct backend *b = mk(2, 40960, 24576, 0, 16384, 0);

	EXPECT_EQ(at(al(b, 12, 2), 0), 24576);
	EXPECT_EQ(at(al(b, 4, 12), 0), 24596);
	EXPECT(24596 % 12 != 0);
	backend_destroy(b);

	b = mk(2, 40960, 24576, 0, 16384, PCPU_FIX_ALIGN_POW2);
	EXPECT_EQ(at(al(b, 12, 2), 0), 24576);
	EXPECT_EQ(al(b, 4, 12).status, PCPU_FAIL);
	EXPECT_EQ(counters(b).warn_illegal, 1);
	EXPECT_EQ(at(al(b, 4, 16), 0), 24592);
	backend_destroy(b);
}

/* The §14.1 recipe: static 20000, dyn 12768, unit 32768. */
static struct backend *slot_walk_setup(unsigned fixes)
{
	static const size_t sizes[] = { 2, 2, 2, 2, 2, 8, 2, 12748 };
	struct backend *b = mk(2, 32768, 20000, 0, 12768, fixes);
	struct pcpu_alloc_res r[8];

	for (int i = 0; i < 8; i++)
		r[i] = al(b, sizes[i], 2);
	backend_free(b, r[1].ptr);
	backend_free(b, r[3].ptr);
	backend_free(b, r[5].ptr);
	al(b, 8, 2); /* fills the 8-byte hole: hint stays a stale 8 */
	return b;
}

/*
 * slot-walk (docs/allocator.md §14.1): the first chunk has only 2-byte holes
 * left but a stale hint of 8 (free 4, slot 1).  alloc(4) fails on it, the
 * full scan drops the hint to 2, the chunk moves to slot 0, and the
 * kernel's walk escapes into slot 0's list head: PCPU_HANG.  With the
 * switch the walk continues from the saved next entry and a new chunk 1
 * serves the request at offset 0.
 */
static void test_slot_walk_faithful_and_fixed(void)
{
	struct backend *b = slot_walk_setup(0);

	EXPECT_STREQ(map_str(b, 0),
		     "0A 20000A 20002f 20004A 20006f 20008A 20010A 20018A 20020A 32768|");
	EXPECT_CHUNK(b, 0, "free_size 4 contig_hint 8 slot 1 first_free 2");
	EXPECT_EQ(al(b, 4, 2).status, PCPU_HANG);
	EXPECT_CHUNK(b, 0, "contig_hint 2 slot 0");
	backend_destroy(b);

	b = slot_walk_setup(PCPU_FIX_SLOT_WALK);
	EXPECT_EQ(at(al(b, 4, 2), 1), 0);
	EXPECT_CHUNK(b, 0, "slot 0");
	backend_destroy(b);
}

void suite_bugs(void)
{
	RUN(test_align_pow2_faithful_and_fixed);
	RUN(test_slot_walk_faithful_and_fixed);
}
