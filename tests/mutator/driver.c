// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test driver for the custom mutator (fuzzers/mutator.c, included here so
 * that its single mutations can be called one by one) and for the operation
 * boundaries of trace/input_ops.c.  It replaces libFuzzer's byte mutator
 * with a fixed stub, so every result depends on the seed alone.
 * Usage: mutator-test [SEED]; prints failures, then
 * "mutator-driver: N passed, N failed".
 */
#include <stdio.h>

#include "check.h"
#include "mutator.c"

static unsigned passed, failed;

/* libFuzzer's byte mutator, stubbed: bump one byte, or write one. */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size)
{
	if (!size) {
		if (!max_size)
			return 0;
		data[0] = 0x05;
		return 1;
	}
	data[size / 2]++;
	return size;
}

/* a prefix decodes to the very same ops: ids included */
static bool same_op(const struct trace_op *a, const struct trace_op *b)
{
	return trace_op_same_but_id(a, b) && a->id == b->id;
}

/* Is x's operation list the first x->nr_ops of y's? */
static bool is_prefix(const struct trace *x, const struct trace *y)
{
	if (x->nr_ops > y->nr_ops ||
	    memcmp(&x->geo, &y->geo, sizeof(x->geo)))
		return false;
	for (size_t i = 0; i < x->nr_ops; i++)
		if (!same_op(&x->ops[i], &y->ops[i]))
			return false;
	return true;
}

/*
 * Random bytes, raw headers now and then, runs of one opcode; a third of
 * the inputs rich in prefixes (nest and burst opcodes), one in eight of
 * version 3.
 */
static size_t random_input(struct rng *r, uint8_t *buf, size_t max)
{
	size_t len = below(r, max + 1);
	bool prefixes = below(r, 3) == 0;

	for (size_t i = 0; i < len; i++) {
		buf[i] = (uint8_t)rnd(r);
		if (prefixes && i >= 4 && below(r, 4) == 0)
			buf[i] = (uint8_t)(OP_NEST + below(r, 16));
	}
	if (len && below(r, 8) == 0)
		buf[0] = (uint8_t)(1 + below(r, 3));
	if (len > 1 && below(r, 8) == 0)
		buf[1] = GEO_RAW;
	if (len > 40 && below(r, 4) == 0)
		memset(buf + 30, buf[30], below(r, len - 30));
	return len;
}

/*
 * input_split_ops() agrees with trace_decode() and input_op_len(): items
 * tile the input from the header on, each as long as input_op_len() says,
 * every prefix ending at an item boundary decodes to a prefix of the whole
 * trace with as many more operations as the item says it decoded to (none
 * for a no-op, several for a burst), and the count matches.  Checks one
 * input; counts one pass or failure.
 */
static bool check_split(const uint8_t *data, size_t len, const char *what)
{
	struct input_op_span *sp = malloc((len + 1) * sizeof(*sp));
	struct trace whole, part;
	size_t n, pos, ops = 0;
	bool ok = true;

	if (!sp || trace_decode(data, len, &whole))
		abort();
	n = input_split_ops(data, len, sp, len + 1);
	pos = input_header_len(data, len);
	for (size_t i = 0; ok && i < n; i++) {
		size_t end = sp[i].off + sp[i].len;

		ok = sp[i].off == pos &&
		     sp[i].len == input_op_len(data, len, pos) &&
		     (sp[i].bare ||
		      sp[i].kind == data[pos + sp[i].op] >> 5) &&
		     sp[i].noop == !sp[i].nr;
		if (trace_decode(data, end < len ? end : len, &part))
			abort();
		ops += sp[i].nr;
		ok = ok && part.nr_ops == ops && is_prefix(&part, &whole);
		trace_free(&part);
		pos = end;
	}
	ok = ok && ops == whole.nr_ops;
	/* stopped for a reason: the input ended or the decoder's limit */
	ok = ok && (pos >= len || ops == INPUT_MAX_OPS);
	if (!ok)
		fprintf(stderr, "%s (%zu bytes): operation boundaries disagree "
				"with the decoder\n", what, len);
	trace_free(&whole);
	free(sp);
	return ok;
}

