// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of the byte form's operations in version 4 (trace/input_decode.c,
 * trace/input_encode.c, docs/byte-format.md §2): crafted inputs with nest
 * and burst prefixes decode to exactly the expected trace, nesting the
 * text form would refuse is dropped, version-3 inputs keep their old
 * meaning, and traces round-trip through the encoder.  The corpus's
 * decoding against the version-3 decoder is checked by
 * tests/suite-bytes.sh.
 */
#include <stdlib.h>

#include "input_format.h"
#include "input_ops.h"
#include "points.h"
#include "test.h"

/* 4 CPUs, 4 KiB pages, the minimum unit, static 8192, no reserved area. */
#define HDR4 4, 0x03, 0x00, 0x00
#define HDR3 3, 0x03, 0x00, 0x00

/* point bytes (indices into trace_points[]) */
enum { P_EXTEND = 0, P_CREATE = 2, P_AREA_FOUND = 3, P_POPULATED = 4,
       P_BALANCE_RECLAIM = 7, P_PCPU_ALLOC = 13 };

static struct trace decode(const uint8_t *b, size_t n)
{
	struct trace t;

	if (trace_decode(b, n, &t))
		abort();
	return t;
}

#define DECODE(...)                                                   \
	({                                                            \
		static const uint8_t in_[] = { __VA_ARGS__ };         \
		decode(in_, sizeof(in_));                             \
	})

/* op i of t is a top-level op of that kind (and id, for allocs and frees) */
static void expect_top(const struct trace *t, size_t i, enum trace_op_kind k,
		       unsigned id)
{
	EXPECT(i < t->nr_ops);
	if (i >= t->nr_ops)
		return;
	EXPECT_EQ(t->ops[i].kind, k);
	EXPECT(!t->ops[i].nested);
	EXPECT_STREQ(t->ops[i].at, "");
	EXPECT_EQ(t->ops[i].at_nth, 0);
	if (k == OP_ALLOC || k == OP_FREE)
		EXPECT_EQ(t->ops[i].id, id);
}

static void expect_nested(const struct trace *t, size_t i,
			  enum trace_op_kind k, unsigned id, const char *at,
			  unsigned nth)
{
	EXPECT(i < t->nr_ops);
	if (i >= t->nr_ops)
		return;
	EXPECT_EQ(t->ops[i].kind, k);
	EXPECT(t->ops[i].nested);
	EXPECT_STREQ(t->ops[i].at, at);
	EXPECT_EQ(t->ops[i].at_nth, nth);
	if (k == OP_ALLOC || k == OP_FREE)
		EXPECT_EQ(t->ops[i].id, id);
}

/*
 * The table: 13 area-map names in docs/interleavings.md §2.1 order, then
 * the Linux functions; every name fits TRACE_POINT_MAX and is a legal text
 * point name; version 4 knows all of them, version 3 none.
 */
static void test_points_table(void)
{
	static const char *const area_map[] = {
		"extend", "extend-done", "create", "area-found", "populated",
		"fail", "free", "balance-reclaim", "balance-depopulated",
		"balance-extend", "balance-populate", "balance-populated",
		"balance-create",
	};

	EXPECT_EQ(input_points_known(4), trace_nr_points);
	EXPECT_EQ(input_points_known(3), 0);
	EXPECT(trace_nr_points <= 256);
	for (size_t i = 0; i < TRACE_AREA_MAP_POINTS; i++)
		EXPECT_STREQ(trace_points[i], area_map[i]);
	EXPECT_STREQ(trace_points[TRACE_AREA_MAP_POINTS], "pcpu_alloc");
	for (size_t i = 0; i < trace_nr_points; i++) {
		const char *p = trace_points[i];

		EXPECT(strlen(p) > 0 && strlen(p) < TRACE_POINT_MAX);
		EXPECT_EQ(strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789_-"),
			  strlen(p));
		EXPECT_EQ(trace_point_index(p), (long long)i);
	}
	EXPECT_EQ(trace_point_index("no-such-point"), -1);
	EXPECT_EQ(trace_point_index(""), -1);
}

