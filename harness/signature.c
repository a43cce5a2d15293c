// SPDX-License-Identifier: GPL-2.0-only
/*
 * The signature of a run that the harness itself judged: the failed
 * check, the kind of operation it failed at, the kind of chunk it names
 * and whether an injected fault had fired by then.  These are the parts
 * that stay the same when a crash is shrunk or hit again by another input;
 * the operation number and the offsets do not.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "run.h"
#include "signature.h"

void signature_set(struct run_signature *s, enum sig_kind kind,
		   const char *fmt, ...)
{
	va_list ap;

	s->kind = kind;
	va_start(ap, fmt);
	vsnprintf(s->text, sizeof(s->text), fmt, ap);
	va_end(ap);
}

static const char *op_kind_name(enum trace_op_kind k)
{
	switch (k) {
	case OP_ALLOC:
		return "alloc";
	case OP_FREE:
		return "free";
	case OP_BALANCE:
		return "balance";
	case OP_FAIL:
		return "fail";
	}
	return "?";
}

static const char *chunk_kind_name(int id)
{
	if (id == INT_MIN)
		return "none";
	if (id == PCPU_CHUNK_RESERVED)
		return "reserved";
	if (id == PCPU_CHUNK_FIRST)
		return "first";
	return id > 0 ? "created" : "none";
}

void signature_from_run(const struct run_ctx *c, struct run_signature *s)
{
	const char *op = "end";

	if (!c->failed) {
		signature_set(s, SIG_PASS, "pass");
		return;
	}
	if (run_failed_op(c))
		op = op_kind_name(run_failed_op(c)->kind);
	signature_set(s, SIG_CHECK, "check=%s op=%s chunk=%s fault=%s nested=%s",
		      c->failed_check, op, chunk_kind_name(c->failed_chunk),
		      c->failed_faults ? "yes" : "no",
		      c->nested_ran ? "yes" : "no");
}

bool signature_failed(const struct run_signature *s)
{
	return s->kind != SIG_PASS && s->kind != SIG_ERROR;
}

void signature_core(const struct run_signature *s, char *buf, size_t len)
{
	const char *chunk;

	snprintf(buf, len, "%s", s->text);
	if (s->kind != SIG_CHECK)
		return;
	chunk = strstr(buf, " chunk=");
	if (chunk && (size_t)(chunk - buf) < len)
		buf[chunk - buf] = '\0';
}
