#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# A libFuzzer campaign on corpus/: `make fuzz [TIME=s] [RUNS=n] [JOBS=n] [FIXES=list]`.
# RUNS stops it after that many executions (libFuzzer's -runs, seeds
# included) instead of after TIME seconds, which it then no longer
# defaults to: a test asks for executions, because how many seconds they
# take depends on the machine and on what else runs there.  SEED fixes
# libFuzzer's random seed (-seed) so that such a run repeats.
# Results live outside the source tree in $WORK/libfuzzer (default
# ~/.cache/percpu-fuzz/libfuzzer): corpus/ grows across campaigns,
# artifacts/ holds crashing inputs (of every campaign; the counts are of
# this one's), fuzz.log the engine's output.  Known kernel bugs are fixed
# by default (FIXES=all) so that a finding is a new one; FIXES=none hunts
# the known bugs.  JOBS>1 uses libFuzzer's fork mode.
#
# Every PROGRESS seconds (default 60) a `fuzz: progress` line sums up the
# campaign so far; at the end a summary (exec/s, coverage, corpus, crashes)
# and build/pcpu-stats' summary of the corpus in allocator terms.  Several
# machines can share one corpus directory (docs/campaigns.md §2.5).
#
# Another backend's target (`make fuzz BACKEND=linux-6.12`): FUZZ_TARGET is
# the libFuzzer binary (default $BUILD/fuzz-pcpu), FUZZ_DIR the work
# directory (default $WORK/libfuzzer), FUZZ_STATS the corpus statistics
# tool (default $BUILD/pcpu-stats; `none` skips them), FUZZ_BACKEND the
# BACKEND to name in the closing hints.  PCPU_NONFATAL and PCPU_NOFAULT
# reach the target unchanged.
#
# TIMEOUT is libFuzzer's -timeout, seconds per input: 10 by default, and
# 300 for BACKEND=linux-* (the Makefile passes it): the real kernel runs
# large geometries slowly under instrumentation (a 6.1 campaign stopped
# on a 10 s timeout at 63 CPUs x 9.5 MB units, an input pcpu-replay runs
# in 3.8 s; a 7.2 one on 60 s, on a loaded machine), and a timeout ends
# a campaign.  RSS_LIMIT_MB is libFuzzer's -rss_limit_mb: 2048 (its own
# default), 8192 for BACKEND=linux-*, whose memory model holds every
# populated page of every chunk (a 7.2 smoke run passed 2 GiB once).
set -eu
BUILD=${BUILD:-build}
RUNS=${RUNS:-}
SEED=${SEED:-}
if [ -n "$RUNS" ]; then TIME=${TIME:-0}; else TIME=${TIME:-600}; fi
JOBS=${JOBS:-1}
FIXES=${FIXES:-all}
WORK=${WORK:-$HOME/.cache/percpu-fuzz}
PROGRESS=${PROGRESS:-60}
TIMEOUT=${TIMEOUT:-10}
RSS_LIMIT_MB=${RSS_LIMIT_MB:-2048}
dir=${FUZZ_DIR:-$WORK/libfuzzer}
target=${FUZZ_TARGET:-$BUILD/fuzz-pcpu}
stats=${FUZZ_STATS:-$BUILD/pcpu-stats}

case $TIME in ''|*[!0-9]*) echo "fuzz.sh: TIME must be whole seconds, not '$TIME'" >&2; exit 2;; esac
case $RUNS in *[!0-9]*|0) echo "fuzz.sh: RUNS must be a positive number of executions, not '$RUNS'" >&2; exit 2;; esac
case $SEED in *[!0-9]*|0) echo "fuzz.sh: SEED must be a positive number, not '$SEED'" >&2; exit 2;; esac
case $JOBS in ''|*[!0-9]*|0) echo "fuzz.sh: JOBS must be a positive number, not '$JOBS'" >&2; exit 2;; esac
case $PROGRESS in ''|*[!0-9]*|0) echo "fuzz.sh: PROGRESS must be a positive number of seconds, not '$PROGRESS'" >&2; exit 2;; esac
case $TIMEOUT in ''|*[!0-9]*|0) echo "fuzz.sh: TIMEOUT must be a positive number of seconds, not '$TIMEOUT'" >&2; exit 2;; esac
case $RSS_LIMIT_MB in ''|*[!0-9]*) echo "fuzz.sh: RSS_LIMIT_MB must be a number of MiB (0: no limit), not '$RSS_LIMIT_MB'" >&2; exit 2;; esac
if ! PCPU_FIXES=$FIXES "$BUILD/pcpu-replay" --trace corpus/illegal-requests.trace >/dev/null; then
	echo "fuzz.sh: FIXES='$FIXES' is not a valid fix list" >&2; exit 2
