// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of PCPU_NOFAULT (harness/nofault.c): which lists are accepted,
 * and a `fail` line of a listed kind stepped over on the backend and the
 * oracle alike (the run still passes: the two agree), counted once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env_parse.h"
#include "run.h"
#include "test.h"

/*
 * Expected: "" is no kind; "vmap" and "page,chunk,map,vmap" give their
 * bits; "bogus", "vmap,bogus", "VMAP", "page ", "vmapx" and the empty
 * words of ",page" and "page,,map" are refused with a message naming
 * the variable and the word, and leave the mask alone.
 */
static void test_nofault_lists(void)
{
	static const struct env_accepted good[] = {
		{ "", 0 },
		{ "vmap", 1u << PCPU_FAULT_VMAP },
		{ "page,chunk,map,vmap", (1u << PCPU_NR_FAULTS) - 1 },
	};
	static const char *const bad[] = { "bogus", "vmap,bogus", "VMAP",
					   "page ", "vmapx", ",page",
					   "page,,map" };

	expect_env_parse(nofault_parse, good, sizeof(good) / sizeof(good[0]),
			 bad, sizeof(bad) / sizeof(bad[0]),
			 "PCPU_NOFAULT: unknown fault kind '");
}

/*
 * Run "alloc 12288; fail page; alloc 4096" in a geometry whose first
 * chunk the first alloc fills (2 CPUs, unit 32768, dyn 12288), so the
 * second alloc needs a new chunk and its populate.  Results and the
 * non-fatal counts go to *out.  Returns run_trace's status.
 */
static int run_fail_page(unsigned nofault, char *out, size_t len,
			 struct run_nonfatal *n)
{
	static const char text[] =
		"geometry cpus=2 page=4096 unit=32768 static=20480 reserved=0 dyn=12288\n"
		"alloc 12288\nfail page\nalloc 4096\n";
	struct run_options opt = { .checks = true };
	struct trace t;
	char err[256];
	FILE *f = fmemopen(out, len, "w");
	int st;

	memset(out, 0, len);
	trace_init(&t);
	EXPECT_EQ(trace_parse_text("nofault", text, sizeof(text) - 1, &t, err,
				   sizeof(err)), 0);
	opt.results = f;
	opt.nonfatal = n;
	opt.nonfatal_policy.nofault = nofault;
	st = run_trace(&t, &opt);
	fclose(f);
	trace_free(&t);
	return st;
}

/*
 * Expected: without PCPU_NOFAULT the populate fails ("alloc 1 fail");
 * with page stepped over it succeeds in chunk 1 and the count says
 * "nofault page 1"; with only vmap stepped over the page fault fires.
 */
static void test_nofault_steps_over_its_kind_only(void)
{
	struct run_nonfatal n = { 0 };
	char out[256];

	EXPECT_EQ(run_fail_page(0, out, sizeof(out), &n), 0);
	EXPECT_STREQ(out, "alloc 0 chunk 0 off 20480\nalloc 1 fail\n");
	EXPECT_EQ(n.nr, 0);
	EXPECT_EQ(run_fail_page(1u << PCPU_FAULT_PAGE, out, sizeof(out), &n), 0);
	EXPECT_STREQ(out, "alloc 0 chunk 0 off 20480\nalloc 1 chunk 1 off 0\n");
	EXPECT_EQ(n.nr, 1);
	EXPECT_STREQ(n.e[0].check, "nofault page");
	EXPECT_EQ(n.e[0].count, 1);
	memset(&n, 0, sizeof(n));
	EXPECT_EQ(run_fail_page(1u << PCPU_FAULT_VMAP, out, sizeof(out), &n), 0);
	EXPECT_STREQ(out, "alloc 0 chunk 0 off 20480\nalloc 1 fail\n");
	EXPECT_EQ(n.nr, 0);
}

void suite_nofault(void)
{
	RUN(test_nofault_lists);
	RUN(test_nofault_steps_over_its_kind_only);
}
