// SPDX-License-Identifier: GPL-2.0-only
/*
 * The checks after an operation, incrementally.  A sweep (check_op.c's
 * check_after_op: every chunk, every list, every live allocation's pages
 * after a balance) runs after every PCPU_SWEEP_EVERY-th operation and
 * after the last (harness/sweep.c).  Between sweeps only what the
 * operation can have changed is looked at:
 *
 *  - the chunk set (which chunks exist, ids and kinds) and the global
 *    counters: O(chunks);
 *  - every slot list and the extension queue, entry by entry, after a
 *    balance and when a chunk came, went, or is on another list than
 *    before: O(chunks + slots);
 *  - each chunk that moved (one the oracle changed, one whose view
 *    differs in any scalar or pointer from what the last check saw, or
 *    one not seen before): the quick look (check_quick.c: its scalars
 *    against the oracle's and the map entries around the operation's
 *    offset, O(log blocks)), and when that finds a difference, or the
 *    chunk is new or its populated pages changed, the full per-chunk
 *    checks (map, free_size, contig_hint, slot, populated pages), which
 *    name the failure;
 *  - after a balance, the pages of the live allocations of those chunks;
 *  - the rotating tags subset, as at a sweep.
 *
 * The overlap, zeroed and populated checks of a new allocation and the
 * tags check before a free run at every operation whatever K is, and so
 * does the backing check after anything that populated, depopulated,
 * failed to populate, created or destroyed (check_backing.c).  What only
 * a sweep sees: damage to a chunk that changes none of its view's
 * scalars (a map entry rewritten in place in a chunk the operation did
 * not touch), and pages of a live allocation lost in a chunk whose view
 * did not move, or a map entry rewritten away from the operation's
 * offset in the chunk it did touch; a list whose order changed while
 * every chunk stayed on the list it was on (the kernel moves a chunk
 * only to another list, pcpu_chunk_relocate); a free block below
 * first_free; the free_size and contig_hint of a chunk given only the
 * quick look against its own map (they are compared with the oracle's
 * every time); the empty-page count against a recount from the maps (it
 * is compared with the oracle's every time).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcpu_area_map.h"
#include "checks_internal.h"

/* What a check last saw of one chunk. */
struct chunk_seen {
	struct pcpu_chunk_view v;
	struct pcpu_area_map_view am; /* zeroed without an area map */
	unsigned long oracle_changes;
	long empty_pop; /* check_empty_pop_pages when recounted, else -1 */
};

struct check_memo {
	struct chunk_seen *seen, *next; /* ascending ids; next is scratch */
	int nr, cap;
	/* check_scratch_ids, check_scratch_bits */
	int *ids[CHECK_SCRATCH_NR];
	size_t ids_cap[CHECK_SCRATCH_NR];
	unsigned long *bits;
	size_t bits_cap;
	/* check_geom: the instance's geometry, fetched once */
	struct check_geom geom;
	bool have_geom;
	struct check_backing *backing; /* check_backing.c's */
};

struct check_index *check_live_index(struct run_ctx *c)
{
	if (!c->index)
		c->index = check_index_new(c->t->nr_allocs);
	return c->index;
}

void check_forget(struct run_ctx *c, unsigned int id)
{
	if (c->index)
		check_index_remove(c->index, id);
}

void check_release(struct run_ctx *c)
{
	check_index_free(c->index);
	c->index = NULL;
	if (c->memo) {
		free(c->memo->seen);
		free(c->memo->next);
		for (int k = 0; k < CHECK_SCRATCH_NR; k++)
			free(c->memo->ids[k]);
		free(c->memo->bits);
		check_backing_free(c->memo->backing);
		free(c->memo);
		c->memo = NULL;
	}
}

static void *out_of_memory(void)
{
	fprintf(stderr, "percpu-fuzz: checks: out of memory\n");
	abort();
}

static struct check_memo *memo_get(struct run_ctx *c)
{
	if (!c->memo)
		c->memo = calloc(1, sizeof(*c->memo));
	return c->memo ? c->memo : out_of_memory();
}

/*
 * Scratch arrays for the checks that run after every operation: kept
 * with the memo for the whole run and grown as needed, so that an
 * operation's checks allocate nothing (under ASan a malloc records its
 * stack and a free goes to the quarantine, which together cost more than
 * the small checks that asked for the memory).  Zeroed, as a fresh
 * calloc was.
 */
int *check_scratch_ids(struct run_ctx *c, enum check_scratch k, size_t n)
{
	struct check_memo *m = memo_get(c);

	if (!n)
		n = 1;
	if (n > m->ids_cap[k]) {
		int *ids = realloc(m->ids[k], 2 * n * sizeof(*ids));

		if (!ids)
			return out_of_memory();
		m->ids[k] = ids;
		m->ids_cap[k] = 2 * n;
	}
	memset(m->ids[k], 0, n * sizeof(*m->ids[k]));
	return m->ids[k];
}

