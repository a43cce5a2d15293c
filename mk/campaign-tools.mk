# SPDX-License-Identifier: GPL-2.0-only
#
# Campaign tools: shrink one crash to a readable reproducer, and sort a
# campaign's crash folders into one bucket per failure signature.
# FIXES defaults to the Makefile's (all): the crashes of a campaign run
# with FIXES=none (faithful mode) must be minimised and triaged with
# FIXES=none too, or they pass and there is nothing to see.  BACKEND picks
# the build, as for repro: the linux backends' pcpu-minimize and
# pcpu-triage (mk/linux.mk, from the same sources) replay on the kernel
# the crash came from; PCPU_NONFATAL reaches them unchanged.

.PHONY: minimize triage

# The tools' own sources; mk/linux.mk links the same lists with the
# kernel backend (the Makefile includes this file before it).
MINIMIZE_SRC := tools/minimize.c tools/reduce.c tools/reduce_args.c $(TOOLS_LIB_SRC) \
	tools/reduce_geometry.c tools/sandbox.c
TRIAGE_SRC := tools/triage.c tools/triage_inputs.c tools/triage_known.c \
	tools/sandbox.c $(TOOLS_LIB_SRC)

$(BUILD)/pcpu-minimize: $(call obj,$(MINIMIZE_SRC)) $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) $^ -o $@
$(BUILD)/pcpu-triage: $(call obj,$(TRIAGE_SRC)) $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) $^ -o $@

minimize: deps
	@if [ -z "$(CRASH)" ]; then echo "usage: make minimize CRASH=file [FIXES=list] [BACKEND=linux-6.12]" >&2; exit 2; fi
	@$(BACKEND_CHECK)
	@$(MAKE) --no-print-directory $(BDIR)/pcpu-minimize
	@PCPU_FIXES=$(FIXES) $(BDIR)/pcpu-minimize "$(CRASH)"

# DIR may name several folders: DIR="out/*/crashes artifacts"
triage: deps
	@if [ -z "$(DIR)" ]; then echo "usage: make triage DIR='dir...' [FIXES=list] [REPORT=file] [BACKEND=linux-6.12]" >&2; exit 2; fi
	@$(BACKEND_CHECK)
	@$(MAKE) --no-print-directory $(BDIR)/pcpu-triage
	@PCPU_FIXES=$(FIXES) $(BDIR)/pcpu-triage $(if $(REPORT),--report="$(REPORT)") $(DIR)
