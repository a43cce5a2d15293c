#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The op-aware custom mutator (fuzzers/mutator.c) and the operation
# boundaries it relies on (trace/input_ops.c):
#  1. the test driver (tests/mutator/driver.c): boundaries agree with the
#     decoder on random inputs and at its limits, cut-and-rejoin keeps the
#     decoded trace, same seed and input give the same output (and no state
#     is kept between calls), single mutations do what they say (sizes land
#     on page/unit boundaries, align and size fields survive each other;
#     nested operations are inserted where they may run, removed alone or
#     with their block, moved to other points; burst counts change; holes
#     are punched: 2n equal tiny allocs, then frees of every other one,
#     before a top-level item, the u16 free index past 30, declined at
#     the decoder's limits), and a version-3 input is edited as version 4
#     with the same trace;
#  2. scripts/find-known.sh refuses bad knobs (exit 2);
#  3. a short find run: fuzz-pcpu-mut finds align-pow2 from an empty
#     corpus within 20,000 executions and the artifact replays to check
#     'overlap';
#  4. find-known.sh says a run libFuzzer stopped out of memory as such,
#     apart from failures of other checks.
# (libFuzzer runs themselves do not reproduce bit for bit with one -seed,
# with or without the mutator, so determinism is checked on the mutator.)
set -u
BUILD=${BUILD:-build}
SUITE=mutator
. tests/lib.sh

if make --no-print-directory BUILD="$BUILD" "$BUILD/mutator-test" \
	"$BUILD/fuzz-pcpu-mut" "$BUILD/pcpu-replay" >"$tmp/make.log" 2>&1; then ok; else
	ko "build of mutator-test / fuzz-pcpu-mut"; tail -20 "$tmp/make.log" >&2
	finish
fi

# 1. the driver's own assertions, added one by one
"$BUILD/mutator-test" 1 >"$tmp/drv.out" 2>"$tmp/drv.err"; st=$?
head -20 "$tmp/drv.err" >&2
line=$(grep '^mutator-driver: ' "$tmp/drv.out" || echo "mutator-driver: 0 passed, 1 failed")
add_counts "$line"
if [ "$st" -ne 0 ] && [ "$f" -eq 0 ]; then ko "mutator-test exited $st"; fi
if [ "$p" -lt 10 ]; then ko "mutator-test ran only $p assertions"; fi

# 2. bad knobs are usage errors
# (every knob set, the bad one last, so that a knob wrongly accepted
# costs a hundred executions, not a full measurement)
for knob in TRIALS=0 LIMIT=x RUNS=x JOBS=0 BUGS=no-such-bug BINARIES=no-such-binary; do
	env BUILD="$BUILD" WORK="$tmp/w" TRIALS=1 LIMIT=0 RUNS=100 JOBS=1 BUGS=align-pow2 \
		BINARIES=fuzz-pcpu-mut "$knob" scripts/find-known.sh >/dev/null 2>"$tmp/err"
	if [ $? -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]; then ok; else
		ko "find-known.sh $knob: not a one-line error with exit 2"; fi
done

# 3. a real find: align-pow2 with the mutator, empty corpus, at most
#    20,000 executions and no time limit (it takes about a hundred)
BUILD=$BUILD WORK="$tmp/w" TRIALS=1 LIMIT=0 RUNS=20000 BUGS=align-pow2 BINARIES=fuzz-pcpu-mut \
	scripts/find-known.sh >"$tmp/find.out" 2>&1; st=$?
res=$tmp/w/find-known/results.tsv
if [ $st -eq 0 ] && [ -f "$res" ] && grep -q '^align-pow2 fuzz-pcpu-mut 1 found ' "$res" &&
    grep -q '^align-pow2 *fuzz-pcpu-mut *1/1 ' "$tmp/find.out"; then ok; else
	ko "fuzz-pcpu-mut did not find align-pow2 in 20,000 executions (exit $st)"; tail -5 "$tmp/find.out" >&2; fi
# the artifact it kept fails check 'overlap' in faithful mode (slot-walk fixed)
art=$(find "$tmp/w/find-known/align-pow2/fuzz-pcpu-mut/seed-1/artifacts" -type f 2>/dev/null | head -n 1)
if [ -n "$art" ]; then
	PCPU_FIXES=slot-walk "$BUILD/pcpu-replay" "$art" >/dev/null 2>"$tmp/err"; st=$?
	if [ $st -eq 1 ] && grep -q "check 'overlap' failed" "$tmp/err"; then ok; else
		ko "artifact $art: exit $st, not check 'overlap'"; fi
	# and passes once align-pow2 is fixed too: it is that bug, not another
	if PCPU_FIXES=all "$BUILD/pcpu-replay" "$art" >/dev/null 2>&1; then ok; else
		ko "artifact $art fails with every fix on"; fi
else
	ko "no artifact kept"
fi

# 4. a run that libFuzzer's RSS limit stops is counted and said as out of
#    memory, not as a failure of another check.  The fuzzer is a stand-in
#    that leaves what libFuzzer leaves then (an oom- artifact, its stats,
#    exit 71): whether a real run meets the limit before it finds the
#    bug would depend on how fast the machine is.
mkdir -p "$tmp/fake"
ln -s "$PWD/$BUILD/pcpu-replay" "$tmp/fake/pcpu-replay"
cat >"$tmp/fake/fuzz-pcpu-mut" <<'FAKE'
#!/bin/sh
for a; do case $a in -artifact_prefix=*) p=${a#-artifact_prefix=} ;; esac; done
printf 'x' >"${p}oom-0"
echo "==1== ERROR: libFuzzer: out-of-memory (used: 2049Mb; limit: 2048Mb)"
echo "stat::number_of_executed_units: 5"
exit 71
FAKE
chmod +x "$tmp/fake/fuzz-pcpu-mut"
BUILD=$tmp/fake WORK="$tmp/o" TRIALS=1 LIMIT=0 RUNS=10 BUGS=slot-walk BINARIES=fuzz-pcpu-mut \
	scripts/find-known.sh >"$tmp/oom.out" 2>&1; st=$?
if [ $st -eq 0 ] && grep -q '^slot-walk fuzz-pcpu-mut 1 oom ' "$tmp/o/find-known/results.tsv" &&
    grep -q '0/1 .*(1 out of memory: see logs)$' "$tmp/oom.out"; then ok; else
	ko "find-known.sh: a run out of memory not said as such (exit $st)"; tail -3 "$tmp/oom.out" >&2; fi

finish
