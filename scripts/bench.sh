#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: prints `bench NAME VALUE UNIT` lines.  exec rates come from
# the libFuzzer builds of fuzz_pcpu and of the empty target, measured in
# the same run on the same inputs with the same mutation seed, twice: from
# the hand-written seeds (corpus/*.trace encoded) and from all of corpus/
# (names ending _corpus); per-operation costs and the checks' overhead come
# from pcpu-bench (optimised, no sanitizers).  Compare ratios, not absolute
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
SECONDS_EACH=${SECONDS_EACH:-10}
# the three rates from one set of inputs; SUFFIX names the set
rates() { # rates DIR SUFFIX
	pcpu=$(rate "$BUILD/fuzz-pcpu" "$SECONDS_EACH" "$1")
	unchecked=$(rate "$BUILD/fuzz-pcpu-unchecked" "$SECONDS_EACH" "$1")
	empty=$(rate "$BUILD/fuzz-empty" "$SECONDS_EACH" "$1")
	echo "bench exec_per_sec$2 $pcpu exec/s"
	echo "bench empty_exec_per_sec$2 $empty exec/s"
	awk -v a="$pcpu" -v b="$empty" -v n="$2" 'BEGIN { printf "bench exec_ratio%s %.4f ratio\n", n, (b > 0 ? a / b : 0) }'
	# the same target without the checks: what the core, the decoder and
	# the sanitizers cost on their own, the bound on exec_ratio of any checks
	echo "bench unchecked_exec_per_sec$2 $unchecked exec/s"
	awk -v a="$unchecked" -v b="$empty" -v n="$2" 'BEGIN { printf "bench unchecked_exec_ratio%s %.4f ratio\n", n, (b > 0 ? a / b : 0) }'
	awk -v a="$unchecked" -v b="$pcpu" -v n="$2" 'BEGIN { printf "bench checks_exec_cost_ratio%s %.2f x\n", n, (b > 0 ? a / b : 0) }'
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
