/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pcpu_alloc and free_percpu policy (docs/allocator.md §7, §8): argument
 * checks, the reserved path, the slot walk (with the §14.1 escape), chunk
 * creation, population and the balance-work triggers.
 */
#include "oracle_internal.h"

struct alloc_args {
	long size;   /* normalised even size */
	long align;  /* normalised align >= 2 */
	bool atomic;
};

/* §7.1: normalise; false when the kernel rejects the request outright. */
static bool normalise(const struct oracle *o, const struct pcpu_alloc_req *req,
		      struct alloc_args *a)
{
	size_t size = req->size, align = req->align;

	if (align < 2)
		align = 2;
	size = (size + 1) & ~(size_t)1; /* SIZE_MAX wraps to 0 */
	if (size == 0 || size > (size_t)o->max_alloc ||
	    align > (size_t)o->page)
		return false;
	if ((o->fixes & PCPU_FIX_ALIGN_POW2) && (align & (align - 1)))
		return false;
	a->size = (long)size;
	a->align = (long)align;
	a->atomic = req->atomic;
	return true;
}

/*
 * §7.3: the reserved chunk only; no chunk walk, no creation.  A failure
 * found with the lock held releases it at `fail`; growing the map
 * releases it at `extend` first (docs/interleavings.md §2.1).
 */
static long alloc_reserved(struct oracle *o, struct oracle_chunk *rc,
			   const struct alloc_args *a)
{
	long off;
	int n;

	if (a->size > rc->contig_hint) {
		oracle_point(o, "fail");
		return -1;
	}
	/* an atomic call has queued the chunk before giving up */
	while ((n = oracle_need_to_extend(o, rc, a->atomic)) != 0) {
		oracle_point(o, "extend");
		if (a->atomic || !oracle_extend_map(o, rc, n))
			return -1;
	}
	off = oracle_alloc_area(o, rc, a->size, a->align, a->atomic);
	if (off < 0)
		oracle_point(o, "fail");
	return off;
}

/*
 * §7.4: walk slots from the request's slot up, each list head to tail.  A
 * failed attempt that moves the chunk off the walked list (to slot 0) makes
 * the faithful kernel's walk escape its list and spin (§14.1): report the
 * hang.  With the slot-walk fix the walk goes on with the entry that
 * followed the chunk before the attempt, which now sits at the same index.
 */
static enum pcpu_status alloc_normal(struct oracle *o,
				     const struct alloc_args *a,
				     struct oracle_chunk **out, long *off,
				     int *taken)
{
	int slot, j, n, before;

restart:
	for (slot = oracle_size_to_slot(o, a->size); slot < o->nr_slots;
	     slot++) {
		struct oracle_idlist *l = &o->slots[slot];

		j = 0;
		while (j < l->nr) {
			struct oracle_chunk *c = oracle_find(o, l->ids[j]);

			if (a->size > c->contig_hint) {
				j++;
				continue;
			}
			n = oracle_need_to_extend(o, c, a->atomic);
			if (n) {
				if (a->atomic) {
					j++;
					continue;
				}
				oracle_point(o, "extend");
				if (!oracle_extend_map(o, c, n))
					return PCPU_FAIL;
				/* the lock was dropped: walk again (§4.3) */
				goto restart;
			}
			/* what the area takes from the count: only a hook sees it */
			before = o->preempt_fn ? oracle_chunk_empty_pop(o, c) : 0;
			*off = oracle_alloc_area(o, c, a->size, a->align,
						 a->atomic);
			if (*off >= 0) {
				*out = c;
				if (o->preempt_fn)
					*taken = before -
						 oracle_chunk_empty_pop(o, c);
				return PCPU_OK;
			}
			if (c->slot != slot) {
				if (!(o->fixes & PCPU_FIX_SLOT_WALK))
					return PCPU_HANG;
				continue;
			}
			j++;
		}
	}

	oracle_point(o, "create");

	/* atomic requests never create chunks */
	if (a->atomic)
		return PCPU_FAIL;
	if (o->slots[o->nr_slots - 1].nr == 0) {
		struct oracle_chunk *c = oracle_create_chunk(o);

		if (!c)
			return PCPU_FAIL;
		oracle_relocate(o, c, -1);
	}
	goto restart;
}

