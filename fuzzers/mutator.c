// SPDX-License-Identifier: GPL-2.0-only
/*
 * The custom mutator of build/fuzz-pcpu-mut: it edits inputs a whole
 * operation at a time (docs/byte-format.md) instead of a byte at a time.
 * Byte mutations mostly shift every later operation into a new reading
 * frame; the bugs of the area-map allocator need sequences (runs of tiny
 * allocations, holes punched between them, a chunk filled to the byte), so
 * the operations here insert, delete, duplicate and swap operations,
 * re-point frees, and set sizes and alignments to page and unit boundaries
 * (and to what exactly fills the area left); they nest operations at the
 * preemption points of others, take nested operations and whole blocks out,
 * move them to other points, and repeat operations in bursts (the prefixes
 * of docs/byte-format.md §2.1); punch_holes writes a run of tiny
 * allocations with every other one freed (2-byte holes between in-use
 * neighbours, which no other mutation makes but by luck).  Part of the
 * time they fall back to libFuzzer's own byte mutations.  Inputs of
 * version 3 are rewritten as version 4 with the same meaning before they
 * are edited.
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
#include "points.h"
#include "run.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1,
				 const uint8_t *data2, size_t size2,
				 uint8_t *out, size_t max_out_size,
				 unsigned int seed);

/* The longest operation: opcode, u64 size, align 0xff and its u64. */
#define OP_MAX_LEN 18
/*
 * The longest prefixes the mutator writes: a burst with its count byte,
 * then up to two nest prefixes (two: a nesting the decoder drops, kept as
 * such) of at most 7 bytes each.
 */
#define PREFIX_MAX 16
#define ITEM_MAX_LEN (PREFIX_MAX + OP_MAX_LEN)
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

/*
 * An input cut into a header and items (pointers into copy/arena): an
 * item is its prefixes, then one operation whose opcode is p[at].
 */
struct op {
	const uint8_t *p;
	size_t len;
	size_t at;
};

struct cut {
	uint8_t hdr[2 + GEO_RAW_LEN];
	size_t hdr_len;
	struct op *ops;
	size_t n, cap;
	struct pcpu_geometry geo; /* the header's */
	uint8_t *copy; /* the input, then OP_MAX_LEN zero bytes */
	uint8_t arena[ARENA_OPS][ITEM_MAX_LEN];
	size_t arena_used;
};

static void cut_free(struct cut *c)
{
	free(c->ops);
	free(c->copy);
}

