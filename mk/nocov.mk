# SPDX-License-Identifier: GPL-2.0-only
#
# The one list of the files the fuzz builds compile without coverage
# feedback (with the sanitizers all the same): libFuzzer's and AFL++'s
# objects (the Makefile), the linux backend's (mk/linux.mk), the mutants'
# (mk/mutants.mk) and ClusterFuzzLite's (mk/oss-fuzz.mk, which
# .clusterfuzzlite/build.sh runs).  Read by the Makefile before any rule.
#
# - the checks (harness/checks/check_*.c, kernel/checks/checks_*.c) recompute invariants
#   over every chunk after every operation: their branches say nothing new
#   about the allocator, and instrumented they cost more than the
#   allocator itself;
# - the oracle (oracle/*.c) for the same reasons: it predicts every
#   decision of the allocator the simple way, so its branches and
#   comparisons mirror the allocator's own, which keep their feedback;
#   instrumented, its comparison hooks alone took a tenth of a checked
#   execution;
# - the checked side of a run (harness/run_checks.c: the oracle in
#   lockstep and the checks' calls after each step; harness/nest_oracle.c:
#   the oracle's pass of a nested block; harness/sweep.c: when the checks
#   sweep) and the area map's backend_check (allocator/backend_view.c):
#   they run in a checked run only, so with feedback a checked campaign
#   would explore otherwise than an unchecked one from the same seed.
#   Without it both collect the same feedback from the same input, the
#   checks cost time and never steer, and make bench compares campaigns
#   of both that run the same inputs (scripts/bench.sh);
# - the host ranges reused across executions (host_ranges.c) and the host
#   calls behind them (host_mem.c, called less often when a range comes
#   from the cache): whether it does depends on earlier inputs, and
#   feedback that does not come from the input only misleads the fuzzer;
#   so do the poison model's arena (host_arena.c: whether a range fits
#   depends on earlier executions) and the page model behind both
#   (host_vm.c);
# - the read-only views the checks call, and per_cpu_ptr (backend_view.c);
# - the port-only bookkeeping no decision reads (percpu_port.c: the chunk
#   array behind the views, the fresh contents of pages in use): its loop
#   counts differ between inputs the allocator treats alike;
# - the custom mutator (fuzzers/mutator.c): its branches say nothing about
#   the allocator;
# - the linux backend's fake memory (kernel/mem/mem_*.c: vmalloc_to_page,
#   the page allocator, memblock), its views (kernel/backend_view.c) and
#   its snapshot (kernel/backend_snapshot.c, kernel/kstate.c), for the
#   reasons above: the backing check asks the fake memory about every page
#   it walks, the views run for every chunk, and whether an instance boots
#   or restores depends on the inputs before it.  The kernel's own calls
#   into them keep their feedback in the glue object; the checks compiled
#   into that object opt out function by function (glue_checks.c).
NOCOV_SRC := $(wildcard harness/checks/check_*.c) $(wildcard kernel/checks/checks_*.c) \
	$(wildcard oracle/*.c) harness/run_checks.c harness/nest_oracle.c harness/sweep.c \
	$(ALLOC_DIR)/host_ranges.c $(ALLOC_DIR)/host_vm.c $(ALLOC_DIR)/host_arena.c \
	$(ALLOC_DIR)/host_mem.c $(ALLOC_DIR)/backend_view.c $(ALLOC_DIR)/percpu_port.c \
	fuzzers/mutator.c \
	$(wildcard kernel/mem/mem_*.c) kernel/backend_view.c \
	kernel/backend_snapshot.c kernel/kstate.c
