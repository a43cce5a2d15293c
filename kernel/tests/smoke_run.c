// SPDX-License-Identifier: GPL-2.0-only
/*
 * linux-smoke's sequence runner: pseudo-random (seeded) alloc, free,
 * balance and fail operations through include/pcpu.h, and after every
 * operation: per-CPU copies of live allocations do not overlap, a new
 * allocation reads zero on every CPU and keeps the tag written into it
 * until it is freed, the static areas are intact, the fake memory matches
 * what the live chunks account for, the kernel's counters agree with a
 * recount from its bitmaps, no hint claims used bits or more than the
 * largest free run, and the kernel printed no unexpected WARN.
 */
#include <stdlib.h>
#include <string.h>

#include "smoke.h"

int passed, failed;

static uint64_t rnd_state;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

#define MAX_LIVE 200

static unsigned char tag(int id, unsigned cpu, size_t i)
{
	return (unsigned char)(id * 31 + cpu * 7 + i + 1);
}

bool check_content(struct backend *b, unsigned cpus,
		   const struct alloc *a, int id, bool zero)
{
	for (unsigned cpu = 0; cpu < cpus; cpu++) {
		const unsigned char *p = backend_cpu_addr(b, a->ptr, cpu);

		for (size_t i = 0; i < a->size; i++)
			if (p[i] != (zero ? 0 : tag(id, cpu, i))) {
				printf("  alloc %d cpu %u byte %zu: %#x\n", id, cpu,
				       i, p[i]);
				return false;
			}
	}
	return true;
}

void write_tags(struct backend *b, unsigned cpus, const struct alloc *a,
		int id)
{
	for (unsigned cpu = 0; cpu < cpus; cpu++) {
		unsigned char *p = backend_cpu_addr(b, a->ptr, cpu);

		for (size_t i = 0; i < a->size; i++)
			p[i] = tag(id, cpu, i);
	}
}

struct span {
	uintptr_t lo, hi;
	int id;
};

static int by_lo(const void *x, const void *y)
{
	const struct span *a = x, *b = y;

	return (a->lo > b->lo) - (a->lo < b->lo);
}

/* per CPU, no two live allocations share a byte */
bool check_overlap(struct backend *b, unsigned cpus,
		   const struct alloc *allocs, int n)
{
	static struct span s[MAX_ALLOCS];

	for (unsigned cpu = 0; cpu < cpus; cpu++) {
		int k = 0;

		for (int i = 0; i < n; i++)
			if (allocs[i].live) {
				uintptr_t lo = (uintptr_t)backend_cpu_addr(
					b, allocs[i].ptr, cpu);

				s[k++] = (struct span){ lo, lo + allocs[i].size, i };
			}
		qsort(s, k, sizeof(*s), by_lo);
		for (int i = 1; i < k; i++)
			if (s[i].lo < s[i - 1].hi) {
				printf("  cpu %u: allocs %d and %d overlap\n", cpu,
				       s[i - 1].id, s[i].id);
				return false;
			}
	}
	return true;
}

/* bits [from, from + n) of a chunk's allocation map are all clear */
static bool all_free(const unsigned long *map, int from, int n)
{
	int i = from;

	for (; i < from + n && i % 64; i++)
		if ((map[i / 64] >> (i % 64)) & 1)
			return false;
	for (; i + 64 <= from + n; i += 64)
		if (map[i / 64])
			return false;
	for (; i < from + n; i++)
		if ((map[i / 64] >> (i % 64)) & 1)
			return false;
	return true;
}

/*
 * The hint properties no kernel breaks (the scan-hint invariant, exact
 * left/right_free and contig hints as large as the free run are known to
 * break, and are the harness's to grade): the contig and scan hints of
 * every block and of the chunk cover only free bits, and no contig hint
 * exceeds the largest free run.
 */
bool check_hints_safe(struct backend *b)
{
	int nr = backend_nr_chunks(b);

	for (int i = 0; i < nr; i++) {
		const unsigned long *map, *bound;
		struct pcpu_chunk_view v;
		int bits;

		backend_chunk(b, i, &v);
		linux_backend_maps(b, i, &map, &bound, &bits);
		for (int blk = -1; blk < linux_backend_nr_blocks(b, i); blk++) {
			struct kglue_md m;
			int base;

			linux_backend_md(b, i, blk, &m);
			base = blk < 0 ? 0 : blk * m.nr_bits;
			if (m.contig_hint > m.true_largest ||
			    !all_free(map, base + m.contig_hint_start, m.contig_hint) ||
			    !all_free(map, base + m.scan_hint_start, m.scan_hint)) {
				printf("  chunk %d block %d: contig %d@%d, scan %d@%d, largest free run %d\n",
				       v.id, blk, m.contig_hint, m.contig_hint_start,
				       m.scan_hint, m.scan_hint_start, m.true_largest);
				return false;
			}
		}
	}
	return true;
}

