/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host address ranges for chunks, reused across allocator instances.  Not
 * kernel code: the kernel's vmalloc space and boot memory are there for
 * the taking, while a host mmap, the mprotects that lay out its units, the
 * page faults of its first touches and the final munmap cost more than a
 * whole short fuzz execution.  See host_ranges.c.
 */
#ifndef PCPU_HOST_RANGES_H
#define PCPU_HOST_RANGES_H

#include <stdbool.h>
#include <stddef.h>

/*
 * What a cached range is: its length, and the layout its user gave it
 * (page protections per unit), so only a user wanting the very same layout
 * gets it back.  Every choice between a cached and a fresh range is made
 * in host_ranges.c, which the fuzz builds compile without coverage
 * feedback: it depends on earlier executions, not on the input.  Created chunks: { span, 0, 0, alignment }; the first
 * chunk: { mapping length, unit size, bytes kept per unit, page size }.
 */
struct host_layout {
	size_t len;
	size_t unit;
	size_t keep;
	size_t page;
};

/* A created chunk's range: len bytes aligned to page, inaccessible.
 * Neither getter returns NULL: a host failure aborts (host_mem.h). */
void *host_chunk_range_get(const struct host_layout *l);
/*
 * The first chunk's memory: len bytes, each unit (from the first page
 * boundary on) accessible for its first keep bytes and inaccessible after
 * them.  The accessible bytes hold whatever an earlier instance left:
 * pcpu_chunk_touch (percpu_port.c) zeroes what an allocation uses of a page
 * before its first use.
 */
void *host_first_chunk_get(const struct host_layout *l);
/*
 * Give back a range of either kind in the state its getter made (a
 * created chunk's: wholly inaccessible).  The range is cached for the next
 * getter of that layout, or unmapped.
 */
void host_range_put(void *p, const struct host_layout *l);

#endif
