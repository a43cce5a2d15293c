// SPDX-License-Identifier: GPL-2.0-only
/*
 * linux-smoke's tests of the preemption point (docs/interleavings.md §1,
 * §2.2; include/pcpu.h): a hook set with backend_set_preempt() is called
 * right after every release of pcpu_lock, with the name of the kernel
 * function that released it and whether pcpu_alloc_mutex is held, and
 * may run operations on the same instance there, as another CPU would.
 *
 * Each scenario prints its name and what it expects; its CHECKs count
 * into linux-smoke's total.  Nothing is checked inside the hook itself
 * beyond what it records: a CHECK there would count once per release.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend_linux.h"
#include "check.h"
#include "ktest_checks.h"
#include "preempt.h"

#define MAX_REPORTS 256
#define MAX_POINTS 32
#define MAX_TRACKED 512

struct report {
	const char *point;
	bool mutex_held;
	int depth;     /* 0: a release of the outer operation's own */
	int populated; /* pages populated in all chunks, when reported */
};

struct hook;
typedef void (*action_fn)(struct hook *h, bool mutex_held);

struct hook {
	struct backend *b;
	const struct pcpu_geometry *g;
	struct report r[MAX_REPORTS];
	int nr;       /* reports kept (the first MAX_REPORTS) */
	int total;    /* every report */
	int counts[MAX_POINTS]; /* per entry of backend_preempt_points() */
	int unlisted; /* reports whose name that list lacks */
	const char *first_unlisted;
	/* outer releases whose mutex_held differs from expect_mutex */
	int wrong_mutex;
	const char *wrong_mutex_at;
	bool expect_mutex, nested_mutex;
	int depth; /* nested operations running */
	/*
	 * run action at the occurrence-th release in function `at` of the
	 * outer operation (at NULL: any function; occurrence 0: every time)
	 */
	const char *at;
	int occurrence, seen, ran;
	int did; /* nested operations (g) ran */
	action_fn action;

	/* what the scenarios' actions did */
	struct ktest_alloc allocs[MAX_TRACKED];
	int n;          /* allocs used */
	int before;     /* allocs[0, before) predate the outer operation */
	struct pcpu_alloc_res nested;
	enum pcpu_status free_status;
	long freed_bytes; /* the first chunk's free_size after - before */
	bool tags_ok;
	uint64_t rnd;
};

static struct hook h;

/* index in backend_preempt_points(), or -1 */
static int listed(const char *point)
{
	const char *const *p = backend_preempt_points();

	for (int i = 0; p[i]; i++)
		if (!strcmp(p[i], point))
			return i;
	return -1;
}

static int populated_pages(struct backend *b)
{
	int sum = 0;

	for (int i = 0; i < backend_nr_chunks(b); i++) {
		struct pcpu_chunk_view v;

		backend_chunk(b, i, &v);
		sum += v.nr_populated;
	}
	return sum;
}

static long chunk_free_size(struct backend *b, int id)
{
	for (int i = 0; i < backend_nr_chunks(b); i++) {
		struct pcpu_chunk_view v;

		backend_chunk(b, i, &v);
		if (v.id == id)
			return v.free_size;
	}
	return -1;
}

static void on_point(void *arg, const char *point, bool mutex_held)
{
	struct hook *k = arg;
	int i = listed(point);

	if (k->nr < MAX_REPORTS)
		k->r[k->nr++] = (struct report){ point, mutex_held, k->depth,
						 populated_pages(k->b) };
	k->total++;
	if (i >= 0 && i < MAX_POINTS)
		k->counts[i]++;
	else if (!k->unlisted++)
		k->first_unlisted = point;
	/* who holds the mutex: the outer operation, or the nested one */
	if (mutex_held != (k->expect_mutex || (k->depth && k->nested_mutex)) &&
	    !k->wrong_mutex++)
		k->wrong_mutex_at = point;
	if (k->depth || !k->action || (k->at && strcmp(point, k->at)))
		return;
	k->seen++;
	if (k->occurrence && k->seen != k->occurrence)
		return;
	k->ran++;
	k->depth++;
	k->action(k, mutex_held);
	k->depth--;
}

