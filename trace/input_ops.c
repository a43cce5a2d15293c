// SPDX-License-Identifier: GPL-2.0-only
/*
 * Operation boundaries of the binary trace form (docs/byte-format.md): the
 * decoder's reading order without building a trace, so that a mutator can
 * cut an input into whole operations.  It must agree with input_decode.c
 * byte for byte; tests/suite-mutator.sh checks that on random inputs.
 */
#include "input_format.h"
#include "input_geometry.h"
#include "input_ops.h"

/* Operand bytes of each alloc size class (docs/byte-format.md §2, size classes). */
static const uint8_t size_bytes[8] = {
	[SC_TINY] = 1,	[SC_SMALL] = 1, [SC_MEDIUM] = 2, [SC_PAGES] = 2,
	[SC_MAX] = 1,	[SC_TWO] = 0,	[SC_RAW32] = 4,	 [SC_RAW64] = 8,
};

/* Bytes past the end read as zero, as in the decoder. */
static uint8_t byte_at(const uint8_t *data, size_t len, size_t pos)
{
	return pos < len ? data[pos] : 0;
}

size_t input_header_len(const uint8_t *data, size_t len)
{
	return byte_at(data, len, 1) == GEO_RAW ? 2 + GEO_RAW_LEN : 4;
}

size_t input_op_len(const uint8_t *data, size_t len, size_t off)
{
	uint8_t o = byte_at(data, len, off);
	size_t n = 1;

	switch (o >> 5) {
	case IK_ALLOC0:
	case IK_ALLOC1:
	case IK_ALLOC2:
	case IK_ALLOC_ATOMIC:
		n += size_bytes[o & 7];
		if (o & ALLOC_HAS_ALIGN)
			n += byte_at(data, len, off + n) == ALIGN_RAW ? 9 : 1;
		return n;
	case IK_FREE0:
	case IK_FREE1:
		return (o & 31) == FREE_LONG_INDEX ? 3 : 1;
	case IK_BALANCE:
		return 1;
	default:
		if ((o & 7) != FAIL_LONG_COUNT)
			return 1;
		return byte_at(data, len, off + 5) == FAIL_AFTER_RAW ? 10 : 6;
	}
}

size_t input_split_ops(const uint8_t *data, size_t len,
		       struct input_op_span *ops, size_t max)
{
	size_t pos = input_header_len(data, len);
	size_t n = 0, decoded = 0;
	unsigned outstanding = 0; /* allocations not freed yet */

	while (pos < len && decoded < INPUT_MAX_OPS) {
		uint8_t kind = data[pos] >> 5;
		uint8_t noop = 0;

		if (kind <= IK_ALLOC_ATOMIC) {
			if (outstanding == INPUT_MAX_LIVE)
				noop = 1;
			else
				outstanding++;
		} else if (kind <= IK_FREE1) {
			if (!outstanding)
				noop = 1;
			else
				outstanding--;
		}
		if (n < max) {
			ops[n].off = pos;
			ops[n].len = input_op_len(data, len, pos);
			ops[n].kind = kind;
			ops[n].noop = noop;
		}
		pos += input_op_len(data, len, pos);
		n++;
		decoded += !noop;
	}
	return n;
}
