/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The poison model's arena: one large address range mapped once per
 * process, from which every instance's chunk ranges are carved, so a
 * campaign in steady state makes no mmap, munmap or mprotect at all (an
 * execution that reaches far makes one mincore, and one madvise when it
 * touched much, host_arena.c).
 * Not kernel code (the kernel's vmalloc space is simply there); only used
 * under PCPU_VM=poison (host_vm.h), since the mprotect model needs a call
 * per range anyway.  Compiled without coverage feedback
 * (mk/nocov.mk): whether a range fits depends on earlier executions.
 */
#ifndef PCPU_FUZZ_HOST_ARENA_H
#define PCPU_FUZZ_HOST_ARENA_H

#include <stdbool.h>
#include <stddef.h>

/*
 * len bytes aligned to align (a power of two), wholly poisoned, or NULL
 * when the model is not poison or the arena is full (the caller maps the
 * range itself then).  Aborts on a host failure (host_mem.h).
 */
void *host_arena_get(size_t len, size_t align);
/* Whether p lies in the arena (then it came from host_arena_get). */
bool host_arena_owns(const void *p);
/* Give back a range host_arena_get returned, wholly poisoned again. */
void host_arena_put(void *p);

#endif
