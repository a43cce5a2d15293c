// SPDX-License-Identifier: GPL-2.0-only
/*
 * The backing check (oracle/check_backing.c) over a real instance of
 * geometry G1 (2 CPUs, unit 32 KiB, dyn 12 KiB at 20480): host memory
 * accessible exactly where the populated bitmap says populated.  Under
 * PCPU_VM=mprotect the port cannot tell cheaply and the check passes
 * without comparing; the tests say which answer they expect in which
 * model.
 */
#include <limits.h>
#include <string.h>

#include "core_util.h"
#include "host_vm.h"
#include "percpu_internal.h" /* to plant a broken rollback */
#include "run.h"
#include "test.h"

static bool poison_model(void)
{
	return host_vm_model() == HOST_VM_POISON;
}

/*
 * The first chunk full, then a 4096-byte request creates chunk 1 and
 * populates its page 0 on both CPUs.  Expected: the backing check passes
 * (page 0 accessible, pages 1-7 not, on both CPUs; the first chunk up to
 * its dynamic area's end).
 */
static void test_backing_matches_after_populate(void)
{
	struct run_ctx c = { .b = mk_g1(0), .failed_chunk = INT_MIN };

	EXPECT_EQ(at(al(c.b, 12288, 2), 0), 20480);
	EXPECT_EQ(at(al(c.b, 4096, 4096), 1), 0);
	EXPECT_EQ(check_backing_after_op(&c, false), 0);
	EXPECT(!c.failed);
	backend_destroy(c.b);
}

/*
 * Chunk 1 with page 0 populated; an injected page failure strikes unit
 * 0 of the populate of page 1, so nothing is opened.  The test then opens
 * CPU 1's page 1 by hand: what a rollback that forgot one CPU would
 * leave.  Expected under poison: check 'backing' fails naming chunk 1,
 * CPU 1, page 1; under mprotect: no answer, the check passes.
 */
static void test_backing_catches_page_left_open(void)
{
	struct run_ctx c = { .b = mk_g1(0), .failed_chunk = INT_MIN };
	struct pcpu_alloc_res r;

	EXPECT_EQ(at(al(c.b, 12288, 2), 0), 20480);
	r = al(c.b, 4096, 4096);
	EXPECT_EQ(at(r, 1), 0);
	backend_fail(c.b, PCPU_FAULT_PAGE, 1);
	EXPECT_EQ(al(c.b, 4096, 4096).status, PCPU_FAIL);
	EXPECT_EQ(check_backing_after_op(&c, false), 0);

	host_vm_open((char *)backend_cpu_addr(c.b, r.ptr, 1) + 4096, 4096);
	if (poison_model()) {
		EXPECT_EQ(check_backing_after_op(&c, true), -1);
		EXPECT(c.failed && !strcmp(c.failed_check, CHECK_BACKING));
		EXPECT_EQ(c.failed_chunk, 1);
		EXPECT(strstr(c.detail,
			      "chunk 1 cpu 1 page 1: expected inaccessible (populated bitmap), got accessible") !=
		       NULL);
	} else {
		EXPECT_EQ(check_backing_after_op(&c, true), 0);
	}
	host_vm_close((char *)backend_cpu_addr(c.b, r.ptr, 1) + 4096, 4096);
	backend_destroy(c.b);
}

void suite_backing(void)
{
	RUN(test_backing_matches_after_populate);
	RUN(test_backing_catches_page_left_open);
}
