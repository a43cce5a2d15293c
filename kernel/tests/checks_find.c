// SPDX-License-Identifier: GPL-2.0-only
/*
 * linux-checks' sequences (see checks_test.c for the options): seeded
 * operation sequences, their replay with every check after every
 * operation, the finder that minimises the first finding of each class
 * (delta debugging over the operations, then simpler allocations) and
 * prints it as a text trace, the cost benchmark and a minimal text-trace
 * reader for reproducers.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "checks_find.h"

#define MAXF 256
static struct pcpu_finding fs[MAXF];

const struct pcpu_geometry checks_geos[2] = {
	{ .cpus = 4, .page_size = 4096, .unit_size = 36864,
	  .static_size = 8192, .reserved_size = 8192, .dyn_size = 20480 },
	{ .cpus = 2, .page_size = 4096, .unit_size = 65536,
	  .static_size = 4096, .reserved_size = 0, .dyn_size = 61440 },
};

bool checks_no_checks;

static uint64_t rs;
static uint64_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

static size_t pick_size(void)
{
	uint64_t r = rnd() % 100;

	if (r < 50)
		return 1 + rnd() % 64;
	if (r < 85)
		return 1 + rnd() % 1024;
	if (r < 97)
		return 1 + rnd() % 8192;
	return 1 + rnd() % 20000;
}

int gen(const struct pcpu_geometry *g, uint64_t seed, int nops,
	       struct op *ops)
{
	bool live[MAXOPS] = { false };
	int nlive = 0;

	rs = seed * 2654435761u + 1;
	for (int i = 0; i < nops; i++) {
		uint64_t r = rnd() % 100;

		if (r < 55 || !nlive) {
			ops[i] = (struct op){
				.kind = OP_ALLOC,
				.size = pick_size(),
				.align = rnd() % 3 ? 0 : (size_t)1 << (rnd() % 13),
				.atomic = rnd() % 6 == 0,
				.reserved = g->reserved_size && rnd() % 10 == 0,
			};
			live[i] = true;
			nlive++;
		} else if (r < 92) {
			int k = (int)(rnd() % (uint64_t)i);

			while (!live[k])
				k = (k + 1) % i;
			live[k] = false;
			nlive--;
			ops[i] = (struct op){ .kind = OP_FREE, .target = k };
		} else if (r < 97) {
			ops[i] = (struct op){ .kind = OP_BALANCE };
		} else {
			/* the kinds fk[] names: vmap came later, and 6.1 dies
			 * in its error path (kernel/README.md) */
			ops[i] = (struct op){ .kind = OP_FAIL,
					      .target = (int)(rnd() % PCPU_FAULT_VMAP) };
		}
	}
	return nops;
}

/* class of a finding: its check, and where or why */
static void class_of(const struct pcpu_finding *f, char *out, size_t len)
{
	const char *why = strstr(f->detail, ": ");
	const char *kind = "";

	if (!strncmp(f->detail, "chunk_md", 8))
		kind = "chunk_md";
	else if (!strncmp(f->detail, "block", 5))
		kind = "block";
	if (!strcmp(f->check, "fit_missed") ||
	    !strcmp(f->check, "chunk_created_with_fit")) {
		why = strstr(f->detail, "at bit ");
		why = why ? strstr(why, ": ") : NULL;
		if (why && strstr(why, "below the largest"))
			kind = "chunk-hint-low";
		else if (why && strstr(why, "(alignment)"))
			kind = "alignment";
		else if (why && strstr(why, "on slot"))
			kind = "slot";
		else
			kind = "block-walk";
	}
	/* a block's low contig hint: where the missed run lies */
	if (!strcmp(f->check, "contig_hint_low") && !strcmp(kind, "block")) {
		int c, cs, sc, ss, l, ls;

		if (sscanf(strchr(f->detail, '['), "[contig %d@%d scan %d@%d", &c,
			   &cs, &sc, &ss) == 4 &&
		    sscanf(strstr(f->detail, "largest free run"),
			   "largest free run %d@%d", &l, &ls) == 2)
			kind = ls > cs ? "block-after-contig" :
			       sc && ls < ss ? "block-before-scan" :
			       "block-before-contig";
	}
	snprintf(out, len, "%s/%s", f->check, kind);
}

static bool live_op[MAXOPS];