/* Cutting into operations and joining them again keeps the trace. */
static bool check_rejoin(const uint8_t *data, size_t len)
{
	struct cut c;
	uint8_t *out = malloc(len + OP_MAX_LEN + 32);
	struct trace a, b;
	size_t n;

	if (!out || cut_input(&c, data, len))
		abort();
	n = emit(&c, 0, c.n, out, len + OP_MAX_LEN + 32);
	if (trace_decode(data, len, &a) || trace_decode(out, n, &b))
		abort();
	bool ok = a.nr_ops == b.nr_ops && is_prefix(&a, &b);

	if (!ok)
		fprintf(stderr, "re-joined operations of a %zu-byte input "
				"decode differently\n", len);
	trace_free(&a);
	trace_free(&b);
	cut_free(&c);
	free(out);
	return ok;
}

static void test_split(struct rng *r)
{
	static uint8_t buf[6000];
	unsigned bad_split = 0, bad_join = 0;
	size_t len;

	for (int i = 0; i < 400; i++) {
		len = random_input(r, buf, 300);
		bad_split += !check_split(buf, len, "random input");
		bad_join += !check_rejoin(buf, len);
	}
	CHECK(!bad_split, "%u of 400 random inputs split wrongly", bad_split);
	CHECK(!bad_join, "%u of 400 random inputs re-joined wrongly",
	       bad_join);
	/* the decoder's limits: 4096 operations, 512 outstanding */
	memset(buf, 0, 4);
	memset(buf + 4, 0xc0, 5000); /* balances */
	CHECK(check_split(buf, 5004, "5000 balances"), "operation limit");
	memset(buf + 4, 0x80, 10); /* frees of nothing: no operation */
	CHECK(check_split(buf, 5004, "10 no-op frees, balances"),
	       "no-op frees");
	memset(buf + 4, 0x05, 520); /* allocs past the limit: no-ops */
	memset(buf + 524, 0x9f, 30); /* frees with a long index */
	CHECK(check_split(buf, 5004, "520 allocs, frees, balances"),
	       "outstanding limit");
}

/* Same seed, same input: same output, within max_size, never empty. */
static void test_determinism(struct rng *r)
{
	static uint8_t in[4096], a[4096], b[4096], o1[4096], o2[4096];
	unsigned differ = 0, same = 0, stateless = 0, bounded = 0, cross = 0;

	for (int i = 0; i < 300; i++) {
		size_t len = random_input(r, in, 400);
		size_t max = len + below(r, 4096 - len + 1);
		unsigned seed = (unsigned)rnd(r);
		size_t na, nb;

		if (max < 4)
			max = 4;
		memcpy(a, in, len);
		memcpy(b, in, len);
		na = LLVMFuzzerCustomMutator(a, len, max, seed);
		nb = LLVMFuzzerCustomMutator(b, len, max, seed);
		same += na == nb && !memcmp(a, b, na);
		bounded += na > 0 && na <= max;
		differ += na != len || memcmp(a, in, len) != 0;
		/* no state kept between calls: another seed in between */
		memcpy(b, in, len);
		LLVMFuzzerCustomMutator(b, len, max, seed + 1);
		memcpy(b, in, len);
		nb = LLVMFuzzerCustomMutator(b, len, max, seed);
		stateless += na == nb && !memcmp(a, b, na);
		na = LLVMFuzzerCustomCrossOver(in, len, a, nb, o1, max, seed);
		nb = LLVMFuzzerCustomCrossOver(in, len, a, nb, o2, max, seed);
		cross += na == nb && !memcmp(o1, o2, na) && na <= max;
	}
	CHECK(same == 300, "%u of 300: same seed, different outputs",
	       300 - same);
	CHECK(stateless == 300, "%u of 300: output depends on an earlier call",
	       300 - stateless);
	CHECK(bounded == 300, "%u of 300: output empty or over max_size",
	       300 - bounded);
	CHECK(cross == 300, "%u of 300: cross-over not deterministic",
	       300 - cross);
	/* a mutator that gives back its input is no mutator */
	CHECK(differ > 280, "only %u of 300 mutations changed the input",
	       differ);
}

