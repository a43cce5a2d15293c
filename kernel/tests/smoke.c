// SPDX-License-Identifier: GPL-2.0-only
/*
 * linux-smoke: the real mm/percpu.c through include/pcpu.h, before the
 * harness sits on top.  Pseudo-random (fixed seed) sequences checked after
 * every operation (smoke_run.c), on geometries that take each of the
 * kernel's first-chunk setups, with fault injection and a chunk's life
 * followed through the views.  Then the snapshot: the same sequence, run
 * again in the same process after other sequences and another geometry,
 * gives the same results (chunk ids, offsets, pointers, final state).
 *
 * linux-smoke            run the tests; last line "NAME: N passed, N failed"
 * linux-smoke --bench    ops/s and executions/s (timed, so not a test)
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "smoke.h"

static const char *name = "linux-smoke";

static bool same(const struct outcome *x, const struct outcome *y)
{
	return !memcmp(x, y, sizeof(*x));
}

static struct outcome o1, o2, o3;

/*
 * The snapshot: sequence A, then B on the same geometry, C on another
 * geometry (a second boot in this process), A again: A's results repeat.
 */
static void test_snapshot(const struct pcpu_geometry *g1,
			  const struct pcpu_geometry *g2)
{
	struct linux_backend_info info;
	struct backend *b;
	char err[256];

	run(g1, 1, 400, true, &o1);
	{
		int fails = 0;

		for (int i = 0; i < o1.nr; i++)
			fails += o1.a[i].status != PCPU_OK;
		printf("%s: sequence A: %d allocations (%d failed), %lu chunks created, %lu destroyed, %d at the end\n",
		       name, o1.nr, fails, o1.created, o1.destroyed, o1.nr_chunks);
	}
	CHECK(o1.nr > 100 && o1.created > 0,
	      "sequence A made %d allocations and %lu chunks", o1.nr, o1.created);
	run(g1, 1, 400, true, &o2);
	CHECK(same(&o1, &o2), "A twice in a row differs");
	run(g1, 2, 400, true, &o3);
	run(g1, 1, 400, true, &o2);
	CHECK(same(&o1, &o2), "A after B differs");
	/* another geometry boots the kernel again, and so does the way back */
	run(g2, 3, 400, true, &o3);
	CHECK(o3.created > 0, "sequence C made %lu chunks", o3.created);
	run(g1, 1, 400, true, &o2);
	CHECK(same(&o1, &o2), "A after a second and third boot differs");
	run(g1, 2, 400, true, &o3);
	run(g1, 1, 400, true, &o2);
	CHECK(same(&o1, &o2), "A after B on the third boot differs");

	b = backend_create(g1, 0, err, sizeof(err));
	CHECK(b != NULL, "create: %s", err);
	if (!b)
		return;
	linux_backend_info(b, &info);
	CHECK(!info.fresh_setup && info.fresh_setups >= 3 && info.restores >= 1,
	      "fresh_setup %d, %lu setups, %lu restores", info.fresh_setup,
	      info.fresh_setups, info.restores);
	CHECK(info.pages_live == 0 && info.heap_live == 0,
	      "restored instance holds %lu pages, %lu objects", info.pages_live,
	      info.heap_live);
	backend_destroy(b);
}

