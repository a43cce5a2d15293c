// SPDX-License-Identifier: GPL-2.0-only
/*
 * The total decoder: any byte string becomes a valid trace.  Bytes past
 * the end read as zero, so a truncated operation still decodes.  Frees pick
 * an allocation that was not freed yet by index, and nesting the text form
 * would refuse is dropped, so every decoded trace passes the text form's
 * rules.  Version 3 inputs read as version 3 did (docs/byte-format.md §1.4).
 */
#include <stdlib.h>
#include <string.h>

#include "input_format.h"
#include "input_geometry.h"
#include "input_ops.h"
#include "points.h"

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
 * The header's geometry as written; whether the linked backend accepts
 * it is the run's question (harness/geometry.c), answered by the policy:
 * a compact header is repaired where a real kernel refuses it, a raw one
 * (the encoder writes exact ones) falls back to the backend's default.
 */
static void decode_geometry(struct reader *r, struct pcpu_geometry *g,
			    enum trace_geo_policy *policy)
{
	uint8_t g0 = (uint8_t)rd(r, 1);

	if (g0 != GEO_RAW) {
		uint8_t g1 = (uint8_t)rd(r, 1);
		uint8_t g2 = (uint8_t)rd(r, 1);

		geometry_from_compact(g0, g1, g2, g);
		*policy = GEO_REPAIR_IF_REFUSED;
		return;
	}
	g->cpus = (unsigned)rd(r, 2);
	g->page_size = (size_t)1 << (rd(r, 1) & 63);
	g->unit_size = (size_t)rd(r, 4);
	g->static_size = (size_t)rd(r, 4);
	g->reserved_size = (size_t)rd(r, 4);
	g->dyn_size = (size_t)rd(r, 4);
	*policy = GEO_DEFAULT_IF_REFUSED;
}

