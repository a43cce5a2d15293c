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

static bool same_op(const struct trace_op *a, const struct trace_op *b)
{
	return a->kind == b->kind && a->size == b->size &&
	       a->align == b->align && a->atomic == b->atomic &&
	       a->reserved == b->reserved && a->id == b->id &&
	       a->fault == b->fault && a->count == b->count;
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

/* Random bytes, raw headers now and then, runs of one opcode. */
static size_t random_input(struct rng *r, uint8_t *buf, size_t max)
{
	size_t len = below(r, max + 1);

	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)rnd(r);
	if (len > 1 && below(r, 8) == 0)
		buf[1] = GEO_RAW;
	if (len > 40 && below(r, 4) == 0)
		memset(buf + 30, buf[30], below(r, len - 30));
	return len;
}

/*
 * input_split_ops() agrees with trace_decode(): operations tile the input
 * from the header on, every prefix ending at an operation boundary decodes
 * to a prefix of the whole trace with one more operation than the last
 * (none for a no-op), and the count matches.  Checks one input; counts one
 * pass or failure.
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

		ok = sp[i].off == pos && sp[i].kind == data[pos] >> 5;
		if (trace_decode(data, end < len ? end : len, &part))
			abort();
		ops += !sp[i].noop;
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

int main(int argc, char **argv)
{
	struct rng r = { argc > 1 ? strtoull(argv[1], NULL, 0) : 1 };

	test_split(&r);
	test_determinism(&r);
	test_single_mutations(&r);
	printf("mutator-driver: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
