/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel backend's test programs count and continue: CHECK(cond, fmt,
 * ...) adds to the program's `passed` or `failed` and prints the file,
 * line and failed expression.
 */
#ifndef LINUX_TESTS_CHECK_H
#define LINUX_TESTS_CHECK_H

#include <stdio.h>

#define CHECK(cond, ...)                                                    \
	do {                                                                \
		if (cond) {                                                 \
			passed++;                                           \
		} else {                                                    \
			failed++;                                           \
			printf("%s:%d: FAIL %s: ", __FILE__, __LINE__, #cond); \
			printf(__VA_ARGS__);                                \
			printf("\n");                                       \
		}                                                           \
	} while (0)

#endif /* LINUX_TESTS_CHECK_H */
