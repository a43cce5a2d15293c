#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The harness on top of the linux backend (the real mm/percpu.c of Linux
# 6.1, 6.12 and 7.2, docs/linux.md): builds each kernel's binaries (`make
# linux` downloads the Debian source packages the first time), runs the
# smoke tests (the preemption-point scenarios among them), checks each
# build's list of preemption points against docs/linux.md, replays
# corpus/*.trace and the area-map crash reproducers
# with each kernel's pcpu-replay (hint findings non-fatal; a geometry the kernel
# refuses must be refused, by name, as listed below), runs nested
# operations at the kernel's preemption points end to end, checks the grading
# of backend findings, proves the post-setup snapshot by replaying A, B, A
# (and a geometry change) in one process against fresh processes, checks
# how compact geometry headers are repaired and counts every one of them
# against docs/byte-format.md's table, runs a short libFuzzer smoke on the
# encoded corpus, runs each kernel's
# pcpu-minimize and pcpu-triage on crafted noisy copies of the known
# linux findings (tests/minimize/*.linux.trace), and each kernel's
# pcpu-soak (random inputs: no false alarm; the finder of new hint
# findings, with pcpu-minimize) and pcpu-bench.  Run from the
# repository root with BUILD set (tests/run-all.sh does).  Ends with
# "linux: N passed, N failed".
set -u
BUILD=${BUILD:-build}
VERSIONS=${LINUX_VERSIONS:-6.1 6.12 7.2}
SUITE=linux
. tests/lib.sh

# only the kernels whose pinned sources can be had here; the others are
# skipped with the fetch's reason
linux_available $VERSIONS
VERSIONS=$LINUX_AVAILABLE
[ -n "$VERSIONS" ] || finish


# Corpus traces whose geometry a kernel refuses (exit 2, "bad geometry"):
# 6.12 and 7.2 want dyn >= 20 KiB (PERCPU_DYNAMIC_EARLY_SIZE); all want
# static + reserved + dyn a multiple of 4 (docs/linux.md §2.3).
refused() { # refused VERSION: base names of the refused traces
	case $1 in
	6.1) echo "unit-tail-unaligned" ;;
	6.12 | 7.2) echo "atomic-unpopulated chunk-create-destroy failure-warnings faults" \
		"many-cpus-odd-unit map-extension-deferred unit-tail-unaligned" \
		"align-pow2 slot-walk-hang" ;;
	esac
}

# 1. build: smoke binaries, pcpu-replay, fuzz-pcpu, pcpu-minimize,
#    pcpu-triage, pcpu-geometry-census, pcpu-soak and pcpu-bench of each
#    kernel; the area-map encoder, triage and census
if make --no-print-directory -j2 BUILD="$BUILD" LINUX_VERSIONS="$VERSIONS" linux linux-tools \
	"$BUILD/pcpu-encode" "$BUILD/pcpu-triage" "$BUILD/pcpu-geometry-census" \
	>"$tmp/build.log" 2>&1; then
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

# 2b. the preemption points (docs/linux.md §2.5): what each glue compiled
#     (the header kernel/preempt-points.sh generated) is the table of
#     docs/linux.md for that kernel and flavour, and not empty; the script
#     refuses sources where it would guess: no release of pcpu_lock at
#     all, or one under #if.  linux-smoke (step 2) checks the other side:
#     every name reported at run time is in the list.
docs_points() { # docs_points VERSION COLUMN (1 vm, 2 km): one name a line
	sed -n "s/^| $1 | \(.*\) | \(.*\) |\$/\\$2/p" docs/linux.md |
		tr -d '`' | tr ',' '\n' | sed 's/^ *//; s/ *$//' | grep -v '^$'
}
for v in $VERSIONS; do
	col=1
	for f in vm km; do
		echo "scenario: preempt points $v $f: the compiled list is docs/linux.md's"
		hdr=$BUILD/linux-$v/gen-$f/preempt_points.h
		sed -n 's/^"\([a-z_0-9]*\)",$/\1/p' "$hdr" >"$tmp/points.got" 2>/dev/null
		docs_points "$v" $col >"$tmp/points.want"
		check "preempt points $v $f: not empty" test -s "$tmp/points.got"
		if cmp -s "$tmp/points.got" "$tmp/points.want"; then ok; else
			ko "preempt points $v $f: $hdr and docs/linux.md §2.5 differ"
			diff "$tmp/points.want" "$tmp/points.got" | head -n 5 >&2
		fi
		col=2
	done
