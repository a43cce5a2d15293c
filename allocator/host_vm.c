// SPDX-License-Identifier: GPL-2.0-only
/*
 * The two page models of host_vm.h.  With poison, an execution's
 * populates and depopulates are shadow-memory writes of a few bytes per
 * page instead of mprotect calls, each of which flushes TLBs on every
 * core the process ran on: that was most of an execution's time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bitmap.h"
#include "host_mem.h"
#include "host_vm.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOST_VM_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define HOST_VM_ASAN 1
#endif

#ifdef HOST_VM_ASAN
#include <sanitizer/asan_interface.h>
#endif

static int model = -1; /* not yet read */

/*
 * The change log (host_vm.h): a ring of the last VM_LOG ranges.  A
 * reader that fell further behind is told so and compares everything,
 * as it would without the log.
 */
#define VM_LOG 4096
static struct {
	uintptr_t addr;
	size_t len;
} vm_log[VM_LOG];
static unsigned long vm_log_seq; /* ranges ever logged */

static void log_change(const void *p, size_t len)
{
	vm_log[vm_log_seq % VM_LOG].addr = (uintptr_t)p;
	vm_log[vm_log_seq % VM_LOG].len = len;
	vm_log_seq++;
}

int host_vm_changes(unsigned long *seq, host_vm_change_fn *fn, void *arg)
{
	unsigned long from = *seq;

	*seq = vm_log_seq;
	if (from == HOST_VM_SEQ_NONE || from > vm_log_seq ||
	    vm_log_seq - from > VM_LOG)
		return -1;
	for (; from < vm_log_seq; from++)
		fn(arg, vm_log[from % VM_LOG].addr, vm_log[from % VM_LOG].len);
	return 0;
}

static enum host_vm_model model_from_env(void)
{
	const char *v = getenv("PCPU_VM");

	if (!v || !*v) {
#ifdef HOST_VM_ASAN
		return HOST_VM_POISON;
#else
		return HOST_VM_MPROTECT;
#endif
	}
	if (!strcmp(v, "mprotect"))
		return HOST_VM_MPROTECT;
#ifdef HOST_VM_ASAN
	if (!strcmp(v, "poison"))
		return HOST_VM_POISON;
	fprintf(stderr,
		"percpu-fuzz: PCPU_VM: unknown memory model '%s' (poison, mprotect)\n",
		v);
#else
	fprintf(stderr,
		"percpu-fuzz: PCPU_VM: memory model '%s' not available in a build without ASan (mprotect)\n",
		v);
#endif
	exit(2);
}

enum host_vm_model host_vm_model(void)
{
	if (model < 0)
		model = (int)model_from_env();
	return (enum host_vm_model)model;
}

const char *host_vm_model_name(void)
{
	return host_vm_model() == HOST_VM_POISON ? "poison" : "mprotect";
}

int host_vm_map_prot(void)
{
	return host_vm_model() == HOST_VM_POISON ? PROT_READ | PROT_WRITE :
						   PROT_NONE;
}

#ifdef HOST_VM_ASAN
void host_vm_fresh(void *p, size_t len)
{
	log_change(p, len);
	if (host_vm_model() == HOST_VM_POISON)
		ASAN_POISON_MEMORY_REGION(p, len);
}

void host_vm_open(void *p, size_t len)
{
	log_change(p, len);
	if (host_vm_model() == HOST_VM_POISON)
		ASAN_UNPOISON_MEMORY_REGION(p, len);
	else
		host_protect(p, len, PROT_READ | PROT_WRITE);
}

void host_vm_close(void *p, size_t len)
{
	log_change(p, len);
	if (host_vm_model() == HOST_VM_POISON)
		ASAN_POISON_MEMORY_REGION(p, len);
	else
		host_protect(p, len, PROT_NONE);
}

void host_vm_unmap(void *p, size_t len)
{
	log_change(p, len);
	ASAN_UNPOISON_MEMORY_REGION(p, len);
	host_unmap(p, len);
}

int host_vm_accessible(const void *p)
{
	if (host_vm_model() != HOST_VM_POISON)
		return -1;
	return !__asan_address_is_poisoned(p);
}

/*
 * The shadow byte of the granule that starts at a: 0 (all addressable)
 * or k > 0 (its first k bytes are) make a's byte accessible; poison
 * values are negative.  Not instrumented: the shadow has no shadow.
 */
__attribute__((no_sanitize("address"))) static bool
granule_open(uintptr_t a, size_t scale, size_t offset)
{
	return *(const volatile signed char *)((a >> scale) + offset) >= 0;
}

int host_vm_pages_accessible(const void *base, size_t stride, int from,
			     int to, unsigned long *bits)
{
	uintptr_t a = (uintptr_t)base + (size_t)from * stride;
	size_t scale, offset;

	if (host_vm_model() != HOST_VM_POISON)
		return -1;
	__asan_get_shadow_mapping(&scale, &offset);
	for (int i = from; i < to; i++, a += stride) {
		if (granule_open(a, scale, offset))
			set_bit(i, bits);
		else
			clear_bit(i, bits);
	}
	return 0;
}
#else
void host_vm_fresh(void *p, size_t len)
{
	log_change(p, len);
}

void host_vm_open(void *p, size_t len)
{
	log_change(p, len);
	host_protect(p, len, PROT_READ | PROT_WRITE);
}

void host_vm_close(void *p, size_t len)
{
	log_change(p, len);
	host_protect(p, len, PROT_NONE);
}

void host_vm_unmap(void *p, size_t len)
{
	log_change(p, len);
	host_unmap(p, len);
}

int host_vm_accessible(const void *p)
{
	(void)p;
	return -1;
}

int host_vm_pages_accessible(const void *base, size_t stride, int from,
			     int to, unsigned long *bits)
{
	(void)base;
	(void)stride;
	(void)from;
	(void)to;
	(void)bits;
	return -1;
}
#endif
