# SPDX-License-Identifier: GPL-2.0-only
#
# The op-aware custom mutator (fuzzers/mutator.c) in its own libFuzzer
# binary, fuzz-pcpu-mut, so that fuzz-pcpu stays engine-neutral (AFL++
# ignores custom libFuzzer mutators); `make find-known` measures how long
# each binary takes to find the two known 4.9 bugs from an empty corpus.

TRIALS ?= 5
LIMIT ?= 300

# The mutator is compiled with the sanitizers but without coverage
# feedback (mk/nocov.mk lists it).
$(BUILD)/fuzz-pcpu-mut: $(call fobj,fuzzers/fuzz_pcpu.c $(LIB_SRC) fuzzers/mutator.c)
	$(CLANG) $(CFLAGS_BASE) $(SAN) -fsanitize=fuzzer $^ -o $@

# Test driver: includes fuzzers/mutator.c, stubs LLVMFuzzerMutate; plain build.
$(BUILD)/mutator-test: $(call obj,tests/mutator/driver.c) $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) $^ -o $@

.PHONY: find-known
find-known: fuzz-deps
	@$(MAKE) --no-print-directory $(BUILD)/fuzz-pcpu $(BUILD)/fuzz-pcpu-mut $(BUILD)/pcpu-replay
	@TRIALS=$(TRIALS) LIMIT=$(LIMIT) RUNS=$(RUNS) scripts/find-known.sh
