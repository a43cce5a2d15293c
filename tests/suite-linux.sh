#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The harness on top of the linux backend (the real mm/percpu.c of Linux
# 6.1 and 6.12, kernel/README.md): builds both kernels' binaries (`make
# linux` downloads the Debian source packages the first time), runs the
# smoke tests, replays corpus/*.trace and the area-map crash reproducers
# with each kernel's pcpu-replay (hint findings non-fatal; a geometry the kernel
# refuses must be refused, by name, as listed below), checks the grading
# of backend findings, proves the post-setup snapshot by replaying A, B, A
# (and a geometry change) in one process against fresh processes, and
# runs a short libFuzzer smoke on the encoded corpus.  Run from the
# repository root with BUILD set (tests/run-all.sh does).  Ends with
# "linux: N passed, N failed".
set -u
BUILD=${BUILD:-build}
VERSIONS="6.1 6.12"
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
finish() {
	echo "linux: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit $?
}

# Corpus traces whose geometry a kernel refuses (exit 2, "bad geometry"):
# 6.12 wants dyn >= 20 KiB (PERCPU_DYNAMIC_EARLY_SIZE); both want
# static + reserved + dyn a multiple of 4 (kernel/README.md).
refused() { # refused VERSION: base names of the refused traces
	case $1 in
	6.1) echo "unit-tail-unaligned" ;;
	6.12) echo "atomic-unpopulated chunk-create-destroy failure-warnings faults" \
		"many-cpus-odd-unit map-extension-deferred unit-tail-unaligned" \
		"align-pow2 slot-walk-hang" ;;
	esac
}

# 1. build: smoke binaries, pcpu-replay and fuzz-pcpu of both kernels
if make --no-print-directory -j2 BUILD="$BUILD" linux linux-tools >"$tmp/build.log" 2>&1; then
	ok
else
	tail -n 20 "$tmp/build.log" >&2
	ko "make linux linux-tools"
	finish
fi

# 2. the smoke tests (vm and km) of both kernels
for v in $VERSIONS; do
	for t in linux-smoke linux-smoke-km; do
		if "$BUILD/linux-$v/$t" >"$tmp/smoke.out" 2>&1; then ok; else
			tail -n 5 "$tmp/smoke.out" >&2; ko "$t $v"; fi
	done
done

# 3. corpus and crash reproducers, every kernel, hint findings non-fatal
for v in $VERSIONS; do
	R=$BUILD/linux-$v/pcpu-replay
	skipped=""
	for t in corpus/*.trace crashes/*/reproducer.trace; do
		[ -f "$t" ] || continue
		case $t in
		crashes/linux-*) continue ;; # their own expectations (suite-linux-checks)
		crashes/*) name=$(basename "$(dirname "$t")") ;;
		*) name=$(basename "$t" .trace) ;;
		esac
		PCPU_NONFATAL=hint "$R" --results --state "$t" >"$tmp/out" 2>"$tmp/err"
		st=$?
		if echo " $(refused "$v") " | grep -q " $name "; then
			if [ $st -eq 2 ] && grep -q "bad geometry" "$tmp/err"; then
				ok
				skipped="$skipped $name"
			else
				ko "$v $t: expected its geometry refused (exit 2), got exit $st"
			fi
		elif [ $st -eq 0 ] && grep -q '^empty_pop_pages ' "$tmp/out"; then
			ok
		else
			ko "$v $t: exit $st"
			head -n 5 "$tmp/err" >&2
		fi
	done
	echo "note: $v refuses the geometry of:$skipped (skipped)"
done

# 4. grading: a hint finding fails the run unless PCPU_NONFATAL says hint
#    (or names the check),
#    and pcpu-replay sums the non-fatal ones up on stderr
R=$BUILD/linux-6.12/pcpu-replay
PCPU_NONFATAL=bogus "$R" corpus/large-pages.trace >/dev/null 2>"$tmp/err"
if [ $? -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
    grep -q "PCPU_NONFATAL: unknown grade or check 'bogus'" "$tmp/err"; then ok; else
	ko "bad PCPU_NONFATAL: exit 2 and one line"; cat "$tmp/err" >&2; fi
# a check name works like its grade: the known scan_hint reproducer fails
# with scan_hint fatal, passes with exactly that check non-fatal
sh=crashes/linux-scan-hint-equal-before/reproducer.linux.trace
if PCPU_NONFATAL=first_free "$R" "$sh" >/dev/null 2>"$tmp/err"; [ $? -eq 1 ] &&
    grep -q "check 'scan_hint' failed" "$tmp/err"; then ok; else
	ko "PCPU_NONFATAL=first_free: scan_hint must stay fatal"; cat "$tmp/err" >&2; fi
if PCPU_NONFATAL=first_free,scan_hint "$R" "$sh" >/dev/null 2>"$tmp/err"; then ok; else
	ko "PCPU_NONFATAL=first_free,scan_hint: expected exit 0"; cat "$tmp/err" >&2; fi
graded=0
first=""
for t in corpus/*.trace; do
	PCPU_NONFATAL=hint "$R" "$t" >/dev/null 2>"$tmp/err" || continue
	line=$(grep '^nonfatal: ' "$tmp/err") || continue
	# the first check named in the summary must fail the run when fatal
	first=$(echo "$line" | sed 's/^nonfatal: \([a-z_]*\) .*/\1/')
	PCPU_NONFATAL='' "$R" "$t" >/dev/null 2>"$tmp/err2"
	st=$?
	if [ $st -eq 1 ] && grep -q "check '$first' failed" "$tmp/err2"; then ok; else
		ko "$t: '$line' with PCPU_NONFATAL=hint, but exit $st without it"; fi
	graded=$((graded + 1))
	[ "$graded" -ge 2 ] && break
