// SPDX-License-Identifier: GPL-2.0-only
/*
 * pcpu-replay --expect DIR: replay a finding folder's reproducers as its
 * `expected` file says (tools/lib/expected.h) and tell whether the outcome
 * matches.  One line on stdout per replay that matched (`ok ...`) or per
 * folder with nothing to replay on this backend (`skip ...`); at the first
 * mismatch one line on stderr and exit 1; a malformed expected file exits
 * 2 naming file:line.  The scripts count the `ok` lines as tests.
 *
 * On the area-map port (reproducer.trace, reproducer.bin): faithful (fixes
 * off but faithful-fixes) the run fails `check`; with `fix` on too it
 * passes.  On a linux backend (reproducer.linux.trace): on a version the
 * file names, the run fails `check` with every finding fatal, and with the
 * default PCPU_NONFATAL (benign) too, unless `grade: benign`, when it
 * passes with the finding counted; `consequence:` is a line --results
 * shows for consequence.linux.trace with hint findings non-fatal.  On a
 * version it does not name, `check` does not fail.  PCPU_FIXES and
 * PCPU_NONFATAL are not read: the expected file decides; PCPU_VM is.
 * A finding that is a death (`dies: FUNCTION`) is replayed in the sandbox with
 * hint findings counted: on a version the file names it must die in a
 * kernel BUG in FUNCTION, on any other it must not die.
 * --expect-value=KEY prints a key of the file instead, as parsed.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "expected.h"
#include "input_format.h"
#include "run.h"
#include "sandbox.h"
#include "signature.h"
#include "trace.h"

struct outcome {
	int st;                   /* run_trace's exit */
	char check[64];           /* the failed check, "" when none */
	unsigned long counted;    /* non-fatal findings of the expected check */
	char *results;            /* --results text when asked for */
	unsigned long blind;       /* backing checks that could not compare */
};

static int replay_one(const char *input, unsigned fixes,
		      const char *nonfatal, bool results, const char *want,
		      struct outcome *out, char *err, size_t errlen)
{
	struct run_options opt = { .checks = true, .fixes = fixes };
	struct run_nonfatal nf = { 0 };
	struct run_signature sig = { 0 };
	struct trace t;
	struct run_stats stats = { 0 };
	size_t rlen = 0;
	FILE *rf = NULL;

	memset(out, 0, sizeof(*out));
	if (grades_parse(nonfatal, &opt.nonfatal_policy, err, errlen))
		return -1;
	opt.nonfatal = &nf;
	opt.signature = &sig;
	opt.stats = &stats;
	opt.name = input;
	if (results) {
		rf = open_memstream(&out->results, &rlen);
		if (!rf) {
			snprintf(err, errlen, "%s: out of memory", input);
			return -1;
		}
		opt.results = rf;
	}
	trace_init(&t);
	if (input_load(input, &t, run_geometry_settle, err, errlen)) {
		trace_free(&t);
		if (rf)
			fclose(rf);
		return -1;
	}
	out->st = run_trace(&t, &opt);
	out->blind = stats.backing_blind;
	trace_free(&t);
	if (rf)
		fclose(rf);
	if (!strncmp(sig.text, "check=", 6))
		snprintf(out->check, sizeof(out->check), "%.*s",
			 (int)strcspn(sig.text + 6, " "), sig.text + 6);
	for (int i = 0; i < nf.nr; i++)
		if (!strcmp(nf.e[i].check, want))
			out->counted = nf.e[i].count;
	return 0;
}

