#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Planted-bug self-test of the checks: `make mutants [MUTANTS="a b"]
# [MUTANT_TIME=s]`.  Each mutant (tests/mutants/NAME.mutant) is one small
# bug planted in a copy of allocator/; it is built (mk/mutants.mk) and
# fuzzed with libFuzzer for at most MUTANT_TIME seconds (default 60) with
# PCPU_FIXES=all (and, with MUTANT_RUNS=n, at most n executions), in one or
# both of two modes (MUTANT_SEEDS, default both): `corpus` starts from the
# seed corpus (corpus/*.trace encoded with pcpu-encode, plus the binary
# inputs in corpus/) with libFuzzer's own mutations; `empty` starts from
# nothing with the op-aware custom mutator, which measures what the checks
# catch without the seeds' head start.  A mutant is killed
# when the fuzzer stops on an input: the killer is the check named in the
# report line "... check 'NAME' failed ...", else the sanitizer's or
# libFuzzer's error type.  Prints one line per mutant and mode and the
# kill rate of each mode; exits 0 when every mutant was killed in every
# mode, 1 otherwise, 2 on bad usage.
#
# Settings (environment): MUTANTS (names, default every spec), MUTANT_TIME,
# MUTANT_RUNS, MUTANT_SEEDS,
# MUTANT_SPECS (the specs' directory, default tests/mutants), BUILD, MAKE.
# Work files: $WORK/mutants (WORK defaults to ~/.cache/percpu-fuzz): the
# seeds, and per mutant its build and fuzz logs, corpus and artifacts.
#
#   scripts/mutants.sh --apply SPEC.mutant DIR
# copies allocator/ to DIR and applies SPEC's change (used by the make
# rules); exit 2 with one line when the spec is malformed or its change
# does not apply.
set -eu

CHECKS="overlap zeroed tags oracle free_size contig_hint map slot populated leak hang bug"

die() {
	echo "mutants.sh: $*" >&2
	exit 2
}

