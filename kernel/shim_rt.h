/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shim runtime as our own code sees it (no kernel types): the per-
 * geometry settings behind PAGE_SIZE, the possible CPUs and the static
 * per-CPU section, and the hooks through which kernel messages, warnings
 * and chunk creation reach the backend.
 */
#ifndef KSHIM_RT_H
#define KSHIM_RT_H

#include <stdbool.h>
#include <stddef.h>

/* Message levels are the kernel's (0 emerg .. 7 debug); WARN reports 4. */
struct kshim_hooks {
	void *ctx;
	/* printk (file NULL) and WARN (file and line of the WARN) */
	void (*message)(void *ctx, int level, const char *file, int line,
			const char *text);
	/* trace_percpu_create_chunk / trace_percpu_destroy_chunk */
	void (*chunk)(void *ctx, bool created, void *base_addr);
	/* called before BUG/panic aborts, e.g. to name the running case */
	void (*bug)(void *ctx, const char *file, int line, const char *text);
};

/* Set the page size, CPUs 0..cpus-1 and the static section; slab down. */
void kshim_configure(unsigned int cpus, size_t page_size, char *static_start,
		     size_t static_size);
/* The point in boot where slab and the workqueues come up. */
void kshim_boot_done(void);
void kshim_set_hooks(const struct kshim_hooks *hooks);
/* Echo kernel messages to stderr (also: environment KSHIM_LOG=1). */
void kshim_set_verbose(bool on);
/* Spinlocks held right now; 0 between calls into the kernel. */
int kshim_atomic_depth(void);

/*
 * The preemption point (docs/interleavings.md §2.2): with fn set, every
 * release of the spinlock whose held flag is at `lock` calls fn(ctx, func)
 * right after the release, func being the kernel function that released
 * it (as __func__ spells it).  fn may call into the kernel again, as
 * another CPU would; it must return with no spinlock held.  fn NULL: no
 * hook, and an unlock costs one comparison more than before.
 */
void kshim_set_preempt(const void *lock,
		       void (*fn)(void *ctx, const char *func), void *ctx);

#endif /* KSHIM_RT_H */