/* Decode one input; the n-th operation of the trace. */
static struct trace_op op_of(const uint8_t *data, size_t len, size_t n,
			     struct pcpu_geometry *geo)
{
	struct trace t;
	struct trace_op op = { .kind = OP_BALANCE };

	if (trace_decode(data, len, &t))
		abort();
	if (n < t.nr_ops)
		op = t.ops[n];
	if (geo)
		*geo = t.geo;
	trace_free(&t);
	return op;
}

static bool near(size_t v, size_t t)
{
	return v + 4 >= t && v <= t + 4 && (v - t) % 2 == 0;
}

/*
 * One mutation at a time on a small known input: alloc 2, alloc 100
 * align=8, free, alloc 3; default-like compact geometry.
 */
static void test_single_mutations(struct rng *r)
{
	static const uint8_t in[] = { 1, 1, 0, 0x09,  0x05, 0x09, 99, 3,
				      0x80, 0x00, 2 };
	uint8_t out[256];
	struct pcpu_geometry g;
	struct cut c;
	size_t n;
	bool sizes_ok = true, aligns_ok = true, counts_ok = true;

	for (unsigned s = 0; s < 300; s++) {
		struct rng rr = { s };
		size_t before;
		int which = (int)(s % 5);

		if (cut_input(&c, in, sizeof(in)))
			abort();
		before = c.n;
		switch (which) {
		case 0:
			counts_ok &= insert_op(&c, &rr) && c.n == before + 1;
			break;
		case 1:
			counts_ok &= delete_ops(&c, &rr) && c.n < before;
			break;
		case 2:
			counts_ok &= duplicate_ops(&c, &rr) && c.n > before;
			break;
		case 3: { /* the alloc at index 1 keeps its align=8 */
			struct trace_op op;

			c.n = 2; /* alloc 2, alloc 100 align=8: pick gets 1 or 0 */
			nudge_size(&c, &rr);
			n = emit(&c, 0, c.n, out, sizeof(out));
			op = op_of(out, n, 1, &g);
			if (op.align != 8)
				aligns_ok = false;
			/* empty area before op 0; op 1 sees 2 bytes used */
			op = op_of(out, n, c.ops[0].p[0] == 0x05 ? 1 : 0, NULL);
			{
				size_t sz = op.size, pg = g.page_size;
				bool hit = sz == 1 || near(sz, 2) ||
					   near(sz, input_min_unit(pg)) ||
					   near(sz, g.unit_size) ||
					   near(sz, g.dyn_size) ||
					   near(sz, g.dyn_size - 2) ||
					   near(sz, g.reserved_size);

				for (size_t k = 1; k <= 8; k++)
					hit = hit || near(sz, k * pg);
				if (!hit) {
					sizes_ok = false;
					fprintf(stderr, "seed %u: size %zu is "
						"at no boundary\n", s, sz);
				}
			}
			break;
		}
		default: { /* alloc 100's size survives an align change */
			struct trace_op op;

			c.n = 2;
			c.ops[0] = c.ops[1];
			nudge_align(&c, &rr);
			nudge_align(&c, &rr);
			n = emit(&c, 0, c.n, out, sizeof(out));
			op = op_of(out, n, 0, NULL);
			if (op.size != 100)
				aligns_ok = false;
			op = op_of(out, n, 1, NULL);
			if (op.size != 100)
				aligns_ok = false;
			break;
		}
		}
		n = emit(&c, 0, c.n, out, sizeof(out));
		{
			struct input_op_span sp[64];

			counts_ok &= input_split_ops(out, n, sp, 64) == c.n;
		}
		cut_free(&c);
	}
	(void)r;
	CHECK(counts_ok, "insert/delete/duplicate changed the operation "
			  "count wrongly, or the output does not split "
			  "into the operations written");
	CHECK(sizes_ok, "a nudged size is not at a page/unit boundary");
	CHECK(aligns_ok, "nudging a size lost the align, or nudging the "
			  "align changed the size");
}

