/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host calls behind the port's memory: calloc, mmap, mprotect,
 * madvise, mincore and munmap.  None of them can fail in the kernel's
 * terms: the kernel's own failures (a chunk, a map or a page that cannot
 * be allocated) are injected by the trace's `fail` operations at the
 * ported call sites.  A real host failure is the harness's, so these
 * print the call and abort instead of returning into an error path the
 * oracle would not predict.
 *
 * This is the only file that makes system calls for chunk memory, so it
 * counts them: `make bench` reports the count per execution.
 */
#ifndef PCPU_FUZZ_HOST_MEM_H
#define PCPU_FUZZ_HOST_MEM_H

#include <stddef.h>

void *host_zalloc(size_t size);
void *host_map(size_t len, int prot);
/* The same, but NULL when the host refuses (a reservation to retry
 * smaller). */
void *host_try_map(size_t len, int prot);
void host_protect(void *p, size_t len, int prot);
void host_unmap(void *p, size_t len);
/* Give the pages of [p, p + len) back to the host, mapping kept: they
 * read as zero when next touched (madvise MADV_DONTNEED). */
void host_release(void *p, size_t len);
/* Bytes of [p, p + len) the host has resident (mincore; p page
 * aligned). */
size_t host_resident(const void *p, size_t len);

/* mmap, mprotect, madvise, mincore and munmap calls made so far by this
 * process. */
unsigned long host_mem_syscalls(void);

#endif
