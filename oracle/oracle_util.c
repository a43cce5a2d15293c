/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small arithmetic helpers and fault-injection bookkeeping for the oracle.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle_internal.h"

void oracle_array_drop(void *base, size_t size, int *nr, int i)
{
	char *at = (char *)base + (size_t)i * size;

	memmove(at, at + size, (size_t)(*nr - i - 1) * size);
	(*nr)--;
}

/*
 * The oracle is a test tool: running out of memory is not a behaviour it
 * predicts, so it stops the process rather than carrying on half-updated.
 */
void *oracle_xrealloc(void *p, size_t n, size_t elem)
{
	void *q;

	if (n == 0)
		n = 1;
	q = realloc(p, n * elem);
	if (!q) {
		fprintf(stderr, "oracle: out of memory\n");
		abort();
	}
	return q;
}

long oracle_pfn_down(const struct oracle *o, long x)
{
	/* the page size is a power of two; a division by it took most of
	 * the empty-page recount, which runs for every changed chunk */
	return x >= 0 ? x >> o->page_shift : x / o->page;
}

long oracle_pfn_up(const struct oracle *o, long x)
{
	long y = x + o->page - 1;

	return y >= 0 ? y >> o->page_shift : y / o->page;
}

/*
 * The kernel's ALIGN is the bit-mask formula, not "round up to a multiple":
 * before 4.10 a non-power-of-two align goes through it unchanged
 * (docs/allocator.md §1, §7.1).
 */
long oracle_align(long x, long a)
{
	return (long)(((unsigned long)x + (unsigned long)a - 1) &
		      ~((unsigned long)a - 1));
}

/*
 * Armed failures are consumed one per attempt that actually happens, in
 * order, once the attempts to let through (`after N`) are used up; an
 * attempt that is never made leaves them armed.
 */
bool oracle_take_fault(struct oracle *o, enum pcpu_fault kind)
{
	if (o->skip[kind]) {
		o->skip[kind]--;
		return false;
	}
	if (o->armed[kind] == 0)
		return false;
	o->armed[kind]--;
	return true;
}

void oracle_point(struct oracle *o, const char *point)
{
	if (o->preempt_fn)
		o->preempt_fn(o->preempt_arg, point, o->mutex_held);
}

void oracle_set_preempt(struct oracle *o, pcpu_preempt_fn fn, void *arg)
{
	o->preempt_fn = fn;
	o->preempt_arg = arg;
}
