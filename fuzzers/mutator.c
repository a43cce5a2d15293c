// SPDX-License-Identifier: GPL-2.0-only
/*
 * The custom mutator of build/fuzz-pcpu-mut: it edits inputs a whole
 * operation at a time (docs/byte-format.md) instead of a byte at a time.
 * Byte mutations mostly shift every later operation into a new reading
 * frame; the bugs of the area-map allocator need sequences (runs of tiny
 * allocations, holes punched between them, a chunk filled to the byte), so
 * the operations here insert, delete, duplicate and swap operations,
 * re-point frees, and set sizes and alignments to page and unit boundaries
 * (and to what exactly fills the area left), falling back to libFuzzer's
 * own byte mutations part of the time.
 *
 * Deterministic: every choice comes from the seed libFuzzer passes in
 * (same seed, same input: same output; no state between calls).  AFL++
 * ignores custom libFuzzer mutators, which is why this lives in its own
 * binary and fuzz-pcpu stays engine-neutral.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "input_format.h"
#include "input_geometry.h"
#include "input_ops.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1,
				 const uint8_t *data2, size_t size2,
				 uint8_t *out, size_t max_out_size,
				 unsigned int seed);

/* The longest operation: opcode, u64 size, align 0xff and its u64. */
#define OP_MAX_LEN 18
/* Room for the operations one call writes from scratch. */
#define ARENA_OPS 16
/* Longest run of operations duplicated or deleted at once. */
#define RUN_MAX 4

/* splitmix64, seeded by libFuzzer: no other source of randomness. */
struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t below(struct rng *r, size_t n)
{
	return n ? (size_t)(rnd(r) % n) : 0;
}

/* An input cut into a header and operations (pointers into copy/arena). */
struct op {
	const uint8_t *p;
	size_t len;
};

struct cut {
	uint8_t hdr[2 + GEO_RAW_LEN];
	size_t hdr_len;
	struct op *ops;
	size_t n, cap;
	struct pcpu_geometry geo; /* the header's */
	uint8_t *copy; /* the input, then OP_MAX_LEN zero bytes */
	uint8_t arena[ARENA_OPS][OP_MAX_LEN];
	size_t arena_used;
};

static void cut_free(struct cut *c)
{
	free(c->ops);
	free(c->copy);
}

/* The geometry a header decodes to. */
static int header_geometry(struct cut *c)
{
	struct trace t;

	if (trace_decode(c->hdr, c->hdr_len, &t))
		return -1;
	c->geo = t.geo;
	trace_free(&t);
	return 0;
}

/* Cut data into operations, each padded to its full length. */
static int cut_input(struct cut *c, const uint8_t *data, size_t size)
{
	struct input_op_span *spans;
	size_t n;

	memset(c, 0, sizeof(*c));
	c->copy = calloc(1, size + 2 * OP_MAX_LEN + sizeof(c->hdr));
	spans = malloc((size + 1) * sizeof(*spans));
	if (!c->copy || !spans) {
		free(spans);
		return -1;
	}
	if (size)
		memcpy(c->copy, data, size);
	c->hdr_len = input_header_len(c->copy, size);
	memcpy(c->hdr, c->copy, c->hdr_len);
	c->hdr[0] = INPUT_FORMAT_VERSION;
	n = input_split_ops(c->copy, size, spans, size + 1);
	c->cap = n + ARENA_OPS * 8 * RUN_MAX;
	c->ops = malloc(c->cap * sizeof(*c->ops));
	if (!c->ops) {
		free(spans);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		c->ops[i].p = c->copy + spans[i].off;
		c->ops[i].len = spans[i].len;
	}
	c->n = n;
	free(spans);
	return header_geometry(c);
}

/* Header and whole operations, as many as fit in max bytes. */
static size_t emit(const struct cut *c, size_t from, size_t to, uint8_t *out,
		   size_t max)
{
	size_t pos = c->hdr_len < max ? c->hdr_len : max;

	memcpy(out, c->hdr, pos);
	for (size_t i = from; i < to && pos + c->ops[i].len <= max; i++) {
		memcpy(out + pos, c->ops[i].p, c->ops[i].len);
		pos += c->ops[i].len;
	}
	return pos;
}

