// SPDX-License-Identifier: GPL-2.0-only
/*
 * The checked side of run_trace (run.c): the oracle in lockstep with the
 * backend, and the checks after each step.  run.c calls every function
 * here after every backend step, checked run or not; each does nothing
 * when its run is unchecked (no oracle, opt->checks false), so run.c
 * takes the same branches either way.
 *
 * Why: this file, like the oracle and the checks, gets no coverage
 * feedback (mk/nocov.mk).  Then a checked and an unchecked build of the
 * fuzz target collect the same feedback from the same input: the checks
 * cost time and never change what the fuzzer explores, and make bench
 * compares campaigns of both from the same seeds, which run the same
 * inputs but for libFuzzer's own noise (docs/campaigns.md §7.2).
 */
#include <limits.h>
#include <stdio.h>

#include "run.h"

static const char *status_name(enum pcpu_status s)
{
	static const char *const names[] = { "ok", "fail", "hang", "BUG" };

	return names[s];
}

int run_compare_alloc(struct run_ctx *c, const struct pcpu_alloc_res *res,
		      const struct pcpu_alloc_res *pred)
{
	char want[64], got[64];
	FILE *w, *g;

	if (res->status == PCPU_HANG)
		return check_fail(
			c, CHECK_HANG, INT_MIN,
			"the slot walk left the list it was walking: the kernel never returns (oracle predicted %s)",
			status_name(pred->status));
	if (pred->status == res->status &&
	    (res->status != PCPU_OK ||
	     (pred->chunk_id == res->chunk_id && pred->off == res->off)))
		return 0;
	w = fmemopen(want, sizeof(want), "w");
	g = fmemopen(got, sizeof(got), "w");
	run_print_res(w, pred);
	run_print_res(g, res);
	fclose(w);
	fclose(g);
	return check_fail(c, CHECK_ORACLE,
			  res->status == PCPU_OK  ? res->chunk_id :
			  pred->status == PCPU_OK ? pred->chunk_id :
						    INT_MIN,
			  "expected %s, got %s", want, got);
}

#define RUN_FINDINGS_MAX 16

int run_backend_check(struct run_ctx *c, bool sweep)
{
	struct pcpu_finding fs[RUN_FINDINGS_MAX];
	int n = backend_check(c->b, sweep, fs, RUN_FINDINGS_MAX);

	if (n > RUN_FINDINGS_MAX)
		n = RUN_FINDINGS_MAX; /* most severe first: the rest are hints */
	for (int i = 0; i < n; i++) {
		const struct pcpu_finding *f = &fs[i];

		if (nonfatal_match(c->opt, f)) {
			nonfatal_add(c->opt->nonfatal, f->check);
			continue;
		}
		/* the name must outlive fs, for the report and the signature */
		snprintf(c->failed_name, sizeof(c->failed_name), "%s",
			 f->check ? f->check : "backend");
		return check_fail(c, c->failed_name, f->chunk_id, "%s",
				  f->detail);
	}
	return 0;
}

/* Without a map, the leak check compares boot chunks with their start. */
static void note_boot_free(struct run_ctx *c)
{
	int n = backend_nr_chunks(c->b);

	for (int idx = 0; idx < n; idx++) {
		struct pcpu_chunk_view v;

		backend_chunk(c->b, idx, &v);
		if (v.kind == PCPU_KIND_RESERVED)
			c->boot_free[0] = v.free_size;
		else if (v.kind == PCPU_KIND_FIRST)
			c->boot_free[1] = v.free_size;
	}
}


int run_checks_begin(struct run_ctx *c)
{
	if (!c->opt->checks)
		return 0;
	if (!run_area_map()) {
		note_boot_free(c);
		return 0;
	}
	c->o = oracle_create(&c->t->geo, c->opt->fixes);
	return c->o ? 0 : -1;
}

/* What run_checks_begin and the checks kept: the oracle, the index. */
void run_checks_release(struct run_ctx *c)
{
	check_release(c);
	if (c->o)
		oracle_destroy(c->o);
	c->o = NULL;
}

int run_lockstep_alloc(struct run_ctx *c, const struct pcpu_alloc_req *req,
		   const struct pcpu_alloc_res *res)
{
	struct pcpu_alloc_res pred;

	if (!c->o)
		return res->status == PCPU_HANG ? run_hang(c) : 0;
	nest_oracle_begin(c);
	pred = oracle_alloc(c->o, req);
	if (nest_oracle_done(c) || run_compare_alloc(c, res, &pred))
		return -1;
	return 0;
}

int run_checks_alloc(struct run_ctx *c, unsigned int id,
		       const struct pcpu_alloc_res *res)
{
	if (!c->opt->checks)
		return 0;
	if (nest_checks(c))
		return -1;
	if (res->status != PCPU_OK)
		return 0;
	/* the backend's own view first: it explains a bad address */
	if (run_backend_check(c, sweep_due(c)) || check_after_alloc(c, id))
		return -1;
	tags_write(c, id);
	return 0;
}

int run_lockstep_free(struct run_ctx *c, unsigned int id, bool freed)
{
	const struct live_alloc *a = &c->allocs[id];
	enum pcpu_status st = PCPU_OK;

	if (c->o) {
		nest_oracle_begin(c);
		if (freed)
			st = oracle_free(c->o, a->chunk_id, a->off);
		if (nest_oracle_done(c))
			return -1;
		if (st != PCPU_OK)
			return check_fail(c, CHECK_ORACLE, a->chunk_id,
					  "the oracle has no in-use block at offset %ld",
					  a->off);
	}
	return nest_checks(c);
}

int run_lockstep_balance(struct run_ctx *c)
{
	if (c->o) {
		nest_oracle_begin(c);
		oracle_balance(c->o);
		if (nest_oracle_done(c))
			return -1;
	}
	return nest_checks(c);
}

void run_lockstep_fail(struct run_ctx *c, const struct trace_op *op)
{
	if (c->o)
		oracle_fail_after(c->o, op->fault, op->count, op->after);
}

int run_checks_op(struct run_ctx *c, const struct trace_op *op)
{
	if (!c->opt->checks)
		return 0;
	/* after a successful alloc, run_checks_alloc ran backend_check */
	if (!(op->kind == OP_ALLOC && c->allocs[op->id].live) &&
	    run_backend_check(c, sweep_due(c)))
		return -1;
	return check_op_done(c, op);
}
