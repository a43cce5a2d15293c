#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# An AFL++ campaign on corpus/: `make afl [TIME=s] [JOBS=n] [FIXES=list]`.
# One main instance (with CmpLog) and JOBS-1 secondaries share
# $WORK/afl/out (default ~/.cache/percpu-fuzz/afl/out).  Secondaries on
# other machines join by running afl-fuzz -S NAME with the same -o on a
# shared directory (README, "Distributed campaigns").
set -eu
BUILD=${BUILD:-build}
TIME=${TIME:-600}
JOBS=${JOBS:-1}
FIXES=${FIXES:-all}
WORK=${WORK:-$HOME/.cache/percpu-fuzz}
dir=$WORK/afl

case $TIME in ''|*[!0-9]*) echo "afl.sh: TIME must be whole seconds, not '$TIME'" >&2; exit 2;; esac
case $JOBS in ''|*[!0-9]*|0) echo "afl.sh: JOBS must be a positive number, not '$JOBS'" >&2; exit 2;; esac
if ! PCPU_FIXES=$FIXES "$BUILD/pcpu-replay" --trace corpus/illegal-requests.trace >/dev/null; then
	echo "afl.sh: FIXES='$FIXES' is not a valid fix list" >&2; exit 2
fi

mkdir -p "$dir/seeds" "$dir/out"
for t in corpus/*.trace crashes/*/reproducer.trace; do
	[ -f "$t" ] || continue
	name=$(echo "$t" | tr '/' '_')
	"$BUILD/pcpu-encode" "$t" "$dir/seeds/${name%.trace}.bin"
done

export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_SKIP_BIN_CHECK=1 PCPU_FIXES=$FIXES
echo "afl: AFL++ for ${TIME}s, $JOBS instance(s), PCPU_FIXES=$FIXES, output $dir/out"
pids=""
i=1
while [ "$i" -lt "$JOBS" ]; do
	afl-fuzz -S "sec$i" -V "$TIME" -x fuzzers/pcpu.dict -i "$dir/seeds" -o "$dir/out" \
		-- "$BUILD/afl-pcpu" >"$dir/sec$i.log" 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
done
st=0
afl-fuzz -M main -V "$TIME" -c 0 -x fuzzers/pcpu.dict -i "$dir/seeds" -o "$dir/out" \
	-- "$BUILD/afl-pcpu-cmplog" || st=$?
for p in $pids; do wait "$p" || true; done
afl-whatsup -s "$dir/out" || true
n=$(find "$dir/out" -path '*/crashes/id*' -type f | wc -l)
echo "afl: done (exit $st); $n crash(es) under $dir/out/*/crashes"
exit $st
