// SPDX-License-Identifier: GPL-2.0-only
/*
 * linux-checks: tests of the linux backend's own checks
 * (kernel/checks/checks_*.c): every check fires, with its grade, on a
 * planted value (a fake pcpu_block_md, or a bit written into a live
 * allocation map); consistent values and a fresh instance pass; the fit
 * search; what waits for a sweep and what is checked at once; the backing
 * walk on planted populated bits; the chunk truth composed from the
 * blocks' equals a recount, and the recount one bit by bit; the decision
 * checks on traces run through the harness (ktest.h).  Last line
 * "linux-checks: N passed, N failed".  Finding, minimising and timing
 * hint findings are the shared tools' (pcpu-soak, pcpu-minimize,
 * pcpu-bench, pcpu-replay of build/linux-<v>/, docs/linux.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_internal.h"
#include "check.h"
#include "checks.h"
#include "ktest.h"

static int passed, failed;

/* two geometries every kernel accepts, with and without a reserved area */
static const struct pcpu_geometry geos[2] = {
	{ .cpus = 4, .page_size = 4096, .unit_size = 36864,
	  .static_size = 8192, .reserved_size = 8192, .dyn_size = 20480 },
	{ .cpus = 2, .page_size = 4096, .unit_size = 65536,
	  .static_size = 4096, .reserved_size = 0, .dyn_size = 61440 },
};


#define MAXF 256
static struct pcpu_finding fs[MAXF];

/* the finding named check is among the n, with that grade */
static bool has(int n, const char *check, enum pcpu_grade grade)
{
	for (int i = 0; i < n && i < MAXF; i++)
		if (!strcmp(fs[i].check, check) && fs[i].grade == grade)
			return true;
	return false;
}

static void dump(int n)
{
	for (int i = 0; i < n && i < MAXF; i++)
		printf("  %s (grade %d) chunk %d: %s\n", fs[i].check,
		       fs[i].grade, fs[i].chunk_id, fs[i].detail);
}

/* ---- planted values ------------------------------------------------- */

#define BB 1024 /* block bits of a 4 KiB page */
static unsigned long map[2 * BB / 64];

static void set_bits(int from, int n)
{
	for (int i = from; i < from + n; i++)
		map[i / 64] |= 1UL << (i % 64);
}

/* the truth of bits [from, from + n) of bitmap bm, a bit at a time */
static struct kglue_md naive_truth(const unsigned long *bm, int from, int n)
{
	struct kglue_md m = { .nr_bits = n, .true_first_free = n };
	int run = 0;

	for (int i = 0; i < n; i++) {
		if ((bm[(from + i) / 64] >> ((from + i) % 64)) & 1) {
			run = 0;
			continue;
		}
		if (m.true_first_free == n)
			m.true_first_free = i;
		if (++run > m.true_largest) {
			m.true_largest = run;
			m.true_largest_start = i + 1 - run;
		}
		if (run == i + 1)
			m.true_left_free = run;
	}
	m.true_right_free = run;
	return m;
}

/* the truth of block blk of map, as kglue_chunk_md computes it */
static struct kglue_md truth(int blk)
{
	return naive_truth(map, blk < 0 ? 0 : blk * BB, blk < 0 ? 2 * BB : BB);
}

/* exact hints: the kernel's fields equal the truth */
static struct kglue_md exact(int blk)
{
	struct kglue_md m = truth(blk);

	m.contig_hint = m.true_largest;
	m.contig_hint_start = m.true_largest_start;
	m.first_free = m.true_first_free;
	m.left_free = m.true_left_free;
	m.right_free = m.true_right_free;
	return m;
}

static int run_md(int blk, const struct kglue_md *m)
{
	struct checks_sink s = { fs, MAXF, 0 };

	checks_md(&s, 7, blk, m, map, blk < 0 ? 0 : blk * BB, BB);
	return s.n;
}

