// SPDX-License-Identifier: GPL-2.0-only
/*
 * Preemption points (docs/interleavings.md §2.1): the port reports each
 * release of pcpu_lock, named, with the mutex state, and the oracle reports
 * the same points in the same order.  Geometry G1 (2 CPUs, unit 32768,
 * static 20480, no reserved, dyn 12288); the first allocation of 12288
 * fills the first chunk.
 */
#include <stdio.h>
#include <string.h>

#include "core_util.h"
#include "oracle.h"
#include "test.h"

struct seen {
	char names[512];
	char mutex[64]; /* one 'm' (held) or '-' per point */
	int n;
};

static void record(void *arg, const char *point, bool mutex_held)
{
	struct seen *s = arg;
	size_t len = strlen(s->names);

	snprintf(s->names + len, sizeof(s->names) - len, "%s%s",
		 len ? " " : "", point);
	if (s->n < (int)sizeof(s->mutex) - 1)
		s->mutex[s->n++] = mutex_held ? 'm' : '-';
}

static struct oracle *oracle_g1(void)
{
	struct pcpu_geometry g = { .cpus = 2, .page_size = 4096,
				   .unit_size = 32768, .static_size = 20480,
				   .reserved_size = 0, .dyn_size = 12288 };

	return oracle_create(&g, 0);
}

/*
 * From here on, the port's points go to sb and the oracle's to so, each
 * hook heard only by its own side's calls; unwatch() ends that.
 */
static void watch(struct backend *b, struct oracle *o, struct seen *sb,
		  struct seen *so)
{
	memset(sb, 0, sizeof(*sb));
	memset(so, 0, sizeof(*so));
	backend_set_preempt(b, record, sb);
	oracle_set_preempt(o, record, so);
}

static void unwatch(struct backend *b, struct oracle *o)
{
	backend_set_preempt(b, NULL, NULL);
	oracle_set_preempt(o, NULL, NULL);
}

/* The port's points for one request, with the oracle's alongside. */
static void both_alloc(struct backend *b, struct oracle *o, size_t size,
		       bool atomic, struct seen *sb, struct seen *so)
{
	struct pcpu_alloc_req r = { .size = size, .align = 2,
				    .atomic = atomic };

	watch(b, o, sb, so);
	backend_alloc(b, &r);
	oracle_alloc(o, &r);
	unwatch(b, o);
}

/*
 * The port reported names, with the mutex as in mutex (one 'm' or '-' a
 * point), and the oracle the same.
 */
static void expect_points(const struct seen *sb, const struct seen *so,
			  const char *names, const char *mutex)
{
	EXPECT_STREQ(sb->names, names);
	EXPECT_STREQ(sb->mutex, mutex);
	EXPECT_STREQ(so->names, sb->names);
	EXPECT_STREQ(so->mutex, sb->mutex);
}

/*
 * A non-atomic request that finds no room: the scan ends (create), a chunk
 * is made and its 16-entry map grown (extend, extend-done), the walk finds
 * the area (area-found) and populates one run (populated).  All with the
 * mutex held; the oracle names the same five.
 */
static void test_points_nonatomic_alloc_new_chunk(void)
{
	struct backend *b = mk_g1(0);
	struct oracle *o = oracle_g1();
	struct seen sb, so;

	both_alloc(b, o, 12288, false, &sb, &so);
	both_alloc(b, o, 100, false, &sb, &so);
	expect_points(&sb, &so, "create extend extend-done area-found populated",
		      "mmmmm");
	oracle_destroy(o);
	backend_destroy(b);
}

/*
 * An atomic request with no populated room: the scan ends (create) and it
 * fails; no mutex.  A free then releases once, at `free`, no mutex.
 */
static void test_points_atomic_fail_and_free(void)
{
	struct backend *b = mk_g1(0);
	struct oracle *o = oracle_g1();
	struct pcpu_alloc_res r = al(b, 100, 2);
	struct pcpu_alloc_req q = { .size = 100, .align = 2 };
	struct seen sb, so;

	oracle_alloc(o, &q);
	both_alloc(b, o, 12288, true, &sb, &so);
	expect_points(&sb, &so, "create", "-");

	watch(b, o, &sb, &so);
	EXPECT_EQ(backend_free(b, r.ptr), PCPU_OK);
	EXPECT_EQ(oracle_free(o, r.chunk_id, (long)r.off), PCPU_OK);
	unwatch(b, o);
	expect_points(&sb, &so, "free", "-");
	oracle_destroy(o);
	backend_destroy(b);
}

/*
 * The balance work after an atomic failure, with the first chunk full and
 * no other: nothing to reap (balance-reclaim), an empty queue
 * (balance-extend), one look per slot from the page's slot up (slots 10 to
 * 14 with 32 KiB units: five balance-populate), no chunk to populate, so
 * one is created (balance-create), then its 4 pages are populated in one
 * run after the look at slot 10.. finds it in the free slot.
 */
static void test_points_balance(void)
{
	struct backend *b = mk_g1(0);
	struct oracle *o = oracle_g1();
	struct pcpu_alloc_req full = { .size = 12288, .align = 2 };
	struct pcpu_alloc_req atom = { .size = 8, .align = 2, .atomic = true };
	struct seen sb, so;

	backend_alloc(b, &full);
	oracle_alloc(o, &full);
	backend_alloc(b, &atom);
	oracle_alloc(o, &atom);
	watch(b, o, &sb, &so);
	backend_balance(b);
	oracle_balance(o);
	unwatch(b, o);
	EXPECT_STREQ(sb.names,
		     "balance-reclaim balance-extend balance-populate "
		     "balance-populate balance-populate balance-populate "
		     "balance-populate balance-create balance-populate "
		     "balance-populate balance-populate balance-populate "
		     "balance-populate balance-populated");
	EXPECT_STREQ(so.names, sb.names);
	EXPECT(strspn(sb.mutex, "m") == strlen(sb.mutex));
	oracle_destroy(o);
	backend_destroy(b);
}

/* The list of names the port reports, as docs/interleavings.md §2.1. */
static void test_points_list(void)
{
	const char *const *p = backend_preempt_points();
	char all[512] = "";

	for (; *p; p++)
		snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s",
			 all[0] ? " " : "", *p);
	EXPECT_STREQ(all,
		     "extend extend-done create area-found populated fail free "
		     "balance-reclaim balance-depopulated balance-extend "
		     "balance-populate balance-populated balance-create");
}

void suite_points(void)
{
	RUN(test_points_nonatomic_alloc_new_chunk);
	RUN(test_points_atomic_fail_and_free);
	RUN(test_points_balance);
	RUN(test_points_list);
}
