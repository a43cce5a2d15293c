#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# linux-fix.sh PATCH VERSION  (make linux-fix FIX=PATCH BACKEND=linux-VERSION):
# show what a fix of mm/percpu.c does.  The pinned sources of VERSION are
# copied and PATCH applied to the copy (patch -p1); the harness is built
# against the patched file in its own build directory ($BUILD/fix/NAME-VERSION),
# beside the unpatched build, and then:
#
#  1. when PATCH sits in a crashes/NAME/ folder, that finding's reproducer
#     is replayed on both with every finding fatal: the unpatched kernel
#     must fail the check its expected file names, the patched one must
#     not fail it (it may fail another, which is reported);
#  2. the same campaign of RUNS executions (default 2000, libFuzzer seed 1,
#     hint findings counted: PCPU_NONFATAL=hint) runs on both from corpus/;
#     the counts of each check are printed side by side, and a check that
#     only the patched kernel shows, or a crash of the patched campaign,
#     is a new finding the fix brought.
#
# RUNS=0 is the reproducer only: step 1 without step 2, and only
# pcpu-replay is built (about half the build; what tests/suite-linux.sh
# runs for every fix.patch but one).  The patch must then sit in a
# crashes/NAME/ folder with a reproducer.
#
# Exit status: 0 the finding is gone and nothing new showed; 1 otherwise;
# 2 usage; 3 the kernel sources cannot be had (scripts/fetch-kernel.sh).
# The kernel file itself is never changed in place: the patched copy lives
# under the build directory only.
set -u

me=linux-fix.sh
if [ $# -ne 2 ]; then
	echo "usage: scripts/linux-fix.sh PATCH VERSION   (make linux-fix FIX=crashes/NAME/fix.patch BACKEND=linux-7.2)" >&2
	exit 2
fi
patch=$1
ver=$2
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
build=${BUILD:-build}
runs=${RUNS:-2000}
case $runs in '' | *[!0-9]*)
	echo "$me: RUNS=$runs: expected a number of executions (0: the reproducer only)" >&2
	exit 2 ;;
