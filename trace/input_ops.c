// SPDX-License-Identifier: GPL-2.0-only
/*
 * Item boundaries of the binary trace form (docs/byte-format.md): an
 * item's length from its own bytes, without building a trace, so that a
 * mutator can cut an input into whole items; and the split itself, which
 * the decoder reports (input_decode_spans()).  input_op_len() must agree
 * with the decoder byte for byte; tests/suite-mutator.sh checks that on
 * random inputs.
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
	bool v4 = input_version(byte_at(data, len, 0)) >= 4;
	size_t pre = 0, n = 1;
	uint8_t o;

	/* prefixes (version 4): nest and burst, any number of either */
	for (;;) {
		if (off + pre >= len)
			return pre; /* the input ended before an opcode */
		o = data[off + pre];
		if (!v4 || (o >> 5) != IK_BALANCE || o < OP_NEST)
			break;
		if (o < OP_BURST) {
			pre += 2; /* opcode, point */
			if (o & NEST_LONG_NTH)
				pre += byte_at(data, len, off + pre) == NTH_RAW ?
					       5 : 1;
		} else {
			pre += (o & 7) == BURST_LONG ? 2 : 1;
		}
	}
	off += pre;
	switch (o >> 5) {
	case IK_ALLOC0:
	case IK_ALLOC1:
	case IK_ALLOC2:
	case IK_ALLOC_ATOMIC:
		n += size_bytes[o & 7];
		if (o & ALLOC_HAS_ALIGN)
			n += byte_at(data, len, off + n) == ALIGN_RAW ? 9 : 1;
		break;
	case IK_FREE0:
	case IK_FREE1:
		n += (o & 31) == FREE_LONG_INDEX ? 2 : 0;
		break;
	case IK_BALANCE:
		break;
	default:
		if ((o & 7) == FAIL_LONG_COUNT)
			n += byte_at(data, len, off + 5) == FAIL_AFTER_RAW ? 9 : 5;
		break;
	}
	return pre + n;
}

size_t input_split_ops(const uint8_t *data, size_t len,
		       struct input_op_span *ops, size_t max)
{
	struct trace t;
	size_t n = 0;

	if (input_decode_spans(data, len, &t, ops, max, &n))
		n = 0;
	trace_free(&t);
	return n;
}
