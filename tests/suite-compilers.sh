#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The tree builds with -Wall -Wextra -Werror under gcc as well as under
# clang, the compiler every other suite uses: each userspace program (the
# tools, pcpu-bench, the unit tests and the mutator's test driver) is
# built with gcc into a scratch directory, one assertion per program, and
# the unit tests of that build must pass.  Without sanitizers, so that it
# stays quick: the warnings do not depend on them, and run-all.sh runs the
# sanitized build.  The libFuzzer and AFL++ targets need clang and are not
# built here; the linux backends have their own suite.  Skipped in one
# line where gcc is missing.
set -u
BUILD=${BUILD:-build}
SUITE=compilers
. tests/lib.sh

GCC=${GCC:-$(command -v gcc || true)}
PROGRAMS="pcpu-replay pcpu-encode pcpu-minimize pcpu-triage pcpu-soak
pcpu-stats pcpu-geometry-census pcpu-bench-calls fast/pcpu-bench
unit-tests mutator-test"

if [ -z "$GCC" ]; then
	skip "gcc: not installed, the tree was not built with it"
else
	out=$tmp/gcc
	for p in $PROGRAMS; do
		if make -j2 --no-print-directory CC="$GCC" SAN= BUILD="$out" \
		    "$out/$p" >"$tmp/make.log" 2>&1; then ok; else
			ko "gcc build of $p"; grep -E 'error|warning' "$tmp/make.log" | head -5 >&2; fi
	done
	if [ -x "$out/unit-tests" ]; then
		line=$("$out/unit-tests" 2>"$tmp/unit.err" | grep '^unit: ' || echo "unit: 0 passed, 1 failed")
		case $line in
		"unit: "*" passed, 0 failed") ok ;;
		*) ko "unit tests of the gcc build: $line"; cat "$tmp/unit.err" >&2 ;;
		esac
	fi
fi
finish
