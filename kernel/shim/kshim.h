/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kshim.h: the one header of shared definitions that lets the unmodified
 * mm/percpu.c (with percpu-vm.c or percpu-km.c, percpu-internal.h and
 * include/linux/percpu.h) compile in userspace.  Every kernel include path
 * those files name resolves to a generated one-line header (headers.list)
 * that includes this file; only include/linux/percpu.h is the kernel's own.
 *
 * Three classes, one header each, as tools/testing/vma sorts its stand-ins:
 *   1. copied declarations: the kernel's semantics, rewritten here, where the
 *      allocator's behaviour depends on them (bit searches and their "return
 *      size when not found" convention, ALIGN and friends with their exact
 *      types, lists, GFP bits, per-CPU pointer arithmetic);
 *   2. no-op stubs: hooks that change nothing the allocator decides
 *      (tracepoints, kmemleak, memcg, cache and TLB flushes, exports);
 *   3. changed for testing: real behaviour backed by our runtime
 *      (shim_rt.c, mem_*.c): page size and CPUs chosen per geometry, fake
 *      physical pages, memblock, vmalloc areas, metadata heap, locks whose
 *      misuse aborts, a work queue that only marks work pending, printk and
 *      WARN counted, BUG and panic fatal.
 */
#ifndef KSHIM_H
#define KSHIM_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* the three classes, in dependency order */
#include "kshim_copied.h"
#include "kshim_stubs.h"
#include "kshim_testing.h"

#endif /* KSHIM_H */
