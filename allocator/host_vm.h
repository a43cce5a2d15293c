/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The page model: how a chunk page's state, populated or not, is made
 * real on the host, so that touching an unpopulated page (or a first-chunk
 * unit's tail) stops the run as it would oops the kernel.  Chosen once
 * per process by PCPU_VM:
 *
 * - poison (the default in ASan builds): chunk ranges are mapped readable
 *   and writable once and reused; an inaccessible page is ASan-poisoned,
 *   so touching it is an ASan report naming the frame that touched it.
 *   Populating and depopulating make no system call.
 * - mprotect (the default otherwise, and the only choice without ASan):
 *   an inaccessible page is PROT_NONE; touching it is a SIGSEGV (ASan's
 *   SEGV report in a sanitizer build).  One mprotect per CPU per call.
 *
 * An unknown PCPU_VM, or poison without ASan, is a usage error: one line
 * on stderr and exit status 2, as for a bad PCPU_FIXES.
 */
#ifndef PCPU_FUZZ_HOST_VM_H
#define PCPU_FUZZ_HOST_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum host_vm_model {
	HOST_VM_MPROTECT,
	HOST_VM_POISON,
};

/* The model in force; parses PCPU_VM on the first call. */
enum host_vm_model host_vm_model(void);
const char *host_vm_model_name(void);

/* The protection a fresh chunk range is mapped with in this model. */
int host_vm_map_prot(void);
/* A freshly mapped chunk range: make all of it inaccessible (poison: the
 * mapping is writable; mprotect: it was mapped PROT_NONE already). */
void host_vm_fresh(void *p, size_t len);
/* Make [p, p + len) accessible (populate) or inaccessible (depopulate). */
void host_vm_open(void *p, size_t len);
void host_vm_close(void *p, size_t len);
/* Unmap a range, leaving no poison behind for whoever maps there next. */
void host_vm_unmap(void *p, size_t len);
/*
 * Whether the byte at p is accessible: 1 or 0, or -1 when the model has
 * no cheap answer (mprotect: the kernel's page tables are not ours to
 * read without a system call).
 */
int host_vm_accessible(const void *p);
/*
 * The same for pages [from, to) of stride bytes from base, into bits
 * (bit i: the first byte of page i).  0, or -1 when the model cannot
 * tell.  The backing check asks this after every populate, so under
 * poison it reads ASan's shadow directly: one load per page.
 */
int host_vm_pages_accessible(const void *base, size_t stride, int from,
			     int to, unsigned long *bits);

/*
 * A record of every range the calls above made accessible or
 * inaccessible, so that the backing check compares only pages whose
 * state can have moved since it last compared them (check_backing.c).
 * Process-wide and bounded: host_vm_changes calls fn for the ranges
 * logged from *seq on, oldest first, and moves *seq past them; it
 * returns -1 when some of them were overwritten already, or *seq is
 * HOST_VM_SEQ_NONE (not yet known): anything may have changed then.
 */
#define HOST_VM_SEQ_NONE (~0UL)
typedef void host_vm_change_fn(void *arg, uintptr_t addr, size_t len);
int host_vm_changes(unsigned long *seq, host_vm_change_fn *fn, void *arg);

#endif
