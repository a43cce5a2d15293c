// SPDX-License-Identifier: GPL-2.0-only
/*
 * linux-smoke: the real mm/percpu.c through include/pcpu.h, the tests no
 * shared tool does.  Instances (one at a time, refused geometries named),
 * refused requests counted as the kernel's WARN, injected faults, a
 * chunk's life followed through the views, each geometry taking its own
 * first-chunk setup, the preemption point (preempt.c: a hook running
 * operations at the releases of pcpu_lock), and the snapshot: corpus
 * traces run through the shared harness (every check after every
 * operation) give the same results in one process, after other traces and
 * another geometry, as the first time, and a restored instance is the one
 * setup left.  Random
 * workloads, minimising and timing are the shared tools' (pcpu-soak,
 * pcpu-minimize, pcpu-bench of build/linux-<v>/, tests/suite-linux.sh).
 *
 * linux-smoke [CORPUS]   run the tests (CORPUS: the corpus folder, default
 *                        corpus); last line "linux-smoke: N passed, N failed"
 */
#include <stdlib.h>
#include <string.h>

#include "backend_linux.h"
#include "check.h"
#include "ktest.h"
#include "preempt.h"

static const char *name = "linux-smoke";
int passed, failed; /* preempt.h: its CHECKs count here too */

/* findings that only count here: the hint findings are the checks' tests' */
#define SMOKE_NONFATAL (PCPU_GRADE_HINT | PCPU_GRADE_BENIGN)

/* A new instance of g, or NULL after a failed CHECK naming the reason. */
static struct backend *created(const struct pcpu_geometry *g)
{
	char err[256];
	struct backend *b = backend_create(g, 0, err, sizeof(err));

	CHECK(b != NULL, "create: %s", err);
	return b;
}

/* Corpus trace file run in this process, its results and state in r. */
static void corpus_run(const char *corpus, const char *file,
		       struct ktest_run *r)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", corpus, file);
	ktest_run_file(path, SMOKE_NONFATAL, r);
	CHECK(r->status == 0 && r->len > 0, "%s: status %d", path, r->status);
}

/* The trace ran again gives what it gave the first time (first->out). */
static void same_again(const char *corpus, const char *file,
		       const struct ktest_run *first, const char *after)
{
	struct ktest_run r;

	corpus_run(corpus, file, &r);
	CHECK(r.len == first->len && r.out && first->out &&
	      !memcmp(r.out, first->out, r.len),
	      "%s after %s differs from its first run", file, after);
	ktest_run_free(&r);
}

/*
 * The snapshot: trace A, then B on the same geometry, C on another
 * geometry (a second boot in this process), A again: A's results and
 * final state repeat every time.  Then a new instance on A's geometry is
 * restored, not set up again, and holds what setup left and nothing more.
 */
static void test_snapshot(const char *corpus)
{
	static const char *const a = "fragmented-walk.trace",
				 *const b_ = "map-extension-sync.trace",
				 *const c = "large-pages.trace";
	struct linux_backend_info info;
	struct ktest_run first, other;
	struct backend *b;
	char err[256];

	corpus_run(corpus, a, &first);
	CHECK(first.stats.sum.chunks_created > 0, "%s created no chunk", a);
	same_again(corpus, a, &first, "itself");
	corpus_run(corpus, b_, &other);
	ktest_run_free(&other);
	same_again(corpus, a, &first, b_);
	/* another geometry boots the kernel again, and so does the way back */
	corpus_run(corpus, c, &other);
	CHECK(!pcpu_geometry_equal(&other.geo, &first.geo) &&
	      other.stats.sum.chunks_created > 0,
	      "%s: another geometry, %lu chunks created", c,
	      other.stats.sum.chunks_created);
	ktest_run_free(&other);
	same_again(corpus, a, &first, "a second and third boot");
	corpus_run(corpus, b_, &other);
	ktest_run_free(&other);
	same_again(corpus, a, &first, "B on the third boot");

	b = created(&first.geo);
	ktest_run_free(&first);
	if (!b)
		return;
	linux_backend_info(b, &info);
	CHECK(!info.fresh_setup && info.fresh_setups >= 3 && info.restores >= 1,
	      "fresh_setup %d, %lu setups, %lu restores", info.fresh_setup,
	      info.fresh_setups, info.restores);
	CHECK(info.pages_live == 0 && info.heap_live == 0,
	      "restored instance holds %lu pages, %lu objects", info.pages_live,
	      info.heap_live);
	CHECK(!linux_backend_check_pristine(b, err, sizeof(err)),
	      "restored instance not as after setup: %s", err);
	backend_destroy(b);
}