esac
case $patch in /*) ;; *) patch=$OLDPWD/$patch ;; esac
if [ ! -f "$patch" ]; then
	echo "$me: $patch: no such file" >&2
	exit 2
fi
if [ ! -f "$root/kernel/linux-$ver.sha256" ]; then
	echo "$me: linux-$ver: no such backend (kernel/linux-*.sha256)" >&2
	exit 2
fi
command -v patch >/dev/null 2>&1 || {
	echo "$me: no patch program: run as root: apt-get install patch" >&2
	exit 2
}

dir=$(dirname "$patch")
case $dir in */crashes/* | crashes/*) name=$(basename "$dir") ;; *) name=$(basename "$patch" .patch) ;; esac
if [ "$runs" -eq 0 ] && { [ ! -f "$dir/expected" ] || [ ! -f "$dir/reproducer.linux.trace" ]; }; then
	echo "$me: RUNS=0 replays the finding's reproducer only, and $dir has none" >&2
	exit 2
fi
work=$build/fix/$name-$ver
log=$work/build.log

BUILD=$build "$root/scripts/fetch-kernel.sh" "$ver" >/dev/null || exit $?
rm -rf "$work"
mkdir -p "$work/src"
(cd "$build/kernel-src/linux-$ver" && tar -cf - mm include) | (cd "$work/src" && tar -xf -)
if ! patch -p1 -s -d "$work/src" <"$patch" >"$work/patch.out" 2>&1; then
	cat "$work/patch.out" >&2
	echo "$me: $patch does not apply to the pinned linux-$ver sources" >&2
	exit 1
fi
echo "$me: $patch applied to linux-$ver; building both kernels' tools (log: $log)"

orig=$build/linux-$ver
fixed=$work/build/linux-$ver
# the campaign's programs only when there is a campaign
if [ "$runs" -eq 0 ]; then
	o_fuzz="" f_fuzz=""
else
	o_fuzz="$orig/fuzz-pcpu $build/pcpu-encode" f_fuzz=$fixed/fuzz-pcpu
fi
if ! make --no-print-directory -C "$root" -j2 BUILD="$build" LINUX_VERSIONS="$ver" \
	"$orig/pcpu-replay" $o_fuzz >"$log" 2>&1 ||
   ! make --no-print-directory -C "$root" -j2 BUILD="$work/build" LINUX_VERSIONS="$ver" \
	KERNEL_SRC="$work/src" KERNEL_SHIM_FORCE=1 \
	"$fixed/pcpu-replay" $f_fuzz >>"$log" 2>&1; then
	tail -n 20 "$log" >&2
	echo "$me: the build failed (log: $log)" >&2
	exit 1
fi

verdict=0
tmp=$work/tmp
mkdir -p "$tmp"

# 1. the finding's own reproducer
if [ -f "$dir/expected" ] && [ -f "$dir/reproducer.linux.trace" ]; then
	# the check it fails, from the expected file's one reader
	check=$("$orig/pcpu-replay" --expect "$dir" --expect-value=check) || exit 2
	repro=$dir/reproducer.linux.trace
	PCPU_NONFATAL=none "$orig/pcpu-replay" "$repro" >/dev/null 2>"$tmp/orig.err"
	st_o=$?
	PCPU_NONFATAL=none "$fixed/pcpu-replay" "$repro" >/dev/null 2>"$tmp/fixed.err"
	st_f=$?
	if [ "$st_o" -eq 1 ] && grep -q "check '$check' failed" "$tmp/orig.err"; then
		echo "$me: unpatched linux-$ver: the reproducer fails check '$check', as $dir/expected says"
	else
		echo "$me: unpatched linux-$ver: the reproducer does not fail check '$check' (exit $st_o)"
		verdict=1
	fi
	if grep -q "check '$check' failed" "$tmp/fixed.err"; then
		echo "$me: patched linux-$ver: still fails check '$check': the fix does not cure it"
		verdict=1
	elif [ "$st_f" -eq 0 ]; then
		echo "$me: patched linux-$ver: the reproducer passes every check: the finding is gone"
	else
		echo "$me: patched linux-$ver: '$check' is gone, but: $(head -n 1 "$tmp/fixed.err")"
	fi
fi

if [ "$runs" -eq 0 ]; then
	if [ "$verdict" -eq 0 ]; then
		echo "$me: $name: its reproducer is fixed on linux-$ver (RUNS=0: no campaign)"
	else
		echo "$me: $name: not shown fixed on linux-$ver (see above)"
	fi
	exit "$verdict"
fi

# 2. one campaign of fixed length on each
mkdir -p "$tmp/seeds"
for t in "$root"/corpus/*.trace; do
	"$build/pcpu-encode" "$t" "$tmp/seeds/$(basename "$t" .trace)" 2>/dev/null || true
done
campaign() { # campaign BINARY TAG: nonfatal counts in $tmp/TAG.nf, exit in $tmp/TAG.st
	rm -rf "$tmp/$2-corpus"
	mkdir -p "$tmp/$2-corpus"
	PCPU_NONFATAL=hint "$1" -runs="$runs" -seed=1 -max_len=4096 \
		-artifact_prefix="$tmp/$2-" "$tmp/$2-corpus" "$tmp/seeds" >"$tmp/$2.log" 2>&1
	echo $? >"$tmp/$2.st"
	grep '^nonfatal: ' "$tmp/$2.log" | tail -n 1 | sed 's/^nonfatal: //' | tr ',' '\n' |
		sed 's/^ *//' | grep . >"$tmp/$2.nf" || true
}
echo "$me: a campaign of $runs executions (seed 1, PCPU_NONFATAL=hint) on each"
campaign "$orig/fuzz-pcpu" orig
campaign "$fixed/fuzz-pcpu" fixed
count() { awk -v c="$1" '$1 == c { print $2; found = 1 } END { if (!found) print 0 }' "$2"; }
# The two campaigns explore differently once the kernels differ, so a check
# the unpatched one happened not to meet is new only if the unpatched
# kernel does not show it on the very inputs the patched campaign kept.
PCPU_NONFATAL=hint "$orig/pcpu-replay" -q "$tmp/fixed-corpus" >/dev/null 2>"$tmp/cross.log" || true
grep '^nonfatal: ' "$tmp/cross.log" | tail -n 1 | sed 's/^nonfatal: //' | tr ',' '\n' |
	sed 's/^ *//' | grep . >"$tmp/cross.nf" || true
for c in $(cut -d' ' -f1 "$tmp/orig.nf" "$tmp/fixed.nf" | sort -u); do
	o=$(count "$c" "$tmp/orig.nf")
	f=$(count "$c" "$tmp/fixed.nf")
	note=""
	if [ "$o" = 0 ] && [ "$f" != 0 ]; then
		x=$(count "$c" "$tmp/cross.nf")
		if [ "$x" != 0 ]; then
			note="  (the unpatched kernel shows it $x times on the patched campaign's inputs)"
		else
			note="  NEW with the fix"
			verdict=1
		fi
	fi
	printf '%s:   %-24s unpatched %8s   patched %8s%s\n' "$me" "$c" "$o" "$f" "$note"
done
if [ "$(cat "$tmp/fixed.st")" != 0 ]; then
	echo "$me: the patched campaign stopped (exit $(cat "$tmp/fixed.st")): $(grep -m1 -E "check '|ERROR" "$tmp/fixed.log")"
	verdict=1
fi
if [ "$verdict" -eq 0 ]; then
	echo "$me: $name: fixed on linux-$ver, and nothing new in $runs executions"
else
	echo "$me: $name: not shown fixed on linux-$ver (see above)"
fi
exit "$verdict"