/* How many nested operations t has; *kept_ok false if one is illegal. */
static size_t nested_ops(const struct trace *t, bool *legal)
{
	size_t n = 0, outer = t->nr_ops;

	for (size_t i = 0; i < t->nr_ops; i++) {
		if (!t->ops[i].nested) {
			outer = i;
			continue;
		}
		n++;
		if (outer == t->nr_ops ||
		    !trace_nest_allowed(&t->ops[outer], &t->ops[i]))
			*legal = false;
	}
	return n;
}

/*
 * The nesting and burst mutations, one at a time, on a small known input:
 * alloc 2; alloc 100 { at area-found: free 0; at populated 2: alloc 8
 * atomic }; balance; 4 x alloc 2 atomic; free.
 */
static void test_nesting_mutations(void)
{
	static const uint8_t in[] = { 4, 0x03, 0x00, 0x00, 0x05, 0x01, 0x63,
				      0xd0, 0x03, 0x80, 0xd1, 0x04, 0x60, 0x07,
				      0xc0, 0xda, 0x65, 0x80 };
	uint8_t out[512];
	struct trace before, after;
	bool legal = true, counts_ok = true, kept_ok = true;
	unsigned inserted = 0, tries = 0, moved = 0, bursts = 0;
	unsigned unreported = 0;

	if (trace_decode(in, sizeof(in), &before))
		abort();
	CHECK(before.nr_ops == 10 && nested_ops(&before, &legal) == 2,
	      "the test input decodes to %zu operations", before.nr_ops);
	for (unsigned s = 0; s < 500; s++) {
		struct rng rr = { s };
		struct cut c;
		size_t n, nb;
		bool done = false;

		if (cut_input(&c, in, sizeof(in)))
			abort();
		switch (s % 5) {
		case 0:
			done = insert_nested(&c, &rr) && c.n == 8;
			break;
		case 1:
			done = remove_nested(&c, &rr) && c.n == 6;
			break;
		case 2:
			done = remove_block(&c, &rr) && (c.n == 4 || c.n == 5);
			break;
		case 3:
			done = change_point(&c, &rr) && c.n == 7;
			break;
		default:
			done = change_burst(&c, &rr) && c.n == 7;
			break;
		}
		counts_ok &= done;
		n = emit(&c, 0, c.n, out, sizeof(out));
		if (trace_decode(out, n, &after))
			abort();
		nb = nested_ops(&after, &legal);
		switch (s % 5) {
		case 0: /* kept unless a free found nothing made before its outer */
			tries++;
			inserted += nb == 3;
			for (size_t k = 0; k < after.nr_ops; k++)
				unreported += after.ops[k].nested &&
					      !reported(after.ops[k].at);
			break;
		case 1:
			kept_ok &= nb == 1;
			break;
		case 2: /* the block's nested ops go, the outer may stay */
			kept_ok &= nb == 0 &&
				   after.nr_ops == (c.n == 5 ? 8 : 7);
			break;
		case 3: { /* same ops, one nested op at another point or time */
			unsigned diff = 0;

			kept_ok &= after.nr_ops == before.nr_ops && nb == 2;
			for (size_t i = 0; i < after.nr_ops && i < before.nr_ops; i++) {
				const struct trace_op *x = &after.ops[i],
						      *y = &before.ops[i];

				kept_ok &= x->kind == y->kind && x->id == y->id;
				diff += x->at_nth != y->at_nth ||
					strcmp(x->at, y->at);
			}
			kept_ok &= diff <= 1;
			moved += diff == 1;
			break;
		}
		default: /* one item's copies change: the count moves */
			kept_ok &= nb >= 1;
			bursts += after.nr_ops != before.nr_ops;
			break;
		}
		trace_free(&after);
		cut_free(&c);
	}
	trace_free(&before);
	CHECK(counts_ok, "a nesting or burst mutation changed the item count "
			 "wrongly");
	CHECK(legal, "a decoded trace holds nesting the decoder should drop");
	CHECK(kept_ok, "removing, moving or repeating changed more than it "
		       "says");
	CHECK(inserted * 10 >= tries * 6,
	      "only %u of %u inserted nested ops survive decoding", inserted,
	      tries);
	CHECK(!unreported, "%u inserted nested ops name a point this backend "
	      "never reports", unreported);
	CHECK(moved >= 80, "only %u of 100 point changes moved an op", moved);
	CHECK(bursts >= 70, "only %u of 100 burst changes changed the count",
	      bursts);
}

