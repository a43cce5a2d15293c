// SPDX-License-Identifier: GPL-2.0-only
/*
 * pcpu-minimize: shrink one failing input (a .trace or a raw fuzz input)
 * to a small readable reproducer of the same failure.  It works on
 * operations, not bytes, and keeps a reduction only when the failure
 * signature (signature.h) stays exactly the same, so it cannot wander off
 * to another bug the way a byte-level minimiser does.  Every candidate runs
 * in a forked child with a timeout (sandbox.h).
 *
 * Writes INPUT.min (bytes, for fuzzer corpora) and INPUT.min.trace next to
 * the input and prints the minimised trace.  Built for each backend
 * (build/pcpu-minimize, build/linux-<v>/pcpu-minimize): a crash is
 * minimised on the allocator it came from.
 */
#include <stdlib.h>
#include <string.h>

#include "input_format.h"
#include "options.h"
#include "reduce.h"
#include "run.h"

static void usage(FILE *f)
{
	fputs("usage: pcpu-minimize [options] INPUT\n"
	      "Shrink a failing input (a .trace or a raw fuzz input) to a small\n"
	      "reproducer that fails the same way: the same check at the same\n"
	      "kind of operation, or the same sanitizer error at the same top\n"
	      "frame.  Writes INPUT.min (bytes) and INPUT.min.trace next to\n"
	      "INPUT and prints the minimised trace.\n"
	      "\n"
	      "  --fix=LIST       kernel-bug fixes to switch on (align-pow2,\n"
	      "                   slot-walk, all, none); overrides PCPU_FIXES.\n"
	      "                   Crashes of a faithful campaign need none.\n"
	      "                   The linux backends accept and ignore it.\n"
	      "  --exact          also keep the chunk kind and the fault flag of the\n"
	      "                   signature (pcpu-replay --signature)\n"
	      "  --timeout=SECS   per candidate run (default 10; 60 on the linux\n"
	      "                   backends, which boot the kernel in every run)\n"
	      "  --max-runs=N     stop after N candidate runs (default 20000, 0 = no limit)\n"
	      "  -q, --quiet      do not print the minimised trace\n"
	      "  -v, --verbose    log every candidate and its signature on stderr\n"
	      "  -h, --help       this text\n"
	      "\n"
	      "Exit status: 0 minimised and written; 2 usage or input error,\n"
	      "including an input that does not fail (nothing to minimise).\n"
	      "Environment: PCPU_FIXES=LIST as --fix.  PCPU_NONFATAL=LIST\n"
	      "(grades safety, accounting, hint, benign, or check names; none for\n"
	      "every finding fatal; unset: benign): backend findings that only\n"
	      "count, as in fuzz-pcpu; give the campaign's own list.\n"
	      "PCPU_SWEEP_EVERY=K (default 1): sweep the whole state after every\n"
	      "K-th operation only, as in pcpu-replay.\n",
	      f);
}

/* an alloc's id follows from its place; a free's names what it frees */
static bool same_op(const struct trace_op *a, const struct trace_op *b)
{
	return trace_op_same_but_id(a, b) &&
	       (a->kind != OP_FREE || a->id == b->id);
}

static bool same_trace(const struct trace *a, const struct trace *b)
{
	if (!pcpu_geometry_equal(&a->geo, &b->geo) || a->nr_ops != b->nr_ops)
		return false;
	for (size_t i = 0; i < a->nr_ops; i++)
		if (!same_op(&a->ops[i], &b->ops[i]))
			return false;
	return true;
}

/* The geometry line with only the keys that differ from the defaults. */
static void print_short_geometry(FILE *f, const struct pcpu_geometry *g)
{
	static const struct pcpu_geometry def = PCPU_GEOMETRY_DEFAULT;
	const char *names[] = { "cpus", "page", "unit", "static", "reserved", "dyn" };
	size_t v[] = { g->cpus, g->page_size, g->unit_size, g->static_size,
		       g->reserved_size, g->dyn_size };
	size_t d[] = { def.cpus, def.page_size, def.unit_size, def.static_size,
		       def.reserved_size, def.dyn_size };
	bool any = false;

	for (int i = 0; i < 6; i++) {
		if (v[i] == d[i])
			continue;
		fprintf(f, "%s%s=%zu", any ? " " : "geometry ", names[i], v[i]);
		any = true;
	}
	if (any)
		fputc('\n', f);
}

/*
 * The minimised trace as text: the short geometry line when it parses
 * back to the same trace (it always should), the full one otherwise.
 */
static char *trace_text(const struct trace *t, const char *header)
{
	char *buf = NULL, err[256];
	size_t len = 0;
	struct trace back;
	FILE *f;

	for (int full = 0; full < 2; full++) {
		f = open_memstream(&buf, &len);
		if (!f)
			return NULL;
		fputs(header, f);
		if (full)
			trace_print_geometry(f, &t->geo);
		else
			print_short_geometry(f, &t->geo);
		trace_print_ops(f, t, t->nr_ops);
		fclose(f);
		trace_init(&back);
		if (full || (!trace_parse_text("minimised", buf, len, &back, err,
					       sizeof(err)) &&
			     same_trace(t, &back))) {
			trace_free(&back);
			return buf;
		}
		trace_free(&back);
		free(buf);
		buf = NULL;
	}
	return NULL;
}

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "pcpu-minimize: %s: cannot write\n", path);
		if (f)
			fclose(f);
		return -1;
	}
	return 0;
}

/* -1 when the trace does not fit the byte form */
static long encoded_size(const struct trace *t)
{
	uint8_t *bytes;
	size_t len;
	char err[256];

	if (trace_encode(t, &bytes, &len, err, sizeof(err)))
		return -1;
	free(bytes);
	return (long)len;
}

