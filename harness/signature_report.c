// SPDX-License-Identifier: GPL-2.0-only
/*
 * The signature of a run a sanitizer ended, from its report: the error
 * type (heap-buffer-overflow, SEGV, ub:signed-integer-overflow, ...) and
 * the top stack frame that lies in this project's sources, by function
 * name only, because line numbers move with every edit.  Frames of the
 * sanitizer runtime, its interceptors and system libraries are skipped:
 * a memcpy overflow belongs to the function that called memcpy.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "signature.h"

#define WORD_MAX 64

/* Copy the next word (up to a blank) of *p into w; advance *p. */
static bool next_word(const char **p, char *w, size_t len)
{
	const char *s = *p;
	size_t n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || *s == '\n')
		return false;
	while (*s && !isspace((unsigned char)*s)) {
		if (n + 1 < len)
			w[n++] = *s;
		s++;
	}
	w[n] = '\0';
	*p = s;
	return true;
}

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Sanitizer runtime, interceptors, libc: never the culprit's frame. */
static bool foreign_frame(const char *func, const char *file)
{
	static const char *const runtime[] = {
		"__asan", "__interceptor", "___interceptor", "__sanitizer",
		"__ubsan", "__lsan", "__msan", "__tsan", "__libc", "_start",
	};

	for (size_t i = 0; i < sizeof(runtime) / sizeof(runtime[0]); i++)
		if (has_prefix(func, runtime[i]))
			return true;
	/* "(module+0xoffset)": no source known */
	if (file[0] == '(' || file[0] == '<')
		return true;
	return has_prefix(file, "/usr/") || strstr(file, "compiler-rt") ||
	       strstr(file, "libsanitizer") || strstr(file, "sanitizer_common");
}

/*
 * The first frame of the report's first stack that is ours.  Stack lines
 * read "    #N 0xADDR in FUNCTION FILE:LINE:COL".
 */
static bool top_frame(const char *text, char *func, size_t len)
{
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : l) {
		const char *p = l;
		char w[WORD_MAX], fn[WORD_MAX * 2], file[WORD_MAX * 4];

		if (!next_word(&p, w, sizeof(w)) || w[0] != '#' ||
		    !isdigit((unsigned char)w[1]))
			continue;
		if (!next_word(&p, w, sizeof(w)) || !has_prefix(w, "0x") ||
		    !next_word(&p, w, sizeof(w)) || strcmp(w, "in") ||
		    !next_word(&p, fn, sizeof(fn)))
			continue;
		if (!next_word(&p, file, sizeof(file)))
			file[0] = '(';
		if (foreign_frame(fn, file))
			continue;
		snprintf(func, len, "%s", fn);
		return true;
	}
	return false;
}

/* Words of a UBSan message that name no kind of error. */
static bool ub_stop_word(const char *w)
{
	static const char *const stop[] = { "for", "type", "cannot", "which",
					    "with", "is", NULL };

	for (int i = 0; stop[i]; i++)
		if (!strcmp(w, stop[i]))
			return true;
	return false;
}

/*
 * "runtime error: signed integer overflow: 2147483647 + 1 cannot be ..."
 * gives "signed-integer-overflow"; values, types and addresses are left
 * out so that two instances of one error agree.
 */
static void ub_kind(const char *msg, char *out, size_t len)
{
	const char *p = msg;
	char w[WORD_MAX];
	size_t n = 0;
	int words = 0;

	out[0] = '\0';
	while (words < 6 && next_word(&p, w, sizeof(w))) {
		size_t wl = strlen(w);
		bool last = wl > 1 && w[wl - 1] == ':';

		if (last)
			w[--wl] = '\0';
		if (ub_stop_word(w))
			break;
		if (strpbrk(w, "0123456789'\"(),"))
			continue;
		if (n + wl + 2 < len) {
			n += (size_t)snprintf(out + n, len - n, "%s%s",
					      n ? "-" : "", w);
			words++;
		}
		if (last)
			break;
	}
	/* "load of null pointer of type 'int'": no dangling preposition */
	for (;;) {
		static const char *const tail[] = { "-of", "-to", "-at",
						    "-by", "-from", "-in" };
		bool cut = false;

		for (size_t i = 0; i < sizeof(tail) / sizeof(tail[0]); i++) {
			size_t tl = strlen(tail[i]), ol = strlen(out);

			if (ol > tl && !strcmp(out + ol - tl, tail[i])) {
				out[ol - tl] = '\0';
				cut = true;
			}
		}
		if (!cut)
			break;
	}
	if (!out[0])
		snprintf(out, len, "undefined-behavior");
}

