// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit test runner: runs every suite, then prints "unit: N passed, N
 * failed" and exits non-zero when anything failed.  `unit-tests NAME`
 * runs only the tests whose name contains NAME.
 */
#include <stdlib.h>
#include <string.h>

#include "test.h"

int test_failed_checks, tests_passed, tests_failed;
static const char *test_filter;

void test_run(const char *name, void (*fn)(void))
{
	if (test_filter && !strstr(name, test_filter))
		return;
	test_failed_checks = 0;
	fn();
	if (test_failed_checks) {
		tests_failed++;
		fprintf(stderr, "FAIL %s\n", name);
	} else {
		tests_passed++;
	}
}

int main(int argc, char **argv)
{
	if (argc > 1)
		test_filter = argv[1];
	suite_map();
	suite_alloc();
	suite_setup();
	suite_balance();
	suite_bugs();
	suite_trace();
	suite_oracle();
	suite_checks();
	suite_host_ranges();
	suite_injection();
	suite_input_geometry();
	suite_input_ops();
	suite_backing();
	suite_signature();
	suite_check_index();
	suite_sweep();
	suite_points();
	suite_nofault();
	printf("unit: %d passed, %d failed\n", tests_passed, tests_failed);
	return tests_failed ? 1 : 0;
}
