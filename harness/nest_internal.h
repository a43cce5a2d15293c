/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the two passes of a nested block share (harness/nest.c, the
 * backend's pass; harness/nest_oracle.c, the oracle's and the checks').
 * The helpers are static inline so that each pass compiles its own copy:
 * the oracle's file gets no coverage feedback (mk/nocov.mk), and a
 * shared instrumented copy would count the oracle's pass in a checked
 * run only.
 */
#ifndef PCPU_NEST_INTERNAL_H
#define PCPU_NEST_INTERNAL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run.h"

struct nest_record {
	bool ran_backend, ran_oracle;
	bool refused;		    /* needed the mutex where it was held */
	bool freed;		    /* a free that gave back a live allocation */
	bool skipped;		    /* a fail line PCPU_NOFAULT steps over */
	struct pcpu_alloc_res res; /* an alloc's outcome on the backend */
};

struct nest_seen {
	char name[TRACE_POINT_MAX];
	unsigned int count;
};

/* This reach of point is its how-manieth in the running op. */
static inline unsigned int nest_occurrence(struct run_ctx *c,
					   const char *point)
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

/* Whether nested op runs at this, the nth, reach of point. */
static inline bool nest_due(const struct trace_op *op, const char *point,
			    unsigned int nth)
{
	return op->at_nth == nth && !strncmp(op->at, point, TRACE_POINT_MAX);
}

#endif
