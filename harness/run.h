/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Running a trace: the backend and the oracle in lockstep, the checks after
 * every operation, results, state and failure reports.  Shared by the
 * replay driver, the fuzz targets and the tests.
 */
#ifndef PCPU_FUZZ_RUN_H
#define PCPU_FUZZ_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "oracle.h"
#include "pcpu.h"
#include "signature.h"
#include "trace.h"

/*
 * Campaign statistics in allocator terms, summed over runs (a campaign's
 * corpus replayed with run_options.stats set).  Counters are taken after
 * the trace's last operation, before the end-of-run leak check frees
 * everything, so they describe the workload the inputs asked for.
 */
struct run_stats {
	unsigned long runs;
	unsigned long failed_runs;  /* a check failed */
	unsigned long ops[4];       /* by enum trace_op_kind */
	unsigned long atomic_allocs;
	unsigned long allocs_failed; /* allocations that returned NULL */
	struct pcpu_counters sum;   /* max_chunks_alive: the largest seen */
	/* backing checks the backend could not answer (PCPU_VM=mprotect) */
	unsigned long backing_blind;
	/* nested operations that ran, and preemption points reached, by the
	 * names backend_preempt_points() lists */
	unsigned long nested_ran;
#define RUN_POINTS_MAX 32
	unsigned long points_reached[RUN_POINTS_MAX];
	unsigned long points_other; /* names not in the list */
};

/* PCPU_NONFATAL: grades and check names that do not stop a run. */
#define NONFATAL_MAX_NAMES 16
struct nonfatal_policy {
	unsigned grades;
	int nr_names;
	char names[NONFATAL_MAX_NAMES][32];
	/* PCPU_NOFAULT (harness/nofault.c): 1 << kind for each fault never armed */
	unsigned nofault;
};

struct run_options {
	unsigned fixes;
	bool checks;  /* false only for measuring the core alone */
	FILE *results; /* --results output, or NULL */
	FILE *state;   /* --state output, or NULL */
	FILE *report;  /* failure report, or NULL for silence (fuzzing) */
	const char *name; /* input name for reports */
	struct run_stats *stats; /* accumulate statistics, or NULL */
	struct run_signature *signature; /* filled in by run_trace, or NULL */
	/*
	 * Grades (PCPU_GRADE_*) and check names of backend_check() findings
	 * that are only counted, in *nonfatal when set, instead of failing
	 * the run.  Stored as the non-fatal set so that zero-initialised
	 * options (every tool, test and target) keep the default: every
	 * finding is fatal.
	 */
	struct nonfatal_policy nonfatal_policy;
	struct run_nonfatal *nonfatal;
	/*
	 * PCPU_SWEEP_EVERY (harness/sweep.c): the whole state is swept after
	 * every sweep_every-th operation and after the last; the operations
	 * in between check only what they changed.  0 and 1: a sweep after
	 * every operation, so zero-initialised options stay strictest.
	 */
	unsigned sweep_every;
};

/* The largest PCPU_SWEEP_EVERY accepted. */
#define SWEEP_EVERY_MAX 1000000u
/*
 * PCPU_SWEEP_EVERY=K, K an integer from 1 to SWEEP_EVERY_MAX; unset: dflt.
 * 0, or -1 with a one-line reason naming the variable in err.
 */
int sweep_every_parse(const char *v, unsigned *out, char *err, size_t errlen);
int sweep_every_from_env(unsigned *out, unsigned dflt, char *err,
			 size_t errlen);

/* Non-fatal backend findings, counted per check name over runs. */
#define RUN_NONFATAL_NAMES 32
struct run_nonfatal {
	int nr;
	struct {
		char check[32];
		unsigned long count; /* operations after which it was reported */
	} e[RUN_NONFATAL_NAMES];
	unsigned long other; /* names beyond the table */
};

/*
 * PCPU_NONFATAL: comma list of grades (safety, accounting, hint) and of
 * check names the linked backend reports (backend_check_names()), e.g.
 * `first_free,right_free` to hunt past two known hint findings; empty:
 * none.  0, or -1 with a one-line reason naming the variable in err.
 */
