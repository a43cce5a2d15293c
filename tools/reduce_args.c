// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shrinking the arguments of single operations: allocation sizes and
 * alignments toward small and round values, the atomic and reserved
 * flags off, fault counts down, nested operations to earlier occurrences
 * of their point.  Values are tried in ascending order and
 * the first that keeps the failure wins, so one pass gives each argument
 * the smallest value of its list that still reproduces.
 */
#include <stdlib.h>

#include "reduce.h"

/* Try one field of op i at the given values (ascending); first fit wins. */
enum field { F_SIZE, F_ALIGN, F_COUNT, F_AFTER, F_ATOMIC, F_RESERVED,
	     F_AT_NTH };

static bool try_value(struct reducer *r, size_t i, enum field f, size_t v)
{
	struct reduce_work c;
	struct trace_op *op;

	if (reduce_copy(&r->cur, &c))
		return false;
	op = &c.ops[i];
	switch (f) {
	case F_SIZE:
		op->size = v;
		break;
	case F_ALIGN:
		op->align = v;
		break;
	case F_COUNT:
		op->count = (unsigned int)v;
		break;
	case F_AFTER:
		op->after = (unsigned int)v;
		break;
	case F_ATOMIC:
		op->atomic = false;
		break;
	case F_RESERVED:
		op->reserved = false;
		break;
	case F_AT_NTH:
		op->at_nth = (unsigned int)v;
		break;
	}
	return reduce_try(r, &c);
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Smaller values to try for v, ascending and without repeats: powers of
 * two, v rounded down to round multiples, and half of v; nothing below
 * `low` (2 for sizes: the allocator rounds sizes up to even).
 */
static size_t smaller_values(size_t v, size_t low, size_t *out)
{
	size_t n = 0, m = 0;

	for (size_t p = low; p && p < v; p *= 2)
		out[n++] = p;
	for (size_t q = 65536; q >= 2; q /= 2)
		if (v / q * q >= low && v / q * q < v)
			out[n++] = v / q * q;
	if (v / 2 >= low)
		out[n++] = v / 2;
	/* the allocator rounds sizes up to even: odd ones only read worse */
	if (low == 2)
		for (size_t i = 0; i < n; i++)
			out[i] = (out[i] + 1) & ~(size_t)1;
	qsort(out, n, sizeof(*out), cmp_size);
	for (size_t i = 0; i < n; i++)
		if (out[i] < v && (!m || out[m - 1] != out[i]))
			out[m++] = out[i];
	return m;
}

static bool is_pow2(size_t v)
{
	return v && !(v & (v - 1));
}

/* Alignments below a: 0 (the default), powers of two, small odd ones. */
static size_t smaller_aligns(size_t a, size_t *out)
{
	static const size_t odd[] = { 3, 5, 6, 7, 9, 10, 12, 20, 24 };
	size_t n = 0;

	out[n++] = 0;
	for (size_t p = 2; p < a; p *= 2)
		out[n++] = p;
	if (!is_pow2(a))
		for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
			if (odd[i] < a)
				out[n++] = odd[i];
	qsort(out, n, sizeof(*out), cmp_size);
	return n;
}

bool reduce_args(struct reducer *r)
{
	size_t vals[160];
	bool changed = false;

	for (size_t i = 0; i < r->cur.n && !r->exhausted; i++) {
		/* r->cur.ops moves with every accepted candidate */
		size_t n;

		if (r->cur.ops[i].kind == OP_FAIL && r->cur.ops[i].count > 1) {
			n = smaller_values(r->cur.ops[i].count, 1, vals);
			for (size_t k = 0; k < n; k++)
				if (try_value(r, i, F_COUNT, vals[k])) {
					changed = true;
					break;
				}
		}
		/* a shorter wait first: 0 is the plain `fail` line */
		if (r->cur.ops[i].kind == OP_FAIL && r->cur.ops[i].after) {
			n = smaller_values(r->cur.ops[i].after, 0, vals);
			for (size_t k = 0; k < n; k++)
				if (try_value(r, i, F_AFTER, vals[k])) {
					changed = true;
					break;
				}
		}
		/* an earlier release of the lock: 1 reads best */
		if (r->cur.ops[i].nested && r->cur.ops[i].at_nth > 1) {
			n = smaller_values(r->cur.ops[i].at_nth, 1, vals);
			for (size_t k = 0; k < n; k++)
				if (try_value(r, i, F_AT_NTH, vals[k])) {
					changed = true;
					break;
				}
		}
		if (r->cur.ops[i].kind != OP_ALLOC)
			continue;
		if (r->cur.ops[i].atomic && try_value(r, i, F_ATOMIC, 0))
			changed = true;
		if (r->cur.ops[i].reserved && try_value(r, i, F_RESERVED, 0))
			changed = true;
		n = smaller_values(r->cur.ops[i].size, 2, vals);
		for (size_t k = 0; k < n; k++)
			if (try_value(r, i, F_SIZE, vals[k])) {
				changed = true;
				break;
			}
		if (!r->cur.ops[i].align)
			continue;
		n = smaller_aligns(r->cur.ops[i].align, vals);
		for (size_t k = 0; k < n; k++)
			if (try_value(r, i, F_ALIGN, vals[k])) {
				changed = true;
				break;
			}
	}
	return changed;
}
