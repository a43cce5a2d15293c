#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# An AFL++ campaign on corpus/: `make afl [TIME=s] [JOBS=n] [FIXES=list]`.
# One main instance (with CmpLog) and JOBS-1 secondaries share
# $WORK/afl/out (default ~/.cache/percpu-fuzz/afl/out).  Secondaries on
# other machines join by running afl-fuzz -S NAME with the same -o on a
# shared directory (docs/campaigns.md §3).
#
# Every PROGRESS seconds (default 60) an `afl: progress` line sums up the
# instances' fuzzer_stats; at the end a summary (exec/s, bitmap coverage,
# corpus, crashes) and build/pcpu-stats' summary of the main queue.
#
# Another backend's targets (`make afl BACKEND=linux-6.12`): AFL_TARGET and
# AFL_CMPLOG_TARGET (defaults $BUILD/afl-pcpu, $BUILD/afl-pcpu-cmplog),
# AFL_DIR the work directory (default $WORK/afl), AFL_STATS the statistics
# tool (default $BUILD/pcpu-stats; `none` skips them).  AFL_TIMEOUT_MS is
# afl-fuzz's -t per input: 2000 by default, 60000 for BACKEND=linux-*
# (the Makefile passes it).
set -eu
BUILD=${BUILD:-build}
TIME=${TIME:-600}
JOBS=${JOBS:-1}
FIXES=${FIXES:-all}
WORK=${WORK:-$HOME/.cache/percpu-fuzz}
PROGRESS=${PROGRESS:-60}
dir=${AFL_DIR:-$WORK/afl}
target=${AFL_TARGET:-$BUILD/afl-pcpu}
cmplog=${AFL_CMPLOG_TARGET:-$BUILD/afl-pcpu-cmplog}
stats=${AFL_STATS:-$BUILD/pcpu-stats}

case $TIME in ''|*[!0-9]*) echo "afl.sh: TIME must be whole seconds, not '$TIME'" >&2; exit 2;; esac
case $JOBS in ''|*[!0-9]*|0) echo "afl.sh: JOBS must be a positive number, not '$JOBS'" >&2; exit 2;; esac
case $PROGRESS in ''|*[!0-9]*|0) echo "afl.sh: PROGRESS must be a positive number of seconds, not '$PROGRESS'" >&2; exit 2;; esac

# AFL++ derives a tight timeout (40 ms here) from the seeds; on a loaded
# machine long traces then show up as false "hangs".  The port reports the
# kernel's own hang as a check failure, so only a port bug can loop: 2 s.
# The linux backends replay large geometries in seconds (63 CPUs x 9.5 MB
# units: 3.8 s in pcpu-replay), so `make afl BACKEND=linux-*` passes 300 s.
AFL_TIMEOUT_MS=${AFL_TIMEOUT_MS:-2000}
case $AFL_TIMEOUT_MS in ''|*[!0-9]*|0) echo "afl.sh: AFL_TIMEOUT_MS must be a positive number of milliseconds, not '$AFL_TIMEOUT_MS'" >&2; exit 2;; esac
if ! PCPU_FIXES=$FIXES "$BUILD/pcpu-replay" --trace corpus/illegal-requests.trace >/dev/null; then
	echo "afl.sh: FIXES='$FIXES' is not a valid fix list" >&2; exit 2
fi

mkdir -p "$dir/seeds" "$dir/out"
for t in corpus/*.trace crashes/*/reproducer.trace; do
	[ -f "$t" ] || continue
	name=$(echo "$t" | tr '/' '_')
	"$BUILD/pcpu-encode" "$t" "$dir/seeds/${name%.trace}.bin"
done

stop=$dir/.progress-stop
rm -f "$stop"
start=$(date +%s)

