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

void trace_print_op(FILE *f, const struct trace_op *op)
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
		fputc('\n', f);
		break;
	case OP_FREE:
		fprintf(f, "free %u\n", op->id);
		break;
	case OP_BALANCE:
		fputs("balance\n", f);
		break;
	case OP_FAIL:
		fprintf(f, "fail %s", trace_fault_name(op->fault));
		if (op->count != 1)
			fprintf(f, " %u", op->count);
		/* 0 is the default, and the only value older traces have */
		if (op->after)
			fprintf(f, " after %u", op->after);
		fputc('\n', f);
		break;
	default:
		/* A comment, so a corrupted op cannot print as a valid one. */
		fprintf(f, "# unknown operation kind %d\n", (int)op->kind);
		break;
	}
}

void trace_print(FILE *f, const struct trace *t)
{
	size_t i;

	trace_print_geometry(f, &t->geo);
	for (i = 0; i < t->nr_ops; i++)
		trace_print_op(f, &t->ops[i]);
}