static void test_planted(void)
{
	struct kglue_md m;
	int n;

	/*
	 * Block 0: used [0,10) [100,110) [300,1000); free runs [10,100) of
	 * 90, [110,300) of 190, [1000,1024) of 24 touching block 1, which is
	 * free up to its used [1500,2048).
	 */
	memset(map, 0, sizeof(map));
	set_bits(0, 10);
	set_bits(100, 10);
	set_bits(300, 700);
	set_bits(1500, 548);

	{
		struct kglue_md bl[2] = { truth(0), truth(1) }, c, w = truth(-1);

		checks_compose_chunk_truth(bl, 2, BB, &c);
		CHECK(c.true_largest == w.true_largest &&
		      c.true_largest_start == w.true_largest_start &&
		      c.true_first_free == w.true_first_free,
		      "composed truth %d@%d, whole %d@%d", c.true_largest,
		      c.true_largest_start, w.true_largest, w.true_largest_start);
	}
	for (int blk = -1; blk < 2; blk++) {
		m = exact(blk);
		n = run_md(blk, &m);
		CHECK(n == 0, "exact hints of block %d: %d findings", blk, n);
		if (n)
			dump(n);
	}
	/* a scan hint before the contig hint is fine */
	m = exact(0);
	m.scan_hint = 90;
	m.scan_hint_start = 10;
	n = run_md(0, &m);
	CHECK(n == 0, "valid scan hint: %d findings", n);

	m = exact(0);
	m.contig_hint_start = 95; /* runs over the used [100,110) */
	n = run_md(0, &m);
	CHECK(has(n, "hint_used_bits", PCPU_GRADE_ACCOUNTING),
	      "contig over used bits");
	m = exact(0);
	m.scan_hint = 20;
	m.scan_hint_start = 295;
	n = run_md(0, &m);
	CHECK(has(n, "hint_used_bits", PCPU_GRADE_ACCOUNTING),
	      "scan hint over used bits");
	m = exact(0);
	m.contig_hint = 300; /* larger than any run, and over used bits */
	m.contig_hint_start = 0;
	n = run_md(0, &m);
	CHECK(has(n, "hint_too_large", PCPU_GRADE_ACCOUNTING),
	      "contig above the largest run");
	m = exact(0);
	m.contig_hint = 90;
	m.contig_hint_start = 10;
	n = run_md(0, &m);
	CHECK(has(n, "contig_hint_low", PCPU_GRADE_HINT) && n == 1,
	      "block contig below the largest run (%d findings)", n);
	/* scan_hint_start after contig_hint_start but not equal: broken */
	m = exact(0);
	m.scan_hint = 24;
	m.scan_hint_start = 1000;
	n = run_md(0, &m);
	CHECK(has(n, "scan_hint", PCPU_GRADE_HINT) && n == 1,
	      "scan hint after a larger contig hint (%d)", n);
	/* equal scan and contig hints with the scan hint first: broken */
	m = exact(0);
	m.contig_hint = 90;
	m.contig_hint_start = 10;
	m.scan_hint = 90;
	m.scan_hint_start = 10;
	n = run_md(0, &m);
	CHECK(has(n, "scan_hint", PCPU_GRADE_HINT), "equal hints, scan first");
	/* first_free 5 is below block 0's first clear bit 10: a longer scan */
	m = exact(0);
	m.first_free = 5;
	n = run_md(0, &m);
	CHECK(has(n, "first_free", PCPU_GRADE_BENIGN) && n == 1,
	      "first_free stale low: benign");
	/* first_free 110 is past the free run [10,100): a scan would skip it */
	m = exact(0);
	m.first_free = 110;
	n = run_md(0, &m);
	CHECK(has(n, "first_free_high", PCPU_GRADE_HINT) && n == 1,
	      "first_free stale high: hint");
	m = exact(1);
	m.left_free = 0;
	n = run_md(1, &m);
	CHECK(has(n, "left_free", PCPU_GRADE_HINT) && n == 1, "left_free");
	m = exact(0);
	m.right_free = 0;
	n = run_md(0, &m);
	CHECK(has(n, "right_free", PCPU_GRADE_HINT) && n == 1, "right_free");
	/* chunk_md: left/right_free are not the kernel's to keep */
	m = exact(-1);
	m.right_free = 5;
	n = run_md(-1, &m);
	CHECK(n == 0, "chunk_md right_free is not checked (%d)", n);
	/*
	 * chunk_md: the largest run [1000,1500) crosses the block boundary;
	 * a hint below it by less than a block is the documented lag of
	 * pcpu_block_update_hint_free(), a hint inside one block is not.
	 */
	m = exact(-1);
	CHECK(m.true_largest == 500 && m.true_largest_start == 1000,
	      "planted largest run %d@%d", m.true_largest, m.true_largest_start);
	m.contig_hint = 190;
	m.contig_hint_start = 110;
	n = run_md(-1, &m);
	CHECK(n == 0, "chunk hint lag across blocks tolerated (%d)", n);
	set_bits(1200, 1); /* now [1201,1500) and [1000,1200) */
	m = exact(-1);
	m.contig_hint = 199;
	m.contig_hint_start = 1000;
	n = run_md(-1, &m);
	CHECK(has(n, "contig_hint_low", PCPU_GRADE_HINT),
	      "chunk hint below a run inside one block");
}

