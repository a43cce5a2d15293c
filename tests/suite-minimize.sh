#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# pcpu-replay --signature, pcpu-minimize and pcpu-triage on crafted crash
# files (tests/minimize/): the known findings buried in noise must shrink
# to about the size of their hand-written reproducers and keep failing the
# same check; triage must bucket a crafted campaign folder by signature
# and name the known findings; the sanitizer-report parser must read the
# reports of the compiler in use.  Faithful mode (PCPU_FIXES=none)
# throughout, since the findings are fixed by default.
# Ends with "minimize: N passed, N failed"; exits non-zero on failure.
set -eu
BUILD=${BUILD:-build}
REPLAY=$BUILD/pcpu-replay
ENCODE=$BUILD/pcpu-encode
MIN=$BUILD/pcpu-minimize
TRIAGE=$BUILD/pcpu-triage
SW_KNOWN=crashes/slot-walk-hang/reproducer.trace
AP_KNOWN=crashes/align-pow2/reproducer.trace
SUITE=minimize
. tests/lib.sh
# operations of a trace or raw input, as the decoder sees them
ops() { "$REPLAY" --trace "$1" | grep -vc '^geometry' || true; }
# the signature line of one input
sig() { "$REPLAY" -q --signature "$@" 2>/dev/null || true; }

if ! make --no-print-directory BUILD="$BUILD" "$REPLAY" "$ENCODE" "$MIN" \
	"$TRIAGE" >"$tmp/make.log" 2>&1; then
	tail -20 "$tmp/make.log" >&2
	ko "build of the tools"
	finish
fi
export PCPU_FIXES=none

# 1. pcpu-replay --signature: the known findings, a pass, several inputs
check "signature of $SW_KNOWN" test "$(sig "$SW_KNOWN")" = \
	"signature check=hang op=alloc chunk=none fault=no nested=no"
check "signature of $AP_KNOWN" test "$(sig "$AP_KNOWN")" = \
	"signature check=overlap op=alloc chunk=first fault=no nested=no"
check "noisy slot-walk signature (a fault fired first)" \
	test "$(sig tests/minimize/slot-walk-noisy.trace)" = \
	"signature check=hang op=alloc chunk=none fault=yes nested=no"
check "noisy align-pow2 signature" \
	test "$(sig tests/minimize/align-pow2-noisy.trace)" = \
	"signature check=overlap op=alloc chunk=first fault=yes nested=no"
# the chunk kinds: align-pow2 in the reserved chunk and in a created one
printf 'geometry cpus=2 unit=45056 static=24576 reserved=8192 dyn=12288\nalloc 12 reserved\nalloc 4 align=12 reserved\n' >"$tmp/reserved.trace"
printf 'geometry cpus=2\nalloc 16384\nalloc 12\nalloc 4 align=12\n' >"$tmp/created.trace"
check "signature names the reserved chunk" test "$(sig "$tmp/reserved.trace")" = \
	"signature check=overlap op=alloc chunk=reserved fault=no nested=no"
check "signature names a created chunk" test "$(sig "$tmp/created.trace")" = \
	"signature check=overlap op=alloc chunk=created fault=no nested=no"
check "signature pass with the fix" test "$(sig --fix=slot-walk "$SW_KNOWN")" = \
	"signature pass"
st=0
"$REPLAY" -q --signature "$SW_KNOWN" >/dev/null 2>&1 || st=$?
check "--signature keeps exit status 1 on a failure" test "$st" -eq 1
"$REPLAY" --signature --fix=all "$SW_KNOWN" "$AP_KNOWN" >"$tmp/two" 2>&1 || true
check "--signature with several inputs names each" test "$(cat "$tmp/two")" = \
	"$SW_KNOWN: signature pass
$AP_KNOWN: signature pass"
check "replay --help documents --signature" \
	sh -c "'$REPLAY' --help | grep -q -- '--signature'"

