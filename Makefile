# SPDX-License-Identifier: GPL-2.0-only
#
# percpu-fuzz.  `make help` lists the targets and knobs.

CLANG ?= $(shell command -v clang-14 || command -v clang)
CC := $(if $(filter default,$(origin CC)),$(if $(CLANG),$(CLANG),gcc),$(CC))
BUILD ?= build
# ALLOC_DIR: the allocator sources to build against (make mutants points
# it at a planted-bug copy); objects then go to their own BUILD directory.
ALLOC_DIR ?= allocator
SAN ?= -fsanitize=address,undefined -fno-sanitize-recover=all
OPT ?= -O1
# Include paths per folder of the source being compiled ($<): a backend's
# internal headers are on no other folder's path, so a file that reaches
# into them does not build (tests/check-includes.sh checks the same rules
# in the sources).  A folder's own headers need no path: "x.h" is looked
# for beside the file first.  Only the white-box files get allocator/:
# the unit tests, and make bench's count of the port's host calls.
inc_allocator := -Iinclude
inc_trace := -Iinclude
inc_oracle := -Iinclude
inc_harness := -Iinclude -Iharness -Ioracle
inc_harness/checks := $(inc_harness)
inc_fuzzers := -Iinclude -Itrace -Iharness -Ioracle
inc_tools := -Iinclude -Itools/lib -Iharness -Ioracle -Itrace
inc_tools/lib := $(inc_tools)
inc_tools/bench_calls.c := $(inc_tools) -I$(ALLOC_DIR)
inc_tests := -Iinclude -Itests -I$(ALLOC_DIR) -Ioracle -Itrace -Iharness -Iharness/checks -Ifuzzers -Itools/lib
inc_tests/mutator := $(inc_tests)
# kernel/: its memory model (kernel/mem/) is reached by the backend and
# the checks only through mem.h, and needs nothing beyond the shim; its
# checks (kernel/checks/) see the backend's internals, never its tests.
# kernel/ is on its own path: checks/checks.h names glue.h unqualified.
inc_kernel := -Iinclude -Ikernel -Ikernel/mem -Ikernel/checks
inc_kernel/mem := -Iinclude
inc_kernel/checks := -Iinclude -Ikernel -Ikernel/mem
inc_kernel/tests := -Iinclude -Itests -Iharness -Ioracle -Ikernel -Ikernel/mem -Ikernel/checks
# the flags of a file: its own, else its folder's, else include/ alone
src_inc = $(or $(inc_$(1)),$(inc_$(patsubst %/,%,$(dir $(1)))),-Iinclude)
INCLUDES = $(call src_inc,$<)
INC_FOLDERS := allocator trace oracle harness harness/checks fuzzers tools tools/lib tools/bench_calls.c \
	tests tests/mutator kernel kernel/mem kernel/checks kernel/tests
# plain `make` builds the replay driver and the encoder (the rule below is
# only the first one written down)
.DEFAULT_GOAL := all
# `make include-paths`: each folder's, for tests/check-includes.sh
.PHONY: include-paths
include-paths:
	@$(foreach d,$(INC_FOLDERS),echo '$(d): $(call src_inc,$(if $(filter %.c,$(d)),$(d),$(d)/x.c))';)
CFLAGS_BASE = -std=gnu11 -Wall -Wextra -Werror -g -fno-omit-frame-pointer $(INCLUDES)
CFLAGS ?= $(OPT)
ALL_CFLAGS = $(CFLAGS_BASE) $(CFLAGS) $(SAN) -MMD -MP

# campaign knobs
TIME ?= 600
JOBS ?= 1
FIXES ?= all
export TIME JOBS FIXES BUILD
# BACKEND: whose binaries make fuzz / afl / repro / minimize / triage
# use: empty for the area-map port ($(BUILD)/...), linux-6.1 or
# linux-6.12 or linux-7.2 for the real kernel's ($(BUILD)/$(BACKEND)/..., mk/linux.mk).
BACKEND ?=
BDIR = $(if $(BACKEND),$(BUILD)/$(BACKEND),$(BUILD))
BACKEND_CHECK = case "$(BACKEND)" in ""|linux-6.1|linux-6.12|linux-7.2) ;; *) \
	echo "make: BACKEND=$(BACKEND): unknown backend (linux-6.1, linux-6.12, linux-7.2, or empty for the area-map port)" >&2; \
	exit 2;; esac

