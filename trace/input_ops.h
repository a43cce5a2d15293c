/* SPDX-License-Identifier: GPL-2.0-only */
/* Opcode layout of the binary trace form, shared by decoder and encoder
 * (docs/byte-format.md §2). */
#ifndef PCPU_FUZZ_INPUT_OPS_H
#define PCPU_FUZZ_INPUT_OPS_H

#include <stddef.h>
#include <stdint.h>

struct trace;

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

/*
 * Version 4 splits the balance kind's 32 opcodes: 0xc0..0xcf stay
 * balance, the rest are prefixes of the operation that follows
 * (docs/byte-format.md §2.1).  Version 3 reads all 32 as balance.
 */
#define OP_NEST 0xd0  /* 0xd0..0xd7: nest it; a point byte follows */
#define OP_BURST 0xd8 /* 0xd8..0xdf: repeat it */
#define NEST_LONG_NTH 0x04 /* nest bit 2: an occurrence byte follows the
			    * point; else bits 1..0 are occurrence - 1 */
#define NTH_RAW 0xff       /* occurrence byte: a u32 follows */
#define BURST_LONG 7       /* burst bits 2..0: a count byte follows; else
			    * the count is bits + 2 */
#define BURST_SHORT_MAX 8  /* the largest count without a count byte */

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
 * Where the decoder finds each item of an input (its prefixes and the
 * operation they apply to), for tools that edit inputs an item at a time
 * (the custom mutator).  An item's length depends on its own bytes only,
 * never on the state, so moving whole items around never splits one.
 */
struct input_op_span {
	size_t off;	 /* its first byte: a prefix, or the opcode */
	size_t len;	 /* prefixes, opcode and operands; may run past the end */
	size_t op;	 /* the opcode's offset from off (0: no prefix) */
	uint8_t kind;	 /* enum input_kind of the opcode */
	uint8_t noop;	 /* decodes to no operation (free with nothing
			  * outstanding, alloc beyond INPUT_MAX_LIVE, nesting
			  * the decoder drops, prefixes with no opcode) */
	uint8_t nested;	 /* carries a nest prefix */
	uint8_t bare;	 /* prefixes only: the input ended before an opcode */
	unsigned int nr; /* operations it decoded to (several for a burst) */
};

/* Bytes of the header: version, then compact (3) or raw (1 + GEO_RAW_LEN). */
size_t input_header_len(const uint8_t *data, size_t len);
/*
 * Bytes of the item starting at data[off] (off < len): its prefixes, the
 * opcode and its operands, read by the rules of data[0]'s version.
 */
size_t input_op_len(const uint8_t *data, size_t len, size_t off);
/*
 * Split an input into items exactly as trace_decode() reads it (stopping
 * where it stops); fills up to max spans and returns how many items the
 * decoder reads (which may exceed max).  0 when out of memory.
 */
size_t input_split_ops(const uint8_t *data, size_t len,
		       struct input_op_span *ops, size_t max);
/*
 * trace_decode(), also filling up to max spans (when ops is not NULL) and
 * setting *nr_items to the number of items read.  0, or -1 out of memory.
 */
int input_decode_spans(const uint8_t *data, size_t len, struct trace *t,
		       struct input_op_span *ops, size_t max, size_t *nr_items);

#endif /* PCPU_FUZZ_INPUT_OPS_H */
