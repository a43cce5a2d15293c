/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests of the naive oracle: the worked examples of
 * docs/allocator.md §16, plus hand-computed scenarios for argument
 * checks, alignment, map capacity, balance work and fault injection.
 * Map strings use the doc's notation: each block's start offset followed by
 * A (in use) or f (free), then the end offset with A (the sentinel).
 * Chunk ids: created chunks are 1, 2, ... as in the doc.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "oracle.h"
#include "oracle_internal.h"
#include "test.h"

static struct pcpu_geometry geo(size_t st, size_t rsv, size_t dyn,
				size_t unit)
{
	struct pcpu_geometry g = {
		.cpus = 2, .page_size = 4096, .unit_size = unit,
		.static_size = st, .reserved_size = rsv, .dyn_size = dyn,
	};
	return g;
}

static struct oracle *make(size_t st, size_t rsv, size_t dyn, size_t unit,
			   unsigned fixes)
{
	struct pcpu_geometry g = geo(st, rsv, dyn, unit);

	return oracle_create(&g, fixes);
}

/* Layout of docs/allocator.md §16.1: static 24576, no reserved, dyn 8192. */
static struct oracle *make_a1(unsigned fixes)
{
	return make(24576, 0, 8192, 32768, fixes);
}

static struct pcpu_alloc_res do_alloc(struct oracle *o, size_t size,
				      size_t align, bool atomic, bool reserved)
{
	struct pcpu_alloc_req req = {
		.size = size, .align = align, .atomic = atomic,
		.reserved = reserved,
	};
	return oracle_alloc(o, &req);
}

#define AL(o, s, a) do_alloc(o, s, a, false, false)
#define AT(o, s, a) do_alloc(o, s, a, true, false)
#define AR(o, s, a) do_alloc(o, s, a, false, true)

#define EXPECT_OK(r, id, offset)                                            \
	do {                                                                \
		struct pcpu_alloc_res _r = (r);                             \
		EXPECT_EQ(_r.status, PCPU_OK);                              \
		EXPECT_EQ(_r.chunk_id, id);                                 \
		EXPECT_EQ(_r.off, offset);                                  \
	} while (0)

#define EXPECT_FAIL(r) EXPECT_EQ((r).status, PCPU_FAIL)

static const struct oracle_chunk *C(const struct oracle *o, int id)
{
	return oracle_chunk_by_id(o, id);
}

/* Compare a chunk's blocks with a map string; print the actual on mismatch. */
static bool map_is(const struct oracle *o, int id, const char *want)
{
	const struct oracle_chunk *c = C(o, id);
	char buf[4096];
	size_t n = 0;
	int i;

	if (!c) {
		fprintf(stderr, "  chunk %d does not exist\n", id);
		return false;
	}
	for (i = 0; i < c->nr_blocks; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%ld%c ",
				      c->blocks[i].start,
				      c->blocks[i].in_use ? 'A' : 'f');
	snprintf(buf + n, sizeof(buf) - n, "%ldA", c->end);
	if (strcmp(buf, want) == 0)
		return true;
	fprintf(stderr, "  chunk %d map: got \"%s\", want \"%s\"\n", id, buf,
		want);
	return false;
}

/* Compare a slot list (head first) with a string of ids. */
static bool list_is(const struct oracle *o, int slot, const char *want)
{
	int ids[64], n, i;
	char buf[512] = "";
	size_t len = 0;

	n = oracle_slot_list(o, slot, ids, 64);
	for (i = 0; i < n && i < 64; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%d",
					i ? " " : "", ids[i]);
	if (strcmp(buf, want) == 0)
		return true;
	fprintf(stderr, "  slot %d list: got \"%s\", want \"%s\"\n", slot, buf,
		want);
	return false;
}

static bool queue_is(const struct oracle *o, const char *want)
{
	int ids[64], n, i;
	char buf[512] = "";
	size_t len = 0;

	n = oracle_extend_queue(o, ids, 64);
	for (i = 0; i < n && i < 64; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%d",
					i ? " " : "", ids[i]);
	if (strcmp(buf, want) == 0)
		return true;
	fprintf(stderr, "  extend queue: got \"%s\", want \"%s\"\n", buf, want);
	return false;
}

/*
 * §3.1 slot function: max(fls(s) - 3, 1), nr_slots = that of the unit + 2.
 * Expected: 0..15 -> 1, 16 -> 2, 4096 -> 10, 32768 -> 13; unit 32768,
 * 40960 and 57344 give 15 slots, 65536 gives 16; a chunk whose free size is
 * exactly the unit is on the last (free) slot.
 */
static void test_oracle_slot_function(void)
{
	struct oracle *o;

	EXPECT_EQ(oracle_raw_size_to_slot(0), 1);
	EXPECT_EQ(oracle_raw_size_to_slot(2), 1);
	EXPECT_EQ(oracle_raw_size_to_slot(15), 1);
	EXPECT_EQ(oracle_raw_size_to_slot(16), 2);
	EXPECT_EQ(oracle_raw_size_to_slot(31), 2);
	EXPECT_EQ(oracle_raw_size_to_slot(32), 3);
	EXPECT_EQ(oracle_raw_size_to_slot(4095), 9);
	EXPECT_EQ(oracle_raw_size_to_slot(4096), 10);
	EXPECT_EQ(oracle_raw_size_to_slot(8191), 10);
	EXPECT_EQ(oracle_raw_size_to_slot(8192), 11);
	EXPECT_EQ(oracle_raw_size_to_slot(32767), 12);
	EXPECT_EQ(oracle_raw_size_to_slot(32768), 13);
	EXPECT_EQ(oracle_raw_size_to_slot(65536), 14);

	o = make(8192, 0, 24576, 32768, 0);
	EXPECT_EQ(oracle_nr_slots(o), 15);
	EXPECT_EQ(oracle_size_to_slot(o, 32768), 14);
	EXPECT_EQ(oracle_size_to_slot(o, 32766), 12);
	oracle_destroy(o);

	o = make(8192, 0, 32768, 40960, 0);
	EXPECT_EQ(oracle_nr_slots(o), 15);
	EXPECT_EQ(oracle_size_to_slot(o, 32768), 13);
	EXPECT_EQ(oracle_size_to_slot(o, 40960), 14);
	oracle_destroy(o);

	o = make(8192, 0, 49152, 57344, 0);
	EXPECT_EQ(oracle_nr_slots(o), 15);
	oracle_destroy(o);

	o = make(8192, 0, 57344, 65536, 0);
	EXPECT_EQ(oracle_nr_slots(o), 16);
	oracle_destroy(o);
}

/*
 * §11.4 without a reserved area (§16.1 setup):
 *   0            24576        32768
 *   [ static  A ][  dyn  f    ]
 * First chunk 0, free 8192, hint 8192, slot 11, map_alloc 128, all 8 pages
 * populated, empty pages 2 (pages 6, 7); no chunk -1.
 */
