// SPDX-License-Identifier: GPL-2.0-only
/*
 * The reduction loop and its passes over whole operations: runs of equal
 * ops (bursts) cut short, ddmin over runs of blocks (an op with its
 * nested ops), then nesting (a block's nested ops, its outer op, each
 * nested op), whole kinds of operations at once (every free, every
 * balance, every fault injection); the geometry and the operations'
 * arguments have passes of their own.  Every accepted candidate is
 * strictly smaller or simpler than the current trace (fewer operations,
 * smaller numbers, fewer flags), so the loop ends; rejected candidates
 * are remembered by hash, so the last confirming round runs nothing twice.
 */
#include <stdlib.h>
#include <string.h>

#include "reduce.h"

int reduce_copy(const struct reduce_work *from, struct reduce_work *to)
{
	*to = *from;
	to->ops = malloc((from->n ? from->n : 1) * sizeof(*to->ops));
	if (!to->ops)
		return -1;
	memcpy(to->ops, from->ops, from->n * sizeof(*to->ops));
	return 0;
}

/* Frees whose alloc was dropped go with it. */
static void drop_orphans(struct reduce_work *w)
{
	bool *have = calloc(w->nr_keys ? w->nr_keys : 1, sizeof(*have));
	size_t j = 0;

	if (!have)
		return; /* reduce_build skips them anyway */
	for (size_t i = 0; i < w->n; i++) {
		const struct trace_op *op = &w->ops[i];

		if (op->kind == OP_ALLOC)
			have[op->id] = true;
		else if (op->kind == OP_FREE && !have[op->id])
			continue;
		w->ops[j++] = *op;
	}
	w->n = j;
	free(have);
}

/*
 * May the nested op w->ops[i] stay, with outer op w->ops[outer] (appended
 * as t's op outer_t)?  What the text form refuses goes: an op that nests
 * where the mutex is held twice, in a fail, or with no op before it, and a
 * nested free of an allocation not made before the outer op (pos: where
 * each key's alloc is in w).
 */
static bool nested_allowed(const struct reduce_work *w, size_t i,
			   const struct trace *t, size_t outer_t, size_t outer,
			   const size_t *pos)
{
	const struct trace_op *op = &w->ops[i];

	if (outer == SIZE_MAX || !trace_nest_allowed(&t->ops[outer_t], op))
		return false;
	return op->kind != OP_FREE || pos[op->id] < outer;
}

int reduce_build(const struct reduce_work *w, struct trace *t)
{
	size_t nk = w->nr_keys ? w->nr_keys : 1;
	unsigned int *id = malloc(nk * sizeof(*id));
	size_t *pos = malloc(nk * sizeof(*pos));
	size_t outer = SIZE_MAX, outer_t = 0;
	int ret = 0;

	if (!id || !pos) {
		free(id);
		free(pos);
		return -1;
	}
	for (unsigned int k = 0; k < w->nr_keys; k++) {
		id[k] = UINT32_MAX;
		pos[k] = SIZE_MAX;
	}
	trace_init(t);
	t->geo = w->geo;
	t->has_geometry = true;
	for (size_t i = 0; i < w->n; i++) {
		struct trace_op op = w->ops[i];

		if (op.kind == OP_FREE && id[op.id] == UINT32_MAX)
			continue; /* its alloc is gone */
		if (op.nested && !nested_allowed(w, i, t, outer_t, outer, pos))
			continue;
		if (op.kind == OP_ALLOC) {
			id[op.id] = t->nr_allocs;
			pos[op.id] = i;
		} else if (op.kind == OP_FREE) {
			op.id = id[op.id];
		}
		op.line = 0;
		if (trace_append(t, &op)) {
			trace_free(t);
			ret = -1;
			break;
		}
		if (!op.nested) {
			outer = i;
			outer_t = t->nr_ops - 1;
		}
	}
	free(id);
	free(pos);
	return ret;
}

static void hash_mix(uint64_t *h, uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		*h ^= (v >> (8 * i)) & 0xff;
		*h *= 0x100000001b3ULL; /* FNV-1a */
	}
}

static uint64_t trace_hash(const struct trace *t)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	hash_mix(&h, t->geo.cpus);
	hash_mix(&h, t->geo.page_size);
	hash_mix(&h, t->geo.unit_size);
	hash_mix(&h, t->geo.static_size);
	hash_mix(&h, t->geo.reserved_size);
	hash_mix(&h, t->geo.dyn_size);
	for (size_t i = 0; i < t->nr_ops; i++) {
		const struct trace_op *op = &t->ops[i];

		hash_mix(&h, (uint64_t)op->kind | (uint64_t)op->atomic << 8 |
				     (uint64_t)op->reserved << 9 |
				     (uint64_t)op->fault << 16);
		hash_mix(&h, op->size);
		hash_mix(&h, op->align);
		hash_mix(&h, op->kind == OP_FREE ? op->id : 0);
		hash_mix(&h, op->count);
		hash_mix(&h, op->after);
		hash_mix(&h, op->nested ? op->at_nth : 0);
		for (const char *p = op->nested ? op->at : ""; *p; p++)
			hash_mix(&h, (uint8_t)*p);
	}
	return h;
}

