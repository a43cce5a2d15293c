#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The byte form across versions (docs/byte-format.md §1.4): every byte
# input of corpus/ and crashes/ decodes to the trace the version-3
# decoder gave it (tests/bytes/v3-traces.sha1 holds the SHA-1 of each
# `pcpu-replay --trace` of commit de56954), and every version-3 input
# there is listed.  Crafted version-4 inputs and round trips are unit
# tests (tests/test_input_ops.c).
# Ends with "bytes: N passed, N failed"; exits non-zero on failure.
set -u
BUILD=${BUILD:-build}
REPLAY=$BUILD/pcpu-replay
GOLDEN=tests/bytes/v3-traces.sha1
SUITE=bytes
. tests/lib.sh

if make --no-print-directory BUILD="$BUILD" "$REPLAY" >"$tmp/make.log" 2>&1; then ok; else
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

finish