static void test_oracle_setup_plain(void)
{
	struct oracle *o = make_a1(0);
	const struct oracle_chunk *c = C(o, 0);

	EXPECT_EQ(oracle_nr_chunks(o), 1);
	EXPECT(C(o, -1) == NULL);
	EXPECT(map_is(o, 0, "0A 24576f 32768A"));
	EXPECT_EQ(c->kind, PCPU_KIND_FIRST);
	EXPECT_EQ(c->free_size, 8192);
	EXPECT_EQ(c->contig_hint, 8192);
	EXPECT_EQ(c->slot, 11);
	EXPECT_EQ(c->map_alloc, 128);
	EXPECT_EQ(c->nr_populated, 8);
	EXPECT(list_is(o, 11, "0"));
	EXPECT_EQ(oracle_empty_pop_pages(o), 2);
	EXPECT(!oracle_balance_pending(o));
	EXPECT(!oracle_atomic_alloc_failed(o));
	oracle_destroy(o);
}

/*
 * §11.4 with the map ending before the unit end: static 8192, dyn 12288:
 *   0        8192          20480       32768
 *   [stat A ][ dyn f       ][ beyond end ]
 * Pages 5-7 are populated (nr_populated 8) but lie in no block, so the
 * empty count is 3 (pages 2-4).
 */
static void test_oracle_setup_short_map(void)
{
	struct oracle *o = make(8192, 0, 12288, 32768, 0);

	EXPECT(map_is(o, 0, "0A 8192f 20480A"));
	EXPECT_EQ(C(o, 0)->nr_populated, 8);
	EXPECT_EQ(oracle_empty_pop_pages(o), 3);
	oracle_destroy(o);
}

/*
 * §16.2 reserved layout: static 20000, reserved 8192, dyn 12768, unit 40960.
 *   RC: [0A 20000f 28192A]        FC: [0A 28192f 40960A]
 * Reserved chunk -1 is listed first, on no slot list, excluded from the
 * empty count (3: FC pages 7-9).  Then the §16.2 steps: reserved alloc(100,
 * 8) -> r+20000, reserved alloc(8, 64) -> r+20160 (head 60 split),
 * alloc(4, 4) -> 0+28192, alloc(24, 8) -> 0+28200 (head 4 kept free), free
 * r+20000 merges with 20100f; RC hint stays 8192.
 */
static void test_oracle_a2_reserved(void)
{
	struct oracle *o = make(20000, 8192, 12768, 40960, 0);
	int s;

	EXPECT_EQ(oracle_nr_chunks(o), 2);
	EXPECT_EQ(oracle_chunk_at(o, 0)->id, -1);
	EXPECT_EQ(oracle_chunk_at(o, 1)->id, 0);
	EXPECT(oracle_chunk_at(o, 2) == NULL);
	EXPECT(map_is(o, -1, "0A 20000f 28192A"));
	EXPECT(map_is(o, 0, "0A 28192f 40960A"));
	EXPECT_EQ(C(o, -1)->kind, PCPU_KIND_RESERVED);
	EXPECT_EQ(C(o, -1)->free_size, 8192);
	EXPECT_EQ(C(o, -1)->map_alloc, 128);
	EXPECT_EQ(C(o, -1)->slot, -1);
	EXPECT_EQ(C(o, 0)->slot, 11);
	for (s = 0; s < oracle_nr_slots(o); s++)
		EXPECT(list_is(o, s, s == 11 ? "0" : ""));
	EXPECT_EQ(oracle_empty_pop_pages(o), 3);

	EXPECT_OK(AR(o, 100, 8), -1, 20000);
	EXPECT(map_is(o, -1, "0A 20000A 20100f 28192A"));
	EXPECT_OK(AR(o, 8, 64), -1, 20160);
	EXPECT(map_is(o, -1, "0A 20000A 20100f 20160A 20168f 28192A"));
	EXPECT_EQ(C(o, -1)->slot, -1);
	EXPECT_OK(AL(o, 4, 4), 0, 28192);
	EXPECT_OK(AL(o, 24, 8), 0, 28200);
	EXPECT(map_is(o, 0, "0A 28192A 28196f 28200A 28224f 40960A"));
	EXPECT_EQ(oracle_free(o, -1, 20000), PCPU_OK);
	EXPECT(map_is(o, -1, "0A 20000f 20160A 20168f 28192A"));
	EXPECT_EQ(C(o, -1)->contig_hint, 8192);
	EXPECT_EQ(C(o, -1)->free_size, 8192 - 8);
	EXPECT_EQ(oracle_empty_pop_pages(o), 3);
	EXPECT(!oracle_balance_pending(o));
	oracle_destroy(o);
}

/*
 * §16.1 end to end (first chunk 0, created chunk 1):
 * alloc(8192,4) -> 0+24576 (FC full, slot 0, work pending); alloc(100,4)
 * -> 1+0 (map grown 16 -> 128, page 0 populated, hint stale 32768);
 * atomic alloc(5000,8) fails (pop-only retry, hint made exact 32668, flag);
 * work populates pages 1-4 (count 4); atomic alloc(5000,8) -> 1+104
 *   C1: [0A 100f 104A 5104f 32768A]
 * count 3; then the frees bring FC back to slot 11 (count 5) and C1 to the
 * free slot (count 7) without scheduling work.
 */
static void test_oracle_a1_atomic_populate(void)
{
	struct oracle *o = make_a1(0);

	EXPECT_OK(AL(o, 8192, 4), 0, 24576);
	EXPECT(map_is(o, 0, "0A 24576A 32768A"));
	EXPECT_EQ(C(o, 0)->free_size, 0);
	EXPECT_EQ(C(o, 0)->contig_hint, 0);
	EXPECT_EQ(C(o, 0)->slot, 0);
	EXPECT_EQ(oracle_empty_pop_pages(o), 0);
	EXPECT(oracle_balance_pending(o));

	EXPECT_OK(AL(o, 100, 4), 1, 0);
	EXPECT(map_is(o, 1, "0A 100f 32768A"));
	EXPECT_EQ(C(o, 1)->kind, PCPU_KIND_CREATED);
	EXPECT_EQ(C(o, 1)->free_size, 32668);
	EXPECT_EQ(C(o, 1)->contig_hint, 32768);
	EXPECT_EQ(C(o, 1)->map_alloc, 128);
	EXPECT_EQ(C(o, 1)->slot, 12);
	EXPECT_EQ(C(o, 1)->nr_populated, 1);
	EXPECT(C(o, 1)->populated[0]);
	EXPECT_EQ(oracle_empty_pop_pages(o), 0);

	EXPECT_FAIL(AT(o, 5000, 8));
	EXPECT_EQ(C(o, 1)->contig_hint, 32668);
	EXPECT_EQ(C(o, 1)->slot, 12);
	EXPECT(oracle_atomic_alloc_failed(o));
	EXPECT(oracle_balance_pending(o));

	oracle_balance(o);
	EXPECT_EQ(C(o, 1)->nr_populated, 5);
	EXPECT(C(o, 1)->populated[4] && !C(o, 1)->populated[5]);
	EXPECT_EQ(oracle_empty_pop_pages(o), 4);
	EXPECT(!oracle_atomic_alloc_failed(o));
	EXPECT(!oracle_balance_pending(o));
	EXPECT_EQ(oracle_nr_chunks(o), 2);

	EXPECT_OK(AT(o, 5000, 8), 1, 104);
	EXPECT(map_is(o, 1, "0A 100f 104A 5104f 32768A"));
	EXPECT_EQ(C(o, 1)->free_size, 27668);
	EXPECT_EQ(oracle_empty_pop_pages(o), 3);
	EXPECT(!oracle_balance_pending(o));

	EXPECT_EQ(oracle_free(o, 0, 24576), PCPU_OK);
	EXPECT(map_is(o, 0, "0A 24576f 32768A"));
	EXPECT_EQ(oracle_empty_pop_pages(o), 5);
	EXPECT_EQ(C(o, 0)->slot, 11);
	EXPECT(list_is(o, 11, "0"));
	EXPECT(list_is(o, 0, ""));

	EXPECT_EQ(oracle_free(o, 1, 0), PCPU_OK);
	EXPECT(map_is(o, 1, "0f 104A 5104f 32768A"));
	EXPECT_EQ(oracle_empty_pop_pages(o), 5);

	EXPECT_EQ(oracle_free(o, 1, 104), PCPU_OK);
	EXPECT(map_is(o, 1, "0f 32768A"));
	EXPECT_EQ(C(o, 1)->free_size, 32768);
	EXPECT_EQ(C(o, 1)->contig_hint, 32768);
	EXPECT_EQ(oracle_empty_pop_pages(o), 7);
	EXPECT_EQ(C(o, 1)->slot, 14);
	EXPECT(list_is(o, 14, "1"));
	EXPECT(!oracle_balance_pending(o));
	oracle_destroy(o);
}