/*
 * The run checks (hint_same_run, hint_partial_run, scan_hint_not_largest)
 * on planted values, each with a state that must fail and one that must
 * pass.  Then block 0: used [0,10) [80,81) [100,110) [300,1000); free
 * runs 70@10, 19@81, 190@110, and [1000,1500) crossing into block 1.
 */
static void test_runs(void)
{
	struct kglue_md m;
	int n;

	/* first only [1000,1500) free, crossing from block 0 into block 1 */
	memset(map, 0, sizeof(map));
	set_bits(0, 1000);
	set_bits(1500, 548);
	/*
	 * chunk_md as the free path leaves it (linux-scan-hint-inside-contig):
	 * the contig hint 490@1010 recorded before [1000,1010) was freed, the
	 * scan hint the freed area extended to its block's end, 24@1000.
	 * Each alone is the documented lag of a run crossing blocks; the two
	 * overlap.
	 */
	m = exact(-1);
	m.contig_hint = 490;
	m.contig_hint_start = 1010;
	m.scan_hint = 24;
	m.scan_hint_start = 1000;
	n = run_md(-1, &m);
	CHECK(has(n, "hint_same_run", PCPU_GRADE_HINT) && n == 1,
	      "chunk scan hint inside the contig hint's run (%d)", n);
	if (n != 1)
		dump(n);
	/* side by side, both pieces of the crossing run: the lag, passes */
	m.contig_hint = 476;
	m.contig_hint_start = 1024;
	n = run_md(-1, &m);
	CHECK(n == 0, "chunk hints as two pieces of one crossing run (%d)", n);
	if (n)
		dump(n);

	memset(map, 0, sizeof(map));
	set_bits(0, 10);
	set_bits(80, 1);
	set_bits(100, 10);
	set_bits(300, 700);
	set_bits(1500, 548);
	/* block level: one run is never two hints */
	m = exact(0);
	m.scan_hint = 190;
	m.scan_hint_start = 110;
	n = run_md(0, &m);
	CHECK(has(n, "hint_same_run", PCPU_GRADE_HINT),
	      "block scan hint equal to the contig hint");

	/* a block scan hint that is part of its run: 40 of 70@10 */
	m = exact(0);
	m.scan_hint = 40;
	m.scan_hint_start = 20;
	n = run_md(0, &m);
	CHECK(has(n, "hint_partial_run", PCPU_GRADE_HINT) && n == 1,
	      "block scan hint part of a run (%d)", n);
	/* the whole run passes */
	m.scan_hint = 70;
	m.scan_hint_start = 10;
	n = run_md(0, &m);
	CHECK(n == 0, "block scan hint a whole run (%d)", n);
	/* a chunk contig hint part of a run inside one block: no lag */
	m = exact(-1);
	m.contig_hint = 150;
	m.contig_hint_start = 150;
	n = run_md(-1, &m);
	CHECK(has(n, "hint_partial_run", PCPU_GRADE_HINT),
	      "chunk contig hint part of a run inside a block");

	/* the scan hint 19@81 with the longer 70@10 before it */
	m = exact(0);
	m.scan_hint = 19;
	m.scan_hint_start = 81;
	n = run_md(0, &m);
	CHECK(has(n, "scan_hint_not_largest", PCPU_GRADE_HINT) && n == 1,
	      "scan hint after a longer run (%d)", n);
	/* a shorter run before the scan hint, a longer one after it: fine */
	set_bits(20, 1); /* now 10@10, 59@21 */
	m.scan_hint = 19;
	m.scan_hint_start = 81;
	n = run_md(0, &m);
	CHECK(has(n, "scan_hint_not_largest", PCPU_GRADE_HINT),
	      "scan hint after a longer run 59@21");
	m.scan_hint = 59;
	m.scan_hint_start = 21;
	n = run_md(0, &m);
	CHECK(n == 0, "scan hint the longest run before the contig hint (%d)",
	      n);
	if (n)
		dump(n);
}

