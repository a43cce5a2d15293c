#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Time-to-find of the two known 4.9 bugs from an EMPTY corpus:
# `make find-known [TRIALS=n] [LIMIT=s] [RUNS=n] [JOBS=n]`.  For each bug, each
# binary (fuzz-pcpu: libFuzzer's own mutations; fuzz-pcpu-mut: the op-aware
# custom mutator) and each seed 1..TRIALS, one libFuzzer run in faithful
# mode with the other bugs' fixes on (so only the wanted bug can fire), with
# pcpu.dict, -max_len=4096, -max_total_time=LIMIT and, with RUNS=n, at most
# n executions (-runs; LIMIT=0 then means no time limit, which is how a
# test asks for executions rather than seconds).  A run counts as
# found only if its artifact replays (build/pcpu-replay) to the expected
# failed check.  Prints per bug and binary: found k/TRIALS, median and max
# seconds and executions; runs that found nothing count as "more than what
# they spent" (">").  Executions are the steadier measure on a shared
# machine; the wall clock includes libFuzzer's start-up.
#
# Work dirs outside the tree: $WORK/find-known (WORK defaults to
# ~/.cache/percpu-fuzz): BUG/BINARY/seed-N/{corpus,artifacts,log},
# results.tsv (one line per run) and summary.txt.
# Also: BUGS="align-pow2 slot-walk" and BINARIES="fuzz-pcpu fuzz-pcpu-mut"
# choose a subset; JOBS runs that many trials at once (default 1);
# FUZZ_ARGS adds libFuzzer flags to every run (e.g. -len_control=0).
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
TRIALS=${TRIALS:-5}
LIMIT=${LIMIT:-300}
RUNS=${RUNS:-0}
JOBS=${JOBS:-1}
BUGS=${BUGS:-align-pow2 slot-walk}
BINARIES=${BINARIES:-fuzz-pcpu fuzz-pcpu-mut}
FUZZ_ARGS=${FUZZ_ARGS:-}
WORK=${WORK:-$HOME/.cache/percpu-fuzz}
dir=$WORK/find-known

posint() { # posint NAME VALUE
	case $2 in
	'' | *[!0-9]* | 0 | 0*) echo "find-known.sh: $1 must be a positive whole number, not '$2'" >&2; exit 2 ;;
	esac
}
posint TRIALS "$TRIALS"
case $RUNS in '' | *[!0-9]*) echo "find-known.sh: RUNS must be a whole number (0: no cap), not '$RUNS'" >&2; exit 2 ;; esac
if [ "$RUNS" -eq 0 ] || [ "$LIMIT" != 0 ]; then posint LIMIT "$LIMIT"; fi
cap=""
[ "$RUNS" -eq 0 ] || cap="-runs=$RUNS"
posint JOBS "$JOBS"

# bug -> the fixes that keep the other bugs quiet, the check it must fail
setup() {
	case $1 in
	align-pow2) other=slot-walk,map-unwind,pop-fail-count check=overlap ;;
	slot-walk) other=align-pow2,map-unwind,pop-fail-count check=hang ;;
	*) echo "find-known.sh: BUGS: unknown bug '$1' (align-pow2, slot-walk)" >&2; exit 2 ;;
	esac
}
for bug in $BUGS; do setup "$bug"; done
for bin in $BINARIES "pcpu-replay"; do
	if [ ! -x "$BUILD/$bin" ]; then
		echo "find-known.sh: $BUILD/$bin: not built (make $BUILD/$bin)" >&2; exit 2
	fi
done

now() { date +%s%N; }

# One trial: writes "bug binary seed status seconds execs" to its dir.
run_one() { # run_one BUG BINARY SEED
	d=$dir/$1/$2/seed-$3
	rm -rf "$d"
	mkdir -p "$d/corpus" "$d/artifacts"
	t0=$(now)
	st=0
	# shellcheck disable=SC2086
	PCPU_FIXES=$other "$BUILD/$2" -seed="$3" -dict=fuzzers/pcpu.dict \
		-max_len=4096 -max_total_time="$LIMIT" -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$d/artifacts/" \
		$cap $FUZZ_ARGS "$d/corpus" >"$d/log" 2>&1 || st=$? # split on purpose
	t1=$(now)
	secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log" | tail -n 1)
	if [ -z "$execs" ]; then # the last "#N" status line
		execs=$(sed -n 's/^#\([0-9][0-9]*\)[[:space:]].*/\1/p' "$d/log" | tail -n 1)
	fi
	art=$(find "$d/artifacts" -type f | head -n 1)
	if [ -z "$art" ]; then
		status=missed
		[ "$st" -eq 0 ] || status=error
	elif [ "${art##*/oom-}" != "$art" ]; then
		# libFuzzer's -rss_limit_mb (2048 by default) stopped the run:
		# said apart, since it is no failure of the allocator
		status=oom
	else
		status=wrong # another failure, or it does not fail on replay
		# Up to 5 replays: check 'overlap' tests real addresses, so a
		# misaligned offset can land on an aligned address by chance
		# of where mmap put the chunk (1 in 5 for align=20 at offset
		# 8196, say).  Any one failure of the expected check is proof.
		for _ in 1 2 3 4 5; do
			rst=0
			PCPU_FIXES=$other "$BUILD/pcpu-replay" "$art" >/dev/null \
				2>"$d/replay.err" || rst=$?
			if [ "$rst" -eq 1 ] && grep -q "check '$check' failed" "$d/replay.err"; then
				status=found; break
			fi
			[ "$rst" -eq 0 ] || break # failed some other way: wrong
		done
	fi
	echo "$1 $2 $3 $status $secs ${execs:-0}" >"$d/result"
}

