// SPDX-License-Identifier: GPL-2.0-only
/*
 * The checks' interval index (check_index.h).  A range (chunk, off, end)
 * becomes [pos(chunk, off), pos(chunk, end)) on one line, chunk c owning
 * [c * 2^32, (c + 1) * 2^32), so ranges of different chunks never meet.
 * The treap is ordered by (start, id); a node's priority is a hash of its
 * id, so the shape, and every walk, is the same from run to run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "check_index.h"

#define NIL (-1)
#define CHUNK_SPAN 4294967296LL /* CHECK_INDEX_MAX_END + 1 */

struct index_node {
	int64_t start, end;
	int64_t max_end; /* the furthest end in this subtree */
	uint32_t prio;
	int left, right;
	bool in;
};

struct check_index {
	struct index_node *n;
	unsigned int cap;
	unsigned int count;
	int root;
	uint64_t *in_bits; /* bit id: id is in the index (check_index_next) */
};

static int64_t pos(int chunk, long off)
{
	if (off < 0)
		off = 0;
	if (off > CHECK_INDEX_MAX_END)
		off = CHECK_INDEX_MAX_END + 1;
	return (int64_t)chunk * CHUNK_SPAN + off;
}

static uint32_t prio_of(unsigned int id)
{
	uint64_t x = (uint64_t)id + 0x9e3779b97f4a7c15ULL;

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return (uint32_t)(x ^ (x >> 31));
}

struct check_index *check_index_new(unsigned int capacity)
{
	struct check_index *ix = calloc(1, sizeof(*ix));

	if (ix) {
		ix->n = calloc(capacity ? capacity : 1, sizeof(*ix->n));
		ix->in_bits = calloc(capacity / 64 + 1, sizeof(*ix->in_bits));
	}
	if (!ix || !ix->n || !ix->in_bits) {
		fprintf(stderr, "percpu-fuzz: checks: out of memory\n");
		abort();
	}
	ix->cap = capacity;
	ix->root = NIL;
	return ix;
}

void check_index_free(struct check_index *ix)
{
	if (!ix)
		return;
	free(ix->n);
	free(ix->in_bits);
	free(ix);
}

static void update(struct check_index *ix, int t)
{
	struct index_node *n = &ix->n[t];

	n->max_end = n->end;
	if (n->left != NIL && ix->n[n->left].max_end > n->max_end)
		n->max_end = ix->n[n->left].max_end;
	if (n->right != NIL && ix->n[n->right].max_end > n->max_end)
		n->max_end = ix->n[n->right].max_end;
}

/* Whether node t sorts before the key (start, id). */
static bool before(const struct check_index *ix, int t, int64_t start,
		   unsigned int id)
{
	const struct index_node *n = &ix->n[t];

	return n->start < start || (n->start == start && (unsigned)t < id);
}

/* t into *l (keys before (start, id)) and *r (the rest). */
static void split(struct check_index *ix, int t, int64_t start,
		  unsigned int id, int *l, int *r)
{
	if (t == NIL) {
		*l = *r = NIL;
		return;
	}
	if (before(ix, t, start, id)) {
		split(ix, ix->n[t].right, start, id, &ix->n[t].right, r);
		*l = t;
	} else {
		split(ix, ix->n[t].left, start, id, l, &ix->n[t].left);
		*r = t;
	}
	update(ix, t);
}

/* Every key of l sorts before every key of r. */
static int merge(struct check_index *ix, int l, int r)
{
	if (l == NIL)
		return r;
	if (r == NIL)
		return l;
	if (ix->n[l].prio > ix->n[r].prio) {
		ix->n[l].right = merge(ix, ix->n[l].right, r);
		update(ix, l);
		return l;
	}
	ix->n[r].left = merge(ix, l, ix->n[r].left);
	update(ix, r);
	return r;
}

/*
 * Insert node id below t: down the search path to where its priority
 * puts it, and only that subtree is split.  The in-order sequence, which
 * is all a walk sees, is the same as with a split of the whole tree and
 * two merges, at half the steps.
 */
static int insert_at(struct check_index *ix, int t, int id)
{
	struct index_node *n = &ix->n[id];

	if (t == NIL)
		return id;
	if (n->prio > ix->n[t].prio) {
		split(ix, t, n->start, (unsigned int)id, &n->left, &n->right);
		update(ix, id);
		return id;
	}
	if (before(ix, t, n->start, (unsigned int)id))
		ix->n[t].right = insert_at(ix, ix->n[t].right, id);
	else
		ix->n[t].left = insert_at(ix, ix->n[t].left, id);
	update(ix, t);
	return t;
}