/* The geometry a header runs with on the linked backend. */
static int header_geometry(struct cut *c)
{
	struct trace t;

	if (trace_decode_settled(c->hdr, c->hdr_len, &t, run_geometry_settle))
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
		uint8_t *o = c->copy + spans[i].off + spans[i].op;

		/*
		 * Version 3 read 0xd0..0xdf as balance too; version 4 reads
		 * them as prefixes, so the copy says balance the one way both
		 * read alike (a version-3 item has no prefix).
		 */
		if (input_version(c->copy[0]) < 4 && !spans[i].bare &&
		    spans[i].kind == IK_BALANCE)
			*o = IK_BALANCE << 5;
		c->ops[i].p = c->copy + spans[i].off;
		c->ops[i].len = spans[i].len;
		c->ops[i].at = spans[i].op;
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

/* The item's opcode (an item the input ended in has none: a balance). */
static uint8_t opcode(const struct op *op)
{
	return op->at < op->len ? op->p[op->at] : IK_BALANCE << 5;
}

static bool is_alloc(const struct op *op)
{
	return (opcode(op) >> 5) <= IK_ALLOC_ATOMIC;
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
	/* what the decoder holds there: operations, allocations outstanding */
	size_t nr_ops, nr_live;
};

static int prefix_state(const struct cut *c, size_t i, struct prefix_state *s)
{
	size_t max = c->hdr_len;
	uint8_t *buf;

	for (size_t k = 0; k < i; k++)
		max += c->ops[k].len;
	buf = malloc(max);
	struct trace t;
	size_t *live;
	bool *res;

	if (!buf)
		return -1;
	if (trace_decode_settled(buf, emit(c, 0, i, buf, max), &t,
				 run_geometry_settle)) {
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

		s->nr_live += op->kind == OP_ALLOC;
		s->nr_live -= op->kind == OP_FREE;
		if (op->kind == OP_ALLOC &&
		    op->size <= input_min_unit(t.geo.page_size)) {
			live[op->id] = (op->size + 1) & ~(size_t)1;
			res[op->id] = op->reserved;
		} else if (op->kind == OP_FREE) {
			live[op->id] = 0;
		}
	}
	s->nr_ops = t.nr_ops;
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
	c->ops[at] = (struct op){ p, len, 0 };
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

/*
 * The prefixes of an item, as the decoder reads them: the copies its
 * bursts ask for and its nest prefixes (the first one's bytes kept).
 */
struct prefixes {
	unsigned int copies;
	unsigned int nests;
	uint8_t nest[7];
	size_t nest_len;
};

/* Bytes of the nest prefix at p (opcode, point, occurrence if long). */
static size_t nest_len(const uint8_t *p)
{
	if (!(p[0] & NEST_LONG_NTH))
		return 2;
	return p[2] == NTH_RAW ? 7 : 3;
}

static void parse_prefixes(const struct op *op, struct prefixes *pf)
{
	memset(pf, 0, sizeof(*pf));
	pf->copies = 1;
	for (size_t k = 0; k < op->at;) {
		const uint8_t *q = op->p + k;

		if (q[0] < OP_BURST) {
			if (!pf->nests++) {
				pf->nest_len = nest_len(q);
				memcpy(pf->nest, q, pf->nest_len);
			}
			k += nest_len(q);
			continue;
		}
		if ((q[0] & 7) == BURST_LONG) {
			pf->copies *= 2 + q[1] % 63u;
			k += 2;
		} else {
			pf->copies *= (q[0] & 7) + 2u;
			k++;
		}
		if (pf->copies > INPUT_BURST_MAX)
			pf->copies = INPUT_BURST_MAX;
	}
}

/* The prefixes pf in the shortest bytes that read the same; their length. */
static size_t put_prefixes(uint8_t *p, const struct prefixes *pf)
{
	size_t n = 0;

	if (pf->copies > BURST_SHORT_MAX) {
		p[n++] = OP_BURST | BURST_LONG;
		p[n++] = (uint8_t)(pf->copies - 2);
	} else if (pf->copies > 1) {
		p[n++] = (uint8_t)(OP_BURST | (pf->copies - 2));
	}
	/* a second nest prefix keeps a dropped nesting dropped */
	for (unsigned int k = 0; k < pf->nests && k < 2; k++) {
		memcpy(p + n, pf->nest, pf->nest_len);
		n += pf->nest_len;
	}
	return n;
}

/* An item the input ended in: prefixes and no opcode. */
static bool is_bare(const struct op *op)
{
	return op->at >= op->len;
}

static bool is_item(const struct op *op)
{
	return !is_bare(op);
}

static bool has_nest(const struct op *op)
{
	for (size_t k = 0; k < op->at;) {
		if (op->p[k] < OP_BURST)
			return true;
		k += (op->p[k] & 7) == BURST_LONG ? 2 : 1;
	}
	return false;
}

static bool is_nested(const struct op *op)
{
	return !is_bare(op) && has_nest(op);
}

static bool is_top(const struct op *op)
{
	return !is_bare(op) && !has_nest(op);
}

/* Item i rebuilt: its prefixes (from pf) in p, then its operation's n bytes. */
static void set_item(struct cut *c, size_t i, uint8_t *p,
		     const struct prefixes *pf, const uint8_t *opb, size_t n)
{
	size_t pre = put_prefixes(p, pf);

	memmove(p + pre, opb, n);
	c->ops[i] = (struct op){ p, pre + n, pre };
}

/* Rewrite an alloc's size to a boundary, keeping its other fields. */
static bool nudge_size(struct cut *c, struct rng *r)
{
	size_t i = pick(c, r, is_alloc), sl, n;
	struct prefix_state s;
	struct prefixes pf;
	const struct op *old;
	uint8_t *p, b[OP_MAX_LEN];

	if (i == c->n || !(p = arena_op(c)) || prefix_state(c, i, &s))
		return false;
	old = &c->ops[i];
	parse_prefixes(old, &pf);
	sl = 1 + size_len(opcode(old));
	n = put_alloc(b, opcode(old), boundary_size(&s, r), s.geo.page_size,
		      old->p + old->at + sl, old->len - old->at - sl);
	set_item(c, i, p, &pf, b, n);
	return true;
}

/* Give an alloc an align byte, change it, or drop it. */
static bool nudge_align(struct cut *c, struct rng *r)
{
	size_t i = pick(c, r, is_alloc), sl;
	struct prefixes pf;
	const struct op *old;
	uint8_t *p, b[OP_MAX_LEN];

	if (i == c->n || !(p = arena_op(c)))
		return false;
	old = &c->ops[i];
	parse_prefixes(old, &pf);
	sl = 1 + size_len(opcode(old));
	memcpy(b, old->p + old->at, sl);
	if ((b[0] & ALLOC_HAS_ALIGN) && below(r, 4) == 0) {
		b[0] &= (uint8_t)~ALLOC_HAS_ALIGN;
		set_item(c, i, p, &pf, b, sl);
		return true;
	}
	b[0] |= ALLOC_HAS_ALIGN;
	b[sl] = random_align(r);
	set_item(c, i, p, &pf, b, sl + 1);
	return true;
}

static bool is_free(const struct op *op)
{
	uint8_t k = opcode(op) >> 5;

	return !is_bare(op) && (k == IK_FREE0 || k == IK_FREE1);
}

/* Point a free at another outstanding allocation (short index). */
static bool repoint_free(struct cut *c, struct rng *r)
{
	size_t i = pick(c, r, is_free);
	struct prefixes pf;
	uint8_t *p, b;

	if (i == c->n || !(p = arena_op(c)))
		return false;
	parse_prefixes(&c->ops[i], &pf);
	b = (uint8_t)((IK_FREE0 << 5) | below(r, below(r, 2) ? 4 : 31));
	set_item(c, i, p, &pf, &b, 1);
	return true;
}

/*
 * The points where each kind of outer operation releases pcpu_lock, on
 * the area-map port and on Linux (docs/interleavings.md §2): most nested
 * operations go there, the rest to any point of the table.
 */
static const char *const alloc_points[] = {
	"extend", "extend-done", "create", "area-found", "populated", "fail",
	"pcpu_alloc", "pcpu_extend_area_map", "pcpu_create_chunk", NULL,
};
static const char *const atomic_points[] = {
	"extend", "create", "area-found", "fail", "pcpu_alloc", NULL,
};
static const char *const free_points[] = {
	"free", "free_percpu", NULL,
};
static const char *const balance_points[] = {
	"extend-done", "balance-reclaim", "balance-depopulated",
	"balance-extend", "balance-populate", "balance-populated",
	"balance-create", "pcpu_balance_free", "pcpu_balance_populated",
	"pcpu_reclaim_populated", "pcpu_balance_workfn", "pcpu_create_chunk",
	"pcpu_depopulate_chunk", "pcpu_extend_area_map", NULL,
};

/* Is name one the linked backend reports (and so ever reached)? */
static bool reported(const char *name)
{
	for (const char *const *p = backend_preempt_points(); *p; p++)
		if (!strcmp(*p, name))
			return true;
	return false;
}

/*
 * A point byte for a nested operation of an outer one with opcode o: a
 * point of the table the linked backend reports, one where that kind of
 * operation releases the lock three times in four; any point of the table
 * when the backend reports none of them.
 */
static uint8_t random_point(struct rng *r, uint8_t o)
{
	unsigned int known = input_points_known(INPUT_FORMAT_VERSION);
	uint8_t cand[256];
	const char *const *list;
	size_t n = 0;
	int idx;

	switch (o >> 5) {
	case IK_ALLOC_ATOMIC:
		list = atomic_points;
		break;
	case IK_FREE0:
	case IK_FREE1:
		list = free_points;
		break;
	case IK_BALANCE:
		list = balance_points;
		break;
	default:
		list = alloc_points;
		break;
	}
	if (below(r, 4))
		for (size_t k = 0; list[k]; k++) {
			idx = trace_point_index(list[k]);
			if (idx >= 0 && (unsigned)idx < known && reported(list[k]))
				cand[n++] = (uint8_t)idx;
		}
	if (!n) /* one time in four, or none of the kind's reported */
		for (unsigned int k = 0; k < known; k++)
			if (reported(trace_points[k]))
				cand[n++] = (uint8_t)k;
	return n ? cand[below(r, n)] : (uint8_t)below(r, known);
}

/* An occurrence: 1 half of the time, 2 to 4 mostly, now and then up to 32. */
static unsigned int random_nth(struct rng *r)
{
	switch (below(r, 8)) {
	case 0: case 1: case 2: case 3:
		return 1;
	case 4: case 5:
		return 2;
	case 6:
		return 3 + (unsigned)below(r, 2);
	default:
		return 5 + (unsigned)below(r, 28);
	}
}

/* A nest prefix (docs/byte-format.md §2.1) into p; its length. */
static size_t put_nest(uint8_t *p, uint8_t point, unsigned int nth)
{
	if (nth <= 4) {
		p[0] = (uint8_t)(OP_NEST | (nth - 1));
		p[1] = point;
		return 2;
	}
	p[0] = OP_NEST | NEST_LONG_NTH;
	p[1] = point;
	if (nth - 1 < NTH_RAW) {
		p[2] = (uint8_t)(nth - 1);
		return 3;
	}
	p[2] = NTH_RAW;
	for (int k = 0; k < 4; k++)
		p[3 + k] = (uint8_t)((nth - 1) >> (8 * k));
	return 7;
}

/* The closest top-level item before item i (c->n when there is none). */
static size_t outer_of(const struct cut *c, size_t i)
{
	while (i-- > 0)
		if (is_top(&c->ops[i]))
			return i;
	return c->n;
}

/* Could the item be an outer operation (a top-level op that is no fail)? */
static bool can_nest_in(const struct op *op)
{
	return is_top(op) && (opcode(op) >> 5) != IK_FAIL;
}

/*
 * A new nested operation at a point of a top-level one: at the end of its
 * block or first in it.  Inside a sleeping alloc or a balance only what
 * the kernel lets run there is drawn (frees, atomic allocs, faults).
 */
static bool insert_nested(struct cut *c, struct rng *r)
{
	size_t i = pick(c, r, can_nest_in), at, pre, n;
	uint8_t *p, o;
	bool mutex;

	if (i == c->n || !(p = arena_op(c)))
		return false;
	o = opcode(&c->ops[i]);
	mutex = (o >> 5) <= IK_ALLOC2 || (o >> 5) == IK_BALANCE;
	at = i + 1;
	if (below(r, 4))
		while (at < c->n && !is_top(&c->ops[at]))
			at++;
	pre = put_nest(p, random_point(r, o), random_nth(r));
	n = random_op(c, r, at, p + pre);
	if (!n)
		return false;
	if (mutex && (p[pre] >> 5) <= IK_ALLOC2)
		p[pre] = (uint8_t)((p[pre] & 0x1f) | IK_ALLOC_ATOMIC << 5);
	else if (mutex && (p[pre] >> 5) == IK_BALANCE)
		p[pre] = (uint8_t)((IK_FREE0 << 5) | below(r, 8));
	if (!open_gap(c, at, 1))
		return false;
	c->ops[at] = (struct op){ p, pre + n, pre };
	return true;
}

static bool remove_nested(struct cut *c, struct rng *r)
{
	size_t i = pick(c, r, is_nested);

	if (i == c->n)
		return false;
	memmove(&c->ops[i], &c->ops[i + 1], (c->n - i - 1) * sizeof(c->ops[0]));
	c->n--;
	return true;
}

/*
 * A block out: its nested items only (the outer op stays, plain), or
 * the outer op with them.
 */
static bool remove_block(struct cut *c, struct rng *r)
{
	size_t start = below(r, c->n), i = c->n, end;

	for (size_t k = 0; k < c->n; k++) {
		size_t j = (start + k) % c->n;

		if (j + 1 < c->n && is_top(&c->ops[j]) &&
		    is_nested(&c->ops[j + 1])) {
			i = j;
			break;
		}
	}
	if (i == c->n)
		return false;
	for (end = i + 1; end < c->n && !is_top(&c->ops[end]); end++)
		;
	if (below(r, 2))
		i++; /* keep the outer op */
	memmove(&c->ops[i], &c->ops[end], (c->n - end) * sizeof(c->ops[0]));
	c->n -= end - i;
	return true;
}

/* A nested item at another point, or at another occurrence of its point. */
static bool change_point(struct cut *c, struct rng *r)
{
	size_t i = pick(c, r, is_nested), outer;
	struct prefixes pf;
	unsigned int nth, old_nth;
	uint8_t *p, point, old_point;
	const struct op *old;

	if (i == c->n || !(p = arena_op(c)))
		return false;
	old = &c->ops[i];
	parse_prefixes(old, &pf);
	point = pf.nest[1];
	nth = (pf.nest[0] & 3) + 1u;
	if ((pf.nest[0] & NEST_LONG_NTH) && pf.nest[2] != NTH_RAW)
		nth = pf.nest[2] + 1u;
	else if (pf.nest[0] & NEST_LONG_NTH)
		nth = 1 + (unsigned)((pf.nest[3] | pf.nest[4] << 8 |
				      pf.nest[5] << 16 |
				      (uint32_t)pf.nest[6] << 24) %
				     TRACE_MAX_AT_NTH);
	old_point = point;
	old_nth = nth;
	if (below(r, 2)) {
		outer = outer_of(c, i);
		point = random_point(r, outer < c->n ? opcode(&c->ops[outer]) :
						       IK_BALANCE << 5);
	} else if (below(r, 2)) {
		nth = nth > 1 && below(r, 2) ? nth - 1 : nth + 1;
	} else {
		nth = random_nth(r);
	}
	if (point == old_point && nth == old_nth)
		nth = nth < TRACE_MAX_AT_NTH ? nth + 1 : 1; /* a change, always */
	pf.nest_len = put_nest(pf.nest, point, nth);
	set_item(c, i, p, &pf, old->p + old->at, old->len - old->at);
	return true;
}

/*
 * A burst on an item, or its count changed: mostly a few copies, now and
 * then a chunk's worth (14, 16, 32, 64); a burst taken off again.
 */
static bool change_burst(struct cut *c, struct rng *r)
{
	static const unsigned int many[] = { 14, 16, 32, 64 };
	size_t i = pick(c, r, is_item);
	unsigned int was;
	struct prefixes pf;
	const struct op *old;
	uint8_t *p;

	if (i == c->n || !(p = arena_op(c)))
		return false;
	old = &c->ops[i];
	parse_prefixes(old, &pf);
	was = pf.copies;
	switch (pf.copies > 1 ? below(r, 4) : 3) {
	case 0:
		pf.copies = 1;
		break;
	case 1:
		pf.copies = pf.copies * 2 > INPUT_BURST_MAX ? INPUT_BURST_MAX :
							    pf.copies * 2;
		break;
	case 2:
		pf.copies = pf.copies / 2 < 2 ? 2 : pf.copies / 2;
		break;
	default:
		pf.copies = below(r, 4) ? 2 + (unsigned)below(r, 7) :
					  many[below(r, 4)];
		break;
	}
	if (pf.copies == was) /* a change, always */
		pf.copies = was > 2 ? was - 1 : was + 1;
	set_item(c, i, p, &pf, old->p + old->at, old->len - old->at);
	return true;
}

/*
 * The first top-level item at or after at (or the end): new top-level
 * items go there, so that no nested item after them changes its outer
 * operation.  A bare item (prefixes the input ended in) stops the walk
 * too: inserted after it, new items would take its prefixes.
 */
static size_t top_level_at(const struct cut *c, size_t at)
{
	while (at < c->n && is_nested(&c->ops[at]))
		at++;
	return at;
}

/* A free item of the allocation at index idx of those outstanding. */
static size_t put_free(uint8_t *p, size_t idx)
{
	if (idx < FREE_LONG_INDEX) {
		p[0] = (uint8_t)((IK_FREE0 << 5) | idx);
		return 1;
	}
	p[0] = (IK_FREE0 << 5) | FREE_LONG_INDEX;
	p[1] = (uint8_t)idx; /* u16, little-endian */
	p[2] = (uint8_t)(idx >> 8);
	return 3;
}

/*
 * Holes between in-use neighbours: one item of 2n equal tiny allocations
 * (a burst), then n frees of every other one.  Neither a burst of frees
 * (it frees consecutive allocations) nor alloc/alloc/free pairs (first
 * fit refills the hole at once) leave such holes; the slot-walk bug needs
 * them.  With L allocations outstanding before, the new ones are at
 * indices L to L + 2n - 1 of those outstanding, and freeing index L + j
 * for j = 0 to n - 1 frees the 1st, 3rd, 5th... (each free moves the ones
 * after it down by one).
 */
static bool punch_holes(struct cut *c, struct rng *r)
{
	size_t at = top_level_at(c, below(r, c->n + 1)), n = 2 + below(r, 7);
	struct prefixes pf = { .copies = (unsigned)(2 * n) };
	uint8_t flags = 0, b[OP_MAX_LEN], *p;
	struct prefix_state s;
	size_t size = below(r, 4) ? 2 : 1 + below(r, 16), len;
	const uint8_t no_align = 0;

	if (below(r, 8) == 0)
		flags |= (uint8_t)(IK_ALLOC_ATOMIC << 5);
	/* the decoder's limits would drop allocations or cut frees off */
	if (c->arena_used + 1 + n > ARENA_OPS || prefix_state(c, at, &s) ||
	    s.nr_live + 2 * n > INPUT_MAX_LIVE ||
	    s.nr_ops + 3 * n > INPUT_MAX_OPS || !open_gap(c, at, 1 + n))
		return false;
	len = put_alloc(b, flags, size, c->geo.page_size, &no_align, 0);
	set_item(c, at, arena_op(c), &pf, b, len);
	for (size_t j = 0; j < n; j++) {
		p = arena_op(c);
		c->ops[at + 1 + j] = (struct op){ p, put_free(p, s.nr_live + j),
						  0 };
	}
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

/*
 * The op-level mutations, each drawn with its weight out of the sum
 * (24): new, copied and resized ops the most often.  A table, so that a
 * mutation and its odds are written down in one place.
 */
static const struct mutation {
	bool (*fn)(struct cut *c, struct rng *r);
	unsigned weight;
} mutations[] = {
	{ insert_op, 3 },     { delete_ops, 2 },   { duplicate_ops, 3 },
	{ swap_ops, 2 },      { nudge_size, 3 },   { nudge_align, 1 },
	{ repoint_free, 1 },  { new_header, 1 },   { insert_nested, 2 },
	{ remove_nested, 1 }, { remove_block, 1 }, { change_point, 1 },
	{ change_burst, 1 },  { punch_holes, 2 },
};

static bool mutate_ops(struct cut *c, struct rng *r)
{
	size_t n = sizeof(mutations) / sizeof(mutations[0]), total = 0, pick, i;

	for (i = 0; i < n; i++)
		total += mutations[i].weight;
	pick = below(r, total);
	for (i = 0; pick >= mutations[i].weight; i++)
		pick -= mutations[i].weight;
	return mutations[i].fn(c, r);
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
