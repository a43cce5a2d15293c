#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The two page models (allocator/host_vm.h: PCPU_VM=poison, the default
# in this ASan build, and PCPU_VM=mprotect) agree:
# 1. a bad PCPU_VM is a usage error: exit 2 and exactly one line;
# 2. the unit tests, every golden output and every finding in crashes/
#    are the same under mprotect (run-all.sh runs them under the default);
# 3. a planted access past the populated pages, by the zero-overreach
#    mutant's clear in pcpu_alloc (tests/memmodel/overreach-unpopulated.
#    trace), kills the run in both models, each with its sanitizer report
#    (use-after-poison, SEGV) and the same top frame in our sources,
#    pcpu_alloc; the unmutated port passes that trace in both.
set -u
BUILD=${BUILD:-build}
REPLAY=$BUILD/pcpu-replay
SUITE=memmodel
. tests/lib.sh

# 1. usage error
PCPU_VM=bogus "$REPLAY" tests/golden >/dev/null 2>"$tmp/err"; st=$?
if [ $st -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
    grep -qx "percpu-fuzz: PCPU_VM: unknown memory model 'bogus' (poison, mprotect)" "$tmp/err"; then ok; else
	ko "PCPU_VM=bogus: exit $st, expected 2 and one line"; cat "$tmp/err" >&2; fi

# 2. the mprotect model gives the same outcomes
line=$(PCPU_VM=mprotect "$BUILD/unit-tests" 2>"$tmp/unit.err" | grep '^unit: ' || echo "unit: 0 passed, 1 failed")
case $line in
"unit: "*" passed, 0 failed") ok ;;
*) ko "unit tests under PCPU_VM=mprotect: $line"; cat "$tmp/unit.err" >&2 ;;
esac
for t in tests/golden/*.trace; do
	fixes=$(sed -n 's/^# fixes: *//p' "$t")
	if PCPU_VM=mprotect PCPU_FIXES=${fixes:-none} "$REPLAY" --results --state "$t" >"$tmp/out" 2>&1 &&
	    cmp -s "$tmp/out" "${t%.trace}.out"; then ok; else
		ko "golden $t under PCPU_VM=mprotect"; diff "${t%.trace}.out" "$tmp/out" >&2; fi
done

# the findings under PCPU_VM=mprotect, faithful and fixed (pcpu-replay --expect)
for d in crashes/*/; do
	[ -f "$d/expected" ] || continue
	expect_finding "$d" PCPU_VM=mprotect "$REPLAY"
done

# 3. the same planted access, stopped in both models at the same frame
# sanitizer report -> "TYPE FRAME": the error type, and the first frame
# whose source is ours (as harness/signature_report.c reads it)
report_of() {
	type=$(sed -n 's/.*ERROR: AddressSanitizer: \([a-zA-Z-]*\).*/\1/p' "$1" | head -n 1)
	frame=$(grep -E '^ +#[0-9]+ .* in [A-Za-z_0-9]+ .*/(allocator|oracle|harness|trace|fuzzers)/' "$1" |
		head -n 1 | sed 's/.* in \([A-Za-z_0-9]*\) .*/\1/')
	echo "$type $frame"
}
planted=tests/memmodel/overreach-unpopulated.trace
if ${MAKE:-make} --no-print-directory -s BUILD="$BUILD" MUTANT=zero-overreach mutant-replay \
    >"$tmp/build.log" 2>&1; then ok; else
	ko "building the zero-overreach mutant"; tail -5 "$tmp/build.log" >&2; fi
for model in poison mprotect; do
	case $model in poison) want="use-after-poison pcpu_alloc" ;; *) want="SEGV pcpu_alloc" ;; esac
	PCPU_VM=$model "$BUILD/mutants/zero-overreach/pcpu-replay" "$planted" >/dev/null 2>"$tmp/err"; st=$?
	got=$(report_of "$tmp/err")
	if [ $st -ne 0 ] && [ "$got" = "$want" ] &&
	    grep -q "percpu-fuzz: died in $planted at operation 2" "$tmp/err"; then ok; else
		ko "planted access under PCPU_VM=$model: exit $st, '$got', expected '$want'"; head -n 12 "$tmp/err" >&2; fi
	if PCPU_VM=$model PCPU_FIXES=all "$REPLAY" "$planted" >/dev/null 2>"$tmp/err"; then ok; else
		ko "unmutated port fails $planted under PCPU_VM=$model"; head -n 5 "$tmp/err" >&2; fi
done
finish