/*
 * §16.3 map capacity for atomic requests (§16.1 layout).  FC full; atomic
 * alloc(16, 8) fails; work creates chunk 1 (map_alloc 16) and populates
 * pages 0-3 (count 4).  Atomic alloc(2, 2): the first queues chunk 1 for
 * growth; 13 succeed at 0, 2, ..., 24 (map_used 1 -> 14); the 14th fails
 * (16 < 14 + 3) and sets the flag.  Work grows the map to 128 (16 < 14 +
 * 64) and populates pages 4-7 (count 3 -> 7).
 */
static void test_oracle_a3_atomic_map_margin(void)
{
	struct oracle *o = make_a1(0);
	int k;

	EXPECT_OK(AL(o, 8192, 4), 0, 24576);
	EXPECT_FAIL(AT(o, 16, 8));
	EXPECT(oracle_atomic_alloc_failed(o));
	oracle_balance(o);
	EXPECT_EQ(oracle_nr_chunks(o), 2);
	EXPECT_EQ(C(o, 1)->map_alloc, 16);
	EXPECT_EQ(C(o, 1)->nr_populated, 4);
	EXPECT_EQ(C(o, 1)->slot, 14);
	EXPECT_EQ(oracle_empty_pop_pages(o), 4);
	EXPECT(!oracle_atomic_alloc_failed(o));

	for (k = 0; k < 13; k++) {
		EXPECT_OK(AT(o, 2, 2), 1, 2 * k);
		if (k == 0) {
			EXPECT(C(o, 1)->on_extend_list);
			EXPECT(queue_is(o, "1"));
			EXPECT(oracle_balance_pending(o));
		}
	}
	EXPECT(queue_is(o, "1"));
	EXPECT_EQ(C(o, 1)->nr_blocks, 14);
	EXPECT_EQ(oracle_empty_pop_pages(o), 3);

	EXPECT_FAIL(AT(o, 2, 2));
	EXPECT(oracle_atomic_alloc_failed(o));
	EXPECT_EQ(C(o, 1)->nr_blocks, 14);

	oracle_balance(o);
	EXPECT_EQ(C(o, 1)->map_alloc, 128);
	EXPECT(!C(o, 1)->on_extend_list);
	EXPECT(queue_is(o, ""));
	EXPECT_EQ(C(o, 1)->nr_populated, 8);
	EXPECT_EQ(oracle_empty_pop_pages(o), 7);
	EXPECT(!oracle_atomic_alloc_failed(o));
	EXPECT(!oracle_balance_pending(o));
	oracle_destroy(o);
}

/*
 * §16.4 free-slot reaping (§16.1 layout).  FC full; three alloc(32768, 4096)
 * create chunks 1, 2, 3, each full (slot 0, 8 pages populated).  Free 1,
 * then 3, then 2: free slot list "2 3 1", count 24, work pending (the free
 * of 3 found 1 there).  Work keeps the head 2, destroys the others (count
 * 8) and populates nothing.  A first variant runs work in between: it
 * creates chunk 4 (count 0 -> 4); freeing 1 puts 1 ahead of 4, so the
 * next work keeps 1 and destroys 4.
 */
static void test_oracle_a4_reap(void)
{
	struct oracle *o = make_a1(0);

	EXPECT_OK(AL(o, 8192, 4), 0, 24576);
	EXPECT_OK(AL(o, 32768, 4096), 1, 0);
	EXPECT_OK(AL(o, 32768, 4096), 2, 0);
	EXPECT_OK(AL(o, 32768, 4096), 3, 0);
	EXPECT(list_is(o, 0, "0 1 2 3"));
	EXPECT_EQ(C(o, 3)->contig_hint, 0);
	EXPECT_EQ(C(o, 3)->nr_populated, 8);
	EXPECT_EQ(C(o, 3)->map_alloc, 128);
	EXPECT_EQ(oracle_empty_pop_pages(o), 0);

	oracle_balance(o); /* clear pending; count 0 -> creates chunk 4 */
	EXPECT_EQ(oracle_nr_chunks(o), 5);
	EXPECT(list_is(o, 14, "4"));
	EXPECT_EQ(oracle_empty_pop_pages(o), 4);
	EXPECT_EQ(oracle_free(o, 0, 24576), PCPU_OK);
	EXPECT_EQ(oracle_free(o, 1, 0), PCPU_OK);
	/* 1 joins 4 on the free slot, at the head: work is scheduled */
	EXPECT(list_is(o, 14, "1 4"));
	EXPECT(oracle_balance_pending(o));
	oracle_balance(o);
	EXPECT_EQ(oracle_nr_chunks(o), 4); /* head 1 kept, 4 destroyed */
	EXPECT(C(o, 4) == NULL);
	EXPECT(list_is(o, 14, "1"));
	EXPECT_EQ(oracle_empty_pop_pages(o), 10);
	oracle_destroy(o);

	/* The exact §16.4 sequence, without the intermediate work. */
	o = make_a1(0);
	EXPECT_OK(AL(o, 8192, 4), 0, 24576);
	EXPECT_OK(AL(o, 32768, 4096), 1, 0);
	EXPECT_OK(AL(o, 32768, 4096), 2, 0);
	EXPECT_OK(AL(o, 32768, 4096), 3, 0);
	EXPECT_EQ(oracle_free(o, 1, 0), PCPU_OK);
	EXPECT(list_is(o, 14, "1"));
	EXPECT_EQ(oracle_free(o, 3, 0), PCPU_OK);
	EXPECT_EQ(oracle_free(o, 2, 0), PCPU_OK);
	EXPECT(list_is(o, 14, "2 3 1"));
	EXPECT_EQ(oracle_empty_pop_pages(o), 24);
	EXPECT(oracle_balance_pending(o));
	oracle_balance(o);
	EXPECT_EQ(oracle_nr_chunks(o), 2);
	EXPECT_EQ(oracle_chunk_at(o, 1)->id, 2);
	EXPECT(list_is(o, 14, "2"));
	EXPECT_EQ(oracle_empty_pop_pages(o), 8);
	EXPECT(!oracle_balance_pending(o));
	oracle_destroy(o);
}

