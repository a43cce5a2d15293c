// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checks over the kernel's internals, part of the glue unit (included by
 * glue.c, never compiled on its own): the fake memory against what the
 * live chunks account for, and the kernel's counters against a recount
 * from its own bitmaps.  They only read; they report the first difference.
 *
 * The walks over a chunk's pages and bitmaps run, in a fuzz execution,
 * for the chunks an operation touched (kglue_check_*'s only list) and for
 * every chunk at a sweep: the counts that tie the chunks together (pages
 * out of the page allocator, areas, objects, the global page counters) are
 * compared every time.  They are compiled without the fuzzer's coverage
 * feedback (KGLUE_NO_COVERAGE, glue.c): their loops count pages and bits
 * of the whole state, which says nothing about what the kernel decided,
 * and instrumented their comparison hooks were half of an execution.
 */
#ifndef KGLUE_VERSION
#error "glue_checks.c is part of glue.c's unit"
#endif

#define BACKING_FAIL(...)                                                   \
	do {                                                                \
		snprintf(err, errlen, __VA_ARGS__);                         \
		return -1;                                                  \
	} while (0)

/*
 * Every page of a created chunk: mapped (and owned) iff populated.  Page i
 * of a CPU's unit is at pcpu_chunk_addr(chunk, cpu, 0) + i pages, as the
 * kernel's helper computes it; asked once per CPU, not per page, and so
 * is the fake memory's table of what is mapped there (vm chunks:
 * kshim_vmalloc_ptes, vmalloc_to_page's answers for the whole unit).
 */
KGLUE_NO_COVERAGE static int check_chunk_pages(struct pcpu_chunk *chunk,
					       char *err, size_t errlen)
{
	unsigned long unit0[PCPU_MAX_CPUS];
	struct page *const *ptes[PCPU_MAX_CPUS];
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		unit0[cpu] = pcpu_chunk_addr(chunk, cpu, 0);
		ptes[cpu] = kglue_is_km() ? NULL :
			    kshim_vmalloc_ptes((void *)unit0[cpu],
					       (size_t)chunk->nr_pages);
	}
	for (int i = 0; i < chunk->nr_pages; i++) {
		bool pop = test_bit(i, chunk->populated);

		for_each_possible_cpu(cpu) {
			void *addr = (void *)(unit0[cpu] +
					      ((unsigned long)i << PAGE_SHIFT));
			struct page *page = kglue_is_km() ? virt_to_page(addr) :
					    ptes[cpu]	  ? ptes[cpu][i] :
							    vmalloc_to_page(addr);

			if (!kglue_is_km() && pop != (page != NULL))
				BACKING_FAIL("chunk at %p page %d cpu %u: %s",
					     chunk->base_addr, i, cpu,
					     pop ? "populated but not mapped"
						 : "mapped but not populated");
			if (page && pcpu_get_page_chunk(page) != chunk)
				BACKING_FAIL("chunk at %p page %d cpu %u: page->index names %p",
					     chunk->base_addr, i, cpu,
					     (void *)pcpu_get_page_chunk(page));
		}
	}
	return 0;
}

bool kglue_chunk_listed(const void *chunk, const void *const *list, int n)
{
	for (int i = 0; i < n; i++)
		if (list[i] == chunk)
			return true;
	return false;
}

/* Whether chunk is to be walked: every chunk without a list. */
static bool chunk_selected(const struct pcpu_chunk *chunk,
			   const void *const *only, int nr_only)
{
	return !only || kglue_chunk_listed(chunk, only, nr_only);
}

