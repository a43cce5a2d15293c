// SPDX-License-Identifier: GPL-2.0-only
/*
 * The backing check (harness/checks/check_backing.c) over a real instance of
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

static const struct trace_op balance_op = { .kind = OP_BALANCE };

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
	EXPECT_EQ(check_backing_after_op(&c, &balance_op), 0);
	EXPECT(!c.failed);
	check_release(&c);
	backend_destroy(c.b);
}

/*
 * The backing check after op: under the poison model it fails 'backing'
 * with detail in its report; under mprotect it has no answer and passes.
 */
static void expect_backing_fails(struct run_ctx *c, const struct trace_op *op,
				 const char *detail)
{
	if (!poison_model()) {
		EXPECT_EQ(check_backing_after_op(c, op), 0);
		return;
	}
	EXPECT_EQ(check_backing_after_op(c, op), -1);
	EXPECT(c->failed && !strcmp(c->failed_check, CHECK_BACKING));
	EXPECT(strstr(c->detail, detail) != NULL);
}

/*
 * Chunk 1 with page 0 populated; an injected page failure strikes unit
 * 0 of the populate of page 1, so nothing is opened, and a check as after
 * a balance passes.  The test then opens CPU 1's page 1 by hand and makes
 * another populate of it fail at unit 1: what a rollback that forgot
 * CPU 1 would leave.  Expected under poison: the check after that failed
 * alloc fails 'backing' naming chunk 1, CPU 1, page 1; under mprotect: no
 * answer, the check passes.
 */
static void test_backing_catches_page_left_open(void)
{
	/* the failed alloc as run_alloc leaves it: not live, so the check
	 * cannot narrow to one chunk and looks at every chunk */
	struct live_alloc failed = { .live = false };
	const struct trace_op alloc_op = { .kind = OP_ALLOC, .id = 0 };
	struct run_ctx c = { .b = mk_g1(0), .failed_chunk = INT_MIN,
			     .allocs = &failed };
	struct pcpu_alloc_res r;

	r = chunk1_first(c.b, 4096, 4096);
	backend_fail(c.b, PCPU_FAULT_PAGE, 1);
	EXPECT_EQ(al(c.b, 4096, 4096).status, PCPU_FAIL);
	EXPECT_EQ(check_backing_after_op(&c, &balance_op), 0);

	host_vm_open((char *)backend_cpu_addr(c.b, r.ptr, 1) + 4096, 4096);
	backend_fail(c.b, PCPU_FAULT_PAGE, 1);
	EXPECT_EQ(al(c.b, 4096, 4096).status, PCPU_FAIL);
	expect_backing_fails(&c, &alloc_op,
			     "chunk 1 cpu 1 page 1: expected inaccessible (populated bitmap), got accessible");
	EXPECT(!poison_model() || c.failed_chunk == 1);
	host_vm_close((char *)backend_cpu_addr(c.b, r.ptr, 1) + 4096, 4096);
	check_release(&c);
	backend_destroy(c.b);
}

/*
 * Chunk 1 created with page 0 populated (compared whole: it is new).
 * Before another 4096-byte request populates page 1, the test opens
 * CPU 0's page 2 by hand: a populate that ran one page too far.
 * Expected under poison: the check after that alloc (live, chunk 1
 * offset 4096, so pages 0 to 2 are compared) fails 'backing' naming
 * chunk 1, CPU 0, page 2; under mprotect it passes.
 */
static void test_backing_after_alloc_sees_page_past_area(void)
{
	struct live_alloc live = { .live = true, .chunk_id = 1, .off = 4096,
				   .size = 4096 };
	const struct trace_op alloc_op = { .kind = OP_ALLOC, .id = 0 };
	struct run_ctx c = { .b = mk_g1(0), .failed_chunk = INT_MIN,
			     .allocs = &live };
	struct pcpu_alloc_res r;

	r = chunk1_first(c.b, 4096, 4096);
	live.off = 0;
	EXPECT_EQ(check_backing_after_op(&c, &alloc_op), 0);
	EXPECT(!c.failed);

	host_vm_open((char *)backend_cpu_addr(c.b, r.ptr, 0) + 8192, 4096);
	EXPECT_EQ(at(al(c.b, 4096, 4096), 1), 4096);
	live.off = 4096;
	expect_backing_fails(&c, &alloc_op,
			     "chunk 1 cpu 0 page 2: expected inaccessible (populated bitmap), got accessible");
	host_vm_close((char *)backend_cpu_addr(c.b, r.ptr, 0) + 8192, 4096);
	check_release(&c);
	backend_destroy(c.b);
}

/*
 * A unit of 128 pages, two words of bits (2 CPUs, unit 512 KiB, static
 * 20480, dyn 12288).  A 4096-byte request makes chunk 1 and populates its
 * page 0; before any check has seen chunk 1, the test opens CPU 1's pages
 * 100 and 70 by hand.  The first check compares a new chunk whole, one
 * run of 128 pages a CPU.  Expected under poison: CPU 0's run passes
 * across the word boundary, and the check as after a balance fails
 * 'backing' naming chunk 1, CPU 1, page 70, the lowest of the two, as a
 * comparison page by page would; under mprotect it passes.
 */
static void test_backing_wide_unit_names_lowest_page(void)
{
	struct run_ctx c = { .b = mk(2, 524288, 20480, 0, 12288, 0),
			     .failed_chunk = INT_MIN };
	struct pcpu_alloc_res r;
	char *cpu1;

	EXPECT_EQ(at(al(c.b, 12288, 2), 0), 20480);
	r = al(c.b, 4096, 4096);
	EXPECT_EQ(at(r, 1), 0);
	cpu1 = backend_cpu_addr(c.b, r.ptr, 1);
	host_vm_open(cpu1 + 100 * 4096, 4096);
	host_vm_open(cpu1 + 70 * 4096, 4096);
	expect_backing_fails(&c, &balance_op,
			     "chunk 1 cpu 1 page 70: expected inaccessible (populated bitmap), got accessible");
	EXPECT(!poison_model() || c.failed_chunk == 1);
	host_vm_close(cpu1 + 70 * 4096, 4096);
	host_vm_close(cpu1 + 100 * 4096, 4096);
	check_release(&c);
	backend_destroy(c.b);
}

void suite_backing(void)
{
	RUN(test_backing_matches_after_populate);
	RUN(test_backing_catches_page_left_open);
	RUN(test_backing_after_alloc_sees_page_past_area);
	RUN(test_backing_wide_unit_names_lowest_page);
}