# 2. pcpu-minimize on the noisy inputs, the known reproducers and the
# bytes of a noisy one: same check at the same kind of operation, no
# longer than the hand-written reproducer plus two, written next to the
# input, and cured by the finding's fix (so it is the same bug).
mkdir -p "$tmp/m"
cp tests/minimize/slot-walk-noisy.trace tests/minimize/align-pow2-noisy.trace "$tmp/m/"
cp "$SW_KNOWN" "$tmp/m/slot-walk-known.trace"
cp "$AP_KNOWN" "$tmp/m/align-pow2-known.trace"
"$ENCODE" tests/minimize/slot-walk-noisy.trace "$tmp/m/slot-walk-noisy-bytes"
sw_bound=$(($(ops "$SW_KNOWN") + 2))
ap_bound=$(($(ops "$AP_KNOWN") + 2))
for f in slot-walk-noisy.trace slot-walk-noisy-bytes slot-walk-known.trace \
	align-pow2-noisy.trace align-pow2-known.trace; do
	in=$tmp/m/$f
	case $f in
	slot-walk*) core="check=hang op=alloc "; bound=$sw_bound; fix=slot-walk ;;
	*) core="check=overlap op=alloc "; bound=$ap_bound; fix=align-pow2 ;;
	esac
	before=$(ops "$in")
	st=0
	"$MIN" "$in" >"$tmp/min.out" 2>"$tmp/min.err" || st=$?
	if [ $st -ne 0 ] || [ ! -f "$in.min" ] || [ ! -f "$in.min.trace" ]; then
		ko "minimize $f: exit $st, outputs missing"
		cat "$tmp/min.err" >&2
		continue
	fi
	ok
	after=$(ops "$in.min.trace")
	echo "minimize $f: $before -> $after operations"
	check "minimised $f fails $core" sh -c \
		"'$REPLAY' -q --signature '$in.min.trace' | grep -q '^signature $core'"
	check "minimised $f: $after operations, bound $bound" test "$after" -le "$bound"
	check "minimised $f: not longer than the input" test "$after" -le "$before"
	check "$f.min (bytes) decodes to the same trace" test \
		"$("$REPLAY" --trace "$in.min")" = "$("$REPLAY" --trace "$in.min.trace")"
	check "minimised $f passes with fix $fix" test \
		"$(sig --fix="$fix" "$in.min.trace")" = "signature pass"
	check "minimiser prints the trace it wrote for $f" cmp -s "$tmp/min.out" "$in.min.trace"
done
# the noise is gone: no fault injection, free of noise, balance left
check "noisy slot-walk minimised without faults or balances" sh -c \
	"! grep -Eq '^(fail|balance)' '$tmp/m/slot-walk-noisy.trace.min.trace'"
check "noisy align-pow2 minimised to at most 2 operations" \
	test "$(ops "$tmp/m/align-pow2-noisy.trace.min.trace")" -le 2