/*
 * §16.5 populate failure leaves a donated head (§16.1 layout, FC full).
 * alloc(2, 2) -> 1+0.  With one page failure armed, alloc(4096, 4) sees
 * block [2, 32768) with head 2 (< 4): donated to block 0, area [4, 4100)
 * needs page 1, the populate fails, the area is freed again:
 *   before: [0A 2f 32768A]   after: [0A 4f 32768A], free 32764
 * Freeing 1+0 returns all 4 bytes.  The failure was consumed.
 */
static void test_oracle_a5_populate_failure(void)
{
	struct oracle *o = make_a1(0);

	EXPECT_OK(AL(o, 8192, 4), 0, 24576);
	EXPECT_OK(AL(o, 2, 2), 1, 0);
	EXPECT(map_is(o, 1, "0A 2f 32768A"));
	oracle_fail(o, PCPU_FAULT_PAGE, 1);
	EXPECT_FAIL(AL(o, 4096, 4));
	EXPECT(map_is(o, 1, "0A 4f 32768A"));
	EXPECT_EQ(C(o, 1)->free_size, 32764);
	EXPECT_EQ(C(o, 1)->nr_populated, 1);
	EXPECT_EQ(C(o, 1)->slot, 12);
	EXPECT(!oracle_atomic_alloc_failed(o));

	EXPECT_EQ(oracle_free(o, 1, 0), PCPU_OK);
	EXPECT(map_is(o, 1, "0f 32768A"));
	EXPECT_EQ(C(o, 1)->free_size, 32768);
	EXPECT_EQ(C(o, 1)->slot, 14);

	EXPECT_OK(AL(o, 4096, 4), 1, 0);
	EXPECT_EQ(C(o, 1)->nr_populated, 1);
	EXPECT_OK(AL(o, 4, 4), 1, 4096);
	EXPECT_EQ(C(o, 1)->nr_populated, 2);
	oracle_destroy(o);
}

/* The §16.6 / §14.1 recipe up to the fatal request; FC in slot 1. */
static void a6_prepare(struct oracle *o)
{
	static const size_t sizes[] = { 2, 2, 2, 2, 2, 8, 2, 12748 };
	static const long offs[] = { 20000, 20002, 20004, 20006,
				     20008, 20010, 20018, 20020 };
	int k;

	for (k = 0; k < 8; k++)
		EXPECT_OK(AL(o, sizes[k], 2), 0, offs[k]);
	EXPECT_EQ(C(o, 0)->contig_hint, 0);
	EXPECT_EQ(C(o, 0)->slot, 0);
	EXPECT_EQ(oracle_free(o, 0, 20002), PCPU_OK);
	EXPECT_EQ(oracle_free(o, 0, 20006), PCPU_OK);
	EXPECT_EQ(C(o, 0)->slot, 0); /* free 4, hint 2 */
	EXPECT_EQ(oracle_free(o, 0, 20010), PCPU_OK);
	EXPECT_EQ(C(o, 0)->free_size, 12);
	EXPECT_EQ(C(o, 0)->contig_hint, 8);
	EXPECT_EQ(C(o, 0)->slot, 1);
	EXPECT_OK(AL(o, 8, 2), 0, 20010);
	EXPECT(map_is(o, 0, "0A 20000A 20002f 20004A 20006f 20008A 20010A "
			    "20018A 20020A 32768A"));
	EXPECT_EQ(C(o, 0)->free_size, 4);
	EXPECT_EQ(C(o, 0)->contig_hint, 8); /* stale: partial scan */
	EXPECT_EQ(C(o, 0)->slot, 1);
	EXPECT(list_is(o, 1, "0"));
}

/*
 * §16.6 faithful: static 20000, no reserved, dyn 12768.  After the recipe
 * FC has only 2-byte holes but a stale hint 8, in slot 1.  alloc(4, 2)
 * fails on it, the exact hint 2 moves it to the tail of slot 0 and the
 * kernel's walk escapes its list: PCPU_HANG, with FC already refreshed.
 */
static void test_oracle_a6_hang(void)
{
	struct oracle *o = make(20000, 0, 12768, 32768, 0);
	struct pcpu_alloc_res r;

	a6_prepare(o);
	r = AL(o, 4, 2);
	EXPECT_EQ(r.status, PCPU_HANG);
	EXPECT_EQ(C(o, 0)->contig_hint, 2);
	EXPECT_EQ(C(o, 0)->slot, 0);
	EXPECT(list_is(o, 0, "0"));
	EXPECT(list_is(o, 1, ""));
	EXPECT_EQ(oracle_nr_chunks(o), 1);

	/* an atomic request reaching the chunk hangs the same way */
	oracle_destroy(o);
	o = make(20000, 0, 12768, 32768, 0);
	a6_prepare(o);
	r = AT(o, 4, 2);
	EXPECT_EQ(r.status, PCPU_HANG);
	EXPECT(!oracle_atomic_alloc_failed(o));
	oracle_destroy(o);
}

/*
 * §16.6 with PCPU_FIX_SLOT_WALK: the walk goes on after FC left slot 1; no
 * other chunk exists, so a chunk is created (id 1, map 16 -> 128) and
 * serves the request at 1+0:
 *   chunk 1: [0A 4f 32768A], slot 12;  FC: slot 0, hint 2.
 * An atomic request in the same state simply fails instead.
 */
static void test_oracle_a6_fixed_walk(void)
{
	struct oracle *o = make(20000, 0, 12768, 32768, PCPU_FIX_SLOT_WALK);

	a6_prepare(o);
	EXPECT_OK(AL(o, 4, 2), 1, 0);
	EXPECT(map_is(o, 1, "0A 4f 32768A"));
	EXPECT_EQ(C(o, 1)->map_alloc, 128);
	EXPECT_EQ(C(o, 1)->slot, 12);
	EXPECT_EQ(C(o, 0)->contig_hint, 2);
	EXPECT(list_is(o, 0, "0"));
	EXPECT(list_is(o, 1, ""));
	EXPECT(list_is(o, 12, "1"));
	oracle_destroy(o);

	o = make(20000, 0, 12768, 32768, PCPU_FIX_SLOT_WALK);
	a6_prepare(o);
	EXPECT_FAIL(AT(o, 4, 2));
	EXPECT(oracle_atomic_alloc_failed(o));
	EXPECT_EQ(C(o, 0)->slot, 0);
	EXPECT_EQ(oracle_nr_chunks(o), 1);
	oracle_destroy(o);
}

