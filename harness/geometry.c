// SPDX-License-Identifier: GPL-2.0-only
/*
 * The geometry a trace runs with on the linked backend, settled once.
 * The trace layer reads a geometry as written and says what to do if the
 * backend refuses it (enum trace_geo_policy); this file is the one place
 * that asks the backend.  A text geometry line the backend refuses is an
 * input error on that line; a compact byte header is repaired the way the
 * real kernels need (docs/byte-format.md §1.1); a raw header, or none,
 * falls back to the backend's default geometry.
 */
#include <string.h>

#include "run.h"

/*
 * Only the real kernels refuse compact geometries (the area map accepts
 * every one): both want static + reserved + dyn a multiple of 4, and 6.12
 * and later a dynamic area of at least PERCPU_DYNAMIC_EARLY_SIZE, 20 KiB.
 * Falling back to the default would throw away the CPU count, page and
 * static and reserved sizes of a third of the headers on 6.1 and most on
 * 6.12; instead dyn grows by what each rule needs, one rule at a time so
 * that 6.1 keeps its smaller areas, and the unit grows to fit.
 */
static bool repaired(struct pcpu_geometry *g, size_t min_dyn)
{
	size_t fixed = g->static_size + g->reserved_size;
	char err[160];

	if (g->dyn_size < min_dyn)
		g->dyn_size = min_dyn;
	g->dyn_size += (4 - (fixed + g->dyn_size) % 4) % 4;
	if (g->unit_size < fixed + g->dyn_size)
		g->unit_size = pcpu_geometry_pages_up(fixed + g->dyn_size,
						       g->page_size);
	return !backend_geometry_check(g, err, sizeof(err));
}

bool geometry_repair(struct pcpu_geometry *g)
{
	return repaired(g, 0) || repaired(g, 20480);
}

int run_geometry_settle(struct trace *t, const char *name, char *err,
			size_t errlen)
{
	char why[256] = "";

	if (t->geo_policy == GEO_SETTLED)
		return 0;
	if (backend_geometry_check(&t->geo, why, sizeof(why))) {
		switch (t->geo_policy) {
		case GEO_STRICT:
			/* the contract is one line, whatever the backend wrote */
			why[strcspn(why, "\n")] = '\0';
			if (err && errlen)
				snprintf(err, errlen, "%s:%u: bad geometry: %s",
					 name, t->geometry_line,
					 why[0] ? why : "refused");
			return -1;
		case GEO_REPAIR_IF_REFUSED:
			/* the default when even the repair is refused */
			if (!geometry_repair(&t->geo))
				backend_default_geometry(&t->geo);
			break;
		case GEO_DEFAULT_IF_REFUSED:
		case GEO_SETTLED:
			backend_default_geometry(&t->geo);
			break;
		}
	}
	t->geo_policy = GEO_SETTLED;
	return 0;
}
