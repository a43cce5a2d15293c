// SPDX-License-Identifier: GPL-2.0-only
/*
 * Grades of backend findings that do not stop a run (PCPU_NONFATAL), and
 * the per-check counts of such findings.  A campaign on a kernel with
 * known hint bugs sets PCPU_NONFATAL=hint and still stops on safety and
 * accounting findings; PCPU_NONFATAL=scan_hint,right_free goes on past
 * two known findings and still stops on the next new one.
 *
 * The policy is explicit: unset, PCPU_NONFATAL means "benign" (findings
 * that change no decision are counted, not fatal); a list is exactly its
 * grades and checks, where "hint" includes the milder benign grade;
 * "none" (or an empty value) makes every finding fatal.
 */
#include <stdlib.h>
#include <string.h>

#include "run.h"

static const struct {
	const char *name;
	unsigned grade;
} grade_names[] = {
	{ "safety", PCPU_GRADE_SAFETY },
	{ "accounting", PCPU_GRADE_ACCOUNTING },
	{ "hint", PCPU_GRADE_HINT | PCPU_GRADE_BENIGN },
	{ "benign", PCPU_GRADE_BENIGN },
	{ "none", 0 },
};

static bool known_check(const char *name, size_t len)
{
	for (const char *const *n = backend_check_names(); *n; n++)
		if (strlen(*n) == len && !strncmp(*n, name, len))
			return true;
	return false;
}

int grades_parse(const char *list, struct nonfatal_policy *out, char *err,
		 size_t errlen)
{
	struct nonfatal_policy p = { 0 };
	const char *pos = list ? list : "";

	while (*pos) {
		size_t len = strcspn(pos, ",");
		size_t i;

		for (i = 0; i < sizeof(grade_names) / sizeof(grade_names[0]); i++)
			if (strlen(grade_names[i].name) == len &&
			    !strncmp(pos, grade_names[i].name, len))
				break;
		if (i < sizeof(grade_names) / sizeof(grade_names[0])) {
			p.grades |= grade_names[i].grade;
		} else if (known_check(pos, len) &&
			   p.nr_names < NONFATAL_MAX_NAMES) {
			snprintf(p.names[p.nr_names++], sizeof(p.names[0]),
				 "%.*s", (int)len, pos);
		} else {
			if (err && errlen)
				snprintf(err, errlen,
					 "unknown grade or check '%.*s' (grades: safety, accounting, hint, benign, none; checks: those %s reports)",
					 (int)(len > 40 ? 40 : len), pos,
					 backend_name());
			return -1;
		}
		pos += len;
		if (*pos == ',')
			pos++;
	}
	*out = p;
	return 0;
}

int nonfatal_policy_from_env(struct nonfatal_policy *out, char *err,
			     size_t errlen)
{
	const char *v = getenv("PCPU_NONFATAL");
	char msg[200];

	/* unset: the default policy; set, the list replaces it */
	memset(out, 0, sizeof(*out));
	out->grades = PCPU_GRADE_BENIGN;
	if (v && grades_parse(v, out, msg, sizeof(msg))) {
		if (err && errlen)
			snprintf(err, errlen, "PCPU_NONFATAL: %s", msg);
		return -1;
	}
	return nofault_from_env(&out->nofault, err, errlen);
}

bool nonfatal_match(const struct run_options *opt,
		    const struct pcpu_finding *f)
{
	const struct nonfatal_policy *p = &opt->nonfatal_policy;

	if (f->grade & p->grades)
		return true;
	for (int i = 0; i < p->nr_names && f->check; i++)
		if (!strcmp(p->names[i], f->check))
			return true;
	return false;
}

void nonfatal_add(struct run_nonfatal *n, const char *check)
{
	int i;

	if (!n)
		return;
	if (!check)
		check = "backend";
	for (i = 0; i < n->nr; i++)
		if (!strcmp(n->e[i].check, check))
			break;
	if (i == n->nr) {
		if (n->nr == RUN_NONFATAL_NAMES) {
			n->other++;
			return;
		}
		snprintf(n->e[i].check, sizeof(n->e[i].check), "%s", check);
		n->nr++;
	}
	n->e[i].count++;
}

void nonfatal_print(FILE *f, const struct run_nonfatal *n)
{
	if (!n || (!n->nr && !n->other))
		return;
	fputs("nonfatal:", f);
	for (int i = 0; i < n->nr; i++)
		fprintf(f, "%s %s %lu", i ? "," : "", n->e[i].check,
			n->e[i].count);
	if (n->other)
		fprintf(f, "%s other %lu", n->nr ? "," : "", n->other);
	fputc('\n', f);
}
