// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of the byte form's geometry header (trace/input_geometry.c,
 * docs/byte-format.md §1): what small and wide compact headers decode to,
 * how many headers are small, and which header the encoder writes.  The
 * decoding of the operations and the repair for the real kernels are
 * covered by tests/run-all.sh (round trips) and tests/suite-linux.sh.
 */
#include <stdlib.h>

#include "input_format.h"
#include "input_geometry.h"
#include "input_ops.h"
#include "test.h"

static void expect_geo(const struct pcpu_geometry *g, unsigned cpus,
		       size_t page, size_t unit, size_t st, size_t res,
		       size_t dyn)
{
	EXPECT_EQ(g->cpus, cpus);
	EXPECT_EQ(g->page_size, page);
	EXPECT_EQ(g->unit_size, unit);
	EXPECT_EQ(g->static_size, st);
	EXPECT_EQ(g->reserved_size, res);
	EXPECT_EQ(g->dyn_size, dyn);
}

/*
 * Small headers (g1 < 0xe0): cpus 1 + (g0 & 3), 4 KiB pages, unit the
 * minimum 32 KiB plus g1 & 15 pages; g2 as in version 1.  Expected:
 * g0 7, g1 0x0f, g2 0: 4 CPUs, unit 32768 + 15 pages = 94208, dyn the
 * rest; g0 0xfe, g1 0xd0: 3 CPUs, the minimum unit (the default's).
 */
static void test_compact_small_headers(void)
{
	struct pcpu_geometry g;

	geometry_from_compact(0x07, 0x0f, 0x00, &g);
	expect_geo(&g, 4, 4096, 94208, 8192, 0, 94208 - 8192);
	geometry_from_compact(0xfe, 0xd0, 0x09, &g); /* static 20000, res 8192 */
	/* 20000 + 8192 + 12288 do not fit 32768: raised to 40960 */
	expect_geo(&g, 3, 4096, 40960, 20000, 8192, 40960 - 28192);
	geometry_from_compact(0x03, 0x00, 0x08, &g); /* the default's areas */
	expect_geo(&g, 4, 4096, 32768, 8192, 8192, 16384);
}

/*
 * Wide headers (g1 >= 0xe0): cpus 1 + (g0 & 63), page {4, 8, 16,
 * 64} KiB by g0 >> 6, unit the minimum plus g1 & 31 pages, lowered while
 * cpus x unit exceeds 64 MiB.  Expected: g0 0xbf, g1 0xff: 64 CPUs of
 * 16 KiB pages, unit 32 KiB + 31 pages = 540672 (34.6 MB in all, kept);
 * g0 0xfe: 63 CPUs of 64 KiB pages, 32 pages lowered to 16 (1 MiB each,
 * 63 MiB in all); g1 0xe0: the minimum unit.
 */
static void test_compact_wide_headers(void)
{
	struct pcpu_geometry g;

	geometry_from_compact(0xbf, 0xff, 0x40, &g);
	expect_geo(&g, 64, 16384, 540672, 8192, 0, 12288);
	geometry_from_compact(0xfe, 0xff, 0x40, &g);
	expect_geo(&g, 63, 65536, 1048576, 8192, 0, 12288);
	geometry_from_compact(0x45, 0xe0, 0x00, &g);
	expect_geo(&g, 6, 8192, 32768, 8192, 0, 24576);
}

/*
 * How the compact headers spread: of the 255 x 256 (g0, g1) pairs, those
 * giving 1 to 4 CPUs, 4 KiB pages and a unit at most 15 pages above the
 * minimum are every small one (255 x 224) and the wide ones with g0 0..3
 * and g1 0xe0..0xef (64).  Expected: exactly 57,184, seven in eight.
 */
static void test_compact_small_share(void)
{
	unsigned long small = 0;

	for (unsigned g0 = 0; g0 < GEO_RAW; g0++) {
		for (unsigned g1 = 0; g1 < 256; g1++) {
			struct pcpu_geometry g;

			geometry_from_compact((uint8_t)g0, (uint8_t)g1, 0, &g);
			small += g.cpus <= 4 && g.page_size == 4096 &&
				 g.unit_size <= 32768 + 15 * 4096;
		}
	}
	EXPECT_EQ(small, 255 * 224 + 64);
}

