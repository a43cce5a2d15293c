/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One check for the parsers of the PCPU_* variables that give a number
 * or a bit set (PCPU_SWEEP_EVERY, PCPU_NOFAULT): they share a form, 0
 * with the value stored, or -1 with a message and the value left alone,
 * so their tests share the loop that walks the accepted and refused
 * texts.
 */
#ifndef PCPU_FUZZ_ENV_PARSE_H
#define PCPU_FUZZ_ENV_PARSE_H

#include <stddef.h>

typedef int (*env_parse_fn)(const char *text, unsigned *out, char *err,
			    size_t errlen);

struct env_accepted {
	const char *text;
	unsigned want;
};

/*
 * Each good[] text parses to 0 and stores its want (over a value that
 * differs, so a parser that stores nothing fails); each bad[] text
 * parses to -1, leaves the value alone and says why in a message that
 * starts with prefix.  A failure names the text and counts against the
 * running test.
 */
void expect_env_parse(env_parse_fn parse, const struct env_accepted *good,
		      size_t nr_good, const char *const *bad, size_t nr_bad,
		      const char *prefix);

#endif /* PCPU_FUZZ_ENV_PARSE_H */
