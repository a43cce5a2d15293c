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
RUNS=${RUNS:-20000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/seeds"
for t in corpus/*.trace; do
	"$BUILD/pcpu-encode" "$t" "$tmp/seeds/$(basename "${t%.trace}").bin"
done

rate() { # rate BINARY RUNS: libFuzzer's average exec/s
	PCPU_FIXES=all "$1" -runs="$2" -seed=1 -max_len=4096 -print_final_stats=1 \
		"$tmp/seeds" 2>&1 | sed -n 's/^stat::average_exec_per_sec: *//p'
}
pcpu=$(rate "$BUILD/fuzz-pcpu" "$RUNS")
empty=$(rate "$BUILD/fuzz-empty" $((RUNS * 50)))
echo "bench exec_per_sec $pcpu exec/s"
echo "bench empty_exec_per_sec $empty exec/s"
awk -v a="$pcpu" -v b="$empty" 'BEGIN { printf "bench exec_ratio %.4f ratio\n", (b > 0 ? a / b : 0) }'
"$BUILD/fast/pcpu-bench" "${BENCH_SECONDS:-1}"