done
echo "note: grading checked on $graded trace(s) with hint findings${first:+ (e.g. $first)}"

# 5. the snapshot: A, B, A, C (another geometry), A in one process give
#    what each gives in a fresh process
for v in $VERSIONS; do
	R=$BUILD/linux-$v/pcpu-replay
	d=$tmp/aba-$v
	mkdir -p "$d"
	cp corpus/fragmented-walk.trace "$d/1-a.trace"
	cp corpus/map-extension-sync.trace "$d/2-b.trace"
	cp corpus/fragmented-walk.trace "$d/3-a.trace"
	cp corpus/large-pages.trace "$d/4-c.trace"
	cp corpus/fragmented-walk.trace "$d/5-a.trace"
	: >"$tmp/want"
	for f in "$d"/*.trace; do
		PCPU_NONFATAL=hint "$R" --results --state "$f" >>"$tmp/want" 2>/dev/null
	done
	PCPU_NONFATAL=hint "$R" --results --state "$d" >"$tmp/got" 2>/dev/null
	st=$?
	if [ $st -eq 0 ] && [ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got"; then ok; else
		ko "$v: A B A C A in one process differs from fresh processes (exit $st)"
		diff "$tmp/want" "$tmp/got" | head -n 10 >&2
	fi
done

# 6. a short libFuzzer smoke on the encoded corpus: no crash
mkdir -p "$tmp/seeds" "$tmp/fcorp"
for t in corpus/*.trace; do
	"$BUILD/pcpu-encode" "$t" "$tmp/seeds/$(basename "$t" .trace).bin" || ko "encode $t"
done
for v in $VERSIONS; do
	runs=2000
	[ "$v" = 6.12 ] || runs=500
	rm -rf "$tmp/fcorp" && mkdir -p "$tmp/fcorp"
	if PCPU_NONFATAL=hint "$BUILD/linux-$v/fuzz-pcpu" -runs=$runs -seed=1 \
		-max_len=4096 -artifact_prefix="$tmp/" "$tmp/fcorp" "$tmp/seeds" \
		>"$tmp/fuzz.log" 2>&1; then ok; else
		ko "fuzz-pcpu $v -runs=$runs crashed"
		grep -E "check '|ERROR|SUMMARY" "$tmp/fuzz.log" | head -n 5 >&2
	fi
done

finish