/* The header bytes pcpu-encode writes for a trace with geometry g. */
static size_t encoded_header(const struct pcpu_geometry *g, uint8_t *hdr)
{
	struct trace t, back;
	uint8_t *buf;
	size_t len, n;
	char err[160];

	trace_init(&t);
	t.geo = *g;
	t.has_geometry = true;
	if (trace_encode(&t, &buf, &len, err, sizeof(err)))
		abort();
	n = input_header_len(buf, len);
	EXPECT_EQ(len, n);
	memcpy(hdr, buf, n < 21 ? n : 21);
	if (trace_decode(buf, len, &back))
		abort();
	EXPECT(pcpu_geometry_equal(&back.geo, g));
	trace_free(&back);
	trace_free(&t);
	free(buf);
	return n;
}

/*
 * The encoder writes version 3 and a compact header when one gives the
 * geometry exactly, the raw form otherwise.  Expected: the default
 * geometry in 4 bytes (g0 3, a small g1); 64 CPUs of 16 KiB pages in 4
 * (a wide g1); 64 CPUs of 64 KiB pages (g0 would be 0xff) and 5 CPUs
 * with an exact odd unit in the 21 bytes of the raw form.
 */
static void test_encoder_header_forms(void)
{
	struct pcpu_geometry def = PCPU_GEOMETRY_DEFAULT, g;
	uint8_t h[21];

	EXPECT_EQ(encoded_header(&def, h), 4);
	EXPECT_EQ(h[0], INPUT_FORMAT_VERSION);
	EXPECT_EQ(h[1], 3);
	EXPECT(h[2] < GEO_WIDE);
	geometry_from_compact(0xbf, 0xff, 0x40, &g);
	EXPECT_EQ(encoded_header(&g, h), 4);
	EXPECT(h[2] >= GEO_WIDE);
	g = (struct pcpu_geometry){ .cpus = 64, .page_size = 65536,
				    .unit_size = 65536, .static_size = 8192,
				    .reserved_size = 0, .dyn_size = 57344 };
	EXPECT_EQ(encoded_header(&g, h), 21);
	EXPECT_EQ(h[1], GEO_RAW);
	g = (struct pcpu_geometry){ .cpus = 5, .page_size = 4096,
				    .unit_size = 36864, .static_size = 8192,
				    .reserved_size = 0, .dyn_size = 20000 };
	EXPECT_EQ(encoded_header(&g, h), 21);
	EXPECT_EQ(h[0], INPUT_FORMAT_VERSION);
}

/*
 * Every geometry a compact header gives has a compact header, and the
 * encoder finds one: 128 headers spread over g0, g1 and g2 by a fixed
 * sequence, small and wide.  Expected: each encodes in 4 bytes and
 * decodes back to its geometry (encoded_header() checks the latter).
 */
static void test_encoder_finds_compact(void)
{
	unsigned long x = 1;
	unsigned compact = 0, wide = 0;

	for (int i = 0; i < 128; i++) {
		struct pcpu_geometry g;
		uint8_t h[21];

		x = x * 6364136223846793005UL + 1442695040888963407UL;
		geometry_from_compact((uint8_t)((x >> 24) % GEO_RAW),
				      (uint8_t)(x >> 40), (uint8_t)(x >> 52),
				      &g);
		compact += encoded_header(&g, h) == 4;
		wide += h[2] >= GEO_WIDE;
	}
	EXPECT_EQ(compact, 128);
	EXPECT(wide >= 8 && wide <= 32); /* about 16: both kinds */
}

void suite_input_geometry(void)
{
	RUN(test_compact_small_headers);
	RUN(test_compact_wide_headers);
	RUN(test_compact_small_share);
	RUN(test_encoder_header_forms);
	RUN(test_encoder_finds_compact);
}
