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
nskipped=0
finished=no
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"
if [ "$finished" = no ]; then
	echo "FAIL: $SUITE stopped before its end" >&2
	echo "$SUITE: $pass passed, $((fail + 1)) failed$(skipped_text)"
	exit 1
fi' EXIT

ok() { pass=$((pass + 1)); }
# expect_finding DIR [VAR=value...] REPLAY: replay the finding folder DIR
# as its expected file says (pcpu-replay --expect, the one reader of that
# format): each `ok` line it prints one pass; a mismatch or a malformed
# expected file one failure, with its one-line reason
expect_finding() {
	_d=$1
	shift
	env "$@" --expect "$_d" >"$tmp/expect.out" 2>"$tmp/expect.err"
	_st=$?
	pass=$((pass + $(grep -c '^ok ' "$tmp/expect.out")))
	if [ "$_st" -ne 0 ]; then
		ko "$_d: pcpu-replay --expect exited $_st: $(head -n 1 "$tmp/expect.err")"
	fi
}
ko() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# skip REASON: a part that cannot run on this machine (for example a kernel
# backend whose sources apt no longer offers), said in one line and counted
skip() { nskipped=$((nskipped + 1)); echo "SKIP: $*" >&2; }
skipped_text() { [ "$nskipped" -eq 0 ] || echo ", $nskipped skipped"; }
# check NAME COMMAND...: one assertion, named, from a command's exit status
check() {
	_check_name=$1
	shift
	if "$@"; then ok; else ko "$_check_name"; fi
}
# add_counts LINE: add a test program's or a suite's "NAME: P passed, F
# failed[, S skipped]" line to the counters; leaves P in $p and F in $f
add_counts() {
	p=$(echo "$1" | sed 's/.*: \([0-9]*\) passed.*/\1/')
	f=$(echo "$1" | sed 's/.* \([0-9]*\) failed.*/\1/')
	_s=$(echo "$1" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
	pass=$((pass + p))
	fail=$((fail + f))
	nskipped=$((nskipped + ${_s:-0}))
}
# linux_available VERSION...: set $LINUX_AVAILABLE to the kernel versions
# whose pinned sources this machine has or can fetch (scripts/fetch-kernel.sh,
# one version at a time).  A version apt cannot offer (the fetch's exit 3)
# is skipped with the fetch's one-line reason; any other fetch failure
# fails the suite's run.
linux_available() {
	LINUX_AVAILABLE=""
	for _v in "$@"; do
		BUILD=$BUILD scripts/fetch-kernel.sh "$_v" >"$tmp/fetch.out" 2>"$tmp/fetch.err"
		case $? in
		0) LINUX_AVAILABLE="$LINUX_AVAILABLE $_v" ;;
		3) skip "$(tail -n 1 "$tmp/fetch.err" | sed 's/^fetch-kernel.sh: //')" ;;
		*) ko "scripts/fetch-kernel.sh $_v: $(tail -n 1 "$tmp/fetch.err")" ;;
		esac
	done
	LINUX_AVAILABLE=${LINUX_AVAILABLE# }
}
# finish: the closing line; exit status 0 only without failures
finish() {
	finished=yes
	echo "$SUITE: $pass passed, $fail failed$(skipped_text)"
	[ "$fail" -eq 0 ]
	exit $?
}
