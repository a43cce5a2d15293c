#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The byte form across versions (docs/byte-format.md §1.4): every byte
# input of corpus/ and crashes/ decodes to the trace the version-3
# decoder gave it (tests/bytes/v3-traces.sha1 holds the SHA-1 of each
# `pcpu-replay --trace` of commit de56954), and every version-3 input
# there is listed; crafted version-4 bytes print the expected nested
# trace; nested text traces survive text -> bytes -> text, with their
# bursts; a point outside the table has no byte form.  The decoder's and
# encoder's rules one by one are unit tests (tests/test_input_ops.c).
# Ends with "bytes: N passed, N failed"; exits non-zero on failure.
set -u
BUILD=${BUILD:-build}
REPLAY=$BUILD/pcpu-replay
ENCODE=$BUILD/pcpu-encode
GOLDEN=tests/bytes/v3-traces.sha1
SUITE=bytes
. tests/lib.sh

if make --no-print-directory BUILD="$BUILD" "$REPLAY" "$ENCODE" >"$tmp/make.log" 2>&1; then ok; else
	ko "build of pcpu-replay"; tail -20 "$tmp/make.log" >&2
	finish
fi

# trace_digests FILE...: "SHA1  FILE" of each input's --trace output, from
# one run of pcpu-replay (it heads each input's trace with "# FILE")
trace_digests() {
	"$REPLAY" --trace "$@" | awk -v d="$tmp/t" '
		/^# / { n++; name[n] = substr($0, 3); f = d "." n; next }
		{ print > f }
		END { for (i = 1; i <= n; i++) print name[i] > (d ".names") }'
	_i=0
	while IFS= read -r _name; do
		_i=$((_i + 1))
		printf '%s  %s\n' "$(sha1sum <"$tmp/t.$_i" | cut -c1-40)" "$_name"
	done <"$tmp/t.names"
}

# 1. each listed input prints the trace version 3 printed
grep -v '^#' "$GOLDEN" >"$tmp/want"
missing=0
while read -r _sum path; do
	if [ ! -f "$path" ]; then
		ko "$path: listed in $GOLDEN but missing"
		missing=$((missing + 1))
	fi
done <"$tmp/want"
if [ "$missing" -eq 0 ]; then
	# shellcheck disable=SC2046 # paths: one word each
	trace_digests $(cut -c43- "$tmp/want") >"$tmp/got"
	while read -r sum path; do
		got=$(grep -F "  $path" "$tmp/got" | head -n 1 | cut -c1-40)
		if [ "$got" = "$sum" ]; then ok; else
			ko "$path decodes to another trace than version 3 gave it"
			"$REPLAY" --trace "$path" | head -20 >&2
		fi
	done <"$tmp/want"
fi
check "at least 450 inputs listed" test "$(wc -l <"$tmp/want")" -ge 450