static void test_fit(void)
{
	unsigned long pop = 0x1; /* page 0 populated only */

	memset(map, 0, sizeof(map));
	set_bits(0, 3);
	set_bits(8, 1000);
	/* free [3,8) and [1008,2048) */
	CHECK(checks_find_fit(map, 2 * BB, 5, 1, NULL, BB) == 3, "first fit");
	CHECK(checks_find_fit(map, 2 * BB, 4, 4, NULL, BB) == 4, "aligned");
	CHECK(checks_find_fit(map, 2 * BB, 5, 2, NULL, BB) == 1008,
	      "alignment skips the small hole");
	CHECK(checks_find_fit(map, 2 * BB, 20, 1, &pop, BB) == -1,
	      "atomic: the run crosses into an unpopulated page");
	pop = 0x2;
	CHECK(checks_find_fit(map, 2 * BB, 20, 1, &pop, BB) == 1024,
	      "atomic: the populated page");
	CHECK(checks_find_fit(map, 2 * BB, 1041, 1, NULL, BB) == -1,
	      "too large");
}

/* ---- a live instance ------------------------------------------------- */

/*
 * Flip one bit of chunk 0's allocation map, in the middle of its contig
 * hint, behind the kernel's back: the word, with the bit in *mask for
 * the caller to flip back; NULL when chunk 0 is not listed.
 */
static unsigned long *plant_used_bit(struct backend *b, unsigned long *mask)
{
	const unsigned long *amap, *bound;
	struct pcpu_chunk_view v;
	struct kglue_md m;
	unsigned long *w;
	int bits, bit, idx = -1;

	for (int i = 0; i < backend_nr_chunks(b); i++) {
		backend_chunk(b, i, &v);
		if (v.id == PCPU_CHUNK_FIRST)
			idx = i;
	}
	CHECK(idx >= 0, "chunk 0 is listed");
	if (idx < 0)
		return NULL;
	linux_backend_maps(b, idx, &amap, &bound, &bits);
	linux_backend_md(b, idx, -1, &m);
	bit = m.contig_hint_start + m.contig_hint / 2;
	w = (unsigned long *)&amap[bit / 64];
	*mask = 1UL << (bit % 64);
	*w ^= *mask;
	return w;
}

