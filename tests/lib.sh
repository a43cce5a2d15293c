# SPDX-License-Identifier: GPL-2.0-only
#
# Sourced by tests/run-all.sh and every tests/suite-*.sh, from the
# repository root, after the runner sets SUITE (the name on its closing
# line): the counters, a scratch directory $tmp removed on exit, the
# assertion helpers, and the closing line "SUITE: N passed, N failed".
# A runner that stops before finish (set -e, an unexpected exit) still
# prints that line, with one failure more, so run-all.sh never loses it.
pass=0
fail=0
finished=no
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"
if [ "$finished" = no ]; then
	echo "FAIL: $SUITE stopped before its end" >&2
	echo "$SUITE: $pass passed, $((fail + 1)) failed"
	exit 1
fi' EXIT

ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# check NAME COMMAND...: one assertion, named, from a command's exit status
check() {
	_check_name=$1
	shift
	if "$@"; then ok; else ko "$_check_name"; fi
}
# add_counts LINE: add a test program's or a suite's "NAME: P passed, F
# failed" line to the counters; leaves P in $p and F in $f
add_counts() {
	p=$(echo "$1" | sed 's/.*: \([0-9]*\) passed.*/\1/')
	f=$(echo "$1" | sed 's/.* \([0-9]*\) failed.*/\1/')
	pass=$((pass + p))
	fail=$((fail + f))
}
# finish: the closing line; exit status 0 only without failures
finish() {
	finished=yes
	echo "$SUITE: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit $?
}
