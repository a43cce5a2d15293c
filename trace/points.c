// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one table of preemption-point names with a byte encoding.  To give
 * a new name a byte form, append it here (never insert or reorder: old
 * inputs name points by index), raise the count the newest format version
 * knows (input_points_known(), trace/input_format.h) by bumping the
 * version, and document the name in docs/byte-format.md §2.2.
 */
#include <string.h>

#include "points.h"

const char *const trace_points[] = {
	/* the area-map port (Linux 4.9), docs/interleavings.md §2.1 */
	"extend",
	"extend-done",
	"create",
	"area-found",
	"populated",
	"fail",
	"free",
	"balance-reclaim",
	"balance-depopulated",
	"balance-extend",
	"balance-populate",
	"balance-populated",
	"balance-create",
	/* the Linux backends: the functions that release pcpu_lock (§2.2) */
	"pcpu_alloc",
	"free_percpu",
	"pcpu_balance_free",
	"pcpu_balance_populated",
	"pcpu_reclaim_populated",
	"pcpu_balance_workfn",
	"pcpu_create_chunk",
	"pcpu_depopulate_chunk",
	"pcpu_extend_area_map",
};

const size_t trace_nr_points = sizeof(trace_points) / sizeof(trace_points[0]);

int trace_point_index(const char *name)
{
	for (size_t i = 0; i < trace_nr_points; i++)
		if (!strcmp(trace_points[i], name))
			return (int)i;
	return -1;
}
