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
#include <stdio.h>
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
	EXPECT_EQ(run_end(&f.c), 0);
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

/*
 * The word loops of the tags and zeroed checks (four words per step from
 * 64 bytes on, one word, then the tail) against one changed byte: for
 * sizes that end on each kind of boundary, and a byte at every position
 * a step treats differently (first, last, each word and vector edge), on
 * CPU 3.  Expected: check_after_alloc fails with "zeroed" naming that
 * byte when the byte is set before the checks, and check_before_free with
 * "tags" naming it when the byte is flipped after the tags are written;
 * untouched copies pass both.
 */
static void test_word_loops_find_every_byte(void)
{
	static const size_t sizes[] = { 2, 62, 64, 66, 70, 96, 98, 126, 128,
					134, 4096, 8190 };
	static const size_t at[] = { 0, 7, 8, 31, 32, 33, 63, 64, 95, 96 };
	char want[48];

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t size = sizes[s];

		for (size_t k = 0; k < sizeof(at) / sizeof(at[0]) + 1; k++) {
			size_t i = k < sizeof(at) / sizeof(at[0]) ? at[k] :
								     size - 1;
			struct fixture f;
			struct live_alloc *a;
			unsigned char *p;

			if (i >= size)
				continue;
			snprintf(want, sizeof(want), "cpu 3 byte %zu:", i);
			fx_init(&f, 1, size, 8);
			a = fx_alloc(&f, 0);
			p = backend_cpu_addr(f.c.b, a->ptr, 3);
			p[i] = 0x5a;
			EXPECT_EQ(check_after_alloc(&f.c, 0), -1);
			EXPECT(failed_with(&f.c, CHECK_ZEROED));
			EXPECT(strstr(f.c.detail, want) != NULL);
			fx_fini(&f);

			fx_init(&f, 1, size, 8);
			a = fx_alloc(&f, 0);
			EXPECT_EQ(check_after_alloc(&f.c, 0), 0);
			tags_write(&f.c, 0);
			EXPECT_EQ(check_before_free(&f.c, 0), 0);
			p = backend_cpu_addr(f.c.b, a->ptr, 3);
			p[i] ^= 0x10;
			EXPECT_EQ(check_before_free(&f.c, 0), -1);
			EXPECT(failed_with(&f.c, CHECK_TAGS));
			EXPECT(strstr(f.c.detail, want) != NULL);
			fx_fini(&f);
		}
	}
}

void suite_checks(void)
{
	RUN(test_fresh_instance_passes);
	RUN(test_tags_corrupted_on_cpu1);
	RUN(test_nonzero_fresh_alloc_fails_zeroed);
	RUN(test_fake_overlapping_alloc_fails_overlap);
	RUN(test_word_loops_find_every_byte);
}