void check_index_insert(struct check_index *ix, unsigned int id, int chunk,
			long off, long end)
{
	struct index_node *n;

	if (id >= ix->cap || ix->n[id].in || off < 0 || end <= off ||
	    end > CHECK_INDEX_MAX_END) {
		fprintf(stderr,
			"percpu-fuzz: checks: bad index insert of id %u [%ld, %ld)\n",
			id, off, end);
		abort();
	}
	n = &ix->n[id];
	n->start = pos(chunk, off);
	n->end = pos(chunk, end);
	n->prio = prio_of(id);
	n->left = n->right = NIL;
	n->in = true;
	ix->in_bits[id / 64] |= 1ULL << (id % 64);
	update(ix, (int)id);
	ix->root = insert_at(ix, ix->root, (int)id);
	ix->count++;
}

/* Take node id out of t: its children merged in its place. */
static int remove_at(struct check_index *ix, int t, unsigned int id)
{
	const struct index_node *n = &ix->n[id];

	if (t == NIL)
		return NIL; /* not reached: id is in the tree */
	if ((unsigned int)t == id)
		return merge(ix, ix->n[t].left, ix->n[t].right);
	if (before(ix, t, n->start, id))
		ix->n[t].right = remove_at(ix, ix->n[t].right, id);
	else
		ix->n[t].left = remove_at(ix, ix->n[t].left, id);
	update(ix, t);
	return t;
}

void check_index_remove(struct check_index *ix, unsigned int id)
{
	if (id >= ix->cap || !ix->n[id].in)
		return;
	ix->root = remove_at(ix, ix->root, id);
	ix->n[id].in = false;
	ix->in_bits[id / 64] &= ~(1ULL << (id % 64));
	ix->count--;
}

long check_index_next(const struct check_index *ix, unsigned int from)
{
	unsigned int w = from / 64;
	uint64_t bits;

	if (from >= ix->cap)
		return -1;
	bits = ix->in_bits[w] & (~0ULL << (from % 64));
	for (;;) {
		if (bits) {
			unsigned int id = w * 64 + (unsigned int)__builtin_ctzll(bits);

			return id < ix->cap ? (long)id : -1;
		}
		if (++w > ix->cap / 64)
			return -1;
		bits = ix->in_bits[w];
	}
}

bool check_index_has(const struct check_index *ix, unsigned int id)
{
	return id < ix->cap && ix->n[id].in;
}

unsigned int check_index_count(const struct check_index *ix)
{
	return ix->count;
}

struct query {
	int64_t start, end;
	int chunk;
	check_index_fn fn;
	void *arg;
};

static int walk(const struct check_index *ix, int t, const struct query *q)
{
	const struct index_node *n;
	int ret;

	if (t == NIL)
		return 0;
	n = &ix->n[t];
	if (n->max_end <= q->start)
		return 0; /* everything below ends before the query */
	ret = walk(ix, n->left, q);
	if (ret || n->start >= q->end)
		return ret; /* the right subtree starts later still */
	if (n->end > q->start) {
		ret = q->fn(q->arg, (unsigned int)t,
			    (long)(n->start - (int64_t)q->chunk * CHUNK_SPAN),
			    (long)(n->end - (int64_t)q->chunk * CHUNK_SPAN));
		if (ret)
			return ret;
	}
	return walk(ix, n->right, q);
}

int check_index_each(const struct check_index *ix, int chunk, long off,
		     long end, check_index_fn fn, void *arg)
{
	struct query q = { .start = pos(chunk, off), .end = pos(chunk, end),
			   .chunk = chunk, .fn = fn, .arg = arg };

	if (q.start >= q.end)
		return 0;
	return walk(ix, ix->root, &q);
}

static int keep_lowest(void *arg, unsigned int id, long off, long end)
{
	long *lowest = arg;

	(void)off;
	(void)end;
	if (*lowest < 0 || (long)id < *lowest)
		*lowest = id;
	return 0;
}

long check_index_lowest(const struct check_index *ix, int chunk, long off,
			long end)
{
	long lowest = -1;

	check_index_each(ix, chunk, off, end, keep_lowest, &lowest);
	return lowest;
}