/*
 * A version-3 input with balances at 0xd0..0xdf is edited as version 4
 * with the same trace: its balances become 0xc0 before anything moves.
 */
static void test_version3_upgrade(void)
{
	static const uint8_t in[] = { 3, 0x03, 0x00, 0x00, 0x05, 0xd3, 0x05,
				      0xdf, 0x05, 0xd8, 0xc7, 0x80 };
	uint8_t out[64];
	struct trace a, b;
	struct cut c;
	size_t n;

	if (cut_input(&c, in, sizeof(in)))
		abort();
	n = emit(&c, 0, c.n, out, sizeof(out));
	if (trace_decode(in, sizeof(in), &a) || trace_decode(out, n, &b))
		abort();
	CHECK(out[0] == INPUT_FORMAT_VERSION && n == sizeof(in) &&
	      a.nr_ops == 8 && b.nr_ops == 8 && is_prefix(&a, &b),
	      "a version-3 input re-emitted decodes differently");
	CHECK(out[5] == 0xc0 && out[7] == 0xc0 && out[9] == 0xc0 &&
	      out[10] == 0xc0,
	      "version-3 balances not rewritten as 0xc0");
	trace_free(&a);
	trace_free(&b);
	cut_free(&c);
}

/* The trace of the cut's first k items, in the geometry a run gives it. */
static void decode_cut(const struct cut *c, size_t k, struct trace *t)
{
	static uint8_t out[4096];
	size_t n = emit(c, 0, k, out, sizeof(out));

	if (trace_decode_settled(out, n, t, run_geometry_settle))
		abort();
}

/* Allocations a trace leaves outstanding. */
static size_t outstanding(const struct trace *t)
{
	size_t live = 0;

	for (size_t i = 0; i < t->nr_ops; i++)
		live += t->ops[i].kind == OP_ALLOC ? 1 :
			t->ops[i].kind == OP_FREE ? (size_t)-1 : 0;
	return live;
}

/*
 * At operation k of t: 2n equal tiny top-level allocations with ids first
 * to first + 2n - 1, then n top-level frees of ids first, first + 2, ...,
 * then nothing nested (the next operation keeps its own outer one).
 */
static bool holes_at(const struct trace *t, size_t k, size_t n,
		     unsigned first)
{
	const struct trace_op *a = &t->ops[k];

	if (t->nr_ops < k + 3 * n)
		return false;
	for (size_t j = 0; j < 2 * n; j++) {
		const struct trace_op *op = &t->ops[k + j];

		if (op->kind != OP_ALLOC || op->nested || op->size > 16 ||
		    !trace_op_same_but_id(op, a) || op->align ||
		    op->reserved || op->id != first + j)
			return false;
	}
	for (size_t j = 0; j < n; j++) {
		const struct trace_op *op = &t->ops[k + 2 * n + j];

		if (op->kind != OP_FREE || op->nested ||
		    op->id != first + 2 * j)
			return false;
	}
	return t->nr_ops == k + 3 * n || !t->ops[k + 3 * n].nested;
}

