// SPDX-License-Identifier: GPL-2.0-only
/*
 * pcpu-triage: replay every crash file of a campaign (libFuzzer artifact
 * folders, AFL++ crashes/ folders), each in a forked child, and sort
 * them into one bucket per failure signature (signature.h), not per
 * stack hash: every check failure has the same stack (abort in the fuzz
 * target), but not the same check, operation kind, chunk kind and fault
 * flag.  Prints one line per bucket with its count and its smallest
 * reproducer, names buckets that are known findings (crashes/NAME/), and
 * writes the same lines to a report file.  Built for each backend
 * (build/pcpu-triage, build/linux-<v>/pcpu-triage): crashes replay on the
 * allocator they came from, and only its own known findings are named.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "input_format.h"
#include "options.h"
#include "run.h"
#include "triage.h"

/* the common options pcpu-triage takes (tools/lib/options.h) */
#define TRIAGE_COMMON \
	(TOOL_FIX | TOOL_QUIET | TOOL_NONFATAL | TOOL_SWEEP | TOOL_TIMEOUT)

static void usage(FILE *f)
{
	fputs("usage: pcpu-triage [options] DIR|FILE...\n"
	      "Replay every crash file and bucket them by failure signature\n"
	      "(pcpu-replay --signature, or the sanitizer error and top frame).\n"
	      "A DIR holding crashes/ (an AFL++ instance) or */crashes/ (an AFL++\n"
	      "output folder) is read through those; any other DIR is read as is\n"
	      "(a libFuzzer artifact folder).  Dot files, README*, triage.txt and\n"
	      "*.min / *.min.trace (pcpu-minimize's outputs) are skipped.\n"
	      "\n"
	      "  --fix=LIST       kernel-bug fixes to switch on; overrides PCPU_FIXES.\n"
	      "                   Crashes of a faithful campaign need none.\n"
	      "                   The linux backends accept and ignore it.\n"
	      "  --report=FILE    where to write the report (default: triage.txt in\n"
	      "                   the first DIR)\n"
	      "  --known=DIR      known findings (default: crashes); only those whose\n"
	      "                   expected file names this build's backend (none\n"
	      "                   named: the area-map port's) are loaded\n"
	      "  --timeout=SECS   per input (default 10; 60 on the linux backends,\n"
	      "                   which boot the kernel in every run)\n"
	      "  --report-signature=FILE\n"
	      "                   print the signature of a saved sanitizer report\n"
	      "                   (e.g. a fuzzer log) and exit\n"
	      "  -q, --quiet      write the report file only\n"
	      "  -h, --help       this text\n"
	      "\n"
	      "Output: a summary line, then per bucket, most inputs first:\n"
	      "  COUNT x SIGNATURE | known: NAME or new | smallest: PATH (N ops, B bytes)\n"
	      "The smallest reproducer has the fewest operations, then bytes.\n"
	      "A known finding is named when its signature's check and kind of\n"
	      "operation match and switching its fix on cures the smallest input;\n"
	      "a finding without a fix (the unmodified kernel's) when its own\n"
	      "reproducer has the bucket's whole signature on this binary.\n"
	      "Exit status: 0 report written; 2 usage or input error.\n",
	      f);
	tool_usage_env(f, TRIAGE_COMMON);
}

struct bucket {
	struct run_signature sig;
	size_t count;
	const struct input *smallest;
	char name[512]; /* a name, or a near miss with its signature */
};

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : (long)st.st_size;
}

/* Replay each input; unreadable ones keep their load error. */
static int replay_all(struct triage *tr, struct sandbox *sb, unsigned fixes)
{
	char err[512];

	for (size_t i = 0; i < tr->n; i++) {
		struct input *in = &tr->in[i];
		struct trace t;

		in->bytes = file_size(in->path);
		trace_init(&t);
		if (input_load(in->path, &t, run_geometry_settle, err,
			       sizeof(err))) {
			in->err = strdup(err);
			if (!in->err)
				return -1;
			continue;
		}
		in->ops = t.nr_ops;
		if (sandbox_run(sb, &t, fixes, 0, &in->sig)) {
			trace_free(&t);
			return -1;
		}
		trace_free(&t);
	}
	return 0;
}