/* a fresh instance with the hook reset (not yet set) */
static struct backend *start(const struct pcpu_geometry *g)
{
	char err[256];
	struct backend *b = backend_create(g, 0, err, sizeof(err));

	CHECK(b != NULL, "create: %s", err);
	memset(&h, 0, sizeof(h));
	h.b = b;
	h.g = g;
	h.free_status = PCPU_HANG; /* "not run" until the action frees */
	return b;
}

/*
 * A scenario's start: its line (the backend's name, then what it does and
 * what it expects, as fmt says), then start(g).
 */
static struct backend *begin(const struct pcpu_geometry *g, const char *fmt,
			     ...) __attribute__((format(printf, 2, 3)));
static struct backend *begin(const struct pcpu_geometry *g, const char *fmt,
			     ...)
{
	va_list ap;

	printf("%s: ", backend_name());
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return start(g);
}

/*
 * The nested operations of a scenario: action, run at the occurrence-th
 * release of pcpu_lock in the function named at.
 */
static void arm(action_fn action, const char *at, int occurrence)
{
	h.action = action;
	h.at = at;
	h.occurrence = occurrence;
}

/* The hook on, for an outer operation that holds the mutex or does not. */
static void hook_on(struct backend *b, bool expect_mutex)
{
	h.expect_mutex = expect_mutex;
	backend_set_preempt(b, on_point, &h);
}

static struct pcpu_alloc_res track(struct backend *b,
				   const struct pcpu_alloc_req *req)
{
	struct pcpu_alloc_res res = backend_alloc(b, req);

	if (res.status == PCPU_OK && h.n < MAX_TRACKED) {
		struct ktest_alloc *a = &h.allocs[h.n];

		*a = (struct ktest_alloc){ res.ptr, req->size, true };
		if (!ktest_check_content(b, h.g->cpus, a, h.n, true))
			h.tags_ok = false;
		ktest_write_tags(b, h.g->cpus, a, h.n);
		h.n++;
	}
	return res;
}

/*
 * After an operation: the checks of ktest_checks.h on what the scenario
 * tracks, the backend's own (backing, accounting, static area, WARN),
 * and no finding of grade safety or accounting from backend_check (hint
 * findings are the kernel's known ones, and graded elsewhere).
 */
static void check_state(struct backend *b, const char *what)
{
	static struct pcpu_finding fs[64];
	struct linux_backend_info info;
	char err[256];
	int nf;

	CHECK(ktest_check_overlap(b, h.g->cpus, h.allocs, h.n), "%s: overlap",
	      what);
	for (int i = 0; i < h.n; i++)
		if (h.allocs[i].live)
			CHECK(ktest_check_content(b, h.g->cpus, &h.allocs[i], i,
						  false),
			      "%s: allocation %d lost its tag", what, i);
	CHECK(!linux_backend_check_backing(b, err, sizeof(err)),
	      "%s: backing: %s", what, err);
	CHECK(!linux_backend_check_accounting(b, err, sizeof(err)),
	      "%s: accounting: %s", what, err);
	CHECK(!linux_backend_check_static(b, err, sizeof(err)),
	      "%s: static: %s", what, err);
	CHECK(ktest_check_hints_safe(b), "%s: hints", what);
	nf = backend_check(b, true, fs, 64);
	for (int i = 0; i < nf && i < 64; i++)
		CHECK(fs[i].grade != PCPU_GRADE_SAFETY &&
		      fs[i].grade != PCPU_GRADE_ACCOUNTING,
		      "%s: %s: %s", what, fs[i].check, fs[i].detail);
	linux_backend_info(b, &info);
	CHECK(info.warn_other == 0, "%s: kernel WARN: %s", what,
	      info.last_warning);
}

