/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The first-chunk geometry checks every backend shares: the port's limits
 * (so the kernel checks cannot overflow) and the setup checks that read
 * the same in 4.9 and in the bitmap era (pcpu_setup_first_chunk's
 * PCPU_SETUP_BUG_ONs on the static area and the unit).  Each backend adds
 * what differs: the minimum dynamic size, and size alignment rules.
 */
#ifndef PCPU_FUZZ_PCPU_GEOMETRY_H
#define PCPU_FUZZ_PCPU_GEOMETRY_H

#include <stdio.h>
#include <unistd.h>

#include "pcpu.h"

/* PCPU_MIN_UNIT_SIZE = PFN_ALIGN(32 KiB) */
static inline size_t pcpu_min_unit_size(size_t page)
{
	return ((size_t)32768 + page - 1) & ~(page - 1);
}

/*
 * 0, or -1 with a one-line reason in err.  max_cpus: the backend's own
 * CPU limit (at most PCPU_MAX_CPUS).
 */
static inline int pcpu_geometry_check_common(const struct pcpu_geometry *g,
					     unsigned int max_cpus, char *err,
					     size_t errlen)
{
	long host_page = sysconf(_SC_PAGESIZE);
	size_t sum = g->static_size + g->reserved_size + g->dyn_size;

#define PCPU_GEOMETRY_REFUSE(...)                                          \
	do {                                                               \
		snprintf(err, errlen, __VA_ARGS__);                        \
		return -1;                                                 \
	} while (0)
	if (g->cpus < 1 || g->cpus > max_cpus)
		PCPU_GEOMETRY_REFUSE("cpus=%u out of range (1 to %u)", g->cpus,
				     max_cpus);
	if (!g->page_size || (g->page_size & (g->page_size - 1)) ||
	    g->page_size < 4096 || g->page_size > 65536)
		PCPU_GEOMETRY_REFUSE("page=%zu must be a power of two from 4096 to 65536",
				     g->page_size);
	if (host_page > 0 && g->page_size % (size_t)host_page)
		PCPU_GEOMETRY_REFUSE("page=%zu is smaller than the host page size %ld",
				     g->page_size, host_page);
	if (g->unit_size > PCPU_MAX_UNIT_SIZE)
		PCPU_GEOMETRY_REFUSE("unit=%zu above the port's limit of %lu",
				     g->unit_size, PCPU_MAX_UNIT_SIZE);
	if (g->static_size > g->unit_size || g->reserved_size > g->unit_size ||
	    g->dyn_size > g->unit_size)
		PCPU_GEOMETRY_REFUSE("unit_size %zu < static + reserved + dyn (kernel setup check)",
				     g->unit_size);
	if ((size_t)g->cpus * g->unit_size > PCPU_MAX_CHUNK_BYTES)
		PCPU_GEOMETRY_REFUSE("cpus * unit = %zu bytes above the port's limit of %lu",
				     (size_t)g->cpus * g->unit_size,
				     PCPU_MAX_CHUNK_BYTES);

	/* pcpu_setup_first_chunk's PCPU_SETUP_BUG_ON checks (SMP) */
	if (!g->static_size)
		PCPU_GEOMETRY_REFUSE("static=0: the kernel's SMP setup requires a static area");
	if (g->unit_size < sum)
		PCPU_GEOMETRY_REFUSE("unit_size %zu < static + reserved + dyn = %zu (kernel setup check)",
				     g->unit_size, sum);
	if (g->unit_size & (g->page_size - 1))
		PCPU_GEOMETRY_REFUSE("unit=%zu is not page aligned (kernel setup check)",
				     g->unit_size);
	if (g->unit_size < pcpu_min_unit_size(g->page_size))
		PCPU_GEOMETRY_REFUSE("unit=%zu < PCPU_MIN_UNIT_SIZE %zu (kernel setup check)",
				     g->unit_size,
				     pcpu_min_unit_size(g->page_size));
#undef PCPU_GEOMETRY_REFUSE
	return 0;
}

#endif /* PCPU_FUZZ_PCPU_GEOMETRY_H */