/*
 * alloc 8; alloc 100 { at area-found: free 0; alloc 8 atomic;
 * at populated 2: fail page }; balance.  Expected: ids 0, 1, then the
 * nested free of 0 and the nested atomic alloc id 2, right after their
 * outer op.
 */
static void test_decode_nested_block(void)
{
	struct trace t = DECODE(HDR4, 0x00, 0x07, 0x01, 0x63,
				0xd0, P_AREA_FOUND, 0x80,
				0xd0, P_AREA_FOUND, 0x60, 0x07,
				0xd1, P_POPULATED, 0xe0,
				0xc0);

	EXPECT_EQ(t.nr_ops, 6);
	expect_top(&t, 0, OP_ALLOC, 0);
	expect_top(&t, 1, OP_ALLOC, 1);
	EXPECT_EQ(t.ops[1].size, 100);
	expect_nested(&t, 2, OP_FREE, 0, "area-found", 1);
	expect_nested(&t, 3, OP_ALLOC, 2, "area-found", 1);
	EXPECT(t.ops[3].atomic);
	EXPECT_EQ(t.ops[3].size, 8);
	expect_nested(&t, 4, OP_FAIL, 0, "populated", 2);
	EXPECT_EQ(t.ops[4].fault, PCPU_FAULT_PAGE);
	EXPECT_EQ(t.ops[4].count, 1);
	expect_top(&t, 5, OP_BALANCE, 0);
	EXPECT_EQ(t.nr_allocs, 3);
	trace_free(&t);
}

/*
 * Occurrences: bits 1..0 give 1 to 4; bit 2 a byte b (b + 1: 1 to 255);
 * b = 0xff a u32 v (v % 1,000,000 + 1).  Point bytes past the table wrap
 * around it.
 */
static void test_decode_occurrences(void)
{
	struct trace t = DECODE(HDR4, 0x60, 0x07,
				0xd3, P_EXTEND, 0xc0,
				0xd4, P_CREATE, 0x04, 0xc0,
				0xd4, P_CREATE, 0xfe, 0xc0,
				0xd4, P_CREATE, 0xff, 0x3f, 0x42, 0x0f, 0x00, 0xc0,
				0xd4, P_CREATE, 0xff, 0x40, 0x42, 0x0f, 0x00, 0xc0,
				0xd0, 22 + P_AREA_FOUND, 0xc0);

	EXPECT_EQ(t.nr_ops, 7);
	expect_nested(&t, 1, OP_BALANCE, 0, "extend", 4);
	expect_nested(&t, 2, OP_BALANCE, 0, "create", 5);
	expect_nested(&t, 3, OP_BALANCE, 0, "create", 255);
	expect_nested(&t, 4, OP_BALANCE, 0, "create", 1000000);
	expect_nested(&t, 5, OP_BALANCE, 0, "create", 1); /* 1,000,000 % 1e6 */
	expect_nested(&t, 6, OP_BALANCE, 0, "area-found", 1);
	trace_free(&t);
}

/*
 * Illegal nesting is dropped, the bytes consumed: a nested op with no
 * op before it; a non-atomic alloc or a balance inside a non-atomic alloc or
 * a balance (the mutex twice); anything inside a fail; a nested op
 * nested again; a nested free when every allocation outstanding is the
 * outer op's or its block's.  What stays: alloc 8 atomic nested in the
 * non-atomic alloc, a non-atomic alloc and a balance inside an atomic alloc,
 * a balance inside a free.
 */