unsigned long *check_scratch_bits(struct run_ctx *c, size_t nr_longs)
{
	struct check_memo *m = memo_get(c);

	if (nr_longs > m->bits_cap) {
		unsigned long *bits = realloc(m->bits, nr_longs * sizeof(*bits));

		if (!bits)
			return out_of_memory();
		m->bits = bits;
		m->bits_cap = nr_longs;
	}
	memset(m->bits, 0, nr_longs * sizeof(*m->bits));
	return m->bits;
}

struct check_backing **check_backing_slot(struct run_ctx *c)
{
	return &memo_get(c)->backing;
}

/*
 * The geometry of the instance: page and unit size, slots, CPUs are fixed
 * when it is created, so the checks that only use them take this copy
 * instead of a fresh global view each (one view copies every counter,
 * and an operation's checks asked for it up to a dozen times, once per
 * live allocation after a balance).  The chunk-set check, which compares
 * the slot count with the unit size and the oracle, still asks the
 * backend after every operation (check_state, check_changed).
 */
void check_geom(struct run_ctx *c, struct check_geom *g)
{
	struct check_memo *m = memo_get(c);

	if (!m->have_geom) {
		check_geom_get(c->b, &m->geom);
		m->have_geom = true;
	}
	*g = m->geom;
}

static struct check_memo *memo_for(struct run_ctx *c, int nr_chunks)
{
	struct check_memo *m = memo_get(c);

	if (nr_chunks > m->cap) {
		int cap = nr_chunks * 2;
		struct chunk_seen *s = realloc(m->seen, cap * sizeof(*s));
		struct chunk_seen *n = s ? realloc(m->next, cap * sizeof(*n)) :
					   NULL;

		if (s)
			m->seen = s;
		if (n) {
			m->next = n;
			m->cap = cap;
		}
	}
	if (nr_chunks > m->cap)
		out_of_memory();
	return m;
}

/* Chunk idx as the backend shows it now: its view and its area map. */
static void seen_fetch(const struct backend *b, int idx, struct chunk_seen *s)
{
	backend_chunk(b, idx, &s->v);
	backend_area_map(b, idx, &s->am);
}

/* The entry for id in the ascending memo, starting at *at; NULL if none. */
static const struct chunk_seen *seen_find(const struct check_memo *m, int id,
					  int *at)
{
	while (*at < m->nr && m->seen[*at].v.id < id)
		(*at)++;
	return *at < m->nr && m->seen[*at].v.id == id ? &m->seen[*at] : NULL;
}

/* Whether anything a check reads of the chunk may differ from before. */
static bool moved(const struct chunk_seen *s, const struct chunk_seen *now,
		  const struct oracle_chunk *oc)
{
	const struct pcpu_chunk_view *w, *v = &now->v;
	const struct pcpu_area_map_view *wm, *am = &now->am;

	if (!s || (oc && oc->changes != s->oracle_changes))
		return true;
	w = &s->v;
	wm = &s->am;
	return w->kind != v->kind || w->base_addr != v->base_addr ||
	       w->free_size != v->free_size ||
	       w->contig_hint != v->contig_hint ||
	       w->nr_populated != v->nr_populated ||
	       w->populated != v->populated ||
	       w->area_start != v->area_start || w->area_end != v->area_end ||
	       w->slot != v->slot || wm->map != am->map ||
	       wm->map_used != am->map_used || wm->map_alloc != am->map_alloc ||
	       wm->first_free != am->first_free ||
	       wm->on_extend_list != am->on_extend_list;
}

/*
 * Whether the chunk is on another list than when last seen: another slot
 * list, or on or off the extension queue.  Only then can the lists'
 * contents differ (a chunk joins, leaves or moves between them), which
 * is what check_lists compares entry by entry.
 */
static bool changed_lists(const struct chunk_seen *s,
			  const struct chunk_seen *now)
{
	return s->v.slot != now->v.slot ||
	       s->am.on_extend_list != now->am.on_extend_list;
}

/*
 * Between sweeps: chunk by chunk, only those that moved get the per-chunk
 * checks (and, after a balance, their live allocations' pages); the
 * lists and global counters are checked whole, with the empty-page
 * recount summed from what each chunk had when last checked.
 */
static const struct pcpu_chunk_view *
view_fetched(void *arg, int idx, struct pcpu_chunk_view *scratch)
{
	(void)scratch;
	return &((const struct check_memo *)arg)->next[idx].v;
}