static void print_points(const char *what)
{
	printf("  %s:", what);
	for (int i = 0; i < h.nr; i++)
		printf(" %s%s(%s)", h.r[i].depth ? "nested:" : "", h.r[i].point,
		       h.r[i].mutex_held ? "mutex" : "no mutex");
	printf("\n");
}

/* The hook off; with show, the reports it kept printed. */
static void hook_off(struct backend *b, bool show)
{
	backend_set_preempt(b, NULL, NULL);
	if (show)
		print_points("points");
}

/* The hook saw the mutex held where expected, and listed points only. */
static void check_reports(const char *what)
{
	CHECK(h.wrong_mutex == 0, "%s: mutex_held wrong %d times, first at %s",
	      what, h.wrong_mutex, h.wrong_mutex_at);
	CHECK(h.unlisted == 0, "%s: %d reports of unlisted points, first %s",
	      what, h.unlisted, h.first_unlisted);
}

/* A scenario's end: check_reports, check_state, and the instance goes. */
static void finish(struct backend *b, const char *what)
{
	check_reports(what);
	check_state(b, what);
	backend_destroy(b);
}

static int count(const char *point, int depth, int mutex)
{
	int n = 0;

	for (int i = 0; i < h.nr; i++)
		if (!strcmp(h.r[i].point, point) && h.r[i].depth == depth &&
		    (mutex < 0 || h.r[i].mutex_held == mutex))
			n++;
	return n;
}

/* the non-atomic allocation every scenario below makes populate: it never fits
 * the first chunk's dynamic area, so it creates a chunk and, on vm,
 * populates the eight pages it covers */
static const struct pcpu_alloc_req big = { .size = 32768 };

/*
 * (a) Returns how often the outer allocation released the lock in
 * pcpu_alloc, for (b) to nest at each of those releases.
 */
static int scenario_populating_alloc(const struct pcpu_geometry *g, bool km)
{
	struct pcpu_alloc_res res;
	struct backend *b;
	int n, held, first = -1, last = -1;

	b = begin(g, "scenario (a): a non-atomic 32 KiB alloc creates and populates a chunk; expected: the hook sees pcpu_alloc, always with the mutex held, the last time after the pages were populated");
	if (!b)
		return 0;
	hook_on(b, true);
	res = track(b, &big);
	hook_off(b, true);
	n = count("pcpu_alloc", 0, -1);
	held = count("pcpu_alloc", 0, 1);
	CHECK(res.status == PCPU_OK && res.chunk_id >= 1,
	      "the outer alloc: status %d chunk %d", res.status, res.chunk_id);
	CHECK(n >= 2 && held == n,
	      "pcpu_alloc reported %d times, %d with the mutex held", n, held);
	for (int i = 0; i < h.nr; i++)
		if (!strcmp(h.r[i].point, "pcpu_alloc")) {
			if (first < 0)
				first = h.r[i].populated;
			last = h.r[i].populated;
		}
	/* vm populates the 8 pages between the first release and the last */
	CHECK(km || last - first == 8,
	      "pages populated at the first and last pcpu_alloc release: %d, %d",
	      first, last);
	if (km)
		CHECK(count("pcpu_create_chunk", 0, 1) == 1,
		      "km creates the chunk populated, under pcpu_lock: %d",
		      count("pcpu_create_chunk", 0, 1));
	finish(b, "scenario (a)");
	return n;
}

/* (b)'s action: an atomic allocation and a free of allocs[0] */
static void nest_atomic_and_free(struct hook *k, bool mutex_held)
{
	static const struct pcpu_alloc_req small = { .size = 8, .atomic = true };
	long before;

	(void)mutex_held;
	k->nested = track(k->b, &small);
	if (!ktest_check_content(k->b, k->g->cpus, &k->allocs[0], 0, false))
		k->tags_ok = false;
	before = chunk_free_size(k->b, PCPU_CHUNK_FIRST);
	k->free_status = backend_free(k->b, k->allocs[0].ptr);
	k->allocs[0].live = false;
	k->freed_bytes = chunk_free_size(k->b, PCPU_CHUNK_FIRST) - before;
}

