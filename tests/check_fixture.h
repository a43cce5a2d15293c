/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The checks' test fixture: a trace of nr_allocs allocs of one size and
 * align on the trace format's default geometry, a fresh backend and
 * oracle, and a run context over them, as run_trace would set it up.
 */
#ifndef PCPU_FUZZ_CHECK_FIXTURE_H
#define PCPU_FUZZ_CHECK_FIXTURE_H

#include <stdbool.h>

#include "run.h"

struct fixture {
	struct trace t;
	struct run_options opt;
	struct run_ctx c;
};

void fx_init(struct fixture *f, unsigned int nr_allocs, size_t size,
	     size_t align);
void fx_fini(struct fixture *f);
/* Alloc op id on both sides, as the runner does, before its checks. */
struct live_alloc *fx_alloc(struct fixture *f, unsigned int id);
/*
 * fx_alloc, then the checks after an alloc and after an operation, which
 * pass, and the tags written, as the runner does.
 */
struct live_alloc *fx_alloc_checked(struct fixture *f, unsigned int id);
/*
 * A check returned ret: -1, the run failed with check, on chunk_id
 * (INT_MIN: on any chunk).
 */
bool fx_failed(const struct fixture *f, int ret, const char *check,
	       int chunk_id);
/* Byte i of alloc id's copy on cpu, for a test to corrupt. */
unsigned char *fx_byte(struct fixture *f, unsigned int id, unsigned int cpu,
		       size_t i);
/* The run failed, and under that check name. */
bool failed_with(const struct run_ctx *c, const char *check);

#endif /* PCPU_FUZZ_CHECK_FIXTURE_H */
