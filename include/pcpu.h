/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The narrow interface between an allocator backend and everything else
 * (oracle, checks, replay driver, fuzz targets).  A backend is one
 * implementation of the percpu allocator: the port of the Linux 4.9
 * area-map allocator in allocator/, or the real bitmap-era mm/percpu.c of
 * a Debian kernel in kernel/ (docs/linux.md).  Nothing outside a backend's
 * own folder may include its internals (tests/check-includes.sh); the
 * read-only views below are all the harness ever sees of its state.
 */
#ifndef PCPU_FUZZ_PCPU_H
#define PCPU_FUZZ_PCPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Port limits (not kernel limits): keep one instance's reservations sane. */
#define PCPU_MAX_CPUS 256
#define PCPU_MAX_UNIT_SIZE (16UL << 20)
#define PCPU_MAX_CHUNK_BYTES (1UL << 30)

/* First-chunk geometry, as the trace's `geometry` line describes it. */
struct pcpu_geometry {
	unsigned int cpus;
	size_t page_size;
	size_t unit_size;
	size_t static_size;
	size_t reserved_size;
	size_t dyn_size;
};

/*
 * Field by field: a memcmp would also compare the padding after cpus,
 * which is uninitialised in local copies.
 */
static inline bool pcpu_geometry_equal(const struct pcpu_geometry *a,
				       const struct pcpu_geometry *b)
{
	return a->cpus == b->cpus && a->page_size == b->page_size &&
	       a->unit_size == b->unit_size &&
	       a->static_size == b->static_size &&
	       a->reserved_size == b->reserved_size &&
	       a->dyn_size == b->dyn_size;
}

/* bytes rounded up to whole pages: units are page multiples */
static inline size_t pcpu_geometry_pages_up(size_t bytes, size_t page)
{
	return (bytes + page - 1) / page * page;
}

/* The trace format's documented defaults. */
#define PCPU_GEOMETRY_DEFAULT                                               \
	{ .cpus = 4, .page_size = 4096, .unit_size = 32768,                 \
	  .static_size = 8192, .reserved_size = 8192, .dyn_size = 16384 }

/* Kernel-bug fix switches (PCPU_FIXES / --fix=).  Off = faithful. */
enum pcpu_fix {
	PCPU_FIX_ALIGN_POW2 = 1u << 0, /* reject non-power-of-two align (4.10) */
	PCPU_FIX_SLOT_WALK = 1u << 1,  /* safe slot walk (4.14 style) */
	/* unmap the failing CPU too when mapping a populate fails (2024) */
	PCPU_FIX_MAP_UNWIND = 1u << 2,
	/* a populate that fails after a concurrent free next to the area
	 * corrects the empty-page count (docs/allocator.md §14.8) */
	PCPU_FIX_POP_FAIL_COUNT = 1u << 3,
};
#define PCPU_FIX_ALL                                                       \
	(PCPU_FIX_ALIGN_POW2 | PCPU_FIX_SLOT_WALK | PCPU_FIX_MAP_UNWIND |   \
	 PCPU_FIX_POP_FAIL_COUNT)

/*
 * Fault-injection points the caller arms (trace `fail KIND [COUNT] [after
 * N]`).  What one attempt is depends on the backend: the area-map port
 * counts populate calls for page and vmap, the linux memory model counts
 * page allocations and per-CPU mapping calls (kernel/README.md).
 */
enum pcpu_fault {
	PCPU_FAULT_PAGE,  /* allocating the pages of a populate */
	PCPU_FAULT_CHUNK, /* creating a new chunk */
	PCPU_FAULT_MAP,   /* allocating a larger area map */
	PCPU_FAULT_VMAP,  /* mapping a populate's pages into the chunk */
	PCPU_NR_FAULTS
};

/* Outcome of one API call. */
enum pcpu_status {
	PCPU_OK = 0, /* allocation returned a pointer / free done */
	PCPU_FAIL,   /* allocation returned NULL */
	PCPU_HANG,   /* the kernel would never return (slot walk escaped) */
	PCPU_BUG,    /* the kernel would BUG() (free of a non-allocation) */
};

#define PCPU_CHUNK_RESERVED (-1) /* printed as `r` */
#define PCPU_CHUNK_FIRST 0

struct pcpu_alloc_req {
	size_t size;
	size_t align;
	bool atomic;
	bool reserved;
};

struct pcpu_alloc_res {
	enum pcpu_status status;
	int chunk_id;      /* valid when status == PCPU_OK */
	unsigned long off; /* offset within the chunk's unit */
	uintptr_t ptr;     /* the percpu pointer handed back to callers */
};

enum pcpu_chunk_kind {
	PCPU_KIND_FIRST,    /* serves dynamic allocations from boot on */
	PCPU_KIND_RESERVED, /* the reserved chunk */
	PCPU_KIND_CREATED,  /* created after boot */
};

