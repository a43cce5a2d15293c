#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# No false alarms: thousands of long pseudo-random traces (fixed seeds)
# pass every check with every kernel-bug fix on.  A failure saves the input
# under build/soak-failures for `pcpu-replay`.
set -u
BUILD=${BUILD:-build}
mkdir -p "$BUILD/soak-failures"
SUITE=soak
. tests/lib.sh
# two seeds, long and short inputs: 2000 traces in all
for args in "--seed=1 --count=1000 --max-len=4096" "--seed=2 --count=1000 --max-len=512"; do
	# shellcheck disable=SC2086
	if PCPU_FIXES=all "$BUILD/pcpu-soak" $args --save="$BUILD/soak-failures" \
	    >/dev/null 2>"$BUILD/soak-failures/last.err"; then
		ok
	else
		ko "pcpu-soak $args"
		head -30 "$BUILD/soak-failures/last.err" >&2
	fi
done
# the soak test can fail: faithful mode over the same inputs meets the
# known kernel bugs (align-pow2 is reached by random non-power-of-two aligns)
if PCPU_FIXES=none "$BUILD/pcpu-soak" --seed=1 --count=1000 --save="$BUILD/soak-failures" >/dev/null 2>&1; then
	ko "faithful soak found no known bug"
else ok; fi
if "$BUILD/pcpu-soak" --count=0 >/dev/null 2>&1; [ $? -eq 2 ]; then ok; else
	ko "pcpu-soak --count=0 not exit 2"; fi
finish