/*
 * §7.1 argument checks on the default geometry (FC free [16384, 32768)):
 * size 0, SIZE_MAX (wraps to 0), 32769 (-> 32770 > 32768) and align 8192
 * (> PS) are rejected without any state change, even when atomic.  align 0
 * becomes 2 and size 1 becomes 2: alloc(1, 0) -> 0+16384; align 4096 is
 * legal: alloc(2, 4096) -> 0+20480; size 32767 -> 32768 is legal and needs
 * a new chunk: -> 1+0 taking the whole unit.
 */
static void test_oracle_normalise(void)
{
	struct pcpu_geometry g = PCPU_GEOMETRY_DEFAULT;
	struct oracle *o = oracle_create(&g, 0);

	EXPECT(map_is(o, 0, "0A 16384f 32768A"));
	EXPECT_FAIL(AL(o, 0, 0));
	EXPECT_FAIL(AL(o, SIZE_MAX, 0));
	EXPECT_FAIL(AL(o, 32769, 2));
	EXPECT_FAIL(AL(o, 2, 8192));
	EXPECT_FAIL(AT(o, 0, 2));
	EXPECT_FAIL(AT(o, 2, 8192));
	EXPECT_FAIL(do_alloc(o, 0, 2, false, true));
	EXPECT(!oracle_atomic_alloc_failed(o));
	EXPECT(!oracle_balance_pending(o));
	EXPECT(map_is(o, 0, "0A 16384f 32768A"));
	EXPECT(map_is(o, -1, "0A 8192f 16384A"));
	EXPECT(queue_is(o, ""));
	EXPECT_EQ(oracle_nr_chunks(o), 2);

	EXPECT_OK(AL(o, 1, 0), 0, 16384);
	EXPECT(map_is(o, 0, "0A 16384A 16386f 32768A"));
	EXPECT_OK(AL(o, 2, 4096), 0, 20480);
	EXPECT_OK(AL(o, 32767, 2), 1, 0);
	EXPECT(map_is(o, 1, "0A 32768A"));
	EXPECT_EQ(C(o, 1)->free_size, 0);
	oracle_destroy(o);
}

/*
 * §7.1 with 64 KiB pages: PCPU_MIN_UNIT_SIZE is 65536, so alloc(65536,
 * 65536) is legal and alloc(65537) (-> 65538) is not.  Geometry: unit
 * 131072 (2 pages), static 65536, dyn 65536: 0+65536 takes all of dyn.
 */
static void test_oracle_normalise_64k_pages(void)
{
	struct pcpu_geometry g = geo(65536, 0, 65536, 131072);
	struct oracle *o;

	g.page_size = 65536;
	o = oracle_create(&g, 0);
	EXPECT_EQ(oracle_nr_slots(o), 17);
	EXPECT_FAIL(AL(o, 65537, 2));
	EXPECT_FAIL(AL(o, 2, 131072));
	EXPECT_OK(AL(o, 65536, 65536), 0, 65536);
	EXPECT_EQ(C(o, 0)->free_size, 0);
	oracle_destroy(o);
}

/*
 * Faithful (4.9) non-power-of-two align uses ALIGN's bit-mask formula
 * (§16.1 layout, dyn free from 24576):
 *   alloc(2, 2)  -> 24576
 *   alloc(10, 6) -> ALIGN(24578, 6) = 24578
 *   alloc(2, 12) -> ALIGN(24588, 12) = 24596, head 8 left free [24588, 24596)
 *   alloc(2, 3)  -> ALIGN(24588, 3) = 24588 in that hole, tail [24590, 24596)
 *   alloc(2, 24) -> hole gives ALIGN(24590, 24) = 24608 (no fit); next block:
 *                   ALIGN(24598, 24) = 24616, head 18 split off
 * None but the first is a multiple of its align.
 */
static void test_oracle_align_nonpow2_faithful(void)
{
	struct oracle *o = make_a1(0);

	EXPECT_OK(AL(o, 2, 2), 0, 24576);
	EXPECT_OK(AL(o, 10, 6), 0, 24578);
	EXPECT_OK(AL(o, 2, 12), 0, 24596);
	EXPECT(map_is(o, 0, "0A 24576A 24578A 24588f 24596A 24598f 32768A"));
	EXPECT_OK(AL(o, 2, 3), 0, 24588);
	EXPECT_OK(AL(o, 2, 24), 0, 24616);
	EXPECT(map_is(o, 0, "0A 24576A 24578A 24588A 24590f 24596A 24598f "
			    "24616A 24618f 32768A"));
	EXPECT_EQ(C(o, 0)->free_size, 8192 - 2 - 10 - 2 - 2 - 2);
	oracle_destroy(o);
}

/*
 * With PCPU_FIX_ALIGN_POW2 (4.10) aligns 6, 12, 3 and 24 are rejected with
 * no state change and no flags; power-of-two aligns still work.
 */
static void test_oracle_align_nonpow2_fixed(void)
{
	struct oracle *o = make_a1(PCPU_FIX_ALIGN_POW2);

	EXPECT_OK(AL(o, 2, 2), 0, 24576);
	EXPECT_FAIL(AL(o, 10, 6));
	EXPECT_FAIL(AL(o, 2, 12));
	EXPECT_FAIL(AL(o, 2, 3));
	EXPECT_FAIL(AT(o, 2, 24));
	EXPECT(!oracle_atomic_alloc_failed(o));
	EXPECT(map_is(o, 0, "0A 24576A 24578f 32768A"));
	EXPECT_OK(AL(o, 2, 8), 0, 24584);
	EXPECT_OK(AL(o, 2, 0), 0, 24578);
	oracle_destroy(o);
}

/*
 * §5.2 head and tail rules (§16.1 layout).  alloc(2,2) -> 24576; alloc(4,4)
 * has head 2 at 24578: donated to the 2-byte block, which grows to 4:
 *   [0A 24576A 24580A 24584f 32768A], free 8192 - 2 - 2 - 4 = 8184
 * Freeing 24576 frees all 4 bytes (free 8188).  alloc(8182, 2) in
 * [24584, 32768) (8184 bytes) would leave a 2-byte tail: the block swallows
 * it (8184 bytes) and is now last, so the scan is full and the hint becomes
 * the largest free block visited, the 4-byte hole: free 4, hint 4, slot 1.
 */
static void test_oracle_head_tail_rules(void)
{
	struct oracle *o = make_a1(0);

	EXPECT_OK(AL(o, 2, 2), 0, 24576);
	EXPECT_OK(AL(o, 4, 4), 0, 24580);
	EXPECT(map_is(o, 0, "0A 24576A 24580A 24584f 32768A"));
	EXPECT_EQ(C(o, 0)->free_size, 8184);
	EXPECT_EQ(oracle_free(o, 0, 24576), PCPU_OK);
	EXPECT(map_is(o, 0, "0A 24576f 24580A 24584f 32768A"));
	EXPECT_EQ(C(o, 0)->free_size, 8188);

	/* 8182 leaves a 2-byte tail in [24584, 32768): absorbed */
	EXPECT_OK(AL(o, 8182, 2), 0, 24584);
	EXPECT(map_is(o, 0, "0A 24576f 24580A 24584A 32768A"));
	EXPECT_EQ(C(o, 0)->free_size, 4);
	/* full scan: the hint is the 4-byte hole seen before the fit */
	EXPECT_EQ(C(o, 0)->contig_hint, 4);
	EXPECT_EQ(C(o, 0)->slot, 1);
	EXPECT_EQ(oracle_free(o, 0, 24584), PCPU_OK);
	EXPECT_EQ(C(o, 0)->free_size, 4 + 8184);
	oracle_destroy(o);
}

