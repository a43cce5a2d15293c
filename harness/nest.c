// SPDX-License-Identifier: GPL-2.0-only
/*
 * Nested operations (docs/interleavings.md): the operations of another CPU
 * that a trace puts at the points where the running operation releases
 * pcpu_lock.  The backend runs the top-level operation first, and the hook
 * here runs each nested operation when its point comes, recording what it
 * did; the oracle then runs the same operation with the same nesting, and
 * each nested outcome is compared as the oracle's point comes.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

struct nest_record {
	bool ran_backend, ran_oracle;
	bool refused;		    /* needed the mutex where it was held */
	bool freed;		    /* a free that gave back a live allocation */
	struct pcpu_alloc_res res; /* an alloc's outcome on the backend */
};

struct nest_seen {
	char name[TRACE_POINT_MAX];
	unsigned int count;
};

static bool needs_mutex(const struct trace_op *op)
{
	return op->kind == OP_BALANCE || (op->kind == OP_ALLOC && !op->atomic);
}

size_t run_block_end(const struct trace *t, size_t i)
{
	size_t end = i + 1;

	while (end < t->nr_ops && t->ops[end].nested)
		end++;
	return end;
}

/* This reach of point is its how-manieth in the running op. */
static unsigned int occurrence(struct run_ctx *c, const char *point)
{
	struct nest_seen *s;

	for (int i = 0; i < c->nr_seen; i++)
		if (!strncmp(c->seen[i].name, point, TRACE_POINT_MAX))
			return ++c->seen[i].count;
	if (c->nr_seen == c->cap_seen) {
		int cap = c->cap_seen ? 2 * c->cap_seen : 8;

		s = realloc(c->seen, (size_t)cap * sizeof(*s));
		if (!s)
			abort();
		c->seen = s;
		c->cap_seen = cap;
	}
	s = &c->seen[c->nr_seen++];
	snprintf(s->name, sizeof(s->name), "%s", point);
	s->count = 1;
	return 1;
}

static void count_point(struct run_ctx *c, const char *point)
{
	const char *const *names = backend_preempt_points();
	struct run_stats *st = c->opt->stats;
	int i;

	if (!st)
		return;
	for (i = 0; names[i] && i < RUN_POINTS_MAX; i++) {
		if (!strcmp(names[i], point)) {
			st->points_reached[i]++;
			return;
		}
	}
	st->points_other++;
}

static bool due(const struct trace_op *op, const char *point,
		unsigned int nth)
{
	return op->at_nth == nth && !strncmp(op->at, point, TRACE_POINT_MAX);
}

static void run_on_backend(struct run_ctx *c, const struct trace_op *op,
			   struct nest_record *r)
{
	struct pcpu_alloc_req req = run_req(op);

	switch (op->kind) {
	case OP_ALLOC:
		r->res = backend_alloc(c->b, &req);
		c->allocs[op->id].done = true;
		run_print_result(c, op, &r->res);
		if (r->res.status == PCPU_OK)
			run_record_alloc(c, op, &r->res);
		else if (r->res.status == PCPU_HANG && !c->o)
			run_hang(c);
		break;
	case OP_FREE:
		run_free_backend(c, op, &r->freed);
		break;
	case OP_BALANCE:
		backend_balance(c->b);
		break;
	case OP_FAIL:
		if (!run_fault_skipped(c, op, true))
			backend_fail_after(c->b, op->fault, op->count, op->after);
		break;
	}
}

static void run_on_oracle(struct run_ctx *c, const struct trace_op *op,
			  struct nest_record *r)
{
	struct pcpu_alloc_req req = run_req(op);
	const struct live_alloc *a;
	struct pcpu_alloc_res pred;

	switch (op->kind) {
	case OP_ALLOC:
		pred = oracle_alloc(c->o, &req);
		run_compare_alloc(c, &r->res, &pred);
		break;
	case OP_FREE:
		a = &c->allocs[op->id];
		if (r->freed && oracle_free(c->o, a->chunk_id, a->off) != PCPU_OK)
			check_fail(c, CHECK_ORACLE, a->chunk_id,
				   "the oracle has no in-use block at offset %ld",
				   a->off);
		break;
	case OP_BALANCE:
		oracle_balance(c->o);
		break;
	case OP_FAIL:
		if (!run_fault_skipped(c, op, false))
			oracle_fail_after(c->o, op->fault, op->count, op->after);
		break;
	}
}

/*
 * One release of pcpu_lock, on the backend's pass or the oracle's: run the
 * nested ops due at this occurrence of the point.  The backend's pass
 * decides what runs (and counts it); the oracle's must reach the same
 * ones, and compares each outcome.
 */