/*
 * Each geometry takes the kernel's own way to build it, and runs: more
 * 8 KiB allocations than its dynamic area holds (so a chunk is created),
 * freed again, under every check of the harness.
 */
static void test_setup_path(const struct pcpu_geometry *g, const char *path)
{
	struct linux_backend_info info;
	struct ktest_run r;
	struct backend *b;
	char text[2048];
	int n = (int)(g->dyn_size / 8192) + 2, len;

	b = created(g);
	if (!b)
		return;
	linux_backend_info(b, &info);
	CHECK(!strcmp(info.setup_path, path), "setup path %s, expected %s",
	      info.setup_path, path);
	backend_destroy(b);
	len = snprintf(text, sizeof(text),
		       "geometry cpus=%u page=%zu unit=%zu static=%zu reserved=%zu dyn=%zu\n",
		       g->cpus, g->page_size, g->unit_size, g->static_size,
		       g->reserved_size, g->dyn_size);
	for (int i = 0; i < n; i++)
		len += snprintf(text + len, sizeof(text) - (size_t)len,
				"alloc 8192\n");
	for (int i = 0; i < n; i += 2)
		len += snprintf(text + len, sizeof(text) - (size_t)len,
				"free %d\n", i);
	snprintf(text + len, sizeof(text) - (size_t)len, "balance\n");
	ktest_run_text(text, SMOKE_NONFATAL, &r);
	CHECK(r.status == 0 && r.stats.sum.chunks_created > 0,
	      "%s geometry: status %d, %lu chunks created", path, r.status,
	      r.stats.sum.chunks_created);
	ktest_run_free(&r);
}

static bool bit(const unsigned long *map, int i)
{
	return (map[i / 64] >> (i % 64)) & 1;
}

/*
 * Chunk ids and views through a chunk's life, on g1 (units of 9 pages:
 * static 0-1, reserved 2-3, dynamic 4-8).  Two 32 KiB allocations need
 * chunks 1 and 2; freed, both are free and the balance work destroys
 * all free chunks but the first on the free list (2, moved there last);
 * the next two 32 KiB allocations take chunk 2, then a new chunk 3.
 */