static void test_decode_drops_illegal_nesting(void)
{
	struct trace t = DECODE(HDR4,
		0xd0, P_AREA_FOUND, 0x00, 0x07,	   /* nothing to nest in */
		0x01, 0x63,			   /* alloc 100: id 0 */
		0xd0, P_AREA_FOUND, 0x00, 0x07,	   /* non-atomic in non-atomic */
		0xd0, P_AREA_FOUND, 0xc0,	   /* balance in non-atomic */
		0xd0, P_AREA_FOUND, 0x80,	   /* free of the outer's id */
		0xd0, P_AREA_FOUND, 0x60, 0x07,	   /* kept: atomic, id 1 */
		0xd0, P_AREA_FOUND, 0x81,	   /* free of the block's id 1 */
		0xd0, P_AREA_FOUND, 0xd0, P_EXTEND, 0x60, 0x07, /* nest twice */
		0xe0,				   /* fail page */
		0xd0, P_AREA_FOUND, 0x60, 0x07,	   /* in a fail */
		0x60, 0x07,			   /* alloc 8 atomic: id 2 */
		0xd0, P_PCPU_ALLOC, 0x00, 0x07,	   /* kept: non-atomic, id 3 */
		0xd0, P_PCPU_ALLOC, 0xc0,	   /* kept: balance */
		0x80,				   /* free 0 */
		0xd0, P_AREA_FOUND, 0xc0);	   /* kept: balance in a free */

	EXPECT_EQ(t.nr_ops, 8);
	expect_top(&t, 0, OP_ALLOC, 0);
	expect_nested(&t, 1, OP_ALLOC, 1, "area-found", 1);
	EXPECT(t.ops[1].atomic);
	expect_top(&t, 2, OP_FAIL, 0);
	expect_top(&t, 3, OP_ALLOC, 2);
	expect_nested(&t, 4, OP_ALLOC, 3, "pcpu_alloc", 1);
	EXPECT(!t.ops[4].atomic);
	expect_nested(&t, 5, OP_BALANCE, 0, "pcpu_alloc", 1);
	expect_top(&t, 6, OP_FREE, 0);
	expect_nested(&t, 7, OP_BALANCE, 0, "area-found", 1);
	EXPECT_EQ(t.nr_allocs, 4);
	trace_free(&t);
}

/*
 * A nested free's index counts only the allocations made before its
 * outer op: with 0, 1, 2 outstanding and the outer alloc 3, index 4
 * (4 % 3) frees 1; after it, index 2 (2 % 2) frees 0.
 */
static void test_decode_nested_free_index(void)
{
	struct trace t = DECODE(HDR4, 0x00, 0x07, 0x00, 0x07, 0x00, 0x07,
				0x60, 0x07,
				0xd0, P_AREA_FOUND, 0x84,
				0xd0, P_AREA_FOUND, 0x82,
				0x80);

	EXPECT_EQ(t.nr_ops, 7);
	expect_nested(&t, 4, OP_FREE, 1, "area-found", 1);
	expect_nested(&t, 5, OP_FREE, 0, "area-found", 1);
	expect_top(&t, 6, OP_FREE, 2);
	trace_free(&t);
}

/*
 * Bursts: 0xd8 | k repeats the next op k + 2 times (2 to 8), 0xdf a count
 * byte c: 2 + c % 63 times (up to 64).  "Fourteen atomic allocations" is
 * 0xdf 12 and one atomic alloc; a burst of frees with index i frees the
 * allocation at index i, then the next one outstanding, and so on
 * (wrapping around to the first); bursts multiply, up to 64 copies; a
 * burst of a nested op repeats it in the same block.
 */
static void test_decode_bursts(void)
{
	struct trace t = DECODE(HDR4, 0xdf, 12, 0x60, 0x07);

	EXPECT_EQ(t.nr_ops, 14);
	for (unsigned i = 0; i < 14; i++) {
		expect_top(&t, i, OP_ALLOC, i);
		EXPECT(t.ops[i].atomic && t.ops[i].size == 8);
	}
	trace_free(&t);

	/* 5 allocs; free index 3 three times: 3, 4, then 0 */
	t = DECODE(HDR4, 0xdb, 0x00, 0x07, 0xd9, 0x83);
	EXPECT_EQ(t.nr_ops, 8);
	expect_top(&t, 5, OP_FREE, 3);
	expect_top(&t, 6, OP_FREE, 4);
	expect_top(&t, 7, OP_FREE, 0);
	trace_free(&t);

	/* free bursts stop freeing when nothing is outstanding */
	t = DECODE(HDR4, 0x00, 0x07, 0xde, 0x80, 0xc0);
	EXPECT_EQ(t.nr_ops, 3);
	expect_top(&t, 1, OP_FREE, 0);
	expect_top(&t, 2, OP_BALANCE, 0);
	trace_free(&t);

	/* 8 x 8 = 64; 64 x 8 is capped at 64; count byte 62 and 125: 64 */
	t = DECODE(HDR4, 0xde, 0xde, 0xc0);
	EXPECT_EQ(t.nr_ops, 64);
	trace_free(&t);
	t = DECODE(HDR4, 0xde, 0xde, 0xde, 0xc0, 0xdf, 62, 0xc0,
		   0xdf, 125, 0xc0);
	EXPECT_EQ(t.nr_ops, 192);
	trace_free(&t);

	/* a nested burst: alloc 100 { at populated 3: alloc 8 atomic x3 } */
	t = DECODE(HDR4, 0x01, 0x63, 0xd9, 0xd2, P_POPULATED, 0x60, 0x07,
		   0xd2, P_POPULATED, 0xd9, 0x60, 0x07);
	EXPECT_EQ(t.nr_ops, 7);
	for (unsigned i = 1; i < 7; i++)
		expect_nested(&t, i, OP_ALLOC, i, "populated", 3);
	trace_free(&t);

	/* a burst of a dropped nested op drops every copy */
	t = DECODE(HDR4, 0x01, 0x63, 0xdb, 0xd0, P_AREA_FOUND, 0x00, 0x07);
	EXPECT_EQ(t.nr_ops, 1);
	trace_free(&t);
}