static bool smaller(const struct input *a, const struct input *b)
{
	if (a->ops != b->ops)
		return a->ops < b->ops;
	if (a->bytes != b->bytes)
		return a->bytes < b->bytes;
	return strcmp(a->path, b->path) < 0;
}

static int cmp_bucket(const void *a, const void *b)
{
	const struct bucket *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->sig.text, y->sig.text);
}

/* Bucket the failing inputs; returns the number of buckets or -1. */
static long bucket_all(const struct triage *tr, struct bucket **out)
{
	struct bucket *b = calloc(tr->n ? tr->n : 1, sizeof(*b));
	size_t nb = 0;

	if (!b)
		return -1;
	for (size_t i = 0; i < tr->n; i++) {
		const struct input *in = &tr->in[i];
		size_t k;

		if (in->err || !signature_failed(&in->sig))
			continue;
		for (k = 0; k < nb; k++)
			if (!strcmp(b[k].sig.text, in->sig.text))
				break;
		if (k == nb) {
			b[nb].sig = in->sig;
			b[nb++].smallest = in;
		}
		b[k].count++;
		if (smaller(in, b[k].smallest))
			b[k].smallest = in;
	}
	qsort(b, nb, sizeof(*b), cmp_bucket);
	*out = b;
	return (long)nb;
}

static void name_buckets(struct bucket *b, size_t nb,
			 const struct known_set *known, unsigned fixes,
			 struct sandbox *sb)
{
	char err[512];

	for (size_t i = 0; i < nb; i++) {
		struct trace t;

		trace_init(&t);
		if (input_load(b[i].smallest->path, &t, run_geometry_settle,
			       err, sizeof(err))) {
			snprintf(b[i].name, sizeof(b[i].name), "new");
			continue;
		}
		known_name(known, &b[i].sig, &t, fixes, sb, b[i].name,
			   sizeof(b[i].name));
		trace_free(&t);
	}
}

static void print_report(FILE *f, const struct triage *tr,
			 const struct bucket *b, size_t nb, unsigned fixes,
			 const char *notes)
{
	const char *nonfatal = getenv("PCPU_NONFATAL");
	size_t passed = 0, unreadable = 0;

	if (nonfatal && !*nonfatal)
		nonfatal = NULL;

	for (size_t i = 0; i < tr->n; i++) {
		if (tr->in[i].err)
			unreadable++;
		else if (!signature_failed(&tr->in[i].sig))
			passed++;
	}
	fprintf(f, "triage: %zu inputs, %zu buckets, %zu passed, %zu unreadable (",
		tr->n, nb, passed, unreadable);
	sandbox_print_conditions(f, fixes);
	fputs(")\n", f);
	for (size_t i = 0; i < nb; i++)
		fprintf(f, "%zu x %s | %s | smallest: %s (%zu ops, %ld bytes)\n",
			b[i].count, b[i].sig.text, b[i].name,
			b[i].smallest->path, b[i].smallest->ops,
			b[i].smallest->bytes);
	for (size_t i = 0; i < tr->n; i++)
		if (tr->in[i].err)
			fprintf(f, "unreadable: %s\n", tr->in[i].err);
	if (passed && fixes && (backend_caps() & PCPU_CAP_FIXES))
		fprintf(f, "note: %zu inputs pass with these fixes; a faithful campaign's crashes need --fix=none (FIXES=none)\n",
			passed);
	else if (passed && nonfatal)
		fprintf(f, "note: %zu inputs pass with PCPU_NONFATAL=%s; a campaign's crashes fail with the list it ran with\n",
			passed, nonfatal);
	fputs(notes, f);
}

