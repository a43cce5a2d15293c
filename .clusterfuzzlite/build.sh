#!/bin/bash -eu
# SPDX-License-Identifier: GPL-2.0-only
#
# ClusterFuzzLite / OSS-Fuzz build script (bash, as OSS-Fuzz runs it).
# Builds the one fuzz target, fuzzers/fuzz_pcpu.c, as $OUT/pcpu with the
# engine's $CC $CFLAGS and links it with $LIB_FUZZING_ENGINE using $CXX,
# next to its seed corpus ($OUT/pcpu_seed_corpus.zip: corpus/ and the
# crashes' reproducers, text traces encoded by a host build of
# pcpu-encode), dictionary ($OUT/pcpu.dict) and options ($OUT/pcpu.options,
# whose `dict = pcpu.dict` names that dictionary).  One name, pcpu, for
# all of them, as fuzzers/pcpu.dict and fuzzers/pcpu.options already do.
#
# Works by hand too, from the repository root:
#   SRC=$(mktemp -d) OUT=$(mktemp -d) WORK=$(mktemp -d) CC=clang-14 \
#   CXX=clang++-14 LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
#   CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only \
#     -fsanitize=address,undefined -fno-sanitize-recover=all \
#     -fsanitize=fuzzer-no-link" bash .clusterfuzzlite/build.sh

# the repository: the current directory (the Dockerfile's WORKDIR, or the
# root when run by hand), else next to this script, else $SRC/percpu-fuzz
root=""
for d in "$PWD" "$(dirname "$0")/.." "${SRC:-/src}/percpu-fuzz"; do
	if [ -f "$d/fuzzers/fuzz_pcpu.c" ]; then
		root=$(cd "$d" && pwd)
		break
	fi
done
if [ -z "$root" ]; then
	echo "build.sh: cannot find the percpu-fuzz sources (fuzzers/fuzz_pcpu.c)" >&2
	exit 2
fi
cd "$root"
: "${OUT:?build.sh: OUT must be set}" "${WORK:?build.sh: WORK must be set}"
: "${CC:?build.sh: CC must be set}" "${CXX:?build.sh: CXX must be set}"
: "${LIB_FUZZING_ENGINE:?build.sh: LIB_FUZZING_ENGINE must be set}"
CFLAGS=${CFLAGS:-}
# the final link needs the sanitizer runtimes the objects were built for
CXXFLAGS=${CXXFLAGS:-$CFLAGS}
NPROC=$(nproc 2>/dev/null || echo 1)

# No -Werror here: OSS-Fuzz's compiler is newer than the project's clang-14
# and gcc, which `make test` keeps warning-free; a new warning must not
# stop the fuzzing.  The sources (same globs as the Makefile's LIB_SRC):
shopt -s nullglob
lib_src=(allocator/*.c oracle/*.c trace/*.c harness/*.c fuzzers/input_*.c)
std=(-std=gnu11 -Wall -Wextra -Iinclude -Iallocator -Ioracle -Itrace -Iharness -Ifuzzers)

obj=$WORK/pcpu-obj
host=$WORK/pcpu-host
seeds=$WORK/pcpu-seeds
rm -rf "$obj" "$host" "$seeds"
mkdir -p "$obj" "$host" "$seeds" "$OUT"

# compile DIR SRC FLAGS...: one object, named after its path
compile() {
	local dir=$1 src=$2
	shift 2
	"$CC" "$@" "${std[@]}" -c "$src" -o "$dir/$(echo "${src%.c}" | tr /. __).o"
}
# run at most NPROC compilations at once; any failure fails the build
pids=()
spawn() {
	compile "$@" &
	pids+=($!)
	if [ "${#pids[@]}" -ge "$NPROC" ]; then
		wait "${pids[0]}"
		pids=("${pids[@]:1}")
	fi
}
drain() {
	local p
	for p in "${pids[@]}"; do wait "$p"; done
	pids=()
}

# 1. the fuzz target.  The checks, the host-range cache and the arena get
# the sanitizers but no coverage feedback (the checks' branches say nothing
# about the allocator, the cache's and the arena's depend on earlier
# inputs; see the Makefile), the rest the engine's flags as they are.
read -r -a cflags <<<"$CFLAGS"
nocov=()
for f in "${cflags[@]}"; do
	[ "$f" = -fsanitize=fuzzer-no-link ] || nocov+=("$f")
done
for src in fuzzers/fuzz_pcpu.c "${lib_src[@]}" .clusterfuzzlite/fixes_default.c; do
	case $src in
	oracle/check_*.c | allocator/host_ranges.c | allocator/host_mem.c | allocator/host_vm.c | \
	allocator/host_arena.c | allocator/backend_view.c) spawn "$obj" "$src" "${nocov[@]}" ;;
	*) spawn "$obj" "$src" "${cflags[@]}" ;;
	esac
done
drain
read -r -a cxxflags <<<"$CXXFLAGS"
# shellcheck disable=SC2086 # LIB_FUZZING_ENGINE may hold several words
"$CXX" "${cxxflags[@]}" "$obj"/*.o $LIB_FUZZING_ENGINE -o "$OUT/pcpu"

# 2. a host encoder, plain flags (it runs here, at build time, so it must
# not need the engine or a sanitizer runtime such as MSan's)
for src in tools/encode.c "${lib_src[@]}"; do
	spawn "$host" "$src" -O0
done
drain
"$CC" "$host"/*.o -o "$host/pcpu-encode"

# 3. seed corpus: text traces encoded, binary corpus files as they are
for t in corpus/*.trace crashes/*/reproducer.trace; do
	name=$(echo "${t%.trace}" | tr / _)
	"$host/pcpu-encode" "$t" "$seeds/$name"
done
for f in corpus/*; do
	case $f in *.trace) ;; *) [ -f "$f" ] && cp "$f" "$seeds/" ;; esac
done
rm -f "$OUT/pcpu_seed_corpus.zip"
# zip comes with OSS-Fuzz's base image (Dockerfile) and, run by hand, from
# scripts/ensure-deps.sh test
if ! command -v zip >/dev/null 2>&1; then
	echo "build.sh: no zip to pack the seed corpus: run as root: apt-get install zip" >&2
	exit 1
fi
(cd "$seeds" && zip -q -j "$OUT/pcpu_seed_corpus.zip" ./*)

# 4. dictionary and options under the target's name
cp fuzzers/pcpu.dict "$OUT/pcpu.dict"
cp fuzzers/pcpu.options "$OUT/pcpu.options"
echo "build.sh: $OUT/pcpu, pcpu_seed_corpus.zip ($(ls "$seeds" | wc -l) inputs), pcpu.dict, pcpu.options"