KGLUE_NO_COVERAGE int kglue_check_backing(const void *const *only,
					    int nr_only, char *err,
					    size_t errlen)
{
	unsigned long chunks = 0, pages = 0, heap_lo, heap_hi;
	struct pcpu_chunk *chunk;
	struct mem_stats st;

	for (int slot = 0; slot < pcpu_nr_slots; slot++)
		list_for_each_entry(chunk, &pcpu_chunk_lists[slot], list) {
			if (chunk == pcpu_first_chunk)
				continue;
			chunks++;
			if (kglue_is_km())
				pages += 1UL << order_base_2(pcpu_group_sizes[0] >>
							     PAGE_SHIFT);
			else
				pages += (unsigned long)chunk->nr_populated *
					 pcpu_nr_units;
			if (chunk_selected(chunk, only, nr_only) &&
			    check_chunk_pages(chunk, err, errlen))
				return -1;
		}

	mem_get_stats(&st);
	/* a chunk is four objects; vm adds the populate page array once */
	heap_lo = 4 * chunks;
	heap_hi = heap_lo + !kglue_is_km();
	if (st.pages_live != pages)
		BACKING_FAIL("%lu pages allocated, the chunks account for %lu",
			     st.pages_live, pages);
	if (st.areas_live != (kglue_is_km() ? 0 : chunks))
		BACKING_FAIL("%lu vmalloc areas live for %lu created chunks",
			     st.areas_live, chunks);
	if (st.heap_live < heap_lo || st.heap_live > heap_hi)
		BACKING_FAIL("%lu metadata objects live for %lu created chunks",
			     st.heap_live, chunks);
	if (st.leaked_mappings)
		BACKING_FAIL("%lu pages were still mapped when their area was freed",
			     st.leaked_mappings);
	return 0;
}

/* bits of [from, to) of a chunk's alloc_map that are clear */
KGLUE_NO_COVERAGE static int clear_bits(const unsigned long *map, int from,
					 int to)
{
	int n = 0, b = from;

	for (; b < to && b % BITS_PER_LONG; b++)
		n += !test_bit(b, map);
	for (; b + BITS_PER_LONG <= to; b += BITS_PER_LONG)
		n += BITS_PER_LONG - __builtin_popcountl(map[BIT_WORD(b)]);
	for (; b < to; b++)
		n += !test_bit(b, map);
	return n;
}

KGLUE_NO_COVERAGE static int check_chunk_accounting(struct pcpu_chunk *chunk,
						    char *err, size_t errlen)
{
	int bits = pcpu_chunk_map_bits(chunk), empty = 0, populated = 0;
	int free_bits = clear_bits(chunk->alloc_map, 0, bits);

	if (chunk->free_bytes != free_bits * PCPU_MIN_ALLOC_SIZE)
		BACKING_FAIL("chunk at %p: free_bytes %d, the bitmap has %d free bytes",
			     chunk->base_addr, chunk->free_bytes,
			     free_bits * PCPU_MIN_ALLOC_SIZE);
	for (int i = 0; i < pcpu_chunk_nr_blocks(chunk); i++) {
		int from = i * (int)PCPU_BITMAP_BLOCK_BITS;

		if (!test_bit(i, chunk->populated))
			continue;
		populated++;
		empty += clear_bits(chunk->alloc_map, from,
				    from + (int)PCPU_BITMAP_BLOCK_BITS) ==
			 (int)PCPU_BITMAP_BLOCK_BITS;
	}
	if (chunk->nr_empty_pop_pages != empty)
		BACKING_FAIL("chunk at %p: nr_empty_pop_pages %d, recount %d",
			     chunk->base_addr, chunk->nr_empty_pop_pages, empty);
	if (chunk->nr_populated != populated)
		BACKING_FAIL("chunk at %p: nr_populated %d, the bitmap has %d",
			     chunk->base_addr, chunk->nr_populated, populated);
	return 0;
}

