/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the linux backend offers beyond include/pcpu.h: checks of the fake
 * memory and of the kernel's counters, the snapshot's own check, the
 * bitmap-era hint metadata next to its recomputed truth, an extra fault
 * site and counters.  For tests and, later, the harness.
 */
#ifndef BACKEND_LINUX_H
#define BACKEND_LINUX_H

#include <stdbool.h>
#include <stddef.h>

#include "glue.h"
#include "pcpu.h"

struct linux_backend_info {
	const char *setup_path;        /* "generic", "embed" or "arch" */
	bool fresh_setup;              /* this instance ran the kernel's setup */
	unsigned long fresh_setups;    /* in this process */
	unsigned long restores;        /* instances started from the snapshot */
	size_t kernel_state_bytes;     /* restored per instance */
	unsigned long warn_other;      /* WARNs other than the counted ones */
	const char *last_warning;      /* "file:line: text" of the last one */
	unsigned long phys_exhausted;  /* the fake memory ran out (not a bug) */
	unsigned long vm_exhausted;    /* the vmalloc reservation ran out */
	unsigned long pages_live;      /* backing pages out now */
	unsigned long heap_live;       /* metadata objects live now */
};

void linux_backend_info(const struct backend *b, struct linux_backend_info *out);
/*
 * The fake memory (pages, mappings, areas, metadata objects) against the
 * live chunks: 0, or -1 with the difference in err.
 */
int linux_backend_check_backing(const struct backend *b, char *err,
				size_t errlen);
/*
 * The kernel's own accounting against a recount from its bitmaps
 * (free_bytes, populated and empty-populated page counts, per chunk and
 * global): 0, or -1 with the first difference in err.
 */
int linux_backend_check_accounting(const struct backend *b, char *err,
				   size_t errlen);
/* Every unit's static area still holds the static section's bytes. */
int linux_backend_check_static(const struct backend *b, char *err,
			       size_t errlen);
/*
 * The whole first chunk (every unit up to static + reserved + dyn) holds
 * what it held right after setup: true of a new instance, and the proof
 * that the snapshot restored it.
 */
int linux_backend_check_pristine(const struct backend *b, char *err,
				 size_t errlen);
/*
 * Bitmap-era metadata of chunk idx (backend_chunk order): its number of
 * blocks, and the hints of block `block` (-1: the chunk's own chunk_md)
 * next to their values recomputed from the allocation bitmap.
 */
int linux_backend_nr_blocks(const struct backend *b, int idx);
void linux_backend_md(const struct backend *b, int idx, int block,
		      struct kglue_md *out);
/* Its allocation and boundary bitmaps (read-only) and their bit count. */
void linux_backend_maps(const struct backend *b, int idx,
			const unsigned long **alloc_map,
			const unsigned long **bound_map, int *map_bits);
/* Make the next count page-mapping calls map half their range and fail. */
void linux_backend_fail_vmap(struct backend *b, unsigned count);

#endif /* BACKEND_LINUX_H */
