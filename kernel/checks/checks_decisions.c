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
 * the fault's; nor is one inside which a preemption hook ran another
 * operation (checks_alloc_post says why).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "backend_internal.h"
#include "checks.h"
#include "mem.h"

#define MAX_DIRTY 32
#define MAX_PENDING 4

/*
 * What checks_alloc_pre() records for one backend_alloc, before the
 * kernel runs.  A preemption hook may run allocations inside another one
 * (include/pcpu.h), so there is one frame per allocation in progress, the
 * innermost last.  ops is the count of operations started when it was
 * taken: if it moved by the end, another operation ran inside this one.
 */
struct pre_frame {
	unsigned long created, faults, exhausted, ops;
	const void **handle; /* each chunk's slot, handle by handle */
	int *slot;
	int nr, cap;
};

static struct {
	const struct backend *owner;
	unsigned long gen;
	bool all_dirty;
	const void *dirty[MAX_DIRTY];
	int nr_dirty;
	struct pcpu_finding pending[MAX_PENDING];
	int nr_pending;
	/* allocations in progress; the frames outlive instances (grown only) */
	struct pre_frame *frames;
	int depth, nr_frames;
	unsigned long ops; /* alloc, free and balance calls seen */
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
	struct pre_frame *frames = st.frames;
	int nr_frames = st.nr_frames;

	if (st.owner == b && st.gen == instance_gen())
		return;
	memset(&st, 0, sizeof(st));
	st.frames = frames;
	st.nr_frames = nr_frames;
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
	struct pre_frame *f;
	int n;

	(void)req;
	sync_instance(b);
	st.ops++;
	if (st.depth == st.nr_frames) {
		int nr = st.nr_frames ? 2 * st.nr_frames : 2;
		struct pre_frame *fs = realloc(st.frames, sizeof(*fs) * (size_t)nr);

		if (!fs)
			abort();
		memset(fs + st.nr_frames, 0,
		       sizeof(*fs) * (size_t)(nr - st.nr_frames));
		st.frames = fs;
		st.nr_frames = nr;
	}
	f = &st.frames[st.depth++];
	f->ops = st.ops;
	f->faults = faults_now(b, &f->exhausted);
	f->created = b->counters.chunks_created;
	n = kglue_chunks(NULL, 0);
	if (n > f->cap) {
		f->cap = n * 2;
		f->handle = realloc(f->handle, sizeof(*f->handle) * (size_t)f->cap);
		f->slot = realloc(f->slot, sizeof(*f->slot) * (size_t)f->cap);
		if (!f->handle || !f->slot)
			abort();
	}
	cs = malloc(sizeof(*cs) * (size_t)(n ? n : 1));
	if (!cs)
		abort();
	kglue_chunks(cs, n);
	for (int i = 0; i < n; i++) {
		f->handle[i] = cs[i].handle;
		f->slot[i] = cs[i].slot;
	}
	f->nr = n;
	free(cs);
}

/* the chunk's slot before the call, or INT_MIN for a chunk it created */
static int pre_slot(const struct pre_frame *f, const void *handle)
{
	for (int i = 0; i < f->nr; i++)
		if (f->handle[i] == handle)
			return f->slot[i];
	return INT_MIN;
}

/*
 * A chunk that existed before the call and had a fit the kernel has no
 * documented reason to pass over: true, with it in st.fit_*.  A documented
 * miss anywhere leaves the call unjudged (the kernel may have met that
 * chunk first).
 */
static bool undocumented_fit(struct backend *b, const struct pre_frame *f,
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
		cs[i].slot = pre_slot(f, cs[i].handle);
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

/*
 * A call is judged only when nothing else explains its outcome: no fault
 * fired and the fake memory did not run out meanwhile, and no other
 * operation ran inside it (at a preemption point).  Another CPU's free
 * can open a fit after the kernel's search passed, its allocation can
 * create the chunk this one then uses: the truth before the call no
 * longer says what the kernel's search saw.  Allocations nested inside
 * another are judged like any: the outer one holds its area and any
 * half-built chunk off the lists, where neither search looks.
 */
void checks_alloc_post(struct backend *b, const struct pcpu_alloc_req *req,
		       const struct pcpu_alloc_res *res)
{
	unsigned long exhausted, faults;
	const struct pre_frame *f;

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
	if (!st.depth) /* no checks_alloc_pre in this instance */
		return;
	f = &st.frames[--st.depth];
	if (faults != f->faults || exhausted != f->exhausted || st.ops != f->ops)
		return;
	if (res->status != PCPU_OK) {
		if (undocumented_fit(b, f, req))
			pend("fit_missed", req, "failed");
	} else if (b->counters.chunks_created != f->created) {
		if (undocumented_fit(b, f, req))
			pend("chunk_created_with_fit", req, "created a chunk");
	}
}

/* frees and balances count as operations that may run inside an alloc */
void checks_free_pre(struct backend *b, uintptr_t ptr)
{
	struct kglue_chunk c;
	unsigned long off;

	sync_instance(b);
	st.ops++;
	if (ptr)
		mark_dirty(kglue_chunk_of(ptr, &c, &off));
}

void checks_balance_post(struct backend *b)
{
	sync_instance(b);
	st.ops++; /* after the kernel ran, but before any outer call ends */
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