static bool is_alloc(const struct op *op)
{
	return (op->p[0] >> 5) <= IK_ALLOC_ATOMIC;
}

/* Index of a random operation matching want, or c->n if none. */
static size_t pick(const struct cut *c, struct rng *r,
		   bool (*want)(const struct op *))
{
	size_t start = below(r, c->n);

	for (size_t k = 0; k < c->n; k++) {
		size_t i = (start + k) % c->n;

		if (want(&c->ops[i]))
			return i;
	}
	return c->n;
}

static uint8_t *arena_op(struct cut *c)
{
	return c->arena_used < ARENA_OPS ? c->arena[c->arena_used++] : NULL;
}

/* Make room for k operations at index at; false when full. */
static bool open_gap(struct cut *c, size_t at, size_t k)
{
	if (c->n + k > c->cap)
		return false;
	memmove(&c->ops[at + k], &c->ops[at], (c->n - at) * sizeof(c->ops[0]));
	c->n += k;
	return true;
}

/* The size operand of an alloc: the shortest class giving exactly size. */
static size_t put_size(uint8_t *p, size_t size, size_t page, unsigned *cls)
{
	size_t maxs = input_min_unit(page);
	long d;

	if (size == 2) {
		*cls = SC_TWO;
		return 0;
	}
	if (size >= 1 && size <= 256) {
		*cls = size <= 16 ? SC_TINY : SC_SMALL;
		p[0] = (uint8_t)(size - 1);
		return 1;
	}
	if (size >= 1 && size <= 8192) {
		*cls = SC_MEDIUM;
		p[0] = (uint8_t)(size - 1);
		p[1] = (uint8_t)((size - 1) >> 8);
		return 2;
	}
	d = (long)size - (long)maxs;
	if (d >= -128 && d <= 127) {
		*cls = SC_MAX;
		p[0] = (uint8_t)(int8_t)d;
		return 1;
	}
	for (size_t k = 1; k <= 8; k++) {
		d = (long)size - (long)(k * page);
		if (d >= -128 && d <= 127) {
			*cls = SC_PAGES;
			p[0] = (uint8_t)k;
			p[1] = (uint8_t)(int8_t)d;
			return 2;
		}
	}
	*cls = SC_RAW32;
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(size >> (8 * i));
	return 4;
}

/* Size operand bytes of an existing alloc (its opcode's class). */
static size_t size_len(uint8_t o)
{
	static const uint8_t n[8] = { 1, 1, 2, 2, 1, 0, 4, 8 };

	return n[o & 7];
}

/* Write an alloc: opcode flags (atomic/reserved bits), size, align bytes. */
static size_t put_alloc(uint8_t *p, uint8_t flags, size_t size, size_t page,
			const uint8_t *align, size_t align_len)
{
	unsigned cls;
	size_t n = 1 + put_size(p + 1, size, page, &cls);

	p[0] = (uint8_t)((flags & ~(ALLOC_HAS_ALIGN | 7)) | cls |
			 (align_len ? ALLOC_HAS_ALIGN : 0));
	memcpy(p + n, align, align_len);
	return n + align_len;
}

/*
 * The state before operation i, as far as sizes go: the geometry and the
 * bytes still allocated in the dynamic and reserved areas (rounded up to 2
 * like the allocator does; alignment padding is not counted).
 */
struct prefix_state {
	struct pcpu_geometry geo;
	size_t dyn_used, res_used;
};

