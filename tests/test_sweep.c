// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of PCPU_SWEEP_EVERY (harness/sweep.c) and of the checks between
 * sweeps (harness/checks/check_incr.c): which values are accepted, which
 * operations sweep, an overlap caught at the operation that makes it
 * however rarely the state is swept, and two kinds of damage that wait
 * for the next sweep (a map entry rewritten in place, a list reordered
 * in place); and the checks at a preemption point.
 */
#include <limits.h>
#include <string.h>

#include "check_fixture.h"
#include "env_parse.h"
#include "pcpu_area_map.h"
#include "percpu_internal.h"
#include "run.h"
#include "test.h"

/*
 * Expected: "1", "64" and "1000000" are accepted; "0", "-1", "", "abc",
 * "5x", "1000001" and " 3" are refused with a message naming the
 * variable, and leave the value alone.
 */
static void test_sweep_every_values(void)
{
	static const struct env_accepted good[] = {
		{ "1", 1 }, { "64", 64 }, { "1000000", 1000000 },
	};
	static const char *const bad[] = { "0", "-1", "", "abc", "5x",
					   "1000001", " 3" };

	expect_env_parse(sweep_every_parse, good,
			 sizeof(good) / sizeof(good[0]), bad,
			 sizeof(bad) / sizeof(bad[0]), "PCPU_SWEEP_EVERY: ");
}

/*
 * A 10-operation trace.  Expected: with K=4 the sweeps follow operations
 * 4, 8 and 10 (the last); with K=1 and with K unset (0) every operation.
 */
static void test_sweep_due_every_k_and_at_the_end(void)
{
	struct trace t = { .nr_ops = 10 };
	struct run_options opt = { .sweep_every = 4 };
	struct run_ctx c = { .t = &t, .opt = &opt };
	unsigned int due = 0;

	for (c.op_index = 0; c.op_index < 10; c.op_index++)
		due |= (unsigned)sweep_due(&c) << c.op_index;
	EXPECT_EQ(due, (1u << 3) | (1u << 7) | (1u << 9));
	for (unsigned k = 0; k <= 1; k++) {
		opt.sweep_every = k;
		due = 0;
		for (c.op_index = 0; c.op_index < 10; c.op_index++)
			due |= (unsigned)sweep_due(&c) << c.op_index;
		EXPECT_EQ(due, 0x3ffu);
	}
}

/* Alloc op id as the runner does it: the op, its checks, its tags. */
static int run_one_alloc(struct fixture *f, unsigned int id)
{
	fx_alloc(f, id);
	if (check_after_alloc(&f->c, id))
		return -1;
	tags_write(&f->c, id);
	return check_op_done(&f->c, &f->t.ops[id]);
}

/*
 * K=64, 8 allocs of 64 bytes: ops 1-5 run with their checks (no sweep
 * is due before op 8); then alloc 5's shadow is made a copy of alloc 2,
 * as if the backend had handed [16512, 16576) of chunk 0 out twice.
 * Expected: op 6's overlap check fails at op 6 itself, naming alloc 2.
 */
static void test_overlap_caught_at_its_op_between_sweeps(void)
{
	struct fixture f;

	fx_init(&f, 8, 64, 8);
	f.opt.sweep_every = 64;
	for (unsigned int id = 0; id < 5; id++)
		EXPECT_EQ(run_one_alloc(&f, id), 0);
	f.c.allocs[5] = f.c.allocs[2];
	f.c.nr_live++;
	f.c.op_index = 5;
	EXPECT(!sweep_due(&f.c));
	EXPECT_EQ(check_after_alloc(&f.c, 5), -1);
	EXPECT(failed_with(&f.c, CHECK_OVERLAP));
	EXPECT_EQ(f.c.op_index, 5);
	EXPECT(strstr(f.c.detail, "disjoint from live alloc 2,") != NULL);
	fx_fini(&f);
}

/*
 * A fixture of 2 allocs of size and align, run with their checks at
 * K = k, then 2 operations that change nothing (fail page 0) not run yet.
 */
static void two_allocs_then_two_nops(struct fixture *f, size_t size,
				     size_t align, unsigned k)
{
	struct trace_op nop = { .kind = OP_FAIL, .fault = PCPU_FAULT_PAGE };

	fx_init(f, 2, size, align);
	EXPECT_EQ(trace_append(&f->t, &nop), 0);
	EXPECT_EQ(trace_append(&f->t, &nop), 0);
	f->opt.sweep_every = k;
	for (unsigned int id = 0; id < 2; id++)
		EXPECT_EQ(run_one_alloc(f, id), 0);
}

/*
 * Damage planted after op 1 of that fixture whose ops 2 and 3 change
 * nothing: with K=1 op 2's sweep fails at once; with a larger K op 2's
 * checks pass and the sweep after op 3, the last, fails.  Either way
 * with the given check.
 */
static void expect_caught_at_sweep(struct fixture *f, unsigned k,
				   const char *check)
{
	f->c.op_index = 2;
	EXPECT_EQ(check_op_done(&f->c, &f->t.ops[2]), k == 1 ? -1 : 0);
	if (k != 1) {
		f->c.op_index = 3;
		EXPECT_EQ(check_op_done(&f->c, &f->t.ops[3]), -1);
	}
	EXPECT(failed_with(&f->c, check));
	EXPECT_EQ(f->c.op_index, k == 1 ? 2 : 3);
}

