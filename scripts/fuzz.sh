#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# A libFuzzer campaign on corpus/: `make fuzz [TIME=s] [JOBS=n] [FIXES=list]`.
# Results live outside the source tree in $WORK/libfuzzer (default
# ~/.cache/percpu-fuzz/libfuzzer): corpus/ grows across campaigns,
# artifacts/ holds crashing inputs.  Known kernel bugs are fixed by default
# (FIXES=all) so that a finding is a new one; FIXES=none hunts the known bugs.
set -eu
BUILD=${BUILD:-build}
TIME=${TIME:-600}
JOBS=${JOBS:-1}
FIXES=${FIXES:-all}
WORK=${WORK:-$HOME/.cache/percpu-fuzz}
dir=$WORK/libfuzzer
target=$BUILD/fuzz-pcpu

case $TIME in ''|*[!0-9]*) echo "fuzz.sh: TIME must be whole seconds, not '$TIME'" >&2; exit 2;; esac
case $JOBS in ''|*[!0-9]*|0) echo "fuzz.sh: JOBS must be a positive number, not '$JOBS'" >&2; exit 2;; esac
PCPU_FIXES=$FIXES "$BUILD/pcpu-replay" --help >/dev/null 2>&1 || true
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

echo "fuzz: libFuzzer for ${TIME}s, $JOBS job(s), PCPU_FIXES=$FIXES, work dir $dir"
set -- -max_total_time="$TIME" -print_final_stats=1 -dict=fuzzers/pcpu.dict \
	-max_len=4096 -timeout=10 -artifact_prefix="$dir/artifacts/"
if [ "$JOBS" -gt 1 ]; then
	set -- "$@" -fork="$JOBS" -ignore_crashes=1
fi
st=0
PCPU_FIXES=$FIXES "$target" "$@" "$dir/corpus" "$dir/seeds" || st=$?

n=$(find "$dir/artifacts" -type f | wc -l)
echo "fuzz: done (exit $st); corpus $(ls "$dir/corpus" | wc -l) inputs; $n artifact(s) in $dir/artifacts"
if [ "$n" -gt 0 ]; then
	echo "fuzz: reproduce one with: make repro CRASH=<artifact> (FIXES as above)"
fi
exit $st