static int prefix_state(const struct cut *c, size_t i, struct prefix_state *s)
{
	size_t max = c->hdr_len + i * OP_MAX_LEN;
	uint8_t *buf = malloc(max);
	struct trace t;
	size_t *live;
	bool *res;

	if (!buf)
		return -1;
	if (trace_decode(buf, emit(c, 0, i, buf, max), &t)) {
		free(buf);
		return -1;
	}
	free(buf);
	live = calloc(t.nr_allocs + 1, sizeof(*live));
	res = calloc(t.nr_allocs + 1, sizeof(*res));
	memset(s, 0, sizeof(*s));
	s->geo = t.geo;
	for (size_t k = 0; live && res && k < t.nr_ops; k++) {
		const struct trace_op *op = &t.ops[k];

		if (op->kind == OP_ALLOC &&
		    op->size <= input_min_unit(t.geo.page_size)) {
			live[op->id] = (op->size + 1) & ~(size_t)1;
			res[op->id] = op->reserved;
		} else if (op->kind == OP_FREE) {
			live[op->id] = 0;
		}
	}
	for (unsigned id = 0; live && res && id < t.nr_allocs; id++)
		*(res[id] ? &s->res_used : &s->dyn_used) += live[id];
	free(live);
	free(res);
	trace_free(&t);
	return 0;
}

/*
 * A size at a boundary: a multiple of the page, the unit, the largest
 * legal size (PCPU_MIN_UNIT_SIZE), an area's size, or exactly what is left
 * of an area after the allocations outstanding; then 0, 2 or 4 bytes off.
 */
static size_t boundary_size(const struct prefix_state *s, struct rng *r)
{
	static const int delta[5] = { 0, -2, 2, -4, 4 };
	const struct pcpu_geometry *g = &s->geo;
	size_t unit = g->unit_size ? g->unit_size : 1;
	size_t t;
	long v;

	switch (below(r, 8)) {
	case 0:
		t = (1 + below(r, 8)) * g->page_size;
		break;
	case 1:
		t = input_min_unit(g->page_size);
		break;
	case 2:
		t = g->unit_size;
		break;
	case 3:
		t = below(r, 2) ? g->dyn_size : g->reserved_size;
		break;
	case 4: /* the rest of a new chunk once the first is full */
		t = s->dyn_used > g->dyn_size ?
			    unit - (s->dyn_used - g->dyn_size) % unit :
			    unit;
		break;
	case 5:
		t = g->reserved_size > s->res_used ?
			    g->reserved_size - s->res_used :
			    2;
		break;
	default: /* what fills the first chunk's dynamic area */
		t = g->dyn_size > s->dyn_used ? g->dyn_size - s->dyn_used : 2;
		break;
	}
	v = (long)t + delta[below(r, 5)];
	return v < 1 ? 1 : (size_t)v;
}

/* An align byte: odd (the align-pow2 kind), a power of two, or large. */
static uint8_t random_align(struct rng *r)
{
	switch (below(r, 4)) {
	case 0:
	case 1:
		return (uint8_t)(ALIGN_ODD + below(r, ALIGN_RAW - ALIGN_ODD));
	case 2:
		return (uint8_t)below(r, 13);
	default:
		return (uint8_t)(ALIGN_BIG_POW2 + below(r, 4));
	}
}

/* A new operation, mostly allocs of small or boundary sizes and frees. */
static size_t random_op(struct cut *c, struct rng *r, size_t at, uint8_t *p)
{
	struct prefix_state s;
	uint8_t align = 0, flags = 0;
	size_t size;

	switch (below(r, 16)) {
	case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
		if (below(r, 8) == 0)
			flags |= (uint8_t)(IK_ALLOC_ATOMIC << 5);
		if (below(r, 8) == 0)
			flags |= ALLOC_RESERVED;
		switch (below(r, 4)) {
		case 0:
			size = 2;
			break;
		case 1:
			size = 1 + below(r, 16);
			break;
		case 2:
			size = 1 + below(r, 256);
			break;
		default:
			if (prefix_state(c, at, &s))
				return 0;
			size = boundary_size(&s, r);
			break;
		}
		if (below(r, 4) == 0)
			align = random_align(r);
		return put_alloc(p, flags, size, c->geo.page_size, &align,
				 align ? 1 : 0);
	case 8: case 9: case 10: case 11: case 12:
		p[0] = (uint8_t)((IK_FREE0 << 5) | below(r, 8));
		return 1;
	case 13:
		p[0] = IK_BALANCE << 5;
		return 1;
	default: /* a fault of any kind, 1 to 3 times */
		p[0] = (uint8_t)((IK_FAIL << 5) | below(r, 4) << 3 | below(r, 3));
		if (below(r, 4))
			return 1;
		/* one time in four after 1 to 8 attempts: the long form */
		p[0] |= FAIL_LONG_COUNT;
		p[1] = (uint8_t)(1 + below(r, 3));
		p[2] = p[3] = p[4] = 0;
		p[5] = (uint8_t)(1 + below(r, 8));
		return 6;
	}
}

