/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The slot check: which chunks exist (creation and destruction are predicted
 * exactly), which slot list each one is on, the order of every slot list and of
 * the map-extension queue (docs/allocator.md §3, §13.1 invariant 7, §13.2).
 * List order decides which chunk serves the next request, so it is compared
 * entry by entry.  Cost: O(chunks x log chunks) plus O(slots).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "pcpu_area_map.h"
#include "checks_internal.h"

/* "r 0 3" (at most len bytes, "..." when cut) for reports. */
static const char *fmt_ids(char *buf, size_t len, const int *ids, int n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		char name[16];
		int w = snprintf(buf + used, len - used, "%s%s", i ? " " : "",
				 check_chunk_name(ids[i], name, sizeof(name)));

		if (w < 0 || (size_t)w >= len - used) {
			snprintf(buf + (len > 4 ? len - 4 : 0), 4, "...");
			break;
		}
		used += (size_t)w;
	}
	return buf;
}

static int fail_lists(struct run_ctx *c, const char *what, const int *want,
		      int nwant, const int *got, int ngot)
{
	char w[200], g[200];

	return check_fail(c, CHECK_SLOT, INT_MIN, "%s: expected [%s], got [%s]",
			  what, fmt_ids(w, sizeof(w), want, nwant),
			  fmt_ids(g, sizeof(g), got, ngot));
}

static const struct pcpu_chunk_view *
view_from_backend(void *arg, int idx, struct pcpu_chunk_view *scratch)
{
	backend_chunk(arg, idx, scratch);
	return scratch;
}

/* The live chunk ids, in ascending order, must be the oracle's. */
int check_chunk_set(struct run_ctx *c, const struct check_geom *g)
{
	return check_chunk_set_of(c, g, view_from_backend, c->b);
}

int check_chunk_set_of(struct run_ctx *c, const struct check_geom *g,
		       check_view_fn view, void *arg)
{
	int n = backend_nr_chunks(c->b), on = oracle_nr_chunks(c->o);
	int bits = check_fls(g->unit_size) - 3;
	int want_slots = (bits < 1 ? 1 : bits) + 2;
	int *bids, *oids, ret = 0;
	bool kinds_differ = false;

	if (g->nr_slots != want_slots || g->nr_slots != oracle_nr_slots(c->o))
		return check_fail(c, CHECK_SLOT, INT_MIN,
				  "expected %d slots (oracle %d), got %d",
				  want_slots, oracle_nr_slots(c->o),
				  g->nr_slots);
	if (n < 0)
		return check_fail(c, CHECK_SLOT, INT_MIN,
				  "expected a chunk count, got %d", n);
	bids = check_scratch_ids(c, CHECK_SCRATCH_SET_B, (size_t)n);
	oids = check_scratch_ids(c, CHECK_SCRATCH_SET_O, (size_t)on);
	for (int i = 0; i < n; i++) {
		struct pcpu_chunk_view scratch;
		const struct pcpu_chunk_view *v = view(arg, i, &scratch);

		bids[i] = v->id;
		kinds_differ |= i < on &&
				v->kind != oracle_chunk_at(c->o, i)->kind;
		if (i && bids[i] <= bids[i - 1])
			ret = -1; /* lookups by id rely on the order */
	}
	for (int i = 0; i < on; i++)
		oids[i] = oracle_chunk_at(c->o, i)->id;
	for (int i = 0; i < n && i < on && !ret; i++)
		if (bids[i] != oids[i])
			ret = -1;
	if (ret || n != on)
		ret = fail_lists(c, "live chunks in ascending id order", oids,
				 on, bids, n);
	else if (kinds_differ)
		ret = check_fail(
			c, CHECK_SLOT, INT_MIN,
			"expected each chunk's kind (first, reserved, created) as predicted, got a different kind");
	return ret;
}

/* The chunk's own slot follows from its free_size and contig_hint. */
int check_chunk_slot(struct run_ctx *c, const struct check_geom *g,
		     const struct pcpu_chunk_view *v,
		     const struct pcpu_area_map_view *am,
		     const struct oracle_chunk *oc)
{
	int want = v->kind == PCPU_KIND_RESERVED ?
			   -1 :
			   check_expected_slot(g, v->free_size, v->contig_hint);

	if (v->slot != want)
		return check_fail(
			c, CHECK_SLOT, v->id,
			"chunk %s (free_size %ld contig_hint %d): expected slot %d, got %d",
			CHUNK_NAME(v->id), v->free_size, v->contig_hint, want,
			v->slot);
	if (v->slot != oc->slot)
		return check_fail(c, CHECK_SLOT, v->id,
				  "chunk %s: expected slot %d (oracle), got %d",
				  CHUNK_NAME(v->id), oc->slot, v->slot);
	if (am->on_extend_list != oc->on_extend_list)
		return check_fail(
			c, CHECK_SLOT, v->id,
			"chunk %s: expected on_extend_list %d, got %d",
			CHUNK_NAME(v->id), oc->on_extend_list,
			am->on_extend_list);
	return 0;
}

