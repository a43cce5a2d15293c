// SPDX-License-Identifier: GPL-2.0-only
/*
 * Recognising known findings in a triage.  A signature alone cannot tell
 * two bugs that fail the same check at the same kind of operation apart,
 * so a match is confirmed the way a maintainer would: switch the
 * finding's fix on and replay the bucket's smallest reproducer.  If it
 * stops failing that way, the bucket is that finding.
 *
 * The linux backends compile the kernel file unmodified, so their
 * findings have no fix to confirm with.  There the whole signature must
 * match the one the finding's own reproducer has on this very binary
 * (the check, the kind of operation, the kind of chunk and the fault
 * flag), the closest a signature gets to telling two bugs apart.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "expected.h"
#include "input_format.h"
#include "run.h"
#include "triage.h"

/*
 * The reproducer of a finding folder, loaded into t; 0, or -1 with the
 * reason in why.  A folder may hold one per backend family, and
 * reproducer.linux.trace keeps tests/run-all.sh from replaying a kernel
 * finding on the area map, so each build looks for its own first; the
 * first that exists is the one (its parse error, say a geometry this
 * kernel refuses, is worth more than a later file).
 */
static int load_reproducer(const char *dir, const char *name,
			   struct trace *t, char *why, size_t whylen)
{
	static const char *const area_map[] = { "reproducer.trace",
						 "reproducer.bin",
						 "reproducer.linux.trace" };
	static const char *const linux_first[] = { "reproducer.linux.trace",
						   "reproducer.trace",
						   "reproducer.bin" };
	const char *const *files = run_area_map() ? area_map : linux_first;
	char path[4096], err[512];

	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", dir, name, files[i]);
		if (access(path, F_OK))
			continue;
		trace_free(t);
		if (!input_load(path, t, run_geometry_settle, err, sizeof(err)))
			return 0;
		snprintf(why, whylen, "%s", err);
		return -1;
	}
	snprintf(why, whylen, "no reproducer");
	return -1;
}

static bool policy_empty(const struct nonfatal_policy *p)
{
	return !p || (!p->grades && !p->nr_names);
}

/*
 * Whether the reproducer fails check `want` ("check=NAME ") once every
 * finding is fatal again: then PCPU_NONFATAL hides the finding in this
 * triage, as a fix switched on would, and that is no problem with it.
 */
static bool hidden_by_policy(struct sandbox *sb, const struct trace *t,
			     unsigned fixes,
			     const struct nonfatal_policy *nonfatal,
			     const char *want)
{
	struct run_signature s;
	int rc;

	if (policy_empty(nonfatal))
		return false;
	sandbox_set_nonfatal(sb, NULL);
	rc = sandbox_run(sb, t, fixes, 0, &s);
	sandbox_set_nonfatal(sb, nonfatal);
	return !rc && !strncmp(s.text, want, strlen(want));
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct known *)a)->name,
		      ((const struct known *)b)->name);
}

/* One finding; 1 when it was added, 0 when left out. */
static int known_one(const char *dir, const char *name, unsigned fixes,
		     const struct nonfatal_policy *nonfatal,
		     struct sandbox *sb, struct known *k, FILE *note)
{
	char path[4096], err[4400];
	char want[160];
	unsigned fix_bits, other_bits, run_fixes;
	struct expected e;
	struct trace t;
	int r;

	snprintf(path, sizeof(path), "%s/%s/expected", dir, name);
	r = expected_load(path, &e, err, sizeof(err));
	if (r > 0)
		return 0; /* not a finding folder */
	if (r) {
		fprintf(note, "known finding %s: %s (skipped)\n", name, err);
		return 0;
	}
	if (!expected_for_backend(&e))
		return 0; /* another allocator's: it cannot show here */
	fix_bits = e.fix_bits;
	other_bits = e.other_bits;
	if (fix_bits && (fixes & fix_bits) == fix_bits)
		return 0; /* fixed in this triage: it cannot show */
	trace_init(&t);
	if (load_reproducer(dir, name, &t, err, sizeof(err))) {
		fprintf(note, "known finding %s: %s (skipped)\n", name, err);
		trace_free(&t);
		return 0;
	}
	snprintf(k->name, sizeof(k->name), "%s", name);
	k->fix = fix_bits;
	/* a death's signature is the whole text; a check's starts so */
	if (e.dies[0])
		snprintf(want, sizeof(want), "sanitizer=kernel-bug frame=%s", e.dies);
	else
		snprintf(want, sizeof(want), "check=%s ", e.check);
	run_fixes = (fixes | other_bits) & ~fix_bits;
	if (sandbox_run(sb, &t, run_fixes, 0, &k->sig)) {
		trace_free(&t);
		return 0;
	}
	if (strncmp(k->sig.text, want, strlen(want))) {
		/*
		 * A death comes after every check of its run: under a policy
		 * that makes an earlier finding fatal (PCPU_NONFATAL=none,
		 * or a list without benign), the run stops at that check
		 * first, and the death cannot show here.
		 */
		bool hidden = e.dies[0] ? k->sig.kind == SIG_CHECK :
			      hidden_by_policy(sb, &t, run_fixes, nonfatal, want);

		if (!hidden)
			fprintf(note, "known finding %s: its reproducer does not show '%s' here (signature %s; skipped)\n",
				name, e.dies[0] ? want : e.check, k->sig.text);
		trace_free(&t);
		return 0;
	}
	trace_free(&t);
	return 1;
}