/*
 * §5.2 step 7 hints: a partial scan keeps a stale hint; a failed scan makes
 * it exact.  §16.1 layout: alloc(4096, 4) -> 0+24576 leaves [28672, 32768)
 * free: partial scan, hint stays 8192 (slot 10).  alloc(4098, 2) passes
 * the hint pre-check, fails the scan, and the hint becomes exactly 4096
 * (still slot 10); no other chunk, so chunk 1 is created: -> 1+0.  The next
 * alloc(4098, 2) skips FC on the hint alone: -> 1+4098.
 */
static void test_oracle_hint_refresh(void)
{
	struct oracle *o = make_a1(0);

	EXPECT_OK(AL(o, 4096, 4), 0, 24576);
	EXPECT_EQ(C(o, 0)->contig_hint, 8192);
	EXPECT_EQ(C(o, 0)->slot, 10);
	EXPECT_OK(AL(o, 4098, 2), 1, 0);
	EXPECT_EQ(C(o, 0)->contig_hint, 4096);
	EXPECT_EQ(C(o, 0)->slot, 10);
	/* the exact hint now keeps the next such request off the chunk */
	EXPECT_OK(AL(o, 4098, 2), 1, 4098);
	oracle_destroy(o);
}

/*
 * §7.3: "reserved" without a reserved chunk takes the normal path
 * (§16.1 layout: -> 0+24576).  With a reserved chunk (default geometry), a
 * request above its hint fails with nothing changed; an atomic one also
 * sets the atomic-failure flag and schedules work.
 */
static void test_oracle_reserved_paths(void)
{
	struct oracle *o = make_a1(0);
	struct pcpu_geometry g = PCPU_GEOMETRY_DEFAULT;

	EXPECT_OK(AR(o, 100, 4), 0, 24576);
	oracle_destroy(o);

	o = oracle_create(&g, 0);
	EXPECT_FAIL(AR(o, 8194, 2));
	EXPECT(!oracle_atomic_alloc_failed(o));
	EXPECT(!oracle_balance_pending(o));
	EXPECT(map_is(o, -1, "0A 8192f 16384A"));
	EXPECT_FAIL(do_alloc(o, 8194, 2, true, true));
	EXPECT(oracle_atomic_alloc_failed(o));
	EXPECT(oracle_balance_pending(o));
	EXPECT_OK(do_alloc(o, 8192, 2, true, true), -1, 8192);
	EXPECT_EQ(C(o, -1)->contig_hint, 0);
	EXPECT_EQ(C(o, -1)->slot, -1);
	oracle_destroy(o);
}

/*
 * §4.1 capacities for non-atomic requests on the first chunk (§16.1 layout,
 * map_alloc 128, map_used 2).  Each alloc(2, 2) adds one block.  The 64th
 * sees map_used 65: 128 < 65 + 64, so the map grows to 256 (16, 32, ...
 * up to >= 129).  A fresh chunk's first non-atomic request grows 16 to 128
 * (checked in §16.1).
 */
static void test_oracle_need_to_extend(void)
{
	struct oracle *o = make_a1(0);
	int k;

	for (k = 0; k < 63; k++)
		EXPECT_OK(AL(o, 2, 2), 0, 24576 + 2 * k);
	EXPECT_EQ(C(o, 0)->nr_blocks, 65);
	EXPECT_EQ(C(o, 0)->map_alloc, 128);
	EXPECT_OK(AL(o, 2, 2), 0, 24576 + 2 * 63);
	EXPECT_EQ(C(o, 0)->map_alloc, 256);
	EXPECT_EQ(C(o, 0)->nr_blocks, 66);
	EXPECT(queue_is(o, ""));
	oracle_destroy(o);
}

/*
 * Balance work with nothing to reap (§16.1 layout, FC full, count 0): phase 3
 * wants 4 pages, finds no chunk from slot 10 up, creates chunk 1 at the
 * head of the free slot and populates pages 0-3 (count 4).  A second run
 * keeps chunk 1 (the only free chunk) and does nothing: exactly one empty
 * chunk remains.
 */
static void test_oracle_balance_keeps_one(void)
{
	struct oracle *o = make_a1(0);

	EXPECT_OK(AL(o, 8192, 4), 0, 24576);
	EXPECT(oracle_balance_pending(o));
	oracle_balance(o);
	EXPECT(!oracle_balance_pending(o));
	EXPECT_EQ(oracle_nr_chunks(o), 2);
	EXPECT(list_is(o, 14, "1"));
	EXPECT_EQ(C(o, 1)->nr_populated, 4);
	EXPECT_EQ(C(o, 1)->map_alloc, 16);
	EXPECT_EQ(oracle_empty_pop_pages(o), 4);
	oracle_balance(o);
	EXPECT_EQ(oracle_nr_chunks(o), 2);
	EXPECT(list_is(o, 14, "1"));
	EXPECT_EQ(C(o, 1)->nr_populated, 4);
	EXPECT_EQ(oracle_empty_pop_pages(o), 4);
	oracle_destroy(o);
}

/*
 * §9 with one-page units (64 KiB pages, unit 65536, static 16384, dyn
 * 49152, 16 slots; phase 3 starts at the free slot 15).  FC filled; work
 * creates four one-page chunks 1-4 (list "4 3 2 1", count 4).  Atomic
 * alloc(2) -> 4+0 (queues 4, moves it to slot 13); atomic alloc(65536) ->
 * 3+0 (queues 3).  With one map failure armed, work destroys 1 (keeps 2),
 * fails to grow 4 (ignored), grows 3 to 128, then creates 5, 6, 7 to get
 * the count from 1 back to 4.  Non-atomic alloc(2) then grows 4's map.
 */
static void test_oracle_balance_one_page_units(void)
{
	struct pcpu_geometry g = geo(16384, 0, 49152, 65536);
	struct oracle *o;

	g.page_size = 65536;
	o = oracle_create(&g, 0);
	EXPECT_EQ(oracle_nr_slots(o), 16);
	EXPECT_EQ(C(o, 0)->slot, 13);
	EXPECT_EQ(oracle_empty_pop_pages(o), 0);
	EXPECT_OK(AL(o, 49152, 2), 0, 16384);
	oracle_balance(o);
	EXPECT_EQ(oracle_nr_chunks(o), 5);
	EXPECT(list_is(o, 15, "4 3 2 1"));
	EXPECT_EQ(oracle_empty_pop_pages(o), 4);

	EXPECT_OK(AT(o, 2, 2), 4, 0);
	EXPECT_EQ(C(o, 4)->slot, 13);
	EXPECT_OK(AT(o, 65536, 65536), 3, 0);
	EXPECT_EQ(C(o, 3)->slot, 0);
	EXPECT(queue_is(o, "4 3"));
	EXPECT_EQ(oracle_empty_pop_pages(o), 2);

	oracle_fail(o, PCPU_FAULT_MAP, 1);
	oracle_balance(o);
	EXPECT(C(o, 1) == NULL);
	EXPECT(queue_is(o, ""));
	EXPECT_EQ(C(o, 4)->map_alloc, 16);
	EXPECT(!C(o, 4)->on_extend_list);
	EXPECT_EQ(C(o, 3)->map_alloc, 128);
	EXPECT(list_is(o, 15, "7 6 5 2"));
	EXPECT_EQ(oracle_nr_chunks(o), 7);
	EXPECT_EQ(oracle_empty_pop_pages(o), 4);

	EXPECT_OK(AL(o, 2, 2), 4, 2);
	EXPECT_EQ(C(o, 4)->map_alloc, 128);
	oracle_destroy(o);
}