/*
 * (b) At the k-th release in pcpu_alloc of (a)'s allocation, an atomic
 * 8-byte allocation and the free of a 64-byte one made before.
 */
static void scenario_nested_atomic_and_free(const struct pcpu_geometry *g,
					    int k)
{
	static const struct pcpu_alloc_req early = { .size = 64 };
	struct pcpu_alloc_res outer;
	struct backend *b;
	char what[64];

	snprintf(what, sizeof(what), "scenario (b) at pcpu_alloc %d", k);
	b = begin(g, "%s: an atomic 8-byte alloc and a free of an earlier 64-byte one inside a populating alloc; expected: the atomic alloc succeeds without overlap and zeroed, the free gives back 64 bytes, the outer alloc completes zeroed, every check passes",
		  what);
	if (!b)
		return;
	h.tags_ok = true;
	CHECK(track(b, &early).status == PCPU_OK, "%s: the early alloc", what);
	arm(nest_atomic_and_free, "pcpu_alloc", k);
	hook_on(b, true);
	outer = track(b, &big);
	hook_off(b, false);
	CHECK(h.ran == 1, "%s: the nested operations ran %d times", what, h.ran);
	CHECK(h.nested.status == PCPU_OK, "%s: the nested atomic alloc: %d",
	      what, h.nested.status);
	CHECK(h.free_status == PCPU_OK && h.freed_bytes == 64,
	      "%s: the nested free: status %d, %ld bytes freed", what,
	      h.free_status, h.freed_bytes);
	CHECK(outer.status == PCPU_OK && outer.chunk_id >= 1,
	      "%s: the outer alloc: status %d chunk %d", what, outer.status,
	      outer.chunk_id);
	CHECK(h.tags_ok, "%s: a fresh allocation was not zero, or a tag lost",
	      what);
	finish(b, what);
}

/* a nested `fail page`: the outer allocation meets it if it populates later */
static void nest_fail_page(struct hook *k, bool mutex_held)
{
	(void)mutex_held;
	backend_fail_after(k->b, PCPU_FAULT_PAGE, 1, 0);
}

/*
 * (b') A fault armed at the k-th release: vm populates after every
 * release but the last, so the outer allocation fails cleanly there and
 * succeeds at the last; km never populates, so it always succeeds.
 */
static void scenario_nested_fail(const struct pcpu_geometry *g, bool km,
				 int k, int n)
{
	struct pcpu_alloc_res outer;
	struct backend *b;
	char what[64];
	bool fails = !km && k < n;

	snprintf(what, sizeof(what), "scenario (b') at pcpu_alloc %d", k);
	b = begin(g, "%s of %d: a nested `fail page`; expected: the outer alloc %s, every check passes",
		  what, n, fails ? "fails" : "succeeds");
	if (!b)
		return;
	arm(nest_fail_page, "pcpu_alloc", k);
	hook_on(b, true);
	outer = track(b, &big);
	hook_off(b, false);
	CHECK(h.ran == 1 && (outer.status == PCPU_OK) == !fails,
	      "%s: ran %d, outer status %d", what, h.ran, outer.status);
	finish(b, what);
}

/* (h)'s action: a non-atomic allocation, which needs the mutex */
static void nest_nonatomic_alloc(struct hook *k, bool mutex_held)
{
	(void)mutex_held;
	track(k->b, &big);
}

/*
 * (h) What docs/interleavings.md §3 forbids: a non-atomic allocation where
 * the outer one holds pcpu_alloc_mutex.  The kernel would wait for itself
 * forever; the shim says so with its recursive-locking BUG.  The callers
 * keep the rule; this shows what breaking it looks like.  In a child,
 * its stderr in a file.
 */
