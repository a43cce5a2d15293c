// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel file's globals can be set up only once, so instances share
 * one boot: the first instance of a geometry runs the kernel's own setup
 * and snapshots the result (the glue unit's static state, kstate.c, the
 * fake memory, mem_snapshot.c, and here the first chunk's memory);
 * destroying an instance returns all of it to that snapshot, and the next
 * instance of the same geometry starts from it without running any kernel
 * code.  Another geometry first puts the kernel's state back to how the
 * process started (a copy taken before any kernel code ran) and the memory
 * to nothing, then boots again, in the same process.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_internal.h"
#include "kstate.h"
#include "mem.h"
#include "shim_rt.h"

struct linux_snapshot linux_snap;

const char *const linux_setup_names[] = {
	[KGLUE_SETUP_GENERIC] = "generic",
	[KGLUE_SETUP_EMBED] = "embed",
	[KGLUE_SETUP_ARCH] = "arch",
};

/*
 * Fake memory for a geometry: boot memory for the first chunk and setup
 * metadata, and room for up to 1024 created chunks (fewer when chunks are
 * huge); only what the kernel touches costs host memory.
 */
static void memory_for(const struct pcpu_geometry *g, bool km,
		       struct mem_config *c)
{
	size_t chunk = (size_t)g->cpus * g->unit_size, block = chunk;
	size_t max_chunks;

	if (km) /* one power-of-two block of pages per chunk */
		while (block & (block - 1))
			block += block & -block;
	max_chunks = ((size_t)16 << 30) / block;
	if (max_chunks > 1024)
		max_chunks = 1024;
	if (max_chunks < 16)
		max_chunks = 16;
	*c = (struct mem_config){
		.page_size = g->page_size,
		.static_size = g->static_size,
		.memblock_bytes = chunk + g->unit_size + 16 * g->page_size +
				  64 * (size_t)g->cpus + (64 << 10),
		.phys_bytes = max_chunks * block,
		.vm_bytes = km ? g->page_size : (max_chunks + 1) * chunk,
		.pages_for_areas = !km,
	};
}

static void first_chunk_free(struct first_chunk *fc)
{
	free(fc->unit_offsets);
	free(fc->image);
	free(fc->dirty);
	memset(fc, 0, sizeof(*fc));
}

/* note where the first chunk lives and what setup put in it */
static int first_chunk_record(struct first_chunk *fc, size_t static_size)
{
	struct kglue_global gl;

	kglue_global(&gl);
	first_chunk_free(fc);
	fc->base = (char *)gl.base_addr;
	fc->size_sum = gl.size_sum;
	fc->nr_units = (unsigned int)gl.nr_units;
	fc->ps = gl.page_size;
	fc->nr_pages = (gl.size_sum + gl.page_size - 1) / gl.page_size;
	fc->unit_offsets = malloc(gl.nr_units * sizeof(*fc->unit_offsets));
	fc->image = calloc(gl.size_sum, 1);
	fc->dirty = calloc((fc->nr_pages + 63) / 64, sizeof(*fc->dirty));
	if (!fc->unit_offsets || !fc->image || !fc->dirty)
		return -1;
	memcpy(fc->unit_offsets, gl.unit_offsets,
	       gl.nr_units * sizeof(*fc->unit_offsets));
	/*
	 * Setup wrote only each unit's copy of the static section; the rest
	 * is fresh boot memory, zero.  Reading it here would fault in every
	 * page of every unit: linux_backend_check_pristine() compares instead.
	 */
	memcpy(fc->image, fc->base + fc->unit_offsets[0], static_size);
	mem_exclude_from_snapshot(fc->base,
				  fc->unit_offsets[fc->nr_units - 1] + gl.unit_size);
	return 0;
}

void linux_first_chunk_mark(size_t off, size_t size)
{
	struct first_chunk *fc = &linux_snap.fc;
	size_t ps = fc->ps;

	for (size_t p = off / ps; p < fc->nr_pages && p * ps < off + size; p++)
		fc->dirty[p / 64] |= 1UL << (p % 64);
}

/* put back the pages allocations wrote, in every unit */
static void first_chunk_restore(struct first_chunk *fc)
{
	size_t ps = fc->ps;

	for (size_t p = 0; p < fc->nr_pages; p++) {
		size_t from = p * ps, len;

		if (!(fc->dirty[p / 64] & (1UL << (p % 64))))
			continue;
		len = fc->size_sum - from < ps ? fc->size_sum - from : ps;
		for (unsigned int u = 0; u < fc->nr_units; u++)
			memcpy(fc->base + fc->unit_offsets[u] + from,
			       fc->image + from, len);
	}
	memset(fc->dirty, 0, (fc->nr_pages + 63) / 64 * sizeof(*fc->dirty));
}

int linux_check_pristine(char *err, size_t errlen)
{
	struct first_chunk *fc = &linux_snap.fc;

	for (unsigned int u = 0; u < fc->nr_units; u++) {
		const char *unit = fc->base + fc->unit_offsets[u];

		for (size_t i = 0; i < fc->size_sum; i++)
			if (unit[i] != fc->image[i])
				REFUSE("first chunk, unit %u, offset %zu: %#x, after setup %#x",
				       u, i, (unsigned char)unit[i],
				       (unsigned char)fc->image[i]);
	}
	return 0;
}

void linux_back_to_snapshot(void)
{
	char err[256];

	kstate_load(&linux_snap.post);
	mem_restore();
	first_chunk_restore(&linux_snap.fc);
	linux_snap.clean = true;
	if (getenv("KSHIM_VERIFY_RESTORE") && linux_check_pristine(err, sizeof(err))) {
		fprintf(stderr, "linux backend: restore incomplete: %s\n", err);
		abort();
	}
}

int linux_boot(struct backend *b, const struct pcpu_geometry *g, char *err,
	       size_t errlen)
{
	struct mem_config mc;

	linux_snap.have_post = false;
	linux_snap.clean = false;
	kstate_load(&linux_snap.boot);
	memory_for(g, kglue_is_km(), &mc);
	if (mem_reset(&mc, err, errlen))
		return -1;
	kshim_configure(g->cpus, g->page_size, mem_static_section(),
			g->static_size);
	b->booting = true;
	linux_snap.path = kglue_boot(g);
	b->booting = false;
	if (first_chunk_record(&linux_snap.fc, g->static_size))
		REFUSE("linux backend: out of memory recording the first chunk");
	mem_snapshot();
	if (kstate_save(&linux_snap.post))
		REFUSE("linux backend: out of memory saving the kernel's state");
	linux_snap.geo = *g;
	linux_snap.have_post = true;
	linux_snap.fresh_setups++;
	b->fresh_setup = true;
	return 0;
}

