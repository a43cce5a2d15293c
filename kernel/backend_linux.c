// SPDX-License-Identifier: GPL-2.0-only
/*
 * include/pcpu.h over the real mm/percpu.c (kernel/glue.c): geometry,
 * instances, and the kernel's messages and chunk events.  Calls are in
 * backend_calls.c, views in backend_view.c, the shared boot and its
 * snapshot in backend_snapshot.c.
 *
 * One instance exists at a time: the kernel's globals are singletons.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend_internal.h"
#include "kstate.h"
#include "shim_rt.h"

const char *backend_name(void)
{
	return kglue_name();
}

static bool is_pow2(size_t n)
{
	return n && !(n & (n - 1));
}

int backend_geometry_check(const struct pcpu_geometry *g, char *err,
			   size_t errlen)
{
	long host_page = sysconf(_SC_PAGESIZE);
	size_t sum = g->static_size + g->reserved_size + g->dyn_size;
	size_t min_unit;

	/* the port's limits first, so the kernel's checks cannot overflow */
	if (g->cpus < 1 || g->cpus > PCPU_MAX_CPUS || g->cpus > kglue_nr_cpus())
		REFUSE("cpus=%u out of range (1 to %d)", g->cpus, PCPU_MAX_CPUS);
	if (!is_pow2(g->page_size) || g->page_size < 4096 ||
	    g->page_size > 65536)
		REFUSE("page=%zu must be a power of two from 4096 to 65536",
		       g->page_size);
	if (host_page > 0 && g->page_size % (size_t)host_page)
		REFUSE("page=%zu is smaller than the host page size %ld",
		       g->page_size, host_page);
	if (g->unit_size > PCPU_MAX_UNIT_SIZE)
		REFUSE("unit=%zu above the port's limit of %lu", g->unit_size,
		       PCPU_MAX_UNIT_SIZE);
	if (g->static_size > g->unit_size || g->reserved_size > g->unit_size ||
	    g->dyn_size > g->unit_size)
		REFUSE("unit_size %zu < static + reserved + dyn (kernel setup check)",
		       g->unit_size);
	if ((size_t)g->cpus * g->unit_size > PCPU_MAX_CHUNK_BYTES)
		REFUSE("cpus * unit = %zu bytes above the port's limit of %lu",
		       (size_t)g->cpus * g->unit_size, PCPU_MAX_CHUNK_BYTES);

	/* pcpu_setup_first_chunk()'s PCPU_SETUP_BUG_ON checks (SMP) */
	min_unit = (32768 + g->page_size - 1) & ~(g->page_size - 1);
	if (!g->static_size)
		REFUSE("static=0: the kernel's SMP setup requires a static area");
	if (g->unit_size < sum)
		REFUSE("unit_size %zu < static + reserved + dyn = %zu (kernel setup check)",
		       g->unit_size, sum);
	if (g->unit_size & (g->page_size - 1))
		REFUSE("unit=%zu is not page aligned (kernel setup check)",
		       g->unit_size);
	if (g->unit_size < min_unit)
		REFUSE("unit=%zu < PCPU_MIN_UNIT_SIZE %zu (kernel setup check)",
		       g->unit_size, min_unit);
	if (g->dyn_size < kglue_dynamic_early_size())
		REFUSE("dyn=%zu < PERCPU_DYNAMIC_EARLY_SIZE %zu of %s (kernel setup check)",
		       g->dyn_size, kglue_dynamic_early_size(), kglue_name());
	if (g->reserved_size % 4)
		REFUSE("reserved=%zu is not a multiple of PCPU_MIN_ALLOC_SIZE 4 (kernel setup check)",
		       g->reserved_size);
	/*
	 * Port precondition: every real first-chunk builder (embed, page,
	 * UP) hands the setup a page-aligned static + reserved + dyn.  With
	 * a total that is not a multiple of 4, the dynamic chunk's bitmap
	 * reaches past the end of the area and its free_bytes is not a
	 * multiple of 4: a state no real kernel reaches.
	 */
	if (sum % 4)
		REFUSE("static + reserved + dyn = %zu is not a multiple of 4 (no real first-chunk setup builds that)",
		       sum);
	return 0;
}