static void scenario_forbidden(const struct pcpu_geometry *g)
{
	char path[] = "/tmp/linux-smoke-XXXXXX", text[4096] = "";
	int fd, status = 0;
	ssize_t len;
	pid_t pid;

	printf("%s: scenario (h): a non-atomic alloc nested inside a non-atomic alloc; expected: the kernel BUG 'recursive locking of pcpu_alloc_mutex'\n",
	       backend_name());
	fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp");
	if (fd < 0)
		return;
	unlink(path);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct backend *b;

		if (dup2(fd, 2) < 0)
			_exit(3);
		b = start(g);
		if (!b)
			_exit(3);
		arm(nest_nonatomic_alloc, "pcpu_alloc", 1);
		hook_on(b, true);
		track(b, &big);
		_exit(0);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid, "fork or wait");
	len = pread(fd, text, sizeof(text) - 1, 0);
	text[len > 0 ? len : 0] = '\0';
	close(fd);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT &&
	      strstr(text, "recursive locking of pcpu_alloc_mutex"),
	      "status %#x, stderr: %.200s", status, text);
}

/*
 * (c) and (f): a 64-byte allocation, then its free with the hook on (a
 * free holds no mutex), and the reports printed; the scenario's action,
 * if it armed one, runs in the free.
 */
static void hooked_free(struct backend *b)
{
	static const struct pcpu_alloc_req req = { .size = 64 };
	struct pcpu_alloc_res a = track(b, &req);

	hook_on(b, false);
	h.allocs[0].live = false;
	backend_free(b, a.ptr);
	hook_off(b, true);
}

/* (c) */
static void scenario_free(const struct pcpu_geometry *g)
{
	struct backend *b;

	b = begin(g, "scenario (c): a free; expected: one report, free_percpu, the mutex not held");
	if (!b)
		return;
	hooked_free(b);
	CHECK(h.total == 1 && count("free_percpu", 0, 0) == 1,
	      "%d reports, free_percpu without the mutex %d", h.total,
	      count("free_percpu", 0, 0));
	finish(b, "scenario (c)");
}

/* (d) */
static void scenario_balance(const struct pcpu_geometry *g)
{
	struct pcpu_alloc_res a, c;
	struct backend *b;

	b = begin(g, "scenario (d): the balance work destroys one of two free chunks; expected: pcpu_balance_free and pcpu_balance_workfn reported, every report with the mutex held");
	if (!b)
		return;
	a = track(b, &big);
	c = track(b, &big);
	backend_free(b, a.ptr);
	backend_free(b, c.ptr);
	h.allocs[0].live = h.allocs[1].live = false;
	hook_on(b, true);
	backend_balance(b);
	hook_off(b, true);
	CHECK(h.total >= 2 && h.wrong_mutex == 0 &&
	      count("pcpu_balance_free", 0, 1) >= 1 &&
	      count("pcpu_balance_workfn", 0, 1) == 1,
	      "%d reports, %d without the mutex (first %s)", h.total,
	      h.wrong_mutex, h.wrong_mutex_at);
	finish(b, "scenario (d)");
}

/* (f)'s action: what only an operation without the mutex may nest */
static void nest_nonatomic(struct hook *k, bool mutex_held)
{
	(void)mutex_held;
	k->nested_mutex = true;
	k->nested = track(k->b, &big);
	backend_balance(k->b);
	k->nested_mutex = false;
}

/*
 * (f) Inside a free, which holds no mutex: a non-atomic allocation that
 * creates and populates a chunk, then the balance work.
 */
static void scenario_nonatomic_in_free(const struct pcpu_geometry *g)
{
	struct backend *b;

	b = begin(g, "scenario (f): a non-atomic 32 KiB alloc and a balance inside a free; expected: both run, their own releases report the mutex held, the free's does not, every check passes");
	if (!b)
		return;
	h.tags_ok = true;
	arm(nest_nonatomic, "free_percpu", 1);
	hooked_free(b);
	CHECK(h.ran == 1 && h.nested.status == PCPU_OK && h.tags_ok,
	      "ran %d, nested alloc status %d", h.ran, h.nested.status);
	CHECK(count("free_percpu", 0, 0) == 1 && count("pcpu_alloc", 1, 1) >= 2 &&
	      count("pcpu_balance_workfn", 1, 1) == 1,
	      "free_percpu %d, nested pcpu_alloc %d, nested balance %d",
	      count("free_percpu", 0, 0), count("pcpu_alloc", 1, 1),
	      count("pcpu_balance_workfn", 1, 1));
	finish(b, "scenario (f)");
}

