// SPDX-License-Identifier: GPL-2.0-only
/*
 * The encoder: a trace to bytes that decode to the same trace, using the
 * shortest form the decoder offers for each field and the raw forms for
 * everything else, and a burst prefix for a run of operations with the
 * same bytes where that is shorter.  It writes the newest version only.
 */
#include <stdlib.h>
#include <string.h>

#include "input_format.h"
#include "input_geometry.h"
#include "input_ops.h"
#include "points.h"

/* The longest item: a nest prefix (7 bytes), then an alloc (1 + 8 + 9). */
#define ITEM_MAX 32

struct writer {
	uint8_t *buf;
	size_t len, cap;
	bool oom;
};

static void wr(struct writer *w, uint64_t v, int nbytes)
{
	if (w->len + (size_t)nbytes > w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 256;
		uint8_t *nb;

		while (cap < w->len + (size_t)nbytes)
			cap *= 2;
		nb = realloc(w->buf, cap);
		if (!nb) {
			w->oom = true;
			return;
		}
		w->buf = nb;
		w->cap = cap;
	}
	for (int i = 0; i < nbytes; i++)
		w->buf[w->len++] = (uint8_t)(v >> (8 * i));
}

static void encode_geometry(struct writer *w, const struct pcpu_geometry *g)
{
	uint8_t g0, g1, g2;

	if (geometry_find_compact(g, &g0, &g1, &g2)) {
		wr(w, g0, 1);
		wr(w, g1, 1);
		wr(w, g2, 1);
		return;
	}
	wr(w, GEO_RAW, 1);
	wr(w, g->cpus, 2);
	wr(w, (uint64_t)__builtin_ctzl(g->page_size), 1);
	wr(w, g->unit_size, 4);
	wr(w, g->static_size, 4);
	wr(w, g->reserved_size, 4);
	wr(w, g->dyn_size, 4);
}

/* Choose a size class and its bytes; returns the class. */
static unsigned size_class(size_t size, size_t page, uint8_t *p, int *n)
{
	size_t maxs = input_min_unit(page);

	*n = 0;
	if (size == 2)
		return SC_TWO;
	if (size >= 1 && size <= 16) {
		p[(*n)++] = (uint8_t)(size - 1);
		return SC_TINY;
	}
	if (size >= 1 && size <= 256) {
		p[(*n)++] = (uint8_t)(size - 1);
		return SC_SMALL;
	}
	if (size >= 1 && size <= 8192) {
		p[(*n)++] = (uint8_t)(size - 1);
		p[(*n)++] = (uint8_t)((size - 1) >> 8);
		return SC_MEDIUM;
	}
	if (size + 128 >= maxs && size <= maxs + 127) {
		p[(*n)++] = (uint8_t)(int8_t)((long)size - (long)maxs);
		return SC_MAX;
	}
	for (size_t k = 1; k <= 8; k++) {
		long d = (long)size - (long)(k * page);

		if (d >= -128 && d <= 127) {
			p[(*n)++] = (uint8_t)k;
			p[(*n)++] = (uint8_t)(int8_t)d;
			return SC_PAGES;
		}
	}
	if (size <= UINT32_MAX) {
		for (int i = 0; i < 4; i++)
			p[(*n)++] = (uint8_t)(size >> (8 * i));
		return SC_RAW32;
	}
	for (int i = 0; i < 8; i++)
		p[(*n)++] = (uint8_t)((uint64_t)size >> (8 * i));
	return SC_RAW64;
}

/* The align byte(s) into b; how many. */
static int encode_align(uint8_t *b, size_t align)
{
	for (int e = 0; e <= 12; e++)
		if (align == (size_t)1 << e) {
			b[0] = (uint8_t)e;
			return 1;
		}
	for (int e = 13; e <= 16; e++)
		if (align == (size_t)1 << e) {
			b[0] = (uint8_t)(ALIGN_BIG_POW2 + e - 13);
			return 1;
		}
	for (int i = 0; i < 16; i++)
		if (align == odd_aligns[i]) {
			b[0] = (uint8_t)(ALIGN_ODD + i);
			return 1;
		}
	b[0] = ALIGN_RAW;
	for (int k = 0; k < 8; k++)
		b[1 + k] = (uint8_t)((uint64_t)align >> (8 * k));
	return 9;
}