/*
 * before's operations from k on, in after from k + 3n on: the same but
 * for ids, allocation ids from first on 2n higher.  Which allocation a
 * later free frees may change: its index counts the allocations
 * outstanding, and the n left by the holes are among them.
 */
static bool rest_kept(const struct trace *before, const struct trace *after,
		      size_t k, size_t n, unsigned first)
{
	if (after->nr_ops != before->nr_ops + 3 * n)
		return false;
	for (size_t m = k; m < before->nr_ops; m++) {
		const struct trace_op *a = &after->ops[m + 3 * n],
				      *b = &before->ops[m];
		unsigned id = b->id >= first ? b->id + 2 * (unsigned)n : b->id;

		if (!trace_op_same_but_id(a, b) ||
		    (b->kind == OP_ALLOC && a->id != id))
			return false;
	}
	return true;
}

/* One punch_holes on an input with one seed, and what came of it. */
struct punch {
	bool done;	/* it wrote something (else: the cut is unchanged) */
	bool holes;	/* the holes are there, after the same prefix */
	bool rest;	/* the operations after them are kept */
	bool long_idx;	/* a free has the u16 index form */
	size_t live;	/* allocations outstanding at the insertion point */
};

static struct punch try_punch(const uint8_t *in, size_t len, unsigned seed)
{
	struct punch res = { 0 };
	struct rng rr = { seed };
	const uint8_t *orig[64];
	struct trace before, upto, after;
	struct cut c;
	size_t at = 0, n0, n;

	if (cut_input(&c, in, len) || c.n > 64)
		abort();
	n0 = c.n;
	for (size_t i = 0; i < n0; i++)
		orig[i] = c.ops[i].p;
	res.done = punch_holes(&c, &rr);
	if (!res.done) {
		res.holes = res.rest = c.n == n0; /* declined cleanly */
		cut_free(&c);
		return res;
	}
	n = c.n - n0 - 1;
	while (at < n0 && c.ops[at].p == orig[at])
		at++;
	for (size_t j = 0; j < n; j++)
		res.long_idx |= c.ops[at + 1 + j].p[0] ==
				((IK_FREE0 << 5) | FREE_LONG_INDEX);
	decode_cut(&c, at, &upto);
	decode_cut(&c, c.n, &after);
	if (trace_decode_settled(in, len, &before, run_geometry_settle))
		abort();
	res.live = outstanding(&upto);
	res.holes = n >= 2 && n <= 8 && is_prefix(&upto, &after) &&
		    holes_at(&after, upto.nr_ops, n, upto.nr_allocs);
	/* the other items stay, byte for byte and in order */
	res.rest = rest_kept(&before, &after, upto.nr_ops, n, upto.nr_allocs);
	for (size_t i = 0; i < n0; i++)
		res.rest &= c.ops[i < at ? i : i + 1 + n].p == orig[i];
	trace_free(&before);
	trace_free(&upto);
	trace_free(&after);
	cut_free(&c);
	return res;
}

/*
 * punch_holes on the nesting test's input (alloc 2; alloc 100 { free;
 * alloc 8 atomic }; balance; 4 x alloc 2 atomic; free): every insertion
 * holds 2n equal tiny allocs and frees of every other one, lands before a
 * top-level item (never inside the block), and leaves the rest as it was.
 */