/* Bursts stop at the decoder's limits: 4096 ops, 512 outstanding. */
static void test_decode_burst_limits(void)
{
	uint8_t in[4 + 3 * 100];
	struct trace t;

	memcpy(in, (uint8_t[]){ HDR4 }, 4);
	for (int i = 0; i < 100; i++) {
		in[4 + 3 * i] = 0xdf;
		in[5 + 3 * i] = 62;
		in[6 + 3 * i] = 0x05; /* alloc 2 */
	}
	t = decode(in, sizeof(in));
	EXPECT_EQ(t.nr_ops, INPUT_MAX_LIVE);
	trace_free(&t);
	for (int i = 0; i < 100; i++)
		in[6 + 3 * i] = 0xc0; /* balance */
	t = decode(in, sizeof(in));
	EXPECT_EQ(t.nr_ops, INPUT_MAX_OPS);
	trace_free(&t);
}

/*
 * Prefixes at the end of the input, with no opcode after them, decode to
 * nothing; their operands past the end read as zero as usual.
 */
static void test_decode_bare_prefixes(void)
{
	struct trace t = DECODE(HDR4, 0x05, 0xd9);

	EXPECT_EQ(t.nr_ops, 1);
	trace_free(&t);
	t = DECODE(HDR4, 0x05, 0xd0);
	EXPECT_EQ(t.nr_ops, 1);
	trace_free(&t);
	t = DECODE(HDR4, 0x05, 0xd4, P_CREATE);
	EXPECT_EQ(t.nr_ops, 1);
	trace_free(&t);
}

/*
 * Version bytes 1 to 3 read as version 3: 0xd0..0xdf are balances with
 * ignored bits.  Byte 0, 4 and anything above read as version 4.
 */
static void test_decode_version3_unchanged(void)
{
	static const uint8_t ops[] = { 0x65, 0xd0, 0xc0, 0x65, 0xdb, 0xc3 };
	uint8_t in[4 + sizeof(ops)] = { HDR3 };
	struct trace t;

	memcpy(in + 4, ops, sizeof(ops));
	for (int v = 1; v <= 3; v++) {
		in[0] = (uint8_t)v;
		t = decode(in, sizeof(in));
		/* alloc 2 atomic, balance, balance, alloc 2 atomic, balance, balance */
		EXPECT_EQ(t.nr_ops, 6);
		expect_top(&t, 1, OP_BALANCE, 0);
		expect_top(&t, 2, OP_BALANCE, 0);
		expect_top(&t, 3, OP_ALLOC, 1);
		expect_top(&t, 4, OP_BALANCE, 0);
		expect_top(&t, 5, OP_BALANCE, 0);
		trace_free(&t);
	}
	for (int v = 0; v < 256; v += 4) {
		in[0] = (uint8_t)v;
		t = decode(in, sizeof(in));
		/*
		 * alloc 2 atomic { at pcpu_balance_populated (0xc0 % 22 = 16):
		 * alloc 2 atomic }, then five balances
		 */
		EXPECT_EQ(t.nr_ops, 7);
		expect_top(&t, 0, OP_ALLOC, 0);
		expect_nested(&t, 1, OP_ALLOC, 1, "pcpu_balance_populated", 1);
		for (size_t i = 2; i < 7; i++)
			expect_top(&t, i, OP_BALANCE, 0);
		trace_free(&t);
	}
}

