// SPDX-License-Identifier: GPL-2.0-only
/*
 * A bump allocator over one mapping (host_arena.h).
 *
 * An execution takes its ranges from the bottom of the arena up and gives
 * them all back when its instance is destroyed; when no range is out, the
 * next one starts from the bottom again.  So the arena needs as much
 * address space as the largest execution, the pages an execution touched
 * stay resident for the next one (as with the range cache), and a range's
 * address depends on the input alone as long as one instance lives at a
 * time, which is how every tool and fuzz target runs.
 *
 * The bottom ARENA_KEEP bytes stay resident that way, and what lies above
 * them while it stays small: when the last range of an execution that
 * reached above the floor comes back, the host says how much of that is
 * resident (one mincore), and past ARENA_KEEP_ABOVE all of it is given
 * back (one madvise).  Otherwise one input of a wide geometry (60 CPUs of
 * 64 KiB pages touch gigabytes) leaves a campaign that much larger for
 * good, and a later, small input is the one that crosses libFuzzer's RSS
 * limit.  Giving back whatever lay above the floor instead cost a wide
 * input that touches little (64 CPUs of 4 MiB units span 512 MiB and
 * touch 4 MB) a page fault per page at every execution: ten times its
 * own work.  Small executions, the steady state, make no call.
 *
 * Everything below the high-water mark that is not out is poisoned, so a
 * range comes back from host_arena_get already inaccessible: ASan writes
 * the shadow of a new stretch once per process, never per execution.
 * One poisoned guard page separates consecutive ranges, so a run past
 * the last unit of a chunk never lands in the next chunk's pages.
 */
#include <stdint.h>
#include <sys/mman.h>

#include "host_arena.h"
#include "host_mem.h"
#include "host_vm.h"

/* Address space to ask for (MAP_NORESERVE: nothing is committed until
 * touched), halved until the host grants it. */
#define ARENA_MAX_BYTES ((size_t)64 << 30)
#define ARENA_MIN_BYTES ((size_t)1 << 30)
#define ARENA_GUARD ((size_t)64 << 10) /* the largest page size traced */
#define ARENA_KEEP ((size_t)256 << 20)
#define ARENA_KEEP_ABOVE ((size_t)64 << 20) /* resident, not spanned */

static uintptr_t arena_base, arena_end;
static uintptr_t arena_top;	  /* next free byte */
static uintptr_t arena_reached;	  /* the highest top since it was empty */
static uintptr_t arena_poisoned; /* [base, poisoned) is the arena's */
static unsigned long nr_out;
static bool arena_tried;

/* Map the arena once; false when the host refuses even the minimum. */
static bool arena_ready(void)
{
	if (arena_tried)
		return arena_base != 0;
	arena_tried = true;
	for (size_t len = ARENA_MAX_BYTES; len >= ARENA_MIN_BYTES; len /= 2) {
		void *p = host_try_map(len, PROT_READ | PROT_WRITE);

		if (!p)
			continue;
		arena_base = arena_top = arena_poisoned = (uintptr_t)p;
		arena_end = arena_base + len;
		return true;
	}
	return false;
}

void *host_arena_get(size_t len, size_t align)
{
	uintptr_t start, end;

	if (host_vm_model() != HOST_VM_POISON || !arena_ready())
		return NULL;
	start = (arena_top + ARENA_GUARD + align - 1) & ~((uintptr_t)align - 1);
	if (start < arena_top || start > arena_end || len > arena_end - start)
		return NULL;
	end = start + len;
	if (end > arena_poisoned) {
		/* first use of this stretch in the process: the mapping
		 * itself is accessible, ASan's shadow of it clean */
		host_vm_fresh((void *)arena_poisoned, end - arena_poisoned);
		arena_poisoned = end;
	}
	arena_top = end;
	if (end > arena_reached)
		arena_reached = end;
	nr_out++;
	return (void *)start;
}

bool host_arena_owns(const void *p)
{
	uintptr_t a = (uintptr_t)p;

	return arena_base && a >= arena_base && a < arena_end;
}

void host_arena_put(void *p)
{
	(void)p; /* poisoned already: the caller's contract */
	if (--nr_out)
		return;
	arena_top = arena_base;
	/* the mapping's pages are 4 KiB or a multiple: ARENA_KEEP is one */
	if (arena_reached > arena_base + ARENA_KEEP) {
		void *above = (void *)(arena_base + ARENA_KEEP);
		size_t len = arena_reached - arena_base - ARENA_KEEP;

		if (host_resident(above, len) > ARENA_KEEP_ABOVE)
			host_release(above, len);
	}
	arena_reached = arena_base;
}
