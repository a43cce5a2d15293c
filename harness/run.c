// SPDX-License-Identifier: GPL-2.0-only
/*
 * run_trace: one fresh backend instance and one fresh oracle per run, the
 * operations applied to both in lockstep, the checks after every
 * operation, and the report of the first failure.  This file drives the
 * backend, the part an unchecked run makes too; the oracle's steps and
 * the checks are run_checks.c's, called after each backend step whether
 * the run is checked or not.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

void print_chunk_name(FILE *f, int id);

/* What is running, for the death report of a sanitizer or signal. */
static const struct run_ctx *run_current;

int check_fail(struct run_ctx *c, const char *check, int chunk_id,
	       const char *fmt, ...)
{
	va_list ap;

	if (c->failed)
		return -1;
	c->failed = true;
	c->failed_check = check;
	c->failed_chunk = chunk_id;
	c->failed_nested = c->cur_nested;
	/* for the signature: did an injected fault play a part? */
	if (c->b) {
		struct pcpu_global_view g;

		backend_global(c->b, &g);
		for (int k = 0; k < PCPU_NR_FAULTS; k++)
			c->failed_faults += g.counters.faults_fired[k];
	}
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	return -1;
}

void run_print_res(FILE *f, const struct pcpu_alloc_res *r)
{
	switch (r->status) {
	case PCPU_OK:
		fputs("chunk ", f);
		print_chunk_name(f, r->chunk_id);
		fprintf(f, " off %lu", r->off);
		break;
	case PCPU_FAIL:
		fputs("fail", f);
		break;
	case PCPU_HANG:
		fputs("hang (the kernel's slot walk never returns)", f);
		break;
	case PCPU_BUG:
		fputs("BUG", f);
		break;
	}
}

void run_print_result(const struct run_ctx *c, const struct trace_op *op,
		      const struct pcpu_alloc_res *res)
{
	FILE *f = c->opt->results;

	if (!f)
		return;
	fprintf(f, "alloc %u ", op->id);
	if (res->status == PCPU_OK || res->status == PCPU_FAIL)
		run_print_res(f, res);
	else
		fputs("fail", f);
	fputc('\n', f);
}

int run_hang(struct run_ctx *c)
{
	return check_fail(c, CHECK_HANG, INT_MIN,
			  "the slot walk left the list it was walking: the kernel never returns");
}

static int run_alloc(struct run_ctx *c, const struct trace_op *op)
{
	struct pcpu_alloc_req req = run_req(op);
	struct pcpu_alloc_res res;
	struct live_alloc *a = &c->allocs[op->id];

	nest_begin(c);
	res = backend_alloc(c->b, &req);
	run_print_result(c, op, &res);
	nest_backend_done(c);
	a->done = true;
	if (c->failed)
		return -1; /* a nested operation failed */

	if (run_lockstep_alloc(c, &req, &res))
		return -1;
	if (res.status == PCPU_OK)
		run_record_alloc(c, op, &res);
	return run_checks_alloc(c, op->id, &res);
}

void run_record_alloc(struct run_ctx *c, const struct trace_op *op,
		      const struct pcpu_alloc_res *res)
{
	struct live_alloc *a = &c->allocs[op->id];

	a->done = true;
	a->live = true;
	a->succeeded = true;
	a->chunk_id = res->chunk_id;
	a->off = (long)res->off;
	a->size = (op->size + 1) & ~(size_t)1;
	a->align = op->align;
	a->ptr = res->ptr;
	c->nr_live++;
}

int run_free_backend(struct run_ctx *c, const struct trace_op *op,
		     bool *freed)
{
	struct live_alloc *a = &c->allocs[op->id];
	enum pcpu_status st;

	*freed = false;
	if (!a->live) {
		/* the alloc failed (or never ran): free_percpu(NULL) */
		backend_free(c->b, 0);
		return 0;
	}
	if (check_before_free(c, op->id))
		return -1;
	st = backend_free(c->b, a->ptr);
	a->live = false;
	c->nr_live--;
	check_forget(c, op->id);
	*freed = true;
	if (st != PCPU_OK)
		return check_fail(c, CHECK_BUG, a->chunk_id,
				  "free_percpu of alloc %u (chunk offset %ld) hit the kernel's BUG()",
				  op->id, a->off);
	return 0;
}

static int run_free(struct run_ctx *c, const struct trace_op *op)
{
	bool freed;

	nest_begin(c);
	run_free_backend(c, op, &freed);
	nest_backend_done(c);
	if (c->failed)
		return -1;
	return run_lockstep_free(c, op->id, freed);
}

static int run_balance(struct run_ctx *c)
{
	nest_begin(c);
	backend_balance(c->b);
	nest_backend_done(c);
	if (c->failed)
		return -1;
	return run_lockstep_balance(c);
}

static int run_op(struct run_ctx *c, const struct trace_op *op)
{
	switch (op->kind) {
	case OP_ALLOC:
		if (run_alloc(c, op))
			return -1;
		break;
	case OP_FREE:
		if (run_free(c, op))
			return -1;
		break;
	case OP_BALANCE:
		if (run_balance(c))
			return -1;
		break;
	case OP_FAIL:
		if (run_fault_skipped(c, op))
			break;
		backend_fail_after(c->b, op->fault, op->count, op->after);
		run_lockstep_fail(c, op);
		break;
	}
	return run_checks_op(c, op);
}