int grades_parse(const char *list, struct nonfatal_policy *out, char *err,
		 size_t errlen);
/* PCPU_NONFATAL and PCPU_NOFAULT together: the policy for known findings. */
int nonfatal_policy_from_env(struct nonfatal_policy *out, char *err,
			     size_t errlen);
/*
 * PCPU_NOFAULT: a comma list of fault kinds (page, chunk, map, vmap) whose
 * `fail` lines a run steps over.  0, or -1 with a one-line reason.
 */
int nofault_parse(const char *list, unsigned *mask, char *err, size_t errlen);
int nofault_from_env(unsigned *mask, char *err, size_t errlen);
/* True when finding f only counts under opt's policy. */
bool nonfatal_match(const struct run_options *opt,
		    const struct pcpu_finding *f);
void nonfatal_add(struct run_nonfatal *n, const char *check);
/* `nonfatal: scan_hint 3, right_free 1` and a newline; nothing if none. */
void nonfatal_print(FILE *f, const struct run_nonfatal *n);

/* The harness's shadow of one alloc line of the trace. */
struct live_alloc {
	bool done;     /* the alloc line has run */
	bool succeeded; /* it returned a pointer */
	bool live;     /* it succeeded and was not freed yet */
	int chunk_id;
	long off;
	size_t size;   /* the requested size rounded up to even */
	size_t align;  /* as requested */
	uintptr_t ptr;
};

/* Stable check names, used in reports and crash bucketing. */
#define CHECK_OVERLAP "overlap"
#define CHECK_ZEROED "zeroed"
#define CHECK_TAGS "tags"
#define CHECK_ORACLE "oracle"
#define CHECK_FREE_SIZE "free_size"
#define CHECK_CONTIG_HINT "contig_hint"
#define CHECK_MAP "map"
#define CHECK_SLOT "slot"
#define CHECK_POPULATED "populated"
#define CHECK_BACKING "backing" /* host memory accessible = populated */
#define CHECK_LEAK "leak"
#define CHECK_HANG "hang"  /* the kernel's slot walk would never return */
#define CHECK_BUG "bug"    /* the kernel would BUG()/oops */

struct run_ctx {
	const struct trace *t;
	const struct run_options *opt;
	struct backend *b;
	struct oracle *o;
	struct live_alloc *allocs; /* indexed by alloc id */
	long boot_free[2];         /* free_size of r and 0 at creation (no map) */
	size_t op_index;           /* index of the op being checked */
	unsigned int nr_live;
	unsigned int tag_cursor;   /* rotating subset for the tags check: */
	unsigned int tag_cpu;      /* the next (allocation, CPU) copy */
	/* first failure */
	bool failed;
	const char *failed_check;
	int failed_chunk;          /* chunk to dump, or INT_MIN for none */
	unsigned long failed_faults; /* injected faults fired by then */
	char detail[1024];
	char failed_name[32];      /* a backend finding's check name */
	/* counters at the last backing check (harness/checks/check_backing.c) */
	unsigned long backing_events, backing_created;
	/* backing checks the backend could not answer (-1): blind to it */
	unsigned long backing_blind;
	/* the live allocations by chunk and offset (harness/checks/check_index.c),
	 * made by the first check that needs it */
	struct check_index *index;
	/* what the last check saw of each chunk (harness/checks/check_incr.c) */
	struct check_memo *memo;
	/*
	 * Nested operations (harness/nest.c, docs/interleavings.md): the
	 * block of the running top-level op is ops[nest_first, nest_end); one
	 * record per op of the block says what it did on the backend.
	 */
	size_t nest_first, nest_end;
	struct nest_record *nest;
	size_t nest_cap;
	bool in_nested;	     /* a nested op runs: its points run nothing */
	bool on_oracle;	     /* the hook replays on the oracle */
	bool op_had_nested;  /* the running op has a block: sweep after it */
	size_t cur_nested;   /* index of the nested op running, or SIZE_MAX */
	size_t failed_nested; /* ... when the first failure was recorded */
	unsigned long nested_ran; /* nested ops run in this trace */
	/* occurrences of each point name in the running op (nest.c) */
	struct nest_seen *seen;
	int nr_seen, cap_seen;
};

