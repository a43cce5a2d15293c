#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: prints `bench NAME VALUE UNIT` lines.  exec rates come from
# the libFuzzer builds of fuzz_pcpu and of the empty target, measured in
# the same run on the same inputs with the same mutation seeds (SEEDS), twice: from
# the hand-written seeds (corpus/*.trace encoded) and from all of corpus/
# (names ending _corpus); the checks' cost from the unchecked build's
# campaign of as many executions; per-operation costs come from
# pcpu-bench, optimised without sanitizers and again sanitized (names
# ending _sanitized).  Compare ratios, not absolute numbers, across
# machines.
set -eu
BUILD=${BUILD:-build}
# the knobs first, before anything is built or run
SECONDS_EACH=${SECONDS_EACH:-10}
case $SECONDS_EACH in
''|*[!0-9]*|0) echo "bench.sh: SECONDS_EACH must be a whole number of seconds above 0, not '$SECONDS_EACH'" >&2; exit 2 ;;
esac
# SEEDS campaigns of each target; one campaign's path depends on more than
# its seed (libFuzzer's comparison table holds heap addresses, its stack
# depth feature moves with the stack's address), and how much an input
# costs varies a hundredfold, so one campaign's rate varies by a third
SEEDS=${SEEDS:-1 2 3}
for seed in $SEEDS; do
	case $seed in
	''|*[!0-9]*) echo "bench.sh: SEEDS must be whole numbers separated by spaces, not '$SEEDS'" >&2; exit 2 ;;
	esac
done
# shellcheck disable=SC2086
set -- $SEEDS
[ $# -gt 0 ] || { echo "bench.sh: SEEDS names no seed" >&2; exit 2; }
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

# campaign BINARY DIR SECONDS RUNS SEED: a campaign from the inputs of
# DIR (a fresh copy each time: libFuzzer adds to its first corpus
# directory), for SECONDS or for RUNS executions (0: no such limit), with
# mutation seed SEED; prints the executions it ran and its wall-clock
# nanoseconds, start-up included.  libFuzzer's own average_exec_per_sec is
# an integer division by whole seconds (0 for an empty target that
# finishes its runs within one), so the units are counted instead.
campaign() {
	rm -rf "$tmp/in"
	cp -r "$2" "$tmp/in"
	if [ "$3" -gt 0 ]; then limit="-max_total_time=$3 -runs=1000000000"; else limit="-runs=$4"; fi
	t0=$(date +%s%N)
	# shellcheck disable=SC2086
	units=$(PCPU_FIXES=all "$1" $limit -seed="$5" -max_len=4096 -print_final_stats=1 \
		-artifact_prefix="$tmp/" "$tmp/in" 2>&1 |
		sed -n 's/^stat::number_of_executed_units: *//p')
	t1=$(date +%s%N)
	echo "${units:-0} $((t1 - t0))"
}
# the rates from one set of inputs; SUFFIX names the set
rates() { # rates DIR SUFFIX
	pcpu_units=0 pcpu_ns=0 bare_units=0 bare_ns=0 empty_units=0 n=0
	for seed in $SEEDS; do
		# shellcheck disable=SC2046
		set -- "$1" "$2" $(campaign "$BUILD/fuzz-pcpu" "$1" "$SECONDS_EACH" 0 "$seed")
		pcpu_units=$((pcpu_units + $3)) pcpu_ns=$((pcpu_ns + $4))
		# the same target without the checks, from the same inputs and
		# seed for as many executions: the two builds collect the same
		# coverage feedback from an input (mk/nocov.mk, checked in
		# tests/suite-campaign.sh), so they make the same choices but for
		# the noise above; their times' ratio is what the checks cost
		# a campaign
		# shellcheck disable=SC2046
		set -- "$1" "$2" $(campaign "$BUILD/fuzz-pcpu-unchecked" "$1" 0 "$3" "$seed")
		bare_units=$((bare_units + $3)) bare_ns=$((bare_ns + $4))
		# shellcheck disable=SC2046
		set -- "$1" "$2" $(campaign "$BUILD/fuzz-empty" "$1" "$SECONDS_EACH" 0 "$seed")
		empty_units=$((empty_units + $3))
		n=$((n + 1))
	done
	secs=$((n * SECONDS_EACH))
	pcpu=$(awk -v u="$pcpu_units" -v s="$secs" 'BEGIN { printf "%.0f", u / s }')
	empty=$(awk -v u="$empty_units" -v s="$secs" 'BEGIN { printf "%.0f", u / s }')
	unchecked=$(awk -v u="$bare_units" -v ns="$bare_ns" 'BEGIN { printf "%.0f", (ns > 0 ? u / (ns / 1e9) : 0) }')
	echo "bench exec_per_sec$2 $pcpu exec/s"
	echo "bench empty_exec_per_sec$2 $empty exec/s"
	awk -v a="$pcpu" -v b="$empty" -v n="$2" 'BEGIN { printf "bench exec_ratio%s %.4f ratio\n", n, (b > 0 ? a / b : 0) }'
	# what the core, the decoder and the sanitizers cost on their own,
	# the bound on exec_ratio of any checks
	echo "bench unchecked_exec_per_sec$2 $unchecked exec/s"
	awk -v a="$unchecked" -v b="$empty" -v n="$2" 'BEGIN { printf "bench unchecked_exec_ratio%s %.4f ratio\n", n, (b > 0 ? a / b : 0) }'
	echo "bench checks_execs$2 $bare_units execs"
	awk -v a="$pcpu_ns" -v b="$bare_ns" -v n="$2" 'BEGIN { printf "bench checks_exec_cost_ratio%s %.2f x\n", n, (b > 0 ? a / b : 0) }'
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
# the same traces in the campaigns' build: sanitizers, the poison page
# model and no host call per populate (tools/bench.c says why both)
"$BUILD/pcpu-bench" "${BENCH_SECONDS:-1}" _sanitized