static void test_live(void)
{
	unsigned long *w, mask;
	struct backend *b;
	char err[256];
	int n;

	for (size_t g = 0; g < sizeof(geos) / sizeof(geos[0]); g++) {
		b = backend_create(&geos[g], 0, err, sizeof(err));
		CHECK(b != NULL, "backend_create: %s", err);
		if (!b)
			return;
		n = linux_checks_run(b, true, fs, MAXF);
		CHECK(n == 0, "fresh instance %zu: %d findings", g, n);
		if (n)
			dump(n);
		backend_destroy(b);
	}

	/*
	 * End to end: one used bit planted under chunk 0's contig hint (the
	 * bitmap written behind the kernel's back, then restored) trips the
	 * accounting recount and hint_used_bits.
	 */
	b = backend_create(&geos[0], 0, err, sizeof(err));
	if (!b)
		return;
	w = plant_used_bit(b, &mask);
	if (w) {
		backend_balance(b); /* marks every chunk for the hint checks */
		n = linux_checks_run(b, true, fs, MAXF);
		CHECK(has(n, "accounting", PCPU_GRADE_ACCOUNTING),
		      "planted bit: accounting");
		CHECK(has(n, "hint_used_bits", PCPU_GRADE_ACCOUNTING),
		      "planted bit: hint_used_bits");
		CHECK(n > 0 && fs[0].grade == PCPU_GRADE_ACCOUNTING,
		      "most severe first");
		*w ^= mask;
		backend_balance(b);
		n = linux_checks_run(b, true, fs, MAXF);
		CHECK(n == 0, "restored: %d findings", n);
		if (n)
			dump(n);
	}
	/*
	 * Safety, end to end: a byte of unit 1's static copy overwritten
	 * (behind the kernel's back, then restored) trips "static".
	 */
	{
		struct first_chunk *fc = &linux_snap.fc;
		char *byte = fc->base + fc->unit_offsets[1] + 17;

		*byte ^= 0x5a;
		n = linux_checks_run(b, true, fs, MAXF);
		CHECK(has(n, "static", PCPU_GRADE_SAFETY) &&
		      fs[0].grade == PCPU_GRADE_SAFETY,
		      "planted static byte: static, first");
		*byte ^= 0x5a;
		n = linux_checks_run(b, true, fs, MAXF);
		CHECK(n == 0, "static restored: %d findings", n);
	}
	/* backend_check: the same count and findings */
	{
		struct pcpu_finding f = { 0 };

		CHECK(backend_check(b, true, &f, 1) == 0, "backend_check clean");
	}
	backend_destroy(b);
}

/*
 * With nothing touched since the last check, check (of grade g) is not
 * found between sweeps, and is at the sweep.
 */
static void waits_for_the_sweep(struct backend *b, const char *check,
				enum pcpu_grade g, const char *what)
{
	int n = linux_checks_run(b, false, fs, MAXF);

	CHECK(!has(n, check, g), "%s, nothing touched, no sweep: no %s yet",
	      what, check);
	n = linux_checks_run(b, true, fs, MAXF);
	CHECK(has(n, check, g), "%s at the sweep: %s", what, check);
}

/*
 * Between sweeps (linux_checks_run with sweep false) the walks cover the
 * chunks an operation touched; a sweep covers every chunk.  Planted
 * behind the kernel's back in the first chunk, with no operation since
 * the last check:
 *  - a static byte is not compared without a sweep, is with one, and is
 *    compared at once after an allocation in the first chunk;
 *  - a bit of its bitmap trips "accounting" at the sweep only, and at once
 *    after an operation on that chunk.
 */
static void test_sweep_scope(void)
{
	struct first_chunk *fc;
	unsigned long *w, mask;
	struct backend *b;
	char err[256], *byte;
	int n;

	b = backend_create(&geos[1], 0, err, sizeof(err));
	CHECK(b != NULL, "backend_create: %s", err);
	if (!b)
		return;
	n = linux_checks_run(b, false, fs, MAXF); /* a new instance: all */
	CHECK(n == 0, "fresh instance: %d findings", n);
	fc = &linux_snap.fc;
	byte = fc->base + fc->unit_offsets[1] + 5;

	*byte ^= 0x5a;
	waits_for_the_sweep(b, "static", PCPU_GRADE_SAFETY, "static byte");
	{
		struct pcpu_alloc_req req = { .size = 8 };
		struct pcpu_alloc_res res = backend_alloc(b, &req);

		CHECK(res.status == PCPU_OK && res.chunk_id == PCPU_CHUNK_FIRST,
		      "an 8-byte allocation lands in the first chunk");
		n = linux_checks_run(b, false, fs, MAXF);
		CHECK(has(n, "static", PCPU_GRADE_SAFETY),
		      "static byte after an allocation in the first chunk, no sweep: static");
		*byte ^= 0x5a;
		if (res.status == PCPU_OK)
			backend_free(b, res.ptr);
		n = linux_checks_run(b, false, fs, MAXF);
		CHECK(n == 0, "static restored, the chunk freed: %d findings", n);
	}

	w = plant_used_bit(b, &mask);
	if (w) {
		waits_for_the_sweep(b, "accounting", PCPU_GRADE_ACCOUNTING,
				    "planted bit");
		backend_free(b, 0); /* touches nothing: free_percpu(NULL) */
		n = linux_checks_run(b, false, fs, MAXF);
		CHECK(!has(n, "accounting", PCPU_GRADE_ACCOUNTING),
		      "planted bit after free_percpu(NULL), no sweep: not recounted");
		{
			struct pcpu_alloc_req req = { .size = 8 };
			struct pcpu_alloc_res res = backend_alloc(b, &req);

			n = linux_checks_run(b, false, fs, MAXF);
			CHECK(res.status == PCPU_OK &&
			      has(n, "accounting", PCPU_GRADE_ACCOUNTING),
			      "planted bit after an allocation in its chunk, no sweep: accounting");
			*w ^= mask;
			if (res.status == PCPU_OK)
				backend_free(b, res.ptr);
		}
		n = linux_checks_run(b, true, fs, MAXF);
		CHECK(n == 0, "bit restored: %d findings", n);
		if (n)
			dump(n);
	}
	backend_destroy(b);
}

