// SPDX-License-Identifier: GPL-2.0-only
/*
 * A program that dies the way the sanitizers report real bugs, so that
 * tests/suite-minimize.sh can check the signature parser
 * (harness/signature_report.c, pcpu-triage --report-signature) against
 * the reports of the compiler in use rather than against copied text.
 * Usage: sanitizer-demo heap|ub|segv|null
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* noinline: each must be its own frame in the report */
__attribute__((noinline)) static int demo_overflow(int n)
{
	char *p = malloc((size_t)n);
	int v;

	memset(p, 1, (size_t)n);
	v = p[n]; /* one past the end */
	free(p);
	return v;
}

__attribute__((noinline)) static int demo_ub(int x)
{
	return x + INT_MAX; /* signed overflow for x > 0 */
}

__attribute__((noinline)) static int demo_segv(int *volatile *pp)
{
	return **pp; /* a wild pointer: no UBSan check, ASan's SEGV */
}

int main(int argc, char **argv)
{
	int *volatile wild = (int *)(uintptr_t)64;

	if (argc != 2)
		return 2;
	if (!strcmp(argv[1], "heap"))
		return demo_overflow(argc + 14);
	if (!strcmp(argv[1], "ub"))
		return demo_ub(argc);
	if (!strcmp(argv[1], "null")) {
		wild = NULL; /* UBSan's null-pointer load */
		return demo_segv(&wild);
	}
	if (!strcmp(argv[1], "segv"))
		return demo_segv(&wild);
	return 2;
}
