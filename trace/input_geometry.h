/* SPDX-License-Identifier: GPL-2.0-only */
/* The geometry header of the binary trace form (docs/byte-format.md §1). */
#ifndef PCPU_FUZZ_INPUT_GEOMETRY_H
#define PCPU_FUZZ_INPUT_GEOMETRY_H

#include <stdbool.h>
#include <stdint.h>

#include "pcpu.h"

/* Marks the raw form: g0 == GEO_RAW is followed by GEO_RAW_LEN bytes. */
#define GEO_RAW 0xff
#define GEO_RAW_LEN 19
/*
 * g1 >= GEO_WIDE marks a wide compact header: up to 64 CPUs, large pages,
 * units up to 31 pages above the minimum; below it, the small ones.
 */
#define GEO_WIDE 0xe0

void geometry_from_compact(uint8_t g0, uint8_t g1, uint8_t g2,
			   struct pcpu_geometry *g);
/* The compact bytes giving exactly g, if there are any. */
bool geometry_find_compact(const struct pcpu_geometry *g, uint8_t *g0,
			   uint8_t *g1, uint8_t *g2);

#endif /* PCPU_FUZZ_INPUT_GEOMETRY_H */
