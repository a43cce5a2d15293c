#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The linux backend's own checks (kernel/checks/checks_*.c, backend_check), per
# kernel version (build/linux-<v>/linux-checks, mk/linux_checks.mk):
#  1. the unit tests: every check fires, with its grade, on a planted value
#     (a fake pcpu_block_md, or a bit written into a live allocation map);
#     consistent values and fresh instances pass; the fit search;
#  2. every crashes/linux-*/ reproducer shows its expected check on every
#     backend its expected file lists, and not on a version it omits
#     ($BUILD/linux-<v>/pcpu-replay, built here, with every finding only
#     counted: its `nonfatal:` summary names the check or not); fails
#     that check first; and a folder's consequence.linux.trace shows its
#     `consequence:` line;
#  3. bad input to the test program and to pcpu-replay: exit 2.
set -u
BUILD=${BUILD:-build}
VERSIONS=${LINUX_VERSIONS:-6.1 6.12 7.2}
SUITE=linux-checks
. tests/lib.sh

# only the kernels whose pinned sources can be had here; the others are
# skipped with the fetch's reason
linux_available $VERSIONS
VERSIONS=$LINUX_AVAILABLE
[ -n "$VERSIONS" ] || finish

# pcpu-replay too: without it the reproducers' first-failing-check and
# consequence replays below would be skipped, as they were on a clean
# clone (this suite runs before suite-linux.sh builds the tools)
replays=""
for v in $VERSIONS; do replays="$replays $BUILD/linux-$v/pcpu-replay"; done
# shellcheck disable=SC2086 # one word per binary
if make --no-print-directory -j2 BUILD="$BUILD" LINUX_VERSIONS="$VERSIONS" \
	linux-checks $replays >"$tmp/make.log" 2>&1; then ok; else
	ko "make linux-checks"; tail -20 "$tmp/make.log" >&2
	finish
fi

for v in $VERSIONS; do
	bin=$BUILD/linux-$v/linux-checks
	# 1. the unit tests' own assertions
	"$bin" >"$tmp/unit.out" 2>"$tmp/unit.err"; st=$?
	head -20 "$tmp/unit.err" >&2
	line=$(grep '^linux-checks: ' "$tmp/unit.out" || echo "linux-checks: 0 passed, 1 failed")
	add_counts "$line"
	if [ "$st" -ne 0 ] && [ "$f" -eq 0 ]; then ko "$v: linux-checks exited $st"; fi
	if [ "$p" -lt 30 ]; then ko "$v: linux-checks ran only $p assertions"; fi

	# 2. the reproducers of the linux findings: the expected file read
	#    by pcpu-replay (--expect-value), the one reader of its format
	replay=$BUILD/linux-$v/pcpu-replay
	for d in crashes/linux-*/; do
		[ -f "$d/expected" ] && [ -f "$d/reproducer.linux.trace" ] || continue
		check=$("$replay" --expect "$d" --expect-value=check 2>"$tmp/val.err")
		# a death (dies:) has no check for the check-test program:
		# only the harness replays it, in a child
		if [ -z "$check" ] && [ -n "$("$replay" --expect "$d" --expect-value=dies 2>/dev/null)" ]; then
			expect_finding "$d" "$replay"
			continue
		fi
		[ -n "$check" ] || { ko "$v: $d: $(head -n 1 "$tmp/val.err")"; continue; }
		if "$replay" --expect "$d" --expect-value=backend | grep -qx "linux-$v"; then
			want=yes; else want=no; fi
		PCPU_NONFATAL=safety,accounting,hint,benign "$replay" "$d/reproducer.linux.trace" \
			>/dev/null 2>"$tmp/exp.err"
		if grep '^nonfatal: ' "$tmp/exp.err" | grep -Eq "[:,] $check [0-9]"; then
			shows=yes; else shows=no; fi
		check "$v: $d: $check shows: $shows, wanted $want" test "$shows" = "$want"
		# the harness: every finding fatal, then the default grades (a
		# benign finding counted, any other stopping the run), then the
		# consequence line, or on a version not named: no such failure
		expect_finding "$d" "$replay"
	done

	# 3. bad input
	printf 'alloc\n' >"$tmp/bad.trace"
	"$replay" "$tmp/bad.trace" >/dev/null 2>"$tmp/bad.err"; st=$?
	if [ "$st" -eq 2 ] && [ "$(wc -l <"$tmp/bad.err")" -eq 1 ]; then ok; else
		ko "$v: pcpu-replay, bad trace: exit $st"; fi
	"$bin" --no-such >/dev/null 2>&1; st=$?
	if [ "$st" -eq 2 ]; then ok; else ko "$v: unknown option: exit $st"; fi
done

finish
