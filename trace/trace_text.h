/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lexical helpers of the text trace language, shared by parse.c and
 * fixes.c: text validation, word splitting, numbers and quoting words
 * safely into one-line error messages.  Internal to trace/.
 */
#ifndef PCPU_FUZZ_TRACE_TRACE_TEXT_H
#define PCPU_FUZZ_TRACE_TRACE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* A word is a slice of the input; the input is never NUL-terminated. */
struct trace_word {
	const char *s;
	size_t len;
};

/* Offset of the first byte that is a NUL or not valid UTF-8, else len. */
size_t trace_text_invalid_at(const char *buf, size_t len);

/*
 * Next space/tab separated word in [*pos, end); advances *pos past it.
 * Returns false when only blanks remain.
 */
bool trace_next_word(const char **pos, const char *end, struct trace_word *w);

bool trace_word_is(const struct trace_word *w, const char *lit);

enum trace_num {
	TRACE_NUM_OK,
	TRACE_NUM_BAD, /* not decimal nor 0x hex */
	TRACE_NUM_RANGE, /* well formed but does not fit a size_t */
};

enum trace_num trace_parse_number(const struct trace_word *w, size_t *out);

/* Size a quoted word needs at most in trace_quote_word()'s output. */
#define TRACE_QUOTE_MAX 200

/*
 * Copy w into buf (at most size bytes, NUL-terminated) for an error message:
 * control bytes become \xNN so the message stays one line, and a long word is
 * cut (at a character boundary) and marked with "...".
 */
void trace_quote_word(const struct trace_word *w, char *buf, size_t size);

#endif /* PCPU_FUZZ_TRACE_TRACE_TEXT_H */