/* A chunk that moved: the quick look, and the full checks if it fails. */
static int check_moved(struct run_ctx *c, const struct check_geom *g,
		       struct chunk_seen *now, const struct chunk_seen *was,
		       const struct oracle_chunk *oc, long at)
{
	struct check_tally one = { 0 };

	if (!run_area_map()) {
		now->empty_pop = 0;
		return 0;
	}
	if (check_chunk_quick(g, &now->v, &now->am, was ? &was->v : NULL, oc,
			      at)) {
		now->empty_pop = -1; /* not recounted until the next sweep */
		return 0;
	}
	if (check_chunk_state(c, g, &now->v, &now->am, oc, &one))
		return -1;
	now->empty_pop = one.empty_pop;
	return 0;
}

/* The chunk and offset an alloc or free worked on; false for the rest. */
static bool op_place(const struct run_ctx *c, const struct trace_op *op,
		     int *chunk, long *at)
{
	const struct live_alloc *a;

	if (op->kind != OP_ALLOC && op->kind != OP_FREE)
		return false;
	a = &c->allocs[op->id];
	if (!a->succeeded || (op->kind == OP_ALLOC && !a->live))
		return false;
	*chunk = a->chunk_id;
	*at = a->off;
	return true;
}

static int check_changed(struct run_ctx *c, const struct trace_op *op)
{
	bool after_balance = op->kind == OP_BALANCE;
	int op_chunk = 0;
	long at = -1;
	bool placed = op_place(c, op, &op_chunk, &at);
	bool area_map = run_area_map();
	struct check_tally t = { 0 };
	struct check_memo *m;
	struct check_geom g;
	int pos = 0, nr_seen_again = 0;
	/* the balance work reaps and queues chunks: its lists always */
	bool lists_moved = after_balance;

	check_geom_get(c->b, &g);
	t.nr_chunks = backend_nr_chunks(c->b);
	m = memo_for(c, t.nr_chunks < 0 ? 0 : t.nr_chunks);
	for (int idx = 0; idx < t.nr_chunks; idx++)
		seen_fetch(c->b, idx, &m->next[idx]);
	/* equal chunk lists let index idx mean the same chunk on both sides */
	if (area_map && check_chunk_set_of(c, &g, view_fetched, m))
		return -1;
	for (int idx = 0; idx < t.nr_chunks; idx++) {
		const struct oracle_chunk *oc =
			area_map ? oracle_chunk_at(c->o, idx) : NULL;
		struct chunk_seen *now = &m->next[idx];
		const struct chunk_seen *was = seen_find(m, now->v.id, &pos);

		nr_seen_again += was != NULL;
		lists_moved |= !was || changed_lists(was, now);
		now->oracle_changes = oc ? oc->changes : 0;
		if (was && !moved(was, now, oc)) {
			now->empty_pop = was->empty_pop;
		} else if (check_moved(c, &g, now, was, oc,
				       placed && now->v.id == op_chunk ? at : -1) ||
			   (after_balance &&
			    check_chunk_live_pages(c, now->v.id))) {
			return -1;
		}
		if (now->empty_pop < 0 || t.empty_pop < 0)
			t.empty_pop = -1;
		else
			t.empty_pop += now->empty_pop;
		t.nr_slotted += now->v.kind != PCPU_KIND_RESERVED;
		t.nr_on_extend += now->am.on_extend_list;
	}
	/* a chunk gone since the last look took its place on a list with it */
	lists_moved |= nr_seen_again != m->nr;
	{
		struct chunk_seen *s = m->seen;

		m->seen = m->next;
		m->next = s;
		m->nr = t.nr_chunks;
	}
	if (area_map && ((lists_moved && check_lists(c, &g, &t)) ||
			 check_global_pages(c, &t)))
		return -1;
	return check_tags_rotating(c);
}

/* After a sweep passed: remember every chunk as it is now. */
static void remember_all(struct run_ctx *c)
{
	struct check_memo *m;
	struct check_geom g;
	int n = backend_nr_chunks(c->b);

	check_geom(c, &g);
	m = memo_for(c, n);
	for (int idx = 0; idx < n; idx++) {
		const struct oracle_chunk *oc =
			c->o ? oracle_chunk_at(c->o, idx) : NULL;
		struct chunk_seen *s = &m->seen[idx];

		seen_fetch(c->b, idx, s);
		s->oracle_changes = oc ? oc->changes : 0;
		s->empty_pop = run_area_map() ?
				       check_empty_pop_pages(&g, &s->v, &s->am) :
				       0;
	}
	m->nr = n;
}

int check_op_done(struct run_ctx *c, const struct trace_op *op)
{
	if (sweep_due(c)) {
		if (check_after_op(c))
			return -1;
		if (c->opt->sweep_every > 1)
			remember_all(c);
	} else if (check_changed(c, op)) {
		return -1;
	}
	return check_backing_after_op(c, op);
}