static bool insert_op(struct cut *c, struct rng *r)
{
	size_t at = below(r, c->n + 1);
	uint8_t *p = arena_op(c);
	size_t len;

	if (!p || !(len = random_op(c, r, at, p)) || !open_gap(c, at, 1))
		return false;
	c->ops[at] = (struct op){ p, len };
	return true;
}

/* A run [*at, *at + *k) of 1 to RUN_MAX operations; false when none. */
static bool pick_run(const struct cut *c, struct rng *r, size_t *at,
		     size_t *k)
{
	if (!c->n)
		return false;
	*at = below(r, c->n);
	*k = 1 + below(r, RUN_MAX);
	if (*k > c->n - *at)
		*k = c->n - *at;
	return true;
}

static bool delete_ops(struct cut *c, struct rng *r)
{
	size_t at, k;

	if (!pick_run(c, r, &at, &k))
		return false;
	memmove(&c->ops[at], &c->ops[at + k],
		(c->n - at - k) * sizeof(c->ops[0]));
	c->n -= k;
	return true;
}

/* A run of up to RUN_MAX operations, repeated up to 8 times in place. */
static bool duplicate_ops(struct cut *c, struct rng *r)
{
	size_t at, k, times;

	if (!pick_run(c, r, &at, &k))
		return false;
	times = 1 + below(r, 8);
	if (!open_gap(c, at + k, k * times))
		return false;
	for (size_t t = 1; t <= times; t++)
		memcpy(&c->ops[at + t * k], &c->ops[at], k * sizeof(c->ops[0]));
	return true;
}

static bool swap_ops(struct cut *c, struct rng *r)
{
	size_t i, j;
	struct op tmp;

	if (c->n < 2)
		return false;
	i = below(r, c->n);
	/* neighbours half of the time: order matters most locally */
	j = below(r, 2) ? (i + 1) % c->n : below(r, c->n);
	if (i == j)
		return false;
	tmp = c->ops[i];
	c->ops[i] = c->ops[j];
	c->ops[j] = tmp;
	return true;
}

/* Rewrite an alloc's size to a boundary, keeping its other fields. */
static bool nudge_size(struct cut *c, struct rng *r)
{
	size_t i = pick(c, r, is_alloc), sl;
	struct prefix_state s;
	const struct op *old;
	uint8_t *p;

	if (i == c->n || !(p = arena_op(c)) || prefix_state(c, i, &s))
		return false;
	old = &c->ops[i];
	sl = 1 + size_len(old->p[0]);
	c->ops[i].len = put_alloc(p, old->p[0], boundary_size(&s, r),
				  s.geo.page_size, old->p + sl, old->len - sl);
	c->ops[i].p = p;
	return true;
}

/* Give an alloc an align byte, change it, or drop it. */
static bool nudge_align(struct cut *c, struct rng *r)
{
	size_t i = pick(c, r, is_alloc), sl;
	const struct op *old;
	uint8_t *p, align;

	if (i == c->n || !(p = arena_op(c)))
		return false;
	old = &c->ops[i];
	sl = 1 + size_len(old->p[0]);
	memcpy(p, old->p, sl);
	if ((old->p[0] & ALLOC_HAS_ALIGN) && below(r, 4) == 0) {
		p[0] &= (uint8_t)~ALLOC_HAS_ALIGN;
		c->ops[i] = (struct op){ p, sl };
		return true;
	}
	align = random_align(r);
	p[0] |= ALLOC_HAS_ALIGN;
	p[sl] = align;
	c->ops[i] = (struct op){ p, sl + 1 };
	return true;
}