/* "path/file.c:12:3: runtime error: ..." -> "file.c" (no stack printed) */
static void ub_file(const char *text, const char *at, char *out, size_t len)
{
	const char *bol = at, *colon, *base;

	while (bol > text && bol[-1] != '\n')
		bol--;
	colon = memchr(bol, ':', (size_t)(at - bol));
	if (!colon) {
		snprintf(out, len, "?");
		return;
	}
	base = bol;
	for (const char *q = bol; q < colon; q++)
		if (*q == '/')
			base = q + 1;
	snprintf(out, len, "%.*s", (int)(colon - base), base);
}

/*
 * "kernel BUG at mm/x.c:12: __free_pages: pfn 63 is still mapped": the
 * linux backend's shim (kshim_bug) stops there as the kernel would, with
 * abort() and no sanitizer report.  The frame is the function the message
 * names first (the shim's messages start with it), else the file's base
 * name, so that two different BUGs are two buckets, not one SIGABRT.
 */
static bool kernel_bug(const char *text, struct run_signature *s)
{
	const char *at = strstr(text, "kernel BUG at "), *p, *colon, *base;
	char fn[WORD_MAX];
	size_t n;

	if (!at)
		return false;
	p = at + strlen("kernel BUG at ");
	colon = strstr(p, ": ");
	if (!colon || memchr(p, '\n', (size_t)(colon - p)))
		return false;
	n = strcspn(colon + 2, ": \n");
	if (colon[2 + n] == ':' && n > 0 && n < sizeof(fn)) {
		snprintf(fn, sizeof(fn), "%.*s", (int)n, colon + 2);
	} else {
		/* "mm/x.c:12" -> "x.c" */
		const char *end = memchr(p, ':', (size_t)(colon - p));

		base = p;
		for (const char *q = p; q < (end ? end : colon); q++)
			if (*q == '/')
				base = q + 1;
		snprintf(fn, sizeof(fn), "%.*s",
			 (int)((end ? end : colon) - base), base);
	}
	signature_set(s, SIG_SANITIZER, "sanitizer=kernel-bug frame=%s", fn);
	return true;
}

bool signature_from_report(const char *text, struct run_signature *s)
{
	char type[WORD_MAX + 8], frame[WORD_MAX * 2], w[WORD_MAX];
	const char *at, *p;

	if (kernel_bug(text, s))
		return true;
	at = strstr(text, "runtime error: ");
	if (at) {
		ub_kind(at + strlen("runtime error: "), w, sizeof(w));
		snprintf(type, sizeof(type), "ub:%s", w);
		if (!top_frame(at, frame, sizeof(frame)))
			ub_file(text, at, frame, sizeof(frame));
		signature_set(s, SIG_SANITIZER, "sanitizer=%s frame=%s", type,
			      frame);
		return true;
	}
	/* "==1==ERROR: AddressSanitizer: heap-buffer-overflow on address ..." */
	for (at = strstr(text, "ERROR: "); at; at = strstr(at + 1, "ERROR: ")) {
		p = at + strlen("ERROR: ");
		if (next_word(&p, w, sizeof(w)) && strlen(w) > 10 &&
		    !strcmp(w + strlen(w) - 10, "Sanitizer:"))
			break;
	}
	if (!at)
		return false;
	if (has_prefix(w, "LeakSanitizer")) {
		signature_set(s, SIG_SANITIZER, "sanitizer=leak");
		return true;
	}
	if (!next_word(&p, w, sizeof(w)))
		return false;
	/* "attempting double-free", "attempting free on address ..." */
	if (!strcmp(w, "attempting") && !next_word(&p, w, sizeof(w)))
		return false;
	if (w[0] && w[strlen(w) - 1] == ':')
		w[strlen(w) - 1] = '\0';
	snprintf(type, sizeof(type), "%s", w);
	if (!top_frame(at, frame, sizeof(frame)))
		snprintf(frame, sizeof(frame), "?");
	signature_set(s, SIG_SANITIZER, "sanitizer=%s frame=%s", type, frame);
	return true;
}
