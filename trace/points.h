/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The preemption-point names a nested operation can name in the byte form
 * (docs/byte-format.md §2.2, docs/interleavings.md §2).  A text trace may
 * name any point; only the names listed here have a byte encoding, and
 * pcpu-encode refuses a trace that names another.
 */
#ifndef PCPU_FUZZ_POINTS_H
#define PCPU_FUZZ_POINTS_H

#include <stddef.h>

/*
 * The table, in byte-form order: the area-map port's names first, then
 * the Linux functions that release pcpu_lock.  Append only: a name's
 * index is its byte value, and each format version decodes with the
 * number of names it knew (input_points_known() in input_format.h).
 */
extern const char *const trace_points[];
extern const size_t trace_nr_points;
/* How many of the names are the area-map port's (the first ones). */
#define TRACE_AREA_MAP_POINTS 13

/* The index of name in trace_points[], or -1 when it has no byte form. */
int trace_point_index(const char *name);

#endif /* PCPU_FUZZ_POINTS_H */
