# SPDX-License-Identifier: GPL-2.0-only
#
# The linux backend: the real, unmodified mm/percpu.c of Linux 6.1, 6.12 and
# 7.2 behind include/pcpu.h (docs/linux.md).  `make linux` fetches and
# verifies the kernel files (scripts/fetch-kernel.sh), generates the shim's
# forwarding headers, builds the glue once per (version x vm|km) and the
# smoke tests: $(BUILD)/linux-<v>/linux-smoke (vm, the default backend)
# and linux-smoke-km; `make linux-test` also runs them.  LINUX_VERSIONS
# narrows the versions; KERNEL_SRC=/path/to/tree takes the files from a
# kernel tree instead of the Debian package (`make linux-6.12 KERNEL_SRC=...`).

LINUX_VERSIONS ?= 6.1 6.12 7.2
LINUX_SHIM := $(BUILD)/linux-shim/include
linux_src = $(BUILD)/kernel-src/linux-$(1)
linux_dir = $(BUILD)/linux-$(1)

# Version-independent objects, built like every other object ($(BUILD)/obj).
LINUX_COMMON_SRC := kernel/shim_rt.c $(wildcard kernel/mem/mem_*.c) kernel/kstate.c \
	kernel/backend_linux.c kernel/backend_snapshot.c \
	kernel/backend_calls.c kernel/backend_view.c $(wildcard kernel/checks/checks_*.c)
LINUX_COMMON_OBJ := $(call obj,$(LINUX_COMMON_SRC))
# The glue object of a version and flavour (vm, km): link it with
# LINUX_COMMON_OBJ and LINUX_LDFLAGS to get include/pcpu.h.
linux_glue = $(call linux_dir,$(1))/obj/glue-$(2).o
LINUX_LDFLAGS :=

# The kernel file is compiled as the kernel compiles it where that matters
# (-fno-strict-aliasing) and with the sanitizers, except UBSan's alignment
# check: list_for_each_entry() ends its walk by forming the container of
# the list head (pcpu_chunk_lists[slot]) as a struct pcpu_chunk *, whose
# type is 64-byte aligned (____cacheline_aligned_in_smp), and compares
# &pos->list with the head.  The kernel's own UBSan leaves that check off
# where unaligned access is cheap, as on x86-64 (CONFIG_UBSAN_ALIGNMENT),
# and so do we, for this one object only.  Include order: the generated stubs, the kernel's
# include/ (linux/percpu.h only), then its mm/ (percpu.c and friends);
# quoted includes also look in kernel/shim and include/ (glue.h's pcpu.h),
# and the generated preempt_points.h is found in its build folder, gen-vm/ or gen-km/ (below).
linux_glue_cflags = -std=gnu11 -Wall -Wextra -Werror -g -fno-omit-frame-pointer \
	$(CFLAGS) $(SAN) -fno-sanitize=alignment -fno-strict-aliasing -MMD -MP \
	-I$(LINUX_SHIM) -I$(call linux_src,$(1))/include -I$(call linux_src,$(1))/mm \
	-iquote kernel/shim -iquote include -DKGLUE_VERSION='"$(1)"' $(if $(filter km,$(2)),-DKGLUE_KM) \
	-I$(call linux_points_dir,$(1),$(2))

# The preemption points of a version and flavour: the functions of the
# fetched sources that release pcpu_lock (kernel/preempt-points.sh), as a
# header the glue compiles into backend_preempt_points().  Generated, not
# written by hand, so a new kernel revision cannot leave the list behind;
# the script fails the build when it cannot tell.
linux_points_dir = $(call linux_dir,$(1))/gen-$(2)
linux_points = $(call linux_points_dir,$(1),$(2))/preempt_points.h

.PHONY: linux linux-src linux-force linux-pin $(addprefix linux-,$(LINUX_VERSIONS))

linux: $(addprefix linux-,$(LINUX_VERSIONS))

linux-src: $(foreach v,$(LINUX_VERSIONS),$(call linux_src,$(v))/mm/percpu.c)

# Build a patched mm/percpu.c beside the pinned one and show what the fix
# does to its finding and to a campaign of fixed length (scripts/linux-fix.sh).
.PHONY: linux-fix
linux-fix:
	@case "$(BACKEND)" in linux-*) ;; *) \
		echo "usage: make linux-fix FIX=crashes/NAME/fix.patch BACKEND=linux-7.2 [RUNS=2000]" >&2; exit 2;; esac
	@if [ -z "$(FIX)" ]; then echo "usage: make linux-fix FIX=crashes/NAME/fix.patch BACKEND=$(BACKEND) [RUNS=2000]" >&2; exit 2; fi
	@BUILD=$(BUILD) scripts/linux-fix.sh $(FIX) $(patsubst linux-%,%,$(BACKEND))

