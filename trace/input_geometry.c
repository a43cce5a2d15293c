// SPDX-License-Identifier: GPL-2.0-only
/*
 * The geometry header of a fuzz input: three compact bytes that always
 * give a geometry the 4.9 setup accepts (and, repaired, nearly always one
 * the real kernels accept), or a raw form (for the encoder) that falls
 * back to the defaults when the backend refuses it.
 *
 * Most compact headers are small: the area-map logic (slots, map
 * extension, head and tail rules, populate prefixes) is reached as well
 * with a few CPUs and units of a few pages, while every operation's
 * populate, zeroing and checks cost CPUs x unit.  A uniform draw of up to
 * 64 CPUs ran a typical input on 32 of them.  One header in eight is wide,
 * so that many CPUs, large pages and large units stay within a fuzzer's
 * reach without a raw header.
 */
#include <string.h>

#include "input_geometry.h"

static const size_t wide_pages[4] = { 4096, 8192, 16384, 65536 };
static const size_t static_sizes[8] = { 8192, 20000, 4096, 2,
					24576, 12288, 100, 16384 };
static const size_t reserved_sizes[8] = { 0, 8192, 4096, 0,
					  100, 12288, 0, 20000 };

/* Keep one chunk's span small enough that populating stays cheap. */
#define GEO_MAX_SPAN (64UL << 20)

static size_t min_unit(size_t page)
{
	return pcpu_geometry_pages_up(32768, page);
}

void geometry_from_compact(uint8_t g0, uint8_t g1, uint8_t g2,
			   struct pcpu_geometry *g)
{
	bool wide = g1 >= GEO_WIDE;
	size_t page = wide ? wide_pages[g0 >> 6] : 4096;
	/* pages above the minimum unit: 0..31 wide, 0..15 small */
	size_t extra = wide ? g1 & 31u : g1 & 15u;
	size_t rest, fixed;

	g->cpus = 1u + (wide ? g0 & 63u : g0 & 3u);
	g->page_size = page;
	g->static_size = static_sizes[g2 & 7];
	g->reserved_size = reserved_sizes[(g2 >> 3) & 7];
	g->unit_size = min_unit(page) + extra * page;
	while (g->unit_size > min_unit(page) &&
	       g->cpus * g->unit_size > GEO_MAX_SPAN)
		g->unit_size -= page;
	/* the kernel wants at least 12 KiB of dynamic space */
	fixed = g->static_size + g->reserved_size;
	if (g->unit_size < fixed + 12288)
		g->unit_size = pcpu_geometry_pages_up(fixed + 12288, page);
	rest = g->unit_size - g->static_size - g->reserved_size;
	switch (g2 >> 6) {
	case 0: /* the dynamic area takes the rest, as the embed setup does */
		g->dyn_size = rest;
		break;
	case 1: /* the smallest dynamic area the kernel accepts */
		g->dyn_size = 12288;
		break;
	case 2:
		g->dyn_size = rest / 2 & ~(size_t)1;
		if (g->dyn_size < 12288)
			g->dyn_size = 12288;
		break;
	default: /* a 2-byte gap between the dynamic area and unit end */
		g->dyn_size = rest - 2 >= 12288 ? rest - 2 : rest;
		break;
	}
}

/*
 * The one g0 that can give g: cpus - 1 in its low six bits and the page's
 * index in its top two.  A small g1 reads only the low two bits and wants
 * 4 KiB pages (index 0), so for 1 to 4 CPUs it is the same byte.
 */
static bool compact_g0(const struct pcpu_geometry *g, uint8_t *g0)
{
	if (g->cpus < 1 || g->cpus > 64)
		return false;
	for (unsigned p = 0; p < 4; p++)
		if (wide_pages[p] == g->page_size) {
			*g0 = (uint8_t)((g->cpus - 1) | p << 6);
			return *g0 != GEO_RAW;
		}
	return false;
}

bool geometry_find_compact(const struct pcpu_geometry *g, uint8_t *g0,
			   uint8_t *g1, uint8_t *g2)
{
	struct pcpu_geometry c;
	uint8_t b0;

	if (!compact_g0(g, &b0))
		return false;
	for (unsigned b1 = 0; b1 < 256; b1++) {
		for (unsigned b2 = 0; b2 < 256; b2++) {
			geometry_from_compact(b0, (uint8_t)b1, (uint8_t)b2, &c);
			if (pcpu_geometry_equal(&c, g)) {
				*g0 = b0;
				*g1 = (uint8_t)b1;
				*g2 = (uint8_t)b2;
				return true;
			}
		}
	}
	return false;
}