static void test_punch_holes_small(void)
{
	static const uint8_t in[] = { 4, 0x03, 0x00, 0x00, 0x05, 0x01, 0x63,
				      0xd0, 0x03, 0x80, 0xd1, 0x04, 0x60, 0x07,
				      0xc0, 0xda, 0x65, 0x80 };
	unsigned done = 0, holes = 0, rest = 0;

	for (unsigned s = 0; s < 200; s++) {
		struct punch p = try_punch(in, sizeof(in), s);

		done += p.done;
		holes += p.done && p.holes;
		rest += p.done && p.rest;
	}
	CHECK(done == 200, "punch_holes declined %u of 200 times on a small "
	      "input", 200 - done);
	CHECK(holes == done, "%u of %u punches are not 2n tiny allocs and "
	      "frees of every other one, or split a block", done - holes,
	      done);
	CHECK(rest == done, "%u of %u punches changed the rest of the trace",
	      done - rest, done);
}

/*
 * With 40 and 80 allocations outstanding (two bursts of 40 alloc 2 around
 * a balance), the frees' indices are 31 or more: the u16 form, and they
 * still free every other new allocation.
 */
static void test_punch_holes_long_index(void)
{
	static const uint8_t in[] = { 4, 0x03, 0x00, 0x00, 0xdf, 38, 0x05,
				      0xc0, 0xdf, 38, 0x05 };
	unsigned deep = 0, long_ok = 0, ok = 0;

	for (unsigned s = 0; s < 100; s++) {
		struct punch p = try_punch(in, sizeof(in), s);

		if (!p.done || p.live <= 31)
			continue;
		deep++;
		long_ok += p.long_idx;
		ok += p.holes && p.rest;
	}
	CHECK(deep >= 30, "only %u of 100 punches behind 40 or more "
	      "outstanding", deep);
	CHECK(long_ok == deep && ok == deep, "%u of %u punches behind 32 or "
	      "more outstanding: no u16 index, or not every other one freed",
	      deep - (long_ok < ok ? long_ok : ok), deep);
}

/*
 * At the decoder's limit (8 bursts of 64 allocs: 512 outstanding at the
 * end) punch_holes declines where the new allocations would be dropped
 * and leaves the cut as it was; where it does punch, the holes are whole.
 * A cut whose arena is nearly used up is declined too, wherever it goes.
 */
static void test_punch_holes_limits(void)
{
	uint8_t in[4 + 8 * 3] = { 4, 0x03, 0x00, 0x00 };
	unsigned declined = 0, clean = 0, whole = 0, done = 0;
	unsigned arena_ok = 0;

	for (int i = 0; i < 8; i++)
		memcpy(in + 4 + 3 * i, (const uint8_t[]){ 0xdf, 62, 0x05 }, 3);
	for (unsigned s = 0; s < 100; s++) {
		struct punch p = try_punch(in, sizeof(in), s);

		declined += !p.done;
		clean += !p.done && p.holes;
		done += p.done;
		whole += p.done && p.holes;
	}
	CHECK(declined > 0 && clean == declined, "at 512 outstanding: %u "
	      "declined, %u of them with the cut unchanged", declined, clean);
	CHECK(whole == done, "%u of %u punches below the limit incomplete",
	      done - whole, done);
	for (unsigned s = 0; s < 20; s++) {
		struct rng rr = { s };
		struct cut c;

		if (cut_input(&c, in, 4 + 3)) /* 64 allocs only */
			abort();
		c.arena_used = ARENA_OPS - 2; /* the burst and one free */
		arena_ok += !punch_holes(&c, &rr) && c.n == 1 &&
			    c.arena_used == ARENA_OPS - 2;
		cut_free(&c);
	}
	CHECK(arena_ok == 20, "%u of 20 punches with 2 arena slots left did "
	      "not decline cleanly", 20 - arena_ok);
}

int main(int argc, char **argv)
{
	struct rng r = { argc > 1 ? strtoull(argv[1], NULL, 0) : 1 };

	test_split(&r);
	test_determinism(&r);
	test_single_mutations(&r);
	test_nesting_mutations();
	test_version3_upgrade();
	test_punch_holes_small();
	test_punch_holes_long_index();
	test_punch_holes_limits();
	printf("mutator-driver: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