# Record a Debian revision of linux-source-$(V) in kernel/linux-$(V).sha256
# after checking it (scripts/pin-kernel.sh): the newest apt offers, or PKG.
linux-pin:
	@if [ -z "$(V)" ]; then echo "usage: make linux-pin V=6.1|6.12|7.2 [PKG=debian-version]" >&2; exit 2; fi
	@BUILD=$(BUILD) scripts/pin-kernel.sh $(V) $(PKG)

# One forwarding header per kernel include path (kernel/shim/headers.list).
# Each is written to a temporary name and renamed, never deleted first:
# two builds started at once (make linux twice) may both run this while
# the other compiles against the headers.
$(LINUX_SHIM)/.stamp: kernel/shim/headers.list mk/linux.mk
	@mkdir -p $(LINUX_SHIM)
	@sed 's/#.*//' $< | while read -r h; do \
		[ -n "$$h" ] || continue; \
		mkdir -p "$(LINUX_SHIM)/$$(dirname "$$h")"; \
		printf '/* SPDX-License-Identifier: GPL-2.0-only */\n/* <%s>, generated from kernel/shim/headers.list */\n#include "kshim.h"\n' \
			"$$h" >"$(LINUX_SHIM)/$$h.tmp.$$$$" && mv -f "$(LINUX_SHIM)/$$h.tmp.$$$$" "$(LINUX_SHIM)/$$h"; \
	done
	@touch $@

# Fetch and verify; the script leaves verified files untouched.
$(BUILD)/kernel-src/linux-%/mm/percpu.c: kernel/linux-%.sha256 scripts/fetch-kernel.sh \
		$(if $(KERNEL_SRC),linux-force)
	@BUILD=$(BUILD) scripts/fetch-kernel.sh $* $(BUILD)/kernel-src/linux-$*

define LINUX_VERSION_RULES
$(call linux_points,$(1),$(2)): $(call linux_src,$(1))/mm/percpu.c kernel/preempt-points.sh
	@mkdir -p $$(dir $$@)
	sh kernel/preempt-points.sh $(call linux_src,$(1))/mm $(2) >$$@.tmp.$$$$$$$$ && \
	mv -f $$@.tmp.$$$$$$$$ $$@
$(call linux_glue,$(1),$(2)): kernel/glue.c $(call linux_src,$(1))/mm/percpu.c \
		$(LINUX_SHIM)/.stamp kernel/state-sections.sh $(call linux_points,$(1),$(2))
	@mkdir -p $$(dir $$@)
	$$(CC) $$(call linux_glue_cflags,$(1),$(2)) -MT $$@ -MF $$@.d -c $$< -o $$@.tmp.$$$$$$$$ && \
	kernel/state-sections.sh $$@.tmp.$$$$$$$$ $$@.new.$$$$$$$$ && rm -f $$@.tmp.$$$$$$$$ && mv -f $$@.new.$$$$$$$$ $$@
endef
$(foreach v,$(LINUX_VERSIONS),$(foreach f,vm km,$(eval $(call LINUX_VERSION_RULES,$(v),$(f)))))

# What the harness programs of a kernel link besides their own sources:
# harness and its checks, oracle, trace and byte decoder, and the backend.
# kernel/checks/checks_*.c hold the backend's own graded checks
# (backend_check).
LINUX_HARNESS_SRC := $(ORACLE_SRC) $(CHECK_SRC) $(TRACE_SRC) $(HARNESS_SRC) $(INPUT_SRC)
LINUX_CHECKS_SRC := $(wildcard kernel/checks/checks_*.c)
LINUX_BACKEND_SRC := $(LINUX_COMMON_SRC) $(filter-out $(LINUX_COMMON_SRC),$(LINUX_CHECKS_SRC))
# kernel/tests/ktest.c: a trace through the harness, for the kernel's tests
LINUX_KTEST_OBJ = $(call obj,kernel/tests/ktest.c $(LINUX_HARNESS_SRC) $(LINUX_BACKEND_SRC))