/* (e) */
static void scenario_no_hook(const struct pcpu_geometry *g)
{
	struct pcpu_alloc_res a;
	struct backend *b;

	b = begin(g, "scenario (e): a hook set and removed again, then alloc, free, balance; expected: no report");
	if (!b)
		return;
	hook_on(b, false);
	hook_off(b, false);
	a = track(b, &big);
	backend_free(b, a.ptr);
	h.allocs[0].live = false;
	backend_balance(b);
	CHECK(a.status == PCPU_OK && h.total == 0, "status %d, %d reports",
	      a.status, h.total);
	backend_destroy(b);
	/* and a hook left set is dropped with its instance */
	b = start(g);
	if (!b)
		return;
	hook_on(b, false);
	backend_destroy(b);
	b = start(g);
	if (!b)
		return;
	a = track(b, &big);
	CHECK(a.status == PCPU_OK && h.total == 0,
	      "the next instance: status %d, %d reports", a.status, h.total);
	backend_destroy(b);
}

static uint64_t rnd(void)
{
	h.rnd ^= h.rnd << 13;
	h.rnd ^= h.rnd >> 7;
	h.rnd ^= h.rnd << 17;
	return h.rnd;
}

static size_t rnd_size(void)
{
	uint64_t r = rnd() % 100;

	return r < 60 ? 1 + rnd() % 256 : r < 90 ? 1 + rnd() % 4096 :
						   1 + rnd() % 32768;
}

/* a live allocation made before the outer operation, or -1 */
static int rnd_live_before(void)
{
	int k;

	if (!h.before)
		return -1;
	k = (int)(rnd() % (uint64_t)h.before);
	for (int i = 0; i < h.before; i++, k = (k + 1) % h.before)
		if (h.allocs[k].live)
			return k;
	return -1;
}

static void free_tracked(struct backend *b, int k)
{
	if (!ktest_check_content(b, h.g->cpus, &h.allocs[k], k, false))
		h.tags_ok = false;
	h.allocs[k].live = false;
	backend_free(b, h.allocs[k].ptr);
}

/*
 * (g)'s action: at a random half of the outer releases, one operation
 * another CPU could run there: an atomic allocation, a free of something
 * allocated before, and where no mutex is held a non-atomic allocation or
 * the balance work.
 */
static void nest_random(struct hook *k, bool mutex_held)
{
	uint64_t r = rnd() % 8;
	int f;

	if (r < 4 || k->n >= MAX_TRACKED)
		return;
	if (r == 4) {
		struct pcpu_alloc_req req = { .size = rnd_size(), .atomic = true };

		track(k->b, &req);
		k->did++;
	} else if (r == 5 && (f = rnd_live_before()) >= 0) {
		free_tracked(k->b, f);
		k->did++;
	} else if (!mutex_held && r == 6) {
		struct pcpu_alloc_req req = { .size = rnd_size() };

		k->nested_mutex = true;
		track(k->b, &req);
		k->nested_mutex = false;
		k->did++;
	} else if (!mutex_held && r == 7) {
		k->nested_mutex = true;
		backend_balance(k->b);
		k->nested_mutex = false;
		k->did++;
	}
}

/*
 * (g) Seeded random operations, each with random nested operations at its
 * releases; every check after every operation.  Adds each listed point's
 * report count to reached.
 */