int known_load(const char *dir, unsigned fixes,
	       const struct nonfatal_policy *nonfatal, struct sandbox *sb,
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
		set->n += (size_t)known_one(dir, e->d_name, fixes, nonfatal,
					    sb, &set->k[set->n], note);
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

/*
 * The signature text without its chunk= field, for comparing signatures
 * that may differ only in the kind of chunk.
 */
static void without_chunk(const char *text, char *out, size_t len)
{
	const char *c = strstr(text, " chunk=");
	size_t head;

	if (!c) {
		snprintf(out, len, "%s", text);
		return;
	}
	head = (size_t)(c - text);
	c += strlen(" chunk=");
	c += strcspn(c, " ");
	snprintf(out, len, "%.*s%s", (int)head, text, c);
}

/* the value of the chunk= field of a signature text ("first", ...) */
static void chunk_kind(const char *text, char *out, size_t len)
{
	const char *c = strstr(text, " chunk=");

	if (!c) {
		snprintf(out, len, "?");
		return;
	}
	c += strlen(" chunk=");
	snprintf(out, len, "%.*s", (int)strcspn(c, " "), c);
}

/*
 * The harness frees every live allocation at the end of a run before its
 * leak check, so a mechanism a free sets off shows at op=end when the input
 * itself never freed: *alt gets sig with op=end read as op=free.  Only the
 * linux findings can match that way (none of the area map's fails at a
 * free), and they are matched on the signature alone.
 */
static bool end_as_free(const struct run_signature *sig,
			struct run_signature *alt)
{
	const char *p = strstr(sig->text, " op=end");

	if (!p || (p[7] != ' ' && p[7] != '\0'))
		return false;
	*alt = *sig;
	snprintf(alt->text, sizeof(alt->text), "%.*s op=free%s",
		 (int)(p - sig->text), sig->text, p + 7);
	return true;
}

void known_name(const struct known_set *set, const struct run_signature *sig,
		const struct trace *t, unsigned fixes, struct sandbox *sb,
		char *out, size_t len)
{
	char core[SIG_TEXT_MAX], kcore[SIG_TEXT_MAX], after[SIG_TEXT_MAX];
	char a[SIG_TEXT_MAX], b[SIG_TEXT_MAX];
	const struct known *like = NULL, *like_sig = NULL, *other_chunk = NULL;
	struct run_signature alt;
	size_t used = 0;

	signature_core(sig, core, sizeof(core));
	out[0] = '\0';
	for (size_t i = 0; i < set->n; i++) {
		const struct known *k = &set->k[i];
		struct run_signature s;

		signature_core(&k->sig, kcore, sizeof(kcore));
		if (strcmp(core, kcore))
			continue;
		if (!k->fix) {
			/*
			 * Nothing to confirm with: the signature must do, all
			 * of it.  Findings that share one are all named.
			 */
			without_chunk(sig->text, a, sizeof(a));
			without_chunk(k->sig.text, b, sizeof(b));
			if (!strcmp(a, b) && strcmp(sig->text, k->sig.text)) {
				/* one mechanism, landed in another kind of chunk */
				if (!other_chunk)
					other_chunk = k;
			} else if (strcmp(sig->text, k->sig.text)) {
				if (!like_sig)
					like_sig = k;
			} else if (used < len) {
				used += (size_t)snprintf(out + used, len - used,
							 "%s%s",
							 used ? " or " : "known: ",
							 k->name);
			}
			continue;
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
	if (used)
		return;
	if (other_chunk) {
		chunk_kind(sig->text, a, sizeof(a));
		chunk_kind(other_chunk->sig.text, b, sizeof(b));
		snprintf(out, len,
			 "known: %s (the same check, operation and fault flag in a %s chunk; its reproducer's is %s)",
			 other_chunk->name, a, b);
		return;
	}
	if (like)
		snprintf(out, len, "new (like %s, but its fix does not cure it)",
			 like->name);
	else if (like_sig)
		snprintf(out, len,
			 "new (like %s, same check and operation, but its signature is %s)",
			 like_sig->name, like_sig->sig.text);
	else
		snprintf(out, len, "new");
	if (!strcmp(out, "new") && end_as_free(sig, &alt)) {
		char inner[512];

		known_name(set, &alt, t, fixes, sb, inner, sizeof(inner));
		if (!strncmp(inner, "known: ", 7))
			snprintf(out, len, "%s (at the end-of-run frees; its reproducer frees itself)",
				 inner);
	}
}