/* Write INPUT.min and INPUT.min.trace; print the trace unless quiet. */
static int write_outputs(const char *input, const struct trace *orig,
			 const struct trace *min, const struct reducer *r,
			 const struct run_signature *final, bool quiet)
{
	char *path = malloc(strlen(input) + sizeof(".min.trace"));
	char header[1024], err[256], *text;
	uint8_t *bytes;
	size_t len;
	bool have_bytes = true;
	FILE *h;
	int ret = 0;

	if (!path)
		return -1;
	h = fmemopen(header, sizeof(header), "w");
	if (!h) {
		free(path);
		return -1;
	}
	fprintf(h, "# minimised by pcpu-minimize from %s (%zu -> %zu operations, ",
		input, orig->nr_ops, min->nr_ops);
	/* what the result needs to fail the same way */
	sandbox_print_conditions(h, r->fixes);
	fprintf(h, ")\n# signature %s", final->text);
	if (strcmp(final->text, r->target.text))
		fprintf(h, " (input: %s)", r->target.text);
	fputc('\n', h);
	fclose(h);
	text = trace_text(min, header);
	if (!text) {
		free(path);
		return -1;
	}
	sprintf(path, "%s.min.trace", input);
	ret |= write_file(path, text, strlen(text));
	sprintf(path, "%s.min", input);
	/* a trace beyond the byte form's limits still gets its text */
	if (trace_encode(min, &bytes, &len, err, sizeof(err))) {
		fprintf(stderr, "pcpu-minimize: %s: not written: %s\n", path, err);
		have_bytes = false;
	} else {
		ret |= write_file(path, bytes, len);
		free(bytes);
	}
	if (!quiet)
		fputs(text, stdout);
	fprintf(stderr,
		"pcpu-minimize: %s: %zu -> %zu operations, %ld -> %ld encoded bytes, %lu runs%s; wrote %s.trace%s%s\n",
		input, orig->nr_ops, min->nr_ops, encoded_size(orig),
		encoded_size(min), r->runs,
		r->exhausted ? " (run budget exhausted: may not be minimal)" : "",
		path, have_bytes ? " and " : "", have_bytes ? path : "");
	free(text);
	free(path);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "exact", no_argument, NULL, 'e' },
		{ "max-runs", required_argument, NULL, 'm' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct tool tool = { .name = "pcpu-minimize", .usage = usage,
			     .common = TOOL_FIX | TOOL_QUIET | TOOL_NONFATAL,
			     .operand = "input", .min_operands = 1,
			     .max_operands = 1 };
	struct reducer r = { .max_runs = 20000 };
	struct nonfatal_policy nonfatal;
	unsigned sweep_every;
	struct run_signature sig;
	struct trace t, min;
	unsigned long timeout = sandbox_default_timeout();
	bool quiet;
	const char *input;
	char err[512];
	int c, ret = 2;

	while ((c = tool_getopt(&tool, argc, argv, "v", longopts)) != -1) {
		switch (c) {
		case 't':
			if (tool_number(&tool, "timeout", optarg, 1, 3600, &timeout))
				return 2;
			break;
		case 'm':
			if (tool_number(&tool, "max-runs", optarg, 0, 100000000, &r.max_runs))
				return 2;
			break;
		case 'e':
			r.exact = true;
			break;
		case 'v':
			r.log = stderr;
			break;
		}
	}
	if (tool_finish(&tool, argc, argv))
		return 2;
	input = argv[optind];
	r.fixes = tool.fixes;
	nonfatal = tool.nonfatal;
	quiet = tool.quiet;
	if (sweep_every_from_env(&sweep_every, 1, err, sizeof(err))) {
		fprintf(stderr, "pcpu-minimize: %s\n", err);
		return 2;
	}
	trace_init(&t);
	if (input_load(input, &t, run_geometry_settle, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	r.sb = sandbox_create((unsigned int)timeout);
	if (!r.sb) {
		fprintf(stderr, "pcpu-minimize: cannot set up the sandbox\n");
		trace_free(&t);
		return 2;
	}
	sandbox_set_nonfatal(r.sb, &nonfatal);
	sandbox_set_sweep_every(r.sb, sweep_every);
	if (sandbox_run(r.sb, &t, r.fixes, 0, &sig))
		goto out;
	if (!signature_failed(&sig)) {
		fprintf(stderr, "%s: does not fail (signature %s) with ", input,
			sig.text);
		sandbox_print_conditions(stderr, r.fixes);
		fputs(backend_caps() & PCPU_CAP_FIXES ?
			      ": nothing to minimise (a faithful campaign's crashes need --fix=none)\n" :
			      ": nothing to minimise (give the campaign's PCPU_NONFATAL, if any)\n",
		      stderr);
		goto out;
	}
	if (reduce_init(&r, &t, &sig))
		goto out;
	if (!reduce_check(&r, &t)) {
		r.robust = false;
		fprintf(stderr,
			"pcpu-minimize: %s: warning: the failure depends on where the chunks are mapped (a non-power-of-two alignment): the result may not reproduce every time\n",
			input);
	}
	reduce_run(&r);
	if (reduce_build(&r.cur, &min) == 0) {
		/* the header names the signature the result itself has */
		if (sandbox_run(r.sb, &min, r.fixes, 0, &sig) == 0)
			ret = write_outputs(input, &t, &min, &r, &sig, quiet) ?
				      2 : 0;
		trace_free(&min);
	}
	reduce_fini(&r);
out:
	sandbox_destroy(r.sb);
	trace_free(&t);
	return ret;
}
