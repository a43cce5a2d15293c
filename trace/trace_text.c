/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Lexical helpers of the text trace language (see trace_text.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "trace_text.h"

/* Length of the UTF-8 sequence at s[0..avail), or 0 when it is invalid. */
static size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x80)
		return c ? 1 : 0;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		/* Reject overlong forms and UTF-16 surrogates. */
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		/* Reject overlong forms and code points above U+10FFFF. */
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

size_t trace_text_invalid_at(const char *buf, size_t len)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0, n;

	while (i < len) {
		n = utf8_seq_len(s + i, len - i);
		if (!n)
			return i;
		i += n;
	}
	return len;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

bool trace_next_word(const char **pos, const char *end, struct trace_word *w)
{
	const char *p = *pos;

	while (p < end && is_blank(*p))
		p++;
	if (p == end) {
		*pos = p;
		return false;
	}
	w->s = p;
	while (p < end && !is_blank(*p))
		p++;
	w->len = (size_t)(p - w->s);
	*pos = p;
	return true;
}

bool trace_word_is(const struct trace_word *w, const char *lit)
{
	size_t n = strlen(lit);

	return w->len == n && !memcmp(w->s, lit, n);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

enum trace_num trace_parse_number(const struct trace_word *w, size_t *out)
{
	bool hex = w->len > 2 && w->s[0] == '0' && w->s[1] == 'x';
	size_t i = hex ? 2 : 0, v = 0;
	bool range = false;
	int d;

	if (!w->len || (w->len == 2 && w->s[0] == '0' && w->s[1] == 'x'))
		return TRACE_NUM_BAD;
	/*
	 * Check the whole word's syntax before its range, so "1e999999..."
	 * is reported as malformed rather than as too large.
	 */
	for (; i < w->len; i++) {
		d = hex ? hex_digit(w->s[i]) :
			  (w->s[i] >= '0' && w->s[i] <= '9' ? w->s[i] - '0' :
							      -1);
		if (d < 0)
			return TRACE_NUM_BAD;
		if (range)
			continue;
		if (hex ? v > SIZE_MAX >> 4 : v > (SIZE_MAX - (size_t)d) / 10) {
			range = true;
			continue;
		}
		v = (hex ? v << 4 : v * 10) + (size_t)d;
	}
	if (range)
		return TRACE_NUM_RANGE;
	*out = v;
	return TRACE_NUM_OK;
}

/* Input bytes of a word echoed before it is cut with "...". */
#define QUOTE_WORD_BYTES 40

void trace_quote_word(const struct trace_word *w, char *buf, size_t size)
{
	size_t limit = w->len, i, o = 0;
	unsigned char c;

	if (!size)
		return;
	if (limit > QUOTE_WORD_BYTES) {
		limit = QUOTE_WORD_BYTES;
		/* Never split a UTF-8 sequence: back up over continuations. */
		while (limit && ((unsigned char)w->s[limit] & 0xc0) == 0x80)
			limit--;
	}
	for (i = 0; i < limit; i++) {
		c = (unsigned char)w->s[i];
		if (c < 0x20 || c == 0x7f) {
			if (o + 5 > size)
				break;
			snprintf(buf + o, 5, "\\x%02x", c);
			o += 4;
		} else {
			if (o + 2 > size)
				break;
			buf[o++] = (char)c;
		}
	}
	if (limit < w->len && o + 4 <= size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}
