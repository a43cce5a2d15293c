/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The few bitmap operations the allocator uses, with the kernel's return
 * convention: a search that finds nothing returns `size`.
 */
#ifndef PCPU_FUZZ_BITMAP_H
#define PCPU_FUZZ_BITMAP_H

#include <limits.h>
#include <stdbool.h>

#define BITS_PER_LONG ((int)(sizeof(long) * CHAR_BIT))
#define BITS_TO_LONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)

static inline bool test_bit(int nr, const unsigned long *map)
{
	return (map[nr / BITS_PER_LONG] >> (nr % BITS_PER_LONG)) & 1UL;
}

static inline void set_bit(int nr, unsigned long *map)
{
	map[nr / BITS_PER_LONG] |= 1UL << (nr % BITS_PER_LONG);
}

static inline void clear_bit(int nr, unsigned long *map)
{
	map[nr / BITS_PER_LONG] &= ~(1UL << (nr % BITS_PER_LONG));
}

/* First set bit in [start, size), or size. */
static inline int find_next_bit(const unsigned long *map, int size, int start)
{
	for (; start < size; start++)
		if (test_bit(start, map))
			return start;
	return size;
}

/* First clear bit in [start, size), or size. */
static inline int find_next_zero_bit(const unsigned long *map, int size,
				     int start)
{
	for (; start < size; start++)
		if (!test_bit(start, map))
			return start;
	return size;
}

static inline void bitmap_set(unsigned long *map, int start, int nr)
{
	for (int i = start; i < start + nr; i++)
		set_bit(i, map);
}

static inline void bitmap_clear(unsigned long *map, int start, int nr)
{
	for (int i = start; i < start + nr; i++)
		clear_bit(i, map);
}

#endif /* PCPU_FUZZ_BITMAP_H */