/* Does b hold the n bytes of want somewhere? */
static bool has_bytes(const uint8_t *b, size_t len, const uint8_t *want,
		      size_t n)
{
	for (size_t i = 0; i + n <= len; i++)
		if (!memcmp(b + i, want, n))
			return true;
	return false;
}

static bool same_ops(const struct trace *a, const struct trace *b)
{
	if (memcmp(&a->geo, &b->geo, sizeof(a->geo)) || a->nr_ops != b->nr_ops)
		return false;
	for (size_t i = 0; i < a->nr_ops; i++) {
		const struct trace_op *x = &a->ops[i], *y = &b->ops[i];

		if (x->kind != y->kind || x->size != y->size ||
		    x->align != y->align || x->atomic != y->atomic ||
		    x->reserved != y->reserved || x->id != y->id ||
		    x->fault != y->fault || x->count != y->count ||
		    x->after != y->after || x->nested != y->nested ||
		    x->at_nth != y->at_nth || strcmp(x->at, y->at))
			return false;
	}
	return true;
}

/* Append op, nested at (point, nth) when point is not NULL. */
static void add(struct trace *t, struct trace_op op, const char *point,
		unsigned nth)
{
	if (point) {
		op.nested = true;
		snprintf(op.at, sizeof(op.at), "%s", point);
		op.at_nth = nth;
	}
	if (trace_append(t, &op))
		abort();
}

#define ALLOC(sz, atom) ((struct trace_op){ .kind = OP_ALLOC, .size = (sz), .atomic = (atom) })
#define FREE(i) ((struct trace_op){ .kind = OP_FREE, .id = (i) })
#define BALANCE ((struct trace_op){ .kind = OP_BALANCE })
#define FAIL(n) ((struct trace_op){ .kind = OP_FAIL, .fault = PCPU_FAULT_MAP, .count = (n) })

/*
 * Round trip at the struct level: a trace with nested blocks, every
 * occurrence form, Linux point names, runs of equal ops (top-level and
 * nested) and frees encodes to bytes that decode to the same trace,
 * and the runs cost one burst prefix each instead of their copies.
 */
static void test_round_trip_nested_and_bursts(void)
{
	struct trace t, back;
	uint8_t *b;
	size_t n;
	char err[256];

	trace_init(&t);
	for (int i = 0; i < 14; i++)
		add(&t, ALLOC(8, true), NULL, 0);		/* ids 0..13 */
	add(&t, ALLOC(100, false), NULL, 0);			/* id 14 */
	add(&t, FREE(3), "area-found", 1);
	add(&t, FREE(4), "area-found", 1);
	add(&t, FREE(5), "area-found", 1);
	add(&t, ALLOC(8, true), "populated", 2);		/* id 15 */
	add(&t, ALLOC(8, true), "populated", 2);		/* id 16 */
	add(&t, FAIL(2), "extend", 5);
	add(&t, FAIL(2), "extend", 255);
	add(&t, FAIL(2), "extend", 256);
	add(&t, FAIL(2), "extend", 1000000);
	add(&t, BALANCE, NULL, 0);
	add(&t, FREE(15), "balance-reclaim", 1);
	add(&t, ALLOC(16, true), "pcpu_balance_workfn", 3);	/* id 17 */
	add(&t, FREE(14), NULL, 0);
	add(&t, ALLOC(32, false), "free", 1);			/* id 18 */
	add(&t, BALANCE, "free", 1);
	for (int i = 0; i < 70; i++)
		add(&t, BALANCE, NULL, 0);
	add(&t, FREE(0), NULL, 0);
	add(&t, FREE(1), NULL, 0);
	add(&t, FREE(2), NULL, 0);
	EXPECT_EQ(trace_encode(&t, &b, &n, err, sizeof(err)), 0);
	if (!b)
		return;
	back = decode(b, n);
	EXPECT(same_ops(&t, &back));
	EXPECT_EQ(b[0], INPUT_FORMAT_VERSION);
	EXPECT_EQ(b[4], 0xdf); /* 14 atomic allocs: one long burst */
	EXPECT_EQ(b[5], 12);
	/* 70 balances: 64 in a burst, then 6 in a short one */
	EXPECT(has_bytes(b, n, (const uint8_t[]){ 0xdf, 62, 0xc0, 0xdc, 0xc0 }, 5));
	EXPECT(n <= 70);
	free(b);
	trace_free(&back);
	trace_free(&t);
}

