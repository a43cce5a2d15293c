// SPDX-License-Identifier: GPL-2.0-only
/*
 * Nested operations (docs/interleavings.md): the operations of another CPU
 * that a trace puts at the points where the running operation releases
 * pcpu_lock.  The backend runs the top-level operation first, and the hook
 * here runs each nested operation when its point comes, recording what it
 * did; the oracle then runs the same operation with the same nesting, and
 * each nested outcome is compared as the oracle's point comes
 * (harness/nest_oracle.c: this file is the backend's pass, the one an
 * unchecked run makes too).
 */
#include <stdint.h>

#include "nest_internal.h"

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
		r->skipped = run_fault_skipped(c, op);
		if (!r->skipped)
			backend_fail_after(c->b, op->fault, op->count, op->after);
		break;
	}
}

/*
 * One release of pcpu_lock on the backend's pass: run the nested ops due
 * at this occurrence of the point, unless the point holds pcpu_alloc_mutex
 * and the op needs it.  This pass decides what runs, and counts it; the
 * oracle's (nest_oracle.c) must reach the same ones.  In a checked run the
 * point's own checks come first (check_at_point: 0 at once when unchecked,
 * so that both runs take the same branches here).
 */
static void on_backend_point(void *arg, const char *point, bool mutex_held)
{
	struct run_ctx *c = arg;
	unsigned int nth;

	if (c->in_nested)
		return;
	count_point(c, point);
	nth = nest_occurrence(c, point);
	if (c->op_had_nested && check_at_point(c, point, nth))
		return;
	for (size_t i = c->nest_first; i < c->nest_end && !c->failed; i++) {
		const struct trace_op *op = &c->t->ops[i];
		struct nest_record *r = &c->nest[i - c->nest_first];

		if (r->ran_backend || r->refused || !nest_due(op, point, nth))
			continue;
		c->cur_nested = i;
		/* what the backend says the kernel holds decides */
		if (mutex_held && needs_mutex(op)) {
			r->refused = true;
			continue;
		}
		r->ran_backend = true;
		c->nested_ran++;
		if (c->opt->stats)
			c->opt->stats->nested_ran++;
		c->in_nested = true;
		run_on_backend(c, op, r);
		c->in_nested = false;
		c->cur_nested = SIZE_MAX;
	}
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