/*
 * Chunk by chunk, chunk_md's truth composed from the blocks' equals the
 * whole-bitmap recount; returns the chunks compared, *bad counts the
 * differences (the first one printed).
 */
/* the finding named check is among the n, and its detail holds text */
static bool has_detail(int n, const char *check, const char *text)
{
	for (int i = 0; i < n && i < MAXF; i++)
		if (!strcmp(fs[i].check, check) && strstr(fs[i].detail, text))
			return true;
	return false;
}

/*
 * The backing check's walk over a created chunk's pages: with page 0's
 * populated bit cleared behind the kernel's back (its pages stay mapped
 * on both CPUs), "backing" names the page ("page 0 cpu 0: mapped but not
 * populated"); between sweeps and with no operation on the chunk, the
 * walk waits for the sweep (the counts, which a bit alone does not move,
 * agree).  With the bit of an unpopulated page set: "populated but not
 * mapped".  Restored: no backing finding.
 */
static void test_backing_walk(void)
{
	struct pcpu_alloc_req req = { .size = 32768 };
	struct kglue_chunk cs[8];
	unsigned long *pop = NULL;
	struct backend *b;
	char err[256];
	int n, nr_pages = 0;

	b = backend_create(&geos[1], 0, err, sizeof(err));
	CHECK(b != NULL, "backend_create: %s", err);
	if (!b)
		return;
	CHECK(backend_alloc(b, &req).status == PCPU_OK, "32 KiB in chunk 0");
	CHECK(backend_alloc(b, &req).status == PCPU_OK,
	      "32 KiB more: a created chunk");
	n = kglue_chunks(cs, 8);
	for (int i = 0; i < n && i < 8; i++)
		if (!cs[i].first && !cs[i].reserved) {
			pop = (unsigned long *)cs[i].populated;
			nr_pages = cs[i].nr_pages;
		}
	CHECK(pop && nr_pages > 8 && (pop[0] & 1) && !(pop[0] >> 8 & 1),
	      "the created chunk has page 0 populated, page 8 not");
	if (!pop || nr_pages <= 8) {
		backend_destroy(b);
		return;
	}
	/* their blocks' stale first_free is a benign finding of its own */
	n = linux_checks_run(b, true, fs, MAXF);
	CHECK(!has(n, "backing", PCPU_GRADE_SAFETY), "two allocations: no backing");

	pop[0] &= ~1UL;
	n = linux_checks_run(b, false, fs, MAXF);
	CHECK(!has(n, "backing", PCPU_GRADE_SAFETY),
	      "page 0 unmarked, nothing touched, no sweep: not walked yet");
	n = linux_checks_run(b, true, fs, MAXF);
	CHECK(has_detail(n, "backing", "page 0 cpu 0: mapped but not populated"),
	      "page 0 unmarked at the sweep: backing, mapped but not populated");
	CHECK(linux_backend_check_backing(b, err, sizeof(err)) != 0 &&
	      strstr(err, "mapped but not populated"),
	      "linux_backend_check_backing: %s", err);
	pop[0] |= 1UL;

	pop[0] |= 1UL << 8;
	n = linux_checks_run(b, true, fs, MAXF);
	CHECK(has_detail(n, "backing", "page 8 cpu 0: populated but not mapped"),
	      "page 8 marked at the sweep: backing, populated but not mapped");
	pop[0] &= ~(1UL << 8);

	n = linux_checks_run(b, true, fs, MAXF);
	CHECK(!has(n, "backing", PCPU_GRADE_SAFETY) &&
	      !linux_backend_check_backing(b, err, sizeof(err)),
	      "bits restored: no backing");
	backend_destroy(b);
}

