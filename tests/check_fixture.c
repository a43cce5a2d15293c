// SPDX-License-Identifier: GPL-2.0-only
/*
 * A run context over a real backend and a real oracle for the checks'
 * tests (check_fixture.h): the runner's steps taken one at a time, so a
 * test can damage the state between them.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "check_fixture.h"
#include "test.h"

/* A run context over fresh instances, for nr_allocs allocs of size/align. */
void fx_init(struct fixture *f, unsigned int nr_allocs, size_t size,
	     size_t align)
{
	char err[256] = "";

	memset(f, 0, sizeof(*f));
	trace_init(&f->t);
	f->t.has_geometry = true;
	for (unsigned int i = 0; i < nr_allocs; i++) {
		struct trace_op op = { .kind = OP_ALLOC,
				       .size = size,
				       .align = align };

		EXPECT_EQ(trace_append(&f->t, &op), 0);
	}
	f->opt.checks = true;
	f->opt.name = "test_checks";
	f->c.t = &f->t;
	f->c.opt = &f->opt;
	f->c.failed_chunk = INT_MIN;
	f->c.b = backend_create(&f->t.geo, 0, err, sizeof(err));
	f->c.o = oracle_create(&f->t.geo, 0);
	f->c.allocs = calloc(nr_allocs ? nr_allocs : 1, sizeof(*f->c.allocs));
	if (!f->c.b || !f->c.o || !f->c.allocs) {
		fprintf(stderr, "test_checks: setup failed: %s\n", err);
		abort();
	}
}

void fx_fini(struct fixture *f)
{
	check_release(&f->c);
	free(f->c.allocs);
	oracle_destroy(f->c.o);
	backend_destroy(f->c.b);
	trace_free(&f->t);
}

/*
 * Run alloc op id on both sides the way the runner does, up to (not
 * including) the checks; every op of these traces is an alloc, so op
 * index == alloc id.
 */
struct live_alloc *fx_alloc(struct fixture *f, unsigned int id)
{
	const struct trace_op *op = &f->t.ops[id];
	struct pcpu_alloc_req req = { .size = op->size, .align = op->align };
	struct pcpu_alloc_res res = backend_alloc(f->c.b, &req);
	struct pcpu_alloc_res pred = oracle_alloc(f->c.o, &req);
	struct live_alloc *a = &f->c.allocs[id];

	EXPECT_EQ(res.status, PCPU_OK);
	EXPECT_EQ(pred.status, PCPU_OK);
	EXPECT_EQ(res.chunk_id, pred.chunk_id);
	EXPECT_EQ(res.off, pred.off);
	f->c.op_index = id;
	run_record_alloc(&f->c, op, &res);
	return a;
}

bool failed_with(const struct run_ctx *c, const char *check)
{
	return c->failed && c->failed_check && !strcmp(c->failed_check, check);
}

unsigned char *fx_byte(struct fixture *f, unsigned int id, unsigned int cpu,
		       size_t i)
{
	return (unsigned char *)backend_cpu_addr(f->c.b, f->c.allocs[id].ptr,
						 cpu) + i;
}

struct live_alloc *fx_alloc_checked(struct fixture *f, unsigned int id)
{
	struct live_alloc *a = fx_alloc(f, id);

	EXPECT_EQ(check_after_alloc(&f->c, id), 0);
	tags_write(&f->c, id);
	EXPECT_EQ(check_after_op(&f->c), 0);
	return a;
}

bool fx_failed(const struct fixture *f, int ret, const char *check,
	       int chunk_id)
{
	return ret == -1 && failed_with(&f->c, check) &&
	       (chunk_id == INT_MIN || f->c.failed_chunk == chunk_id);
}
