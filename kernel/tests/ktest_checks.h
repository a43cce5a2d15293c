/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checks for the kernel tests that call the backend directly rather than
 * through a trace (preempt.c): what the harness's tag, overlap and hint
 * checks verify after an operation, on allocations the test keeps itself.
 * Each returns false after printing, on stdout, the first thing it found
 * wrong.
 */
#ifndef LINUX_KTEST_CHECKS_H
#define LINUX_KTEST_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pcpu.h"

/* an allocation the test made: live until the test frees it */
struct ktest_alloc {
	uintptr_t ptr;
	size_t size;
	bool live;
};

/*
 * On every CPU, a's bytes all read zero (zero) or the pattern of tag
 * number id, as ktest_write_tags(.., id) left them.
 */
bool ktest_check_content(struct backend *b, unsigned cpus,
			 const struct ktest_alloc *a, int id, bool zero);
/* Fill a's bytes on every CPU with the pattern of tag number id. */
void ktest_write_tags(struct backend *b, unsigned cpus,
		      const struct ktest_alloc *a, int id);
/* No two live allocations of allocs[0, n) share a byte on any CPU. */
bool ktest_check_overlap(struct backend *b, unsigned cpus,
			 const struct ktest_alloc *allocs, int n);
/*
 * The hint properties every kernel keeps, on every chunk and block: the
 * contig and scan hints lie on free bits only, and no contig hint is
 * longer than the largest free run.  (Exact hints are not among them:
 * the kernels are known to let those lag, and backend_check grades that.)
 */
bool ktest_check_hints_safe(struct backend *b);

#endif /* LINUX_KTEST_CHECKS_H */