/* CHECKS_WATCH=N: block N of chunk 0 (-1: its chunk_md) after every op */
static void watch(struct backend *b, int op, int blk)
{
	struct pcpu_chunk_view v;
	struct kglue_md m;

	for (int i = 0; i < backend_nr_chunks(b); i++) {
		backend_chunk(b, i, &v);
		if (v.id != PCPU_CHUNK_FIRST)
			continue;
		linux_backend_md(b, i, blk, &m);
		printf("op %d: block %d contig %d@%d scan %d@%d first %d left %d right %d | largest %d@%d first %d left %d right %d\n",
		       op, blk, m.contig_hint, m.contig_hint_start, m.scan_hint,
		       m.scan_hint_start, m.first_free, m.left_free, m.right_free,
		       m.true_largest, m.true_largest_start, m.true_first_free,
		       m.true_left_free, m.true_right_free);
	}
}

/*
 * Run ops[0..n) (those with keep set) on a new instance; with want, stop
 * at the first op after which a finding of that class shows and return
 * its index (-1 if none); with print, print every finding.
 */
int replay(const struct pcpu_geometry *g, const struct op *ops, int n,
		  const bool *keep, const char *want, bool print,
		  unsigned long *nops_done)
{
	static uintptr_t ptrs[MAXOPS];
	struct backend *b;
	char err[256], cls[96];
	int hit = -1;

	b = backend_create(g, 0, err, sizeof(err));
	if (!b) {
		fprintf(stderr, "linux-checks: backend_create: %s\n", err);
		exit(2);
	}
	for (int i = 0; i < n && hit < 0; i++) {
		if (keep && !keep[i])
			continue;
		switch (ops[i].kind) {
		case OP_ALLOC: {
			struct pcpu_alloc_req req = { ops[i].size, ops[i].align,
						      ops[i].atomic,
						      ops[i].reserved };
			struct pcpu_alloc_res res = backend_alloc(b, &req);

			ptrs[i] = res.status == PCPU_OK ? res.ptr : 0;
			break;
		}
		case OP_FREE:
			backend_free(b, ptrs[ops[i].target]);
			break;
		case OP_BALANCE:
			backend_balance(b);
			break;
		case OP_FAIL:
			backend_fail(b, (enum pcpu_fault)ops[i].target, 1);
			break;
		}
		if (nops_done)
			(*nops_done)++;
		if (print && getenv("CHECKS_WATCH"))
			watch(b, i, atoi(getenv("CHECKS_WATCH")));
		int nf = checks_no_checks ? 0 : linux_checks_run(b, fs, MAXF);

		for (int k = 0; k < nf && k < MAXF; k++) {
			class_of(&fs[k], cls, sizeof(cls));
			if (print)
				printf("op %d: %s (grade %d) chunk %d: %s\n", i,
				       fs[k].check, fs[k].grade, fs[k].chunk_id,
				       fs[k].detail);
			/* want: a class ("check/kind") or a check's name */
			if (want && (!strcmp(cls, want) ||
				     !strcmp(fs[k].check, want)))
				hit = i;
		}
	}
	backend_destroy(b);
	return hit;
}

static void print_trace(const struct pcpu_geometry *g, const struct op *ops,
			int n, const bool *keep)
{
	static const char *const fk[] = { "page", "chunk", "map" };
	int id[MAXOPS], next = 0;

	printf("geometry cpus=%u page=%zu unit=%zu static=%zu reserved=%zu dyn=%zu\n",
	       g->cpus, g->page_size, g->unit_size, g->static_size,
	       g->reserved_size, g->dyn_size);
	for (int i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		switch (ops[i].kind) {
		case OP_ALLOC:
			id[i] = next++;
			printf("alloc %zu", ops[i].size);
			if (ops[i].align)
				printf(" align=%zu", ops[i].align);
			printf("%s%s\n", ops[i].atomic ? " atomic" : "",
			       ops[i].reserved ? " reserved" : "");
			break;
		case OP_FREE:
			printf("free %d\n", id[ops[i].target]);
			break;
		case OP_BALANCE:
			printf("balance\n");
			break;
		case OP_FAIL:
			printf("fail %s\n", fk[ops[i].target]);
			break;
		}
	}
}

/* one simpler variant of an alloc (v = 0, 1, ...), false when none left */
static bool simpler(struct op *o, int v)
{
	switch (v) {
	case 0: if (!o->align) return true; o->align = 0; return true;
	case 1: if (!o->atomic) return true; o->atomic = false; return true;
	case 2: if (!o->reserved) return true; o->reserved = false; return true;
	default:
		/* sizes: round down to a multiple of 4, then halve */
		if (v == 3) {
			if (o->size % 4 == 0 || o->size < 4) return true;
			o->size &= ~(size_t)3;
			return true;
		}
		if (o->size <= 4) return false;
		o->size /= 2;
		return v < 12;
	}
}