/*
 * §7.5 step 1 (non-atomic only): populate every unpopulated run inside the
 * pages of [off, off + size) with the requested size, one call per run.  A
 * failing call frees the block again; what earlier runs populated and the
 * donated head stay.
 */
static bool populate_area(struct oracle *o, struct oracle_chunk *c, long off,
			  long size, int *lag)
{
	int end = (int)oracle_pfn_up(o, off + size);
	int rs = (int)oracle_pfn_down(o, off), re;

	for (;;) {
		rs = oracle_next_unpop(c, rs, end, &re);
		if (rs >= end)
			return true;
		if (!oracle_populate(o, c, rs, re)) {
			/* the area goes back: the count is right again */
			oracle_free_area(o, c, off);
			o->empty_pop_bias -= *lag;
			*lag = 0;
			oracle_point(o, "fail");
			return false;
		}
		/* the kernel counts the new pages as empty until the end */
		*lag += re - rs;
		o->empty_pop_bias += re - rs;
		oracle_point(o, "populated");
		rs = re;
	}
}

struct pcpu_alloc_res oracle_alloc(struct oracle *o,
				   const struct pcpu_alloc_req *req)
{
	struct pcpu_alloc_res res = { .status = PCPU_FAIL, .chunk_id = 0 };
	struct oracle_chunk *rc = oracle_find(o, PCPU_CHUNK_RESERVED);
	struct oracle_chunk *c = NULL;
	struct alloc_args a;
	long off = -1;
	int lag = 0; /* this call's part of o->empty_pop_bias */

	/* §7.1: a rejected request changes nothing, not even the flags */
	if (!normalise(o, req, &a))
		return res;

	o->mutex_held = o->mutex_held || !a.atomic;
	if (req->reserved && rc) {
		off = alloc_reserved(o, rc, &a);
		res.status = off >= 0 ? PCPU_OK : PCPU_FAIL;
		c = rc;
	} else {
		res.status = alloc_normal(o, &a, &c, &off, &lag);
	}
	if (res.status == PCPU_HANG) {
		if (!a.atomic)
			o->mutex_held = false;
		return res;
	}

	if (res.status == PCPU_OK) {
		/* the reserved chunk is outside the count */
		if (c == rc)
			lag = 0;
		o->empty_pop_bias += lag;
		oracle_point(o, "area-found");
	}

	if (res.status == PCPU_OK && !a.atomic &&
	    !populate_area(o, c, off, a.size, &lag))
		res.status = PCPU_FAIL;
	if (!a.atomic)
		o->mutex_held = false;
	/* the kernel's counter catches up with the recount here */
	o->empty_pop_bias -= lag;

	if (res.status == PCPU_FAIL) {
		/* §7.6: every atomic failure sets the flag, trigger (c) */
		if (a.atomic) {
			o->atomic_failed = true;
			o->balance_pending = true;
		}
		return res;
	}

	/* §7.5 step 3, trigger (b): checked for reserved allocations too */
	if (oracle_kernel_empty_pop(o) < ORACLE_EMPTY_POP_LOW)
		o->balance_pending = true;
	res.chunk_id = c->id;
	res.off = (unsigned long)off;
	res.ptr = 0;
	return res;
}

/*
 * §8 free_percpu, given the chunk and offset the pointer resolves to.  A
 * free that leaves the chunk entirely free (it is now at the head of the
 * free slot) while another chunk sits there schedules work, trigger (d).
 */
enum pcpu_status oracle_free(struct oracle *o, int chunk_id, long off)
{
	struct oracle_chunk *c = oracle_find(o, chunk_id);
	struct oracle_idlist *free_slot = &o->slots[o->nr_slots - 1];
	int i;

	if (!c || oracle_free_area(o, c, off) < 0)
		return PCPU_BUG;
	if (c->free_size == o->unit) {
		for (i = 0; i < free_slot->nr; i++) {
			if (free_slot->ids[i] != c->id) {
				o->balance_pending = true;
				break;
			}
		}
	}
	oracle_point(o, "free");
	return PCPU_OK;
}