done
for v in $VERSIONS; do newest=$v; done
src=$BUILD/kernel-src/linux-$newest/mm
mkdir -p "$tmp/pp-none" "$tmp/pp-if"
cp "$src/percpu.c" "$src/percpu-vm.c" "$src/percpu-km.c" "$tmp/pp-none/"
cp "$src/percpu.c" "$src/percpu-vm.c" "$src/percpu-km.c" "$tmp/pp-if/"
echo "scenario: preempt-points.sh on sources without a release of pcpu_lock; expected: exit 1, saying so"
for f in percpu.c percpu-vm.c percpu-km.c; do
	sed 's/spin_unlock_irq\(restore\)*(&pcpu_lock/spin_unlock_irq\1(\&other_lock/' \
		"$src/$f" >"$tmp/pp-none/$f"
done
st=0
sh kernel/preempt-points.sh "$tmp/pp-none" vm >/dev/null 2>"$tmp/pp.err" || st=$?
check "preempt-points.sh: no release: exit $st, one line" sh -c \
	"[ $st -eq 1 ] && [ \$(wc -l <'$tmp/pp.err') -eq 1 ] && grep -q 'no function of .* releases pcpu_lock' '$tmp/pp.err'"
echo "scenario: preempt-points.sh on sources with free_percpu under #ifdef; expected: exit 1, naming it"
awk '/^void free_percpu\(/ { print "#ifdef CONFIG_SOMETHING" } { print }
	/^EXPORT_SYMBOL_GPL\(free_percpu\);/ { print "#endif" }' \
	"$src/percpu.c" >"$tmp/pp-if/percpu.c"
st=0
sh kernel/preempt-points.sh "$tmp/pp-if" vm >/dev/null 2>"$tmp/pp.err" || st=$?
check "preempt-points.sh: a release under #ifdef: exit $st" sh -c \
	"[ $st -eq 1 ] && grep -q 'free_percpu() inside #if' '$tmp/pp.err'"

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
		# an area-map finding the kernel shares, ending in its BUG there
		dies=$(sed -n "s/^# dies on linux-$v: *//p" "$t")
		if [ -n "$dies" ]; then
			check "$v $t: dies with '$dies' (exit $st)" \
				eval '[ $st -gt 2 ] && grep -qF "$dies" "$tmp/err"'
		elif echo " $(refused "$v") " | grep -q " $name "; then
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

# 3b. fault injection past the first attempt (tests/faults/*.trace, `fail
#     ... after N`, `fail vmap`): every backend runs them to the end, except
#     where a trace names a kernel whose error path dies in the memory
#     model (`# dies on linux-V: MESSAGE`, e.g. 6.1's pcpu_map_pages()
#     leaving a half-mapped CPU mapped, kernel/README.md)
for v in area $VERSIONS; do
	R=$BUILD/linux-$v/pcpu-replay
	[ "$v" = area ] && R=$BUILD/pcpu-replay
	for t in tests/faults/*.trace; do
		[ -f "$t" ] || continue
		dies=$(sed -n "s/^# dies on linux-$v: *//p" "$t")
		# the area map with its fixes: faithful, a vmap failure of a
		# range of two pages or more is the 4.9 bug below
		PCPU_FIXES=all PCPU_NONFATAL=hint "$R" "$t" >/dev/null 2>"$tmp/err"; st=$?
		if [ -n "$dies" ]; then
			check "$v $t: dies with '$dies' (exit $st)" \
				eval '[ $st -gt 2 ] && grep -qF "$dies" "$tmp/err"'
		else
			check "$v $t: runs to the end (exit $st)" test "$st" -eq 0
		fi
	done
done
# the 4.9 unwind of a failed mapping leaves the struck CPU's mapped half
# accessible (docs/allocator.md §14.7): faithful, the backing check sees it
PCPU_FIXES=none "$BUILD/pcpu-replay" tests/faults/vmap-half-range.trace >/dev/null 2>"$tmp/err"; st=$?
check "area tests/faults/vmap-half-range.trace faithful: backing fails (exit $st)" \
	eval '[ $st -eq 1 ] && grep -q "check .backing. failed" "$tmp/err"'

