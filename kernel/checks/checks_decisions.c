// SPDX-License-Identifier: GPL-2.0-only
/*
 * Allocation-decision checks and the touched-chunk record.  backend_alloc
 * calls checks_alloc_pre() before the kernel runs (counters, each chunk's
 * slot) and checks_alloc_post() after: when the call failed or created a
 * chunk, it looks, from the bitmaps alone, for a chunk that existed before
 * the call, that the kernel's search covers and that could have served the
 * request, and keeps a finding for the next backend_check():
 *
 * - fit_missed: the allocation failed although a chunk had a fit;
 * - chunk_created_with_fit: the kernel created a chunk although one had a
 *   fit.
 *
 * Both are graded hint.  The comment of pcpu_find_block_fit() says its
 * search is close to first fit but not exactly that, so the misses
 * percpu.c documents (see explain()) are not findings; each finding says
 * why the kernel passed the fit by (chunk hint below the largest free run,
 * or the block walk).
 *
 * What the kernel's search covers (pcpu_alloc_noprof / pcpu_alloc): the
 * reserved chunk alone for a reserved request when there is one; else
 * every chunk on the slot lists up to pcpu_free_slot, i.e. all but the
 * reserved chunk and the isolated ones (pcpu_to_depopulate_slot lies past
 * pcpu_free_slot by design: they wait for depopulation), so isolated
 * chunks are not candidates.  Atomic requests need every page of the fit
 * populated (pcpu_is_populated).  A call during which a fault fired or the
 * fake memory ran out is not judged: the failure or the new chunk may be
 * the fault's.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "backend_internal.h"
#include "checks.h"
#include "mem.h"

#define MAX_DIRTY 32
#define MAX_PENDING 4

static struct {
	const struct backend *owner;
	unsigned long gen;
	bool all_dirty;
	const void *dirty[MAX_DIRTY];
	int nr_dirty;
	struct pcpu_finding pending[MAX_PENDING];
	int nr_pending;
	/* before the kernel ran: counters, and each chunk's slot */
	bool have_pre;
	unsigned long created, faults, exhausted;
	const void **pre_handle;
	int *pre_slot;
	int nr_pre, cap_pre;
	/* the judged fit */
	int fit_chunk, fit_off;
	char why[256];
} st;

static unsigned long instance_gen(void)
{
	return linux_snap.fresh_setups + linux_snap.restores;
}

/* a new instance starts with everything to check and nothing pending */
static void sync_instance(const struct backend *b)
{
	const void **h = st.pre_handle;
	int *sl = st.pre_slot, cap = st.cap_pre;

	if (st.owner == b && st.gen == instance_gen())
		return;
	memset(&st, 0, sizeof(st));
	/* the arrays outlive instances (grown only) */
	st.pre_handle = h;
	st.pre_slot = sl;
	st.cap_pre = cap;
	st.owner = b;
	st.gen = instance_gen();
	st.all_dirty = true;
}

static void mark_dirty(const void *chunk)
{
	for (int i = 0; i < st.nr_dirty; i++)
		if (st.dirty[i] == chunk)
			return;
	if (st.nr_dirty == MAX_DIRTY)
		st.all_dirty = true;
	else
		st.dirty[st.nr_dirty++] = chunk;
}

static unsigned long faults_now(const struct backend *b, unsigned long *exh)
{
	struct mem_stats ms;
	unsigned long n = 0;

	(void)b;
	mem_get_stats(&ms);
	*exh = ms.phys_exhausted + ms.vm_exhausted;
	for (int k = 0; k < MEM_NR_FAULTS; k++)
		n += ms.faults_fired[k];
	return n;
}

/* pcpu_size_to_slot() of the kernel, for the explanation */
static int size_to_slot(size_t size, const struct kglue_global *g)
{
	int fls = 0;

	if (size == g->unit_size)
		return g->free_slot;
	for (size_t s = size; s; s >>= 1)
		fls++;
	return fls - 5 + 2 > 1 ? fls - 5 + 2 : 1;
}

/*
 * Why the kernel's search passes over chunk c's fit, into why; true when
 * percpu.c documents the miss as intended or tolerated:
 * - the chunk hint fits the size but not the alignment, or the block walk
 *   misses with an alignment above the minimum: pcpu_find_block_fit()'s
 *   comment admits that a large alignment can make the search pass over
 *   blocks and chunks whose free space would do;
 * - the chunk sits on a slot below the request's: sidelined after a
 *   failed allocation (PCPU_SLOT_FAIL_THRESHOLD: chunks on the lowest
 *   slots may be set aside when an allocation fails);
 * - the chunk hint is below the largest free run by less than a page and
 *   that run crosses a block boundary (pcpu_block_update_hint_free()'s
 *   comment allows the chunk hint to lag by as much as a page).
 */
