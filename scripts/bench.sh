#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: prints `bench NAME VALUE UNIT` lines.  exec rates come from
# the libFuzzer builds of fuzz_pcpu and of the empty target, measured in
# the same run on the same seeds with the same mutation seed; per-operation
# costs and the checks' overhead come from pcpu-bench (optimised, no
# sanitizers).  Compare ratios, not absolute numbers, across machines.
set -eu
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/seeds"
for t in corpus/*.trace; do
	"$BUILD/pcpu-encode" "$t" "$tmp/seeds/$(basename "${t%.trace}").bin"
done

# rate BINARY SECONDS: executions per wall-clock second.  libFuzzer's own
# average_exec_per_sec is an integer division by whole seconds (0 for an
# empty target that finishes its runs within one), so count executed units
# over a fixed time instead.
rate() {
	units=$(PCPU_FIXES=all "$1" -max_total_time="$2" -runs=1000000000 -seed=1 \
		-max_len=4096 -print_final_stats=1 -artifact_prefix="$tmp/" "$tmp/seeds" 2>&1 |
		sed -n 's/^stat::number_of_executed_units: *//p')
	awk -v u="${units:-0}" -v s="$2" 'BEGIN { printf "%.0f", u / s }'
}
SECONDS_EACH=${SECONDS_EACH:-10}
pcpu=$(rate "$BUILD/fuzz-pcpu" "$SECONDS_EACH")
unchecked=$(rate "$BUILD/fuzz-pcpu-unchecked" "$SECONDS_EACH")
empty=$(rate "$BUILD/fuzz-empty" "$SECONDS_EACH")
echo "bench exec_per_sec $pcpu exec/s"
echo "bench empty_exec_per_sec $empty exec/s"
awk -v a="$pcpu" -v b="$empty" 'BEGIN { printf "bench exec_ratio %.4f ratio\n", (b > 0 ? a / b : 0) }'
# the same target without the checks: what the core, the decoder and the
# sanitizers cost on their own, the bound on exec_ratio of any checks
echo "bench unchecked_exec_per_sec $unchecked exec/s"
awk -v a="$unchecked" -v b="$empty" 'BEGIN { printf "bench unchecked_exec_ratio %.4f ratio\n", (b > 0 ? a / b : 0) }'
awk -v a="$unchecked" -v b="$pcpu" 'BEGIN { printf "bench checks_exec_cost_ratio %.2f x\n", (b > 0 ? a / b : 0) }'
# host system calls per execution in steady state, counted in
# allocator/host_mem.c over the seeds replayed in one process after a
# warm-up round: the campaigns' page model (ASan poison, the default in
# sanitizer builds) and the mprotect one, for comparison
"$BUILD/pcpu-bench-calls" "" "$tmp/seeds"
PCPU_VM=mprotect "$BUILD/pcpu-bench-calls" _mprotect "$tmp/seeds"
"$BUILD/fast/pcpu-bench" "${BENCH_SECONDS:-1}"
