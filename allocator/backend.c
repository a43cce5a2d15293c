// SPDX-License-Identifier: GPL-2.0-only
/*
 * The backend interface (include/pcpu.h) over the area-map port: calls
 * and fault injection.  The read-only views, and backend_cpu_addr, are in
 * backend_view.c.
 */
#include "percpu_internal.h"

const char *backend_name(void)
{
	return "area-map-4.9";
}

bool pcpu_fault_fire(struct backend *b, enum pcpu_fault kind)
{
	if (b->fault_skip[kind]) {
		b->fault_skip[kind]--;
		return false;
	}
	if (!b->fault_armed[kind])
		return false;
	b->fault_armed[kind]--;
	b->counters.faults_fired[kind]++;
	return true;
}

int pcpu_fault_strike(struct backend *b, enum pcpu_fault kind, int n)
{
	if (!pcpu_fault_fire(b, kind))
		return -1;
	return (int)((b->counters.faults_fired[kind] - 1) % (unsigned long)n);
}

void backend_fail_after(struct backend *b, enum pcpu_fault kind,
			unsigned count, unsigned after)
{
	b->fault_skip[kind] = after;
	b->fault_armed[kind] += count;
}

void backend_fail(struct backend *b, enum pcpu_fault kind, unsigned count)
{
	backend_fail_after(b, kind, count, 0);
}

void pcpu_lock(struct backend *b)
{
	b->pcpu_lock_held = true;
}

void pcpu_unlock(struct backend *b, const char *point)
{
	b->pcpu_lock_held = false;
	if (b->preempt_fn)
		b->preempt_fn(b->preempt_arg, point, b->pcpu_alloc_mutex_held);
}

void pcpu_mutex_lock(struct backend *b)
{
	b->pcpu_alloc_mutex_held = true;
}

void pcpu_mutex_unlock(struct backend *b)
{
	b->pcpu_alloc_mutex_held = false;
}

void backend_set_preempt(struct backend *b, pcpu_preempt_fn fn, void *arg)
{
	b->preempt_fn = fn;
	b->preempt_arg = arg;
}

/* docs/interleavings.md §2.1, in the order a reader meets them. */
const char *const *backend_preempt_points(void)
{
	static const char *const points[] = {
		"extend",	    "extend-done",	 "create",
		"area-found",	    "populated",	 "fail",
		"free",		    "balance-reclaim",	 "balance-depopulated",
		"balance-extend",   "balance-populate", "balance-populated",
		"balance-create",   NULL,
	};

	return points;
}

struct pcpu_alloc_res backend_alloc(struct backend *b,
				    const struct pcpu_alloc_req *req)
{
	return pcpu_alloc(b, req->size, req->align, req->reserved,
			  req->atomic);
}

enum pcpu_status backend_free(struct backend *b, uintptr_t ptr)
{
	return free_percpu(b, ptr);
}

void backend_balance(struct backend *b)
{
	pcpu_balance_workfn(b);
}

void backend_default_geometry(struct pcpu_geometry *g)
{
	static const struct pcpu_geometry def = PCPU_GEOMETRY_DEFAULT;

	*g = def;
}

const char *const *backend_check_names(void)
{
	static const char *const none[] = { NULL };

	return none;
}