/* kernel messages and chunk events, through the shim's hooks */
static void on_message(void *ctx, int level, const char *file, int line,
		       const char *text)
{
	struct backend *b = ctx;

	if (file) { /* a WARN */
		if (strstr(text, "illegal size"))
			b->counters.warn_illegal++;
		else if (strstr(text, "chunk->immutable"))
			b->counters.warn_immutable++;
		else {
			b->warn_other++;
			snprintf(b->last_warning, sizeof(b->last_warning),
				 "%s:%d: %s", file, line, text);
		}
	} else if (level == 4 && strstr(text, "allocation failed")) {
		b->counters.warn_failed++;
	}
}

static void on_chunk(void *ctx, bool created, void *base_addr)
{
	struct backend *b = ctx;
	int alive, i;

	b->view->stale = true;
	if (b->booting) /* the first chunk: named 0 and r, not numbered */
		return;
	if (created) {
		if (b->nr_ids == b->cap_ids) {
			int cap = b->cap_ids ? 2 * b->cap_ids : 16;
			struct chunk_id *ids = realloc(b->ids, cap * sizeof(*ids));

			if (!ids) {
				fprintf(stderr, "linux backend: out of memory\n");
				abort();
			}
			b->ids = ids;
			b->cap_ids = cap;
		}
		b->ids[b->nr_ids++] = (struct chunk_id){ (uintptr_t)base_addr,
							 b->next_id++ };
		b->counters.chunks_created++;
		alive = b->nr_ids + 1 + (b->geo.reserved_size != 0);
		if ((unsigned long)alive > b->counters.max_chunks_alive)
			b->counters.max_chunks_alive = (unsigned long)alive;
		return;
	}
	for (i = 0; i < b->nr_ids; i++)
		if (b->ids[i].base_addr == (uintptr_t)base_addr)
			break;
	if (i == b->nr_ids) {
		fprintf(stderr, "linux backend: destroyed chunk at %p was never created\n",
			base_addr);
		abort();
	}
	memmove(&b->ids[i], &b->ids[i + 1], (b->nr_ids - i - 1) * sizeof(*b->ids));
	b->nr_ids--;
	b->counters.chunks_destroyed++;
}

int backend_chunk_id(const struct backend *b, const struct kglue_chunk *c)
{
	if (c->reserved)
		return PCPU_CHUNK_RESERVED;
	if (c->first)
		return PCPU_CHUNK_FIRST;
	for (int i = 0; i < b->nr_ids; i++)
		if (b->ids[i].base_addr == c->base_addr)
			return b->ids[i].id;
	fprintf(stderr, "linux backend: chunk at %#lx has no id\n",
		(unsigned long)c->base_addr);
	abort();
}

struct backend *backend_create(const struct pcpu_geometry *g, unsigned fixes,
			       char *err, size_t errlen)
{
	struct backend *b;

	(void)fixes; /* the kernel file is unmodified: no fix switches */
	if (backend_geometry_check(g, err, errlen))
		return NULL;
	if (linux_snap.live) {
		snprintf(err, errlen,
			 "one linux backend instance at a time (the kernel's globals are singletons)");
		return NULL;
	}
	if (!kstate_size()) {
		snprintf(err, errlen,
			 "the glue object has no kpcpu_data/kpcpu_bss sections (not built by mk/linux.mk?)");
		return NULL;
	}
	if (!linux_snap.boot.buf && kstate_save(&linux_snap.boot)) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (!b || !(b->view = calloc(1, sizeof(*b->view)))) {
		free(b);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	b->geo = *g;
	b->next_id = 1;
	b->view->stale = true;
	kshim_set_hooks(&(struct kshim_hooks){ .ctx = b,
					       .message = on_message,
					       .chunk = on_chunk });
	if (linux_snap.have_post && pcpu_geometry_equal(&linux_snap.geo, g)) {
		if (!linux_snap.clean)
			linux_back_to_snapshot();
		linux_snap.restores++;
	} else if (linux_boot(b, g, err, errlen)) {
		kshim_set_hooks(&(struct kshim_hooks){ 0 });
		backend_view_free(b->view);
		free(b);
		return NULL;
	}
	b->counters.max_chunks_alive = 1 + (g->reserved_size != 0);
	linux_snap.clean = false;
	linux_snap.live = b;
	return b;
}

void backend_destroy(struct backend *b)
{
	if (!b)
		return;
	if (kshim_atomic_depth()) {
		fprintf(stderr, "linux backend: the kernel returned with a spinlock held\n");
		abort();
	}
	linux_back_to_snapshot();
	kshim_set_hooks(&(struct kshim_hooks){ 0 });
	linux_snap.live = NULL;
	backend_view_free(b->view);
	free(b->ids);
	free(b);
}