static bool exists(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

static const char *fixes_text(unsigned fixes, char *buf, size_t len)
{
	char *p = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&p, &n);

	if (!f)
		return "?";
	fixes_print(f, fixes);
	fclose(f);
	snprintf(buf, len, "%s", p ? p : "?");
	free(p);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static void describe(const struct outcome *o, char *buf, size_t len)
{
	if (o->st == 1 && o->check[0])
		snprintf(buf, len, "exit 1, check '%s' failed", o->check);
	else
		snprintf(buf, len, "exit %d", o->st);
}

/* Area map: faithful fails the check, fixed passes.  0, 1 or 2. */
static int expect_area_map(const struct expected *e, const char *input)
{
	unsigned faithful = e->other_bits, fixed = e->other_bits | e->fix_bits;
	struct outcome o;
	char err[512], how[128], fx[128];

	if (replay_one(input, faithful, "", false, e->check, &o, err, sizeof(err))) {
		fprintf(stderr, "pcpu-replay: %s\n", err);
		return 2;
	}
	fixes_text(faithful, fx, sizeof(fx));
	/* the backing check asks the host memory, which only poison shows */
	if (o.st == 0 && !strcmp(e->check, CHECK_BACKING) && o.blind) {
		printf("skip %s: the backing check cannot see host memory under this page model (PCPU_VM=poison, in an ASan build, can)\n",
		       input);
		return 0;
	}
	if (o.st != 1 || strcmp(o.check, e->check)) {
		describe(&o, how, sizeof(how));
		fprintf(stderr, "pcpu-replay: %s faithful (fixes %s): %s, expected check '%s' (%s)\n",
			input, fx, how, e->check, e->path);
		return 1;
	}
	printf("ok %s faithful (fixes %s): check '%s' failed\n", input, fx, e->check);
	if (!e->fix_bits)
		return 0;
	if (replay_one(input, fixed, "", false, e->check, &o, err, sizeof(err))) {
		fprintf(stderr, "pcpu-replay: %s\n", err);
		return 2;
	}
	fixes_text(fixed, fx, sizeof(fx));
	if (o.st != 0) {
		describe(&o, how, sizeof(how));
		fprintf(stderr, "pcpu-replay: %s with fixes %s: %s, expected a pass (%s)\n",
			input, fx, how, e->path);
		return 1;
	}
	printf("ok %s with fixes %s: passed\n", input, fx);
	return 0;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, line, n) && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

/*
 * A finding that is a death (dies:): a kernel BUG in e->dies.  The run is
 * made in the sandbox the minimiser and triage use (tools/sandbox.c), with
 * hint findings counted: the BUG ends the process, and it must not end
 * this one.  0, 1 or 2.
 */
static int expect_linux_death(const struct expected *e, const char *input)
{
	const char *name = backend_name();
	struct nonfatal_policy hint;
	struct run_signature sig = { 0 };
	struct sandbox *sb = NULL;
	struct trace t;
	char err[PATH_MAX + 400], want[SIG_TEXT_MAX];
	bool died;
	int r = -1;

	trace_init(&t);
	if (grades_parse("hint", &hint, err, sizeof(err)) ||
	    input_load(input, &t, run_geometry_settle, err, sizeof(err))) {
		fprintf(stderr, "pcpu-replay: %s\n", err);
		trace_free(&t);
		return 2;
	}
	sb = sandbox_create(sandbox_default_timeout());
	if (sb) {
		sandbox_set_nonfatal(sb, &hint);
		r = sandbox_run(sb, &t, e->other_bits, 0, &sig);
		sandbox_destroy(sb);
	}
	trace_free(&t);
	if (r) {
		fprintf(stderr, "pcpu-replay: %s: cannot replay it in a child process\n",
			input);
		return 2;
	}
	if (sig.kind == SIG_ERROR) {
		fprintf(stderr, "pcpu-replay: %s on %s: %s\n", input, name, sig.text);
		return 2;
	}
	died = sig.kind == SIG_SANITIZER || sig.kind == SIG_SIGNAL ||
	       sig.kind == SIG_CRASH;
	if (!expected_for_backend(e)) {
		if (died) {
			fprintf(stderr, "pcpu-replay: %s on %s: died (%s), but %s does not name this backend\n",
				input, name, sig.text, e->path);
			return 1;
		}
		printf("ok %s on %s: does not die (%s), not a finding of this backend\n",
		       input, name, sig.kind == SIG_PASS ? "passed" : sig.text);
		return 0;
	}
	snprintf(want, sizeof(want), "sanitizer=kernel-bug frame=%s", e->dies);
	if (!died || strcmp(sig.text, want)) {
		fprintf(stderr, "pcpu-replay: %s on %s: %s, expected a kernel BUG in %s (%s)\n",
			input, name, died ? sig.text : "did not die", e->dies,
			e->path);
		return 1;
	}
	printf("ok %s on %s: dies in a kernel BUG in %s\n", input, name, e->dies);
	return 0;
}

/* A linux backend: see the top of the file.  0, 1 or 2. */
static int expect_linux(const struct expected *e, const char *dir,
			const char *input)
{
	const char *name = backend_name();
	struct outcome o;
	char err[PATH_MAX + 400], how[128], path[PATH_MAX + 32];
	int ret = 0;

	if (e->dies[0])
		return expect_linux_death(e, input);
	if (replay_one(input, e->other_bits, "", false, e->check, &o, err, sizeof(err))) {
		fprintf(stderr, "pcpu-replay: %s\n", err);
		return 2;
	}
	describe(&o, how, sizeof(how));
	if (!expected_for_backend(e)) {
		if (o.st == 1 && !strcmp(o.check, e->check)) {
			fprintf(stderr, "pcpu-replay: %s on %s: check '%s' failed, but %s does not name this backend\n",
				input, name, e->check, e->path);
			return 1;
		}
		printf("ok %s on %s: no '%s' (%s), not a finding of this backend\n",
		       input, name, e->check, how);
		return 0;
	}
	if (o.st != 1 || strcmp(o.check, e->check)) {
		fprintf(stderr, "pcpu-replay: %s on %s, every finding fatal: %s, expected check '%s' (%s)\n",
			input, name, how, e->check, e->path);
		return 1;
	}
	printf("ok %s on %s, every finding fatal: check '%s' failed\n", input, name, e->check);

	/* the default policy: a benign finding is counted, any other stops */
	if (replay_one(input, e->other_bits, "benign", false, e->check, &o, err, sizeof(err))) {
		fprintf(stderr, "pcpu-replay: %s\n", err);
		return 2;
	}
	describe(&o, how, sizeof(how));
	if (!strcmp(e->grade, "benign")) {
		if (o.st != 0 || !o.counted) {
			fprintf(stderr, "pcpu-replay: %s on %s, benign findings counted: %s, %lu '%s' counted, expected a pass and a count (%s)\n",
				input, name, how, o.counted, e->check, e->path);
			return 1;
		}
		printf("ok %s on %s, benign findings counted: passed, '%s' counted %lu time(s)\n",
		       input, name, e->check, o.counted);
	} else if (o.st != 1 || strcmp(o.check, e->check)) {
		fprintf(stderr, "pcpu-replay: %s on %s, benign findings counted: %s, expected check '%s' (%s)\n",
			input, name, how, e->check, e->path);
		return 1;
	} else {
		printf("ok %s on %s, benign findings counted: check '%s' failed\n",
		       input, name, e->check);
	}

	/* a consequence the checks do not flag: a --results line */
	if (!e->consequence[0])
		return 0;
	snprintf(path, sizeof(path), "%s/consequence.linux.trace", dir);
	if (replay_one(path, e->other_bits, "hint", true, e->check, &o, err, sizeof(err))) {
		fprintf(stderr, "pcpu-replay: %s\n", err);
		return 2;
	}
	describe(&o, how, sizeof(how));
	if (o.st != 0 || !has_line(o.results, e->consequence)) {
		fprintf(stderr, "pcpu-replay: %s on %s, hint findings counted: %s, expected a line '%s' (%s)\n",
			path, name, how, e->consequence, e->path);
		ret = 1;
	} else {
		printf("ok %s on %s: line '%s'\n", path, name, e->consequence);
	}
	free(o.results);
	return ret;
}

int replay_expect(const char *arg)
{
	static const char *const area_map[] = { "reproducer.trace",
						"reproducer.bin" };
	struct expected e;
	char dir[PATH_MAX], path[PATH_MAX + 32], err[PATH_MAX + 400];
	size_t len;
	int r, n = 0;

	/* crashes/NAME/ and crashes/NAME name the same folder */
	snprintf(dir, sizeof(dir), "%s", arg);
	len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		dir[--len] = '\0';
	if (expected_load_dir(dir, &e, err, sizeof(err))) {
		fprintf(stderr, "pcpu-replay: %s\n", err);
		return 2;
	}
	if (run_area_map()) {
		if (!expected_for_backend(&e)) {
			printf("skip %s: not a finding of %s\n", dir, backend_name());
			return 0;
		}
		for (size_t i = 0; i < sizeof(area_map) / sizeof(area_map[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", dir, area_map[i]);
			if (!exists(path))
				continue;
			n++;
			r = expect_area_map(&e, path);
			if (r)
				return r;
		}
	} else {
		snprintf(path, sizeof(path), "%s/reproducer.linux.trace", dir);
		if (exists(path)) {
			n++;
			r = expect_linux(&e, dir, path);
			if (r)
				return r;
		}
	}
	if (!n)
		printf("skip %s: no reproducer for %s\n", dir, backend_name());
	return 0;
}

int replay_expect_value(const char *dir, const char *key)
{
	struct expected e;
	char err[PATH_MAX + 400];
	const char *v;

	if (expected_load_dir(dir, &e, err, sizeof(err))) {
		fprintf(stderr, "pcpu-replay: %s\n", err);
		return 2;
	}
	if (!strcmp(key, "backend")) {
		for (int i = 0; i < e.nr_backends; i++)
			printf("%s\n", e.backends[i]);
		return 0;
	}
	v = expected_value(&e, key);
	if (!v) {
		fprintf(stderr, "pcpu-replay: --expect-value: unknown key '%s'\n", key);
		return 2;
	}
	if (*v)
		printf("%s\n", v);
	return 0;
}
