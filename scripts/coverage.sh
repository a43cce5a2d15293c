#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Source-based coverage of what the corpus and the findings exercise:
# `make coverage [COV_INPUTS="corpus"]` builds $COV_DIR/pcpu-replay with
# clang's -fprofile-instr-generate -fcoverage-mapping and runs this.
#
#   scripts/coverage.sh [INPUT...]      (default: corpus)
#
# Each INPUT (file or directory, as for pcpu-replay) is replayed with
# PCPU_FIXES=all, then faithful (PCPU_FIXES=none, where an input may stop
# on a known bug's check); every finding in crashes/*/ is replayed in its faithful
# mode (where it fails its check) and with its fix, by pcpu-replay --expect
# as tests/run-all.sh does.  The profiles are
# merged, and the per-function and per-file line/branch table of
# allocator/, oracle/ and harness/checks/, the HTML report ($BUILD/coverage/html) and the
# totals are printed.  Exit 0, or 2 when a replay could not run (input
# error, a sanitizer or signal): then the numbers would lie.
#
# What the corpus cannot reach in allocator/ (docs/campaigns.md §6.2): a free of
# a non-allocation (the kernel's BUG and oops paths: traces free only what
# they allocated), re-checks the kernel makes after dropping its lock (map
# already grown, an empty chunk appeared), WARN_ON(immutable), kernel
# NULL checks no caller trips, is_power_of_2(0) and fls(0), map shapes that well-formed maps never
# have (two free blocks side by side, an unaligned block 0, map[-1]), the
# views' bounds on the caller's arrays, a setup refusal inside
# backend_create (the trace parser refuses first) and a host failure
# (host_mem.c: fatal by design).
set -eu
BUILD=${BUILD:-build}
COV_DIR=${COV_DIR:-$BUILD/cov}
REPLAY=$COV_DIR/pcpu-replay
OUTDIR=$BUILD/coverage
PROFDATA=${PROFDATA:-llvm-profdata-14}
LLVMCOV=${LLVMCOV:-llvm-cov-14}
# what the tables are about: the allocator port, the oracle and the checks
# (harness/checks/; the rest of harness/ is left out)
IGNORE='(^|/)(trace|fuzzers|tools|tests|include)/|(^|/)harness/[^/]*$'

[ $# -gt 0 ] || set -- corpus
for i in "$@"; do
	[ -e "$i" ] || { echo "coverage.sh: $i: no such file or directory" >&2; exit 2; }
done
[ -x "$REPLAY" ] || { echo "coverage.sh: $REPLAY: not built (run make coverage)" >&2; exit 2; }

rm -rf "$OUTDIR"
mkdir -p "$OUTDIR/raw"
raw=$(cd "$OUTDIR/raw" && pwd)
n=0

# replay FIXES EXPECTED-STATUSES INPUT...: one profile per run
replay() {
	fx=$1 okst=$2
	shift 2
	n=$((n + 1))
	st=0
	LLVM_PROFILE_FILE="$raw/run$n.profraw" PCPU_FIXES=$fx \
		"$REPLAY" -q "$@" >/dev/null 2>"$OUTDIR/last.err" || st=$?
	case " $okst " in
	*" $st "*) ;;
	*) echo "coverage.sh: PCPU_FIXES=$fx replay of $* exited $st" >&2
	   head -5 "$OUTDIR/last.err" >&2
	   exit 2 ;;
	esac
}

echo "coverage: replaying $* (PCPU_FIXES=all, then faithful)"
replay all 0 "$@"
# Campaigns also run faithful (make fuzz FIXES=none), and code such as the
# slot walk that does not escape only runs there.  A known bug may fail
# a check on the way (1): the profile up to that point is written.
replay none "0 1" "$@"
# the findings as their expected files say (pcpu-replay --expect, the one
# reader of that format): faithful, the finding's check fails; fixed, it
# passes; one profile a folder, one replay counted per `ok` line
k=0
for d in crashes/*/; do
	[ -f "$d/expected" ] || continue
	k=$((k + 1))
	st=0
	LLVM_PROFILE_FILE="$raw/finding$k.profraw" \
		"$REPLAY" --expect "$d" >"$OUTDIR/expect.out" 2>"$OUTDIR/last.err" || st=$?
	if [ "$st" -ne 0 ]; then
		echo "coverage.sh: $REPLAY --expect $d exited $st: $(head -n 1 "$OUTDIR/last.err")" >&2
		exit 2
	fi
	oks=$(grep -c '^ok ' "$OUTDIR/expect.out" || true) # none: a skip line
	n=$((n + oks))
done
echo "coverage: $n replay(s); merging"

"$PROFDATA" merge -sparse "$raw"/*.profraw -o "$OUTDIR/merged.profdata"
set -- -instr-profile="$OUTDIR/merged.profdata" -ignore-filename-regex="$IGNORE"

echo "== per function (allocator/, oracle/, harness/checks/)"
# -show-functions wants the sources named; they are the ones compiled
"$LLVMCOV" report "$REPLAY" "$@" -show-functions allocator/*.c oracle/*.c harness/checks/*.c
echo "== per file"
"$LLVMCOV" report "$REPLAY" "$@" | tee "$OUTDIR/report.txt"
"$LLVMCOV" show "$REPLAY" "$@" -format=html -show-branches=count \
	-output-dir="$OUTDIR/html"

# totals: the report's TOTAL line, and the allocator's files summed
# (columns: regions missed cover functions missed executed lines missed
# cover branches missed cover)
awk -v what=allocator '
	$1 ~ "^" what "/" || $1 ~ "/" what "/" { l += $8; lm += $9; b += $11; bm += $12 }
	$1 == "TOTAL" { tl = $8; tlm = $9; tb = $11; tbm = $12 }
	function pct(all, miss) { return all ? sprintf("%.2f%%", 100 * (all - miss) / all) : "n/a" }
	END {
		printf "coverage: allocator/ lines %d/%d (%s) branches %d/%d (%s)\n",
			l - lm, l, pct(l, lm), b - bm, b, pct(b, bm)
		printf "coverage: allocator/+oracle/+harness/checks/ lines %d/%d (%s) branches %d/%d (%s)\n",
			tl - tlm, tl, pct(tl, tlm), tb - tbm, tb, pct(tb, tbm)
	}' "$OUTDIR/report.txt"
echo "coverage: HTML report in $OUTDIR/html/index.html"
