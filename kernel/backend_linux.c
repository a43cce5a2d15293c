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
#include "pcpu_geometry.h"
#include "kstate.h"
#include "shim_rt.h"

const char *backend_name(void)
{
	return kglue_name();
}

int backend_geometry_check(const struct pcpu_geometry *g, char *err,
			   size_t errlen)
{
	size_t sum = g->static_size + g->reserved_size + g->dyn_size;
	unsigned int max_cpus = kglue_nr_cpus() < PCPU_MAX_CPUS ?
					kglue_nr_cpus() : PCPU_MAX_CPUS;

	if (pcpu_geometry_check_common(g, max_cpus, err, errlen))
		return -1;
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
	kshim_set_preempt(NULL, NULL, NULL);
	linux_back_to_snapshot();
	kshim_set_hooks(&(struct kshim_hooks){ 0 });
	linux_snap.live = NULL;
	backend_view_free(b->view);
	free(b->ids);
	free(b);
}

