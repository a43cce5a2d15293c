// SPDX-License-Identifier: GPL-2.0-only
/*
 * pcpu-geometry-census: every compact geometry header of the byte form
 * (docs/byte-format.md) through the linked backend's setup check and, where
 * that refuses it, the decoder's repair; then how the headers spread over
 * CPU counts, pages and units.  docs/byte-format.md's refused/repaired table and
 * its distribution figures are this tool's output on each backend, and
 * tests/suite-linux.sh checks the table against it, so the two cannot
 * drift apart.
 */
#include <stdio.h>
#include <string.h>

#include "input_geometry.h"
#include "run.h"

/* Headers whose decoded geometry is small: what most inputs should run. */
static bool small(const struct pcpu_geometry *g)
{
	return g->cpus <= 4 && g->page_size == 4096 &&
	       g->unit_size <= 32768 + 15 * 4096;
}

int main(int argc, char **argv)
{
	unsigned long n = 0, refused = 0, still = 0, nsmall = 0, few_cpus = 0;
	unsigned long page4k = 0, by_class[4] = { 0 };
	double cpus = 0, span = 0;
	char err[160];

	if (argc > 1) {
		puts("usage: pcpu-geometry-census\n"
		     "Decode every compact geometry header (docs/byte-format.md) "
		     "against the linked backend; print `census NAME VALUE` "
		     "lines.");
		return strcmp(argv[1], "--help") && strcmp(argv[1], "-h") ? 2 : 0;
	}
	for (unsigned g0 = 0; g0 < GEO_RAW; g0++) {
		for (unsigned g1 = 0; g1 < 256; g1++) {
			for (unsigned g2 = 0; g2 < 256; g2++) {
				struct pcpu_geometry g;

				geometry_from_compact((uint8_t)g0, (uint8_t)g1,
						      (uint8_t)g2, &g);
				n++;
				nsmall += small(&g);
				few_cpus += g.cpus <= 4;
				page4k += g.page_size == 4096;
				cpus += g.cpus;
				span += (double)g.cpus * (double)g.unit_size;
				if (!backend_geometry_check(&g, err,
							    sizeof(err)))
					continue;
				refused++;
				by_class[g2 >> 6]++;
				still += !geometry_repair(&g);
			}
		}
	}
	printf("census backend %s\n", backend_name());
	printf("census headers %lu\n", n);
	printf("census refused %lu\n", refused);
	/* by dyn rule (g2 >> 6): which rule gives the kernels trouble */
	for (unsigned k = 0; k < 4; k++)
		printf("census refused_dyn_rule_%u %lu\n", k, by_class[k]);
	printf("census refused_after_repair %lu\n", still);
	printf("census cpus_1_to_4 %lu\n", few_cpus);
	printf("census page_4096 %lu\n", page4k);
	printf("census small %lu\n", nsmall);
	printf("census mean_cpus %.2f\n", cpus / (double)n);
	printf("census mean_span_kib %.0f\n", span / (double)n / 1024);
	return 0;
}