ALLOC_SRC := $(wildcard $(ALLOC_DIR)/*.c)
ORACLE_SRC := $(wildcard oracle/*.c)
HARNESS_SRC := $(wildcard harness/*.c)
CHECK_SRC := $(wildcard harness/checks/*.c)
# trace/: the text form (TRACE_SRC) and the byte form (INPUT_SRC)
INPUT_SRC := $(wildcard trace/input_*.c)
TRACE_SRC := $(filter-out $(INPUT_SRC),$(wildcard trace/*.c))
LIB_SRC := $(ALLOC_SRC) $(ORACLE_SRC) $(CHECK_SRC) $(TRACE_SRC) $(HARNESS_SRC) $(INPUT_SRC)
TEST_SRC := $(wildcard tests/*.c)
# what the tools share (tools/lib/), and pcpu-replay's own sources
TOOLS_LIB_SRC := $(wildcard tools/lib/*.c)
REPLAY_SRC := tools/replay.c tools/replay_expect.c tools/sandbox.c $(TOOLS_LIB_SRC)
SOAK_SRC := tools/soak.c $(TOOLS_LIB_SRC)
BENCH_SRC := tools/bench.c
# the files built without coverage feedback (NOCOV_SRC)
include mk/nocov.mk

# plain (sanitized) build
obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
LIB_OBJ := $(call obj,$(LIB_SRC))
# libFuzzer build: every object instrumented, the engine linked at the end
FUZZ_CFLAGS = $(CFLAGS_BASE) -O1 $(SAN) -fsanitize=fuzzer-no-link -MMD -MP
fobj = $(patsubst %.c,$(BUILD)/fuzz-obj/%.o,$(1))
# optimised, unsanitized build for benchmarks
fast = $(patsubst %.c,$(BUILD)/fast-obj/%.o,$(1))
# AFL++ build: afl-clang-fast with ASan+UBSan, plus a CmpLog twin
AFL_CC ?= afl-clang-fast
aobj = $(patsubst %.c,$(BUILD)/afl-obj/%.o,$(1))
cobj = $(patsubst %.c,$(BUILD)/cmplog-obj/%.o,$(1))
AFL_ENV = AFL_USE_ASAN=1 AFL_USE_UBSAN=1 AFL_QUIET=1 AFL_CC=$(CLANG)
AFL_CFLAGS = $(CFLAGS_BASE) -O1 -fno-sanitize-recover=all

.PHONY: all test unit-test deps test-deps fuzz-deps afl-deps fuzz afl bench repro help clean

all: $(BUILD)/pcpu-replay $(BUILD)/pcpu-encode
	@if [ -n "$(CLANG)" ]; then $(MAKE) --no-print-directory $(BUILD)/fuzz-pcpu; \
	 else echo "make: no clang: skipping the libFuzzer build"; fi

deps:
	@scripts/ensure-deps.sh base
test-deps:
	@scripts/ensure-deps.sh test
fuzz-deps:
	@scripts/ensure-deps.sh fuzz
afl-deps:
	@scripts/ensure-deps.sh afl

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@
$(BUILD)/fuzz-obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@
# Some files get the sanitizers but no coverage feedback in the fuzz
# builds: mk/nocov.mk says which and why.  Which flags a fuzz object gets
# is decided here, not in its source: a file moved in or out of NOCOV_SRC
# must be recompiled, or a stale object keeps (or lacks) its coverage
# feedback without anyone noticing.
NOCOV_CFLAGS = $(CFLAGS_BASE) -O1 $(SAN) -MMD -MP
$(call fobj,$(LIB_SRC)) $(call aobj,$(LIB_SRC)) $(call cobj,$(LIB_SRC)): Makefile mk/nocov.mk
$(call fobj,$(NOCOV_SRC)): $(BUILD)/fuzz-obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANG) $(NOCOV_CFLAGS) -c $< -o $@
$(BUILD)/fast-obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -O2 -DNDEBUG -MMD -MP -c $< -o $@
$(BUILD)/afl-obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(AFL_ENV) $(AFL_CC) $(AFL_CFLAGS) -c $< -o $@
$(BUILD)/cmplog-obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(AFL_ENV) AFL_LLVM_CMPLOG=1 $(AFL_CC) $(AFL_CFLAGS) -c $< -o $@
$(call aobj,$(NOCOV_SRC)): $(BUILD)/afl-obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANG) $(NOCOV_CFLAGS) -c $< -o $@
$(call cobj,$(NOCOV_SRC)): $(BUILD)/cmplog-obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANG) $(NOCOV_CFLAGS) -c $< -o $@

$(BUILD)/pcpu-replay: $(call obj,$(REPLAY_SRC)) $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) $^ -o $@
$(BUILD)/pcpu-encode: $(call obj,tools/encode.c) $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) $^ -o $@
# every compact geometry header against this backend (docs/byte-format.md)
$(BUILD)/pcpu-geometry-census: $(call obj,tools/geometry_census.c) $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) $^ -o $@
$(BUILD)/pcpu-soak: $(call obj,$(SOAK_SRC)) $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) $^ -o $@
$(BUILD)/unit-tests: $(call obj,$(TEST_SRC)) $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) $^ -o $@
$(BUILD)/fuzz-pcpu: $(call fobj,fuzzers/fuzz_pcpu.c $(LIB_SRC))
	$(CLANG) $(CFLAGS_BASE) $(SAN) -fsanitize=fuzzer $^ -o $@
$(BUILD)/fuzz-empty: $(call fobj,fuzzers/fuzz_empty.c)
	$(CLANG) $(CFLAGS_BASE) $(SAN) -fsanitize=fuzzer $^ -o $@
# make bench only: the same target with the checks off (fuzz_pcpu.c)
$(BUILD)/fuzz-obj/fuzzers/fuzz_pcpu_unchecked.o: fuzzers/fuzz_pcpu.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -DPCPU_FUZZ_UNCHECKED -c $< -o $@
$(BUILD)/fuzz-pcpu-unchecked: $(BUILD)/fuzz-obj/fuzzers/fuzz_pcpu_unchecked.o $(call fobj,$(LIB_SRC))
	$(CLANG) $(CFLAGS_BASE) $(SAN) -fsanitize=fuzzer $^ -o $@
# make bench only: host system calls per execution, counted in host_mem.c
# under the sanitized build's page model (allocator/host_vm.h)
$(BUILD)/pcpu-bench-calls: $(call obj,tools/bench_calls.c) $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) $^ -o $@
$(BUILD)/fast/pcpu-bench: $(call fast,$(BENCH_SRC) $(LIB_SRC))
	@mkdir -p $(dir $@)
	$(CC) $^ -o $@
# make bench only: the same, sanitized, in the campaigns' page model
$(BUILD)/pcpu-bench: $(call obj,$(BENCH_SRC)) $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) $^ -o $@
$(BUILD)/afl-pcpu: $(call aobj,fuzzers/fuzz_pcpu.c $(LIB_SRC))
	$(AFL_ENV) $(AFL_CC) $(AFL_CFLAGS) -fsanitize=fuzzer $^ -o $@
$(BUILD)/afl-pcpu-cmplog: $(call cobj,fuzzers/fuzz_pcpu.c $(LIB_SRC))
	$(AFL_ENV) AFL_LLVM_CMPLOG=1 $(AFL_CC) $(AFL_CFLAGS) -fsanitize=fuzzer $^ -o $@

test: test-deps
	@$(MAKE) --no-print-directory $(BUILD)/pcpu-replay $(BUILD)/pcpu-encode $(BUILD)/unit-tests $(BUILD)/pcpu-soak
	@BUILD=$(BUILD) tests/run-all.sh

unit-test: $(BUILD)/unit-tests
	$(BUILD)/unit-tests

# The op-aware custom mutator (fuzzers/mutator.c) finds the known bugs
# measurably sooner (make find-known: slot-walk 5/5 runs within 300 s,
# median 12.3 s, against none without it; docs/measurements.md 2.43,
# 2.5), so the area-map campaign uses it; MUTATOR=0 for libFuzzer's own.
MUTATOR ?= 1
FUZZ_BIN = $(if $(BACKEND),$(BDIR)/fuzz-pcpu,$(if $(filter 1,$(MUTATOR)),$(BUILD)/fuzz-pcpu-mut,$(BUILD)/fuzz-pcpu))
# Per-input timeouts: TIMEOUT (seconds, libFuzzer's -timeout) and
# AFL_TIMEOUT_MS (afl-fuzz -t).  The scripts' defaults (10 s, 2 s) suit
# the area map; the real kernel replays a large geometry in seconds (a
# 6.1 campaign stopped on a 10 s timeout at 63 CPUs x 9.5 MB units, and a
# 7.2 campaign on a 60 s one at 64 CPUs, an input pcpu-replay runs in
# 9.7 s, with four jobs on two cores), so the linux backends get 300 s
# unless these are set: a timeout ends a campaign.
FUZZ_TIMEOUT = $(or $(TIMEOUT),$(if $(BACKEND),300))
# libFuzzer stops at 2 GiB of RSS; the linux memory model holds every
# populated page of every chunk, and a 7.2 smoke run once passed 2 GiB.
FUZZ_RSS = $(or $(RSS_LIMIT_MB),$(if $(BACKEND),8192))
AFL_TIMEOUT = $(or $(AFL_TIMEOUT_MS),$(if $(BACKEND),300000))

fuzz: fuzz-deps
	@$(BACKEND_CHECK)
	@$(MAKE) --no-print-directory $(FUZZ_BIN) $(BUILD)/pcpu-replay $(BUILD)/pcpu-encode $(BDIR)/pcpu-stats
	@FUZZ_TARGET=$(FUZZ_BIN) $(if $(FUZZ_TIMEOUT),TIMEOUT=$(FUZZ_TIMEOUT)) $(if $(FUZZ_RSS),RSS_LIMIT_MB=$(FUZZ_RSS)) $(if $(BACKEND),FUZZ_STATS=$(BDIR)/pcpu-stats FUZZ_BACKEND=$(BACKEND) \
		FUZZ_DIR=$${WORK:-$$HOME/.cache/percpu-fuzz}/libfuzzer-$(BACKEND)) scripts/fuzz.sh

afl: afl-deps
	@$(BACKEND_CHECK)
	@$(MAKE) --no-print-directory $(BDIR)/afl-pcpu $(BDIR)/afl-pcpu-cmplog $(BUILD)/pcpu-replay $(BUILD)/pcpu-encode $(BDIR)/pcpu-stats
	@$(if $(AFL_TIMEOUT),AFL_TIMEOUT_MS=$(AFL_TIMEOUT)) $(if $(BACKEND),AFL_TARGET=$(BDIR)/afl-pcpu AFL_CMPLOG_TARGET=$(BDIR)/afl-pcpu-cmplog \
		AFL_STATS=$(BDIR)/pcpu-stats AFL_DIR=$${WORK:-$$HOME/.cache/percpu-fuzz}/afl-$(BACKEND)) scripts/afl.sh

# BACKEND=linux-<v>: that kernel's pcpu-bench (sanitized), its hint and
# benign findings counted, not fatal, unless PCPU_NONFATAL says otherwise
bench: fuzz-deps
	@$(BACKEND_CHECK)
	@if [ -n "$(BACKEND)" ]; then \
		$(MAKE) --no-print-directory $(BDIR)/pcpu-bench && \
		PCPU_NONFATAL=$${PCPU_NONFATAL:-hint,benign} $(BDIR)/pcpu-bench $${BENCH_SECONDS:-1}; \
	else \
		$(MAKE) --no-print-directory $(BUILD)/fuzz-pcpu $(BUILD)/fuzz-pcpu-unchecked $(BUILD)/fuzz-empty \
			$(BUILD)/fast/pcpu-bench $(BUILD)/pcpu-bench $(BUILD)/pcpu-encode $(BUILD)/pcpu-bench-calls && \
		scripts/bench.sh; \
	fi

repro: deps
	@if [ -z "$(CRASH)" ]; then echo "usage: make repro CRASH=file [FIXES=list] [BACKEND=linux-6.12]" >&2; exit 2; fi
	@$(BACKEND_CHECK)
	@$(MAKE) --no-print-directory $(BDIR)/pcpu-replay
	@echo "== decoded trace of $(CRASH)"
	@$(BDIR)/pcpu-replay --trace "$(CRASH)"
	@echo "== replay with every check (PCPU_FIXES=$(FIXES))"
	@st=0; PCPU_FIXES=$(FIXES) $(BDIR)/pcpu-replay --results --state "$(CRASH)" || st=$$?; \
	if [ $$st -eq 0 ] && [ -z "$(BACKEND)" ] && [ "$(FIXES)" != none ]; then \
		echo "== it passes with PCPU_FIXES=$(FIXES); replay faithful (PCPU_FIXES=none), as a FIXES=none campaign ran it"; \
		st=0; PCPU_FIXES=none $(BDIR)/pcpu-replay --results --state "$(CRASH)" || st=$$?; \
		if [ $$st -eq 0 ]; then echo "== it passes faithful too: no check fails in either mode"; \
		else echo "== it fails faithful (exit $$st) and passes with PCPU_FIXES=$(FIXES): a known kernel bug whose fix is on by default"; fi; \
	fi; exit $$st

help:
	@echo "percpu-fuzz targets:"
	@echo "  make               build $(BUILD)/pcpu-replay, pcpu-encode (ASan+UBSan) and fuzz-pcpu"
	@echo "  make test          install missing packages (as root), build, run every test"
	@echo "  make fuzz          libFuzzer campaign on corpus/   (TIME=$(TIME) JOBS=$(JOBS) FIXES=$(FIXES) MUTATOR=$(MUTATOR); RUNS=n: n executions)"
	@echo "  make afl           AFL++ campaign on corpus/       (TIME, JOBS, FIXES as above)"
	@echo "  make repro CRASH=f replay one input with the full report and its decoded trace"
	@echo "  make bench         exec/s vs the empty target, what the checks cost a campaign and an operation (SECONDS_EACH=, SEEDS=; BACKEND=: that kernel's per-operation costs)"
	@echo "  make unit-test     unit tests only"
	@echo "  make minimize CRASH=f   operation-level delta debugging to a minimal reproducer"
	@echo "  make triage DIR=d       bucket crash folders by failure signature, name known findings"
	@echo "  make coverage      line/branch coverage of corpus/ and crashes/ (HTML in $(BUILD)/coverage)"
	@echo "  make cmin          merge campaign corpora into corpus/ keeping coverage"
	@echo "  make find-known    time to find each known 4.9 bug from an empty corpus, with and without the mutator"
	@echo "  make mutants       plant bugs in copies of allocator/ and fuzz each (MUTANTS=, MUTANT_TIME=, MUTANT_RUNS=, MUTANT_SEEDS=corpus|empty|both)"
	@echo "  make linux         fetch, verify and build the real 6.1 / 6.12 / 7.2 mm/percpu.c backend"
	@echo "  make linux-test    run its smoke tests; make linux-tools: its fuzz-pcpu, pcpu-replay, -minimize, -triage, -soak, -bench"
	@echo "  make linux-pin V=6.12 [PKG=version]  check and record a new Debian revision of the kernel sources"
	@echo "  make fresh-check   make test and a short make fuzz in a fresh minimal Debian 12 root (debootstrap)"
	@echo "  make oss-fuzz      the ClusterFuzzLite build (.clusterfuzzlite/build.sh runs it: CC, CFLAGS, LIB_FUZZING_ENGINE)"
	@echo "  make include-paths each folder's include path (tests/check-includes.sh)"
	@echo "  make clean         remove $(BUILD)/"
	@echo "knobs: CC=$(CC) BUILD=$(BUILD) OPT=$(OPT) SAN='$(SAN)' WORK=\$$HOME/.cache/percpu-fuzz"
	@echo "       TIMEOUT=s (libFuzzer, per input; 10, linux backends 300) AFL_TIMEOUT_MS=ms (2000, linux 300000)"
	@echo "       RSS_LIMIT_MB=n (libFuzzer -rss_limit_mb; 2048, linux backends 8192)"
	@echo "environment: PCPU_FIXES=align-pow2,slot-walk,map-unwind,pop-fail-count|all|none (FIXES= sets it for campaigns)"
	@echo "             PCPU_VM=poison|mprotect: page model (default poison with ASan, else mprotect)"
	@echo "             PCPU_SWEEP_EVERY=K: sweep the whole state every K ops (tools 1, fuzz targets and bench 64)"
	@echo "backends: BACKEND=linux-6.1|linux-6.12|linux-7.2 for fuzz, afl, repro, minimize, triage (docs/linux.md);"
	@echo "          PCPU_NONFATAL=safety,accounting,hint,benign,none or check names: those findings only count (unset: benign)"
	@echo "          PCPU_NOFAULT=page,chunk,map,vmap: fail lines of those kinds are stepped over (6.1 campaigns: vmap)"

# The README's two commands in a fresh minimal Debian 12 root
# (scripts/fresh-check.sh; FRESH_SOURCES=main for bookworm without its
# security suite).  Slow, and not part of make test.
.PHONY: fresh-check
fresh-check:
	@scripts/fresh-check.sh

clean:
	rm -rf $(BUILD)

# Further targets (campaign tooling, backends) live in mk/, each
# fragment named here, in the order they build on each other: linux.mk
# before linux_checks.mk, which uses its variables; campaign-tools.mk
# before linux.mk, which links its source lists with the kernel backend.
include mk/campaign-tools.mk
include mk/coverage.mk
include mk/linux.mk
include mk/linux_checks.mk
include mk/mutants.mk
include mk/mutator.mk
include mk/oss-fuzz.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