/* drop ops (an alloc with its free) and simplify allocs while the class shows */
static int minimise(const struct pcpu_geometry *g, struct op *ops, int n,
		    bool *keep, const char *want)
{
	bool changed = true;

	while (changed) {
		changed = false;
		for (int i = 0; i < n; i++) {
			if (!keep[i] || ops[i].kind != OP_ALLOC)
				continue;
			for (int v = 0;; v++) {
				struct op save = ops[i];
				bool more = simpler(&ops[i], v);
				int hit;

				if (!memcmp(&save, &ops[i], sizeof(save))) {
					if (!more)
						break;
					continue;
				}
				hit = replay(g, ops, n, keep, want, false, NULL);
				if (hit >= 0) {
					changed = true;
					n = hit + 1;
				} else {
					ops[i] = save;
				}
				if (!more)
					break;
			}
		}
		for (int i = n - 1; i >= 0; i--) {
			if (!keep[i])
				continue;
			keep[i] = false;
			for (int j = i + 1; j < n; j++)
				if (ops[j].kind == OP_FREE && ops[j].target == i &&
				    ops[i].kind == OP_ALLOC)
					live_op[j] = keep[j], keep[j] = false;
			int hit = replay(g, ops, n, keep, want, false, NULL);

			if (hit >= 0) {
				changed = true;
				n = hit + 1;
			} else {
				keep[i] = true;
				for (int j = i + 1; j < n; j++)
					if (ops[j].kind == OP_FREE &&
					    ops[j].target == i &&
					    ops[i].kind == OP_ALLOC)
						keep[j] = live_op[j];
			}
		}
	}
	return n;
}

int find(int seeds, int nops)
{
	static struct op ops[MAXOPS], work[MAXOPS];
	static bool keep[MAXOPS];
	char seen[64][96];
	int nseen = 0;

	for (int s = 0; s < seeds; s++) {
		const struct pcpu_geometry *g = &checks_geos[s % 2];
		int n = gen(g, (uint64_t)s + 1, nops, ops);

		for (int round = 0; round < 64; round++) {
			char cls[96] = "";
			int hit = -1;

			/* the first finding of a class not seen yet */
			{
				struct backend *b;
				static uintptr_t ptrs[MAXOPS];
				char err[256];

				b = backend_create(g, 0, err, sizeof(err));
				if (!b)
					return 2;
				for (int i = 0; i < n && hit < 0; i++) {
					if (ops[i].kind == OP_ALLOC) {
						struct pcpu_alloc_req req = {
							ops[i].size, ops[i].align,
							ops[i].atomic, ops[i].reserved
						};
						struct pcpu_alloc_res res =
							backend_alloc(b, &req);

						ptrs[i] = res.status == PCPU_OK ? res.ptr : 0;
					} else if (ops[i].kind == OP_FREE) {
						backend_free(b, ptrs[ops[i].target]);
					} else if (ops[i].kind == OP_BALANCE) {
						backend_balance(b);
					} else {
						backend_fail(b, (enum pcpu_fault)ops[i].target, 1);
					}
					int nf = linux_checks_run(b, fs, MAXF);

					for (int k = 0; k < nf && k < MAXF && hit < 0; k++) {
						bool old = false;

						class_of(&fs[k], cls, sizeof(cls));
						for (int j = 0; j < nseen; j++)
							old |= !strcmp(seen[j], cls);
						if (!old)
							hit = i;
					}
				}
				backend_destroy(b);
			}
			if (hit < 0)
				break;
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", cls);
			for (int i = 0; i < n; i++)
				keep[i] = i <= hit;
			memcpy(work, ops, sizeof(ops[0]) * (size_t)n);
			int m = minimise(g, work, hit + 1, keep, cls);

			printf("### class %s (seed %d, op %d)\n", cls, s + 1, hit);
			print_trace(g, work, m, keep);
			replay(g, work, m, keep, NULL, true, NULL);
			printf("\n");
			fflush(stdout);
			if (nseen == 64)
				return 0;
		}
	}
	printf("%d classes\n", nseen);
	return 0;
}

int bench(int seeds, int nops)
{
	static struct op ops[MAXOPS];
	struct timespec t0, t1;
	unsigned long done = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int s = 0; s < seeds; s++) {
		int n = gen(&checks_geos[s % 2], (uint64_t)s + 1, nops, ops);

		replay(&checks_geos[s % 2], ops, n, NULL, NULL, false, &done);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double sec = (double)(t1.tv_sec - t0.tv_sec) +
		     (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%lu ops in %.2f s: %.1f us/op (checks: %s)\n", done, sec,
	       sec * 1e6 / (double)done, checks_no_checks ? "none" :
	       getenv("PCPU_LINUX_CHECKS") ? getenv("PCPU_LINUX_CHECKS") : "touched chunks");
	return 0;
}