/*
 * bytes -> trace -> bytes -> trace is the identity on traces, for random
 * inputs rich in prefixes (a third of the opcodes are nest or burst).
 */
static void test_round_trip_random_inputs(void)
{
	uint64_t s = 88172645463325252ULL;
	unsigned bad = 0;
	size_t nested = 0;

	for (int k = 0; k < 400; k++) {
		uint8_t in[200], *b;
		size_t len = 4 + (size_t)(k % 196), n;
		struct trace a, back;
		char err[256];

		for (size_t i = 0; i < len; i++) {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			in[i] = (uint8_t)s;
			if (i >= 4 && s % 3 == 0)
				in[i] = (uint8_t)(0xd0 + (s >> 8) % 16);
		}
		in[0] = 4;
		a = decode(in, len);
		if (trace_encode(&a, &b, &n, err, sizeof(err))) {
			bad++;
			fprintf(stderr, "random input %d: %s\n", k, err);
			trace_free(&a);
			continue;
		}
		back = decode(b, n);
		bad += !same_ops(&a, &back);
		for (size_t i = 0; i < a.nr_ops; i++)
			nested += a.ops[i].nested;
		free(b);
		trace_free(&a);
		trace_free(&back);
	}
	EXPECT_EQ(bad, 0);
	EXPECT(nested > 200); /* the inputs do nest */
}

/*
 * What the byte form cannot express is refused with one line: a point
 * outside the table, an occurrence out of range, a nested op with
 * nothing before it, nesting the decoder would drop, a nested free of
 * the block's own allocation.
 */
static void test_encoder_refuses(void)
{
	struct {
		const char *why, *want;
	} cases[] = {
		{ "point", "operation 2: point 'no-such-point' has no byte form" },
		{ "nth", "operation 2: occurrence 1000001 out of 1..1000000" },
		{ "first", "operation 1: nested, with no operation before it" },
		{ "mutex", "operation 2: cannot run nested in operation 1" },
		{ "fail", "operation 2: cannot run nested in operation 1" },
		{ "own", "operation 3: nested free of id 1, made by its own block" },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct trace t;
		uint8_t *b = NULL;
		size_t n;
		char err[256] = "";

		trace_init(&t);
		switch (c) {
		case 0:
			add(&t, ALLOC(8, false), NULL, 0);
			add(&t, FREE(0), "no-such-point", 1);
			break;
		case 1:
			add(&t, BALANCE, NULL, 0);
			add(&t, FAIL(1), "extend", TRACE_MAX_AT_NTH + 1);
			break;
		case 2:
			add(&t, BALANCE, "extend", 1);
			break;
		case 3:
			add(&t, ALLOC(8, false), NULL, 0);
			add(&t, ALLOC(8, false), "area-found", 1);
			break;
		case 4:
			add(&t, FAIL(1), NULL, 0);
			add(&t, BALANCE, "extend", 1);
			break;
		default:
			add(&t, ALLOC(8, true), NULL, 0);
			add(&t, ALLOC(8, true), "area-found", 1);
			add(&t, FREE(1), "area-found", 1);
			break;
		}
		EXPECT_EQ(trace_encode(&t, &b, &n, err, sizeof(err)), -1);
		if (strncmp(err, cases[c].want, strlen(cases[c].want)))
			fprintf(stderr, "%s: got '%s'\n", cases[c].why, err);
		EXPECT(!strncmp(err, cases[c].want, strlen(cases[c].want)));
		EXPECT(!strchr(err, '\n'));
		trace_free(&t);
	}
}