static bool seen(const struct reducer *r, uint64_t h)
{
	for (size_t i = 0; i < r->nr_seen; i++)
		if (r->seen[i] == h)
			return true;
	return false;
}

static void remember(struct reducer *r, uint64_t h)
{
	if (r->nr_seen == r->cap_seen) {
		size_t cap = r->cap_seen ? 2 * r->cap_seen : 256;
		uint64_t *n = realloc(r->seen, cap * sizeof(*n));

		if (!n)
			return; /* only costs a rerun */
		r->seen = n;
		r->cap_seen = cap;
	}
	r->seen[r->nr_seen++] = h;
}

/*
 * Layouts 1..m must be run when an alignment is not a power of two: m
 * is the largest odd factor of those alignments (capped: the check is
 * then best effort).
 */
static unsigned int layouts_needed(const struct trace *t)
{
	unsigned int m = 1;

	for (size_t i = 0; i < t->nr_ops; i++) {
		size_t a = t->ops[i].align;

		if (t->ops[i].kind != OP_ALLOC || a < 3)
			continue;
		while (!(a & 1))
			a >>= 1;
		if (a > 32)
			a = 32;
		if (a > m)
			m = (unsigned int)a;
	}
	return m > 1 ? m : 0;
}

static bool run_same(struct reducer *r, const struct trace *t,
		     unsigned int layout)
{
	struct run_signature sig;
	char key[SIG_TEXT_MAX];

	r->runs++;
	if (sandbox_run(r->sb, t, r->fixes, layout, &sig))
		return false;
	if (r->log && layout)
		fprintf(r->log, "   layout %u: %s\n", layout, sig.text);
	else if (r->log)
		fprintf(r->log, "   %s\n", sig.text);
	if (r->exact)
		snprintf(key, sizeof(key), "%s", sig.text);
	else
		signature_core(&sig, key, sizeof(key));
	return sig.kind == r->target.kind && !strcmp(key, r->target_key);
}

bool reduce_check(struct reducer *r, const struct trace *t)
{
	unsigned int m;

	if (!run_same(r, t, 0))
		return false;
	m = r->robust ? layouts_needed(t) : 0;
	for (unsigned int k = 1; k <= m; k++)
		if (!run_same(r, t, k))
			return false;
	return true;
}

bool reduce_try(struct reducer *r, struct reduce_work *cand)
{
	struct trace t;
	uint64_t h;
	bool same;

	if (!cand->ops)
		return false;
	drop_orphans(cand);
	if (r->exhausted || reduce_build(cand, &t))
		goto reject;
	h = trace_hash(&t);
	if (seen(r, h)) {
		trace_free(&t);
		goto reject;
	}
	if (r->max_runs && r->runs >= r->max_runs) {
		r->exhausted = true;
		trace_free(&t);
		goto reject;
	}
	if (r->log) {
		fprintf(r->log, "== candidate of %zu operations\n", t.nr_ops);
		trace_print(r->log, &t);
	}
	same = reduce_check(r, &t);
	if (r->log)
		fprintf(r->log, "   %s\n", same ? "accepted" : "rejected");
	trace_free(&t);
	if (!same) {
		remember(r, h);
		goto reject;
	}
	free(r->cur.ops);
	r->cur = *cand;
	return true;
reject:
	free(cand->ops);
	cand->ops = NULL;
	return false;
}

/* Try the current work without ops [from, from + len). */
static bool try_without(struct reducer *r, size_t from, size_t len)
{
	struct reduce_work c;

	if (reduce_copy(&r->cur, &c))
		return false;
	memmove(&c.ops[from], &c.ops[from + len],
		(c.n - from - len) * sizeof(c.ops[0]));
	c.n -= len;
	return reduce_try(r, &c);
}

/*
 * Units of the work: a top-level op with the nested ops after it (its
 * block), so that removing units never leaves nested ops to the op
 * before.  The op index where unit u starts (w->n past the last one).
 */
static size_t unit_start(const struct reduce_work *w, size_t u)
{
	size_t i = 0;

	while (u--) {
		i++;
		while (i < w->n && w->ops[i].nested)
			i++;
	}
	return i < w->n ? i : w->n;
}

static size_t nr_units(const struct reduce_work *w)
{
	size_t n = 0;

	for (size_t i = 0; i < w->n; i++)
		n += i == 0 || !w->ops[i].nested;
	return n;
}

/*
 * ddmin over runs of units (whole blocks), halving the run length down
 * to single units.  After a removal the same position is tried again: it
 * now holds the next run.
 */
static bool pass_ddmin(struct reducer *r)
{
	bool changed = false;
	size_t n = nr_units(&r->cur);
	size_t len = n / 2 ? n / 2 : 1;

	for (;;) {
		for (size_t u = 0; u < nr_units(&r->cur);) {
			size_t from = unit_start(&r->cur, u);
			size_t to = unit_start(&r->cur, u + len);

			if (try_without(r, from, to - from))
				changed = true;
			else
				u += len;
		}
		if (len == 1 || r->exhausted)
			return changed;
		len /= 2;
	}
}