static bool is_free(const struct op *op)
{
	uint8_t k = op->p[0] >> 5;

	return k == IK_FREE0 || k == IK_FREE1;
}

/* Point a free at another outstanding allocation (short index). */
static bool repoint_free(struct cut *c, struct rng *r)
{
	size_t i = pick(c, r, is_free);
	uint8_t *p;

	if (i == c->n || !(p = arena_op(c)))
		return false;
	p[0] = (uint8_t)((IK_FREE0 << 5) | below(r, below(r, 2) ? 4 : 31));
	c->ops[i] = (struct op){ p, 1 };
	return true;
}

/*
 * A new compact geometry, any of them: the format itself spends seven
 * headers in eight on 1 to 4 CPUs and small units (docs/byte-format.md), so a
 * uniform draw keeps executions cheap and still reaches the wide ones.
 */
static bool new_header(struct cut *c, struct rng *r)
{
	c->hdr[0] = INPUT_FORMAT_VERSION;
	c->hdr[1] = (uint8_t)below(r, GEO_RAW);
	c->hdr[2] = (uint8_t)rnd(r);
	c->hdr[3] = (uint8_t)rnd(r);
	c->hdr_len = 4;
	return !header_geometry(c);
}

static bool mutate_ops(struct cut *c, struct rng *r)
{
	switch (below(r, 16)) {
	case 0: case 1: case 2:
		return insert_op(c, r);
	case 3: case 4:
		return delete_ops(c, r);
	case 5: case 6: case 7:
		return duplicate_ops(c, r);
	case 8: case 9:
		return swap_ops(c, r);
	case 10: case 11: case 12:
		return nudge_size(c, r);
	case 13:
		return nudge_align(c, r);
	case 14:
		return repoint_free(c, r);
	default:
		return new_header(c, r);
	}
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	struct rng r = { seed };
	struct cut c;
	size_t rounds, done = 0, out = 0;

	/* a quarter byte-level: new numbers, dictionary words, CMP values */
	if (size && below(&r, 4) == 0)
		return LLVMFuzzerMutate(data, size, max_size);
	if (!cut_input(&c, data, size)) {
		rounds = below(&r, 4) ? 1 : 2 + below(&r, 3);
		for (size_t k = 0; k < 4 * rounds && done < rounds; k++)
			done += mutate_ops(&c, &r);
		if (done)
			out = emit(&c, 0, c.n, data, max_size);
	}
	cut_free(&c);
	if (!done)
		return LLVMFuzzerMutate(data, size, max_size);
	return out;
}

/* Operations of one input with a run of the other's spliced in. */
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1,
				 const uint8_t *data2, size_t size2,
				 uint8_t *out, size_t max_out_size,
				 unsigned int seed)
{
	struct rng r = { seed };
	struct cut a, b;
	size_t pos = 0, at, from, to, resume;

	memset(&b, 0, sizeof(b)); /* cut_free(&b) is safe if a fails */
	if (cut_input(&a, data1, size1) || cut_input(&b, data2, size2))
		goto done;
	if (below(&r, 4) == 0) { /* the other's geometry */
		memcpy(a.hdr, b.hdr, b.hdr_len);
		a.hdr_len = b.hdr_len;
	}
	at = below(&r, a.n + 1);
	from = below(&r, b.n + 1);
	to = from + below(&r, b.n - from + 1);
	/* replace a stretch of a, or insert without replacing */
	resume = below(&r, 2) ? at : at + below(&r, a.n - at + 1);
	pos = emit(&a, 0, at, out, max_out_size);
	for (size_t i = from; i < to && pos + b.ops[i].len <= max_out_size; i++) {
		memcpy(out + pos, b.ops[i].p, b.ops[i].len);
		pos += b.ops[i].len;
	}
	for (size_t i = resume; i < a.n && pos + a.ops[i].len <= max_out_size;
	     i++) {
		memcpy(out + pos, a.ops[i].p, a.ops[i].len);
		pos += a.ops[i].len;
	}
done:
	cut_free(&a);
	cut_free(&b);
	return pos;
}
