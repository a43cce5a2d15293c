/* SPDX-License-Identifier: GPL-2.0-only */
/* Opcode layout of the binary trace form, shared by decoder and encoder
 * (docs/byte-format.md §2). */
#ifndef PCPU_FUZZ_INPUT_OPS_H
#define PCPU_FUZZ_INPUT_OPS_H

#include <stddef.h>
#include <stdint.h>

/* opcode bits 7..5 */
enum input_kind {
	IK_ALLOC0,
	IK_ALLOC1,
	IK_ALLOC2,
	IK_ALLOC_ATOMIC,
	IK_FREE0,
	IK_FREE1,
	IK_BALANCE,
	IK_FAIL,
};

/* alloc opcode bits 2..0: how the size is coded */
enum input_size_class {
	SC_TINY,      /* 1 byte b: 1 + (b & 15) */
	SC_SMALL,     /* 1 byte b: 1 + b */
	SC_MEDIUM,    /* u16 v: 1 + v % 8192 */
	SC_PAGES,     /* k, d: (k % 9) * page + (int8)d, at least 1 */
	SC_MAX,       /* d: PCPU_MIN_UNIT_SIZE + (int8)d */
	SC_TWO,       /* no bytes: 2 */
	SC_RAW32,     /* u32 */
	SC_RAW64,     /* u64 */
};
#define ALLOC_HAS_ALIGN 0x08
#define ALLOC_RESERVED 0x10
#define FREE_LONG_INDEX 31 /* index in a following u16 */
#define FAIL_LONG_COUNT 7  /* count in a following u32, then the after byte */
#define FAIL_AFTER_RAW 0xff /* after byte: N in a following u32 */

/* align byte */
#define ALIGN_BIG_POW2 0xd0 /* 0xd0..0xdf: 1 << (13 + (a & 3)) */
#define ALIGN_ODD 0xe0      /* 0xe0..0xfe: odd_aligns[(a - 0xe0) % 16] */
#define ALIGN_RAW 0xff      /* u64 follows */

static const size_t odd_aligns[16] = { 3,  5,  6,  12, 24, 48, 96, 100,
				       6000, 10, 20, 40, 80, 7,  9,  4095 };

/* PCPU_MIN_UNIT_SIZE for a page size: the largest legal allocation. */
static inline size_t input_min_unit(size_t page)
{
	return (32768 + page - 1) / page * page;
}

/*
 * Where the decoder finds each operation of an input (trace/input_ops.c),
 * for tools that edit inputs an operation at a time (the custom mutator).
 * An operation's length depends on its own bytes only, never on the state,
 * so moving whole operations around never splits one.
 */
struct input_op_span {
	size_t off;   /* its opcode byte */
	size_t len;   /* opcode and operands; may run past the end of the input */
	uint8_t kind; /* enum input_kind: opcode >> 5 */
	uint8_t noop; /* decodes to no operation (free with nothing outstanding,
		       * alloc beyond INPUT_MAX_LIVE) */
};

/* Bytes of the header: version, then compact (3) or raw (1 + GEO_RAW_LEN). */
size_t input_header_len(const uint8_t *data, size_t len);
/* Bytes of the operation whose opcode is at data[off] (off < len). */
size_t input_op_len(const uint8_t *data, size_t len, size_t off);
/*
 * Split an input into operations exactly as trace_decode() reads it
 * (stopping where it stops); fills up to max spans and returns how many
 * operations the decoder reads (which may exceed max).
 */
size_t input_split_ops(const uint8_t *data, size_t len,
		       struct input_op_span *ops, size_t max);

#endif /* PCPU_FUZZ_INPUT_OPS_H */