static size_t decode_size(struct reader *r, unsigned cls, size_t page)
{
	uint64_t k;
	int64_t d;

	switch (cls) {
	case SC_TINY:
		return 1 + (rd(r, 1) & 15);
	case SC_SMALL:
		return 1 + rd(r, 1);
	case SC_MEDIUM:
		return 1 + rd(r, 2) % 8192;
	/*
	 * Unsigned arithmetic: before a run settles it, a raw header's page
	 * can be anything up to 2^63 (tools that only split inputs decode
	 * those as written).
	 */
	case SC_PAGES:
		k = (rd(r, 1) % 9) * (uint64_t)page;
		d = (int8_t)rd(r, 1);
		return d <= 0 && k <= (uint64_t)-d ? 1 : (size_t)(k + (uint64_t)d);
	case SC_MAX:
		d = (int8_t)rd(r, 1);
		return (size_t)(input_min_unit(page) + (uint64_t)d);
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

/*
 * One decoding: the trace so far, the allocations not freed yet (in id
 * order) and the block nested operations go to.
 */
struct decoder {
	struct reader r;
	struct trace *t;
	unsigned int version;
	unsigned int not_freed[INPUT_MAX_LIVE];
	unsigned int nr_not_freed;
	/* the last top-level operation appended, ops[outer], if any */
	bool have_outer;
	size_t outer;
	/* allocation ids from here on were made by that operation or its block */
	unsigned int block_first_id;
};

/* An operation as its bytes give it, before the state picks ids. */
struct raw_op {
	struct trace_op op;
	unsigned int free_index; /* OP_FREE: index before the modulo */
};

/* The opcode's operands (the prefixes are read already). */
static void read_op(struct decoder *d, uint8_t o, struct raw_op *raw)
{
	struct reader *r = &d->r;
	struct trace_op *op = &raw->op;

	memset(raw, 0, sizeof(*raw));
	switch (o >> 5) {
	case IK_ALLOC0:
	case IK_ALLOC1:
	case IK_ALLOC2:
	case IK_ALLOC_ATOMIC:
		op->kind = OP_ALLOC;
		op->atomic = (o >> 5) == IK_ALLOC_ATOMIC;
		op->reserved = o & ALLOC_RESERVED;
		op->size = decode_size(r, o & 7, d->t->geo.page_size);
		op->align = (o & ALLOC_HAS_ALIGN) ? decode_align(r) : 0;
		break;
	case IK_FREE0:
	case IK_FREE1:
		op->kind = OP_FREE;
		raw->free_index = o & 31;
		if (raw->free_index == FREE_LONG_INDEX)
			raw->free_index = (unsigned)rd(r, 2);
		break;
	case IK_BALANCE:
		op->kind = OP_BALANCE;
		break;
	default:
		op->kind = OP_FAIL;
		op->fault = (enum pcpu_fault)((o >> 3) & 3);
		if ((o & 7) != FAIL_LONG_COUNT) {
			op->count = (o & 7) + 1u;
			break;
		}
		op->count = (unsigned)(rd(r, 4) % (TRACE_MAX_FAIL_COUNT + 1));
		op->after = (unsigned)rd(r, 1);
		if (op->after == FAIL_AFTER_RAW)
			op->after = (unsigned)(rd(r, 4) %
					       (TRACE_MAX_FAIL_AFTER + 1));
		break;
	}
}

/*
 * Append one copy of raw (nested when op.nested is set), as the state
 * allows: 1 appended, 0 dropped or no operation, -1 out of memory.
 */
static int apply_op(struct decoder *d, const struct raw_op *raw)
{
	struct trace *t = d->t;
	struct trace_op op = raw->op;
	unsigned int eligible = d->nr_not_freed, idx;
	unsigned int first_id = t->nr_allocs;

	if (op.nested) {
		const struct trace_op *outer;

		if (!d->have_outer)
			return 0; /* nothing before it to nest in */
		outer = &t->ops[d->outer];
		if (!trace_nest_allowed(outer, &op))
			return 0; /* a fail outer, or a mutex taken twice */
		/* a nested free frees only what was made before the block */
		while (eligible && d->not_freed[eligible - 1] >= d->block_first_id)
			eligible--;
	}
	switch (op.kind) {
	case OP_ALLOC:
		if (d->nr_not_freed == INPUT_MAX_LIVE)
			return 0; /* bounded: too many outstanding */
		d->not_freed[d->nr_not_freed++] = t->nr_allocs;
		break;
	case OP_FREE:
		if (!eligible)
			return 0;
		idx = raw->free_index % eligible;
		op.id = d->not_freed[idx];
		memmove(&d->not_freed[idx], &d->not_freed[idx + 1],
			(d->nr_not_freed - idx - 1) * sizeof(d->not_freed[0]));
		d->nr_not_freed--;
		break;
	default:
		break;
	}
	if (trace_append(t, &op))
		return -1;
	if (!op.nested) {
		d->have_outer = true;
		d->outer = t->nr_ops - 1;
		d->block_first_id = first_id;
	}
	return 1;
}

/* The nest prefix's operands: point byte, then the occurrence if long. */
static void read_nest(struct decoder *d, uint8_t o, struct trace_op *op)
{
	unsigned int p = (unsigned)rd(&d->r, 1);
	unsigned int nth = (o & 3) + 1u;

	if (o & NEST_LONG_NTH) {
		nth = (unsigned)rd(&d->r, 1);
		if (nth == NTH_RAW)
			nth = (unsigned)(rd(&d->r, 4) % TRACE_MAX_AT_NTH);
		nth++;
	}
	p %= input_points_known(d->version);
	snprintf(op->at, sizeof(op->at), "%s", trace_points[p]);
	op->at_nth = nth;
}

/*
 * One item: prefixes, then an opcode and its operands.  Fills span (when
 * not NULL); 0, or -1 out of memory.
 */
static int decode_item(struct decoder *d, struct input_op_span *span)
{
	struct reader *r = &d->r;
	size_t start = r->pos, before = d->t->nr_ops;
	unsigned int copies = 1, nests = 0;
	struct trace_op nest = { 0 };
	struct raw_op raw;
	uint8_t o;

	for (;;) {
		if (r->pos >= r->len) { /* prefixes and no opcode */
			if (span)
				*span = (struct input_op_span){
					.off = start, .len = r->pos - start,
					.op = r->pos - start, .kind = IK_BALANCE,
					.noop = 1, .nested = nests > 0,
					.bare = 1 };
			return 0;
		}
		o = (uint8_t)rd(r, 1);
		if (d->version < 4 || (o >> 5) != IK_BALANCE || o < OP_NEST)
			break;
		if (o < OP_BURST) {
			nests++;
			read_nest(d, o, &nest);
			continue;
		}
		if ((o & 7) == BURST_LONG)
			copies *= 2 + (unsigned)rd(r, 1) % 63;
		else
			copies *= (o & 7) + 2u;
		if (copies > INPUT_BURST_MAX)
			copies = INPUT_BURST_MAX;
	}
	if (span) {
		span->off = start;
		span->op = r->pos - 1 - start;
		span->kind = o >> 5;
		span->nested = nests > 0;
		span->bare = 0;
	}
	read_op(d, o, &raw);
	if (nests) {
		raw.op.nested = true;
		raw.op.at_nth = nest.at_nth;
		memcpy(raw.op.at, nest.at, sizeof(raw.op.at));
	}
	/* one level only: a nested operation nests nothing (dropped) */
	for (unsigned int k = 0; nests < 2 && k < copies &&
				 d->t->nr_ops < INPUT_MAX_OPS; k++)
		if (apply_op(d, &raw) < 0)
			return -1;
	if (span) {
		span->len = r->pos - start;
		span->nr = (unsigned)(d->t->nr_ops - before);
		span->noop = span->nr == 0;
	}
	return 0;
}

static int decode_input(const uint8_t *data, size_t len, struct trace *t,
			struct input_op_span *ops, size_t max,
			size_t *nr_items, trace_settle_fn settle)
{
	struct decoder *d = malloc(sizeof(*d));
	size_t n = 0;
	int ret = 0;

	trace_init(t);
	if (!d)
		return -1;
	memset(d, 0, sizeof(*d));
	d->r = (struct reader){ .data = data, .len = len };
	d->t = t;
	d->version = input_version((uint8_t)rd(&d->r, 1));
	decode_geometry(&d->r, &t->geo, &t->geo_policy);
	t->has_geometry = true;
	/* sizes in pages are read in the pages the run will have */
	if (settle && settle(t, "input", NULL, 0)) {
		free(d);
		return -1;
	}

	while (d->r.pos < d->r.len && t->nr_ops < INPUT_MAX_OPS) {
		if (decode_item(d, ops && n < max ? &ops[n] : NULL)) {
			ret = -1;
			break;
		}
		n++;
	}
	if (nr_items)
		*nr_items = n;
	free(d);
	return ret;
}

int input_decode_spans(const uint8_t *data, size_t len, struct trace *t,
		       struct input_op_span *ops, size_t max, size_t *nr_items)
{
	return decode_input(data, len, t, ops, max, nr_items, NULL);
}

int trace_decode(const uint8_t *data, size_t len, struct trace *t)
{
	return decode_input(data, len, t, NULL, 0, NULL, NULL);
}

int trace_decode_settled(const uint8_t *data, size_t len, struct trace *t,
			 trace_settle_fn settle)
{
	return decode_input(data, len, t, NULL, 0, NULL, settle);
}
