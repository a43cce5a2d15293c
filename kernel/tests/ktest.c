// SPDX-License-Identifier: GPL-2.0-only
/* Traces through the shared harness for the kernel's tests: see ktest.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktest.h"

static int run(const struct trace *t, unsigned nonfatal, struct ktest_run *r)
{
	struct run_options opt = {
		.checks = true,
		.report = stderr,
		.name = "ktest",
		.stats = &r->stats,
		.nonfatal = &r->counted,
		.nonfatal_policy = { .grades = nonfatal },
	};
	FILE *f = open_memstream(&r->out, &r->len);

	if (!f) {
		fprintf(stderr, "ktest: out of memory\n");
		return r->status = 2;
	}
	opt.results = f;
	opt.state = f;
	r->geo = t->geo;
	r->status = run_trace(t, &opt);
	fclose(f);
	return r->status;
}

static int parsed(int ret, const char *err, struct trace *t, unsigned nonfatal,
		  struct ktest_run *r)
{
	if (ret) {
		fprintf(stderr, "ktest: %s\n", err);
		r->status = 2;
	} else {
		run(t, nonfatal, r);
	}
	trace_free(t);
	return r->status;
}

int ktest_run_text(const char *text, unsigned nonfatal, struct ktest_run *r)
{
	struct trace t;
	char err[256];

	memset(r, 0, sizeof(*r));
	trace_init(&t);
	return parsed(trace_parse_text("ktest", text, strlen(text), &t, err,
				       sizeof(err)),
		      err, &t, nonfatal, r);
}

int ktest_run_file(const char *path, unsigned nonfatal, struct ktest_run *r)
{
	struct trace t;
	char err[256];

	memset(r, 0, sizeof(*r));
	trace_init(&t);
	return parsed(trace_parse_file(path, &t, err, sizeof(err)), err, &t,
		      nonfatal, r);
}

unsigned long ktest_counted(const struct ktest_run *r, const char *check)
{
	for (int i = 0; i < r->counted.nr; i++)
		if (!strcmp(r->counted.e[i].check, check))
			return r->counted.e[i].count;
	return 0;
}

void ktest_run_free(struct ktest_run *r)
{
	free(r->out);
	r->out = NULL;
}
