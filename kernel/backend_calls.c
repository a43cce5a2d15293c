// SPDX-License-Identifier: GPL-2.0-only
/*
 * The calls of include/pcpu.h and of backend_linux.h on a live instance:
 * allocation results in the trace format's terms (chunk ids, offsets in
 * the unit), frees, per-CPU addresses, the balance work, fault injection,
 * the preemption hook, and the checks that need the kernel or the fake
 * memory.
 *
 * Re-entrancy: with a preemption hook set, the kernel calls the hook from
 * inside an alloc, free or balance (at a release of pcpu_lock), and the
 * hook may call alloc, free, balance and fail on the same instance.  So
 * everything here keeps its per-call state in locals, and whatever a call
 * records for later (the view cache, the decision checks) is told again
 * after the kernel returned, since a nested call may have used it in
 * between.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_internal.h"
#include "checks.h"
#include "kstate.h"
#include "mem.h"
#include "shim_rt.h"

struct pcpu_alloc_res backend_alloc(struct backend *b,
				    const struct pcpu_alloc_req *req)
{
	struct pcpu_alloc_res res = { .status = PCPU_FAIL };
	struct kglue_chunk c;
	unsigned long off;
	uintptr_t p;

	checks_alloc_pre(b, req); /* decision checks: the truth before */
	b->view->stale = true;
	p = kglue_alloc(req->size, req->align, req->reserved, req->atomic);
	/* a nested call may have rebuilt the views while this one ran */
	b->view->stale = true;
	if (!p) {
		if (req->atomic)
			b->counters.atomic_failed++;
		checks_alloc_post(b, req, &res);
		return res;
	}
	kglue_chunk_of(p, &c, &off);
	res.status = PCPU_OK;
	res.ptr = p;
	res.chunk_id = backend_chunk_id(b, &c);
	if (c.first || c.reserved) {
		/* offsets in the unit, as the trace format counts them */
		res.off = (unsigned long)(c.base_addr + off -
					  (uintptr_t)linux_snap.fc.base);
		linux_first_chunk_mark(res.off, (req->size + 3) & ~(size_t)3);
	} else {
		res.off = off;
	}
	checks_alloc_post(b, req, &res);
	return res;
}

enum pcpu_status backend_free(struct backend *b, uintptr_t ptr)
{
	b->view->stale = true;
	checks_free_pre(b, ptr); /* the hint checks look at its chunk */
	kglue_free(ptr);
	b->view->stale = true; /* rebuilt by a nested call meanwhile? */
	return PCPU_OK;
}

void *backend_cpu_addr(struct backend *b, uintptr_t ptr, unsigned int cpu)
{
	(void)b;
	return kglue_cpu_addr(ptr, cpu);
}

void backend_balance(struct backend *b)
{
	b->view->stale = true;
	kglue_balance(true);
	b->view->stale = true;
	checks_balance_post(b);
}

void backend_fail_after(struct backend *b, enum pcpu_fault kind,
			unsigned count, unsigned after)
{
	static const enum mem_fault site[PCPU_NR_FAULTS] = {
		[PCPU_FAULT_PAGE] = MEM_FAULT_PAGE,
		[PCPU_FAULT_CHUNK] = MEM_FAULT_CHUNK,
		[PCPU_FAULT_MAP] = MEM_FAULT_META,
		[PCPU_FAULT_VMAP] = MEM_FAULT_VMAP,
	};

	(void)b;
	mem_fail(site[kind], count, after);
}

void backend_fail(struct backend *b, enum pcpu_fault kind, unsigned count)
{
	backend_fail_after(b, kind, count, 0);
}

/*
 * The preemption point (docs/interleavings.md §2.2).  The shim calls
 * on_preempt right after the kernel released pcpu_lock, with the name of
 * the kernel function that released it.  The name handed on is the entry
 * of backend_preempt_points() it stands for, with its `_noprof` dropped
 * (6.10 renamed pcpu_alloc to pcpu_alloc_noprof for allocation profiling;
 * a trace names `pcpu_alloc` on every version), and always a pointer to
 * static storage, which the hook may keep.  A name the build-time list
 * lacks is passed as the kernel spells it, for the tests to catch.
 */
