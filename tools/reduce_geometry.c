// SPDX-License-Identifier: GPL-2.0-only
/*
 * Simplifying the geometry of a failing trace: fewer CPUs first (fewer
 * copies of everything to read in a report), then the documented defaults
 * (a shorter geometry line), then smaller numbers.  A candidate must pass
 * the kernel's setup checks and be strictly simpler by that order, so the
 * pass cannot cycle.
 */
#include <string.h>

#include "reduce.h"

static const struct pcpu_geometry def = PCPU_GEOMETRY_DEFAULT;

static int nondefault(const struct pcpu_geometry *g)
{
	return (g->cpus != def.cpus) + (g->page_size != def.page_size) +
	       (g->unit_size != def.unit_size) +
	       (g->static_size != def.static_size) +
	       (g->reserved_size != def.reserved_size) +
	       (g->dyn_size != def.dyn_size);
}

/* <0 when a is simpler than b. */
static int geo_cmp(const struct pcpu_geometry *a, const struct pcpu_geometry *b)
{
	size_t ka[] = { a->cpus, (size_t)nondefault(a), a->unit_size,
			a->page_size, a->static_size, a->reserved_size,
			a->dyn_size };
	size_t kb[] = { b->cpus, (size_t)nondefault(b), b->unit_size,
			b->page_size, b->static_size, b->reserved_size,
			b->dyn_size };

	for (size_t i = 0; i < sizeof(ka) / sizeof(ka[0]); i++)
		if (ka[i] != kb[i])
			return ka[i] < kb[i] ? -1 : 1;
	return 0;
}

static size_t round_up(size_t x, size_t a)
{
	return (x + a - 1) / a * a;
}

/* The smallest unit that holds the areas (PCPU_MIN_UNIT_SIZE at least). */
static size_t tight_unit(const struct pcpu_geometry *g)
{
	size_t min = round_up(32768, g->page_size);
	size_t need = round_up(g->static_size + g->reserved_size + g->dyn_size,
			       g->page_size);

	return need > min ? need : min;
}

#define MAX_CANDS 24

/* Candidate geometries for g, most promising first. */
static int candidates(const struct pcpu_geometry *g, struct pcpu_geometry *c)
{
	int n = 0;

	c[n++] = def;
	c[n] = def;
	c[n++].cpus = g->cpus;
	for (unsigned int cpus = 1; cpus < g->cpus && cpus <= 4; cpus *= 2) {
		c[n] = *g;
		c[n++].cpus = cpus;
	}
	c[n] = *g;
	c[n++].cpus = g->cpus / 2;
	/* one area at a time back to its default */
	c[n] = *g;
	c[n++].page_size = def.page_size;
	c[n] = *g;
	c[n++].static_size = def.static_size;
	c[n] = *g;
	c[n++].reserved_size = def.reserved_size;
	c[n] = *g;
	c[n++].dyn_size = def.dyn_size;
	c[n] = *g;
	c[n++].unit_size = def.unit_size;
	c[n] = *g;
	c[n].unit_size = def.unit_size;
	c[n].dyn_size = def.unit_size - g->static_size - g->reserved_size;
	n++;
	/* the dynamic area takes the rest of the unit, as the embed setup does */
	c[n] = *g;
	c[n].dyn_size = g->unit_size - g->static_size - g->reserved_size;
	n++;
	/* smaller numbers */
	c[n] = *g;
	c[n].unit_size = tight_unit(g);
	n++;
	c[n] = *g;
	c[n++].reserved_size = 0;
	c[n] = *g;
	c[n].reserved_size = 0;
	c[n].dyn_size += g->reserved_size;
	n++;
	return n;
}

bool reduce_geometry(struct reducer *r)
{
	struct pcpu_geometry c[MAX_CANDS];
	bool changed = false, again = true;
	char err[256];

	while (again && !r->exhausted) {
		int n = candidates(&r->cur.geo, c);

		again = false;
		for (int i = 0; i < n; i++) {
			struct reduce_work w;

			if (geo_cmp(&c[i], &r->cur.geo) >= 0 ||
			    backend_geometry_check(&c[i], err, sizeof(err)) ||
			    reduce_copy(&r->cur, &w))
				continue;
			w.geo = c[i];
			if (reduce_try(r, &w)) {
				changed = again = true;
				break;
			}
		}
	}
	return changed;
}