/*
 * harness/nest.c: one top-level op with its block.  nest_begin before the
 * op sets the backend's hook (when the op has a block, or statistics count
 * the points); nest_backend_done after the backend returned.  Then
 * harness/nest_oracle.c: the oracle's run goes between nest_oracle_begin
 * and nest_oracle_done, which compares every nested outcome; nest_checks
 * runs the checks of the block's new allocations once the op returned (0
 * at once in an unchecked run).  The int ones return 0, or -1 after
 * check_fail().
 */
struct nest_record;
struct nest_seen;
void nest_begin(struct run_ctx *c);
void nest_backend_done(struct run_ctx *c);
void nest_oracle_begin(struct run_ctx *c);
int nest_oracle_done(struct run_ctx *c);
int nest_checks(struct run_ctx *c);
void nest_release(struct run_ctx *c);
/* The op a failure belongs to: a nested op if one failed, else the top-level op. */
const struct trace_op *run_failed_op(const struct run_ctx *c);
/* End of the block of top-level op i (the index after its last nested op). */
size_t run_block_end(const struct trace *t, size_t i);
/* The pcpu_alloc request of alloc op op. */
static inline struct pcpu_alloc_req run_req(const struct trace_op *op)
{
	struct pcpu_alloc_req r = { .size = op->size, .align = op->align,
				    .atomic = op->atomic,
				    .reserved = op->reserved };

	return r;
}
/* The backend's slot walk escaped (no oracle to compare with): -1. */
int run_hang(struct run_ctx *c);
/* One line of --results for allocation op (docs/trace-format.md §3.1). */
void run_print_result(const struct run_ctx *c, const struct trace_op *op,
		      const struct pcpu_alloc_res *res);
/* One outcome as --results prints it: "chunk 0 off 128", "fail", ... */
void run_print_res(FILE *f, const struct pcpu_alloc_res *r);

/*
 * harness/run_checks.c: the oracle's step and the checks after each step
 * of the backend, called by run.c in every run; in an unchecked run they
 * do nothing (the hang verdict excepted), so that run.c takes the same
 * branches with and without the checks.  The int ones return 0, or -1
 * after check_fail(); run_checks_begin -1 when out of memory.
 */
int run_checks_begin(struct run_ctx *c);
void run_checks_release(struct run_ctx *c);
int run_lockstep_alloc(struct run_ctx *c, const struct pcpu_alloc_req *req,
		       const struct pcpu_alloc_res *res);
int run_checks_alloc(struct run_ctx *c, unsigned int id,
		     const struct pcpu_alloc_res *res);
int run_lockstep_free(struct run_ctx *c, unsigned int id, bool freed);
int run_lockstep_balance(struct run_ctx *c);
void run_lockstep_fail(struct run_ctx *c, const struct trace_op *op);
int run_checks_op(struct run_ctx *c, const struct trace_op *op);
/* The oracle's prediction against the backend's outcome: 0, or -1. */
int run_compare_alloc(struct run_ctx *c, const struct pcpu_alloc_res *res,
		      const struct pcpu_alloc_res *pred);
/* The backend side of a free (checks before, BUG after): 0, or -1. */
int run_free_backend(struct run_ctx *c, const struct trace_op *op,
		     bool *freed);

/*
 * Whether fail line op is stepped over under PCPU_NOFAULT, and if so
 * counted with the non-fatal findings.  The backend's pass asks, once per
 * line; the oracle's follows its answer.
 */
bool run_fault_skipped(const struct run_ctx *c, const struct trace_op *op);

/*
 * The geometry t runs with on the linked backend (harness/geometry.c), by
 * t->geo_policy: accepted as it is, repaired, the backend's default, or
 * for a text geometry line refused: -1 with "NAME:LINE: bad geometry:
 * REASON" in err.  Then t->geo_policy is GEO_SETTLED.  run_trace settles
 * its own copy; a tool that prints a trace settles it first.
 */
int run_geometry_settle(struct trace *t, const char *name, char *err,
			size_t errlen);
/*
 * A compact geometry the linked backend refused, made acceptable to it
 * with the smallest changes the real kernels need; false when even that
 * is refused (the run then takes the backend's default).
 */
