// SPDX-License-Identifier: GPL-2.0-only
/*
 * Injected failures run the kernel's own error exits (allocator/
 * percpu_vm.c): a `chunk` failure strikes the chunk structure, its map and
 * its vm area in turn; a `page` failure strikes unit k for the k-th one
 * and undoes the units before it.  Geometry G1 (2 CPUs, unit 32 KiB, dyn
 * 12 KiB at 20480).  Leaks on the exits are LeakSanitizer's to report.
 * Whether a page is accessible is asked of the page model in force
 * (allocator/host_vm.h): ASan poison, or the protections in
 * /proc/self/maps under PCPU_VM=mprotect.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core_util.h"
#include "host_vm.h"
#include "percpu_internal.h" /* pcpu_fault_strike: the order is internal */
#include "test.h"

/* The protection ("rw-p", "---p") of the mapping that holds addr, or
 * "none" when no mapping does. */
static void prot_of(const void *addr, char prot[5])
{
	FILE *f = fopen("/proc/self/maps", "r");
	uintptr_t a = (uintptr_t)addr, lo, hi;
	char line[512], perms[5];

	strcpy(prot, "none");
	while (f && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) == 3 &&
		    a >= lo && a < hi) {
			strcpy(prot, perms);
			break;
		}
	}
	if (f)
		fclose(f);
}

/* Whether the page model lets addr be touched: "open" or "closed". */
static const char *page_state(const void *addr)
{
	int acc = host_vm_accessible(addr);
	char prot[5];

	if (acc < 0) {
		prot_of(addr, prot);
		acc = !strcmp(prot, "rw-p");
	}
	return acc ? "open" : "closed";
}

/*
 * The order failures strike in: with four chunk failures armed, a call
 * with three places gets places 0, 1, 2, then 0 again, then none.  It is
 * what makes the next test reach each of the three error exits.
 */
static void test_fault_strikes_each_place_in_turn(void)
{
	struct backend *b = mk_g1(0);

	backend_fail(b, PCPU_FAULT_CHUNK, 4);
	EXPECT_EQ(pcpu_fault_strike(b, PCPU_FAULT_CHUNK, 3), 0);
	EXPECT_EQ(pcpu_fault_strike(b, PCPU_FAULT_CHUNK, 3), 1);
	EXPECT_EQ(pcpu_fault_strike(b, PCPU_FAULT_CHUNK, 3), 2);
	EXPECT_EQ(pcpu_fault_strike(b, PCPU_FAULT_CHUNK, 3), 0);
	EXPECT_EQ(pcpu_fault_strike(b, PCPU_FAULT_CHUNK, 3), -1);
	backend_destroy(b);
}

/*
 * The first chunk full, three injected chunk failures: three 64-byte
 * requests fail (structure, map, vm area), the fourth creates chunk 1.
 */
static void test_chunk_failure_each_allocation(void)
{
	struct backend *b = mk_g1(0);

	EXPECT_EQ(at(al(b, 12288, 2), 0), 20480);
	backend_fail(b, PCPU_FAULT_CHUNK, 3);
	for (int i = 0; i < 3; i++)
		EXPECT_EQ(al(b, 64, 8).status, PCPU_FAIL);
	EXPECT_EQ(at(al(b, 64, 8), 1), 0);
	EXPECT_EQ(counters(b).faults_fired[PCPU_FAULT_CHUNK], 3);
	EXPECT_EQ(counters(b).chunks_created, 1);
	backend_destroy(b);
}

/*
 * Chunk 1 has page 0 populated.  Two injected page failures: a request
 * for page 1 fails at unit 0, the next at unit 1 after unit 0 was made
 * accessible, and unit 0 is inaccessible again.  The third populates
 * page 1 in both units.
 */
static void test_page_failure_undoes_earlier_units(void)
{
	struct backend *b = mk_g1(0);
	struct pcpu_alloc_res r;
	char *page1[2];

	EXPECT_EQ(at(al(b, 12288, 2), 0), 20480);
	r = al(b, 4096, 4096);
	EXPECT_EQ(at(r, 1), 0);
	for (unsigned cpu = 0; cpu < 2; cpu++)
		page1[cpu] = (char *)backend_cpu_addr(b, r.ptr, cpu) + 4096;

	backend_fail(b, PCPU_FAULT_PAGE, 2);
	EXPECT_EQ(al(b, 4096, 4096).status, PCPU_FAIL);
	EXPECT_EQ(al(b, 4096, 4096).status, PCPU_FAIL);
	for (unsigned cpu = 0; cpu < 2; cpu++)
		EXPECT_STREQ(page_state(page1[cpu]), "closed");
	EXPECT_EQ(counters(b).faults_fired[PCPU_FAULT_PAGE], 2);

	EXPECT_EQ(at(al(b, 4096, 4096), 1), 4096);
	for (unsigned cpu = 0; cpu < 2; cpu++)
		EXPECT_STREQ(page_state(page1[cpu]), "open");
	backend_destroy(b);
}

void suite_injection(void)
{
	RUN(test_fault_strikes_each_place_in_turn);
	RUN(test_chunk_failure_each_allocation);
	RUN(test_page_failure_undoes_earlier_units);
}
