/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A tiny test framework: tests count and continue, and every failed
 * expectation prints file, line and the failed expression.  Each test is a
 * function that names its scenario; the runner ends with the one line
 * "unit: N passed, N failed".
 */
#ifndef PCPU_FUZZ_TEST_H
#define PCPU_FUZZ_TEST_H

#include <stdio.h>
#include <string.h>

extern int test_failed_checks; /* failed expectations in the current test */
extern int tests_passed, tests_failed;

#define EXPECT(cond)                                                        \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "%s:%d: expected %s\n", __FILE__,   \
				__LINE__, #cond);                           \
			test_failed_checks++;                               \
		}                                                           \
	} while (0)

#define EXPECT_EQ(a, b)                                                     \
	do {                                                                \
		long long _a = (long long)(a), _b = (long long)(b);         \
		if (_a != _b) {                                             \
			fprintf(stderr, "%s:%d: expected %s == %s (%lld vs %lld)\n", \
				__FILE__, __LINE__, #a, #b, _a, _b);        \
			test_failed_checks++;                               \
		}                                                           \
	} while (0)

#define EXPECT_STREQ(a, b)                                                  \
	do {                                                                \
		const char *_a = (a), *_b = (b);                            \
		if (strcmp(_a, _b)) {                                       \
			fprintf(stderr, "%s:%d: expected %s == \"%s\", got \"%s\"\n", \
				__FILE__, __LINE__, #a, _b, _a);            \
			test_failed_checks++;                               \
		}                                                           \
	} while (0)

void test_run(const char *name, void (*fn)(void));
#define RUN(fn) test_run(#fn, fn)

/* Each test file exports one suite function, listed in tests/main.c. */
void suite_map(void);
void suite_alloc(void);
void suite_setup(void);
void suite_balance(void);
void suite_bugs(void);
void suite_trace(void);
void suite_oracle(void);
void suite_checks(void);
void suite_host_ranges(void);
void suite_injection(void);
void suite_input_geometry(void);
void suite_input_ops(void);
void suite_backing(void);
void suite_signature(void);
void suite_check_index(void);
void suite_sweep(void);
void suite_points(void);
void suite_nofault(void);

#endif /* PCPU_FUZZ_TEST_H */
