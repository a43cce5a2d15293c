// SPDX-License-Identifier: GPL-2.0-only
/*
 * The encoder: a trace to bytes that decode to the same trace, using the
 * shortest form the decoder offers for each field and the raw forms for
 * everything else.
 */
#include <stdlib.h>
#include <string.h>

#include "input_format.h"
#include "input_geometry.h"
#include "input_ops.h"

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

static void encode_align(struct writer *w, size_t align)
{
	for (int e = 0; e <= 12; e++)
		if (align == (size_t)1 << e) {
			wr(w, (uint64_t)e, 1);
			return;
		}
	for (int e = 13; e <= 16; e++)
		if (align == (size_t)1 << e) {
			wr(w, ALIGN_BIG_POW2 + (uint64_t)(e - 13), 1);
			return;
		}
	for (int i = 0; i < 16; i++)
		if (align == odd_aligns[i]) {
			wr(w, ALIGN_ODD + (uint64_t)i, 1);
			return;
		}
	wr(w, ALIGN_RAW, 1);
	wr(w, align, 8);
}

int trace_encode(const struct trace *t, uint8_t **out, size_t *outlen,
		 char *err, size_t errlen)
{
	struct writer w = { 0 };
	unsigned int not_freed[INPUT_MAX_LIVE];
	unsigned int nr_not_freed = 0;

	if (t->nr_ops > INPUT_MAX_OPS) {
		snprintf(err, errlen,
			 "%zu operations: the binary form holds at most %d",
			 t->nr_ops, INPUT_MAX_OPS);
		return -1;
	}
	wr(&w, INPUT_FORMAT_VERSION, 1);
	encode_geometry(&w, &t->geo);

	for (size_t i = 0; i < t->nr_ops; i++) {
		const struct trace_op *op = &t->ops[i];
		uint8_t p[8];
		int n;
		unsigned cls, idx;

		switch (op->kind) {
		case OP_ALLOC:
			if (nr_not_freed == INPUT_MAX_LIVE) {
				snprintf(err, errlen,
					 "operation %zu: more than %d allocations outstanding",
					 i + 1, INPUT_MAX_LIVE);
				free(w.buf);
				return -1;
			}
			cls = size_class(op->size, t->geo.page_size, p, &n);
			wr(&w, ((uint64_t)(op->atomic ? IK_ALLOC_ATOMIC :
							IK_ALLOC0) << 5) |
				       (op->align ? ALLOC_HAS_ALIGN : 0) |
				       (op->reserved ? ALLOC_RESERVED : 0) | cls,
			   1);
			for (int j = 0; j < n; j++)
				wr(&w, p[j], 1);
			if (op->align)
				encode_align(&w, op->align);
			not_freed[nr_not_freed++] = op->id;
			break;
		case OP_FREE:
			for (idx = 0; idx < nr_not_freed; idx++)
				if (not_freed[idx] == op->id)
					break;
			if (idx == nr_not_freed) {
				snprintf(err, errlen,
					 "operation %zu: free of id %u that is not outstanding",
					 i + 1, op->id);
				free(w.buf);
				return -1;
			}
			if (idx < FREE_LONG_INDEX) {
				wr(&w, (IK_FREE0 << 5) | idx, 1);
			} else {
				wr(&w, (IK_FREE0 << 5) | FREE_LONG_INDEX, 1);
				wr(&w, idx, 2);
			}
			memmove(&not_freed[idx], &not_freed[idx + 1],
				(nr_not_freed - idx - 1) * sizeof(not_freed[0]));
			nr_not_freed--;
			break;
		case OP_BALANCE:
			wr(&w, IK_BALANCE << 5, 1);
			break;
		case OP_FAIL:
			if (op->count >= 1 && op->count <= 7 && !op->after) {
				wr(&w, (IK_FAIL << 5) | ((unsigned)op->fault << 3) |
					       (op->count - 1),
				   1);
				break;
			}
			wr(&w, (IK_FAIL << 5) | ((unsigned)op->fault << 3) |
				       FAIL_LONG_COUNT,
			   1);
			wr(&w, op->count, 4);
			if (op->after < FAIL_AFTER_RAW) {
				wr(&w, op->after, 1);
			} else {
				wr(&w, FAIL_AFTER_RAW, 1);
				wr(&w, op->after, 4);
			}
			break;
		}
	}
	if (w.oom) {
		free(w.buf);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	*out = w.buf;
	*outlen = w.len;
	return 0;
}
