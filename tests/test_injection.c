// SPDX-License-Identifier: GPL-2.0-only
/*
 * Injected failures run the kernel's own error exits (allocator/
 * percpu_vm.c): a `chunk` failure strikes the chunk structure, its map and
 * its vm area in turn; a `page` failure strikes unit k for the k-th one
 * and undoes the units before it, and so does a `vmap` failure, after the
 * page allocation succeeded.  `after N` lets N attempts through first.  Geometry G1 (2 CPUs, unit 32 KiB, dyn
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
#include "oracle.h"
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
 * Where the next n chunk-fault strikes of a call with three places land,
 * as "0 1 2 0 -1" (-1: none struck), into a static buffer.
 */
static const char *chunk_strikes(struct backend *b, int n)
{
	static char buf[64];
	size_t len = 0;

	buf[0] = 0;
	for (int i = 0; i < n && len < sizeof(buf) - 8; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%d",
					i ? " " : "",
					pcpu_fault_strike(b, PCPU_FAULT_CHUNK, 3));
	return buf;
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
	EXPECT_STREQ(chunk_strikes(b, 5), "0 1 2 0 -1");
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

	r = chunk1_first(b, 4096, 4096);
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

/* G1 for the oracle: 2 CPUs, unit 32768, static 20480, dyn 12288. */
static struct oracle *mk_oracle_g1(void)
{
	const struct pcpu_geometry g = { .cpus = 2, .page_size = 4096,
					 .unit_size = 32768,
					 .static_size = 20480,
					 .reserved_size = 0,
					 .dyn_size = 12288 };

	return oracle_create(&g, 0);
}

/* One allocation on the backend and the oracle; they must agree. */
static struct pcpu_alloc_res al_both(struct backend *b, struct oracle *o,
				     size_t size, size_t align)
{
	const struct pcpu_alloc_req req = { .size = size, .align = align };
	struct pcpu_alloc_res r = al(b, size, align);
	struct pcpu_alloc_res p = oracle_alloc(o, &req);

	EXPECT_EQ(r.status, p.status);
	if (r.status == PCPU_OK && p.status == PCPU_OK) {
		EXPECT_EQ(r.chunk_id, p.chunk_id);
		EXPECT_EQ(r.off, p.off);
	}
	return r;
}

/*
 * `fail page 1 after 1`: chunk 1 is created and its page 0 populated
 * (the first populate, let through); the next request, for page 1, is
 * the second populate and fails; the one after it succeeds.  Expected:
 * fail on the second populate, not the first, and the oracle agrees at
 * every step; one page fault fired.
 */
static void test_page_failure_after_one(void)
{
	struct backend *b = mk_g1(0);
	struct oracle *o = mk_oracle_g1();

	EXPECT_EQ(at(al_both(b, o, 12288, 2), 0), 20480);
	backend_fail_after(b, PCPU_FAULT_PAGE, 1, 1);
	oracle_fail_after(o, PCPU_FAULT_PAGE, 1, 1);
	EXPECT_EQ(at(al_both(b, o, 4096, 4096), 1), 0);
	EXPECT_EQ(counters(b).faults_fired[PCPU_FAULT_PAGE], 0);
	EXPECT_EQ(al_both(b, o, 4096, 4096).status, PCPU_FAIL);
	EXPECT_EQ(counters(b).faults_fired[PCPU_FAULT_PAGE], 1);
	EXPECT_EQ(at(al_both(b, o, 4096, 4096), 1), 4096);
	EXPECT_EQ(counters(b).pages_populated, 2);
	oracle_destroy(o);
	backend_destroy(b);
}

/*
 * A later `fail` line of the same kind replaces the wait but keeps what
 * is armed: after 3 with 1 armed, then after 0 with 1 more armed fails
 * the next two attempts.  The strike sequence shows it directly.
 */
static void test_after_is_replaced_count_adds(void)
{
	struct backend *b = mk_g1(0);

	backend_fail_after(b, PCPU_FAULT_CHUNK, 1, 3);
	EXPECT_STREQ(chunk_strikes(b, 1), "-1");
	backend_fail_after(b, PCPU_FAULT_CHUNK, 1, 0);
	EXPECT_STREQ(chunk_strikes(b, 3), "0 1 -1");
	backend_destroy(b);
}

/*
 * `fail vmap 2`: as test_page_failure_undoes_earlier_units but failing
 * the mapping.  The first failure strikes unit 0, the second unit 1
 * after unit 0 was mapped; the unit 0 mapping is undone (closed again).
 * No page fault fires; the oracle predicts both failures and the third
 * request's success.
 */
static void test_vmap_failure_unmaps_earlier_units(void)
{
	struct backend *b = mk_g1(0);
	struct oracle *o = mk_oracle_g1();
	struct pcpu_alloc_res r;
	char *page1[2];

	EXPECT_EQ(at(al_both(b, o, 12288, 2), 0), 20480);
	r = al_both(b, o, 4096, 4096);
	EXPECT_EQ(at(r, 1), 0);
	for (unsigned cpu = 0; cpu < 2; cpu++)
		page1[cpu] = (char *)backend_cpu_addr(b, r.ptr, cpu) + 4096;

	backend_fail(b, PCPU_FAULT_VMAP, 2);
	oracle_fail(o, PCPU_FAULT_VMAP, 2);
	EXPECT_EQ(al_both(b, o, 4096, 4096).status, PCPU_FAIL);
	EXPECT_EQ(al_both(b, o, 4096, 4096).status, PCPU_FAIL);
	for (unsigned cpu = 0; cpu < 2; cpu++)
		EXPECT_STREQ(page_state(page1[cpu]), "closed");
	EXPECT_EQ(counters(b).faults_fired[PCPU_FAULT_VMAP], 2);
	EXPECT_EQ(counters(b).faults_fired[PCPU_FAULT_PAGE], 0);

	EXPECT_EQ(at(al_both(b, o, 4096, 4096), 1), 4096);
	for (unsigned cpu = 0; cpu < 2; cpu++)
		EXPECT_STREQ(page_state(page1[cpu]), "open");
	oracle_destroy(o);
	backend_destroy(b);
}

/*
 * A page failure ends the populate before its mapping: an armed vmap
 * failure is not consumed by it and fails the next populate instead.
 * Expected: fail (page), fail (vmap), success; the oracle agrees.
 */
static void test_vmap_not_attempted_after_page_failure(void)
{
	struct backend *b = mk_g1(0);
	struct oracle *o = mk_oracle_g1();

	EXPECT_EQ(at(al_both(b, o, 12288, 2), 0), 20480);
	backend_fail(b, PCPU_FAULT_PAGE, 1);
	oracle_fail(o, PCPU_FAULT_PAGE, 1);
	backend_fail(b, PCPU_FAULT_VMAP, 1);
	oracle_fail(o, PCPU_FAULT_VMAP, 1);
	EXPECT_EQ(al_both(b, o, 64, 8).status, PCPU_FAIL);
	EXPECT_EQ(counters(b).faults_fired[PCPU_FAULT_VMAP], 0);
	EXPECT_EQ(al_both(b, o, 64, 8).status, PCPU_FAIL);
	EXPECT_EQ(counters(b).faults_fired[PCPU_FAULT_VMAP], 1);
	EXPECT_EQ(at(al_both(b, o, 64, 8), 1), 0);
	oracle_destroy(o);
	backend_destroy(b);
}

void suite_injection(void)
{
	RUN(test_fault_strikes_each_place_in_turn);
	RUN(test_chunk_failure_each_allocation);
	RUN(test_page_failure_undoes_earlier_units);
	RUN(test_page_failure_after_one);
	RUN(test_after_is_replaced_count_adds);
	RUN(test_vmap_failure_unmaps_earlier_units);
	RUN(test_vmap_not_attempted_after_page_failure);
}
