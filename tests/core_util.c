// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_util.h"

struct backend *mk(unsigned cpus, size_t unit, size_t static_size,
		   size_t reserved, size_t dyn, unsigned fixes)
{
	struct pcpu_geometry g = { .cpus = cpus, .page_size = 4096,
				   .unit_size = unit,
				   .static_size = static_size,
				   .reserved_size = reserved,
				   .dyn_size = dyn };
	char err[256];
	struct backend *b = backend_create(&g, fixes, err, sizeof(err));

	if (!b) {
		fprintf(stderr, "test geometry refused: %s\n", err);
		abort();
	}
	return b;
}

struct backend *mk_g1(unsigned fixes)
{
	return mk(2, 32768, 20480, 0, 12288, fixes);
}

static struct pcpu_alloc_res req(struct backend *b, size_t size,
				 size_t align, bool atomic, bool reserved)
{
	struct pcpu_alloc_req r = { .size = size, .align = align,
				    .atomic = atomic, .reserved = reserved };

	return backend_alloc(b, &r);
}

struct pcpu_alloc_res al(struct backend *b, size_t size, size_t align)
{
	return req(b, size, align, false, false);
}

struct pcpu_alloc_res al_atomic(struct backend *b, size_t size, size_t align)
{
	return req(b, size, align, true, false);
}

struct pcpu_alloc_res al_reserved(struct backend *b, size_t size,
				  size_t align)
{
	return req(b, size, align, false, true);
}

long at(struct pcpu_alloc_res r, int chunk)
{
	if (r.status != PCPU_OK || r.chunk_id != chunk)
		return -1;
	return (long)r.off;
}

int view(struct backend *b, int id, struct pcpu_chunk_view *v)
{
	for (int i = 0; i < backend_nr_chunks(b); i++) {
		backend_chunk(b, i, v);
		if (v->id == id)
			return 0;
	}
	return -1;
}

int area_map(struct backend *b, int id, struct pcpu_area_map_view *am)
{
	struct pcpu_chunk_view v;

	for (int i = 0; i < backend_nr_chunks(b); i++) {
		backend_chunk(b, i, &v);
		if (v.id == id)
			return backend_area_map(b, i, am);
	}
	*am = (struct pcpu_area_map_view){ 0 };
	return -1;
}

/* The field called name of a chunk's view or area map; false if none. */
static bool chunk_field(const struct pcpu_chunk_view *v,
			const struct pcpu_area_map_view *am, const char *name,
			long *out)
{
	const struct {
		const char *name;
		long value;
	} fields[] = {
		{ "kind", v->kind },
		{ "free_size", v->free_size },
		{ "contig_hint", v->contig_hint },
		{ "slot", v->slot },
		{ "nr_populated", v->nr_populated },
		{ "map_used", am->map_used },
		{ "map_alloc", am->map_alloc },
		{ "first_free", am->first_free },
		{ "queued", am->on_extend_list },
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strcmp(fields[i].name, name)) {
			*out = fields[i].value;
			return true;
		}
	return false;
}

const char *chunk_differs(struct backend *b, int id, const char *want)
{
	static const char *const kinds[] = { "first", "reserved", "created" };
	static char msg[256];
	struct pcpu_chunk_view v;
	struct pcpu_area_map_view am;
	char name[32], value[32];
	int used;

	if (view(b, id, &v) || area_map(b, id, &am))
		return "no such chunk";
	while (sscanf(want, " %31s %31s%n", name, value, &used) == 2) {
		long got, expect;
		char *end;

		want += used;
		if (!chunk_field(&v, &am, name, &got)) {
			snprintf(msg, sizeof(msg), "unknown field '%s'", name);
			return msg;
		}
		expect = strtol(value, &end, 10);
		if (*end) /* a kind by name */
			for (expect = 0; expect < 3 && strcmp(kinds[expect], value);
			     expect++)
				;
		if (got != expect) {
			snprintf(msg, sizeof(msg), "expected %s %s, got %ld", name,
				 value, got);
			return msg;
		}
	}
	return NULL;
}

const char *map_str(struct backend *b, int id)
{
	static char buf[4096];
	struct pcpu_area_map_view am;
	size_t n = 0;

	buf[0] = 0;
	if (area_map(b, id, &am))
		return "(dead)";
	for (int i = 0; i <= am.map_used && n < sizeof(buf) - 32; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%d%s",
				      i ? " " : "", am.map[i] & ~1,
				      i == am.map_used	? "|" :
				      (am.map[i] & 1) ? "A" : "f");
	return buf;
}

const char *slot_str(struct backend *b, int slot)
{
	static char buf[1024];
	int ids[64];
	int n = backend_slot_list(b, slot, ids, 64);
	size_t len = 0;

	buf[0] = 0;
	for (int i = 0; i < n && i < 64; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%d",
					i ? " " : "", ids[i]);
	return buf;
}

int empty_pop_pages(struct backend *b)
{
	struct pcpu_global_view g;

	backend_global(b, &g);
	return g.nr_empty_pop_pages;
}

struct pcpu_counters counters(struct backend *b)
{
	struct pcpu_global_view g;

	backend_global(b, &g);
	return g.counters;
}

struct pcpu_alloc_res chunk1_first(struct backend *b, size_t size,
				   size_t align)
{
	struct pcpu_alloc_res r;

	EXPECT_EQ(at(al(b, 12288, 2), 0), 20480);
	r = al(b, size, align);
	EXPECT_EQ(at(r, 1), 0);
	return r;
}