/*
 * Fault "page" in balance (§16.1 layout, FC full): work creates chunk 1, its
 * populate call fails, nr_to_pop drops to 0: chunk 1 stays unpopulated and
 * no further chunk is made.  The next run keeps 1 and populates 4 pages.
 */
static void test_oracle_fault_page_balance(void)
{
	struct oracle *o = make_a1(0);

	EXPECT_OK(AL(o, 8192, 4), 0, 24576);
	oracle_fail(o, PCPU_FAULT_PAGE, 1);
	oracle_balance(o);
	EXPECT_EQ(oracle_nr_chunks(o), 2);
	EXPECT_EQ(C(o, 1)->nr_populated, 0);
	EXPECT(list_is(o, 14, "1"));
	EXPECT_EQ(oracle_empty_pop_pages(o), 0);
	oracle_balance(o);
	EXPECT_EQ(oracle_nr_chunks(o), 2);
	EXPECT_EQ(C(o, 1)->nr_populated, 4);
	EXPECT_EQ(oracle_empty_pop_pages(o), 4);
	oracle_destroy(o);
}

/*
 * Faults are consumed only by attempts that happen: an armed page failure
 * survives allocations from the fully populated first chunk and atomic
 * allocations, then fails the first real populate (§16.1 layout).
 */
static void test_oracle_fault_consumed_on_attempt(void)
{
	struct oracle *o = make_a1(0);

	oracle_fail(o, PCPU_FAULT_PAGE, 1);
	oracle_fail(o, PCPU_FAULT_CHUNK, 1);
	EXPECT_OK(AL(o, 4096, 4), 0, 24576);
	EXPECT_OK(AL(o, 4096, 4), 0, 28672);
	/* creation attempt consumes the chunk failure */
	EXPECT_FAIL(AL(o, 100, 4));
	EXPECT_EQ(oracle_nr_chunks(o), 1);
	/* next creation works (id 1: failed attempts use no id), populate
	 * of page 0 consumes the page failure */
	EXPECT_FAIL(AL(o, 100, 4));
	EXPECT_EQ(oracle_nr_chunks(o), 2);
	EXPECT(map_is(o, 1, "0f 32768A"));
	EXPECT_EQ(C(o, 1)->map_alloc, 128);
	EXPECT_EQ(C(o, 1)->slot, 14);
	EXPECT_OK(AL(o, 100, 4), 1, 0);
	EXPECT_EQ(oracle_nr_chunks(o), 2);
	oracle_destroy(o);
}

/*
 * Fault "chunk": in pcpu_alloc (§16.1 layout, FC full) the request fails
 * with no flag; in balance (after an atomic failure) phase 3 stops, the
 * flag is cleared anyway, and a later run creates chunk 1.
 */
static void test_oracle_fault_chunk(void)
{
	struct oracle *o = make_a1(0);

	EXPECT_OK(AL(o, 8192, 4), 0, 24576);
	oracle_fail(o, PCPU_FAULT_CHUNK, 1);
	EXPECT_FAIL(AL(o, 100, 4));
	EXPECT(!oracle_atomic_alloc_failed(o));
	EXPECT_EQ(oracle_nr_chunks(o), 1);

	EXPECT_FAIL(AT(o, 100, 4));
	EXPECT(oracle_atomic_alloc_failed(o));
	oracle_fail(o, PCPU_FAULT_CHUNK, 2);
	oracle_balance(o);
	EXPECT_EQ(oracle_nr_chunks(o), 1);
	EXPECT(!oracle_atomic_alloc_failed(o));
	EXPECT(!oracle_balance_pending(o));
	oracle_balance(o); /* the second armed failure */
	EXPECT_EQ(oracle_nr_chunks(o), 1);
	oracle_balance(o);
	EXPECT_EQ(oracle_nr_chunks(o), 2);
	EXPECT_EQ(C(o, 1)->nr_populated, 4);
	oracle_destroy(o);
}

/*
 * Fault "map", synchronous growth.  Normal path (§16.1 layout, FC full):
 * alloc(100) creates chunk 1 (map 16), its growth to 128 fails: NULL, the
 * chunk stays on the free slot; the next alloc(100) grows it and uses it,
 * creating no second chunk.  Reserved path (default geometry): 63
 * reserved alloc(2) fit in map 128; the 64th needs 256: with a failure
 * armed it fails (map_alloc stays 128), retried it succeeds at 8192+126.
 */
static void test_oracle_fault_map_sync(void)
{
	struct pcpu_geometry g = PCPU_GEOMETRY_DEFAULT;
	struct oracle *o = make_a1(0);
	int k;

	EXPECT_OK(AL(o, 8192, 4), 0, 24576);
	oracle_fail(o, PCPU_FAULT_MAP, 1);
	EXPECT_FAIL(AL(o, 100, 4));
	EXPECT_EQ(oracle_nr_chunks(o), 2);
	EXPECT_EQ(C(o, 1)->map_alloc, 16);
	EXPECT(list_is(o, 14, "1"));
	EXPECT_OK(AL(o, 100, 4), 1, 0);
	EXPECT_EQ(C(o, 1)->map_alloc, 128);
	EXPECT_EQ(oracle_nr_chunks(o), 2);
	oracle_destroy(o);

	o = oracle_create(&g, 0);
	for (k = 0; k < 63; k++)
		EXPECT_OK(AR(o, 2, 2), -1, 8192 + 2 * k);
	EXPECT_EQ(C(o, -1)->map_alloc, 128);
	oracle_fail(o, PCPU_FAULT_MAP, 1);
	EXPECT_FAIL(AR(o, 2, 2));
	EXPECT_EQ(C(o, -1)->map_alloc, 128);
	EXPECT_OK(AR(o, 2, 2), -1, 8192 + 126);
	EXPECT_EQ(C(o, -1)->map_alloc, 256);
	oracle_destroy(o);
}

/*
 * free_percpu (§6, §14.4), layout static 8192, dyn 16384, no reserved:
 *   [0A 8192f 24576A] after alloc(100) -> [0A 8192A 8292f 24576A]
 * An interior offset, a free block's start, an unknown chunk and a double
 * free are BUGs with nothing changed; freeing offset 0 (the static area)
 * is accepted and merges it with the dynamic free space (free 24576,
 * slot 12, count 6).
 */