/*
 * Nesting, block by block: without its nested ops (the outer op stays, a
 * plain one); without the outer op, its nested ops top-level in its
 * place; then each nested op alone.
 */
static bool pass_nested(struct reducer *r)
{
	bool changed = false;

	for (size_t i = 0; i < r->cur.n && !r->exhausted; i++) {
		struct reduce_work c;
		size_t end = i + 1;

		if (r->cur.ops[i].nested)
			continue;
		while (end < r->cur.n && r->cur.ops[end].nested)
			end++;
		if (end == i + 1)
			continue;
		if (try_without(r, i + 1, end - i - 1)) {
			changed = true;
			continue;
		}
		if (reduce_copy(&r->cur, &c))
			return changed;
		memmove(&c.ops[i], &c.ops[i + 1], (c.n - i - 1) * sizeof(c.ops[0]));
		c.n--;
		for (size_t k = i; k < end - 1; k++) {
			c.ops[k].nested = false;
			c.ops[k].at_nth = 0;
			c.ops[k].at[0] = '\0';
		}
		if (reduce_try(r, &c)) {
			changed = true;
			continue; /* ops i.. are top-level now: no block */
		}
		for (size_t k = i + 1; k < r->cur.n && r->cur.ops[k].nested;)
			if (try_without(r, k, 1))
				changed = true;
			else
				k++;
	}
	return changed;
}

/*
 * Runs of equal consecutive ops (a burst, docs/byte-format.md §2.1, or
 * any repeated op) cut to fewer copies: 1, 2, 3, 4, 6, 8, ... copies
 * first, the first that keeps the failure wins.  The copies removed are
 * the first ones, so a top-level run keeps the last copy's block.
 */
static bool pass_bursts(struct reducer *r)
{
	static const size_t keep[] = { 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48 };
	bool changed = false;

	for (size_t i = 0; i < r->cur.n && !r->exhausted; i++) {
		size_t n = 1;

		/* the decoder's burst repeats an op but for its id */
		while (i + n < r->cur.n &&
		       trace_op_same_but_id(&r->cur.ops[i], &r->cur.ops[i + n]))
			n++;
		for (size_t k = 0; n >= 3 && k < sizeof(keep) / sizeof(keep[0]) &&
				   keep[k] < n; k++)
			if (try_without(r, i, n - keep[k])) {
				changed = true;
				n = keep[k];
				break;
			}
		i += n - 1; /* past the run (ddmin takes single ops out) */
	}
	return changed;
}

/*
 * Every op of one kind at once: all frees, all balances, all faults; a
 * top-level one goes with its block.
 */
static bool pass_drop_kind(struct reducer *r, enum trace_op_kind kind)
{
	struct reduce_work c;
	size_t j = 0;
	bool any = false, in_dropped = false;

	if (reduce_copy(&r->cur, &c))
		return false;
	for (size_t i = 0; i < c.n; i++) {
		if (!c.ops[i].nested)
			in_dropped = c.ops[i].kind == kind;
		if (c.ops[i].kind == kind || in_dropped) {
			any = true;
			continue;
		}
		c.ops[j++] = c.ops[i];
	}
	c.n = j;
	if (!any) {
		free(c.ops);
		return false;
	}
	return reduce_try(r, &c);
}

int reduce_init(struct reducer *r, const struct trace *t,
		const struct run_signature *target)
{
	struct reducer keep = *r; /* set by the caller */

	memset(r, 0, sizeof(*r));
	r->sb = keep.sb;
	r->fixes = keep.fixes;
	r->max_runs = keep.max_runs;
	r->log = keep.log;
	r->exact = keep.exact;
	if (r->exact)
		snprintf(r->target_key, sizeof(r->target_key), "%s",
			 target->text);
	else
		signature_core(target, r->target_key, sizeof(r->target_key));
	r->target = *target;
	r->robust = true;
	r->cur.geo = t->geo;
	r->cur.n = t->nr_ops;
	r->cur.nr_keys = t->nr_allocs;
	r->cur.ops = malloc((t->nr_ops ? t->nr_ops : 1) * sizeof(*r->cur.ops));
	if (!r->cur.ops)
		return -1;
	memcpy(r->cur.ops, t->ops, t->nr_ops * sizeof(*t->ops));
	return 0;
}

void reduce_fini(struct reducer *r)
{
	free(r->cur.ops);
	free(r->seen);
	r->cur.ops = NULL;
	r->seen = NULL;
}

void reduce_run(struct reducer *r)
{
	bool changed;

	do {
		/* bursts first: a few runs cut what ddmin takes one by one */
		changed = pass_bursts(r);
		changed |= pass_ddmin(r);
		changed |= pass_nested(r);
		changed |= pass_drop_kind(r, OP_FREE);
		changed |= pass_drop_kind(r, OP_FAIL);
		changed |= pass_drop_kind(r, OP_BALANCE);
		changed |= reduce_geometry(r);
		changed |= reduce_args(r);
	} while (changed && !r->exhausted);
}
