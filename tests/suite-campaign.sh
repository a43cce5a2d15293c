#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Campaign tooling: build/pcpu-stats (summary fields, exit statuses),
# `make coverage` (the whole corpus and every finding both ways; small
# enough not to be reduced), the ClusterFuzzLite build script run by hand
# as OSS-Fuzz would run it, with its target replaying its own seed corpus,
# scripts/cmin.sh on a scratch copy of corpus/, scripts/fuzz.sh for a
# fixed number of executions, for its progress and summary lines, and the
# coverage feedback of each seed with and without the checks.  Run from the
# repository root with BUILD set (tests/run-all.sh does).  Ends with
# "campaign: N passed, N failed".
set -u
BUILD=${BUILD:-build}
STATS=$BUILD/pcpu-stats
SUITE=campaign
. tests/lib.sh

# the number after a pcpu-stats summary label, e.g. num "chunks created"
num() {
	sed -n "s/^  $1  *\\([0-9][0-9]*\\).*/\\1/p" "$tmp/stats.out"
}
# --- 1. pcpu-stats
if ! make --no-print-directory -s BUILD="$BUILD" "$STATS" >"$tmp/make.out" 2>&1; then
	cat "$tmp/make.out" >&2
	ko "make $STATS"
fi
ncorpus=$(find corpus -maxdepth 1 -type f | wc -l)
PCPU_FIXES=all "$STATS" corpus >"$tmp/stats.out" 2>"$tmp/stats.err"
st=$?
check "pcpu-stats corpus: exit $st" [ "$st" -eq 0 ]
for label in "inputs" "inputs failing a check" "operations" "allocations returning NULL" \
	"atomic allocations" "chunks created" "chunks destroyed" "most chunks alive at once" \
	"map extensions" "injected faults fired" "pages populated"; do
	check "pcpu-stats: no '$label' line" [ -n "$(num "$label")" ]
done
check "pcpu-stats: inputs $(num inputs), corpus has $ncorpus" [ "$(num inputs)" = "$ncorpus" ]
check "pcpu-stats: corpus inputs failing" [ "$(num "inputs failing a check")" = 0 ]
check "pcpu-stats: no chunk created" [ "$(num "chunks created")" -gt 0 ]
check "pcpu-stats: no map extension" [ "$(num "map extensions")" -gt 0 ]
check "pcpu-stats: no sync and deferred map extensions" \
	grep -Eq '^  map extensions +[0-9]+ \(sync [1-9][0-9]*, deferred [1-9][0-9]*\)' "$tmp/stats.out"
check "pcpu-stats: no injected fault of every kind" \
	grep -Eq '^  injected faults fired +[0-9]+ \(page [1-9][0-9]*, chunk [1-9][0-9]*, map [1-9][0-9]*, vmap [0-9]+\)' "$tmp/stats.out"
check "pcpu-stats: no failed atomic allocation" \
	grep -Eq '^  atomic allocations +[0-9]+ \(failed [1-9]' "$tmp/stats.out"
check "pcpu-stats: operations do not add up" \
	awk '$1 == "operations" { gsub(/[(),]/, ""); exit !($2 == $4 + $6 + $8 + $10) }' "$tmp/stats.out"
check "pcpu-stats: fixes not named" grep -q '^pcpu-stats: .*PCPU_FIXES=align-pow2,slot-walk,map-unwind,pop-fail-count$' "$tmp/stats.out"
# nested operations and preemption points (docs/interleavings.md): the
# golden nested trace runs 7 of its 9 nested ops (the second populated
# point and "nowhere" never come, and balance has no page to populate)
"$STATS" tests/golden/nested-windows.trace >"$tmp/nested.out" 2>&1
check "pcpu-stats: nested operations not counted" \
	grep -Eq '^  nested operations run +7$' "$tmp/nested.out"
check "pcpu-stats: area-found not counted 3 times" \
	grep -Eq '^  point area-found +3$' "$tmp/nested.out"