# 2. every version-3 input (version byte 1 to 3) of corpus/ and crashes/
#    is listed: a new one needs its line (the decoder reads them as
#    de56954 did, so the current pcpu-replay --trace gives it)
unlisted=0
for f in corpus/* crashes/*/*; do
	case $f in *.trace | */README.md | */expected | */*.patch) continue ;; esac
	[ -f "$f" ] || continue
	v=$(head -c 1 "$f" | od -An -tu1 | tr -d ' ')
	case $v in 1 | 2 | 3) ;; *) continue ;; esac
	if ! grep -qF "  $f" "$tmp/want"; then
		ko "$f: a version-$v input not listed in $GOLDEN"
		unlisted=$((unlisted + 1))
	fi
done
check "every version-3 input listed" test "$unlisted" -eq 0

# 3. crafted version-4 bytes print the expected nested trace: alloc 8;
#    alloc 100 with a nested free, a nested atomic alloc and a nested
#    fault at the second populated point; balance (the same bytes as
#    tests/test_input_ops.c's test_decode_nested_block)
printf '\004\003\000\000\000\007\001\143\320\003\200\320\003\140\007\321\004\340\300' >"$tmp/crafted"
printf 'geometry cpus=4 page=4096 unit=32768 static=8192 reserved=0 dyn=24576
alloc 8
alloc 100 {
\tat area-found: free 0
\tat area-found: alloc 8 atomic
\tat populated 2: fail page
}
balance
' >"$tmp/crafted.want"
"$REPLAY" --trace "$tmp/crafted" >"$tmp/crafted.got" 2>&1
if cmp -s "$tmp/crafted.want" "$tmp/crafted.got"; then ok; else
	ko "crafted version-4 input: another trace"; diff "$tmp/crafted.want" "$tmp/crafted.got" >&2; fi
# the same bytes with version byte 3: 0xd0..0xdf are balances, no nesting
printf '\003' | dd of="$tmp/crafted" bs=1 conv=notrunc 2>/dev/null
check "the same bytes as version 3 nest nothing" sh -c \
	"! '$REPLAY' --trace '$tmp/crafted' | grep -q '[{}]'"

# 4. text -> bytes -> text gives the text back for nested traces: every
#    form of the version (tests/bytes/nested-forms.trace) and every trace
#    of the repository with a block (a golden trace naming a point
#    outside the table is refused: step 5)
for t in tests/bytes/nested-forms.trace tests/golden/*.trace crashes/*/*.trace \
	tests/mutants/*.trace tests/minimize/*.trace; do
	grep -q '{' "$t" || continue
	grep -q 'at nowhere' "$t" && continue
	"$REPLAY" --trace "$t" >"$tmp/text1" 2>&1
	if "$ENCODE" "$t" "$tmp/bin" 2>"$tmp/err" &&
	    "$REPLAY" --trace "$tmp/bin" >"$tmp/text2" 2>&1 &&
	    cmp -s "$tmp/text1" "$tmp/text2"; then ok; else
		ko "nested round trip $t"; cat "$tmp/err" >&2; diff "$tmp/text1" "$tmp/text2" >&2; fi
done
# the bursts: 14 atomic allocs are 0xdf 0x0c 0x60 0x07 after the header,
# 70 balances 0xdf 0x3e 0xc0 0xdc 0xc0; the whole trace in 147 bytes
"$ENCODE" tests/bytes/nested-forms.trace "$tmp/forms"
check "14 atomic allocs: one burst" test \
	"$(od -An -tx1 -j4 -N4 "$tmp/forms" | tr -d ' ')" = "df0c6007"
check "70 balances: two bursts" sh -c \
	"od -An -tx1 -v '$tmp/forms' | tr -d ' \n' | grep -q 'df3ec0dcc0'"
check "nested-forms.trace: $(wc -c <"$tmp/forms") bytes, 147 expected" \
	test "$(wc -c <"$tmp/forms")" -eq 147

# 5. a point outside trace/points.c has no byte form: exit 2, one line
printf 'alloc 8\nalloc 16 {\n\tat nowhere: free 0\n}\n' >"$tmp/nowhere.trace"
st=0
"$ENCODE" "$tmp/nowhere.trace" "$tmp/nowhere" 2>"$tmp/err" || st=$?
check "pcpu-encode, unknown point: exit $st, one line" test "$st:$(wc -l <"$tmp/err")" = "2:1"
check "pcpu-encode, unknown point: the message" test "$(cat "$tmp/err")" = \
	"$tmp/nowhere.trace: operation 3: point 'nowhere' has no byte form (trace/points.c lists the names it can carry)"
check "pcpu-encode, unknown point: nothing written" test ! -e "$tmp/nowhere"
st=0
"$ENCODE" tests/golden/nested-windows.trace "$tmp/nw" 2>"$tmp/err" || st=$?
check "pcpu-encode refuses nested-windows.trace ('at nowhere')" test \
	"$st:$(wc -l <"$tmp/err")" = "2:1"

finish