bool geometry_repair(struct pcpu_geometry *g);

/* Whether the checks after the current operation sweep everything. */
bool sweep_due(const struct run_ctx *c);
/* The shadow of a successful alloc op (alloc id op->id) at res. */
void run_record_alloc(struct run_ctx *c, const struct trace_op *op,
		      const struct pcpu_alloc_res *res);

/*
 * Record the first failure: check name, the chunk involved (INT_MIN for
 * none) and a one-line "expected ... got ..." detail.  Returns -1 so checks
 * can `return check_fail(...)`.
 */
int check_fail(struct run_ctx *c, const char *check, int chunk_id,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * backend_caps() has PCPU_CAP_AREA_MAP: the oracle runs in lockstep (when
 * checks are on) and the area-map checks apply; otherwise only the
 * backend-neutral checks and backend_check() run.  Asked of the linked
 * backend, not stored in run_ctx, so hand-built contexts (tests) agree.
 */
static inline bool run_area_map(void)
{
	return backend_caps() & PCPU_CAP_AREA_MAP;
}

/* The pattern written over every copy of allocation id on cpu. */
unsigned char tag_byte(unsigned int id, unsigned int cpu, size_t i);

/*
 * Checks (harness/checks/check_*.c).  Each returns 0, or -1 after check_fail().
 * check_after_alloc runs right after a successful alloc of id (before the
 * harness writes tags), check_before_free right before id is freed (0 at
 * once in an unchecked run); check_after_op after every operation.
 */
int check_after_alloc(struct run_ctx *c, unsigned int id);
int check_before_free(struct run_ctx *c, unsigned int id);
int check_after_op(struct run_ctx *c);
/*
 * At the nth reach of preemption point `point` on the backend's pass of an
 * operation with nested operations, before they run: what is settled
 * while pcpu_lock is released (harness/checks/check_point.c).  0 at once in
 * an unchecked run.
 */
int check_at_point(struct run_ctx *c, const char *point, unsigned int nth);
/*
 * The end of every run, checked or not (harness/checks/check_leak.c):
 * every live allocation freed, then the balance work the leak check
 * needs, the checks between the steps in a checked run.  An unchecked run
 * makes the same backend calls, so that it drives the allocator exactly
 * as a checked one.  0 or -1.
 */
int run_end(struct run_ctx *c);
/* harness/checks/check_backing.c: after an op that may have changed the backing */
int check_backing_after_op(struct run_ctx *c, const struct trace_op *op);
/*
 * harness/checks/check_incr.c: every check that follows operation op (after the
 * ones run_alloc ran): the state checks, a sweep or only what changed
 * (sweep_due), then the backing.  0 or -1.
 */
int check_op_done(struct run_ctx *c, const struct trace_op *op);
/* Allocation id is no longer live: drop it from the checks' index. */
void check_forget(struct run_ctx *c, unsigned int id);
/* Free what the checks keep in c (index, memo); c stays usable. */
void check_release(struct run_ctx *c);
/*
 * backend_check() after an operation: a finding of a fatal grade fails the
 * run under the finding's check name; others are counted.  sweep: the
 * backend looks at every chunk (true when sweep_due, and at the end of a
 * run).  0 or -1.
 */
int run_backend_check(struct run_ctx *c, bool sweep);
/* Write allocation id's tag pattern over its copy on every CPU. */
void tags_write(struct run_ctx *c, unsigned int id);

/*
 * Run a whole trace.  Returns 0 when every check passed, 1 when a check
 * failed (report written to opt->report), 2 on a setup error.
 */
int run_trace(const struct trace *t, const struct run_options *opt);

/* Add one instance's counters to a sum (max_chunks_alive: maximum). */
void run_stats_add_counters(struct pcpu_counters *sum,
			    const struct pcpu_counters *c);

/* Print --state for an instance (docs/trace-format.md §3.2). */
void print_state(FILE *f, struct backend *b);
/* Print a chunk's dump for reports. */
void print_chunk_dump(FILE *f, struct backend *b, int chunk_id);

#endif /* PCPU_FUZZ_RUN_H */