# The smoke tests of a version: vm (the default backend) and km.
LINUX_SMOKE_SRC := kernel/tests/smoke.c kernel/tests/preempt.c kernel/tests/ktest_checks.c
define LINUX_SMOKE_RULES
$(call linux_dir,$(1))/linux-smoke: $(call obj,$(LINUX_SMOKE_SRC)) $(LINUX_KTEST_OBJ) \
		$(call linux_glue,$(1),vm)
	$$(CC) $$(ALL_CFLAGS) $$^ $$(LINUX_LDFLAGS) -o $$@
$(call linux_dir,$(1))/linux-smoke-km: $(call obj,$(LINUX_SMOKE_SRC)) $(LINUX_KTEST_OBJ) \
		$(call linux_glue,$(1),km)
	$$(CC) $$(ALL_CFLAGS) $$^ $$(LINUX_LDFLAGS) -o $$@
linux-$(1): $(call linux_dir,$(1))/linux-smoke $(call linux_dir,$(1))/linux-smoke-km
endef
$(foreach v,$(LINUX_VERSIONS),$(eval $(call LINUX_SMOKE_RULES,$(v))))

# Build and run every smoke test (from the top folder: they read corpus/).
.PHONY: linux-test
linux-test: linux
	@rc=0; for v in $(LINUX_VERSIONS); do for t in linux-smoke linux-smoke-km; do \
		$(call linux_dir,$$v)/$$t || rc=1; done; done; exit $$rc

# The harness on top of the linux backend: the same programs as the
# area-map build, from the same sources, linked with the kernel backend
# instead of allocator/, one directory per kernel: $(BUILD)/linux-<v>/
# pcpu-replay, fuzz-pcpu (libFuzzer) and afl-pcpu (AFL++), the campaign
# tools pcpu-minimize and pcpu-triage (mk/campaign-tools.mk's source
# lists), pcpu-soak (random inputs, every check) and pcpu-bench (the
# checks' cost; sanitized here, unlike the area map's), and
# pcpu-geometry-census.  The vm flavour, the kernel's default.
LINUX_TOOLS := pcpu-replay pcpu-geometry-census pcpu-minimize pcpu-triage \
	pcpu-soak pcpu-bench pcpu-stats
linux_tool_src_pcpu-replay = $(REPLAY_SRC)
linux_tool_src_pcpu-geometry-census = tools/geometry_census.c
linux_tool_src_pcpu-minimize = $(MINIMIZE_SRC)
linux_tool_src_pcpu-triage = $(TRIAGE_SRC)
linux_tool_src_pcpu-soak = $(SOAK_SRC)
linux_tool_src_pcpu-bench = $(BENCH_SRC)
linux_tool_src_pcpu-stats = tools/stats.c $(TOOLS_LIB_SRC)
linux_fuzz_glue = $(call linux_dir,$(1))/fuzz-obj/glue-$(2).o
linux_afl_glue = $(call linux_dir,$(1))/afl-obj/glue-$(2).o

# kernel/checks/checks_*.c, kernel/mem/mem_*.c and the views and snapshot
# get no coverage feedback, like harness/checks/check_*.c: mk/nocov.mk lists
# them, the Makefile's rules build them; a file moved in or out of that list
# must be recompiled, as the Makefile says of LIB_SRC.
$(call fobj,$(LINUX_BACKEND_SRC)) $(call aobj,$(LINUX_BACKEND_SRC)) \
	$(call cobj,$(LINUX_BACKEND_SRC)): mk/nocov.mk

# LINUX_TOOL_RULE VERSION TOOL: the sanitized TOOL of one kernel
define LINUX_TOOL_RULE
$(call linux_dir,$(1))/$(2): $(call obj,$(linux_tool_src_$(2)) $(LINUX_HARNESS_SRC) \
		$(LINUX_BACKEND_SRC)) $(call linux_glue,$(1),vm)
	$$(CC) $$(ALL_CFLAGS) $$^ $$(LINUX_LDFLAGS) -o $$@
endef
$(foreach v,$(LINUX_VERSIONS),$(foreach t,$(LINUX_TOOLS),$(eval $(call LINUX_TOOL_RULE,$(v),$(t)))))

define LINUX_HARNESS_RULES
# the kernel file with libFuzzer's coverage, sections renamed as above
$(call linux_fuzz_glue,$(1),vm): kernel/glue.c $(call linux_src,$(1))/mm/percpu.c \
		$(LINUX_SHIM)/.stamp kernel/state-sections.sh $(call linux_points,$(1),vm)
	@mkdir -p $$(dir $$@)
	$$(CLANG) $$(call linux_glue_cflags,$(1),vm) -fsanitize=fuzzer-no-link \
		-MT $$@ -MF $$@.d -c $$< -o $$@.tmp.$$$$$$$$ && \
	kernel/state-sections.sh $$@.tmp.$$$$$$$$ $$@.new.$$$$$$$$ && rm -f $$@.tmp.$$$$$$$$ && mv -f $$@.new.$$$$$$$$ $$@