KGLUE_NO_COVERAGE int kglue_check_accounting(const void *const *only,
					       int nr_only, char *err,
					       size_t errlen)
{
	unsigned long nr_populated = 0;
	struct pcpu_chunk *chunk;
	int empty = 0;

	if (pcpu_reserved_chunk &&
	    chunk_selected(pcpu_reserved_chunk, only, nr_only) &&
	    check_chunk_accounting(pcpu_reserved_chunk, err, errlen))
		return -1;
	for (int slot = 0; slot < pcpu_nr_slots; slot++)
		list_for_each_entry(chunk, &pcpu_chunk_lists[slot], list) {
			if (chunk_selected(chunk, only, nr_only) &&
			    check_chunk_accounting(chunk, err, errlen))
				return -1;
			if (!chunk->isolated)
				empty += chunk->nr_empty_pop_pages;
			if (chunk != pcpu_first_chunk)
				nr_populated += chunk->nr_populated;
		}
	if (pcpu_nr_empty_pop_pages != empty)
		BACKING_FAIL("pcpu_nr_empty_pop_pages %d, the chunks count %d",
			     pcpu_nr_empty_pop_pages, empty);
	/* the first chunk's regions count as PFN_DOWN(static + reserved + dyn) */
	nr_populated += PFN_DOWN(pcpu_first_chunk->base_addr +
				 pcpu_first_chunk->nr_pages * PAGE_SIZE -
				 pcpu_first_chunk->end_offset - pcpu_base_addr);
	if (pcpu_nr_populated != nr_populated)
		BACKING_FAIL("pcpu_nr_populated %lu, the chunks count %lu",
			     pcpu_nr_populated, nr_populated);
	return 0;
}

int kglue_chunk_nr_blocks(const void *chunk)
{
	return pcpu_chunk_nr_blocks((struct pcpu_chunk *)chunk);
}

void kglue_chunk_maps(const void *chunk, const unsigned long **alloc_map,
		      const unsigned long **bound_map, int *map_bits)
{
	struct pcpu_chunk *c = (struct pcpu_chunk *)chunk;

	*alloc_map = c->alloc_map;
	*bound_map = c->bound_map;
	*map_bits = pcpu_chunk_map_bits(c);
}

KGLUE_NO_COVERAGE void kglue_chunk_md(const void *chunk, int block,
				      struct kglue_md *out)
{
	struct pcpu_chunk *c = (struct pcpu_chunk *)chunk;
	const struct pcpu_block_md *md = block < 0 ? &c->chunk_md
						   : &c->md_blocks[block];
	int from = block < 0 ? 0 : block * (int)PCPU_BITMAP_BLOCK_BITS;
	int n = block < 0 ? pcpu_chunk_map_bits(c) : (int)PCPU_BITMAP_BLOCK_BITS;
	int run = 0;

	*out = (struct kglue_md){
		.scan_hint = md->scan_hint,
		.scan_hint_start = md->scan_hint_start,
		.contig_hint = md->contig_hint,
		.contig_hint_start = md->contig_hint_start,
		.left_free = md->left_free,
		.right_free = md->right_free,
		.first_free = md->first_free,
		.nr_bits = md->nr_bits,
		.true_first_free = n,
	};
	for (int i = 0; i < n;) {
		unsigned long word = c->alloc_map[BIT_WORD(from + i)];

		/* whole words free or used, when aligned: a step of 64 */
		if (!((from + i) % BITS_PER_LONG) && i + BITS_PER_LONG <= n &&
		    (word == 0 || word == ~0UL)) {
			if (word) {
				run = 0;
			} else {
				if (out->true_first_free == n)
					out->true_first_free = i;
				run += BITS_PER_LONG;
				if (run > out->true_largest) {
					out->true_largest = run;
					out->true_largest_start = i + BITS_PER_LONG - run;
				}
				if (run == i + BITS_PER_LONG)
					out->true_left_free = run;
			}
			i += BITS_PER_LONG;
			continue;
		}
		if (test_bit(from + i, c->alloc_map)) {
			run = 0;
			i++;
			continue;
		}
		if (out->true_first_free == n)
			out->true_first_free = i;
		if (++run > out->true_largest) {
			out->true_largest = run;
			out->true_largest_start = i + 1 - run;
		}
		if (run == i + 1)
			out->true_left_free = run;
		i++;
	}
	out->true_right_free = run;
}