/* each geometry takes the kernel's own way to build it, and runs */
static void test_setup_path(const struct pcpu_geometry *g, const char *path)
{
	struct linux_backend_info info;
	struct backend *b;
	char err[256];

	b = backend_create(g, 0, err, sizeof(err));
	CHECK(b != NULL, "create: %s", err);
	if (!b)
		return;
	linux_backend_info(b, &info);
	CHECK(!strcmp(info.setup_path, path), "setup path %s, expected %s",
	      info.setup_path, path);
	backend_destroy(b);
	run(g, 11, 300, true, &o3);
	CHECK(o3.created > 0, "%s geometry: %lu chunks created", path, o3.created);
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

	b = backend_create(g, 0, err, sizeof(err));
	CHECK(b != NULL, "create: %s", err);
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

/* page sizes, CPU counts and unit sizes far from the defaults */
static void test_geometries(void)
{
	static const struct pcpu_geometry gs[] = {
		{ 1, 4096, 32768, 4, 0, 28672 },
		{ 64, 4096, 65536, 20000, 8192, 24576 },
		{ 8, 16384, 65536, 16384, 4096, 32768 },
		{ 4, 65536, 131072, 24576, 12288, 65536 },
		{ 16, 8192, 49152, 12288, 0, 20480 },
		{ 3, 4096, 1 << 20, 100, 20000, 200000 },
	};

	for (size_t i = 0; i < sizeof(gs) / sizeof(gs[0]); i++) {
		run(&gs[i], 100 + i, 300, true, &o3);
		CHECK(o3.nr > 50, "geometry %zu: %d allocations", i, o3.nr);
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
	char err[256];

	b = backend_create(g, 0, err, sizeof(err));
	CHECK(b != NULL, "create: %s", err);
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

	b = backend_create(g, 0, err, sizeof(err));
	CHECK(b != NULL, "create: %s", err);
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

/*
 * A page-mapping failure halfway through a range (a page-table
 * allocation failing): pcpu_map_pages() must unmap what the failing CPU
 * mapped before its pages are freed.  Run in a child: a kernel that does
 * not ends in the shim's "still mapped" BUG.  Returns the child's status.
 */
static int vmap_failure_child(const struct pcpu_geometry *g)
{
	struct pcpu_alloc_req big = { .size = 32768 };
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char err[256];
		struct backend *b = backend_create(g, 0, err, sizeof(err));
		struct pcpu_alloc_res res;

		if (!b)
			_exit(3);
		if (!freopen("/dev/null", "w", stderr))
			_exit(3);
		linux_backend_fail_vmap(b, 1);
		res = backend_alloc(b, &big);
		if (res.status != PCPU_FAIL ||
		    linux_backend_check_backing(b, err, sizeof(err)))
			_exit(4);
		backend_destroy(b);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

/* CPU time: the machine may be shared, and we measure our own work */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void bench(const struct pcpu_geometry *g, const struct pcpu_geometry *g2)
{
	double t0, t;
	int execs = 0;

	t0 = now();
	run(g, 7, 20000, false, &o1);
	t = now() - t0;
	printf("%s: per CPU-second: one execution of 20000 ops: %.0f ops/s (%d allocations)\n",
	       backend_name(), 20000 / t, o1.nr);
	t0 = now();
	do {
		run(g, 8 + execs, 50, false, &o1);
		execs++;
	} while ((t = now() - t0) < 2.0);
	printf("%s: executions of 50 ops (create, run, destroy): %.0f exec/s, %.0f ops/s\n",
	       backend_name(), execs / t, execs * 50 / t);
	t0 = now();
	execs = 0;
	do {
		run(execs % 2 ? g2 : g, 8 + execs, 50, false, &o1);
		execs++;
	} while ((t = now() - t0) < 2.0);
	printf("%s: the same, alternating two geometries (a boot each): %.0f exec/s\n",
	       backend_name(), execs / t);
	t0 = now();
	execs = 0;
	do {
		run(g, 8 + execs, 400, true, &o1);
		execs++;
	} while ((t = now() - t0) < 2.0);
	printf("%s: with every smoke check after every op: %.0f ops/s\n",
	       backend_name(), execs * 400 / t);
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
	int status;

	if (argc == 2 && !strcmp(argv[1], "--bench")) {
		bench(&g1, &g2);
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: %s [--bench]\n", argv[0]);
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
	test_snapshot(&g1, &g2);
	test_setup_path(&g1, "embed");
	test_setup_path(&g2, "arch");
	test_setup_path(&g3, "generic");
	test_geometries();
	test_preempt(&g1, km);
	if (!km) {
		status = vmap_failure_child(&g1);
		if (v61)
			CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
			      "6.1 pcpu_map_pages error path: status %#x", status);
		else
			CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			      "pcpu_map_pages error path: status %#x", status);
	}
	printf("%s: %d passed, %d failed\n", name, passed, failed);
	return failed != 0;
}