static void report(const struct run_ctx *c)
{
	FILE *f = c->opt->report;
	const struct trace_op *op = run_failed_op(c);

	if (!f)
		return;
	fprintf(f, "%s: check '%s' failed", c->opt->name, c->failed_check);
	if (op) {
		fprintf(f, " at operation %zu", (size_t)(op - c->t->ops) + 1);
		if (op->line)
			fprintf(f, " (line %u)", op->line);
		fputs(op->nested ? ", nested " : ": ", f);
		trace_print_op(f, op);
	} else {
		fputs(" at the end of the run\n", f);
	}
	fprintf(f, "  %s\n", c->detail);
	if (c->failed_chunk != INT_MIN)
		print_chunk_dump(f, c->b, c->failed_chunk);
	fputs("trace up to that operation:\n", f);
	trace_print_geometry(f, &c->t->geo);
	/* the failed operation's whole block: it is part of the reproducer */
	trace_print_ops(f, c->t, c->op_index < c->t->nr_ops ?
					 run_block_end(c->t, c->op_index) :
					 c->t->nr_ops);
}

void run_stats_add_counters(struct pcpu_counters *sum,
			    const struct pcpu_counters *c)
{
	sum->warn_illegal += c->warn_illegal;
	sum->warn_failed += c->warn_failed;
	sum->warn_immutable += c->warn_immutable;
	sum->chunks_created += c->chunks_created;
	sum->chunks_destroyed += c->chunks_destroyed;
	sum->map_ext_sync += c->map_ext_sync;
	sum->map_ext_async += c->map_ext_async;
	for (int k = 0; k < PCPU_NR_FAULTS; k++)
		sum->faults_fired[k] += c->faults_fired[k];
	sum->atomic_failed += c->atomic_failed;
	sum->pages_populated += c->pages_populated;
	sum->pages_depopulated += c->pages_depopulated;
	if (c->max_chunks_alive > sum->max_chunks_alive)
		sum->max_chunks_alive = c->max_chunks_alive;
}

/* Statistics of the operations that ran (up to and including a failure). */
static void stats_collect(const struct run_ctx *c, struct run_stats *s)
{
	struct pcpu_global_view g;
	size_t end = c->op_index < c->t->nr_ops ? c->op_index + 1 :
						  c->t->nr_ops;

	s->runs++;
	for (size_t i = 0; i < end; i++) {
		const struct trace_op *op = &c->t->ops[i];

		s->ops[op->kind]++;
		if (op->kind != OP_ALLOC)
			continue;
		if (op->atomic)
			s->atomic_allocs++;
		if (c->allocs[op->id].done && !c->allocs[op->id].succeeded)
			s->allocs_failed++;
	}
	s->backing_blind += c->backing_blind;
	/* nested_ran and points_reached are counted as they happen */
	backend_global(c->b, &g);
	run_stats_add_counters(&s->sum, &g.counters);
}

/* For death callbacks: describe what was running. */
void run_describe_current(FILE *f)
{
	const struct run_ctx *c = run_current;

	const struct trace_op *op;

	if (!c || c->op_index >= c->t->nr_ops)
		return;
	op = c->cur_nested != SIZE_MAX ? &c->t->ops[c->cur_nested] :
					  &c->t->ops[c->op_index];
	fprintf(f, "percpu-fuzz: died in %s at operation %zu", c->opt->name,
		(size_t)(op - c->t->ops) + 1);
	if (op->line)
		fprintf(f, " (line %u)", op->line);
	fputs(op->nested ? ", nested " : ": ", f);
	trace_print_op(f, op);
}

int run_trace(const struct trace *given, const struct run_options *opt)
{
	/* the same operations, with the geometry settled for this backend */
	struct trace settled = *given;
	const struct trace *t = &settled;
	struct run_ctx c = { .t = t, .opt = opt, .failed_chunk = INT_MIN,
			     .cur_nested = SIZE_MAX,
			     .failed_nested = SIZE_MAX };
	char err[320];
	int ret = 0;

	if (run_geometry_settle(&settled, opt->name ? opt->name : "input", err,
				sizeof(err))) {
		if (opt->report)
			fprintf(opt->report, "%s\n", err);
		if (opt->signature)
			signature_set(opt->signature, SIG_ERROR, "error");
		return 2;
	}
	c.b = backend_create(&t->geo, opt->fixes, err, sizeof(err));
	if (!c.b) {
		if (opt->report)
			fprintf(opt->report, "%s: geometry refused: %s\n",
				opt->name, err);
		if (opt->signature)
			signature_set(opt->signature, SIG_ERROR, "error");
		return 2;
	}
	c.allocs = calloc(t->nr_allocs ? t->nr_allocs : 1, sizeof(*c.allocs));
	if (!c.allocs || run_checks_begin(&c)) {
		fprintf(stderr, "%s: out of memory\n", opt->name);
		abort();
	}
	run_current = &c;

	/* nested operations run inside their block's top-level op */
	for (c.op_index = 0; c.op_index < t->nr_ops; c.op_index++)
		if (!t->ops[c.op_index].nested &&
		    run_op(&c, &t->ops[c.op_index]))
			break;
	c.op_had_nested = false;

	if (opt->stats)
		stats_collect(&c, opt->stats);
	if (!c.failed && opt->state)
		print_state(opt->state, c.b);
	if (!c.failed) {
		c.op_index = t->nr_ops; /* failures now belong to the end */
		run_end(&c);
	}
	if (c.failed) {
		report(&c);
		ret = 1;
	}
	if (opt->stats && ret == 1)
		opt->stats->failed_runs++;
	if (opt->signature)
		signature_from_run(&c, opt->signature);

	run_current = NULL;
	run_checks_release(&c);
	nest_release(&c);
	free(c.allocs);
	backend_destroy(c.b);
	return ret;
}