static void test_chunk_life(const struct pcpu_geometry *g, bool km)
{
	struct pcpu_alloc_req big = { .size = 32768 };
	struct pcpu_alloc_res a, b1, c, d;
	struct pcpu_global_view gv;
	struct pcpu_chunk_view v;
	struct backend *b;
	char err[256];
	int ids[16];

	b = created(g);
	if (!b)
		return;
	a = backend_alloc(b, &big);
	b1 = backend_alloc(b, &big);
	CHECK(a.chunk_id == 1 && b1.chunk_id == 2 && a.off == 0 && b1.off == 0,
	      "chunks %d@%lu, %d@%lu", a.chunk_id, a.off, b1.chunk_id, b1.off);
	CHECK(backend_nr_chunks(b) == 4, "%d chunks", backend_nr_chunks(b));
	backend_chunk(b, 0, &v);
	CHECK(v.id == PCPU_CHUNK_RESERVED && v.kind == PCPU_KIND_RESERVED &&
	      v.slot == -1 && v.free_size == 8192 && bit(v.populated, 2) &&
	      bit(v.populated, 3) && !bit(v.populated, 1) && !bit(v.populated, 4),
	      "reserved chunk: id %d slot %d free %ld", v.id, v.slot, v.free_size);
	backend_chunk(b, 1, &v);
	CHECK(v.id == PCPU_CHUNK_FIRST && v.kind == PCPU_KIND_FIRST &&
	      v.free_size == 20480 && v.contig_hint == 20480 &&
	      bit(v.populated, 4) && bit(v.populated, 8) && !bit(v.populated, 3) &&
	      v.nr_populated == 5,
	      "first chunk: id %d free %ld contig %d populated %d", v.id,
	      v.free_size, v.contig_hint, v.nr_populated);
	CHECK(backend_slot_list(b, v.slot, ids, 16) >= 1 && ids[0] == 0,
	      "slot %d list", v.slot);
	backend_chunk(b, 3, &v);
	/* vm populates what the allocation covers, km the whole chunk */
	CHECK(v.id == 2 && v.kind == PCPU_KIND_CREATED &&
	      v.nr_populated == (km ? 9 : 8) && v.free_size == 36864 - 32768 &&
	      bit(v.populated, 8) == km,
	      "chunk 2: id %d populated %d free %ld", v.id, v.nr_populated,
	      v.free_size);

	backend_free(b, a.ptr);
	backend_free(b, b1.ptr);
	backend_global(b, &gv);
	CHECK(gv.balance_pending, "two free chunks schedule the balance work");
	backend_balance(b);
	backend_global(b, &gv);
	CHECK(!gv.balance_pending && gv.counters.chunks_destroyed == 1 &&
	      backend_nr_chunks(b) == 3, "after balance: %lu destroyed, %d chunks",
	      gv.counters.chunks_destroyed, backend_nr_chunks(b));
	c = backend_alloc(b, &big);
	d = backend_alloc(b, &big);
	CHECK(c.chunk_id == 2 && d.chunk_id == 3, "then chunks %d and %d",
	      c.chunk_id, d.chunk_id);
	backend_global(b, &gv);
	CHECK(gv.counters.chunks_created == 3 && gv.counters.max_chunks_alive == 4,
	      "%lu created, at most %lu alive", gv.counters.chunks_created,
	      gv.counters.max_chunks_alive);
	CHECK(!linux_backend_check_backing(b, err, sizeof(err)), "backing: %s", err);
	CHECK(!linux_backend_check_accounting(b, err, sizeof(err)),
	      "accounting: %s", err);
	backend_destroy(b);
}

#if defined(__SANITIZE_ADDRESS__)
#define SMOKE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SMOKE_ASAN 1
#endif
#endif
#ifdef SMOKE_ASAN
#include <sanitizer/asan_interface.h>
#endif

/*
 * What a vmalloc address shows (kernel/mem/mem_vm_host.c), vm flavour,
 * on g1 then on g3 then on g1 again, so that the last g1 instance runs
 * in host memory an instance of another geometry used: a 32,668-byte
 * allocation takes chunk 1 from offset 0, populating pages 0 to 7.
 * Expected on every CPU: the last 100 bytes of page 7, which the
 * kernel's clear does not reach, read as a fresh page (0xaa), and under
 * ASan the first byte of page 8, never populated, is inaccessible
 * (poisoned) while page 7's is not.
 */