# 3c. nested operations at the kernel's preemption points
#     (docs/interleavings.md, docs/linux.md §2.5), end to end through
#     pcpu-replay: each trace runs to the end with every check, and the
#     nested operations ran where the kernel released pcpu_lock
cat >"$tmp/nest-populate.trace" <<'TRACE'
alloc 64
alloc 32768 {
	at pcpu_alloc: alloc 8 atomic
	at pcpu_alloc 2: alloc 8 atomic
	at pcpu_alloc 3: alloc 8 atomic
}
TRACE
cat >"$tmp/nest-free.trace" <<'TRACE'
alloc 64
alloc 32768 {
	at pcpu_alloc 2: free 0
	alloc 8 atomic
}
TRACE
cat >"$tmp/nest-non-atomic.trace" <<'TRACE'
alloc 64
alloc 100
free 0 {
	at free_percpu: alloc 32768
	balance
}
TRACE
cat >"$tmp/nest-atomic-fails.trace" <<'TRACE'
alloc 32768 atomic {
	at pcpu_alloc: alloc 32768
	balance
}
TRACE
cat >"$tmp/nest-balance.trace" <<'TRACE'
alloc 32768
alloc 32768
alloc 64
free 0
free 1
balance {
	at pcpu_balance_free: alloc 8 atomic
	at pcpu_balance_free 2: free 2
	at pcpu_balance_workfn: alloc 16 atomic
}
TRACE
for v in $VERSIONS; do
	R=$BUILD/linux-$v/pcpu-replay
	nest() { # nest NAME: --results of $tmp/NAME.trace into $tmp/nest.out
		"$R" --results "$tmp/$1.trace" >"$tmp/nest.out" 2>"$tmp/nest.err"
	}
	echo "scenario: nested $v: an atomic alloc at each of the three releases of a populating alloc; expected: all three in chunk 0, the outer in a new chunk"
	nest nest-populate; st=$?
	check "nested $v: populate: exit $st, results" sh -c "[ $st -eq 0 ] &&
		grep -q '^alloc 1 chunk 1 off 0\$' '$tmp/nest.out' &&
		[ \$(grep -c '^alloc [234] chunk 0 off ' '$tmp/nest.out') -eq 3 ]"
	echo "scenario: nested $v: a free and then an atomic alloc inside a populating alloc; expected: the atomic alloc takes the freed place"
	nest nest-free; st=$?
	first=$(sed -n 's/^alloc 0 //p' "$tmp/nest.out")
	check "nested $v: free then alloc: exit $st, alloc 2 at '$first'" sh -c \
		"[ $st -eq 0 ] && [ -n '$first' ] && grep -qx 'alloc 2 $first' '$tmp/nest.out'"
	echo "scenario: nested $v: a non-atomic alloc and a balance inside a free (no mutex held); expected: the alloc creates chunk 1"
	nest nest-non-atomic; st=$?
	check "nested $v: non-atomic inside free: exit $st" sh -c \
		"[ $st -eq 0 ] && grep -qx 'alloc 2 chunk 1 off 0' '$tmp/nest.out'"
	echo "scenario: nested $v: a non-atomic alloc where an atomic one found no room; expected: it creates chunk 1, the atomic one still fails"
	nest nest-atomic-fails; st=$?
	check "nested $v: inside a failing atomic alloc: exit $st" sh -c \
		"[ $st -eq 0 ] && grep -qx 'alloc 1 chunk 1 off 0' '$tmp/nest.out' &&
		grep -qx 'alloc 0 fail' '$tmp/nest.out'"
	echo "scenario: nested $v: an atomic alloc and a free at the balance work's releases; expected: it runs to the end"
	nest nest-balance; st=$?
	check "nested $v: inside the balance work: exit $st" test $st -eq 0
	[ $st -eq 0 ] || head -n 3 "$tmp/nest.err" >&2
done

# 4. grading: a hint finding fails the run unless PCPU_NONFATAL says hint
#    (or names the check),
#    and pcpu-replay sums the non-fatal ones up on stderr
#    (on 6.12, whose reproducer it uses)
if echo " $VERSIONS " | grep -q " 6.12 "; then
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
	PCPU_NOFAULT=vmap,bogus "$R" corpus/large-pages.trace >/dev/null 2>"$tmp/err"
	if [ $? -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	    grep -q "PCPU_NOFAULT: unknown fault kind 'bogus'" "$tmp/err"; then ok; else
		ko "bad PCPU_NOFAULT: exit 2 and one line"; cat "$tmp/err" >&2; fi
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
else
	skip "grading: its tests replay a 6.12 reproducer, and linux-6.12 is not available"
fi

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

# 5b. a compact geometry header the kernel refuses is repaired, keeping
#     cpus, page, static and reserved (docs/byte-format.md), not replaced by
#     the default.  Header: version 2, g0 3 and g1 0 (a small geometry:
#     cpus 4, page 4096, unit 32768), then g2 0x40 (static 8192, reserved
#     0, dyn 12288) and g2 0x43 (static 2, reserved 0, dyn 12288), each
#     followed by one balance (0x60).
printf '\002\003\000\100\140' >"$tmp/geo-dyn.bin"
printf '\002\003\000\103\140' >"$tmp/geo-static2.bin"
geo_want() { # geo_want VERSION INPUT: the geometry line it must decode to
	case $1:$2 in
	area:geo-dyn | 6.1:geo-dyn) d=12288 s=8192 ;;
	6.12:geo-dyn | 7.2:geo-dyn) d=20480 s=8192 ;;
	area:geo-static2) d=12288 s=2 ;;
	6.1:geo-static2) d=12290 s=2 ;;
	6.12:geo-static2 | 7.2:geo-static2) d=20482 s=2 ;;
	esac
	echo "geometry cpus=4 page=4096 unit=32768 static=$s reserved=0 dyn=$d"
}
for v in area $VERSIONS; do
	R=$BUILD/linux-$v/pcpu-replay
	[ "$v" = area ] && R=$BUILD/pcpu-replay
	for i in geo-dyn geo-static2; do
		got=$("$R" --trace "$tmp/$i.bin" 2>&1 | head -n 1)
		if [ "$got" = "$(geo_want "$v" "$i")" ]; then ok; else
			ko "$v: $i.bin decodes to '$got', expected '$(geo_want "$v" "$i")'"
		fi
	done