/* the recounted fields of got and of want are equal */
static bool same_truth(const struct kglue_md *got, const struct kglue_md *want)
{
	return got->true_first_free == want->true_first_free &&
	       got->true_left_free == want->true_left_free &&
	       got->true_right_free == want->true_right_free &&
	       got->true_largest == want->true_largest &&
	       got->true_largest_start == want->true_largest_start;
}

static int compose_agrees(struct backend *b, int op, int *bad,
			  int *bad_recount)
{
	static struct kglue_md blk[512];
	int compared = 0;

	for (int c = 0; c < backend_nr_chunks(b); c++) {
		int nb = linux_backend_nr_blocks(b, c), bits;
		const unsigned long *amap, *bound;
		struct kglue_md whole, comp, want;

		if (nb > 512)
			continue;
		linux_backend_maps(b, c, &amap, &bound, &bits);
		for (int k = 0; k < nb; k++) {
			linux_backend_md(b, c, k, &blk[k]);
			want = naive_truth(amap, k * BB, BB);
			if (!same_truth(&blk[k], &want) && !(*bad_recount)++)
				printf("  op %d chunk %d block %d: recount %d@%d first %d left %d right %d, bit by bit %d@%d first %d left %d right %d\n",
				       op, c, k, blk[k].true_largest,
				       blk[k].true_largest_start,
				       blk[k].true_first_free,
				       blk[k].true_left_free,
				       blk[k].true_right_free, want.true_largest,
				       want.true_largest_start,
				       want.true_first_free, want.true_left_free,
				       want.true_right_free);
		}
		linux_backend_md(b, c, -1, &whole);
		want = naive_truth(amap, 0, bits);
		if (!same_truth(&whole, &want) && !(*bad_recount)++)
			printf("  op %d chunk %d: recount %d@%d, bit by bit %d@%d\n",
			       op, c, whole.true_largest,
			       whole.true_largest_start, want.true_largest,
			       want.true_largest_start);
		checks_compose_chunk_truth(blk, nb, BB, &comp);
		compared++;
		if (comp.true_first_free == whole.true_first_free &&
		    comp.true_largest == whole.true_largest &&
		    comp.true_largest_start == whole.true_largest_start &&
		    comp.nr_bits == whole.nr_bits)
			continue;
		if (!(*bad)++)
			printf("  op %d chunk %d: composed %d@%d first %d, whole %d@%d first %d\n",
			       op, c, comp.true_largest, comp.true_largest_start,
			       comp.true_first_free, whole.true_largest,
			       whole.true_largest_start, whole.true_first_free);
	}
	return compared;
}

/*
 * chunk_md's truth composed from the blocks' (checks_compose_chunk_truth)
 * equals the whole-bitmap recount (kglue_chunk_md, block -1), and every
 * block's and chunk's recount (kglue_chunk_md, whole words at a step)
 * equals a recount bit by bit, for every chunk after every operation of a
 * fixed workload on both geometries:
 * allocations of mixed sizes and alignments (some atomic, some reserved),
 * every third one freed at once, leaving holes inside blocks and across
 * them, and every 40th operation all but the last 20 freed and the
 * balance work run.
 */