static void test_vm_pages(const struct pcpu_geometry *g1,
			  const struct pcpu_geometry *g3)
{
	struct pcpu_alloc_req req = { .size = 32668 };
	const struct pcpu_geometry *order[] = { g1, g3, g1 };

	for (int round = 0; round < 3; round++) {
		const struct pcpu_geometry *g = order[round];
		struct backend *b = created(g);
		struct pcpu_alloc_res a;

		if (!b)
			return;
		a = backend_alloc(b, &req);
		CHECK(a.status == PCPU_OK && a.chunk_id == 1 && a.off == 0,
		      "round %d: %d@%lu", round, a.chunk_id, a.off);
		for (unsigned int cpu = 0; a.status == PCPU_OK && cpu < g->cpus;
		     cpu++) {
			const unsigned char *p = backend_cpu_addr(b, a.ptr, cpu);
			int fresh = 0;

			for (size_t i = 32668; i < 32768; i++)
				fresh += p[i] == 0xaa;
			CHECK(fresh == 100, "round %d cpu %u: %d of page 7's last 100 bytes fresh",
			      round, cpu, fresh);
#ifdef SMOKE_ASAN
			CHECK(!__asan_address_is_poisoned(p + 7 * 4096) &&
			      __asan_address_is_poisoned(p + 8 * 4096),
			      "round %d cpu %u: page 7 accessible, page 8 not", round,
			      cpu);
#endif
		}
		backend_destroy(b);
	}
}

/* one instance at a time; refused geometries name the reason */
static void test_create(const struct pcpu_geometry *g)
{
	struct pcpu_geometry bad = *g;
	struct backend *b, *b2;
	char err[256];

	b = backend_create(g, 0, err, sizeof(err));
	CHECK(b != NULL, "create: %s", err);
	b2 = backend_create(g, 0, err, sizeof(err));
	CHECK(b2 == NULL && strstr(err, "one linux backend"), "second instance: %s",
	      b2 ? "created" : err);
	backend_destroy(b);
	bad.dyn_size = 4096;
	bad.unit_size = g->unit_size;
	CHECK(backend_geometry_check(&bad, err, sizeof(err)) == -1 &&
	      strstr(err, "PERCPU_DYNAMIC_EARLY_SIZE"), "dyn=4096: %s", err);
	bad = *g;
	bad.reserved_size = 4098;
	bad.unit_size += 8192;
	CHECK(backend_geometry_check(&bad, err, sizeof(err)) == -1 &&
	      strstr(err, "PCPU_MIN_ALLOC_SIZE"), "reserved=4098: %s", err);
	bad = *g;
	bad.static_size += 2;
	bad.unit_size += 8192;
	CHECK(backend_geometry_check(&bad, err, sizeof(err)) == -1 &&
	      strstr(err, "multiple of 4"), "static + reserved + dyn odd: %s", err);
}

/* requests the kernel refuses: counted as its WARN, never as a finding */
static void test_illegal(const struct pcpu_geometry *g)
{
	static const struct pcpu_alloc_req bad[] = {
		{ .size = 0 },
		{ .size = 32769 },
		{ .size = 8, .align = 6 }, /* 3 would be raised to 4 first */
		{ .size = 8, .align = 8192 },
	};
	struct pcpu_global_view gv;
	struct linux_backend_info info;
	struct backend *b;

	b = created(g);
	if (!b)
		return;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(backend_alloc(b, &bad[i]).status == PCPU_FAIL,
		      "illegal request %zu accepted", i);
	backend_global(b, &gv);
	linux_backend_info(b, &info);
	CHECK(gv.counters.warn_illegal == 4 && info.warn_other == 0 &&
	      gv.counters.warn_failed == 0,
	      "warn_illegal %lu, warn_failed %lu, other %lu (%s)",
	      gv.counters.warn_illegal, gv.counters.warn_failed,
	      info.warn_other, info.last_warning);
	backend_destroy(b);
}

