/* SPDX-License-Identifier: GPL-2.0-only */
/* linux-checks' sequences, shared by its tests and its finder (checks_find.c). */
#ifndef LINUX_CHECKS_FIND_H
#define LINUX_CHECKS_FIND_H

#include <stdbool.h>
#include <stdint.h>

#include "../backend_linux.h"
#include "../checks/checks.h"

enum op_kind { OP_ALLOC, OP_FREE, OP_BALANCE, OP_FAIL };
struct op {
	enum op_kind kind;
	size_t size, align;
	bool atomic, reserved;
	int target; /* OP_FREE: index of the alloc op; OP_FAIL: fault kind */
};

#define MAXOPS 2048

/* the two geometries of the seeded sequences (both kernels accept them) */
extern const struct pcpu_geometry checks_geos[2];
/* --bench-none: replay the operations without any check */
extern bool checks_no_checks;

/* nops seeded operations for geometry g into ops; returns nops */
int gen(const struct pcpu_geometry *g, uint64_t seed, int nops, struct op *ops);
/*
 * Run ops[0..n) (those with keep set, all when NULL) on a new instance,
 * every check after every operation; with want (a class "check/kind" or
 * a check's name), stop at the first operation where it shows and return
 * its index (-1: never); with print, print every finding.
 */
int replay(const struct pcpu_geometry *g, const struct op *ops, int n,
	   const bool *keep, const char *want, bool print,
	   unsigned long *nops_done);
int find(int seeds, int nops);
int bench(int seeds, int nops);
/* a text trace; with want, exit status 0 when it shows, 1 when not */
int trace(const char *path, const char *want);

#endif /* LINUX_CHECKS_FIND_H */
