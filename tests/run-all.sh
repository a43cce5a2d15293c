#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Every test of `make test`: unit tests, replay-driver behaviour (golden
# results/state, input errors, exit statuses), byte-format round trips,
# the corpus with every fix on, every finding in crashes/ both ways, and
# the further suites tests/suite-*.sh (tooling, mutants, backends) and the
# docs/ citations (tests/check-citations.sh).
# Ends with one line "all: N passed, N failed" (", N skipped" when a part
# cannot run here, such as a kernel apt no longer offers); exits non-zero
# on failure.
set -u
BUILD=${BUILD:-build}
REPLAY=$BUILD/pcpu-replay
ENCODE=$BUILD/pcpu-encode
SUITE=all
. tests/lib.sh

# 1. unit tests (their own runner prints "unit: N passed, N failed")
if "$BUILD/unit-tests" >"$tmp/unit.out" 2>"$tmp/unit.err"; then :; fi
cat "$tmp/unit.err" >&2
line=$(grep '^unit: ' "$tmp/unit.out" || echo "unit: 0 passed, 1 failed")
echo "$line"
add_counts "$line"

# 2. golden --results --state output of hand-checked traces
for t in tests/golden/*.trace; do
	[ -e "$t" ] || continue
	exp=${t%.trace}.out
	fixes=$(sed -n 's/^# fixes: *//p' "$t")
	if PCPU_FIXES=${fixes:-none} "$REPLAY" --results --state "$t" >"$tmp/out" 2>"$tmp/err" &&
	    cmp -s "$tmp/out" "$exp"; then ok; else
		ko "golden $t"; diff "$exp" "$tmp/out" >&2; cat "$tmp/err" >&2; fi
done

# 3. bad inputs: exit 2 and exactly the expected one-line error
for t in tests/bad/*.trace; do
	[ -e "$t" ] || continue
	"$REPLAY" "$t" >/dev/null 2>"$tmp/err"; st=$?
	if [ $st -eq 2 ] && cmp -s "$tmp/err" "${t%.trace}.err"; then ok; else
		ko "bad input $t (exit $st)"; diff "${t%.trace}.err" "$tmp/err" >&2; fi
done
"$REPLAY" tests/bad/no-such-file.trace >/dev/null 2>"$tmp/err"
if [ $? -eq 2 ] && grep -q 'no-such-file.trace: cannot open' "$tmp/err"; then ok; else ko "missing file"; fi
for args in "--fix=bogus tests/golden" "--no-such-option x" ""; do
	# shellcheck disable=SC2086
	"$REPLAY" $args >/dev/null 2>&1
	if [ $? -eq 2 ]; then ok; else ko "usage error '$args' not exit 2"; fi
done
if PCPU_FIXES=bogus "$REPLAY" tests/golden >/dev/null 2>&1; [ $? -eq 2 ]; then ok; else ko "bad PCPU_FIXES not exit 2"; fi
if "$REPLAY" --help | grep -q '^usage: pcpu-replay'; then ok; else ko "--help"; fi

# 4. determinism: the same trace twice gives the same output
for t in tests/golden/*.trace; do
	[ -e "$t" ] || continue
	"$REPLAY" --results --state "$t" >"$tmp/a" 2>&1
	"$REPLAY" --results --state "$t" >"$tmp/b" 2>&1
	if cmp -s "$tmp/a" "$tmp/b"; then ok; else ko "nondeterministic $t"; fi
done

# 4b. the canonical text form parses back to itself (nested blocks too)
for t in tests/golden/*.trace; do
	"$REPLAY" --trace "$t" >"$tmp/text1" 2>&1
	cp "$tmp/text1" "$tmp/again.trace"
	"$REPLAY" --trace "$tmp/again.trace" >"$tmp/text2" 2>&1
	if cmp -s "$tmp/text1" "$tmp/text2"; then ok; else
		ko "text round trip $t"; diff "$tmp/text1" "$tmp/text2" >&2; fi
done

# 5. byte form: text -> bytes -> text is identical; bytes are replayable
if [ -x "$ENCODE" ]; then
	for t in tests/golden/*.trace corpus/*.trace; do
		[ -e "$t" ] || continue
		# the byte form does not encode nested blocks yet
		grep -q '{' "$t" && continue
		"$REPLAY" --trace "$t" >"$tmp/text1" 2>&1
		"$ENCODE" "$t" "$tmp/bin" 2>"$tmp/err" &&
		    "$REPLAY" --trace "$tmp/bin" >"$tmp/text2" 2>&1
		if cmp -s "$tmp/text1" "$tmp/text2"; then ok; else
			ko "round trip $t"; cat "$tmp/err" >&2; diff "$tmp/text1" "$tmp/text2" >&2; fi
	done
fi

# 6. the corpus passes every check with every fix on
for t in corpus/*; do
	[ -f "$t" ] || continue
	if PCPU_FIXES=all "$REPLAY" "$t" >/dev/null 2>"$tmp/err"; then ok; else
		ko "corpus $t"; head -20 "$tmp/err" >&2; fi
done

# 7. every finding fails its named check when faithful, passes when fixed
#    (pcpu-replay --expect: one pass per replay that matched)
for d in crashes/*/; do
	[ -f "$d/expected" ] || continue
	expect_finding "$d" "$REPLAY"