# Check a spec's fields; print its `file:` value.
spec_file() {
	spec=$1
	[ -f "$spec" ] || die "$spec: no such mutant"
	grep -q '^# SPDX-License-Identifier: GPL-2.0-only$' "$spec" ||
		die "$spec: missing the SPDX line"
	[ "$(grep -c '^#' "$spec")" -ge 2 ] ||
		die "$spec: missing the comment line that describes the bug"
	file=$(sed -n 's/^file: *//p' "$spec")
	check=$(sed -n 's/^check: *//p' "$spec")
	[ -n "$file" ] || die "$spec: missing 'file: NAME'"
	case $file in */* | .*) die "$spec: file '$file' must be a plain name in allocator/" ;; esac
	[ -f "allocator/$file" ] || die "$spec: file 'allocator/$file' does not exist"
	# asan:TYPE: a bug only the sanitizer sees (a freed chunk read, say)
	case " $CHECKS " in
	*" $check "*) ;;
	*) case $check in
		asan:?*) ;;
		*) die "$spec: check '$check' is not a check name ($CHECKS) nor asan:TYPE" ;;
		esac ;;
	esac
	grep -q '^sed: ' "$spec" || die "$spec: missing a 'sed: EXPRESSION' line"
	echo "$file"
}

# Copy allocator/ to $2 and apply every sed expression of spec $1 in turn;
# each must change the file.
apply() {
	spec=$1
	dest=$2
	file=$(spec_file "$spec")
	rm -rf "$dest"
	mkdir -p "$dest"
	cp allocator/* "$dest/"
	target=$dest/$file
	grep '^sed: ' "$spec" | sed 's/^sed: //' | {
		n=0
		while IFS= read -r expr; do
			n=$((n + 1))
			sed -e "$expr" "$target" >"$target.new" ||
				die "$spec: sed expression $n does not parse: $expr"
			if cmp -s "$target" "$target.new"; then
				rm -f "$target.new"
				die "$spec: sed expression $n changes nothing in allocator/$file: $expr"
			fi
			mv "$target.new" "$target"
		done
	}
	cmp -s "allocator/$file" "$target" &&
		die "$spec: the change leaves allocator/$file unchanged"
	return 0
}

if [ "${1:-}" = "--apply" ]; then
	[ $# -eq 3 ] || die "usage: mutants.sh --apply SPEC.mutant DIR"
	apply "$2" "$3"
	exit 0
fi
[ $# -eq 0 ] || die "usage: mutants.sh (settings come from MUTANTS, MUTANT_TIME, BUILD, WORK)"

BUILD=${BUILD:-build}
MAKE=${MAKE:-make}
MUTANT_TIME=${MUTANT_TIME:-60}
MUTANT_RUNS=${MUTANT_RUNS:-0}
MUTANT_SEEDS=${MUTANT_SEEDS:-both}
MUTANTS=${MUTANTS:-}
specs=${MUTANT_SPECS:-tests/mutants}
WORK=${WORK:-$HOME/.cache/percpu-fuzz}
dir=$WORK/mutants

case $MUTANT_RUNS in '' | *[!0-9]*) die "MUTANT_RUNS must be a number of executions (0: no cap), not '$MUTANT_RUNS'" ;; esac
# MUTANT_TIME=0: no time limit, allowed only with an execution cap (how a
# test asks for executions rather than seconds)
case $MUTANT_TIME in
'' | *[!0-9]*) die "MUTANT_TIME must be a number of seconds, not '$MUTANT_TIME'" ;;
0) [ "$MUTANT_RUNS" -gt 0 ] || die "MUTANT_TIME=0 (no time limit) needs MUTANT_RUNS" ;;
esac
case $MUTANT_SEEDS in
corpus | empty) modes=$MUTANT_SEEDS ;;
both) modes="corpus empty" ;;
*) die "MUTANT_SEEDS must be corpus, empty or both, not '$MUTANT_SEEDS'" ;;
esac
if [ -z "$MUTANTS" ]; then
	for s in "$specs"/*.mutant; do
		[ -f "$s" ] || continue
		s=${s##*/}
		MUTANTS="$MUTANTS ${s%.mutant}"
	done
fi
[ -n "$MUTANTS" ] || die "no mutants in $specs"
total=0
for m in $MUTANTS; do
	spec_file "$specs/$m.mutant" >/dev/null
	total=$((total + 1))
done
[ -x "$BUILD/pcpu-encode" ] || die "$BUILD/pcpu-encode is missing (make $BUILD/pcpu-encode)"

# Seeds: the text traces encoded, plus the binary inputs kept in corpus/.
rm -rf "$dir/seeds"
mkdir -p "$dir/seeds"
for t in corpus/*.trace; do
	[ -f "$t" ] || continue
	name=${t##*/}
	"$BUILD/pcpu-encode" "$t" "$dir/seeds/${name%.trace}.bin"
done
for f in corpus/*; do
	case $f in *.trace) ;; *) [ -f "$f" ] && cp "$f" "$dir/seeds/" ;; esac
done

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# What stopped the fuzzer, from its log: the failed check, else the error.
killer() {
	log=$1
	k=$(sed -n "s/.*check '\([a-z_]*\)' failed.*/\1/p" "$log" | head -n 1)
	[ -n "$k" ] || k=$(sed -n 's/.*ERROR: \(LeakSanitizer\): .*/\1:leak/p' "$log" | head -n 1)
	[ -n "$k" ] || k=$(sed -n 's/^SUMMARY: \([A-Za-z]*Sanitizer\): \([A-Za-z-]*\).*/\1:\2/p' "$log" | head -n 1)
	[ -n "$k" ] || k=$(sed -n 's/.*ERROR: libFuzzer: \([a-z-]*\).*/libFuzzer:\1/p' "$log" | head -n 1)
	echo "$k"
}

