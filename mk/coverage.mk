# SPDX-License-Identifier: GPL-2.0-only
#
# Campaign tooling: source-based coverage of the corpus and the findings
# (make coverage), corpus minimisation (make cmin) and campaign statistics
# in allocator terms (build/pcpu-stats).  Included by the Makefile.

# Coverage build: clang's source-based coverage, no sanitizers (they add
# branches of their own and slow the replay down), objects kept apart in
# $(BUILD)/cov so they never mix with the sanitized ones.
COV_DIR = $(BUILD)/cov
COV_CFLAGS = $(CFLAGS_BASE) -O1 -fprofile-instr-generate -fcoverage-mapping -MMD -MP
covobj = $(patsubst %.c,$(COV_DIR)/obj/%.o,$(1))
# Inputs replayed with PCPU_FIXES=all; crashes/*/ are always replayed both ways.
COV_INPUTS ?= corpus

$(COV_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANG) $(COV_CFLAGS) -c $< -o $@
$(COV_DIR)/pcpu-replay: $(call covobj,$(REPLAY_SRC) $(LIB_SRC))
	$(CLANG) -fprofile-instr-generate $^ -o $@

# Same flags and library as build/pcpu-replay.
$(BUILD)/pcpu-stats: $(call obj,tools/stats.c $(TOOLS_LIB_SRC)) $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) $^ -o $@

.PHONY: coverage cmin cov-deps
cov-deps:
	@scripts/ensure-deps.sh cov

coverage: cov-deps
	@$(MAKE) --no-print-directory $(COV_DIR)/pcpu-replay
	@COV_DIR=$(COV_DIR) scripts/coverage.sh $(COV_INPUTS)

# Minimise $(WORK)/libfuzzer/corpus plus corpus/ into corpus/ (see
# scripts/cmin.sh: hand-written .trace seeds are never touched).
cmin: fuzz-deps
	@$(MAKE) --no-print-directory $(BUILD)/fuzz-pcpu $(BUILD)/pcpu-replay $(BUILD)/pcpu-encode
	@scripts/cmin.sh $(CMIN_FROM)

# The campaign drivers end with pcpu-stats' summary of their corpus.
fuzz afl: $(BUILD)/pcpu-stats