# determinism: the same input elsewhere gives the same trace
mkdir -p "$tmp/again"
cp tests/minimize/slot-walk-noisy.trace "$tmp/again/"
# BUILD may be absolute (BUILD=/tmp/b sh tests/suite-minimize.sh)
case $MIN in /*) min_abs=$MIN ;; *) min_abs=$PWD/$MIN ;; esac
(cd "$tmp/again" && "$min_abs" -q slot-walk-noisy.trace 2>/dev/null) || true
(cd "$tmp/m" && sed 1d slot-walk-noisy.trace.min.trace) >"$tmp/a"
(cd "$tmp/again" && sed 1d slot-walk-noisy.trace.min.trace 2>/dev/null) >"$tmp/b" || true
check "minimiser is deterministic" cmp -s "$tmp/a" "$tmp/b"
check "--exact keeps the fault flag" sh -c \
	"cp tests/minimize/slot-walk-noisy.trace '$tmp/exact.trace' &&
	 '$MIN' -q --exact '$tmp/exact.trace' 2>/dev/null &&
	 '$REPLAY' -q --signature '$tmp/exact.trace.min.trace' |
	 grep -qx 'signature check=hang op=alloc chunk=none fault=yes nested=no'"

# 3. pcpu-minimize errors: exit 2 with one line naming the problem
expect_error() { # NAME PATTERN COMMAND...
	name=$1 pattern=$2
	shift 2
	st=0
	"$@" >/dev/null 2>"$tmp/err" || st=$?
	if [ $st -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	    grep -q -- "$pattern" "$tmp/err"; then ok; else
		ko "$name: exit $st"; cat "$tmp/err" >&2; fi
}
printf 'alloc 8\nbogus 3\n' >"$tmp/bad.trace"
cp corpus/faults.trace "$tmp/passes.trace"
cp tests/minimize/slot-walk-noisy.trace "$tmp/fixed.trace"
expect_error "minimize: missing file" "no-such.trace: cannot open" "$MIN" "$tmp/no-such.trace"
expect_error "minimize: bad trace" "bad.trace:2:" "$MIN" "$tmp/bad.trace"
expect_error "minimize: input that passes" "does not fail" "$MIN" "$tmp/passes.trace"
expect_error "minimize: fixed finding" "nothing to minimise" "$MIN" --fix=all "$tmp/fixed.trace"
expect_error "minimize: bad --timeout" "timeout" "$MIN" --timeout=0 "$tmp/fixed.trace"
expect_error "minimize: bad --fix" "fix" "$MIN" --fix=bogus "$tmp/fixed.trace"
expect_error "minimize: no input" "no input" "$MIN"
check "nothing written for an input that passes" test ! -e "$tmp/passes.trace.min"

# 4. pcpu-triage on a crafted campaign folder: two noisy crashes of each
# finding (text and bytes), one hand-written reproducer of each (their
# signatures differ in the fault flag: two buckets per finding), one
# input that passes, junk bytes (they decode to a passing trace), one
# unreadable trace, and files triage must skip.
c=$tmp/campaign
mkdir -p "$c"
cp tests/minimize/slot-walk-noisy.trace "$c/sw-noisy.trace"
"$ENCODE" tests/minimize/slot-walk-noisy.trace "$c/crash-sw-noisy"
cp "$SW_KNOWN" "$c/sw-known.trace"
cp tests/minimize/align-pow2-noisy.trace "$c/ap-noisy.trace"
"$ENCODE" tests/minimize/align-pow2-noisy.trace "$c/crash-ap-noisy"
"$ENCODE" "$AP_KNOWN" "$c/crash-ap-known"
cp corpus/faults.trace "$c/passes.trace"
printf 'junk\001\377garbage bytes\n' >"$c/junk"
cp "$tmp/bad.trace" "$c/unreadable.trace"
echo "AFL++ writes one of these" >"$c/README.txt"
cp "$c/crash-sw-noisy" "$c/.hidden"
cp "$c/crash-sw-noisy" "$c/crash-sw-noisy.min"
st=0
"$TRIAGE" "$c" >"$tmp/triage.out" 2>"$tmp/triage.err" || st=$?
check "triage exits 0" test $st -eq 0
check "triage summary" test "$(head -1 "$tmp/triage.out")" = \
	"triage: 9 inputs, 4 buckets, 2 passed, 1 unreadable (fixes none)"
bucket() { grep -c "^$1 x $2 | $3 | smallest: " "$tmp/triage.out" || true; }
check "bucket: 2 noisy slot-walk" test "$(bucket 2 \
	'check=hang op=alloc chunk=none fault=yes nested=no' 'known: slot-walk-hang')" -eq 1
check "bucket: 1 slot-walk reproducer" test "$(bucket 1 \
	'check=hang op=alloc chunk=none fault=no nested=no' 'known: slot-walk-hang')" -eq 1
check "bucket: 2 noisy align-pow2" test "$(bucket 2 \
	'check=overlap op=alloc chunk=first fault=yes nested=no' 'known: align-pow2')" -eq 1
check "bucket: 1 align-pow2 reproducer" test "$(bucket 1 \
	'check=overlap op=alloc chunk=first fault=no nested=no' 'known: align-pow2')" -eq 1
check "smallest reproducer: fewest operations, then bytes" \
	grep -q "fault=yes nested=no | known: slot-walk-hang | smallest: $c/crash-sw-noisy (48 ops," "$tmp/triage.out"
check "unreadable input listed" grep -q "^unreadable: $c/unreadable.trace:2:" "$tmp/triage.out"
check "report file written as printed" cmp -s "$tmp/triage.out" "$c/triage.txt"
"$TRIAGE" -q --report="$tmp/r.txt" "$c" >"$tmp/q.out" 2>&1 || true
check "--report and --quiet" sh -c "[ ! -s '$tmp/q.out' ] && cmp -s '$tmp/r.txt' '$c/triage.txt'"
"$TRIAGE" --fix=all --report="$tmp/all.txt" "$c" >/dev/null 2>&1 || true
check "with every fix on the findings pass" sh -c \
	"head -1 '$tmp/all.txt' | grep -q ', 0 buckets, 8 passed,' &&
	 grep -q 'need --fix=none' '$tmp/all.txt'"
# a known finding whose fix does not cure a bucket of its signature
mkdir -p "$tmp/known/fake"
cp "$SW_KNOWN" "$tmp/known/fake/reproducer.trace"
printf 'check: hang\nfix: align-pow2\n' >"$tmp/known/fake/expected"
"$TRIAGE" --known="$tmp/known" --report="$tmp/k.txt" "$c/sw-known.trace" >/dev/null 2>&1 || true
check "signature match without cure is not named known" \
	grep -q "| new (like fake, but its fix does not cure it) |" "$tmp/k.txt"
# AFL++ layout: instance folders with crashes/, other files ignored
mkdir -p "$tmp/out/main/crashes" "$tmp/out/sec/crashes" "$tmp/out/main/queue"
cp "$c/crash-sw-noisy" "$tmp/out/main/crashes/id:000000,sig:06"
cp "$c/crash-ap-known" "$tmp/out/sec/crashes/id:000000,sig:06"
cp "$c/README.txt" "$tmp/out/main/crashes/"
cp corpus/faults.trace "$tmp/out/main/queue/id:000001"
echo "start_time : 0" >"$tmp/out/main/fuzzer_stats"
"$TRIAGE" --report="$tmp/afl.txt" "$tmp/out" >/dev/null 2>&1 || true
check "AFL++ output folder: only crashes/ read" \
	grep -q '^triage: 2 inputs, 2 buckets, 0 passed, 0 unreadable' "$tmp/afl.txt"
expect_error "triage: missing folder" "no-such-dir: cannot open" "$TRIAGE" "$tmp/no-such-dir"
expect_error "triage: no folder" "no folder" "$TRIAGE"

# 5. the sanitizer-report parser on real reports of this compiler
CC=${CC:-$(command -v clang-14 || command -v clang || command -v gcc)}
if "$CC" -std=gnu11 -g -O1 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	tests/minimize/sanitizer-demo.c -o "$tmp/demo" 2>"$tmp/cc.err"; then
	for m in "heap sanitizer=heap-buffer-overflow frame=demo_overflow" \
		"ub sanitizer=ub:signed-integer-overflow frame=demo_ub" \
		"segv sanitizer=SEGV frame=demo_segv" \
		"null sanitizer=ub:load-of-null-pointer frame=demo_segv"; do
		mode=${m%% *}
		UBSAN_OPTIONS=print_stacktrace=1 "$tmp/demo" "$mode" 2>"$tmp/log.$mode" || true
		check "report signature of '$mode'" test \
			"$("$TRIAGE" --report-signature="$tmp/log.$mode" 2>&1)" = "signature ${m#* }"
	done
	# without a stack, UBSan's frame is its source file
	UBSAN_OPTIONS=print_stacktrace=0 "$tmp/demo" ub 2>"$tmp/log.nostack" || true
	check "UBSan report without a stack" test \
		"$("$TRIAGE" --report-signature="$tmp/log.nostack" 2>&1)" = \
		"signature sanitizer=ub:signed-integer-overflow frame=sanitizer-demo.c"
else
	ko "cannot compile tests/minimize/sanitizer-demo.c with $CC"
	cat "$tmp/cc.err" >&2
fi
expect_error "report signature of a log without a report" "no sanitizer report" \
	"$TRIAGE" --report-signature="$tmp/bad.trace"

finish
