// SPDX-License-Identifier: GPL-2.0-only
/*
 * The oracle's pass of a nested block, and the checks of the block
 * (docs/interleavings.md): once the backend has run a top-level operation
 * and its nested ones (harness/nest.c), the oracle runs the same
 * operation, its hook runs each nested operation as the oracle reaches
 * the same point, and each outcome is compared with the backend's.
 *
 * Only a checked run comes here.  The file gets no coverage feedback
 * (mk/nocov.mk): its branches mirror the backend's pass, and feedback
 * that only a checked run collects would make a checked campaign explore
 * otherwise than an unchecked one from the same input.
 */
#include <limits.h>
#include <stdint.h>

#include "nest_internal.h"

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
		if (!r->skipped)
			oracle_fail_after(c->o, op->fault, op->count, op->after);
		break;
	}
}

/*
 * One release of pcpu_lock on the oracle's pass: the nested ops due at
 * this occurrence of the point must be the ones the backend's pass ran
 * there (it decided, refusals included); each runs on the oracle and its
 * outcome is compared.
 */
static void on_oracle_point(void *arg, const char *point, bool mutex_held)
{
	struct run_ctx *c = arg;
	unsigned int nth;

	(void)mutex_held;
	if (c->in_nested)
		return;
	nth = nest_occurrence(c, point);
	for (size_t i = c->nest_first; i < c->nest_end && !c->failed; i++) {
		const struct trace_op *op = &c->t->ops[i];
		struct nest_record *r = &c->nest[i - c->nest_first];

		if (r->ran_oracle || r->refused || !nest_due(op, point, nth))
			continue;
		c->cur_nested = i;
		if (!r->ran_backend) {
			check_fail(c, CHECK_ORACLE, INT_MIN,
				   "the oracle reached point %s %u, where this nested operation runs; the backend did not",
				   point, nth);
			return;
		}
		r->ran_oracle = true;
		c->in_nested = true;
		run_on_oracle(c, op, r);
		c->in_nested = false;
		c->cur_nested = SIZE_MAX;
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
	if (!c->opt->checks)
		return 0;
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
