/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tests of the checks (harness/checks/check_*.c) over a real backend and a real
 * oracle: a clean state passes, and each kind of damage is reported under
 * its stable check name.  Every test uses the trace format's default
 * geometry (4 CPUs, unit 32768, static 8192, reserved 8192, dyn 16384), so
 * the first dynamic allocation lands at the start of the dynamic area of
 * chunk 0:
 *
 *   0              16384                                  32768
 *   | static+reserved A |            free 16384           |
 */
#include <limits.h>
#include <string.h>

#include "check_fixture.h"
#include "run.h"
#include "test.h"

/*
 * A fresh instance, nothing allocated: every after-op check and the
 * end-of-run check pass, and no failure is recorded.
 */
static void test_fresh_instance_passes(void)
{
	struct fixture f;

	fx_init(&f, 0, 0, 0);
	EXPECT_EQ(check_after_op(&f.c), 0);
	EXPECT_EQ(check_end(&f.c), 0);
	EXPECT(!f.c.failed);
	fx_fini(&f);
}

/*
 * alloc 64 (align 8) -> chunk 0 offset 16384, checked and tagged; then one
 * byte of CPU 1's copy is flipped.  Expected: the after-alloc and after-op
 * checks pass before the flip, and check_before_free fails with "tags" on
 * chunk 0.
 */
static void test_tags_corrupted_on_cpu1(void)
{
	struct fixture f;
	struct live_alloc *a;

	fx_init(&f, 1, 64, 8);
	a = fx_alloc_checked(&f, 0);
	*fx_byte(&f, 0, 1, 5) ^= 0xff;
	EXPECT(fx_failed(&f, check_before_free(&f.c, 0), CHECK_TAGS,
			 a->chunk_id));
	fx_fini(&f);
}

/*
 * alloc 64 -> chunk 0 offset 16384; before the checks run, CPU 2's copy
 * gets a non-zero byte at index 10.  Expected: check_after_alloc fails
 * with "zeroed" (overlap and populated pass first).
 */
static void test_nonzero_fresh_alloc_fails_zeroed(void)
{
	struct fixture f;

	fx_init(&f, 1, 64, 8);
	fx_alloc(&f, 0);
	*fx_byte(&f, 0, 2, 10) = 0x5a;
	EXPECT(fx_failed(&f, check_after_alloc(&f.c, 0), CHECK_ZEROED, INT_MIN));
	EXPECT(strstr(f.c.detail, "cpu 2 byte 10") != NULL);
	fx_fini(&f);
}

/*
 * alloc 0 (64 bytes) -> chunk 0 [16384, 16448), checked and tagged; then
 * alloc 1's shadow entry is faked as a copy of alloc 0 (same chunk,
 * offset and pointer) as if the backend had handed the range out twice.
 * Expected: check_after_alloc(1) fails with "overlap" on chunk 0.
 */
static void test_fake_overlapping_alloc_fails_overlap(void)
{
	struct fixture f;
	struct live_alloc *a;

	fx_init(&f, 2, 64, 8);
	a = fx_alloc_checked(&f, 0);
	f.c.allocs[1] = *a;
	f.c.nr_live++;
	f.c.op_index = 1;
	EXPECT(fx_failed(&f, check_after_alloc(&f.c, 1), CHECK_OVERLAP,
			 a->chunk_id));
	fx_fini(&f);
}

void suite_checks(void)
{
	RUN(test_fresh_instance_passes);
	RUN(test_tags_corrupted_on_cpu1);
	RUN(test_nonzero_fresh_alloc_fails_zeroed);
	RUN(test_fake_overlapping_alloc_fails_overlap);
}