static int bad(FILE *f, const char *path, const char *what)
{
	fprintf(stderr, "linux-checks: %s: %s\n", path, what);
	fclose(f);
	return 2;
}

/* a minimal reader of the text trace format, for reproducers */
int trace(const char *path, const char *want)
{
	static struct op ops[MAXOPS];
	struct pcpu_geometry g = checks_geos[0];
	int n = 0, allocs = 0, alloc_op[MAXOPS];
	static bool freed[MAXOPS];
	char line[512];
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "linux-checks: %s: cannot open\n", path);
		return 2;
	}
	while (fgets(line, sizeof(line), f) && n < MAXOPS) {
		char *hash = strchr(line, '#'), *tok, *save;

		if (hash)
			*hash = 0;
		tok = strtok_r(line, " \t\n", &save);
		if (!tok)
			continue;
		if (!strcmp(tok, "geometry")) {
			while ((tok = strtok_r(NULL, " \t\n", &save))) {
				char *eq = strchr(tok, '=');
				size_t v = eq ? strtoul(eq + 1, NULL, 0) : 0;

				if (!strncmp(tok, "cpus=", 5)) g.cpus = (unsigned)v;
				else if (!strncmp(tok, "page=", 5)) g.page_size = v;
				else if (!strncmp(tok, "unit=", 5)) g.unit_size = v;
				else if (!strncmp(tok, "static=", 7)) g.static_size = v;
				else if (!strncmp(tok, "reserved=", 9)) g.reserved_size = v;
				else if (!strncmp(tok, "dyn=", 4)) g.dyn_size = v;
			}
		} else if (!strcmp(tok, "alloc")) {
			const char *sz = strtok_r(NULL, " \t\n", &save);

			if (!sz)
				return bad(f, path, "alloc without a size");
			ops[n] = (struct op){ .kind = OP_ALLOC };
			ops[n].size = strtoul(sz, NULL, 0);
			while ((tok = strtok_r(NULL, " \t\n", &save))) {
				if (!strncmp(tok, "align=", 6))
					ops[n].align = strtoul(tok + 6, NULL, 0);
				else if (!strcmp(tok, "atomic"))
					ops[n].atomic = true;
				else if (!strcmp(tok, "reserved"))
					ops[n].reserved = true;
			}
			freed[allocs] = false;
			alloc_op[allocs++] = n++;
		} else if (!strcmp(tok, "free")) {
			const char *ids = strtok_r(NULL, " \t\n", &save);
			int id = ids ? atoi(ids) : -1;

			if (id < 0 || id >= allocs) {
				fprintf(stderr, "linux-checks: %s: free %d: no such alloc\n",
					path, id);
				fclose(f);
				return 2;
			}
			ops[n++] = (struct op){ .kind = OP_FREE, .target = alloc_op[id] };
			freed[id] = true;
		} else if (!strcmp(tok, "balance")) {
			ops[n++] = (struct op){ .kind = OP_BALANCE };
		} else if (!strcmp(tok, "fail")) {
			const char *k = strtok_r(NULL, " \t\n", &save);

			if (!k || (strcmp(k, "page") && strcmp(k, "chunk") &&
				   strcmp(k, "map")))
				return bad(f, path, "fail wants page, chunk or map");
			ops[n++] = (struct op){ .kind = OP_FAIL,
					.target = !strcmp(k, "page") ? PCPU_FAULT_PAGE :
						  !strcmp(k, "chunk") ? PCPU_FAULT_CHUNK :
						  PCPU_FAULT_MAP };
		} else {
			return bad(f, path, "unknown operation");
		}
	}
	fclose(f);
	/* the end of the run frees what is still live, in id order, as
	 * pcpu-replay's does (harness/checks/check_leak.c): its findings show too */
	for (int id = 0; id < allocs && n < MAXOPS; id++)
		if (!freed[id])
			ops[n++] = (struct op){ .kind = OP_FREE,
						.target = alloc_op[id] };
	if (want) {
		int hit = replay(&g, ops, n, NULL, want, true, NULL);

		printf("%s: %s %s\n", path, want,
		       hit >= 0 ? "found" : "NOT found");
		return hit >= 0 ? 0 : 1;
	}
	replay(&g, ops, n, NULL, NULL, true, NULL);
	return 0;
}

