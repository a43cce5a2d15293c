#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: prints `bench NAME VALUE UNIT` lines.  exec rates come from
# the libFuzzer builds of fuzz_pcpu and of the empty target, measured in
# the same run on the same inputs with the same mutation seed, twice: from
# the hand-written seeds (corpus/*.trace encoded) and from all of corpus/
# (names ending _corpus); the checks' cost from both fuzz builds replaying
# the inputs the checked campaign kept; per-operation costs come from
# pcpu-bench (optimised, no sanitizers).  Compare ratios, not absolute
# numbers, across machines.
set -eu
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/seeds" "$tmp/corpus"
for t in corpus/*.trace; do
	"$BUILD/pcpu-encode" "$t" "$tmp/seeds/$(basename "${t%.trace}").bin"
done
# corpus/: its byte inputs as they are, its traces encoded (the seeds)
cp "$tmp"/seeds/* "$tmp/corpus/"
for f in corpus/*; do
	case $f in *.trace) ;; *) [ -f "$f" ] && cp "$f" "$tmp/corpus/" ;; esac
done

# rate BINARY SECONDS DIR: executions per wall-clock second, from the
# inputs of DIR (a fresh copy each time: libFuzzer adds to its first
# corpus directory).  libFuzzer's own average_exec_per_sec is an integer
# division by whole seconds (0 for an empty target that finishes its runs
# within one), so count executed units over a fixed time instead.
rate() {
	rm -rf "$tmp/in"
	cp -r "$3" "$tmp/in"
	units=$(PCPU_FIXES=all "$1" -max_total_time="$2" -runs=1000000000 -seed=1 \
		-max_len=4096 -print_final_stats=1 -artifact_prefix="$tmp/" "$tmp/in" 2>&1 |
		sed -n 's/^stat::number_of_executed_units: *//p')
	awk -v u="${units:-0}" -v s="$2" 'BEGIN { printf "%.0f", u / s }'
}
# pass_ns BINARY DIR: wall-clock nanoseconds of one pass over the inputs
# of DIR (-runs=0: each input once, nothing mutated, nothing added), less
# the same binary's start-up and exit on an empty folder; the best of
# three, so that a load that comes and goes counts least
pass_ns() {
	best=
	for _ in 1 2 3; do
		t0=$(date +%s%N)
		PCPU_FIXES=all "$1" -runs=0 "$tmp/none" >/dev/null 2>&1
		t1=$(date +%s%N)
		PCPU_FIXES=all "$1" -runs=0 "$2" >/dev/null 2>&1
		t2=$(date +%s%N)
		ns=$(( (t2 - t1) - (t1 - t0) ))
		if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then best=$ns; fi
	done
	echo "$best"
}
mkdir -p "$tmp/none"
SECONDS_EACH=${SECONDS_EACH:-10}
# the three rates from one set of inputs; SUFFIX names the set
rates() { # rates DIR SUFFIX
	pcpu=$(rate "$BUILD/fuzz-pcpu" "$SECONDS_EACH" "$1")
	# what the checked campaign kept (its first folder: the inputs and
	# what it added), for the comparison on the same inputs below
	rm -rf "$tmp/kept"
	cp -r "$tmp/in" "$tmp/kept"
	unchecked=$(rate "$BUILD/fuzz-pcpu-unchecked" "$SECONDS_EACH" "$1")
	empty=$(rate "$BUILD/fuzz-empty" "$SECONDS_EACH" "$1")
	echo "bench exec_per_sec$2 $pcpu exec/s"
	echo "bench empty_exec_per_sec$2 $empty exec/s"
	awk -v a="$pcpu" -v b="$empty" -v n="$2" 'BEGIN { printf "bench exec_ratio%s %.4f ratio\n", n, (b > 0 ? a / b : 0) }'
	# the same target without the checks: what the core, the decoder and
	# the sanitizers cost on their own, the bound on exec_ratio of any checks
	echo "bench unchecked_exec_per_sec$2 $unchecked exec/s"
	awk -v a="$unchecked" -v b="$empty" -v n="$2" 'BEGIN { printf "bench unchecked_exec_ratio%s %.4f ratio\n", n, (b > 0 ? a / b : 0) }'
	# the two campaigns' rates: they ran different inputs (libFuzzer's
	# choices depend on timing and on where the host put memory), so this
	# ratio moves with what each happened to explore
	awk -v a="$unchecked" -v b="$pcpu" -v n="$2" 'BEGIN { printf "bench campaign_checks_exec_cost_ratio%s %.2f x\n", n, (b > 0 ? a / b : 0) }'
	# what the checks cost: both fuzz builds over the very inputs the
	# checked campaign kept; they collect the same coverage feedback
	# (mk/nocov.mk), so this is the checks' time and nothing else
	checked_ns=$(pass_ns "$BUILD/fuzz-pcpu" "$tmp/kept")
	bare_ns=$(pass_ns "$BUILD/fuzz-pcpu-unchecked" "$tmp/kept")
	echo "bench checks_same_inputs$2 $(ls "$tmp/kept" | wc -l) inputs"
	awk -v a="$checked_ns" -v b="$bare_ns" -v n="$2" 'BEGIN { printf "bench checks_exec_cost_ratio%s %.2f x\n", n, (b > 0 ? a / b : 0) }'
}
rates "$tmp/seeds" ""
rates "$tmp/corpus" _corpus
# host system calls per execution in steady state, counted in
# allocator/host_mem.c over the seeds replayed in one process after a
# warm-up round: the campaigns' page model (ASan poison, the default in
# sanitizer builds) and the mprotect one, for comparison; and, on the same
# replays, what the checks cost over the same executions without them
# (replay_checks_cost_ratio), from the seeds and from all of corpus/
"$BUILD/pcpu-bench-calls" "" "$tmp/seeds"
"$BUILD/pcpu-bench-calls" _corpus "$tmp/corpus"
PCPU_VM=mprotect "$BUILD/pcpu-bench-calls" _mprotect "$tmp/seeds"
"$BUILD/fast/pcpu-bench" "${BENCH_SECONDS:-1}"
