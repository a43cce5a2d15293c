// SPDX-License-Identifier: GPL-2.0-only
/*
 * Recognising known findings in a triage.  A signature alone cannot tell
 * two bugs that fail the same check at the same kind of operation apart,
 * so a match is confirmed the way a maintainer would: switch the
 * finding's fix on and replay the bucket's smallest reproducer.  If it
 * stops failing that way, the bucket is that finding.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "input_format.h"
#include "triage.h"

/* The value of "key: value" in an expected file, or "" when absent. */
static void expected_value(const char *path, const char *key, char *out,
			   size_t len)
{
	char line[512];
	size_t kl = strlen(key);
	FILE *f = fopen(path, "r");

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *v = line + kl, *e;

		if (strncmp(line, key, kl) || *v != ':')
			continue;
		for (v++; *v == ' ' || *v == '\t'; v++)
			;
		e = v + strcspn(v, "\r\n");
		while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		snprintf(out, len, "%.*s", (int)(e - v), v);
		break;
	}
	fclose(f);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct known *)a)->name,
		      ((const struct known *)b)->name);
}

/* One finding; 1 when it was added, 0 when left out. */
static int known_one(const char *dir, const char *name, unsigned fixes,
		     struct sandbox *sb, struct known *k, FILE *note)
{
	char path[4096], check[128], fix[256], others[256], err[512];
	char want[160];
	unsigned fix_bits = 0, other_bits = 0;
	struct trace t;

	snprintf(path, sizeof(path), "%s/%s/expected", dir, name);
	expected_value(path, "check", check, sizeof(check));
	expected_value(path, "fix", fix, sizeof(fix));
	expected_value(path, "faithful-fixes", others, sizeof(others));
	if (!check[0])
		return 0; /* not a finding folder */
	if ((fix[0] && fixes_parse(fix, &fix_bits, err, sizeof(err))) ||
	    (others[0] && fixes_parse(others, &other_bits, err, sizeof(err)))) {
		fprintf(note, "known finding %s: %s: %s (skipped)\n", name,
			path, err);
		return 0;
	}
	if (fix_bits && (fixes & fix_bits) == fix_bits)
		return 0; /* fixed in this triage: it cannot show */
	trace_init(&t);
	snprintf(path, sizeof(path), "%s/%s/reproducer.trace", dir, name);
	if (input_load(path, &t, err, sizeof(err))) {
		snprintf(path, sizeof(path), "%s/%s/reproducer.bin", dir, name);
		if (input_load(path, &t, err, sizeof(err))) {
			fprintf(note, "known finding %s: no readable reproducer (skipped)\n",
				name);
			return 0;
		}
	}
	snprintf(k->name, sizeof(k->name), "%s", name);
	k->fix = fix_bits;
	snprintf(want, sizeof(want), "check=%s ", check);
	if (sandbox_run(sb, &t, (fixes | other_bits) & ~fix_bits, 0, &k->sig) ||
	    strncmp(k->sig.text, want, strlen(want))) {
		fprintf(note, "known finding %s: its reproducer does not fail check '%s' here (signature %s; skipped)\n",
			name, check, k->sig.text);
		trace_free(&t);
		return 0;
	}
	trace_free(&t);
	return 1;
}

int known_load(const char *dir, unsigned fixes, struct sandbox *sb,
	       struct known_set *set, FILE *note)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;

	set->k = NULL;
	set->n = 0;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (set->n == cap) {
			struct known *nk;

			cap = cap ? 2 * cap : 8;
			nk = realloc(set->k, cap * sizeof(*nk));
			if (!nk) {
				closedir(d);
				return -1;
			}
			set->k = nk;
		}
		set->n += (size_t)known_one(dir, e->d_name, fixes, sb,
					    &set->k[set->n], note);
	}
	closedir(d);
	if (set->n)
		qsort(set->k, set->n, sizeof(*set->k), cmp_name);
	return 0;
}

void known_free(struct known_set *set)
{
	free(set->k);
	set->k = NULL;
	set->n = 0;
}

void known_name(const struct known_set *set, const struct run_signature *sig,
		const struct trace *t, unsigned fixes, struct sandbox *sb,
		char *out, size_t len)
{
	char core[SIG_TEXT_MAX], kcore[SIG_TEXT_MAX], after[SIG_TEXT_MAX];
	const struct known *like = NULL;

	signature_core(sig, core, sizeof(core));
	for (size_t i = 0; i < set->n; i++) {
		const struct known *k = &set->k[i];
		struct run_signature s;

		signature_core(&k->sig, kcore, sizeof(kcore));
		if (strcmp(core, kcore))
			continue;
		if (!k->fix) {
			/* nothing to confirm with: the signature must do */
			snprintf(out, len, "known: %s", k->name);
			return;
		}
		if (sandbox_run(sb, t, fixes | k->fix, 0, &s))
			continue;
		signature_core(&s, after, sizeof(after));
		if (strcmp(after, core)) {
			snprintf(out, len, "known: %s", k->name);
			return;
		}
		if (!like)
			like = k;
	}
	if (like)
		snprintf(out, len, "new (like %s, but its fix does not cure it)",
			 like->name);
	else
		snprintf(out, len, "new");
}
