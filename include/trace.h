/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Trace types: the one language users, tests, the replay driver and the
 * fuzz targets share (see docs/trace-format.md).  A trace is a geometry
 * plus a list of operations; text and binary forms both decode to this.
 */
#ifndef PCPU_FUZZ_TRACE_H
#define PCPU_FUZZ_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "pcpu.h"

/* Longest preemption-point name, NUL included (docs/interleavings.md §2). */
#define TRACE_POINT_MAX 32
/* Largest occurrence count a nested op may name. */
#define TRACE_MAX_AT_NTH 1000000

enum trace_op_kind {
	OP_ALLOC,
	OP_FREE,
	OP_BALANCE,
	OP_FAIL,
};

struct trace_op {
	enum trace_op_kind kind;
	unsigned int line; /* source line in a text trace; 0 when decoded */
	/* OP_ALLOC */
	size_t size;
	size_t align;
	bool atomic;
	bool reserved;
	/* OP_ALLOC: the id this alloc gets; OP_FREE: the id it frees */
	unsigned int id;
	/* OP_FAIL */
	enum pcpu_fault fault;
	unsigned int count;
	unsigned int after; /* attempts that succeed before the count fail */
	/*
	 * Nesting (docs/interleavings.md): a nested op belongs to the closest
	 * top-level op before it in ops[] and runs, as another CPU would,
	 * when that op releases pcpu_lock at point `at` for the at_nth time.
	 * Top-level ops have nested false, at "" and at_nth 0.
	 */
	bool nested;
	unsigned int at_nth; /* 1 = the first time the point is reached */
	char at[TRACE_POINT_MAX];
};

/*
 * May op run nested inside outer?  Only what the kernel allows while
 * outer holds pcpu_alloc_mutex (a sleeping allocation, the balance work):
 * frees, atomic allocations and fault arming; inside an atomic allocation
 * or a free anything may run (docs/interleavings.md §3).
 */
static inline bool trace_nest_allowed(const struct trace_op *outer,
				      const struct trace_op *op)
{
	bool outer_mutex = outer->kind == OP_BALANCE ||
			   (outer->kind == OP_ALLOC && !outer->atomic);
	bool op_mutex = op->kind == OP_BALANCE ||
			(op->kind == OP_ALLOC && !op->atomic);

	if (outer->kind == OP_FAIL)
		return false; /* arming a fault releases no lock */
	return !(outer_mutex && op_mutex);
}

/*
 * Do a and b ask for the same operation, their ids aside?  The id is
 * left to the caller because each compares it its own way (a burst's
 * copies differ only in it, a renumbered trace keeps only a free's); the
 * source line never counts.  Next to struct trace_op so that a field
 * added there is added here too.
 */
static inline bool trace_op_same_but_id(const struct trace_op *a,
					const struct trace_op *b)
{
	return a->kind == b->kind && a->size == b->size &&
	       a->align == b->align && a->atomic == b->atomic &&
	       a->reserved == b->reserved && a->fault == b->fault &&
	       a->count == b->count && a->after == b->after &&
	       a->nested == b->nested && a->at_nth == b->at_nth &&
	       !strcmp(a->at, b->at);
}

/*
 * What a run does with a geometry the linked backend refuses: the trace
 * layer reads geometries without asking any backend, and the harness
 * settles them once, before the run (harness/geometry.c).
 */
enum trace_geo_policy {
	/* no geometry given, or a raw byte header: the backend's default */
	GEO_DEFAULT_IF_REFUSED,
	/* a compact byte header: repaired as docs/byte-format.md §1.1 says */
	GEO_REPAIR_IF_REFUSED,
	/* a text `geometry` line: refused is an input error on that line */
	GEO_STRICT,
	/* the linked backend accepts geo as it is */
	GEO_SETTLED,
};

/*
 * Settles t's geometry for the backend a run links, by t->geo_policy
 * (run_geometry_settle in harness/geometry.c is the one there is): the
 * trace layer is given it by its callers and never asks a backend
 * itself.  0, or -1 with "NAME:LINE: bad geometry: REASON" in err.
 */
struct trace;
typedef int (*trace_settle_fn)(struct trace *t, const char *name, char *err,
			       size_t errlen);

struct trace {
	struct pcpu_geometry geo;
	enum trace_geo_policy geo_policy;
	bool has_geometry;
	unsigned int geometry_line;
	struct trace_op *ops;
	size_t nr_ops;
	size_t cap_ops;
	unsigned int nr_allocs;
};

/* Upper bounds that keep a trace's resource use sane. */
#define TRACE_MAX_OPS 1000000
#define TRACE_MAX_FAIL_COUNT 1000000
#define TRACE_MAX_FAIL_AFTER 1000000

void trace_init(struct trace *t);
void trace_free(struct trace *t);
/* Append an op (ids of allocs are assigned here); returns 0 or -1 (ENOMEM). */
int trace_append(struct trace *t, const struct trace_op *op);

/*
 * Parse the text form.  On error returns -1 and writes one line
 * "NAME:LINE: problem" into err.  Free checks (unknown or double-freed id)
 * are part of parsing; the backend's geometry check is not (the geometry
 * is GEO_STRICT: run_geometry_settle() refuses it naming its line).
 */
int trace_parse_text(const char *name, const char *text, size_t len,
		     struct trace *t, char *err, size_t errlen);
int trace_parse_file(const char *path, struct trace *t, char *err,
		     size_t errlen);

/* Print the canonical text form (geometry always printed). */
void trace_print(FILE *f, const struct trace *t);
void trace_print_geometry(FILE *f, const struct pcpu_geometry *g);
/*
 * One operation on one line: a nested one as `at POINT [K]: OP`, the form
 * a block line takes (docs/interleavings.md §4).
 */
void trace_print_op(FILE *f, const struct trace_op *op);
/* The first n operations, nested ones in their blocks, each block closed. */
void trace_print_ops(FILE *f, const struct trace *t, size_t n);
const char *trace_fault_name(enum pcpu_fault f);

/* PCPU_FIXES / --fix= parsing: "all", "none", or comma-separated names. */
int fixes_parse(const char *list, unsigned *out, char *err, size_t errlen);
/* Fixes from the environment (PCPU_FIXES); 0 when unset. -1 on bad value. */
int fixes_from_env(unsigned *out, char *err, size_t errlen);
/*
 * The fixes a tool runs with: its --fix= argument when given (arg not
 * NULL), else PCPU_FIXES.  0, or -1 with a one-line reason in err.
 */
int fixes_resolve(const char *arg, unsigned *out, char *err, size_t errlen);
void fixes_print(FILE *f, unsigned fixes);

#endif /* PCPU_FUZZ_TRACE_H */