check "pcpu-stats: the corpus leaves a preemption point unreached" \
	grep -Eq '^  points never reached +0 of 13$' "$tmp/stats.out"
# the same inputs named one by one give the same summary
PCPU_FIXES=all "$STATS" corpus/* >"$tmp/stats2.out" 2>&1
check "pcpu-stats: files and directory differ" cmp -s "$tmp/stats.out" "$tmp/stats2.out"
# a campaign stopped before libFuzzer wrote its corpus leaves it empty
mkdir "$tmp/empty"
"$STATS" "$tmp/empty" >"$tmp/stats-empty.out" 2>&1
st=$?
check "pcpu-stats on an empty directory: exit $st" [ "$st" -eq 0 ]
check "pcpu-stats on an empty directory: not 0 inputs" grep -Eq '^  inputs +0$' "$tmp/stats-empty.out"
# a finding in its faithful mode: counted, named, exit 1
PCPU_FIXES=none "$STATS" crashes/align-pow2/reproducer.trace corpus/faults.trace \
	>"$tmp/stats.out" 2>"$tmp/stats.err"
st=$?
check "pcpu-stats failing input: exit $st, expected 1" [ "$st" -eq 1 ]
check "pcpu-stats failing input: not counted" [ "$(num "inputs failing a check")" = 1 ]
check "pcpu-stats failing input: check not named" grep -q "reproducer.trace: check 'overlap' failed" "$tmp/stats.err"
# bad arguments: exit 2 with a one-line error naming the problem
"$STATS" >/dev/null 2>"$tmp/err"
st=$?
check "pcpu-stats without input: exit $st, expected 2" [ "$st" -eq 2 ]
check "pcpu-stats without input: no error line" grep -q 'no input given' "$tmp/err"
for args in "--bogus corpus" "--fix=bogus corpus" "tests/bad/no-such-file.trace" \
	"tests/bad/bad-align.trace" "corpus tests/bad/bad-number.trace"; do
	# shellcheck disable=SC2086
	"$STATS" $args >"$tmp/out" 2>"$tmp/err"
	st=$?
	check "pcpu-stats $args: exit $st, expected 2" [ "$st" -eq 2 ]
	check "pcpu-stats $args: ran something" [ ! -s "$tmp/out" ]
	case $args in
	--fix=*) check "pcpu-stats $args: no error line" grep -q "^pcpu-stats: --fix: unknown fix 'bogus'" "$tmp/err" ;;
	*.trace) f=${args##* }
		 check "pcpu-stats $args: not one line naming $f" \
			 [ "$(wc -l <"$tmp/err")" -eq 1 -a -n "$(grep "^$f:" "$tmp/err")" ] ;;
	esac
done
PCPU_FIXES=bogus "$STATS" corpus >/dev/null 2>"$tmp/err"
st=$?
check "pcpu-stats PCPU_FIXES=bogus: exit $st, expected 2" [ "$st" -eq 2 ]
check "pcpu-stats PCPU_FIXES=bogus: no error line" grep -q "PCPU_FIXES: unknown fix 'bogus'" "$tmp/err"

# --- 2. make coverage: the whole corpus both ways, the findings both ways
nrepro=0
for d in crashes/*/; do
	[ -f "$d/expected" ] || continue
	# the coverage build has no ASan, so no poison page model: a backing
	# finding is replayed but reported as a skip, not counted
	[ "$("$BUILD/pcpu-replay" --expect "$d" --expect-value=check)" = backing ] && continue
	for r in "$d"reproducer.trace "$d"reproducer.bin; do
		[ -f "$r" ] && nrepro=$((nrepro + 1))
	done
