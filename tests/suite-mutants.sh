#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Planted-bug self-test of the checks (tests/mutants/, mk/mutants.mk,
# scripts/mutants.sh):
#  1. the mutant set: at least 20 distinct mutants, each a well-formed spec
#     with a trace, and every check below named by at least one of them;
#  2. per mutant: its replay driver builds, its trace fails exactly the
#     check its spec names (exit 1), and the unmutated driver passes that
#     trace (exit 0), all with PCPU_FIXES=all;
#  3. a change that does not apply is refused loudly (exit 2);
#  4. the fuzzing self-test (`make mutants`) on two mutants reports both
#     killed and the kill rate, and reports an equivalent mutant (a comment
#     change) as survived, with a failing exit status.
# Ends with "mutants: N passed, N failed".
set -u
BUILD=${BUILD:-build}
REPLAY=$BUILD/pcpu-replay
CHECKS="overlap zeroed tags oracle free_size contig_hint map slot populated leak"
MAKE_Q="make --no-print-directory BUILD=$BUILD"
SUITE=mutants
. tests/lib.sh


# 1. the mutant set
n=0
for s in tests/mutants/*.mutant; do
	[ -f "$s" ] || continue
	m=${s##*/}
	m=${m%.mutant}
	n=$((n + 1))
	if sh scripts/mutants.sh --apply "$s" "$tmp/apply/$m" 2>"$tmp/err"; then ok; else
		ko "mutant $m does not apply"; cat "$tmp/err" >&2; continue; fi
	if [ -f "tests/mutants/$m.trace" ]; then ok; else ko "mutant $m has no trace"; fi
	# distinctness: the mutated file's content (with its name)
	f=$(sed -n 's/^file: *//p' "$s")
	{ echo "$f"; cat "$tmp/apply/$m/$f"; } | cksum | sed "s/ .*/ $m/" >>"$tmp/sums"
done
if [ "$n" -ge 20 ]; then ok; else ko "only $n mutants, want at least 20"; fi
dups=$(cut -d' ' -f1 "$tmp/sums" 2>/dev/null | sort | uniq -d)
if [ -z "$dups" ]; then ok; else
	ko "mutants with identical changes: $(grep -F "$dups" "$tmp/sums" | cut -d' ' -f2 | tr '\n' ' ')"; fi
for c in $CHECKS; do
	if grep -lqx "check: $c" tests/mutants/*.mutant; then ok; else
		ko "no mutant's trace is caught by check '$c'"; fi
done

# 2. each mutant's trace: caught by its check on the mutant, clean without
for s in tests/mutants/*.mutant; do
	[ -f "$s" ] || continue
	m=${s##*/}
	m=${m%.mutant}
	t=tests/mutants/$m.trace
	c=$(sed -n 's/^check: *//p' "$s")
	if $MAKE_Q MUTANT="$m" "$BUILD/mutants/$m/pcpu-replay" >"$tmp/build" 2>&1; then ok; else
		ko "mutant $m: build failed"; tail -n 5 "$tmp/build" >&2; continue; fi
	[ -f "$t" ] || continue
	PCPU_FIXES=all "$BUILD/mutants/$m/pcpu-replay" "$t" >/dev/null 2>"$tmp/err"; st=$?
	case $c in
	asan:*) # the sanitizer's own exit, and its report naming the error
		if [ $st -ne 0 ] && [ $st -ne 2 ] &&
		    grep -q "ERROR: AddressSanitizer: ${c#asan:}" "$tmp/err"; then ok; else
			ko "mutant $m: $t gave exit $st, expected AddressSanitizer: ${c#asan:}"; head -n 3 "$tmp/err" >&2; fi ;;
	*) if [ $st -eq 1 ] && grep -q "check '$c' failed" "$tmp/err"; then ok; else
		ko "mutant $m: $t gave exit $st, expected 1 with check '$c'"; head -n 3 "$tmp/err" >&2; fi ;;
	esac
	PCPU_FIXES=all "$REPLAY" "$t" >/dev/null 2>"$tmp/err"; st=$?
	if [ $st -eq 0 ]; then ok; else
		ko "unmutated $REPLAY fails $t (exit $st)"; head -n 3 "$tmp/err" >&2; fi
done

# 3. changes that do not apply are refused with one line and exit 2
mkdir -p "$tmp/specs"
bad=$tmp/specs/selftest-noop.mutant
printf '%s\n' '# SPDX-License-Identifier: GPL-2.0-only' '# a change that matches nothing' \
	'file: percpu_map.c' 'check: map' 'sed: s/no such text anywhere/x/' >"$bad"
