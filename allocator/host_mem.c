// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host memory calls that abort on failure (see host_mem.h for why).
 * Every failure goes through host_check(), so the port has one line that
 * no input can reach instead of one per call site.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "host_mem.h"

/* Not reset per execution: a benchmark reads it before and after many. */
static unsigned long nr_syscalls;

unsigned long host_mem_syscalls(void)
{
	return nr_syscalls;
}

static void host_check(bool ok, const char *call)
{
	if (!ok) {
		perror(call);
		abort();
	}
}

void *host_zalloc(size_t size)
{
	void *p = calloc(1, size);

	host_check(p != NULL, "percpu-fuzz: host calloc");
	return p;
}

/* Anonymous, private, no swap reservation: a chunk's range is mostly
 * never touched. */
void *host_try_map(size_t len, int prot)
{
	void *p;

	nr_syscalls++;
	p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		 -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void *host_map(size_t len, int prot)
{
	void *p = host_try_map(len, prot);

	host_check(p != NULL, "percpu-fuzz: host mmap");
	return p;
}

void host_protect(void *p, size_t len, int prot)
{
	nr_syscalls++;
	host_check(mprotect(p, len, prot) == 0, "percpu-fuzz: host mprotect");
}

void host_release(void *p, size_t len)
{
	nr_syscalls++;
	host_check(madvise(p, len, MADV_DONTNEED) == 0,
		   "percpu-fuzz: host madvise");
}

size_t host_resident(const void *p, size_t len)
{
	static unsigned char vec[128 << 10]; /* 512 MiB of 4 KiB pages a call */
	size_t pagesz = (size_t)sysconf(_SC_PAGESIZE), resident = 0;

	/* a block of pages at a time, so the vector stays small */
	for (size_t done = 0; done < len; done += sizeof(vec) * pagesz) {
		size_t n = len - done < sizeof(vec) * pagesz ? len - done :
							       sizeof(vec) * pagesz;

		nr_syscalls++;
		host_check(mincore((char *)p + done, n, vec) == 0,
			   "percpu-fuzz: host mincore");
		for (size_t i = 0; i < (n + pagesz - 1) / pagesz; i++)
			resident += vec[i] & 1;
	}
	return resident * pagesz;
}

void host_unmap(void *p, size_t len)
{
	nr_syscalls++;
	host_check(munmap(p, len) == 0, "percpu-fuzz: host munmap");
}