/* Read-only view of one chunk; pointers stay valid until the next call. */
struct pcpu_chunk_view {
	int id;
	enum pcpu_chunk_kind kind;
	uintptr_t base_addr; /* CPU c's copy of offset o: base_addr + unit_offset[c] + o */
	long free_size;
	int contig_hint;
	/* pages */
	int nr_populated;
	const unsigned long *populated; /* bitmap of unit_pages bits */
	/*
	 * The bytes of the unit the chunk hands out, [area_start, area_end):
	 * all of it for a created chunk, the area after the static (and
	 * reserved) part for a boot chunk.  Only the backend knows it exactly
	 * (the area map can donate bytes to block 0; the bitmap era aligns
	 * the static area up to 4 bytes), so the checks never derive it.
	 */
	long area_start, area_end;
	/* list placement */
	int slot;     /* slot list the chunk is on; -1 when on none */
	/* the area map and the extension queue: include/pcpu_area_map.h */
};

/* Counted events: the port turns kernel warnings into numbers. */
struct pcpu_counters {
	unsigned long warn_illegal; /* "illegal size or align" */
	unsigned long warn_failed;  /* non-atomic allocation failure reports */
	unsigned long warn_immutable; /* balance work saw an immutable free chunk */
	unsigned long chunks_created;
	unsigned long chunks_destroyed;
	unsigned long map_ext_sync;  /* maps grown by a sleeping allocation */
	unsigned long map_ext_async; /* maps grown by the balance work */
	unsigned long faults_fired[PCPU_NR_FAULTS];
	unsigned long atomic_failed;
	unsigned long pages_populated;
	unsigned long pages_depopulated;
	unsigned long max_chunks_alive;
};

/* Read-only view of the instance-wide state. */
struct pcpu_global_view {
	size_t page_size;
	size_t unit_size;
	int unit_pages;
	int nr_slots;
	unsigned int nr_cpus;
	const unsigned long *unit_offset; /* per CPU */
	int nr_empty_pop_pages;
	bool balance_pending;
	bool atomic_alloc_failed;
	struct pcpu_counters counters;
};

struct backend;

/*
 * Check a geometry against the kernel's first-chunk setup rules (and the
 * port's limits).  Returns 0, or -1 with a one-line reason in err.
 */
int backend_geometry_check(const struct pcpu_geometry *g, char *err,
			   size_t errlen);

/* Create an instance; NULL with a reason in err when refused. */
struct backend *backend_create(const struct pcpu_geometry *g, unsigned fixes,
			       char *err, size_t errlen);
/* Destroy an instance, releasing every byte and mapping it holds. */
void backend_destroy(struct backend *b);

struct pcpu_alloc_res backend_alloc(struct backend *b,
				    const struct pcpu_alloc_req *req);
/* free_percpu(ptr); ptr 0 is the no-op free of a failed allocation. */
enum pcpu_status backend_free(struct backend *b, uintptr_t ptr);
/* Address of CPU cpu's copy of ptr (per_cpu_ptr). */
void *backend_cpu_addr(struct backend *b, uintptr_t ptr, unsigned int cpu);
/* Run the balance work now, whether or not it was scheduled. */
void backend_balance(struct backend *b);
/* Make the next count attempts of kind fail: backend_fail_after(.., 0). */
void backend_fail(struct backend *b, enum pcpu_fault kind, unsigned count);
/*
 * Let the next `after` attempts of kind succeed, then fail count more:
 * `after` replaces what is left of an earlier wait of that kind, count is
 * added to the failures still armed (the trace's `fail KIND COUNT after N`).
 */
void backend_fail_after(struct backend *b, enum pcpu_fault kind,
			unsigned count, unsigned after);

/*
 * Preemption points (docs/interleavings.md §2).  With a hook set, the
 * backend calls fn right after every release of pcpu_lock, with the
 * point's name (the port: a documented name such as "populate"; a linux
 * backend: the name of the kernel function that released the lock) and
 * whether pcpu_alloc_mutex is held.  fn may call backend_alloc,
 * backend_free, backend_fail_after and backend_balance on the same
 * instance, as another CPU would, within what the kernel allows (no
 * sleeping allocation and no balance while the mutex is held: the caller
 * enforces it).  Points reached inside those calls are reported to fn
 * too.  fn NULL removes the hook; without one nothing changes.
 */
typedef void (*pcpu_preempt_fn)(void *arg, const char *point,
				bool mutex_held);
void backend_set_preempt(struct backend *b, pcpu_preempt_fn fn, void *arg);
/*
 * The point names this backend can report, NULL-terminated; a name not
 * listed is never reached (pcpu-stats counts each listed one).
 */
const char *const *backend_preempt_points(void);

/* Views. Chunks are listed in ascending id order, reserved (-1) first. */
int backend_nr_chunks(const struct backend *b);
void backend_chunk(const struct backend *b, int idx,
		   struct pcpu_chunk_view *out);