sh scripts/mutants.sh --apply "$bad" "$tmp/noop" >/dev/null 2>"$tmp/err"; st=$?
if [ $st -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
    grep -q 'selftest-noop.mutant: sed expression 1 changes nothing in allocator/percpu_map.c' "$tmp/err"; then ok; else
	ko "a change that does not apply: exit $st"; cat "$tmp/err" >&2; fi
sed 's/^file: .*/file: no_such_file.c/' "$bad" >"$tmp/specs/selftest-nofile.mutant"
sh scripts/mutants.sh --apply "$tmp/specs/selftest-nofile.mutant" "$tmp/nofile" >/dev/null 2>"$tmp/err"; st=$?
if [ $st -eq 2 ] && grep -q "file 'allocator/no_such_file.c' does not exist" "$tmp/err"; then ok; else
	ko "a spec naming a missing file: exit $st"; cat "$tmp/err" >&2; fi
rm -f "$tmp"/specs/*
$MAKE_Q mutants MUTANTS=no-such-mutant >"$tmp/out" 2>&1; st=$?
if [ $st -ne 0 ] && grep -q 'no-such-mutant.mutant: no such mutant' "$tmp/out"; then ok; else
	ko "make mutants with an unknown mutant: exit $st"; tail -n 3 "$tmp/out" >&2; fi

# 4. the fuzzing self-test: two real mutants killed, one equivalent
# mutant (a comment changed) survives.  The fuzz objects are built first,
# two compiles at a time.
if $MAKE_Q -j2 "$BUILD/fuzz-pcpu" >"$tmp/build" 2>&1; then ok; else
	ko "build $BUILD/fuzz-pcpu"; tail -n 5 "$tmp/build" >&2; fi
# Bounded by a number of executions (MUTANT_TIME=0: no time limit).
# Both modes: from the seeds, and from an empty
# corpus with the custom mutator.
$MAKE_Q mutants MUTANTS="free-no-hint relocate-order" MUTANT_RUNS=20000 \
	MUTANT_TIME=0 WORK="$tmp/work" >"$tmp/out" 2>&1; st=$?
for m in free-no-hint relocate-order; do
	if grep -Eq "^mutant $m killed by [A-Za-z_:-]+ in [0-9]+\.[0-9]s$" "$tmp/out"; then ok; else
		ko "make mutants: $m not reported killed"; fi
	if grep -Eq "^mutant $m \(empty corpus\) killed by [A-Za-z_:-]+ in [0-9]+\.[0-9]s$" "$tmp/out"; then ok; else
		ko "make mutants: $m not reported killed from an empty corpus"; fi
done
if [ $st -eq 0 ] && grep -qx 'mutants: 2/2 killed (100%)' "$tmp/out" &&
    grep -qx 'mutants from an empty corpus: 2/2 killed (100%)' "$tmp/out"; then ok; else
	ko "make mutants: exit $st, expected 0 and both modes 2/2 killed (100%)"; tail -n 5 "$tmp/out" >&2; fi
$MAKE_Q mutants MUTANTS=free-no-hint MUTANT_SEEDS=some >"$tmp/out" 2>&1; st=$?
if [ $st -ne 0 ] && grep -q "MUTANT_SEEDS must be corpus, empty or both, not 'some'" "$tmp/out"; then ok; else
	ko "make mutants MUTANT_SEEDS=some: exit $st"; tail -n 3 "$tmp/out" >&2; fi
$MAKE_Q mutants MUTANTS=free-no-hint MUTANT_TIME=0 >"$tmp/out" 2>&1; st=$?
if [ $st -ne 0 ] && grep -q "MUTANT_TIME=0 (no time limit) needs MUTANT_RUNS" "$tmp/out"; then ok; else
	ko "make mutants MUTANT_TIME=0 without MUTANT_RUNS: exit $st"; tail -n 3 "$tmp/out" >&2; fi
printf '%s\n' '# SPDX-License-Identifier: GPL-2.0-only' \
	'# Equivalent mutant (control): only a comment changes.' \
	'file: percpu_slot.c' 'check: slot' \
	'sed: s/Slots: chunks are kept/Slots: chunks are held/' >"$tmp/specs/selftest-equivalent.mutant"
rm -rf "$BUILD/mutants/selftest-equivalent"
$MAKE_Q mutants MUTANTS=selftest-equivalent MUTANT_SPECS="$tmp/specs" MUTANT_SEEDS=corpus \
	MUTANT_RUNS=1000 MUTANT_TIME=0 WORK="$tmp/work" >"$tmp/out" 2>&1; st=$?
if [ $st -ne 0 ] && grep -qx 'mutant selftest-equivalent survived 1000 runs' "$tmp/out" &&
    grep -qx 'mutants: 0/1 killed (0%)' "$tmp/out" &&
    ! grep -q 'empty corpus' "$tmp/out"; then ok; else
	ko "equivalent mutant: exit $st, expected 'survived 1000 runs', '0/1 killed (0%)' and no empty-corpus mode"; tail -n 5 "$tmp/out" >&2; fi
rm -rf "$BUILD/mutants/selftest-equivalent"

finish