done

# 5c. every compact header, each backend (pcpu-geometry-census): none is
#     still refused after the repair, the area map refuses none, and the
#     refused counts are those of docs/byte-format.md's table (a format change that
#     forgets the table fails here)
for v in area $VERSIONS; do
	C=$BUILD/linux-$v/pcpu-geometry-census
	row="Linux $v"
	if [ "$v" = area ]; then C=$BUILD/pcpu-geometry-census row="area-map port"; fi
	echo "scenario: census $v: every compact header, refused and repaired"
	st=0
	"$C" >"$tmp/census.out" 2>&1 || st=$?
	if [ $st -ne 0 ]; then ko "census $v: exit $st"; continue; fi
	n=$(sed -n 's/^census refused //p' "$tmp/census.out")
	still=$(sed -n 's/^census refused_after_repair //p' "$tmp/census.out")
	check "census $v: none still refused after repair (got '$still')" test "$still" = 0
	[ "$v" = area ] && check "census area: none refused (got '$n')" test "$n" = 0
	# docs/byte-format.md writes 5,459,532 (33%): the digits of the count must match
	want=$(sed -n "s/^| $row | \([0-9,]*\).*/\1/p" docs/byte-format.md | tr -d ,)
	check "census $v: docs/byte-format.md's table says $want refused, the census $n" \
		test "$want" = "$n"
done