# fuzz_one NAME MODE: fuzz one built mutant in one mode; prints its line
# and sets $outcome to killed, survived or error.
fuzz_one() {
	m=$1
	mode=$2
	md=$dir/$m/$mode
	rm -rf "$md"
	mkdir -p "$md/corpus" "$md/artifacts"
	if [ "$mode" = corpus ]; then
		bin=$BUILD/mutants/$m/fuzz-pcpu
		set -- "$md/corpus" "$dir/seeds"
		label=""
	else
		bin=$BUILD/mutants/$m/fuzz-pcpu-mut
		set -- "$md/corpus"
		label=" (empty corpus)"
	fi
	[ "$MUTANT_RUNS" -eq 0 ] || set -- -runs="$MUTANT_RUNS" "$@"
	start=$(now)
	st=0
	# a hard stop a minute past the time limit, if there is one
	guard=""
	[ "$MUTANT_TIME" -eq 0 ] || guard="timeout $((MUTANT_TIME + 60))"
	# shellcheck disable=SC2086
	PCPU_FIXES=all $guard "$bin" \
		-max_total_time="$MUTANT_TIME" -dict=fuzzers/pcpu.dict -seed=1 \
		-max_len=4096 -timeout=10 -print_final_stats=0 \
		-artifact_prefix="$md/artifacts/" "$@" >"$md/fuzz.log" 2>&1 || st=$?
	took=$(elapsed "$start" "$(now)")
	k=$(killer "$md/fuzz.log")
	if [ -n "$k" ]; then
		echo "mutant $m$label killed by $k in ${took}s"
		outcome=killed
	elif [ "$st" -eq 0 ]; then
		if [ "$MUTANT_RUNS" -ne 0 ] && grep -q "^Done [0-9]* runs" "$md/fuzz.log"; then
			echo "mutant $m$label survived $MUTANT_RUNS runs"
		else
			echo "mutant $m$label survived ${MUTANT_TIME}s"
		fi
		outcome=survived
	else
		echo "mutant $m$label: fuzzer exited with status $st and no report (log: $md/fuzz.log)"
		outcome=error
	fi
}

cap=""
[ "$MUTANT_RUNS" -eq 0 ] || cap=" or $MUTANT_RUNS executions"
limit="${MUTANT_TIME}s$cap"
[ "$MUTANT_TIME" -ne 0 ] || limit="$MUTANT_RUNS executions"
echo "mutants: $total mutant(s), up to $limit of libFuzzer each, mode(s) $modes, PCPU_FIXES=all, work dir $dir"
i=0
killed_corpus=0
killed_empty=0
errors=0
for m in $MUTANTS; do
	i=$((i + 1))
	rm -rf "${dir:?}/$m"
	mkdir -p "$dir/$m"
	expect=$(sed -n 's/^check: *//p' "$specs/$m.mutant")
	echo "mutants: [$i/$total] $m (its trace: $expect): building"
	if ! $MAKE --no-print-directory MUTANT="$m" MUTANT_SPECS="$specs" BUILD="$BUILD" \
		"$BUILD/mutants/$m/fuzz-pcpu" "$BUILD/mutants/$m/fuzz-pcpu-mut" \
		>"$dir/$m/build.log" 2>&1; then
		echo "mutant $m: build FAILED (log: $dir/$m/build.log)"
		tail -n 5 "$dir/$m/build.log"
		errors=$((errors + 1))
		continue
	fi
	for mode in $modes; do
		fuzz_one "$m" "$mode"
		case $outcome in
		killed) eval "killed_$mode=\$((killed_$mode + 1))" ;;
		error) errors=$((errors + 1)) ;;
		esac
	done
done

all=0
for mode in $modes; do
	eval "k=\$killed_$mode"
	pct=$(awk -v k="$k" -v n="$total" 'BEGIN { printf "%d", n ? 100 * k / n : 0 }')
	if [ "$mode" = corpus ]; then
		echo "mutants: $k/$total killed ($pct%)"
	else
		echo "mutants from an empty corpus: $k/$total killed ($pct%)"
	fi
	[ "$k" -eq "$total" ] || all=1
done
[ "$errors" -eq 0 ] || echo "mutants: $errors mutant(s) failed to build or run"
[ "$all" -eq 0 ] && [ "$errors" -eq 0 ]