fi

mkdir -p "$dir/corpus" "$dir/seeds" "$dir/artifacts"
# seeds: every text trace encoded, plus the binary inputs kept in corpus/
for t in corpus/*.trace crashes/*/reproducer.trace; do
	[ -f "$t" ] || continue
	name=$(echo "$t" | tr '/' '_')
	"$BUILD/pcpu-encode" "$t" "$dir/seeds/${name%.trace}.bin"
done
for f in corpus/*; do
	case $f in *.trace) ;; *) [ -f "$f" ] && cp "$f" "$dir/seeds/" ;; esac
done

log=$dir/fuzz.log
stop=$dir/.progress-stop
stf=$dir/.exit-status
# artifacts/ keeps what earlier campaigns found: the counts below leave
# out the files listed here at the start, which the summary names apart
earlier_list=$dir/.earlier-artifacts.$$
rm -f "$stop" "$stf"
: >"$log"
find "$dir/artifacts" -type f >"$earlier_list"
start=$(date +%s)

# The last status line libFuzzer wrote ("#N ... cov: C ft: F ..." in both
# the plain and the fork mode); only the log's tail, it can grow large.
last_status() {
	tail -n 400 "$log" 2>/dev/null | grep -E '^#[0-9]+' | tail -n 1
}
# printf, not echo: libFuzzer's lines quote dictionary entries such as
# DE: "\350", which dash's echo turns into raw bytes that sed then cannot
# match, and the shell arithmetic on the result killed the progress lines.
field() { # field NAME LINE: the number after "NAME:" or "NAME"
	printf '%s\n' "$2" | sed -n "s/.* $1:* \\([0-9][0-9]*\\).*/\\1/p"
}
count_files() {
	find "$1" -type f 2>/dev/null | wc -l | tr -d ' '
}
# libFuzzer writes slow inputs (-report_slow_units) next to the crashes:
# they are not findings, so they are counted apart.  Both count only this
# campaign's files, not those listed at its start.
count_crashes() {
	find "$1" -type f ! -name 'slow-unit-*' 2>/dev/null |
		grep -vxF -f "$earlier_list" | wc -l | tr -d ' '
}
count_slow() {
	find "$1" -type f -name 'slow-unit-*' 2>/dev/null |
		grep -vxF -f "$earlier_list" | wc -l | tr -d ' '
}
progress() {
	# before libFuzzer's first status line (seeds still loading on a busy
	# machine) every number reads 0, so the line keeps its format
	line=$(last_status)
	el=$(($(date +%s) - start))
	execs=$(printf '%s\n' "$line" | sed -n 's/^#\([0-9]*\).*/\1/p')
	cov=$(field cov "$line")
	ft=$(field ft "$line")
	execs=${execs:-0}
	echo "fuzz: progress ${el}s: $execs execs, $((execs / (el > 0 ? el : 1))) exec/s," \
	     "corpus $(count_files "$dir/corpus")," \
	     "cov ${cov:-0} ft ${ft:-0}," \
	     "crashes $(count_crashes "$dir/artifacts"), slow $(count_slow "$dir/artifacts")"
}
# progress lines every PROGRESS seconds, and one at the end when the
# campaign was too short for any, so every campaign shows the format
monitor() {
	next=$PROGRESS
	shown=0
	while [ ! -e "$stop" ]; do
		sleep 1
		if [ $(($(date +%s) - start)) -ge "$next" ]; then
			progress || true
			shown=1
			next=$((next + PROGRESS))
		fi
	done
	[ "$shown" = 1 ] || progress || true
}