static void test_oracle_free_bug(void)
{
	struct oracle *o = make(8192, 0, 16384, 32768, 0);

	EXPECT_OK(AL(o, 100, 4), 0, 8192);
	EXPECT_EQ(oracle_free(o, 0, 8193), PCPU_BUG);
	EXPECT_EQ(oracle_free(o, 0, 8292), PCPU_BUG);
	EXPECT_EQ(oracle_free(o, 7, 0), PCPU_BUG);
	EXPECT(map_is(o, 0, "0A 8192A 8292f 24576A"));
	EXPECT_EQ(oracle_free(o, 0, 8192), PCPU_OK);
	EXPECT_EQ(oracle_free(o, 0, 8192), PCPU_BUG);
	EXPECT(map_is(o, 0, "0A 8192f 24576A"));
	EXPECT_EQ(oracle_free(o, 0, 0), PCPU_OK);
	EXPECT(map_is(o, 0, "0f 24576A"));
	EXPECT_EQ(C(o, 0)->free_size, 24576);
	EXPECT_EQ(C(o, 0)->contig_hint, 24576);
	EXPECT_EQ(C(o, 0)->slot, 12);
	EXPECT_EQ(oracle_empty_pop_pages(o), 6);
	oracle_destroy(o);
}

/*
 * Slot list order (§3.2): a chunk that gains space goes to the head of its
 * new slot, one that loses space to the tail; an unchanged slot keeps the
 * position.  §16.1 layout, FC full: alloc(20000) -> 1+0 and alloc(20000)
 * -> 2+0 (both free 12768, slot 11, list "1 2": 2 was appended).
 * alloc(100) -> 1+20000 keeps 1 in slot 11 and in place.  Freeing moves 1
 * to the head of slot 12, then of the free slot; freeing 2 puts it ahead
 * of 1 (list "2 1", work pending), so alloc(20000) takes 2 again.
 */
static void test_oracle_slot_order(void)
{
	struct oracle *o = make_a1(0);

	EXPECT_OK(AL(o, 8192, 4), 0, 24576);
	EXPECT_OK(AL(o, 20000, 4), 1, 0);
	EXPECT_OK(AL(o, 20000, 4), 2, 0);
	EXPECT(list_is(o, 11, "1 2"));
	EXPECT_OK(AL(o, 100, 4), 1, 20000);
	EXPECT(list_is(o, 11, "1 2")); /* 12668 free: still slot 11 */
	EXPECT_EQ(oracle_free(o, 1, 0), PCPU_OK);
	EXPECT(list_is(o, 12, "1")); /* 32668 free: head of slot 12 */
	EXPECT_EQ(oracle_free(o, 1, 20000), PCPU_OK);
	EXPECT(list_is(o, 14, "1"));
	EXPECT(list_is(o, 11, "2"));
	EXPECT_EQ(oracle_free(o, 2, 0), PCPU_OK);
	EXPECT(list_is(o, 14, "2 1"));
	EXPECT(oracle_balance_pending(o));
	EXPECT_OK(AL(o, 20000, 4), 2, 0);
	EXPECT(list_is(o, 11, "2"));
	EXPECT(list_is(o, 14, "1"));
	oracle_destroy(o);
}

/*
 * The empty-page count is kept as a sum that moves only by what the
 * changed chunks' recounts differ by (oracle_pages.c).  Scenario: 2,000
 * steps of a fixed pseudo-random mix of allocations (with reserved and
 * atomic ones), frees and balance work, growing for 1,000 steps and then
 * mostly freeing, so chunks are created, filled, populated, reaped and
 * destroyed.  Expected: after
 * every step the count equals a from-scratch count of every chunk but
 * the reserved one (populated pages wholly inside a free block), and at
 * least one chunk was created and one destroyed on the way.
 */
static int recount_empty_pop(struct oracle *o)
{
	int n = 0;

	for (int i = 0; i < oracle_nr_chunks(o); i++) {
		const struct oracle_chunk *c = oracle_chunk_at(o, i);

		for (int b = 0; c->id != PCPU_CHUNK_RESERVED && b < c->nr_blocks;
		     b++) {
			const struct oracle_block *blk = &c->blocks[b];
			long p = (blk->start + 4095) / 4096;

			for (; !blk->in_use && (p + 1) * 4096 <= blk->start + blk->len;
			     p++)
				n += c->populated[p];
		}
	}
	return n;
}

static void test_oracle_empty_pop_sum(void)
{
	struct oracle *o = make(8192, 8192, 16384, 32768, PCPU_FIX_ALL);
	struct { int chunk; long off; } live[256];
	unsigned long long x = 12345;
	int nr_live = 0, prev = 0, created = 0, destroyed = 0, bad = 0;

	for (int step = 0; step < 2000; step++) {
		unsigned k;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		k = (unsigned)(x >> 33);
		/* growing for the first half, then mostly freeing */
		if (k % 100 < (step < 1000 ? 30u : 80u) && nr_live) {
			int j = (int)(k / 100 % (unsigned)nr_live);

			EXPECT_EQ(oracle_free(o, live[j].chunk, live[j].off),
				  PCPU_OK);
			live[j] = live[--nr_live];
		} else if (k % 100 < (step < 1000 ? 35u : 90u)) {
			oracle_balance(o);
		} else if (nr_live < 256) {
			struct pcpu_alloc_res r =
				do_alloc(o, 1 + k / 100 % 6000, 0,
					 k / 7 % 8 == 0, k / 11 % 16 == 0);

			if (r.status == PCPU_OK)
				live[nr_live++] = (typeof(live[0])){
					r.chunk_id, (long)r.off };
		}
		created += oracle_nr_chunks(o) > prev && step;
		destroyed += oracle_nr_chunks(o) < prev;
		prev = oracle_nr_chunks(o);
		bad += oracle_empty_pop_pages(o) != recount_empty_pop(o);
	}
	EXPECT_EQ(bad, 0);
	EXPECT(created > 0);
	EXPECT(destroyed > 0);
	oracle_destroy(o);
}

void suite_oracle(void)
{
	RUN(test_oracle_slot_function);
	RUN(test_oracle_setup_plain);
	RUN(test_oracle_setup_short_map);
	RUN(test_oracle_a2_reserved);
	RUN(test_oracle_a1_atomic_populate);
	RUN(test_oracle_a3_atomic_map_margin);
	RUN(test_oracle_a4_reap);
	RUN(test_oracle_a5_populate_failure);
	RUN(test_oracle_a6_hang);
	RUN(test_oracle_a6_fixed_walk);
	RUN(test_oracle_normalise);
	RUN(test_oracle_normalise_64k_pages);
	RUN(test_oracle_align_nonpow2_faithful);
	RUN(test_oracle_align_nonpow2_fixed);
	RUN(test_oracle_head_tail_rules);
	RUN(test_oracle_hint_refresh);
	RUN(test_oracle_reserved_paths);
	RUN(test_oracle_need_to_extend);
	RUN(test_oracle_balance_keeps_one);
	RUN(test_oracle_balance_one_page_units);
	RUN(test_oracle_fault_page_balance);
	RUN(test_oracle_fault_consumed_on_attempt);
	RUN(test_oracle_fault_chunk);
	RUN(test_oracle_fault_map_sync);
	RUN(test_oracle_free_bug);
	RUN(test_oracle_slot_order);
	RUN(test_oracle_empty_pop_sum);
}