/* --report-signature: the signature of a saved sanitizer log. */
static int signature_of_log(const char *path)
{
	FILE *f = fopen(path, "r");
	struct run_signature s;
	char *text;
	size_t n;

	if (!f) {
		fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
		return 2;
	}
	text = malloc(1 << 20);
	if (!text) {
		fclose(f);
		return 2;
	}
	n = fread(text, 1, (1 << 20) - 1, f);
	text[n] = '\0';
	fclose(f);
	if (!signature_from_report(text, &s)) {
		fprintf(stderr, "%s: no sanitizer report found\n", path);
		free(text);
		return 2;
	}
	printf("signature %s\n", s.text);
	free(text);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "report", required_argument, NULL, 'r' },
		{ "known", required_argument, NULL, 'k' },
		{ "report-signature", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct tool tool = { .name = "pcpu-triage", .usage = usage,
			     .common = TRIAGE_COMMON,
			     .operand = "folder", .min_operands = 1,
			     .max_operands = -1 };
	struct triage tr = { 0 };
	struct known_set known = { 0 };
	struct bucket *b = NULL;
	struct sandbox *sb = NULL;
	const char *known_dir = "crashes";
	char *report = NULL, *notes = NULL;
	size_t notes_len = 0;
	unsigned fixes;
	bool quiet;
	FILE *f, *nf;
	long nb = -1;
	int c, ret = 2;

	while ((c = tool_getopt(&tool, argc, argv, NULL, longopts)) != -1) {
		switch (c) {
		case 'r':
			tr.report_path = optarg;
			break;
		case 'k':
			known_dir = optarg;
			break;
		case 'S':
			return signature_of_log(optarg);
		}
	}
	if (tool_finish(&tool, argc, argv))
		return 2;
	fixes = tool.fixes;
	quiet = tool.quiet;
	if (!tr.report_path) {
		const char *first = argv[optind];

		report = malloc(strlen(first) + sizeof("/triage.txt"));
		if (!report)
			return 2;
		if (triage_is_dir(first)) {
			sprintf(report, "%s/triage.txt", first);
		} else {
			const char *slash = strrchr(first, '/');

			if (slash)
				sprintf(report, "%.*s/triage.txt",
					(int)(slash - first), first);
			else
				sprintf(report, "triage.txt");
		}
		tr.report_path = report;
	}
	for (int i = optind; i < argc; i++)
		if (triage_add(&tr, argv[i]))
			goto out;

	sb = sandbox_create(tool.timeout ? (unsigned int)tool.timeout :
					  sandbox_default_timeout());
	nf = open_memstream(&notes, &notes_len);
	if (!sb || !nf) {
		fprintf(stderr, "pcpu-triage: cannot set up the sandbox\n");
		if (nf)
			fclose(nf);
		goto out;
	}
	sandbox_set_nonfatal(sb, &tool.nonfatal);
	sandbox_set_sweep_every(sb, tool.sweep_every);
	if (known_load(known_dir, fixes, &tool.nonfatal, sb, &known, nf) ||
	    replay_all(&tr, sb, fixes) || (nb = bucket_all(&tr, &b)) < 0) {
		fclose(nf);
		goto out;
	}
	name_buckets(b, (size_t)nb, &known, fixes, sb);
	fclose(nf);

	f = fopen(tr.report_path, "w");
	if (!f) {
		fprintf(stderr, "%s: cannot write: %s\n", tr.report_path,
			strerror(errno));
		goto out;
	}
	print_report(f, &tr, b, (size_t)nb, fixes, notes);
	if (fclose(f)) {
		fprintf(stderr, "%s: cannot write\n", tr.report_path);
		goto out;
	}
	if (!quiet)
		print_report(stdout, &tr, b, (size_t)nb, fixes, notes);
	ret = 0;
out:
	for (size_t i = 0; i < tr.n; i++) {
		free(tr.in[i].path);
		free(tr.in[i].err);
	}
	free(tr.in);
	free(b);
	free(notes);
	free(report);
	known_free(&known);
	sandbox_destroy(sb);
	return ret;
}
