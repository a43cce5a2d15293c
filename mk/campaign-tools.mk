# SPDX-License-Identifier: GPL-2.0-only
#
# Campaign tools: shrink one crash to a readable reproducer, and sort a
# campaign's crash folders into one bucket per failure signature.
# FIXES defaults to the Makefile's (all): the crashes of a campaign run
# with FIXES=none (faithful mode) must be minimised and triaged with
# FIXES=none too, or they pass and there is nothing to see.

.PHONY: minimize triage

$(BUILD)/pcpu-minimize: $(call obj,tools/minimize.c tools/reduce.c tools/reduce_args.c tools/reduce_geometry.c tools/sandbox.c) $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) $^ -o $@
$(BUILD)/pcpu-triage: $(call obj,tools/triage.c tools/triage_inputs.c tools/triage_known.c tools/sandbox.c) $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) $^ -o $@

minimize: deps
	@if [ -z "$(CRASH)" ]; then echo "usage: make minimize CRASH=file [FIXES=list]" >&2; exit 2; fi
	@$(MAKE) --no-print-directory $(BUILD)/pcpu-minimize
	@PCPU_FIXES=$(FIXES) $(BUILD)/pcpu-minimize "$(CRASH)"

# DIR may name several folders: DIR="out/*/crashes artifacts"
triage: deps
	@if [ -z "$(DIR)" ]; then echo "usage: make triage DIR='dir...' [FIXES=list] [REPORT=file]" >&2; exit 2; fi
	@$(MAKE) --no-print-directory $(BUILD)/pcpu-triage
	@PCPU_FIXES=$(FIXES) $(BUILD)/pcpu-triage $(if $(REPORT),--report="$(REPORT)") $(DIR)
