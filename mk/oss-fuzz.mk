# SPDX-License-Identifier: GPL-2.0-only
#
# The ClusterFuzzLite / OSS-Fuzz build (.clusterfuzzlite/build.sh runs
# `make oss-fuzz`): the fuzz target fuzzers/fuzz_pcpu.c compiled with the
# engine's $(CC) and $(CFLAGS) as they come (no -Werror: OSS-Fuzz's
# compiler is newer than the project's clang-14 and gcc, which `make test`
# keeps warning-free; a new warning must not stop the fuzzing; no $(SAN):
# the engine's CFLAGS name the sanitizer), linked by $(CXX) $(CXXFLAGS)
# with $(LIB_FUZZING_ENGINE) into $(OSS_DIR)/pcpu; and a host encoder with
# plain flags ($(OSS_DIR)/pcpu-encode: it runs at build time, so it must
# not need the engine or a sanitizer runtime such as MSan's), which
# build.sh uses to encode the seed corpus.  The files of mk/nocov.mk get
# the engine's flags without -fsanitize=fuzzer-no-link.

OSS_DIR = $(BUILD)/oss-fuzz
ossobj = $(patsubst %.c,$(OSS_DIR)/obj/%.o,$(1))
osshost = $(patsubst %.c,$(OSS_DIR)/host-obj/%.o,$(1))
OSS_STD = -std=gnu11 -Wall -Wextra $(INCLUDES) -MMD -MP
LIB_FUZZING_ENGINE ?= -fsanitize=fuzzer

.PHONY: oss-fuzz
oss-fuzz: $(OSS_DIR)/pcpu $(OSS_DIR)/pcpu-encode

$(OSS_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(OSS_STD) -c $< -o $@
$(call ossobj,$(NOCOV_SRC)): $(OSS_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -fsanitize=fuzzer-no-link,$(CFLAGS)) $(OSS_STD) -c $< -o $@
$(call ossobj,$(LIB_SRC)): Makefile mk/nocov.mk
# With libFuzzer (OSS-Fuzz's FUZZING_ENGINE, the default) the target carries
# the op-aware custom mutator, as `make fuzz` does; other engines have no
# LLVMFuzzerMutate for it to fall back on, so they get the plain target.
OSS_MUTATOR = $(if $(filter libfuzzer,$(or $(FUZZING_ENGINE),libfuzzer)),fuzzers/mutator.c)
$(OSS_DIR)/pcpu: $(call ossobj,fuzzers/fuzz_pcpu.c $(LIB_SRC) .clusterfuzzlite/fixes_default.c $(OSS_MUTATOR))
	$(CXX) $(or $(CXXFLAGS),$(CFLAGS)) $^ $(LIB_FUZZING_ENGINE) -o $@

$(OSS_DIR)/host-obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) -O0 $(OSS_STD) -c $< -o $@
$(OSS_DIR)/pcpu-encode: $(call osshost,tools/encode.c $(LIB_SRC))
	$(CC) $^ -o $@
