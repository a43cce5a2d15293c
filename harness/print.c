// SPDX-License-Identifier: GPL-2.0-only
/*
 * Printing an instance: the --state lines (docs/trace-format.md §3.2) and the
 * chunk dump of failure reports.  Only offsets are printed, never addresses, so
 * output is the same from run to run.
 */
#include <limits.h>

#include "pcpu_area_map.h"
#include "run.h"

void print_chunk_name(FILE *f, int id)
{
	if (id == PCPU_CHUNK_RESERVED)
		fputc('r', f);
	else
		fprintf(f, "%d", id);
}

void print_state(FILE *f, struct backend *b)
{
	struct pcpu_global_view g;
	int n = backend_nr_chunks(b);

	for (int i = 0; i < n; i++) {
		struct pcpu_chunk_view v;
		struct pcpu_area_map_view am;

		backend_chunk(b, i, &v);
		fputs("chunk ", f);
		print_chunk_name(f, v.id);
		if (!(backend_caps() & PCPU_CAP_AREA_MAP) ||
		    backend_area_map(b, i, &am)) {
			/* no map: what the view has (docs/linux.md §3.4) */
			fprintf(f,
				" free_size %ld contig_hint %d nr_populated %d slot %d\n",
				v.free_size, v.contig_hint, v.nr_populated,
				v.slot);
			continue;
		}
		fprintf(f,
			" free_size %ld contig_hint %d map_used %d first_free %d nr_populated %d\n",
			v.free_size, v.contig_hint, am.map_used, am.first_free,
			v.nr_populated);
	}
	backend_global(b, &g);
	fprintf(f, "empty_pop_pages %d\n", g.nr_empty_pop_pages);
}

/* Populated pages as ranges, e.g. "0-3 7". */
static void print_page_ranges(FILE *f, const unsigned long *bits, int n)
{
	const int bpl = (int)(sizeof(long) * 8);
	bool any = false;

	for (int p = 0; p < n;) {
		int q;

		if (!((bits[p / bpl] >> (p % bpl)) & 1UL)) {
			p++;
			continue;
		}
		for (q = p; q + 1 < n && ((bits[(q + 1) / bpl] >>
					   ((q + 1) % bpl)) & 1UL);
		     q++)
			;
		fprintf(f, "%s%d", any ? " " : "", p);
		if (q > p)
			fprintf(f, "-%d", q);
		any = true;
		p = q + 1;
	}
	if (!any)
		fputs("none", f);
}

void print_chunk_dump(FILE *f, struct backend *b, int chunk_id)
{
	struct pcpu_global_view g;
	int n = backend_nr_chunks(b);

	backend_global(b, &g);
	for (int i = 0; i < n; i++) {
		struct pcpu_chunk_view v;
		struct pcpu_area_map_view am;

		backend_chunk(b, i, &v);
		if (v.id != chunk_id)
			continue;
		if (backend_area_map(b, i, &am)) { /* no area map */
			fputs("chunk ", f);
			print_chunk_name(f, v.id);
			fprintf(f,
				": free_size %ld contig_hint %d slot %d nr_populated %d\n",
				v.free_size, v.contig_hint, v.slot,
				v.nr_populated);
			fputs("  populated pages: ", f);
			print_page_ranges(f, v.populated, g.unit_pages);
			fputc('\n', f);
			return;
		}
		fputs("chunk ", f);
		print_chunk_name(f, v.id);
		fprintf(f,
			": free_size %ld contig_hint %d map_used %d map_alloc %d first_free %d slot %d nr_populated %d%s\n",
			v.free_size, v.contig_hint, am.map_used, am.map_alloc,
			am.first_free, v.slot, v.nr_populated,
			am.on_extend_list ? " (queued for map extension)" : "");
		fputs("  map:", f);
		for (int e = 0; e <= am.map_used; e++) {
			if (e && e % 12 == 0)
				fputs("\n      ", f);
			fprintf(f, " %d%s", am.map[e] & ~1,
				e == am.map_used ? "|" :
				(am.map[e] & 1)	? "A" : "f");
		}
		fputs("\n  populated pages: ", f);
		print_page_ranges(f, v.populated, g.unit_pages);
		fputc('\n', f);
		return;
	}
	fputs("chunk ", f);
	print_chunk_name(f, chunk_id);
	fputs(": not alive\n", f);
}