# Median and max of one bug and binary.  Runs that did not find the bug
# sort last: a run that reached the limit is a lower bound (">" what it
# spent); a run that ended on a failure its replay did not confirm as
# this bug, or out of memory, gives no bound ("-").
summarize() { # summarize BUG BINARY < results
	awk -v bug="$1" -v bin="$2" -v n="$TRIALS" '
	$1 == bug && $2 == bin {
		if ($4 == "found") { t[++k] = $5; e[k] = $6; next }
		m++
		if ($4 == "oom") { w++; o++; next }
		if ($4 != "missed") { w++; next }
		if (ct == "" || $5 + 0 < ct + 0) ct = $5
		if (ce == "" || $6 + 0 < ce + 0) ce = $6
		if ($5 + 0 > mt + 0) mt = $5
		if ($6 + 0 > me + 0) me = $6
	}
	function sort(a, c,   i, j, v) {
		for (i = 2; i <= c; i++) { v = a[i]; j = i - 1
			while (j > 0 && a[j] + 0 > v + 0) { a[j + 1] = a[j]; j-- }
			a[j + 1] = v }
	}
	function bound(v) { return w ? "-" : ">" v }
	# how the runs that gave no bound ended
	function note(other, oom) {
		if (!other && !oom) return ""
		return "  (" (oom ? oom " out of memory" : "") (oom && other ? ", " : "") \
			(other ? other " ended on a failure not confirmed as this bug" : "") ": see logs)"
	}
	# the median of k found and m not-found runs
	function median(a, cens,   total, lo, hi) {
		total = k + m
		if (total == 0) return "-"
		lo = int((total + 1) / 2); hi = int(total / 2) + 1
		if (hi > k) return bound(cens)
		return (total % 2) ? a[lo] : sprintf("%.1f", (a[lo] + a[hi]) / 2)
	}
	END {
		sort(t, k); sort(e, k)
		printf "%-10s %-13s %3d/%-3d %9s %9s %10s %10s%s\n", bug, bin, k, n,
			median(t, sprintf("%.0f", ct)), m ? bound(sprintf("%.0f", mt)) : t[k],
			median(e, ce), m ? bound(me) : e[k],
			note(w - o, o)
	}'
}

mkdir -p "$dir"
rm -f "$dir/results.new"
load0=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
echo "find-known: $TRIALS trial(s) of ${LIMIT}s per bug and binary, $JOBS at once; work dir $dir"
echo "find-known: load average at start: $load0 (on $(nproc 2>/dev/null || echo '?') cores)"
for bug in $BUGS; do
	setup "$bug"
	for bin in $BINARIES; do
		seed=1
		while [ "$seed" -le "$TRIALS" ]; do
			running=0
			while [ "$running" -lt "$JOBS" ] && [ "$seed" -le "$TRIALS" ]; do
				run_one "$bug" "$bin" "$seed" &
				running=$((running + 1)); seed=$((seed + 1))
			done
			wait
		done
		s=1
		while [ "$s" -le "$TRIALS" ]; do
			r=$dir/$bug/$bin/seed-$s/result
			if [ -f "$r" ]; then cat "$r"; else echo "$bug $bin $s error 0 0"; fi
			s=$((s + 1))
		done | tee -a "$dir/results.new" | while read -r b n sd status secs execs; do
			echo "  $b $n seed $sd: $status after ${secs}s, $execs execs"
		done
	done
done
mv "$dir/results.new" "$dir/results.tsv"
load1=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
{
	echo "# find-known: TRIALS=$TRIALS LIMIT=${LIMIT}s JOBS=$JOBS, empty corpus, pcpu.dict, -max_len=4096 $FUZZ_ARGS"
	echo "# load average: start $load0, end $load1; '>' = not found within the limit"
	printf "%-10s %-13s %7s %9s %9s %10s %10s\n" bug binary found "med s" "max s" "med execs" "max execs"
	for bug in $BUGS; do
		for bin in $BINARIES; do
			summarize "$bug" "$bin" <"$dir/results.tsv"
		done
	done
} >"$dir/summary.txt"
cat "$dir/summary.txt"