# 6. a short libFuzzer smoke on the encoded corpus: no crash
mkdir -p "$tmp/seeds" "$tmp/fcorp"
for t in corpus/*.trace; do
	"$BUILD/pcpu-encode" "$t" "$tmp/seeds/$(basename "$t" .trace).bin" || ko "encode $t"
done
for v in $VERSIONS; do
	runs=2000
	nofault=
	# 6.1 dies on its pcpu_map_pages() unwind (crashes/linux-6.1-map-pages-unwind)
	# within a few dozen runs once a mutated `fail vmap` fires: step over
	# that fault kind, as a 6.1 campaign does (docs/campaigns.md §4.5)
	[ "$v" = 6.1 ] && runs=500 nofault=vmap
	rm -rf "$tmp/fcorp" && mkdir -p "$tmp/fcorp"
	# -rss_limit_mb as make fuzz BACKEND=linux-* sets it: one run of this
	# smoke passed libFuzzer's 2 GiB default on 7.2 (which inputs it makes
	# differs between runs of one seed, so not every run does)
	if PCPU_NOFAULT=$nofault PCPU_NONFATAL=hint "$BUILD/linux-$v/fuzz-pcpu" -runs=$runs -seed=1 \
		-max_len=4096 -rss_limit_mb=8192 -artifact_prefix="$tmp/" "$tmp/fcorp" "$tmp/seeds" \
		>"$tmp/fuzz.log" 2>&1; then ok
	else
		ko "fuzz-pcpu $v -runs=$runs${nofault:+ PCPU_NOFAULT=$nofault} crashed"
		grep -E "check '|ERROR|SUMMARY|BUG" "$tmp/fuzz.log" | head -n 5 >&2
	fi
	if [ -n "$nofault" ]; then
		check "fuzz-pcpu $v: PCPU_NOFAULT=$nofault stepped over some fail lines" \
			grep -q "^nonfatal: .*nofault $nofault [1-9]" "$tmp/fuzz.log"
	fi
done

# 7-8: the campaign tools of each kernel on crafted noisy crashes
# operations of an input as the decoder sees it (geometry line excluded)
ops() { "$1" --trace "$2" | grep -vc '^geometry' || true; }
# the signature line of one input on one binary
sig() { "$1" -q --signature "$2" 2>/dev/null || true; }

BH=tests/minimize/block-hint-noisy.linux.trace
RF=tests/minimize/right-free-noisy.linux.trace
SH=tests/minimize/scan-hint-noisy.linux.trace
for v in $VERSIONS; do
	R=$BUILD/linux-$v/pcpu-replay
	MIN=$BUILD/linux-$v/pcpu-minimize
	TRI=$BUILD/linux-$v/pcpu-triage

	# 7. pcpu-minimize: noise before and after the known recipe goes,
	#    the failed check and operation kind stay, and the result is no
	#    longer than the hand-written reproducer plus two operations
	known=crashes/linux-block-hint-lost-run/reproducer.linux.trace
	echo "scenario: minimize $v: noisy linux-block-hint-lost-run"
	check "minimize $v: the noisy input fails as the known reproducer" \
		test "$(sig "$R" "$BH")" = "$(sig "$R" "$known")"
	d=$tmp/min-$v
	mkdir -p "$d"
	cp "$BH" "$d/noisy.trace"
	st=0
	PCPU_FIXES=all "$MIN" "$d/noisy.trace" >"$d/out" 2>"$d/err" || st=$?
	if [ $st -eq 0 ] && [ -f "$d/noisy.trace.min" ] && [ -f "$d/noisy.trace.min.trace" ]; then
		ok
		before=$(ops "$R" "$d/noisy.trace")
		after=$(ops "$R" "$d/noisy.trace.min.trace")
		bound=$(($(ops "$R" "$known") + 2))
		echo "note: minimize $v: $before -> $after operations (bound $bound)"
		# the known reproducer's check: scan_hint_not_largest at the
		# free whose scan hint breaks (contig_hint_low at an alloc
		# before the run checks of issue 13)
		check "minimize $v: result fails scan_hint_not_largest at a free" sh -c \
			"'$R' -q --signature '$d/noisy.trace.min.trace' | grep -q '^signature check=scan_hint_not_largest op=free '"
		check "minimize $v: $after operations, bound $bound" test "$after" -le "$bound"
		check "minimize $v: the bytes decode to the trace" test \
			"$("$R" --trace "$d/noisy.trace.min")" = "$("$R" --trace "$d/noisy.trace.min.trace")"
		check "minimize $v: the header names the kernel, not the fixes" \
			grep -q "operations, backend linux-$v-vm)\$" "$d/noisy.trace.min.trace"
	else
		ko "minimize $v: exit $st, outputs missing"
		cat "$d/err" >&2
	fi

	# PCPU_NONFATAL applies as in fuzz-pcpu: with right_free only
	# counted, the noisy right_free crash goes on to a contig_hint_low
	# failure, and that is what fuzz-pcpu reports and the result keeps
	echo "scenario: minimize $v: PCPU_NONFATAL=right_free"
	"$BUILD/pcpu-encode" "$RF" "$d/rf.bin"
	PCPU_NONFATAL=right_free "$BUILD/linux-$v/fuzz-pcpu" -artifact_prefix="$d/" "$d/rf.bin" >/dev/null 2>"$d/fuzz.err"
	check "minimize $v: fuzz-pcpu stops at contig_hint_low under PCPU_NONFATAL=right_free" \
		grep -q "check 'contig_hint_low' failed" "$d/fuzz.err"
	cp "$RF" "$d/rf.trace"
	st=0
	PCPU_NONFATAL=right_free "$MIN" -q "$d/rf.trace" 2>"$d/err" || st=$?
	check "minimize $v: PCPU_NONFATAL=right_free: exit $st" test $st -eq 0
	check "minimize $v: PCPU_NONFATAL=right_free: result keeps contig_hint_low" sh -c \
		"PCPU_NONFATAL=right_free '$R' -q --signature '$d/rf.trace.min.trace' 2>/dev/null | grep -q '^signature check=contig_hint_low op=alloc '"
	check "minimize $v: the header records PCPU_NONFATAL" \
		grep -q ', PCPU_NONFATAL=right_free)$' "$d/rf.trace.min.trace"
	st=0
	PCPU_NONFATAL=hint "$MIN" "$d/noisy.trace" >/dev/null 2>"$d/err" || st=$?
	check "minimize $v: nothing fails with every hint finding counted: exit 2" sh -c \
		"[ $st -eq 2 ] && grep -q 'does not fail' '$d/err'"
	st=0
	PCPU_NONFATAL=bogus "$MIN" "$d/noisy.trace" >/dev/null 2>"$d/err" || st=$?
	check "minimize $v: PCPU_NONFATAL=bogus: exit 2, one line" sh -c \
		"[ $st -eq 2 ] && [ \$(wc -l <'$d/err') -eq 1 ] && grep -q 'PCPU_NONFATAL: unknown' '$d/err'"

	# 8. pcpu-triage: two noisy copies (text, fuzz bytes) of two known
	#    linux findings and one passing input: two buckets of two, named
	#    after those findings; nothing named after an area-map finding
	echo "scenario: triage $v: two noisy copies of two linux findings"
	c=$tmp/triage-$v
	o=$tmp/triage-out-$v # outside the folder: triage would read them
	mkdir -p "$c" "$o"
	cp "$RF" "$c/rf-noisy.trace"
	"$BUILD/pcpu-encode" "$RF" "$c/crash-rf-noisy"
	cp "$SH" "$c/sh-noisy.trace"
	"$BUILD/pcpu-encode" "$SH" "$c/crash-sh-noisy"
	cp corpus/fragmented-walk.trace "$c/passes.trace"
	st=0
	"$TRI" "$c" >"$o/out" 2>"$o/err" || st=$?
	check "triage $v: exit $st" test $st -eq 0
	check "triage $v: summary" test "$(head -n 1 "$o/out")" = \
		"triage: 5 inputs, 2 buckets, 1 passed, 0 unreadable (backend linux-$v-vm)"
	check "triage $v: 2 x right_free named linux-right-free-promoted-scan" grep -q \
		'^2 x check=right_free op=alloc chunk=first fault=no nested=no | known: linux-right-free-promoted-scan | smallest: ' "$o/out"
	check "triage $v: 2 x scan_hint named linux-scan-hint-equal-before" grep -q \
		'^2 x check=scan_hint op=free chunk=first fault=no nested=no | known: linux-scan-hint-equal-before | smallest: ' "$o/out"
	check "triage $v: exactly 2 bucket lines and no notes" \
		test "$(wc -l <"$o/out")" -eq 3
	# the slot-walk reproducer fails a check of this kernel (first_free,
	# benign: fatal only with PCPU_NONFATAL=none): the bucket must not
	# carry the area-map finding's name
	echo "scenario: triage $v: an area-map reproducer failing on this kernel"
	PCPU_NONFATAL=none "$TRI" --report="$o/sw.txt" crashes/slot-walk-hang/reproducer.bin >/dev/null 2>&1
	check "triage $v: slot-walk-hang's reproducer fails here" \
		grep -q '^triage: 1 inputs, 1 buckets, 0 passed' "$o/sw.txt"
	check "triage $v: no area-map finding named, no notes" sh -c \
		"! grep -Eq 'known: (align-pow2|slot-walk-hang)|^known finding' '$o/sw.txt'"
	# without a fix to confirm with, the signature must match but for the
	# kind of chunk: the first_free bug in a created chunk (chunk 0 filled
	# block by block, so none of its blocks is a middle one) is the known
	# finding, and the line says where each landed.  first_free is benign:
	# by default the input passes
	echo "scenario: triage $v: a known check and operation in another chunk"
	{
		echo "geometry cpus=2 page=4096 unit=32768 static=4096 reserved=0 dyn=28672"
		for i in 1 2 3 4 5 6 7; do echo "alloc 4096"; done
		echo "alloc 12288"
	} >"$o/created.trace"
	PCPU_NONFATAL=none "$TRI" --report="$o/created.txt" "$o/created.trace" >/dev/null 2>&1
	check "triage $v: first_free in a created chunk is the known finding, in another chunk" grep -q \
		'^1 x check=first_free op=alloc chunk=created fault=no nested=no | known: linux-first-free-middle-block (the same check, operation and fault flag in a created chunk; its reproducer.s is first) | ' \
		"$o/created.txt"
	"$TRI" --report="$o/created-default.txt" "$o/created.trace" >/dev/null 2>&1
	check "triage $v: a benign finding does not fail by default" \
		grep -q '^triage: 1 inputs, 0 buckets, 1 passed' "$o/created-default.txt"
	# PCPU_NONFATAL as in fuzz-pcpu: with scan_hint counted only, its
	# copies pass and its known finding is left out without a note
	echo "scenario: triage $v: PCPU_NONFATAL=scan_hint"
	PCPU_NONFATAL=scan_hint "$TRI" --report="$o/nf.txt" "$c" >/dev/null 2>&1
	check "triage $v: PCPU_NONFATAL=scan_hint: summary" test "$(head -n 1 "$o/nf.txt")" = \
		"triage: 5 inputs, 1 buckets, 3 passed, 0 unreadable (backend linux-$v-vm, PCPU_NONFATAL=scan_hint)"
	check "triage $v: PCPU_NONFATAL=scan_hint: right_free still named" grep -q \
		'^2 x check=right_free op=alloc chunk=first fault=no nested=no | known: linux-right-free-promoted-scan | ' "$o/nf.txt"
	check "triage $v: PCPU_NONFATAL=scan_hint: no note on the hidden finding" sh -c \
		"! grep -q '^known finding' '$o/nf.txt'"
	# the first artifact of a 6.12 campaign from an empty corpus: one
	# allocation, and the harness's own free at the end of the run makes
	# the scan hint inside the contig hint's run.  Its signature says
	# op=end; the findings' reproducers free themselves (op=free)
	echo "scenario: triage $v: a free mechanism at the end-of-run frees"
	printf 'geometry cpus=3 page=4096 unit=57344 static=16384 reserved=20000 dyn=20480\nalloc 255 align=1\n' \
		>"$o/end.trace"
	"$TRI" --report="$o/end.txt" "$o/end.trace" >/dev/null 2>&1
	check "triage $v: hint_same_run at op=end named after the free findings" grep -q \
		'^1 x check=hint_same_run op=end chunk=first fault=no nested=no | known: linux-scan-hint-absorbed or linux-scan-hint-inside-contig (at the end-of-run frees; its reproducer frees itself) | ' \
		"$o/end.txt"
done

# 8b. the shared tools in place of a random runner, finder and bench of
#     the kernel tests' own: pcpu-soak's pseudo-random inputs (their
#     geometries too) pass every safety and accounting check, hint
#     findings counted (on 6.1 with `fail vmap` stepped over, which would
#     meet its known unwind death within a few inputs); faithful grades, the
#     newest kernel's soak stops
#     at a hint finding and saves it, and pcpu-minimize shrinks it keeping
#     its check and operation; pcpu-bench measures the checks there
for v in $VERSIONS; do
	echo "scenario: soak $v: no safety or accounting finding"
	st=0
	nofault=
	[ "$v" = 6.1 ] && nofault=vmap
	PCPU_NOFAULT=$nofault PCPU_NONFATAL=hint "$BUILD/linux-$v/pcpu-soak" --seed=1 --count=100 --max-len=1024 \
		--save="$tmp" >"$tmp/soak.out" 2>"$tmp/soak.err" || st=$?
	if [ $st -eq 0 ]; then
		ok
		check "soak $v: the hint findings are counted" grep -q '^nonfatal: ' "$tmp/soak.err"
	else
		ko "soak $v: 100 inputs pass${nofault:+ with PCPU_NOFAULT=$nofault} (exit $st)"
		tail -n 20 "$tmp/soak.err" >&2
	fi
done
for v in $VERSIONS; do newest=$v; done
echo "scenario: soak $newest: the finder, then pcpu-minimize"
d=$tmp/find-$newest
mkdir -p "$d"
st=0
"$BUILD/linux-$newest/pcpu-soak" --seed=1 --count=50 --max-len=1024 --save="$d" \
	>/dev/null 2>"$d/err" || st=$?
found=$(sed -n 's/^pcpu-soak: failing input saved as \([^ ]*\) .*/\1/p' "$d/err")
check "soak $newest: a hint finding stops it, its input saved (exit $st)" \
	sh -c "[ $st -eq 1 ] && [ -f '$found' ]"