$(call linux_dir,$(1))/fuzz-pcpu: $(call fobj,fuzzers/fuzz_pcpu.c fuzzers/mutator.c $(LINUX_HARNESS_SRC) \
		$(LINUX_BACKEND_SRC)) $(call linux_fuzz_glue,$(1),vm)
	$$(CLANG) $$(CFLAGS_BASE) $$(SAN) -fsanitize=fuzzer $$^ $$(LINUX_LDFLAGS) -o $$@

# AFL++: afl-clang-fast, the same section renaming.  Not AFL_USE_UBSAN
# here: afl-clang-fast would append -fsanitize=undefined after our
# -fno-sanitize=alignment and turn the alignment check back on (a trap,
# SIGILL, in list_for_each_entry); linux_glue_cflags has UBSan already.
$(call linux_afl_glue,$(1),vm): kernel/glue.c $(call linux_src,$(1))/mm/percpu.c \
		$(LINUX_SHIM)/.stamp kernel/state-sections.sh $(call linux_points,$(1),vm)
	@mkdir -p $$(dir $$@)
	$$(AFL_ENV) env -u AFL_USE_UBSAN $$(AFL_CC) $$(call linux_glue_cflags,$(1),vm) \
		-MT $$@ -MF $$@.d -c $$< -o $$@.tmp.$$$$$$$$ && \
	kernel/state-sections.sh $$@.tmp.$$$$$$$$ $$@.new.$$$$$$$$ && rm -f $$@.tmp.$$$$$$$$ && mv -f $$@.new.$$$$$$$$ $$@
$(call linux_dir,$(1))/afl-pcpu: $(call aobj,fuzzers/fuzz_pcpu.c $(LINUX_HARNESS_SRC) \
		$(LINUX_BACKEND_SRC)) $(call linux_afl_glue,$(1),vm)
	$$(AFL_ENV) $$(AFL_CC) $$(AFL_CFLAGS) -fsanitize=fuzzer $$^ $$(LINUX_LDFLAGS) -o $$@
# its CmpLog twin, for the main instance of scripts/afl.sh
$(call linux_dir,$(1))/cmplog-obj/glue-vm.o: kernel/glue.c $(call linux_src,$(1))/mm/percpu.c \
		$(LINUX_SHIM)/.stamp kernel/state-sections.sh $(call linux_points,$(1),vm)
	@mkdir -p $$(dir $$@)
	$$(AFL_ENV) AFL_LLVM_CMPLOG=1 env -u AFL_USE_UBSAN $$(AFL_CC) \
		$$(call linux_glue_cflags,$(1),vm) -MT $$@ -MF $$@.d -c $$< -o $$@.tmp.$$$$$$$$ && \
	kernel/state-sections.sh $$@.tmp.$$$$$$$$ $$@.new.$$$$$$$$ && rm -f $$@.tmp.$$$$$$$$ && mv -f $$@.new.$$$$$$$$ $$@
$(call linux_dir,$(1))/afl-pcpu-cmplog: $(call cobj,fuzzers/fuzz_pcpu.c $(LINUX_HARNESS_SRC) \
		$(LINUX_BACKEND_SRC)) $(call linux_dir,$(1))/cmplog-obj/glue-vm.o
	$$(AFL_ENV) AFL_LLVM_CMPLOG=1 $$(AFL_CC) $$(AFL_CFLAGS) -fsanitize=fuzzer $$^ \
		$$(LINUX_LDFLAGS) -o $$@

.PHONY: linux-$(1)-tools
linux-$(1)-tools: $(call linux_dir,$(1))/fuzz-pcpu $(addprefix $(call linux_dir,$(1))/,$(LINUX_TOOLS))
endef
$(foreach v,$(LINUX_VERSIONS),$(eval $(call LINUX_HARNESS_RULES,$(v))))

# `make linux-tools`: fuzz-pcpu and LINUX_TOOLS of every version
# (afl-pcpu on demand: make $(BUILD)/linux-6.12/afl-pcpu, or make afl
# BACKEND=...).
.PHONY: linux-tools
linux-tools: $(addprefix linux-,$(addsuffix -tools,$(LINUX_VERSIONS)))