static void on_point(struct run_ctx *c, const char *point, bool mutex_held,
		     bool oracle)
{
	unsigned int nth;

	if (c->in_nested)
		return;
	if (!oracle)
		count_point(c, point);
	nth = occurrence(c, point);
	if (!oracle && c->op_had_nested && c->opt->checks &&
	    check_at_point(c, point, nth))
		return;
	for (size_t i = c->nest_first; i < c->nest_end && !c->failed; i++) {
		const struct trace_op *op = &c->t->ops[i];
		struct nest_record *r = &c->nest[i - c->nest_first];
		bool *ran = oracle ? &r->ran_oracle : &r->ran_backend;

		if (*ran || r->refused || !due(op, point, nth))
			continue;
		c->cur_nested = i;
		if (oracle && !r->ran_backend) {
			check_fail(c, CHECK_ORACLE, INT_MIN,
				   "the oracle reached point %s %u, where this nested operation runs; the backend did not",
				   point, nth);
			return;
		}
		/* what the backend says the kernel holds decides */
		if (!oracle && mutex_held && needs_mutex(op)) {
			r->refused = true;
			continue;
		}
		*ran = true;
		if (!oracle) {
			c->nested_ran++;
			if (c->opt->stats)
				c->opt->stats->nested_ran++;
		}
		c->in_nested = true;
		if (oracle)
			run_on_oracle(c, op, r);
		else
			run_on_backend(c, op, r);
		c->in_nested = false;
		c->cur_nested = SIZE_MAX;
	}
}

static void on_backend_point(void *arg, const char *point, bool mutex_held)
{
	on_point(arg, point, mutex_held, false);
}

static void on_oracle_point(void *arg, const char *point, bool mutex_held)
{
	on_point(arg, point, mutex_held, true);
}

void nest_begin(struct run_ctx *c)
{
	size_t n;

	c->nest_first = c->op_index + 1;
	c->nest_end = run_block_end(c->t, c->op_index);
	n = c->nest_end - c->nest_first;
	c->op_had_nested = n > 0;
	c->nr_seen = 0;
	if (n > c->nest_cap) {
		free(c->nest);
		c->nest = calloc(n, sizeof(*c->nest));
		if (!c->nest)
			abort();
		c->nest_cap = n;
	}
	if (n)
		memset(c->nest, 0, n * sizeof(*c->nest));
	/* without a block only statistics want to hear of the points */
	if (n || c->opt->stats)
		backend_set_preempt(c->b, on_backend_point, c);
}

void nest_backend_done(struct run_ctx *c)
{
	backend_set_preempt(c->b, NULL, NULL);
	/* the allocations of the block that never ran, after the outer's */
	for (size_t i = c->nest_first; i < c->nest_end; i++) {
		const struct trace_op *op = &c->t->ops[i];

		if (op->kind == OP_ALLOC && !c->nest[i - c->nest_first].ran_backend &&
		    c->opt->results)
			fprintf(c->opt->results, "alloc %u not reached\n", op->id);
	}
}

void nest_oracle_begin(struct run_ctx *c)
{
	c->nr_seen = 0;
	if (c->op_had_nested)
		oracle_set_preempt(c->o, on_oracle_point, c);
}

int nest_oracle_done(struct run_ctx *c)
{
	oracle_set_preempt(c->o, NULL, NULL);
	if (c->failed)
		return -1;
	for (size_t i = c->nest_first; i < c->nest_end; i++) {
		const struct nest_record *r = &c->nest[i - c->nest_first];

		if (r->ran_backend != r->ran_oracle) {
			c->cur_nested = i;
			return check_fail(c, CHECK_ORACLE, INT_MIN,
					  "the backend reached the point where this nested operation runs; the oracle did not");
		}
	}
	return 0;
}

int nest_checks(struct run_ctx *c)
{
	for (size_t i = c->nest_first; i < c->nest_end; i++) {
		const struct trace_op *op = &c->t->ops[i];

		if (op->kind != OP_ALLOC || !c->allocs[op->id].live)
			continue;
		c->cur_nested = i;
		if (check_after_alloc(c, op->id))
			return -1;
		tags_write(c, op->id);
	}
	c->cur_nested = SIZE_MAX;
	return 0;
}

void nest_release(struct run_ctx *c)
{
	free(c->nest);
	free(c->seen);
	c->nest = NULL;
	c->seen = NULL;
	c->nest_cap = 0;
	c->nr_seen = c->cap_seen = 0;
}

const struct trace_op *run_failed_op(const struct run_ctx *c)
{
	if (c->failed_nested != SIZE_MAX)
		return &c->t->ops[c->failed_nested];
	return c->op_index < c->t->nr_ops ? &c->t->ops[c->op_index] : NULL;
}