static void test_compose(void)
{
	static const size_t sizes[] = { 4, 60, 1000, 24, 4096, 333,
					8, 2048, 160, 9000, 12, 500 };
	static uintptr_t ptrs[300];
	int compared = 0, bad = 0, bad_recount = 0;

	for (size_t g = 0; g < sizeof(geos) / sizeof(geos[0]); g++) {
		char err[256];
		struct backend *b = backend_create(&geos[g], 0, err, sizeof(err));
		int oldest = 0;

		CHECK(b != NULL, "backend_create: %s", err);
		if (!b)
			return;
		for (int i = 0; i < 300; i++) {
			struct pcpu_alloc_req req = {
				.size = sizes[i % 12],
				.align = i % 5 ? 0 : (size_t)4 << (i % 7),
				.atomic = i % 9 == 4,
				.reserved = geos[g].reserved_size && i % 13 == 6,
			};
			struct pcpu_alloc_res res = backend_alloc(b, &req);

			ptrs[i] = res.status == PCPU_OK ? res.ptr : 0;
			if (i % 3 == 2) {
				backend_free(b, ptrs[i - 1]);
				ptrs[i - 1] = 0;
			}
			if (i % 40 == 39) {
				for (; oldest < i - 20; oldest++) {
					backend_free(b, ptrs[oldest]);
					ptrs[oldest] = 0;
				}
				backend_balance(b);
			}
			compared += compose_agrees(b, i, &bad, &bad_recount);
		}
		backend_destroy(b);
	}
	CHECK(compared > 500 && bad == 0,
	      "composed chunk truth: %d of %d differ", bad, compared);
	CHECK(compared > 500 && bad_recount == 0,
	      "kglue_chunk_md's recount against bit by bit: %d differ",
	      bad_recount);
}

/*
 * Decisions, on the linux-chunk-hint-free-end reproducer: chunk 0 is full
 * but for 400 bytes at bit 1024, which chunk_md does not know about.  An
 * atomic request of that size fails (fit_missed), a non-atomic one creates
 * a chunk (chunk_created_with_fit).  With the chunk creation failed by an
 * injected fault, the failure is not judged; a request that fits nowhere
 * is no finding.  Each variant runs through the harness, every finding
 * counted: how often the check was reported.
 */
static unsigned long decided(const char *tail, const char *check)
{
	static const char head[] =
		"geometry cpus=2 page=4096 unit=32768 static=4096 reserved=0 dyn=28672\n"
		"alloc 4096\nalloc 400\nalloc 3696\nalloc 8192\nalloc 8192\n"
		"alloc 4096\nfree 1\n";
	char text[512];
	struct ktest_run r;
	unsigned long n;

	snprintf(text, sizeof(text), "%s%s", head, tail);
	ktest_run_text(text, PCPU_GRADE_ALL, &r);
	n = r.status == 0 ? ktest_counted(&r, check) : ~0UL;
	ktest_run_free(&r);
	return n;
}

static void test_decisions(void)
{
	CHECK(decided("alloc 400 atomic\n", "fit_missed") == 1,
	      "atomic request misses the hole: fit_missed");
	CHECK(decided("alloc 400 atomic\n", "chunk_created_with_fit") == 0,
	      "a failed atomic request creates no chunk");
	CHECK(decided("alloc 400 atomic\nalloc 400\n",
		      "chunk_created_with_fit") == 1,
	      "non-atomic request: chunk_created_with_fit");
	CHECK(decided("fail chunk\nalloc 400\n", "fit_missed") == 0,
	      "a failure with a fault fired is not judged");
	CHECK(decided("balance\nalloc 404 atomic\n", "fit_missed") == 0,
	      "no fit, no finding");
}

int main(int argc, char **argv)
{
	if (argc != 1) {
		fprintf(stderr, "usage: %s (no arguments; see the file's head comment)\n",
			argv[0]);
		return 2;
	}
	test_planted();
	test_runs();
	test_fit();
	test_live();
	test_sweep_scope();
	test_backing_walk();
	test_compose();
	test_decisions();
	printf("linux-checks: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
