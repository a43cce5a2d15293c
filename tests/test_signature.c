// SPDX-License-Identifier: GPL-2.0-only
/*
 * Signatures read from the text a dying run leaves on stderr
 * (harness/signature_report.c): a sanitizer report, and the linux shim's
 * "kernel BUG at" line, which ends in abort() without any report.
 */
#include <string.h>

#include "signature.h"
#include "test.h"

/*
 * The shim's BUG in __free_pages, after the harness's own "died in" line.
 * Expected: sanitizer=kernel-bug frame=__free_pages.
 */
static void test_signature_kernel_bug_names_function(void)
{
	struct run_signature s = { 0 };
	const char *text =
		"kernel BUG at kernel/mem/mem_phys.c:253: __free_pages: pfn 63 is still mapped\n"
		"percpu-fuzz: died in x.trace at operation 4 (line 18): alloc 8192\n";

	EXPECT(signature_from_report(text, &s));
	EXPECT_EQ(s.kind, SIG_SANITIZER);
	EXPECT_STREQ(s.text, "sanitizer=kernel-bug frame=__free_pages");
}

/*
 * A BUG whose message does not start with a function ("recursive
 * locking of pcpu_lock").  Expected: the file's base name as the frame.
 */
static void test_signature_kernel_bug_without_function(void)
{
	struct run_signature s = { 0 };

	EXPECT(signature_from_report(
		"kernel BUG at mm/percpu.c:1712: recursive locking of pcpu_lock\n", &s));
	EXPECT_STREQ(s.text, "sanitizer=kernel-bug frame=percpu.c");
}

/* Text with neither a report nor a BUG line.  Expected: false. */
static void test_signature_plain_text_is_no_report(void)
{
	struct run_signature s = { 0 };

	EXPECT(!signature_from_report("percpu-fuzz: died in x.trace\nkernel BUG at\n", &s));
}

void suite_signature(void)
{
	RUN(test_signature_kernel_bug_names_function);
	RUN(test_signature_kernel_bug_without_function);
	RUN(test_signature_plain_text_is_no_report);
}
