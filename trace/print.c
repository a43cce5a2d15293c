/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The canonical text form of a trace.  It is what crash reports and
 * `--trace` show, so it must parse back to the same trace: every printer
 * here writes only forms that parse.c accepts, and the geometry is always
 * spelled out in full so a printed trace does not depend on defaults.
 * Each printer writes one complete line, newline included.
 */
#include "trace.h"

const char *trace_fault_name(enum pcpu_fault f)
{
	switch (f) {
	case PCPU_FAULT_PAGE:
		return "page";
	case PCPU_FAULT_CHUNK:
		return "chunk";
	case PCPU_FAULT_MAP:
		return "map";
	case PCPU_FAULT_VMAP:
		return "vmap";
	default:
		return "?";
	}
}

void trace_print_geometry(FILE *f, const struct pcpu_geometry *g)
{
	fprintf(f,
		"geometry cpus=%u page=%zu unit=%zu static=%zu reserved=%zu dyn=%zu\n",
		g->cpus, g->page_size, g->unit_size, g->static_size,
		g->reserved_size, g->dyn_size);
}

/* The words of one operation, without a line end. */
static void print_op_words(FILE *f, const struct trace_op *op)
{
	switch (op->kind) {
	case OP_ALLOC:
		fprintf(f, "alloc %zu", op->size);
		/* 0 is the default; leaving it out keeps hand traces short. */
		if (op->align)
			fprintf(f, " align=%zu", op->align);
		if (op->atomic)
			fputs(" atomic", f);
		if (op->reserved)
			fputs(" reserved", f);
		break;
	case OP_FREE:
		fprintf(f, "free %u", op->id);
		break;
	case OP_BALANCE:
		fputs("balance", f);
		break;
	case OP_FAIL:
		fprintf(f, "fail %s", trace_fault_name(op->fault));
		if (op->count != 1)
			fprintf(f, " %u", op->count);
		/* 0 is the default, and the only value older traces have */
		if (op->after)
			fprintf(f, " after %u", op->after);
		break;
	default:
		/* A comment, so a corrupted op cannot print as a valid one. */
		fprintf(f, "# unknown operation kind %d", (int)op->kind);
		break;
	}
}

/* `at POINT:` or `at POINT K:` (docs/interleavings.md §4), then the op. */
static void print_nested_words(FILE *f, const struct trace_op *op)
{
	fprintf(f, "at %.*s", TRACE_POINT_MAX - 1, op->at);
	if (op->at_nth != 1)
		fprintf(f, " %u", op->at_nth);
	fputs(": ", f);
	print_op_words(f, op);
}

void trace_print_op(FILE *f, const struct trace_op *op)
{
	if (op->nested)
		print_nested_words(f, op);
	else
		print_op_words(f, op);
	fputc('\n', f);
}

void trace_print_ops(FILE *f, const struct trace *t, size_t n)
{
	size_t i;

	if (n > t->nr_ops)
		n = t->nr_ops;
	for (i = 0; i < n; i++) {
		const struct trace_op *op = &t->ops[i];

		if (op->nested) {
			/* a block's lines; a stray nested op prints as a
			 * comment, never as a top-level one */
			fputs(i > 0 ? "\t" : "# orphan: ", f);
			print_nested_words(f, op);
			fputc('\n', f);
			if (i > 0 && (i + 1 == n || !t->ops[i + 1].nested))
				fputs("}\n", f);
			continue;
		}
		print_op_words(f, op);
		fputs(i + 1 < n && t->ops[i + 1].nested ? " {\n" : "\n", f);
	}
}

void trace_print(FILE *f, const struct trace *t)
{
	trace_print_geometry(f, &t->geo);
	trace_print_ops(f, t, t->nr_ops);
}