static bool explain(const struct kglue_chunk *c, size_t size, int bits,
		    int bit_align, bool reserved_only,
		    const struct kglue_global *g, char *why, size_t len)
{
	int block_bits = (int)(g->page_size / 4);
	struct kglue_md m;
	int pad;

	kglue_chunk_md(c->handle, -1, &m);
	pad = (m.contig_hint_start + bit_align - 1) / bit_align * bit_align -
	      m.contig_hint_start;
	if (pad + bits > m.contig_hint) {
		int first = m.true_largest_start / block_bits;
		int last = (m.true_largest_start + m.true_largest - 1) /
			   block_bits;

		if (m.contig_hint < m.true_largest) {
			snprintf(why, len,
				 "chunk_md contig_hint %d@%d is below the largest free run %d@%d",
				 m.contig_hint, m.contig_hint_start,
				 m.true_largest, m.true_largest_start);
			return first != last &&
			       m.true_largest - m.contig_hint < block_bits;
		}
		snprintf(why, len,
			 "chunk_md contig_hint %d@%d does not fit %d bits aligned to %d (alignment)",
			 m.contig_hint, m.contig_hint_start, bits, bit_align);
		return true;
	}
	if (!reserved_only && c->slot < size_to_slot(size, g)) {
		snprintf(why, len,
			 "the chunk is on slot %d, the search starts at slot %d",
			 c->slot, size_to_slot(size, g));
		return true;
	}
	snprintf(why, len,
		 "chunk_md admits it (contig_hint %d@%d); the block walk or the scan window missed it",
		 m.contig_hint, m.contig_hint_start);
	return bit_align > 1;
}

/*
 * Before the kernel runs, only counters and slots are recorded: the fit
 * search waits until the call failed or created a chunk (rare), since
 * neither changes an existing chunk's bitmaps or hints (pcpu_find_block_fit
 * only reads; pcpu_alloc_area returns before writing when it fails).  Its
 * slot may change (a chunk that failed a fit is moved to slot 0), so the
 * slots are taken now.
 */
void checks_alloc_pre(struct backend *b, const struct pcpu_alloc_req *req)
{
	struct kglue_chunk *cs;
	int n;

	(void)req;
	sync_instance(b);
	st.have_pre = true;
	st.faults = faults_now(b, &st.exhausted);
	st.created = b->counters.chunks_created;
	n = kglue_chunks(NULL, 0);
	if (n > st.cap_pre) {
		st.cap_pre = n * 2;
		st.pre_handle = realloc(st.pre_handle,
					sizeof(*st.pre_handle) * (size_t)st.cap_pre);
		st.pre_slot = realloc(st.pre_slot,
				      sizeof(*st.pre_slot) * (size_t)st.cap_pre);
		if (!st.pre_handle || !st.pre_slot)
			abort();
	}
	cs = malloc(sizeof(*cs) * (size_t)(n ? n : 1));
	if (!cs)
		abort();
	kglue_chunks(cs, n);
	for (int i = 0; i < n; i++) {
		st.pre_handle[i] = cs[i].handle;
		st.pre_slot[i] = cs[i].slot;
	}
	st.nr_pre = n;
	free(cs);
}

/* the chunk's slot before the call, or INT_MIN for a chunk it created */
static int pre_slot(const void *handle)
{
	for (int i = 0; i < st.nr_pre; i++)
		if (st.pre_handle[i] == handle)
			return st.pre_slot[i];
	return INT_MIN;
}

/*
 * A chunk that existed before the call and had a fit the kernel has no
 * documented reason to pass over: true, with it in st.fit_*.  A documented
 * miss anywhere leaves the call unjudged (the kernel may have met that
 * chunk first).
 */