static size_t pick_size(void)
{
	uint64_t r = rnd() % 100;

	if (r < 50)
		return 1 + rnd() % 64;
	if (r < 80)
		return 1 + rnd() % 1024;
	if (r < 95)
		return 1 + rnd() % 8192;
	return 1 + rnd() % 32768;
}

void run(const struct pcpu_geometry *g, uint64_t seed, int nops,
		bool checks, struct outcome *out)
{
	static struct alloc allocs[MAX_ALLOCS];
	struct pcpu_global_view gv;
	struct linux_backend_info info;
	struct backend *b;
	char err[256];
	int n = 0, live = 0;

	memset(out, 0, sizeof(*out));
	b = backend_create(g, 0, err, sizeof(err));
	CHECK(b != NULL, "backend_create: %s", err);
	if (!b)
		return;
	if (checks)
		CHECK(!linux_backend_check_pristine(b, err, sizeof(err)),
		      "new instance not as after setup: %s", err);
	rnd_state = seed;
	for (int op = 0; op < nops; op++) {
		uint64_t r = rnd() % 100;

		if (r < 55 && live < MAX_LIVE && n < MAX_ALLOCS) {
			struct pcpu_alloc_req req = {
				.size = pick_size(),
				.align = rnd() % 4 ? 0 : (size_t)1 << (rnd() % 13),
				.atomic = rnd() % 8 == 0,
				.reserved = g->reserved_size && rnd() % 10 == 0,
			};
			struct pcpu_alloc_res res = backend_alloc(b, &req);

			out->a[n].status = res.status;
			out->a[n].chunk = res.status == PCPU_OK ? res.chunk_id : 0;
			out->a[n].off = res.status == PCPU_OK ? res.off : 0;
			out->a[n].ptr = res.status == PCPU_OK ? res.ptr : 0;
			allocs[n] = (struct alloc){ res.ptr, req.size,
						    res.status == PCPU_OK };
			if (allocs[n].live) {
				live++;
				if (checks) {
					CHECK(check_content(b, g->cpus, &allocs[n], n, true),
					      "alloc %d (%zu bytes) not zeroed", n, req.size);
					write_tags(b, g->cpus, &allocs[n], n);
				}
			}
			n++;
		} else if (r < 90 && live) {
			int k = (int)(rnd() % (uint64_t)n);

			while (!allocs[k].live)
				k = (k + 1) % n;
			if (checks)
				CHECK(check_content(b, g->cpus, &allocs[k], k, false),
				      "alloc %d lost its tag before its free", k);
			CHECK(backend_free(b, allocs[k].ptr) == PCPU_OK, "free %d", k);
			allocs[k].live = false;
			live--;
		} else if (r < 95) {
			backend_balance(b);
		} else {
			/* the kinds before vmap: its error path has its own
			 * test, and 6.1 dies there (kernel/README.md) */
			backend_fail(b, (enum pcpu_fault)(rnd() % PCPU_FAULT_VMAP), 1);
		}
		if (!checks)
			continue;
		CHECK(check_overlap(b, g->cpus, allocs, n), "overlap after op %d", op);
		CHECK(!linux_backend_check_backing(b, err, sizeof(err)),
		      "backing after op %d: %s", op, err);
		CHECK(!linux_backend_check_accounting(b, err, sizeof(err)),
		      "accounting after op %d: %s", op, err);
		CHECK(check_hints_safe(b), "hints after op %d", op);
		CHECK(!linux_backend_check_static(b, err, sizeof(err)),
		      "static area after op %d: %s", op, err);
		linux_backend_info(b, &info);
		CHECK(info.warn_other == 0, "kernel WARN: %s", info.last_warning);
	}
	for (int i = 0; checks && i < n; i++)
		if (allocs[i].live)
			CHECK(check_content(b, g->cpus, &allocs[i], i, false),
			      "alloc %d lost its tag", i);

	out->nr = n;
	out->nr_chunks = backend_nr_chunks(b);
	for (int i = 0; i < out->nr_chunks && i < 256; i++) {
		struct pcpu_chunk_view v;

		backend_chunk(b, i, &v);
		out->c[i].id = v.id;
		out->c[i].free_size = v.free_size;
		out->c[i].contig = v.contig_hint;
		out->c[i].nr_populated = v.nr_populated;
		out->c[i].slot = v.slot;
	}
	backend_global(b, &gv);
	out->empty_pop_pages = gv.nr_empty_pop_pages;
	out->created = gv.counters.chunks_created;
	out->destroyed = gv.counters.chunks_destroyed;
	backend_destroy(b);
}

