/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The in-memory trace: a geometry plus a growable array of operations.
 * Text parsing, binary decoding and tests all build traces through
 * trace_append(), so alloc ids are numbered in exactly one place.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

/*
 * A trace without a geometry line has the trace format's default, which
 * the run replaces with the linked backend's default when the backend
 * refuses it (Linux 6.12 and later, see pcpu.h): GEO_DEFAULT_IF_REFUSED.
 */
void trace_init(struct trace *t)
{
	static const struct pcpu_geometry def = PCPU_GEOMETRY_DEFAULT;

	memset(t, 0, sizeof(*t));
	t->geo = def;
	t->geo_policy = GEO_DEFAULT_IF_REFUSED;
}

/* Leaves t initialised again, so a second trace_free() is harmless. */
void trace_free(struct trace *t)
{
	free(t->ops);
	trace_init(t);
}

int trace_append(struct trace *t, const struct trace_op *op)
{
	struct trace_op *ops;
	size_t cap;

	/*
	 * The bound keeps alloc ids within unsigned int and memory sane even
	 * for a caller that forgot to check it; the parser and the decoder
	 * report it themselves before getting here.
	 */
	if (t->nr_ops >= TRACE_MAX_OPS) {
		errno = E2BIG;
		return -1;
	}
	if (t->nr_ops == t->cap_ops) {
		cap = t->cap_ops ? t->cap_ops * 2 : 16;
		if (cap > TRACE_MAX_OPS)
			cap = TRACE_MAX_OPS;
		ops = realloc(t->ops, cap * sizeof(*ops));
		if (!ops) {
			errno = ENOMEM;
			return -1;
		}
		t->ops = ops;
		t->cap_ops = cap;
	}
	t->ops[t->nr_ops] = *op;
	/* Ids follow the order of alloc lines, whatever the caller passed. */
	if (op->kind == OP_ALLOC)
		t->ops[t->nr_ops].id = t->nr_allocs++;
	t->nr_ops++;
	return 0;
}
