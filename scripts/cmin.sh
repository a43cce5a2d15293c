#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Corpus minimisation keeping coverage: `make cmin [CMIN_FROM="dir..."]`.
#
#   scripts/cmin.sh [DIR...]
#
# Merges the campaign corpus ($WORK/libfuzzer/corpus, default
# ~/.cache/percpu-fuzz/libfuzzer/corpus), any further DIRs (another
# machine's corpus, an AFL++ queue) and the binary inputs already in
# corpus/ into the smallest set that keeps their coverage, with libFuzzer's
# -merge=1 on $BUILD/fuzz-pcpu, and writes that set back into corpus/.
#
# What it touches in corpus/ ($CMIN_CORPUS): only binary inputs named by
# their content hash (40 hex digits, the names -merge=1 gives).  The
# hand-written .trace seeds, and any other file, are never removed or
# changed: they are the baseline (encoded, they sit in the merge's output
# directory from the start), so a campaign input is only kept when it adds
# coverage beyond them.  Hash-named inputs that no longer add coverage are
# removed; new ones are added.  Every kept input must pass every check
# with PCPU_FIXES=all (the corpus contract of `make test`): the merge runs
# with all fixes, and an input that still fails a replay is left out.
# CMIN_DRY=1 prints what would change and changes nothing; CMIN_CORPUS=dir
# works on another directory than corpus/, CMIN_TARGET=binary merges with
# another libFuzzer build of the target (e.g. ClusterFuzzLite's).
# CMIN_MERGE=set_cover_merge uses libFuzzer's greedy set cover instead of
# -merge=1: the same features from fewer inputs (about 40% fewer here).
set -eu
BUILD=${BUILD:-build}
WORK=${WORK:-$HOME/.cache/percpu-fuzz}
OUT=${CMIN_CORPUS:-corpus}
DRY=${CMIN_DRY:-0}
MERGE=${CMIN_MERGE:-merge}
target=${CMIN_TARGET:-$BUILD/fuzz-pcpu}

case $MERGE in merge|set_cover_merge) ;;
*) echo "cmin.sh: CMIN_MERGE must be merge or set_cover_merge, not '$MERGE'" >&2; exit 2 ;;
esac
[ -d "$OUT" ] || { echo "cmin.sh: $OUT: not a directory" >&2; exit 2; }
for d in "$@"; do
	[ -d "$d" ] || { echo "cmin.sh: $d: not a directory" >&2; exit 2; }
done
for b in "$target" "$BUILD/pcpu-encode" "$BUILD/pcpu-replay"; do
	[ -x "$b" ] || { echo "cmin.sh: $b: not built (run make cmin)" >&2; exit 2; }
done
if [ -d "$WORK/libfuzzer/corpus" ]; then
	set -- "$WORK/libfuzzer/corpus" "$@"
else
	echo "cmin: no campaign corpus in $WORK/libfuzzer/corpus (run make fuzz first); merging the rest"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pcpu-cmin.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/merged" "$tmp/cand"

is_hash() { # a name -merge=1 would give: the SHA-1 of the content
	case $1 in *[!0-9a-f]*) return 1 ;; esac
	[ ${#1} -eq 40 ]
}

# baseline: the seeds that stay whatever happens; candidates: hash files
nseed=0
ncur=0
for f in "$OUT"/*; do
	[ -f "$f" ] || continue
	b=${f##*/}
	case $b in
	*.trace)
		"$BUILD/pcpu-encode" "$f" "$tmp/merged/seed-${b%.trace}"
		nseed=$((nseed + 1)) ;;
	*)
		if is_hash "$b"; then
			cp "$f" "$tmp/cand/"
			ncur=$((ncur + 1))
		else
			cp "$f" "$tmp/merged/keep-$b"
			nseed=$((nseed + 1))
		fi ;;
	esac
done
echo "cmin: baseline $nseed seed(s) from $OUT (kept as they are); candidates: $ncur hash-named input(s) in $OUT${1:+, and $*}"

st=0
PCPU_FIXES=all "$target" -"$MERGE"=1 -timeout=10 "$tmp/merged" "$tmp/cand" "$@" \
	>"$tmp/merge.log" 2>&1 || st=$?
if [ "$st" -ne 0 ]; then
	echo "cmin.sh: libFuzzer -$MERGE=1 failed (exit $st):" >&2
	tail -n 15 "$tmp/merge.log" >&2
	exit 1
fi
grep '^MERGE-OUTER: [0-9]* new files' "$tmp/merge.log" | sed 's/^/cmin: /' || true

# the selection: every file merge added (named by hash) that replays clean
: >"$tmp/keep"
for f in "$tmp/merged"/*; do
	b=${f##*/}
	case $b in seed-*|keep-*) continue ;; esac
	is_hash "$b" || continue
	if PCPU_FIXES=all "$BUILD/pcpu-replay" -q "$f" >/dev/null 2>&1; then
		echo "$b" >>"$tmp/keep"
	else
		echo "cmin: leaving out $b: it fails a replay with PCPU_FIXES=all"
	fi
done

added=0
removed=0
for f in "$OUT"/*; do
	b=${f##*/}
	if [ ! -f "$f" ] || ! is_hash "$b" || grep -qx "$b" "$tmp/keep"; then
		continue
	fi
	removed=$((removed + 1))
	if [ "$DRY" = 1 ]; then echo "cmin: would remove $f"; else rm -f "$f"; fi
done
while read -r b; do
	[ -f "$OUT/$b" ] && continue
	added=$((added + 1))
	if [ "$DRY" = 1 ]; then echo "cmin: would add $OUT/$b"; else cp "$tmp/merged/$b" "$OUT/$b"; fi
done <"$tmp/keep"
note=""
[ "$DRY" = 1 ] && note=" [dry run: nothing changed]"
echo "cmin: $OUT: $nseed seed(s) untouched, $(wc -l <"$tmp/keep" | tr -d ' ') binary input(s) kept" \
     "($added added, $removed removed)$note"