static void scenario_random(const struct pcpu_geometry *g, uint64_t seed,
			    int nops, int *reached)
{
	struct backend *b;
	char what[64];

	b = start(g);
	if (!b)
		return;
	h.rnd = seed;
	h.tags_ok = true;
	arm(nest_random, NULL, 0); /* at every release */
	hook_on(b, false);  /* each operation below says what it holds */
	for (int op = 0; op < nops && h.n < MAX_TRACKED - 4; op++) {
		uint64_t r = rnd() % 100;
		int f;

		snprintf(what, sizeof(what), "seed %llu op %d",
			 (unsigned long long)seed, op);
		h.before = h.n;
		h.ran = 0;
		if (r < 55) {
			struct pcpu_alloc_req req = {
				.size = rnd_size(),
				.atomic = rnd() % 4 == 0,
				.reserved = g->reserved_size && rnd() % 10 == 0,
			};

			h.expect_mutex = !req.atomic;
			track(b, &req);
		} else if (r < 90 && (f = rnd_live_before()) >= 0) {
			h.expect_mutex = false;
			free_tracked(b, f);
		} else if (r < 97) {
			h.expect_mutex = true;
			backend_balance(b);
		} else {
			h.expect_mutex = false;
			backend_fail(b, (enum pcpu_fault)(rnd() % PCPU_FAULT_VMAP), 1);
		}
		check_state(b, what);
	}
	hook_off(b, false);
	snprintf(what, sizeof(what), "seed %llu", (unsigned long long)seed);
	CHECK(h.tags_ok, "%s: a fresh allocation was not zero, or a tag lost before its free",
	      what);
	check_reports(what);
	printf("  seed %llu: %d operations, %d releases (nested ones included), %d nested operations\n",
	       (unsigned long long)seed, nops, h.total, h.did);
	for (int i = 0; i < MAX_POINTS && backend_preempt_points()[i]; i++)
		reached[i] += h.counts[i];
	backend_destroy(b);
}

void test_preempt(const struct pcpu_geometry *g, bool km)
{
	const char *const *points = backend_preempt_points();
	int reached[MAX_POINTS] = { 0 };
	int n, nr_points = 0;

	printf("%s: scenario: the point list; expected: not empty, names unique, pcpu_alloc and free_percpu in it\n",
	       backend_name());
	printf("  points:");
	for (; points[nr_points]; nr_points++)
		printf(" %s", points[nr_points]);
	printf("\n");
	CHECK(nr_points > 0 && nr_points <= MAX_POINTS, "%d points", nr_points);
	for (int i = 0; i < nr_points; i++)
		CHECK(listed(points[i]) == i, "%s listed twice", points[i]);
	CHECK(listed("pcpu_alloc") >= 0 && listed("free_percpu") >= 0,
	      "pcpu_alloc %d, free_percpu %d", listed("pcpu_alloc"),
	      listed("free_percpu"));

	n = scenario_populating_alloc(g, km);
	for (int k = 1; k <= n; k++)
		scenario_nested_atomic_and_free(g, k);
	for (int k = 1; k <= n; k++)
		scenario_nested_fail(g, km, k, n);
	scenario_free(g);
	scenario_balance(g);
	scenario_nonatomic_in_free(g);
	scenario_no_hook(g);
	scenario_forbidden(g);

	printf("%s: scenario (g): seeded random operations with random nested ones at their releases; expected: every check passes after every operation, every reported point is listed, every listed point is reached (on km all but pcpu_reclaim_populated, which km never reaches)\n",
	       backend_name());
	for (uint64_t seed = 1; seed <= 4; seed++)
		scenario_random(g, seed, 300, reached);
	printf("  reached:");
	for (int i = 0; i < nr_points && i < MAX_POINTS; i++)
		printf(" %s %d", points[i], reached[i]);
	printf("\n");
	/*
	 * km never sends a chunk to be depopulated (its
	 * pcpu_should_reclaim_chunk() is always false), so the releases in
	 * pcpu_reclaim_populated() are compiled but dead there.
	 */
	for (int i = 0; i < nr_points && i < MAX_POINTS; i++) {
		bool dead = km && !strcmp(points[i], "pcpu_reclaim_populated");

		CHECK((reached[i] > 0) != dead, "%s reported %d times%s",
		      points[i], reached[i], dead ? ", dead code on km" : "");
	}
}