if [ -f "$found" ]; then
	R=$BUILD/linux-$newest/pcpu-replay
	want=$("$R" -q --signature "$found" | sed 's/ chunk=.*//')
	st=0
	"$BUILD/linux-$newest/pcpu-minimize" "$found" >/dev/null 2>"$d/min.err" || st=$?
	check "minimize $newest the soak's input: exit $st" test $st -eq 0
	got=$("$R" -q --signature "$found.min.trace" 2>/dev/null | sed 's/ chunk=.*//')
	check "minimize $newest the soak's input: '$got' as '$want'" test "$got" = "$want"
	check "minimize $newest the soak's input: fewer operations" \
		test "$(ops "$R" "$found.min.trace")" -lt "$(ops "$R" "$found")"
fi
echo "scenario: bench $newest"
st=0
PCPU_NONFATAL=hint "$BUILD/linux-$newest/pcpu-bench" 0.01 >"$tmp/bench.out" 2>&1 || st=$?
check "bench $newest: exit $st" test $st -eq 0
check "bench $newest: the checks' cost per operation" grep -q '^bench per_op_ns_10000 [0-9]* ns$' "$tmp/bench.out"

# 9. make linux-fix on the newest kernel here: the right_free fix cures
#    its finding and a short campaign shows nothing new; every other
#    crashes/*/fix.patch cures its finding's reproducer (RUNS=0); a patch
#    that does not apply is refused before anything is built
echo "scenario: linux-fix $newest: crashes/linux-right-free-promoted-scan/fix.patch"
st=0
RUNS=300 BUILD=$BUILD sh scripts/linux-fix.sh crashes/linux-right-free-promoted-scan/fix.patch \
	"$newest" >"$tmp/fix.out" 2>&1 || st=$?