void backend_global(const struct backend *b, struct pcpu_global_view *out);
/* Chunk ids on slot list `slot`, head first; returns the count. */
int backend_slot_list(const struct backend *b, int slot, int *ids, int max);
/* The area map and the map-extension queue: include/pcpu_area_map.h. */
/*
 * The backing of pages [from, to) of chunk idx (backend_chunk's index) on
 * CPU cpu, as the host memory sees it: bit p of bits (a unit_pages-bit
 * bitmap; bits outside [from, to) are left alone) is set when page p's
 * first byte is accessible.  Returns 0, or -1 when the backend cannot
 * tell cheaply (the area-map port under PCPU_VM=mprotect; the linux
 * backend, whose pages are its own fake memory): the backing check then
 * skips.
 */
int backend_chunk_backing(const struct backend *b, int idx, unsigned int cpu,
			  int from, int to, unsigned long *bits);
/*
 * What may have changed the backing since an earlier call: fn(arg, addr,
 * len) for every host range the backend made accessible or inaccessible
 * since the one that left *seq (start from ~0UL), oldest first; *seq
 * moves on.  Returns 0, or -1 when the backend keeps no such record or
 * no longer holds all of it: anything may have changed then.  The
 * backing check uses it to compare only the pages that can have moved.
 */
typedef void backend_change_fn(void *arg, uintptr_t addr, size_t len);
int backend_backing_changes(const struct backend *b, unsigned long *seq,
			    backend_change_fn *fn, void *arg);
/* Short backend name for reports, e.g. "area-map-4.9". */
const char *backend_name(void);

/*
 * What the harness may check of a backend.  The area-map port is predicted
 * by the oracle and its map is checked in detail; a backend without
 * PCPU_CAP_AREA_MAP (the real bitmap-era mm/percpu.c) gets the
 * backend-neutral checks (overlap on every CPU, zeroed, tags, populated
 * pages really accessible, leaks) plus its own backend_check().
 */
#define PCPU_CAP_AREA_MAP (1u << 0) /* oracle lockstep and map checks apply */
#define PCPU_CAP_FIXES (1u << 1)    /* the PCPU_FIXES switches mean something */
unsigned backend_caps(void);

/*
 * The geometry an input that names none, or names one this backend
 * refuses, runs with: the trace format's default where the backend
 * accepts it (Linux 6.12 refuses its dyn=16384: PERCPU_DYNAMIC_EARLY_SIZE
 * is 20 KiB there).
 */
void backend_default_geometry(struct pcpu_geometry *g);

/*
 * Findings of a backend's own checks are graded, so a campaign can go on
 * past known hint findings and still stop on safety.
 */
enum pcpu_grade {
	PCPU_GRADE_SAFETY = 1u << 0,     /* overlap, corruption, bad free, backing */
	PCPU_GRADE_ACCOUNTING = 1u << 1, /* counters against a recount */
	PCPU_GRADE_HINT = 1u << 2,       /* hint accuracy: efficiency, not safety */
	/*
	 * a stale value the kernel uses only as a starting point and corrects
	 * by itself (first_free): it changes no decision, so the tools count
	 * it but do not stop on it unless PCPU_NONFATAL says otherwise
	 */
	PCPU_GRADE_BENIGN = 1u << 3,
};
#define PCPU_GRADE_ALL                                                     \
	(PCPU_GRADE_SAFETY | PCPU_GRADE_ACCOUNTING | PCPU_GRADE_HINT |     \
	 PCPU_GRADE_BENIGN)

struct pcpu_finding {
	const char *check;      /* stable name, e.g. "scan_hint" */
	enum pcpu_grade grade;
	int chunk_id;           /* the chunk involved, or INT_MIN for none */
	char detail[512];       /* "expected ..., got ..." */
};

/*
 * The backend's own checks of its state after an operation (the area-map
 * port has none: the oracle and harness/checks/check_*.c cover it).  Returns the
 * number of findings and stores up to max of them in out, most severe
 * grade first, so the caller decides what stops a run (a non-fatal hint
 * finding never hides a safety finding behind it).  Findings about a
 * decision (an allocation failed although a fit existed, a chunk was
 * created although one could serve) are recorded by backend_alloc and
 * returned by the next call.  sweep: look at every chunk; otherwise a
 * backend may look only at what the operations since the last call
 * touched (the harness sweeps every PCPU_SWEEP_EVERY-th operation, after
 * the last one and at the end of a run).
 */
int backend_check(struct backend *b, bool sweep, struct pcpu_finding *out,
		  int max);
/* The names backend_check() can report (NULL-terminated), for validating
 * PCPU_NONFATAL lists. */
const char *const *backend_check_names(void);

#endif /* PCPU_FUZZ_PCPU_H */