done
# a malformed expected file: exit 2, one line naming file:line; a finding
# whose reproducer fails another check: exit 1, one line
mkdir -p "$tmp/finding"
cp crashes/align-pow2/reproducer.trace "$tmp/finding/"
printf 'check: overlap\nfix: align-pow2\nfixes: all\n' >"$tmp/finding/expected"
"$REPLAY" --expect "$tmp/finding" >/dev/null 2>"$tmp/err"; st=$?
if [ $st -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
    grep -q "finding/expected:3: unknown key 'fixes'" "$tmp/err"; then ok; else
	ko "--expect, malformed expected: exit $st"; cat "$tmp/err" >&2; fi
printf 'check: hang\nfix: align-pow2\n' >"$tmp/finding/expected"
"$REPLAY" --expect "$tmp/finding" >/dev/null 2>"$tmp/err"; st=$?
if [ $st -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
    grep -q "check 'overlap' failed, expected check 'hang'" "$tmp/err"; then ok; else
	ko "--expect, another check: exit $st"; cat "$tmp/err" >&2; fi
# a death (dies:) and a check are two outcomes: one per finding, and a
# death only where the linux shim can report one
printf 'check: overlap\ndies: __free_pages\nbackend: linux-6.1\n' >"$tmp/finding/expected"
"$REPLAY" --expect "$tmp/finding" >/dev/null 2>"$tmp/err"; st=$?
if [ $st -eq 2 ] && grep -q "finding/expected:4: both 'check:' and 'dies:'" "$tmp/err"; then ok; else
	ko "--expect, check and dies: exit $st"; cat "$tmp/err" >&2; fi
printf 'dies: __free_pages\n' >"$tmp/finding/expected"
"$REPLAY" --expect "$tmp/finding" >/dev/null 2>"$tmp/err"; st=$?
if [ $st -eq 2 ] && grep -q "needs a 'backend:' line" "$tmp/err"; then ok; else
	ko "--expect, dies without a backend: exit $st"; cat "$tmp/err" >&2; fi

# 8. checks of the tree (tests/check-citations.sh: every docs/ citation
#    names a file and section that exist; tests/check-includes.sh: which
#    folder includes which headers), then further suites
#    (tests/suite-*.sh): each ends with "NAME: N passed, N failed",
#    perhaps followed by ", N skipped"
for s in tests/check-citations.sh tests/check-includes.sh tests/suite-*.sh; do
	[ -f "$s" ] || continue
	BUILD=$BUILD sh "$s" >"$tmp/suite.out" 2>"$tmp/suite.err"; st=$?
	cat "$tmp/suite.err" >&2
	line=$(tail -n 1 "$tmp/suite.out")
	echo "$line"
	case $line in
	*": "*" passed, "*" failed" | *": "*" passed, "*" failed, "*" skipped")
		add_counts "$line"
		if [ $st -ne 0 ] && [ "$f" -eq 0 ]; then ko "$s exited $st"; fi ;;
	*) ko "$s: no closing 'N passed, N failed' line (exit $st)"; tail -5 "$tmp/suite.out" >&2 ;;
	esac
done

finish
