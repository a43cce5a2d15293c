/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test programs that count and continue (the kernel backend's linux-smoke
 * and linux-checks, the mutator's driver): CHECK(cond, fmt, ...) adds to
 * the program's own `passed` or `failed` and, on failure, prints the file,
 * line, failed expression and message on stderr.  Each program ends with
 * one "NAME: N passed, N failed" line of its own.  (The core's unit tests
 * group their expectations per scenario instead: tests/test.h.)
 */
#ifndef PCPU_FUZZ_TESTS_CHECK_H
#define PCPU_FUZZ_TESTS_CHECK_H

#include <stdio.h>

#define CHECK(cond, ...)                                                    \
	do {                                                                \
		if (cond) {                                                 \
			passed++;                                           \
		} else {                                                    \
			failed++;                                           \
			fprintf(stderr, "%s:%d: FAIL %s: ", __FILE__,       \
				__LINE__, #cond);                           \
			fprintf(stderr, __VA_ARGS__);                       \
			fputc('\n', stderr);                                \
		}                                                           \
	} while (0)

#endif /* PCPU_FUZZ_TESTS_CHECK_H */