/* injected faults fail the allocation that meets them, and leak nothing */
static void test_faults(const struct pcpu_geometry *g, bool km)
{
	struct pcpu_alloc_req big = { .size = 32768 };
	struct pcpu_alloc_res res;
	struct backend *b;
	char err[256];

	b = created(g);
	if (!b)
		return;
	/* 32 KiB never fits the first chunk: every one needs a new chunk */
	backend_fail(b, PCPU_FAULT_CHUNK, 1);
	res = backend_alloc(b, &big);
	CHECK(res.status == PCPU_FAIL, "alloc with a failing chunk: %d", res.status);
	backend_fail(b, PCPU_FAULT_MAP, 1);
	res = backend_alloc(b, &big);
	CHECK(res.status == PCPU_FAIL, "alloc with failing metadata: %d", res.status);
	backend_fail(b, PCPU_FAULT_PAGE, 1);
	res = backend_alloc(b, &big);
	CHECK(res.status == (km ? PCPU_OK : PCPU_FAIL),
	      "alloc with a failing page: %d", res.status);
	res = backend_alloc(b, &big);
	CHECK(res.status == PCPU_OK && res.chunk_id >= 1, "alloc after the faults: %d chunk %d",
	      res.status, res.chunk_id);
	CHECK(!linux_backend_check_backing(b, err, sizeof(err)), "backing: %s", err);
	{
		struct pcpu_global_view gv;

		backend_global(b, &gv);
		CHECK(gv.counters.warn_failed == (km ? 2U : 3U) &&
		      gv.counters.faults_fired[PCPU_FAULT_CHUNK] == 1 &&
		      gv.counters.faults_fired[PCPU_FAULT_MAP] == 1 &&
		      gv.counters.faults_fired[PCPU_FAULT_PAGE] == !km,
		      "warn_failed %lu, fired %lu %lu %lu", gv.counters.warn_failed,
		      gv.counters.faults_fired[PCPU_FAULT_PAGE],
		      gv.counters.faults_fired[PCPU_FAULT_CHUNK],
		      gv.counters.faults_fired[PCPU_FAULT_MAP]);
	}
	backend_destroy(b);
}


int main(int argc, char **argv)
{
	/*
	 * The trace defaults with the dynamic area 6.12's setup requires:
	 * what pcpu_embed_first_chunk(8192, 20480, PAGE_SIZE) builds.
	 */
	struct pcpu_geometry g1 = { .cpus = 4, .page_size = 4096, .unit_size = 36864,
				    .static_size = 8192, .reserved_size = 8192,
				    .dyn_size = 20480 };
	/* what the generic setup_per_cpu_areas() builds */
	struct pcpu_geometry g3 = { .cpus = 2, .page_size = 4096, .unit_size = 36864,
				    .static_size = 8192, .reserved_size = 0,
				    .dyn_size = 28672 };
	/* no reserved area, a static size the setup aligns, the "arch" path */
	struct pcpu_geometry g2 = { .cpus = 3, .page_size = 4096, .unit_size = 49152,
				    .static_size = 5002, .reserved_size = 0,
				    .dyn_size = 24578 };
	struct pcpu_geometry dflt = PCPU_GEOMETRY_DEFAULT;
	bool km = strstr(backend_name(), "-km") != NULL;
	bool v61 = strstr(backend_name(), "linux-6.1-") != NULL;
	char err[256];

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: %s [CORPUS]\n", argv[0]);
		return 2;
	}
	printf("%s: backend %s\n", name, backend_name());
	/* 6.1 accepts the trace default geometry, 6.12 needs dyn >= 20 KiB */
	CHECK((backend_geometry_check(&dflt, err, sizeof(err)) == 0) == v61,
	      "default geometry on %s: %s", backend_name(), err);
	test_create(&g1);
	test_illegal(&g1);
	test_faults(&g1, km);
	test_chunk_life(&g1, km);
	if (!km)
		test_vm_pages(&g1, &g3);
	test_snapshot(argc == 2 ? argv[1] : "corpus");
	test_setup_path(&g1, "embed");
	test_setup_path(&g2, "arch");
	test_setup_path(&g3, "generic");
	test_preempt(&g1, km);
	printf("%s: %d passed, %d failed\n", name, passed, failed);
	return failed != 0;
}