/* "slot list 3" or "extension queue": formatted only for a report, as
 * the lists are compared for every slot after every operation. */
#define LIST_NAME_LEN 48
static const char *list_name(char *buf, const char *what, int slot)
{
	snprintf(buf, LIST_NAME_LEN, slot < 0 ? "%s" : "%s %d", what, slot);
	return buf;
}

/*
 * One list: the backend's must be the oracle's, and every chunk on it
 * must say (through the oracle's chunk, already equal to the backend's
 * view) that it belongs there.  Ids are appended to all[*nall].
 */
static int check_one_list(struct run_ctx *c, const char *what, int slot,
			  int blen, const int *bids, int olen, const int *oids,
			  int max, int *all, int *nall)
{
	char name[LIST_NAME_LEN];

	if (blen < 0 || blen > max)
		return check_fail(
			c, CHECK_SLOT, INT_MIN,
			"%s: expected at most %d entries (live chunks), got %d",
			list_name(name, what, slot), max, blen);
	if (blen != olen)
		return fail_lists(c, list_name(name, what, slot), oids,
				  olen < max ? olen : max, bids, blen);
	for (int i = 0; i < blen; i++) {
		const struct oracle_chunk *oc;

		if (bids[i] != oids[i])
			return fail_lists(c, list_name(name, what, slot), oids,
					  olen, bids, blen);
		oc = oracle_chunk_by_id(c->o, bids[i]);
		if (!oc || (slot >= 0 && oc->slot != slot) ||
		    (slot < 0 && !oc->on_extend_list))
			return check_fail(
				c, CHECK_SLOT, bids[i],
				"%s: expected only chunks that belong there, got chunk %s",
				list_name(name, what, slot), CHUNK_NAME(bids[i]));
		if (*nall >= max)
			return check_fail(
				c, CHECK_SLOT, bids[i],
				"%s: expected each chunk on one list, got more entries than chunks",
				list_name(name, what, slot));
		all[(*nall)++] = bids[i];
	}
	return 0;
}

static int check_no_dup(struct run_ctx *c, const char *what, int *all, int nall,
			int want)
{
	int dup = check_sorted_unique(all, nall);

	if (dup != INT_MIN)
		return check_fail(
			c, CHECK_SLOT, dup,
			"%s: expected each chunk once, got chunk %s twice",
			what, CHUNK_NAME(dup));
	if (nall != want)
		return check_fail(c, CHECK_SLOT, INT_MIN,
				  "%s: expected %d chunks listed, got %d", what,
				  want, nall);
	return 0;
}

int check_lists(struct run_ctx *c, const struct check_geom *g,
		const struct check_tally *t)
{
	int max = t->nr_chunks + 1; /* room to see one entry too many */
	int *bids = check_scratch_ids(c, CHECK_SCRATCH_LIST_B, (size_t)max);
	int *oids = check_scratch_ids(c, CHECK_SCRATCH_LIST_O, (size_t)max);
	int *all = check_scratch_ids(c, CHECK_SCRATCH_LIST_ALL, (size_t)max);
	int nall = 0, ret = 0, blen, olen;

	for (int s = 0; s < g->nr_slots && !ret; s++) {
		blen = backend_slot_list(c->b, s, bids, max);
		olen = oracle_slot_list(c->o, s, oids, max);
		ret = check_one_list(c, "slot list", s, blen, bids, olen, oids,
				     max, all, &nall);
	}
	if (!ret)
		ret = check_no_dup(c, "slot lists", all, nall, t->nr_slotted);
	if (!ret) {
		nall = 0;
		blen = backend_extend_queue(c->b, bids, max);
		olen = oracle_extend_queue(c->o, oids, max);
		ret = check_one_list(c, "extension queue", -1, blen, bids, olen,
				     oids, max, all, &nall);
	}
	if (!ret)
		ret = check_no_dup(c, "extension queue", all, nall,
				   t->nr_on_extend);
	return ret;
}
