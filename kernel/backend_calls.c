// SPDX-License-Identifier: GPL-2.0-only
/*
 * The calls of include/pcpu.h and of backend_linux.h on a live instance:
 * allocation results in the trace format's terms (chunk ids, offsets in
 * the unit), frees, per-CPU addresses, the balance work, fault injection,
 * and the checks that need the kernel or the fake memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_internal.h"
#include "checks.h"
#include "kstate.h"
#include "mem.h"

struct pcpu_alloc_res backend_alloc(struct backend *b,
				    const struct pcpu_alloc_req *req)
{
	struct pcpu_alloc_res res = { .status = PCPU_FAIL };
	struct kglue_chunk c;
	unsigned long off;
	uintptr_t p;

	checks_alloc_pre(b, req); /* decision checks: the truth before */
	p = kglue_alloc(req->size, req->align, req->reserved, req->atomic);
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
	return kglue_check_backing(err, errlen);
}

int linux_backend_check_accounting(const struct backend *b, char *err,
				   size_t errlen)
{
	(void)b;
	return kglue_check_accounting(err, errlen);
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

/* include/pcpu.h: what the harness may check of this backend */

/*
 * No area map, so neither the oracle nor the map checks apply; no fix
 * switches, the kernel file is unmodified.
 */
unsigned backend_caps(void)
{
	return 0;
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

/* backend_check(): kernel/checks_backend.c */