static const char *point_name(const char *func)
{
	static const char suffix[] = "_noprof";
	size_t len = strlen(func), sl = sizeof(suffix) - 1;

	if (len > sl && !strcmp(func + len - sl, suffix))
		len -= sl;
	for (const char *const *p = kglue_preempt_points(); *p; p++)
		if (strlen(*p) == len && !strncmp(*p, func, len))
			return *p;
	return func;
}

static void on_preempt(void *ctx, const char *func)
{
	struct backend *b = ctx;

	/* the kernel changed state up to here: views are rebuilt on demand */
	b->view->stale = true;
	b->preempt_fn(b->preempt_arg, point_name(func),
		      kglue_alloc_mutex_held());
}

void backend_set_preempt(struct backend *b, pcpu_preempt_fn fn, void *arg)
{
	b->preempt_fn = fn;
	b->preempt_arg = fn ? arg : NULL;
	kshim_set_preempt(kglue_pcpu_lock(), fn ? on_preempt : NULL, b);
}

/* generated from this build's sources: kernel/preempt-points.sh */
const char *const *backend_preempt_points(void)
{
	return kglue_preempt_points();
}

/* beyond include/pcpu.h (backend_linux.h) */

void linux_backend_fail_vmap(struct backend *b, unsigned count)
{
	backend_fail(b, PCPU_FAULT_VMAP, count);
}

void linux_backend_info(const struct backend *b, struct linux_backend_info *out)
{
	struct mem_stats st;

	mem_get_stats(&st);
	*out = (struct linux_backend_info){
		.setup_path = linux_setup_names[linux_snap.path],
		.fresh_setup = b->fresh_setup,
		.fresh_setups = linux_snap.fresh_setups,
		.restores = linux_snap.restores,
		.kernel_state_bytes = kstate_size(),
		.warn_other = b->warn_other,
		.last_warning = b->last_warning,
		.phys_exhausted = st.phys_exhausted,
		.vm_exhausted = st.vm_exhausted,
		.pages_live = st.pages_live,
		.heap_live = st.heap_live,
	};
}

int linux_backend_check_backing(const struct backend *b, char *err,
				size_t errlen)
{
	(void)b;
	return kglue_check_backing(NULL, 0, err, errlen);
}

int linux_backend_check_accounting(const struct backend *b, char *err,
				   size_t errlen)
{
	(void)b;
	return kglue_check_accounting(NULL, 0, err, errlen);
}

int linux_backend_check_static(const struct backend *b, char *err,
			       size_t errlen)
{
	struct first_chunk *fc = &linux_snap.fc;

	for (unsigned int u = 0; u < fc->nr_units; u++)
		if (memcmp(fc->base + fc->unit_offsets[u], fc->image,
			   b->geo.static_size))
			REFUSE("unit %u: the static area was overwritten", u);
	return 0;
}

int linux_backend_check_pristine(const struct backend *b, char *err,
				 size_t errlen)
{
	(void)b;
	return linux_check_pristine(err, errlen);
}

/*
 * The trace format's default where this kernel accepts it (6.1); 6.12
 * wants dyn >= 20 KiB (PERCPU_DYNAMIC_EARLY_SIZE), so there the default
 * keeps its static and reserved areas and grows the unit by one page to
 * give the dynamic area 20 KiB.  Both kernels accept that geometry.
 */
void backend_default_geometry(struct pcpu_geometry *g)
{
	static const struct pcpu_geometry def = PCPU_GEOMETRY_DEFAULT;
	static const struct pcpu_geometry big_dyn = {
		.cpus = 4, .page_size = 4096, .unit_size = 36864,
		.static_size = 8192, .reserved_size = 8192, .dyn_size = 20480,
	};
	char err[160];

	*g = backend_geometry_check(&def, err, sizeof(err)) ? big_dyn : def;
}

/* backend_check(): kernel/checks/checks_backend.c */