# Numbers from the instances' fuzzer_stats files, which AFL++ rewrites
# about once a minute and at exit: executions and exec/s summed over the
# instances, the best bitmap coverage, the newest update.  The corpus (the
# largest queue) and the crashes are counted live.
numbers() {
	s=$(awk 'FNR == 1 { rt = 0 }
		$1 == "last_update" && $3 > lu { lu = $3 }
		$1 == "run_time" { rt = $3 }
		$1 == "execs_done" { e += $3; if (rt > 0) r += $3 / rt }
		$1 == "bitmap_cvg" { v = $3; sub(/%$/, "", v); if (v + 0 > c) c = v + 0 }
		END { printf "%d %d %.2f %d", e, r, c, lu }' "$dir"/out/*/fuzzer_stats 2>/dev/null) || s=""
	# shellcheck disable=SC2086
	set -- $s
	corp=0
	for q in "$dir"/out/*/queue; do
		[ -d "$q" ] || continue
		k=$(find "$q" -maxdepth 1 -type f -name 'id*' | wc -l)
		[ "$k" -gt "$corp" ] && corp=$k
	done
	age=""
	[ "${4:-0}" -gt 0 ] && age=" (fuzzer_stats $(($(date +%s) - $4))s old)"
	echo "${1:-0} execs, ${2:-0} exec/s, corpus $corp, bitmap_cvg ${3:-0}%," \
	     "crashes $(crashes)$age"
}
crashes() {
	find "$dir/out" -path '*/crashes/id*' -type f 2>/dev/null | wc -l | tr -d ' '
}
monitor() {
	next=$PROGRESS
	while [ ! -e "$stop" ]; do
		sleep 1
		el=$(($(date +%s) - start))
		if [ "$el" -ge "$next" ]; then
			echo "afl: progress ${el}s: $(numbers)" || true
			next=$((next + PROGRESS))
		fi
	done
}

export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_SKIP_BIN_CHECK=1 PCPU_FIXES=$FIXES
echo "afl: AFL++ for ${TIME}s, $JOBS instance(s), PCPU_FIXES=$FIXES, timeout ${AFL_TIMEOUT_MS}ms per input, output $dir/out"
monitor &
mon=$!
pids=""
i=1
while [ "$i" -lt "$JOBS" ]; do
	afl-fuzz -S "sec$i" -V "$TIME" -t "$AFL_TIMEOUT_MS" -x fuzzers/pcpu.dict -i "$dir/seeds" -o "$dir/out" \
		-- "$target" >"$dir/sec$i.log" 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
st=0
afl-fuzz -M main -V "$TIME" -t "$AFL_TIMEOUT_MS" -c 0 -x fuzzers/pcpu.dict -i "$dir/seeds" -o "$dir/out" \
	-- "$cmplog" || st=$?
for p in $pids; do wait "$p" || true; done
touch "$stop"
wait "$mon" || true
rm -f "$stop"
# Each instance's final numbers, from its fuzzer_stats.  Not afl-whatsup:
# it counts a stopped instance as dead and its executions as none, so it
# printed "Fuzzers alive : 0 ... Total execs : 0 thousands" under a summary
# that counted thousands of executions.
for s in "$dir"/out/*/fuzzer_stats; do
	[ -f "$s" ] || continue
	awk -v n="$(basename "$(dirname "$s")")" '
		$1 == "run_time" { rt = $3 }
		$1 == "execs_done" { e = $3 }
		$1 == "corpus_count" { c = $3 }
		$1 == "saved_crashes" || $1 == "unique_crashes" { k = $3 }
		$1 == "bitmap_cvg" { v = $3 }
		END { printf "afl: instance %s: %ds, %d execs, corpus %d, bitmap_cvg %s, crashes %d\n",
			n, rt, e, c, v, k }' "$s"
done

n=$(crashes)
echo "afl: summary: $(($(date +%s) - start))s, $(ls -d "$dir"/out/*/ 2>/dev/null | wc -l | tr -d ' ') instance(s), $(numbers)"
if [ "$stats" = none ]; then
	echo "afl: no corpus statistics for this target (AFL_STATS=none)"
elif [ -x "$stats" ] && [ -d "$dir/out/main/queue" ]; then
	# main's queue: the secondaries' queues mostly repeat it
	PCPU_FIXES=$FIXES "$stats" "$dir/out/main/queue" ||
		echo "afl: pcpu-stats on the main queue exited $?"
elif [ ! -x "$stats" ]; then
	echo "afl: $stats not built: no corpus statistics (make $stats)"
fi
echo "afl: done (exit $st); $n crash(es) under $dir/out/*/crashes"
exit $st
