# SPDX-License-Identifier: GPL-2.0-only
#
# Planted-bug self-test of the checks (`make mutants`, tests/suite-mutants.sh).
# A mutant is tests/mutants/NAME.mutant: one small source change to one file
# of allocator/.  Its builds live in $(BUILD)/mutants/NAME: a copy of
# allocator/ with the change applied, the objects of the changed files, and
# three programs linked against the project's ordinary objects for everything
# else: pcpu-replay (from $(BUILD)/obj), fuzz-pcpu (from $(BUILD)/fuzz-obj) and
# fuzz-pcpu-mut, the same with the custom mutator.
# Only the changed file is recompiled (every allocator file when the change
# is to a header), so a mutant costs one compile, not a project build.
#
#   make mutants [MUTANTS="a b"] [MUTANT_TIME=s] [MUTANT_RUNS=n] [MUTANT_SEEDS=corpus|empty|both]
#                                                  fuzz each mutant (scripts/mutants.sh)
#   make MUTANT=NAME mutant-replay | mutant-fuzz   build one mutant's programs

MUTANT_TIME ?= 60
# an execution cap, so that a test asks for runs rather than seconds (0: none)
MUTANT_RUNS ?= 0
# corpus: start from the seeds; empty: from nothing, with the custom
# mutator; both: each mutant both ways, and both kill rates
MUTANT_SEEDS ?= both
MUTANTS ?=
# where the specs live (the suite points it at a scratch directory)
MUTANT_SPECS ?= tests/mutants
MUTANT_DIR = $(BUILD)/mutants

.PHONY: mutants mutant-replay mutant-fuzz

mutants: fuzz-deps
	@$(MAKE) --no-print-directory $(BUILD)/pcpu-encode $(BUILD)/pcpu-replay
	@MAKE="$(MAKE)" BUILD=$(BUILD) MUTANT_TIME=$(MUTANT_TIME) MUTANT_RUNS=$(MUTANT_RUNS) \
		MUTANT_SEEDS=$(MUTANT_SEEDS) MUTANTS="$(MUTANTS)" \
		MUTANT_SPECS=$(MUTANT_SPECS) sh scripts/mutants.sh

ifneq ($(MUTANT),)
MUT_D := $(MUTANT_DIR)/$(MUTANT)
MUT_SPEC := $(MUTANT_SPECS)/$(MUTANT).mutant
MUT_FILE := $(shell sed -n 's/^file: *//p' $(MUT_SPEC) 2>/dev/null)
ifeq ($(MUT_FILE),)
$(error MUTANT=$(MUTANT): $(MUT_SPEC) is missing or has no 'file:' line)
endif
# The real allocator sources, not $(ALLOC_DIR): mutants are planted in them.
MUT_ALL_C := $(wildcard allocator/*.c)
MUT_CHANGED := $(if $(filter %.c,$(MUT_FILE)),allocator/$(MUT_FILE),$(MUT_ALL_C))
MUT_KEEP := $(filter-out $(MUT_CHANGED),$(MUT_ALL_C))
MUT_REST := $(ORACLE_SRC) $(CHECK_SRC) $(TRACE_SRC) $(HARNESS_SRC) $(INPUT_SRC)
MUT_OBJ := $(patsubst %.c,$(MUT_D)/obj/%.o,$(MUT_CHANGED))
MUT_FOBJ := $(patsubst %.c,$(MUT_D)/fuzz-obj/%.o,$(MUT_CHANGED))
MUT_STAMP := $(MUT_D)/allocator/.applied

mutant-replay: $(MUT_D)/pcpu-replay
mutant-fuzz: $(MUT_D)/fuzz-pcpu $(MUT_D)/fuzz-pcpu-mut

# A fresh copy of allocator/ with the change applied; fails loudly when the
# change does not apply.
$(MUT_STAMP): $(MUT_SPEC) $(wildcard allocator/*) scripts/mutants.sh
	@sh scripts/mutants.sh --apply $(MUT_SPEC) $(MUT_D)/allocator
	@touch $@

# The mutant's own directory comes first on the include path, so its
# (possibly changed) headers win over allocator/'s.  No -MMD: the stamp and
# include/ are all these objects depend on.
$(MUT_OBJ): $(MUT_D)/obj/%.o: $(MUT_STAMP) $(wildcard include/*.h)
	@mkdir -p $(dir $@)
	$(CC) -I$(MUT_D)/allocator $(filter-out -MMD -MP,$(ALL_CFLAGS)) -c $(MUT_D)/$*.c -o $@
$(MUT_FOBJ): $(MUT_D)/fuzz-obj/%.o: $(MUT_STAMP) $(wildcard include/*.h)
	@mkdir -p $(dir $@)
	$(CLANG) -I$(MUT_D)/allocator $(filter-out -MMD -MP,$(if $(filter $*.c,$(NOCOV_SRC)),$(NOCOV_CFLAGS),$(FUZZ_CFLAGS))) \
		-c $(MUT_D)/$*.c -o $@

$(MUT_D)/pcpu-replay: $(MUT_OBJ) $(call obj,$(REPLAY_SRC) $(MUT_KEEP) $(MUT_REST))
	$(CC) $(ALL_CFLAGS) $^ -o $@
$(MUT_D)/fuzz-pcpu: $(MUT_FOBJ) $(call fobj,fuzzers/fuzz_pcpu.c $(MUT_KEEP) $(MUT_REST))
	$(CLANG) $(CFLAGS_BASE) $(SAN) -fsanitize=fuzzer $^ -o $@
# the same with the op-aware custom mutator, for the empty-corpus mode
$(MUT_D)/fuzz-pcpu-mut: $(MUT_FOBJ) $(call fobj,fuzzers/fuzz_pcpu.c $(MUT_KEEP) $(MUT_REST) fuzzers/mutator.c)
	$(CLANG) $(CFLAGS_BASE) $(SAN) -fsanitize=fuzzer $^ -o $@
else
mutant-replay mutant-fuzz:
	@echo "usage: make MUTANT=NAME $@ (NAME from tests/mutants/*.mutant)" >&2; exit 2
endif