check "linux-fix $newest: exit $st" test $st -eq 0
check "linux-fix $newest: the reproducer passes patched" \
	grep -q 'patched linux-.*: the reproducer passes every check: the finding is gone' "$tmp/fix.out"
check "linux-fix $newest: the campaign's verdict" \
	grep -q 'fixed on linux-.*, and nothing new in 300 executions' "$tmp/fix.out"
[ $st -eq 0 ] || tail -n 5 "$tmp/fix.out" >&2
# every other crashes/*/fix.patch: its reproducer only (RUNS=0, a build
# of pcpu-replay and two replays, about half a minute each; a campaign
# would double that and compare two diverging campaigns). The unpatched
# kernel fails the check its expected file names, the patched one does
# not (it may run on into another finding, which linux-fix reports)
for p in crashes/*/fix.patch; do
	[ "$p" = crashes/linux-right-free-promoted-scan/fix.patch ] && continue
	n=$(basename "$(dirname "$p")")
	echo "scenario: linux-fix $newest RUNS=0: $p"
	st=0
	RUNS=0 BUILD=$BUILD sh scripts/linux-fix.sh "$p" "$newest" >"$tmp/fix.out" 2>&1 || st=$?
	check "linux-fix $newest $n: reproducer only: exit $st" test $st -eq 0
	check "linux-fix $newest $n: the unpatched kernel fails it" \
		grep -q "unpatched linux-.*: the reproducer fails check '" "$tmp/fix.out"
	check "linux-fix $newest $n: the patched kernel does not" \
		grep -Eq "patched linux-.*: (the reproducer passes every check|'[a-z_]+' is gone)" "$tmp/fix.out"
	check "linux-fix $newest $n: no campaign" \
		grep -q "$n: its reproducer is fixed on linux-.* (RUNS=0: no campaign)" "$tmp/fix.out"
	[ $st -eq 0 ] || tail -n 5 "$tmp/fix.out" >&2
done
printf -- '--- a/mm/percpu.c\n+++ b/mm/percpu.c\n@@ -1,1 +1,1 @@\n-no such line\n+x\n' >"$tmp/bad.patch"
st=0
BUILD=$BUILD sh scripts/linux-fix.sh "$tmp/bad.patch" "$newest" >"$tmp/fix.out" 2>&1 || st=$?
check "linux-fix: a patch that does not apply: exit $st, one line saying so" sh -c \
	"[ $st -eq 1 ] && grep -q 'does not apply to the pinned linux-' '$tmp/fix.out'"

# the area-map triage names its own findings only: the noisy right_free
# crash fails there too (its align=24 is the align-pow2 bug, faithful; the
# map-unwind fix stays on: linux-6.1-map-pages-unwind's `fail vmap` would
# otherwise show the same unwind defect on the area map)
echo "scenario: triage area-map: linux findings not named"
c=$tmp/triage-area-map
mkdir -p "$c"
cp "$RF" "$c/rf-noisy.trace"
nlinux=0
for d in crashes/linux-*/; do
	cp "$d/reproducer.linux.trace" "$c/$(basename "$d").trace"
	nlinux=$((nlinux + 1))
done
PCPU_FIXES=map-unwind "$BUILD/pcpu-triage" --report="$tmp/area-map.txt" "$c" >/dev/null 2>&1
check "triage area-map: summary" test "$(head -n 1 "$tmp/area-map.txt")" = \
	"triage: $((nlinux + 1)) inputs, 1 buckets, $nlinux passed, 0 unreadable (fixes map-unwind)"
check "triage area-map: the noisy linux crash is align-pow2 there" grep -q \
	'^1 x check=overlap op=alloc chunk=first fault=no nested=no | known: align-pow2 | ' "$tmp/area-map.txt"
check "triage area-map: no linux finding named, no notes about them" sh -c \
	"! grep -Eq 'known: linux-|^known finding' '$tmp/area-map.txt'"

finish