/* What the encoder tracks: the decoder's state, as it will be. */
struct enc_state {
	unsigned int not_freed[INPUT_MAX_LIVE];
	unsigned int nr_not_freed;
	const struct trace_op *outer; /* the last top-level op, if any */
	size_t outer_index;
	unsigned int nr_allocs;
	unsigned int block_first_id;
};

/* The bytes of a nest prefix naming op's point; -1 when it has none. */
static int nest_prefix(const struct trace_op *op, uint8_t *p, char *err,
		       size_t errlen, size_t i)
{
	int idx = trace_point_index(op->at);
	int n = 0;

	if (idx < 0 || (unsigned)idx >= input_points_known(INPUT_FORMAT_VERSION)) {
		snprintf(err, errlen,
			 "operation %zu: point '%s' has no byte form (trace/points.c lists the names it can carry)",
			 i + 1, op->at);
		return -1;
	}
	if (op->at_nth < 1 || op->at_nth > TRACE_MAX_AT_NTH) {
		snprintf(err, errlen, "operation %zu: occurrence %u out of 1..%d",
			 i + 1, op->at_nth, TRACE_MAX_AT_NTH);
		return -1;
	}
	if (op->at_nth <= 4) {
		p[n++] = (uint8_t)(OP_NEST | (op->at_nth - 1));
		p[n++] = (uint8_t)idx;
		return n;
	}
	p[n++] = OP_NEST | NEST_LONG_NTH;
	p[n++] = (uint8_t)idx;
	if (op->at_nth - 1 < NTH_RAW) {
		p[n++] = (uint8_t)(op->at_nth - 1);
		return n;
	}
	p[n++] = NTH_RAW;
	for (int k = 0; k < 4; k++)
		p[n++] = (uint8_t)((op->at_nth - 1) >> (8 * k));
	return n;
}

/*
 * The bytes of op i (its nest prefix and the operation), advancing the
 * state as the decoder will; the length, or -1 with a reason in err.
 */
static int encode_op(struct enc_state *s, const struct trace *t, size_t i,
		     uint8_t *b, char *err, size_t errlen)
{
	const struct trace_op *op = &t->ops[i];
	unsigned int eligible = s->nr_not_freed, idx;
	uint8_t p[8];
	int n = 0, k;
	unsigned cls;
	unsigned int first_id = s->nr_allocs;

	if (op->nested) {
		if (!s->outer) {
			snprintf(err, errlen,
				 "operation %zu: nested, with no operation before it to nest in",
				 i + 1);
			return -1;
		}
		if (!trace_nest_allowed(s->outer, op)) {
			snprintf(err, errlen,
				 "operation %zu: cannot run nested in operation %zu",
				 i + 1, s->outer_index + 1);
			return -1;
		}
		n = nest_prefix(op, b, err, errlen, i);
		if (n < 0)
			return -1;
		while (eligible &&
		       s->not_freed[eligible - 1] >= s->block_first_id)
			eligible--;
	}
	switch (op->kind) {
	case OP_ALLOC:
		if (s->nr_not_freed == INPUT_MAX_LIVE) {
			snprintf(err, errlen,
				 "operation %zu: more than %d allocations outstanding",
				 i + 1, INPUT_MAX_LIVE);
			return -1;
		}
		cls = size_class(op->size, t->geo.page_size, p, &k);
		b[n++] = (uint8_t)(((op->atomic ? IK_ALLOC_ATOMIC : IK_ALLOC0)
				    << 5) |
				   (op->align ? ALLOC_HAS_ALIGN : 0) |
				   (op->reserved ? ALLOC_RESERVED : 0) | cls);
		memcpy(b + n, p, (size_t)k);
		n += k;
		if (op->align)
			n += encode_align(b + n, op->align);
		s->not_freed[s->nr_not_freed++] = op->id;
		s->nr_allocs++;
		break;
	case OP_FREE:
		for (idx = 0; idx < s->nr_not_freed; idx++)
			if (s->not_freed[idx] == op->id)
				break;
		if (idx == s->nr_not_freed) {
			snprintf(err, errlen,
				 "operation %zu: free of id %u that is not outstanding",
				 i + 1, op->id);
			return -1;
		}
		if (idx >= eligible) {
			snprintf(err, errlen,
				 "operation %zu: nested free of id %u, made by its own block",
				 i + 1, op->id);
			return -1;
		}
		if (idx < FREE_LONG_INDEX) {
			b[n++] = (uint8_t)((IK_FREE0 << 5) | idx);
		} else {
			b[n++] = (IK_FREE0 << 5) | FREE_LONG_INDEX;
			b[n++] = (uint8_t)idx;
			b[n++] = (uint8_t)(idx >> 8);
		}
		memmove(&s->not_freed[idx], &s->not_freed[idx + 1],
			(s->nr_not_freed - idx - 1) * sizeof(s->not_freed[0]));
		s->nr_not_freed--;
		break;
	case OP_BALANCE:
		b[n++] = IK_BALANCE << 5;
		break;
	case OP_FAIL:
		if (op->count >= 1 && op->count <= 7 && !op->after) {
			b[n++] = (uint8_t)((IK_FAIL << 5) |
					   ((unsigned)op->fault << 3) |
					   (op->count - 1));
			break;
		}
		b[n++] = (uint8_t)((IK_FAIL << 5) | ((unsigned)op->fault << 3) |
				   FAIL_LONG_COUNT);
		for (k = 0; k < 4; k++)
			b[n++] = (uint8_t)(op->count >> (8 * k));
		if (op->after < FAIL_AFTER_RAW) {
			b[n++] = (uint8_t)op->after;
		} else {
			b[n++] = FAIL_AFTER_RAW;
			for (k = 0; k < 4; k++)
				b[n++] = (uint8_t)(op->after >> (8 * k));
		}
		break;
	}
	if (!op->nested) {
		s->outer = op;
		s->outer_index = i;
		s->block_first_id = first_id;
	}
	return n;
}

