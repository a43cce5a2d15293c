# SPDX-License-Identifier: GPL-2.0-only
#
# linux-checks: the tests of the linux backend's own checks
# (kernel/checks/checks_*.c, backend_check) on planted values and on
# traces run through the harness (kernel/tests/ktest.c), one binary per
# kernel version: $(BUILD)/linux-<v>/linux-checks (vm).
# `make linux-checks` builds them; tests/suite-linux-checks.sh runs them.
# Uses mk/linux.mk's variables, which are set by the time this file is
# read (the Makefile includes linux.mk before linux_checks.mk).

ifndef LINUX_KTEST_OBJ
$(error mk/linux_checks.mk: mk/linux.mk must be read first)
endif

define LINUX_CHECKS_RULES
$(call linux_dir,$(1))/linux-checks: $(call obj,kernel/tests/checks_test.c) $(LINUX_KTEST_OBJ) \
		$(call linux_glue,$(1),vm)
	$$(CC) $$(ALL_CFLAGS) $$^ $$(LINUX_LDFLAGS) -o $$@
endef
$(foreach v,$(LINUX_VERSIONS),$(eval $(call LINUX_CHECKS_RULES,$(v))))

.PHONY: linux-checks
linux-checks: $(foreach v,$(LINUX_VERSIONS),$(call linux_dir,$(v))/linux-checks)
