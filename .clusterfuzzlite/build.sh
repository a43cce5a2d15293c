#!/bin/bash -eu
# SPDX-License-Identifier: GPL-2.0-only
#
# ClusterFuzzLite / OSS-Fuzz build script (bash, as OSS-Fuzz runs it).
# Builds the one fuzz target, fuzzers/fuzz_pcpu.c, as $OUT/pcpu with the
# engine's $CC $CFLAGS and links it with $LIB_FUZZING_ENGINE using $CXX
# (`make oss-fuzz`, mk/oss-fuzz.mk: the build itself is the Makefile's),
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
command -v make >/dev/null 2>&1 || {
	echo "build.sh: no make: run as root: apt-get install make" >&2
	exit 1
}

# 1. and 2. the fuzz target and a host encoder: the Makefile builds them
# (mk/oss-fuzz.mk: the engine's $CC $CFLAGS, linked by $CXX $CXXFLAGS with
# $LIB_FUZZING_ENGINE; the files of mk/nocov.mk without coverage
# feedback; the encoder with plain flags), in a build folder of its own
build=$WORK/pcpu-build
seeds=$WORK/pcpu-seeds
rm -rf "$build" "$seeds"
mkdir -p "$seeds" "$OUT"
make --no-print-directory -j"$NPROC" BUILD="$build" CC="$CC" CXX="$CXX" \
	CFLAGS="$CFLAGS" CXXFLAGS="$CXXFLAGS" LIB_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" oss-fuzz
cp "$build/oss-fuzz/pcpu" "$OUT/pcpu"
host=$build/oss-fuzz

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
