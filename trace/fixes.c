/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel-bug fix switches: PCPU_FIXES in the environment or --fix= on the
 * command line.  The names are the ones reports print, so a report can be
 * reproduced by pasting its fix list back.
 */
#include <stdlib.h>
#include <string.h>

#include "trace.h"
#include "trace_text.h"

static const struct {
	const char *name;
	unsigned int bit;
} fix_names[] = {
	{ "align-pow2", PCPU_FIX_ALIGN_POW2 },
	{ "slot-walk", PCPU_FIX_SLOT_WALK },
	{ "map-unwind", PCPU_FIX_MAP_UNWIND },
	{ "pop-fail-count", PCPU_FIX_POP_FAIL_COUNT },
};

#define NR_FIX_NAMES (sizeof(fix_names) / sizeof(fix_names[0]))

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static void trim(struct trace_word *w)
{
	while (w->len && is_space(w->s[0])) {
		w->s++;
		w->len--;
	}
	while (w->len && is_space(w->s[w->len - 1]))
		w->len--;
}

/* "none" and "all" are accepted inside a list too, e.g. "all,slot-walk". */
static int fix_bits(const struct trace_word *w, unsigned int *bits)
{
	size_t i;

	if (trace_word_is(w, "all")) {
		*bits = PCPU_FIX_ALL;
		return 0;
	}
	if (trace_word_is(w, "none")) {
		*bits = 0;
		return 0;
	}
	for (i = 0; i < NR_FIX_NAMES; i++) {
		if (trace_word_is(w, fix_names[i].name)) {
			*bits = fix_names[i].bit;
			return 0;
		}
	}
	return -1;
}

int fixes_parse(const char *list, unsigned *out, char *err, size_t errlen)
{
	struct trace_word all = { list ? list : "", list ? strlen(list) : 0 };
	const char *pos, *end, *comma;
	unsigned int fixes = 0, bits;
	char q[TRACE_QUOTE_MAX];
	struct trace_word w;

	trim(&all);
	/* An empty list (e.g. PCPU_FIXES= ) means no fixes, as "none" does. */
	if (!all.len) {
		*out = 0;
		return 0;
	}
	pos = all.s;
	end = all.s + all.len;
	for (;;) {
		comma = memchr(pos, ',', (size_t)(end - pos));
		w.s = pos;
		w.len = (size_t)((comma ? comma : end) - pos);
		trim(&w);
		if (fix_bits(&w, &bits)) {
			trace_quote_word(&w, q, sizeof(q));
			if (err && errlen)
				snprintf(
					err, errlen,
					"unknown fix '%s' (known: align-pow2, slot-walk, map-unwind, pop-fail-count, all)",
					q);
			return -1;
		}
		fixes |= bits;
		if (!comma)
			break;
		pos = comma + 1;
	}
	*out = fixes;
	return 0;
}

int fixes_from_env(unsigned *out, char *err, size_t errlen)
{
	const char *v = getenv("PCPU_FIXES");
	char msg[TRACE_QUOTE_MAX + 64];

	if (!v) {
		*out = 0;
		return 0;
	}
	if (!fixes_parse(v, out, msg, sizeof(msg)))
		return 0;
	/* Name the variable: the user may not know it is set. */
	if (err && errlen)
		snprintf(err, errlen, "PCPU_FIXES: %s", msg);
	return -1;
}

/* Prints the list without a newline, e.g. "align-pow2,slot-walk" or "none". */
void fixes_print(FILE *f, unsigned fixes)
{
	const char *sep = "";
	size_t i;

	for (i = 0; i < NR_FIX_NAMES; i++) {
		if (fixes & fix_names[i].bit) {
			fprintf(f, "%s%s", sep, fix_names[i].name);
			sep = ",";
			fixes &= ~fix_names[i].bit;
		}
	}
	/* Show bits without a name rather than hide them (they won't parse). */
	if (fixes) {
		fprintf(f, "%s0x%x", sep, fixes);
		sep = ",";
	}
	if (!*sep)
		fputs("none", f);
}

int fixes_resolve(const char *arg, unsigned *out, char *err, size_t errlen)
{
	char msg[TRACE_QUOTE_MAX + 64];

	if (!arg)
		return fixes_from_env(out, err, errlen);
	if (!fixes_parse(arg, out, msg, sizeof(msg)))
		return 0;
	snprintf(err, errlen, "--fix: %s", msg);
	return -1;
}