done
make --no-print-directory BUILD="$BUILD" coverage >"$tmp/cov.out" 2>"$tmp/cov.err"
st=$?
check "make coverage: exit $st" [ "$st" -eq 0 ]
[ "$st" -eq 0 ] || tail -n 5 "$tmp/cov.err" >&2
check "make coverage: not 2 + 2 x $nrepro replays" grep -q "^coverage: $((2 + 2 * nrepro)) replay(s)" "$tmp/cov.out"
check "make coverage: no per-function table" grep -q '^pcpu_alloc_area ' "$tmp/cov.out"
check "make coverage: no per-file table" grep -q '^allocator/percpu_alloc.c ' "$tmp/cov.out"
check "make coverage: no HTML report" [ -f "$BUILD/coverage/html/index.html" ]
line=$(grep '^coverage: allocator/ lines' "$tmp/cov.out")
pct=$(echo "$line" | sed -n 's/.* branches [0-9]*\/[0-9]* (\([0-9]*\)\.[0-9]*%).*/\1/p')
check "make coverage: no allocator/ branch total in '$line'" [ -n "$pct" ]
# the corpus reaches 82-83% here; most of the rest is unreachable
# (out-of-memory paths, refused geometries): see scripts/coverage.sh
check "make coverage: allocator/ branches ${pct:-?}% < 80%" [ "${pct:-0}" -ge 80 ]

# --- 3. the ClusterFuzzLite build script by hand, as OSS-Fuzz runs it
mkdir -p "$tmp/cf/src" "$tmp/cf/out" "$tmp/cf/work" "$tmp/cf/seeds" "$tmp/cf/run"
# (clang-14, zip and unzip come from `make test`'s scripts/ensure-deps.sh test)
SRC=$tmp/cf/src OUT=$tmp/cf/out WORK=$tmp/cf/work CC=clang-14 CXX=clang++-14 \
CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address,undefined -fno-sanitize-recover=all -fsanitize=fuzzer-no-link" \
LIB_FUZZING_ENGINE=-fsanitize=fuzzer bash .clusterfuzzlite/build.sh >"$tmp/cf.out" 2>&1
st=$?
check "build.sh: exit $st" [ "$st" -eq 0 ]
[ "$st" -eq 0 ] || tail -n 10 "$tmp/cf.out" >&2
for f in pcpu pcpu_seed_corpus.zip pcpu.dict pcpu.options; do
	check "build.sh: no \$OUT/$f" [ -s "$tmp/cf/out/$f" ]
done
check "build.sh: options name another dictionary" grep -qx 'dict = pcpu.dict' "$tmp/cf/out/pcpu.options"
check "build.sh: the libFuzzer target carries the custom mutator" sh -c "nm '$tmp/cf/out/pcpu' | grep -q ' T LLVMFuzzerCustomMutator$'"
check "unzip the seed corpus" sh -c "cd '$tmp/cf/seeds' && unzip -q '$tmp/cf/out/pcpu_seed_corpus.zip'"
nbin=$(find corpus -maxdepth 1 -type f ! -name '*.trace' | wc -l)
nseed=$(( $(ls corpus/*.trace crashes/*/reproducer.trace | wc -l) + nbin ))
nzip=$(ls "$tmp/cf/seeds" | wc -l)
check "seed corpus zip: $nzip inputs, expected $nseed" [ "$nzip" -eq "$nseed" ]
# replayed without PCPU_FIXES: the build defaults to all fixes, so even the
# findings' reproducers pass; run from a scratch directory (artifacts)
(cd "$tmp/cf/run" && env -u PCPU_FIXES "$tmp/cf/out/pcpu" -runs=0 "$tmp/cf/seeds") \
	>"$tmp/cf-run.out" 2>&1
st=$?
check "pcpu -runs=0 on its seed corpus: exit $st" [ "$st" -eq 0 ]
check "pcpu -runs=0: did not read $nseed inputs" grep -q "INFO: *$nseed files found" "$tmp/cf-run.out"
check "pcpu -runs=0: wrote an artifact" [ -z "$(ls "$tmp/cf/run")" ]
# and PCPU_FIXES=none still reproduces the known bugs
(cd "$tmp/cf/run" && PCPU_FIXES=none "$tmp/cf/out/pcpu" -runs=0 "$tmp/cf/seeds") \
	>"$tmp/cf-run.out" 2>&1
check "pcpu with PCPU_FIXES=none: no known bug found" grep -q "check '[a-z_]*' failed" "$tmp/cf-run.out"