if [ -z "$RUNS" ]; then limit="for ${TIME}s"
elif [ "$TIME" = 0 ]; then limit="for $RUNS executions"
else limit="for $RUNS executions or ${TIME}s"; fi
echo "fuzz: libFuzzer $limit, $JOBS job(s), PCPU_FIXES=$FIXES, timeout ${TIMEOUT}s per input, work dir $dir"
set -- -max_total_time="$TIME" -print_final_stats=1 -dict=fuzzers/pcpu.dict \
	-max_len=4096 -timeout="$TIMEOUT" -rss_limit_mb="$RSS_LIMIT_MB" \
	-artifact_prefix="$dir/artifacts/"
[ -z "$RUNS" ] || set -- "$@" -runs="$RUNS"
[ -z "$SEED" ] || set -- "$@" -seed="$SEED"
if [ "$JOBS" -gt 1 ]; then
	set -- "$@" -fork="$JOBS" -ignore_crashes=1
fi
monitor &
mon=$!
# libFuzzer's own output stays on stderr and is kept in fuzz.log for the
# progress lines; its exit status crosses the pipe through a file.
{
	s=0
	PCPU_FIXES=$FIXES "$target" "$@" "$dir/corpus" "$dir/seeds" 2>&1 || s=$?
	echo "$s" >"$stf"
} | tee "$log" >&2
touch "$stop"
wait "$mon" || true
st=$(cat "$stf" 2>/dev/null || echo 1)
rm -f "$stop" "$stf"

# summary: libFuzzer's final numbers where it printed them, else ours
el=$(($(date +%s) - start))
line=$(last_status)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
[ -n "$execs" ] || execs=$(printf '%s\n' "$line" | sed -n 's/^#\([0-9]*\).*/\1/p')
execs=${execs:-0}
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
[ -n "$rate" ] || rate=$((execs / (el > 0 ? el : 1)))
n=$(count_crashes "$dir/artifacts")
old=$(wc -l <"$earlier_list" | tr -d ' ')
earlier=
[ "$old" -eq 0 ] || earlier=", and $old artifact(s) of earlier campaigns"
echo "fuzz: summary: ${el}s, $execs execs, $rate exec/s, cov $(field cov "$line")" \
     "ft $(field ft "$line"), corpus $(count_files "$dir/corpus") inputs, $n crash(es)," \
     "$(count_slow "$dir/artifacts") slow input(s)$earlier"
# findings of a non-fatal grade (PCPU_NONFATAL; benign ones by default)
# counted by the target over the campaign (one line per job in fork mode)
grep '^nonfatal: ' "$log" | sed 's/^nonfatal: /fuzz: counted, not fatal: /' || true
if [ "$stats" = none ]; then
	echo "fuzz: no corpus statistics for this target (FUZZ_STATS=none)"
elif [ -x "$stats" ]; then
	# the corpus holds no crashing input, so a failed check here is news
	PCPU_FIXES=$FIXES "$stats" "$dir/corpus" ||
		echo "fuzz: pcpu-stats on the corpus exited $?"
else
	echo "fuzz: $BUILD/pcpu-stats not built: no corpus statistics (make $BUILD/pcpu-stats)"
fi

echo "fuzz: done (exit $st); corpus $(count_files "$dir/corpus") inputs; $n crash(es) in $dir/artifacts"
rm -f "$earlier_list"
if [ "$n" -gt 0 ]; then
	# the same build and grading as the campaign, or they judge differently
	b=${FUZZ_BACKEND:+ BACKEND=$FUZZ_BACKEND}
	echo "fuzz: reproduce one with: make repro$b CRASH=<artifact>; sort them with:" \
	     "make triage$b DIR=$dir/artifacts (FIXES${PCPU_NONFATAL:+, PCPU_NONFATAL}${PCPU_NOFAULT:+, PCPU_NOFAULT} as above)"
fi
exit "$st"