/*
 * The item spans the decoder reports tile the input, and their lengths
 * agree with input_op_len() (which reads no state), prefixes included.
 */
static void test_spans_match_item_lengths(void)
{
	static const uint8_t in[] = { HDR4, 0xdf, 12, 0x60, 0x07,
				      0xd4, P_CREATE, 0xff, 1, 2, 3, 4, 0xc0,
				      0xd9, 0xd0, 0, 0xd0, 1, 0x83,
				      0xe7, 1, 0, 0, 0, 0xff, 1, 0, 0, 0,
				      0xd8, 0xd4 };
	struct input_op_span sp[16];
	size_t n = input_split_ops(in, sizeof(in), sp, 16), pos = 4;

	EXPECT_EQ(n, 5);
	for (size_t i = 0; i < n && i < 16; i++) {
		EXPECT_EQ(sp[i].off, pos);
		EXPECT_EQ(sp[i].len, input_op_len(in, sizeof(in), pos));
		pos += sp[i].len;
	}
	EXPECT_EQ(pos, sizeof(in) + 2); /* the last nest's operands past the end */
	EXPECT_EQ(sp[0].nr, 14);
	EXPECT_EQ(sp[0].op, 2);
	EXPECT(!sp[1].noop && sp[1].nested && sp[1].op == 7);
	EXPECT(sp[2].noop && sp[2].nested); /* nested twice: dropped */
	EXPECT_EQ(sp[3].kind, IK_FAIL);
	EXPECT(sp[4].bare && sp[4].noop);
}

/*
 * Every byte input of corpus/ and crashes/ (version 3, run from the
 * repository root) re-encodes as version 4 to the same trace: the new
 * encoder expresses everything the old form did.
 */
static void test_corpus_reencodes_as_version4(void)
{
	static const char *const dirs[] = {
		"corpus", "crashes/align-pow2", "crashes/slot-walk-hang",
		"crashes/map-unwind-leftover",
	};
	struct input_list l = { 0 };
	unsigned inputs = 0, bad = 0;

	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++)
		EXPECT_EQ(input_list_collect(&l, dirs[d]), 0);
	for (size_t i = 0; i < l.n; i++) {
		struct trace a, back;
		uint8_t *b;
		size_t n;
		char err[256];
		size_t plen = strlen(l.paths[i]);

		if ((plen > 6 && !strcmp(l.paths[i] + plen - 6, ".trace")) ||
		    (plen > 3 && !strcmp(l.paths[i] + plen - 3, ".md")) ||
		    (plen > 8 && !strcmp(l.paths[i] + plen - 8, "expected")))
			continue;
		trace_init(&a);
		if (input_load(l.paths[i], &a, NULL, err, sizeof(err)))
			abort();
		inputs++;
		if (trace_encode(&a, &b, &n, err, sizeof(err))) {
			fprintf(stderr, "%s: %s\n", l.paths[i], err);
			bad++;
			trace_free(&a);
			continue;
		}
		back = decode(b, n);
		if (!same_ops(&a, &back) || b[0] != 4) {
			fprintf(stderr, "%s: re-encoded, decodes differently\n",
				l.paths[i]);
			bad++;
		}
		free(b);
		trace_free(&a);
		trace_free(&back);
	}
	input_list_free(&l);
	EXPECT(inputs >= 450);
	EXPECT_EQ(bad, 0);
}

void suite_input_ops(void)
{
	RUN(test_points_table);
	RUN(test_decode_nested_block);
	RUN(test_decode_occurrences);
	RUN(test_decode_drops_illegal_nesting);
	RUN(test_decode_nested_free_index);
	RUN(test_decode_bursts);
	RUN(test_decode_burst_limits);
	RUN(test_decode_bare_prefixes);
	RUN(test_decode_version3_unchanged);
	RUN(test_round_trip_nested_and_bursts);
	RUN(test_round_trip_random_inputs);
	RUN(test_encoder_refuses);
	RUN(test_spans_match_item_lengths);
	RUN(test_corpus_reencodes_as_version4);
}