# --- 4. cmin on a scratch copy of corpus/'s seeds (not the campaign
#        inputs, which may cover what the test's inputs add), with the
#        target just built
hashed() { basename "$1" | grep -Eq '^[0-9a-f]{40}$'; }
if [ -x "$tmp/cf/out/pcpu" ]; then
	mkdir "$tmp/corpus"
	nseeds=0
	for t in corpus/*; do
		hashed "$t" && continue
		cp "$t" "$tmp/corpus/"
		nseeds=$((nseeds + 1))
	done
	"$BUILD/pcpu-encode" corpus/faults.trace "$tmp/corpus/0000000000000000000000000000000000000000"
	printf 'hand-kept\n' >"$tmp/corpus/my-input.bin"
	mkdir "$tmp/campaign"
	# a raw geometry with cpus=0: the decoder falls back to the defaults
	# after backend_geometry_check refuses it, a branch no seed reaches
	printf '\002\377\000\000\014\000\200\000\000\000\040\000\000\000\040\000\000\000\100\000\000\005\005' \
		>"$tmp/campaign/new"
	cp "$tmp/corpus/0000000000000000000000000000000000000000" "$tmp/campaign/dup"
	CMIN_CORPUS=$tmp/corpus CMIN_TARGET=$tmp/cf/out/pcpu WORK=$tmp/nowork BUILD=$BUILD \
		scripts/cmin.sh "$tmp/campaign" >"$tmp/cmin.out" 2>&1
	st=$?
	check "cmin: exit $st" [ "$st" -eq 0 ]
	[ "$st" -eq 0 ] || cat "$tmp/cmin.out" >&2
	for t in corpus/*; do
		hashed "$t" && continue
		check "cmin changed or removed $t" cmp -s "$t" "$tmp/corpus/${t#corpus/}"
	done
	check "cmin removed a non-hash file" [ -f "$tmp/corpus/my-input.bin" ]
	check "cmin kept an input that adds nothing" [ ! -e "$tmp/corpus/0000000000000000000000000000000000000000" ]
	h=$(sha1sum "$tmp/campaign/new" | cut -c1-40)
	check "cmin did not add the new input as $h" cmp -s "$tmp/campaign/new" "$tmp/corpus/$h"
	check "cmin: unexpected file count" [ "$(ls "$tmp/corpus" | wc -l)" -eq $((nseeds + 2)) ]
	check "cmin: kept inputs fail a replay" env PCPU_FIXES=all "$BUILD/pcpu-replay" -q "$tmp/corpus"
fi

# --- 5. a short scripts/fuzz.sh campaign with that target, bounded by a
#     number of executions (the seeds and 300 more), so that a slow or
#     busy machine runs the same campaign; fuzz.sh prints a progress line
#     at the end of a campaign too short for a periodic one, so one is
#     there however long it took
if [ -x "$tmp/cf/out/pcpu" ]; then
	mkdir "$tmp/b"
	ln -s "$tmp/cf/out/pcpu" "$tmp/b/fuzz-pcpu"
	# BUILD may be absolute (BUILD=/tmp/b sh tests/suite-campaign.sh)
	case $BUILD in /*) bdir=$BUILD ;; *) bdir=$PWD/$BUILD ;; esac
	for b in pcpu-replay pcpu-encode pcpu-stats; do ln -s "$bdir/$b" "$tmp/b/$b"; done
	nseeds=$(ls corpus/*.trace crashes/*/reproducer.trace corpus/* 2>/dev/null | sort -u | wc -l)
	BUILD=$tmp/b RUNS=$((nseeds + 300)) SEED=1 JOBS=1 WORK=$tmp/fw sh scripts/fuzz.sh >"$tmp/fuzz.out" 2>"$tmp/fuzz.err"
	st=$?
	check "fuzz.sh: exit $st" [ "$st" -eq 0 ]
	check "fuzz.sh: no progress line" grep -Eq '^fuzz: progress [0-9]+s: [0-9]+ execs, [0-9]+ exec/s, corpus [0-9]+, cov [0-9]+ ft [0-9]+, crashes 0, slow [0-9]+$' "$tmp/fuzz.out"
	check "fuzz.sh: no summary" grep -Eq '^fuzz: summary: [0-9]+s, [1-9][0-9]* execs, [0-9]+ exec/s, cov [1-9][0-9]* ft [0-9]+, corpus [0-9]+ inputs, 0 crash\(es\), [0-9]+ slow input\(s\)$' "$tmp/fuzz.out"
	check "fuzz.sh: RUNS=$((nseeds + 300)) not the number of executions" \
		grep -q "^fuzz: summary: [0-9]*s, $((nseeds + 300)) execs" "$tmp/fuzz.out"
	check "fuzz.sh: no corpus statistics" grep -q '^  chunks created ' "$tmp/fuzz.out"
	check "fuzz.sh: libFuzzer output not on stderr" grep -q 'INITED' "$tmp/fuzz.err"
	check "fuzz.sh: no final line" grep -q '^fuzz: done (exit 0)' "$tmp/fuzz.out"
	# an artifact an earlier campaign left in the work folder is not one of
	# this campaign's crashes: counted apart in the summary
	printf 'x' >"$tmp/fw/libfuzzer/artifacts/crash-of-an-earlier-campaign"
	BUILD=$tmp/b RUNS=$((nseeds + 10)) SEED=2 JOBS=1 WORK=$tmp/fw sh scripts/fuzz.sh >"$tmp/fuzz2.out" 2>/dev/null
	st=$?
	check "fuzz.sh again: exit $st" [ "$st" -eq 0 ]
	check "fuzz.sh again: the earlier artifact counted as a crash of this campaign" \
		grep -Eq '^fuzz: summary: .*, 0 crash\(es\), [0-9]+ slow input\(s\), and 1 artifact\(s\) of earlier campaigns$' "$tmp/fuzz2.out"
	check "fuzz.sh again: progress counts the earlier artifact" \
		grep -Eq '^fuzz: progress .*, crashes 0, slow [0-9]+$' "$tmp/fuzz2.out"
	check "fuzz.sh again: leaves its list of earlier artifacts behind" \
		sh -c "! ls -a '$tmp/fw/libfuzzer' | grep -q earlier-artifacts"
	BUILD=$tmp/b TIME=x WORK=$tmp/fw sh scripts/fuzz.sh >/dev/null 2>&1
	st=$?
	check "fuzz.sh TIME=x: exit $st, expected 2" [ "$st" -eq 2 ]
	BUILD=$tmp/b PROGRESS=0 WORK=$tmp/fw sh scripts/fuzz.sh >/dev/null 2>&1
	st=$?
	check "fuzz.sh PROGRESS=0: exit $st, expected 2" [ "$st" -eq 2 ]
	BUILD=$tmp/b RUNS=many WORK=$tmp/fw sh scripts/fuzz.sh >/dev/null 2>&1
	st=$?
	check "fuzz.sh RUNS=many: exit $st, expected 2" [ "$st" -eq 2 ]
	BUILD=$tmp/b RSS_LIMIT_MB=2G WORK=$tmp/fw sh scripts/fuzz.sh >/dev/null 2>"$tmp/rss.err"
	st=$?
	check "fuzz.sh RSS_LIMIT_MB=2G: exit $st, expected 2 and one line naming it" sh -c \
		"[ $st -eq 2 ] && [ \$(wc -l <'$tmp/rss.err') -eq 1 ] && grep -q 'RSS_LIMIT_MB must be' '$tmp/rss.err'"
fi

# --- 5b. the checks never steer the fuzzer: for each seed, the checked
#     target and the same target without checks (make bench's) record
#     the same coverage features (libFuzzer's -features_dir, one process
#     per seed so that no earlier input's host memory plays a part).  An
#     unchecked run makes the same allocator calls, the end-of-run frees
#     and balance included, and what only a checked run executes gets no
#     coverage feedback (mk/nocov.mk); else a checked campaign explores
#     otherwise than an unchecked one and make bench's comparison of the
#     two on the same inputs has no meaning.
if make --no-print-directory -s BUILD="$BUILD" "$BUILD/fuzz-pcpu" \
	"$BUILD/fuzz-pcpu-unchecked" "$BUILD/pcpu-encode" >"$tmp/make.out" 2>&1; then
	nseeds=0
	for t in corpus/*.trace; do
		name=$(basename "${t%.trace}")
		rm -rf "$tmp/feat"
		mkdir -p "$tmp/feat/in" "$tmp/feat/checked" "$tmp/feat/unchecked"
		"$BUILD/pcpu-encode" "$t" "$tmp/feat/in/$name" 2>/dev/null || continue
		for b in checked unchecked; do
			bin=$BUILD/fuzz-pcpu
			[ "$b" = unchecked ] && bin=$BUILD/fuzz-pcpu-unchecked
			PCPU_FIXES=all "$bin" -runs=0 -features_dir="$tmp/feat/$b" \
				"$tmp/feat/in" >/dev/null 2>&1
		done
		check "feedback: $name gives no features" \
			[ -n "$(ls "$tmp/feat/checked")" ]
		# the features as numbers, but for the largest: libFuzzer's
		# stack-depth feature, which comes after every counter's and
		# moves with where the host put the stack (ASLR, and the
		# length of the program's own path)
		for b in checked unchecked; do
			cat "$tmp/feat/$b"/* | od -An -v -tu4 | tr -s ' ' '\n' |
				sed '/^$/d' | sort -n | sed '$d' >"$tmp/feat/$b.txt"
		done
		check "feedback: $name gives the checked and the unchecked target different features" \
			cmp -s "$tmp/feat/checked.txt" "$tmp/feat/unchecked.txt"
		nseeds=$((nseeds + 1))
	done
	check "feedback: only $nseeds seeds compared" [ "$nseeds" -ge 20 ]
else
	cat "$tmp/make.out" >&2
	ko "make fuzz-pcpu fuzz-pcpu-unchecked"
fi

# --- 5c. make bench's seeds: a bad SEEDS is one line and exit 2, before
#     anything runs.  BUILD names an empty folder, so that a script that
#     went on would stop at once on its missing programs (another exit
#     status), never start a campaign
mkdir -p "$tmp/nobuild"
for knob in "SEEDS=x" "SEEDS= " "SEEDS=1 -2"; do
	env "$knob" BUILD="$tmp/nobuild" sh scripts/bench.sh >"$tmp/bench.out" 2>"$tmp/bench.err"
	st=$?
	check "bench.sh $knob: exit $st, expected 2 with one line and no figure" sh -c \
		"[ $st -eq 2 ] && [ \$(wc -l <'$tmp/bench.err') -eq 1 ] && [ ! -s '$tmp/bench.out' ]"
done

# --- 6. make repro: an artifact of a faithful campaign passes with the
#     default fixes, so repro replays it faithful too and says which mode
#     fails (the replay's exit 1, which make reports as its own failure);
#     an input that passes both ways says so (exit 0)
st=0
make --no-print-directory BUILD="$BUILD" repro CRASH=crashes/slot-walk-hang/reproducer.trace \
	>"$tmp/repro.out" 2>&1 || st=$?
check "make repro slot-walk-hang: exit $st, expected a failure" [ "$st" -ne 0 ]
check "make repro slot-walk-hang: says it fails faithful" \
	grep -q '^== it fails faithful (exit 1) and passes with PCPU_FIXES=all' "$tmp/repro.out"
st=0
make --no-print-directory BUILD="$BUILD" repro CRASH=corpus/fragmented-walk.trace \
	>"$tmp/repro.out" 2>&1 || st=$?
check "make repro on a passing input: exit $st, expected 0" [ "$st" -eq 0 ]
check "make repro on a passing input: says both modes pass" \
	grep -q '^== it passes faithful too' "$tmp/repro.out"

finish