/* count copies of an item's bytes b: a burst prefix when it is shorter */
static void write_run(struct writer *w, const uint8_t *b, size_t len,
		      unsigned count)
{
	size_t burst = count <= BURST_SHORT_MAX ? 1 : 2;

	if (count >= 2 && burst + len < count * len) {
		if (count <= BURST_SHORT_MAX) {
			wr(w, OP_BURST | (count - 2), 1);
		} else {
			wr(w, OP_BURST | BURST_LONG, 1);
			wr(w, count - 2, 1);
		}
		count = 1;
	}
	while (count--)
		for (size_t j = 0; j < len; j++)
			wr(w, b[j], 1);
}

int trace_encode(const struct trace *t, uint8_t **out, size_t *outlen,
		 char *err, size_t errlen)
{
	struct writer w = { 0 };
	struct enc_state *s;
	uint8_t run[ITEM_MAX], cur[ITEM_MAX];
	size_t run_len = 0;
	unsigned count = 0;
	int n;

	if (t->nr_ops > INPUT_MAX_OPS) {
		snprintf(err, errlen,
			 "%zu operations: the binary form holds at most %d",
			 t->nr_ops, INPUT_MAX_OPS);
		return -1;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	wr(&w, INPUT_FORMAT_VERSION, 1);
	encode_geometry(&w, &t->geo);

	/*
	 * Runs of operations with the same bytes are one burst: the decoder
	 * reads the bytes again for each copy, in the state the copy before
	 * left (the same free index frees the next allocation outstanding).
	 */
	for (size_t i = 0; i < t->nr_ops; i++) {
		n = encode_op(s, t, i, cur, err, errlen);
		if (n < 0) {
			free(w.buf);
			free(s);
			return -1;
		}
		if (count && count < INPUT_BURST_MAX && (size_t)n == run_len &&
		    !memcmp(cur, run, run_len)) {
			count++;
			continue;
		}
		if (count)
			write_run(&w, run, run_len, count);
		memcpy(run, cur, (size_t)n);
		run_len = (size_t)n;
		count = 1;
	}
	if (count)
		write_run(&w, run, run_len, count);
	free(s);
	if (w.oom) {
		free(w.buf);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*out = w.buf;
	*outlen = w.len;
	return 0;
}
