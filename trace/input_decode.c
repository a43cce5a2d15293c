// SPDX-License-Identifier: GPL-2.0-only
/*
 * The total decoder: any byte string becomes a valid trace.  Bytes past
 * the end read as zero, so a truncated operation still decodes.  Frees pick
 * an allocation that was not freed yet by index, so every decoded trace
 * passes the text form's rules.
 */
#include <stdlib.h>
#include <string.h>

#include "input_format.h"
#include "input_geometry.h"
#include "input_ops.h"

struct reader {
	const uint8_t *data;
	size_t len, pos;
};

static uint64_t rd(struct reader *r, int nbytes)
{
	uint64_t v = 0;

	for (int i = 0; i < nbytes; i++) {
		uint64_t b = r->pos < r->len ? r->data[r->pos] : 0;

		r->pos++;
		v |= b << (8 * i);
	}
	return v;
}

/*
 * The linked backend must accept the geometry: a compact one always
 * passes the area-map port; one a real kernel refuses is repaired
 * (input_geometry.c).  What is still refused, and a refused raw geometry
 * (the encoder writes exact ones), runs with backend_default_geometry(),
 * which for the area-map port is the trace format's default.
 */
static void decode_geometry(struct reader *r, struct pcpu_geometry *g)
{
	uint8_t g0 = (uint8_t)rd(r, 1);
	char err[160];

	if (g0 != GEO_RAW) {
		uint8_t g1 = (uint8_t)rd(r, 1);
		uint8_t g2 = (uint8_t)rd(r, 1);

		geometry_from_compact(g0, g1, g2, g);
		if (backend_geometry_check(g, err, sizeof(err)) &&
		    !geometry_repair(g))
			backend_default_geometry(g);
		return;
	}
	g->cpus = (unsigned)rd(r, 2);
	g->page_size = (size_t)1 << (rd(r, 1) & 63);
	g->unit_size = (size_t)rd(r, 4);
	g->static_size = (size_t)rd(r, 4);
	g->reserved_size = (size_t)rd(r, 4);
	g->dyn_size = (size_t)rd(r, 4);
	if (backend_geometry_check(g, err, sizeof(err)))
		backend_default_geometry(g);
}

static size_t decode_size(struct reader *r, unsigned cls, size_t page)
{
	uint64_t k;
	long s;

	switch (cls) {
	case SC_TINY:
		return 1 + (rd(r, 1) & 15);
	case SC_SMALL:
		return 1 + rd(r, 1);
	case SC_MEDIUM:
		return 1 + rd(r, 2) % 8192;
	case SC_PAGES:
		k = rd(r, 1) % 9;
		s = (long)(k * page) + (int8_t)rd(r, 1);
		return s < 1 ? 1 : (size_t)s;
	case SC_MAX:
		return (size_t)((long)input_min_unit(page) + (int8_t)rd(r, 1));
	case SC_TWO:
		return 2;
	case SC_RAW32:
		return (size_t)rd(r, 4);
	default:
		return (size_t)rd(r, 8);
	}
}

static size_t decode_align(struct reader *r)
{
	unsigned a = (unsigned)rd(r, 1);

	if (a < ALIGN_BIG_POW2)
		return (size_t)1 << (a % 13);
	if (a < ALIGN_ODD)
		return (size_t)1 << (13 + (a & 3));
	if (a < ALIGN_RAW)
		return odd_aligns[(a - ALIGN_ODD) % 16];
	return (size_t)rd(r, 8);
}

int trace_decode(const uint8_t *data, size_t len, struct trace *t)
{
	struct reader r = { .data = data, .len = len };
	unsigned int not_freed[INPUT_MAX_LIVE];
	unsigned int nr_not_freed = 0;

	trace_init(t);
	rd(&r, 1); /* version: every input reads as the current one */
	decode_geometry(&r, &t->geo);
	t->has_geometry = true;

	while (r.pos < r.len && t->nr_ops < INPUT_MAX_OPS) {
		uint8_t o = (uint8_t)rd(&r, 1);
		struct trace_op op = { 0 };

		switch (o >> 5) {
		case IK_ALLOC0:
		case IK_ALLOC1:
		case IK_ALLOC2:
		case IK_ALLOC_ATOMIC:
			op.kind = OP_ALLOC;
			op.atomic = (o >> 5) == IK_ALLOC_ATOMIC;
			op.reserved = o & ALLOC_RESERVED;
			op.size = decode_size(&r, o & 7, t->geo.page_size);
			op.align = (o & ALLOC_HAS_ALIGN) ? decode_align(&r) : 0;
			if (nr_not_freed == INPUT_MAX_LIVE)
				continue; /* bounded: too many outstanding */
			not_freed[nr_not_freed++] = t->nr_allocs;
			break;
		case IK_FREE0:
		case IK_FREE1: {
			unsigned idx = o & 31;

			if (idx == FREE_LONG_INDEX)
				idx = (unsigned)rd(&r, 2);
			if (!nr_not_freed)
				continue;
			idx %= nr_not_freed;
			op.kind = OP_FREE;
			op.id = not_freed[idx];
			memmove(&not_freed[idx], &not_freed[idx + 1],
				(nr_not_freed - idx - 1) * sizeof(not_freed[0]));
			nr_not_freed--;
			break;
		}
		case IK_BALANCE:
			op.kind = OP_BALANCE;
			break;
		default:
			op.kind = OP_FAIL;
			op.fault = (enum pcpu_fault)((o >> 3) & 3);
			if ((o & 7) != FAIL_LONG_COUNT) {
				op.count = (o & 7) + 1u;
				break;
			}
			op.count = (unsigned)(rd(&r, 4) %
					      (TRACE_MAX_FAIL_COUNT + 1));
			op.after = (unsigned)rd(&r, 1);
			if (op.after == FAIL_AFTER_RAW)
				op.after = (unsigned)(rd(&r, 4) %
						      (TRACE_MAX_FAIL_AFTER + 1));
			break;
		}
		if (trace_append(t, &op))
			return -1;
	}
	return 0;
}