/*
 * 2 allocs, then 2 operations that change nothing (fail page 0); between
 * them chunk 0's last (free) block is marked in use in place, which no
 * scalar of the chunk's view shows.  Expected: with K=64 the third op's
 * checks pass (the chunk did not move) and the sweep after the last op
 * fails with "map"; with K=1 the third op's sweep fails at once.
 */
static void damage_waits_for_sweep(unsigned k)
{
	struct pcpu_chunk_view v;
	struct pcpu_area_map_view am;
	struct fixture f;
	int *last;

	two_allocs_then_two_nops(&f, 64, 8, k);
	backend_chunk(f.c.b, 1, &v); /* chunk 0, after the reserved one */
	EXPECT_EQ(v.id, 0);
	EXPECT_EQ(backend_area_map(f.c.b, 1, &am), 0);
	last = (int *)&am.map[am.map_used - 1];
	EXPECT_EQ(*last & 1, 0);
	*last |= 1;
	expect_caught_at_sweep(&f, k, CHECK_MAP);
	*last &= ~1;
	fx_fini(&f);
}

static void test_map_damage_in_place_waits_for_the_sweep(void)
{
	damage_waits_for_sweep(64);
}

static void test_map_damage_in_place_caught_at_once_with_k1(void)
{
	damage_waits_for_sweep(1);
}

/*
 * Two allocs of 20,000 bytes in the default geometry: each takes a new
 * chunk (1, then 2), and both chunks, 12,768 bytes free, sit on one slot
 * list, 1 ahead of 2.  Then 2 operations that change nothing (fail page
 * 0); between them that list is turned round in place in the backend
 * (2 ahead of 1), which changes no chunk's list and so no view.
 * Expected: with K=64 the third op's checks pass and the sweep after the
 * last op fails with "slot", naming the list and both orders; with K=1
 * the third op's sweep fails at once.
 */
static void list_reorder_waits_for_sweep(unsigned k)
{
	struct pcpu_chunk_view v1, v2;
	struct fixture f;

	two_allocs_then_two_nops(&f, 20000, 0, k);
	EXPECT_EQ(backend_nr_chunks(f.c.b), 4); /* r, 0, 1, 2 */
	backend_chunk(f.c.b, 2, &v1);
	backend_chunk(f.c.b, 3, &v2);
	EXPECT(v1.id == 1 && v2.id == 2 && v1.slot == v2.slot &&
	       v1.slot >= 0);
	if (v1.slot < 0)
		goto out;
	/* chunk 1 to the tail: the list reads 2 1 */
	list_move_tail(f.c.b->pcpu_slot[v1.slot].next,
		       &f.c.b->pcpu_slot[v1.slot]);
	expect_caught_at_sweep(&f, k, CHECK_SLOT);
	EXPECT(strstr(f.c.detail, "expected [1 2], got [2 1]") != NULL);
out:
	fx_fini(&f);
}

static void test_list_reorder_waits_for_the_sweep(void)
{
	list_reorder_waits_for_sweep(64);
}

static void test_list_reorder_caught_at_once_with_k1(void)
{
	list_reorder_waits_for_sweep(1);
}

/*
 * The checks at a preemption point (check_at_point): 2 allocs, then chunk
 * 0's last free block marked in use in place, as if an operation had
 * released pcpu_lock with the map and free_size out of step.  Expected:
 * before the damage the point check passes; after it, it fails with
 * free_size on chunk 0, its detail naming the point and its reach.
 */
static void test_point_check_names_the_point(void)
{
	struct pcpu_area_map_view am;
	struct fixture f;
	int *last;

	fx_init(&f, 2, 64, 8);
	for (unsigned int id = 0; id < 2; id++)
		EXPECT_EQ(run_one_alloc(&f, id), 0);
	EXPECT_EQ(check_at_point(&f.c, "area-found", 1), 0);
	EXPECT_EQ(backend_area_map(f.c.b, 1, &am), 0);
	last = (int *)&am.map[am.map_used - 1];
	*last |= 1;
	EXPECT(fx_failed(&f, check_at_point(&f.c, "populated", 2),
			 CHECK_FREE_SIZE, 0));
	EXPECT(!strncmp(f.c.detail,
			"at point populated 2 (pcpu_lock released): chunk 0: expected free_size ",
			71));
	*last &= ~1;
	fx_fini(&f);
}

void suite_sweep(void)
{
	RUN(test_sweep_every_values);
	RUN(test_sweep_due_every_k_and_at_the_end);
	RUN(test_overlap_caught_at_its_op_between_sweeps);
	RUN(test_map_damage_in_place_waits_for_the_sweep);
	RUN(test_map_damage_in_place_caught_at_once_with_k1);
	RUN(test_list_reorder_waits_for_the_sweep);
	RUN(test_list_reorder_caught_at_once_with_k1);
	RUN(test_point_check_names_the_point);
}