static bool undocumented_fit(struct backend *b,
			     const struct pcpu_alloc_req *req)
{
	size_t align = req->align < 4 ? 4 : req->align;
	size_t size = (req->size + 3) & ~(size_t)3;
	struct kglue_global g;
	struct kglue_chunk *cs;
	bool reserved_only = false, found = false;
	int n;

	kglue_global(&g);
	/* illegal requests fail by the kernel's own rule */
	if (!size || size > ((32768 + g.page_size - 1) & ~(g.page_size - 1)) ||
	    align > g.page_size || (align & (align - 1)))
		return false;

	n = kglue_chunks(NULL, 0);
	cs = malloc(sizeof(*cs) * (size_t)(n ? n : 1));
	if (!cs)
		abort();
	kglue_chunks(cs, n);
	for (int i = 0; i < n; i++)
		if (cs[i].reserved && req->reserved)
			reserved_only = true;
	for (int i = 0; i < n; i++) {
		const unsigned long *map, *bound;
		int map_bits, off;
		char why[256];

		if (cs[i].reserved != reserved_only || cs[i].isolated ||
		    cs[i].free_bytes < (int)size)
			continue;
		cs[i].slot = pre_slot(cs[i].handle);
		if (cs[i].slot == INT_MIN)
			continue;
		kglue_chunk_maps(cs[i].handle, &map, &bound, &map_bits);
		off = checks_find_fit(map, map_bits, (int)(size / 4),
				      (int)(align / 4),
				      req->atomic ? cs[i].populated : NULL,
				      (int)(g.page_size / 4));
		if (off < 0)
			continue;
		if (explain(&cs[i], size, (int)(size / 4), (int)(align / 4),
			    reserved_only, &g, why, sizeof(why))) {
			found = false;
			break;
		}
		if (!found) {
			found = true;
			st.fit_chunk = backend_chunk_id(b, &cs[i]);
			st.fit_off = off;
			snprintf(st.why, sizeof(st.why), "%s", why);
		}
	}
	free(cs);
	return found;
}

static void pend(const char *check, const struct pcpu_alloc_req *req,
		 const char *what)
{
	struct pcpu_finding *f;

	if (st.nr_pending == MAX_PENDING)
		return;
	f = &st.pending[st.nr_pending++];
	f->check = check;
	f->grade = PCPU_GRADE_HINT;
	f->chunk_id = st.fit_chunk;
	snprintf(f->detail, sizeof(f->detail),
		 "alloc %zu align=%zu%s%s %s; chunk %d had a fit at bit %d: %s",
		 req->size, req->align, req->atomic ? " atomic" : "",
		 req->reserved ? " reserved" : "", what, st.fit_chunk,
		 st.fit_off, st.why);
}

void checks_alloc_post(struct backend *b, const struct pcpu_alloc_req *req,
		       const struct pcpu_alloc_res *res)
{
	unsigned long exhausted, faults;

	sync_instance(b);
	faults = faults_now(b, &exhausted);
	if (res->status == PCPU_OK) {
		struct kglue_chunk c;
		unsigned long off;

		mark_dirty(kglue_chunk_of(res->ptr, &c, &off));
	} else {
		/* a failed populate frees the area again, in some chunk */
		st.all_dirty = true;
	}
	if (!st.have_pre || faults != st.faults || exhausted != st.exhausted) {
		st.have_pre = false;
		return;
	}
	st.have_pre = false;
	if (res->status != PCPU_OK) {
		if (undocumented_fit(b, req))
			pend("fit_missed", req, "failed");
	} else if (b->counters.chunks_created != st.created) {
		if (undocumented_fit(b, req))
			pend("chunk_created_with_fit", req, "created a chunk");
	}
}

void checks_free_pre(struct backend *b, uintptr_t ptr)
{
	struct kglue_chunk c;
	unsigned long off;

	sync_instance(b);
	if (ptr)
		mark_dirty(kglue_chunk_of(ptr, &c, &off));
}

void checks_balance_post(struct backend *b)
{
	sync_instance(b);
	st.all_dirty = true;
}

bool checks_decisions_flush(struct checks_sink *s)
{
	bool all = st.all_dirty;

	for (int i = 0; i < st.nr_pending; i++)
		checks_add(s, st.pending[i].check, st.pending[i].grade,
			   st.pending[i].chunk_id, "%s", st.pending[i].detail);
	st.nr_pending = 0;
	st.all_dirty = false;
	return all;
}

int checks_dirty(const void **out, int max)
{
	int n = st.nr_dirty < max ? st.nr_dirty : max;

	memcpy(out, st.dirty, sizeof(*out) * (size_t)n);
	return n;
}

void checks_sync_instance(const struct backend *b)
{
	sync_instance(b);
}

void checks_dirty_clear(void)
{
	st.nr_dirty = 0;
}
