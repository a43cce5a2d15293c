#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Which folder may include which headers (the build enforces the same
# with per-folder include paths: the Makefile's inc_* variables, checked
# here too).  One test a source file and one a folder's include path;
# ends with "includes: N passed, N failed".
#
#   - allocator/ internals (its headers: percpu_internal.h, host_*.h, ...)
#     are included from allocator/ only;
#   - kernel/ internals (kernel/*.h, kernel/mem/, kernel/checks/,
#     kernel/shim/, kernel/tests/) from kernel/ only; inside it, the
#     memory model (kernel/mem/) uses nothing but include/, kernel/shim/
#     and itself, and kernel/tests/ is used by no other folder;
#   - oracle/ (the naive model) includes nothing but include/ and its own
#     headers: the checks that compare it with a backend are in
#     harness/checks/;
#   - trace/ includes nothing but include/ and its own headers;
#   - include/pcpu_area_map.h (the area-map-only views) is included by
#     allocator/ (which offers it), by the white-box tests, and otherwise
#     only by the files named in AREA_MAP below: the area-map checks, the
#     state printer, and kernel/backend_view.c, whose stubs say the real
#     kernel has no area map.  Every other check reads a chunk through
#     pcpu.h alone.
#
# White-box access, each file and header named (WHITEBOX below): the
# unit tests that plant states in the area-map port, and make bench's
# host-call counter, which counts the port's own system calls.
set -u
SUITE=includes
. tests/lib.sh

WHITEBOX="
tests/test_backing.c host_vm.h
tests/test_backing.c percpu_internal.h
tests/test_host_ranges.c host_mem.h
tests/test_host_ranges.c host_vm.h
tests/test_host_ranges.c percpu_internal.h
tests/test_injection.c host_vm.h
tests/test_injection.c percpu_internal.h
tests/test_sweep.c percpu_internal.h
tools/bench_calls.c host_mem.h
"

# The files outside allocator/ and tests/ that may include pcpu_area_map.h.
AREA_MAP="
harness/checks/check_incr.c
harness/checks/check_map.c
harness/checks/check_op.c
harness/checks/check_point.c
harness/checks/check_quick.c
harness/checks/check_sizes.c
harness/checks/check_slot.c
harness/print.c
kernel/backend_view.c
"

# owner FILE HEADER: the folder HEADER (as written in FILE's #include "")
# belongs to: FILE's own folder first, as the compiler looks, then the
# project's header folders
owner() {
	_dir=$(dirname "$1")
	if [ -f "$_dir/$2" ]; then
		_p=$(cd "$(dirname "$_dir/$2")" && pwd)
		_p=${_p#"$root"/}
	else
		_p=""
		for _d in include allocator oracle trace harness harness/checks fuzzers tools/lib tools tests \
			kernel kernel/mem kernel/checks kernel/shim; do
			if [ -f "$_d/$2" ]; then _p=$_d; break; fi
		done
	fi
	case $_p in
	allocator | allocator/*) echo allocator ;;
	kernel/mem | kernel/mem/*) echo kernel/mem ;;
	kernel/shim | kernel/shim/*) echo kernel/shim ;;
	kernel/tests | kernel/tests/*) echo kernel/tests ;;
	kernel | kernel/*) echo kernel ;;
	"") echo unknown ;;
	*) echo "$_p" ;;
	esac
}

whitebox() { printf '%s\n' "$WHITEBOX" | grep -qx "$1 $2"; }
area_map() { printf '%s\n' "$AREA_MAP" | grep -qx "$1"; }

root=$(pwd)
files=$(find allocator oracle trace harness fuzzers tools tests kernel \
	-name '*.[ch]' -type f | sort)
for f in $files; do
	top=${f%%/*}
	bad=""
	# shellcheck disable=SC2013 # header names: one word each
	for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
		case $h in *.c) continue ;; esac # a source included whole (glue, mutator)
		o=$(owner "$f" "$h")
		why=""
		case $o in
		allocator) [ "$top" = allocator ] || why="allocator/ internal" ;;
		kernel | kernel/*) [ "$top" = kernel ] || why="kernel/ internal" ;;
		esac
		if [ -z "$why" ]; then
			case $f:$o in
			kernel/mem/*:kernel/mem | kernel/mem/*:kernel/shim | kernel/mem/*:include) ;;
			kernel/mem/*:*) why="not include/, kernel/shim/ or kernel/mem/ (the memory model may use no other)" ;;
			kernel/tests/*:*) ;;
			*:kernel/tests) why="kernel/tests/ internal" ;;
			esac
		fi
		if [ "$top" = trace ] && [ -z "$why" ]; then
			case $o in include | trace) ;; *) why="not include/ (trace/ may use no other)" ;; esac
		fi
		if [ "$h" = pcpu_area_map.h ] && [ -z "$why" ]; then
			case $top in
			allocator | tests) ;;
			*) area_map "$f" || why="area-map-only views, not in AREA_MAP" ;;
			esac
		fi
		if [ "$top" = oracle ] && [ -z "$why" ]; then
			case $o in include | oracle) ;; *) why="not include/ (oracle/ may use no other)" ;; esac
		fi
		if [ -n "$why" ] && ! whitebox "$f" "$h"; then
			bad="$bad $h ($why)"
		fi
	done
	if [ -z "$bad" ]; then ok; else ko "$f includes$bad"; fi
done

# the build agrees: no folder but the white-box ones has allocator/ on its
# include path, none outside kernel/ has kernel/, trace/, oracle/ and
# kernel/mem/ have include/ only, no folder but kernel/tests has it
# (the Makefile's per-folder paths, `make include-paths`)
if make -s --no-print-directory include-paths >"$tmp/paths" 2>"$tmp/paths.err"; then
	while IFS= read -r line; do
		folder=${line%%:*}
		# shellcheck disable=SC2086 # the flags, one word each
		set -- ${line#*:}
		flags=" $* "
		why=""
		case $folder in
		tests | tests/* | tools/bench_calls.c | allocator) ;;
		*) case $flags in *" -Iallocator "* | *" -I./allocator "*) why="allocator/ on its path" ;; esac ;;
		esac
		case $folder in
		kernel | kernel/*) ;;
		*) case $flags in *" -Ikernel"*) why="kernel/ on its path" ;; esac ;;
		esac
		case $folder in
		kernel/tests) ;;
		*) case $flags in *" -Ikernel/tests"*) why="kernel/tests/ on its path" ;; esac ;;
		esac
		case $folder in trace | oracle | kernel/mem)
			[ "$flags" = " -Iinclude " ] || why="$folder/ with more than include/:$flags" ;;
		esac
		if [ -z "$why" ]; then ok; else ko "make include-paths: $folder: $why"; fi
	done <"$tmp/paths"
	[ -s "$tmp/paths" ] || ko "make include-paths printed nothing"
else
	ko "make include-paths: $(head -n 1 "$tmp/paths.err")"
fi

# the white-box list names real includes (a stale entry hides nothing)
printf '%s\n' "$WHITEBOX" | while read -r f h; do
	[ -n "$f" ] || continue
	grep -q "#include \"$h\"" "$f" 2>/dev/null || echo "$f $h"
done >"$tmp/stale"
if [ -s "$tmp/stale" ]; then ko "stale WHITEBOX entries: $(tr '\n' ';' <"$tmp/stale")"; else ok; fi
# and so does the area-map list
printf '%s\n' "$AREA_MAP" | while read -r f; do
	[ -n "$f" ] || continue
	grep -q '#include "pcpu_area_map.h"' "$f" 2>/dev/null || echo "$f"
done >"$tmp/stale"
if [ -s "$tmp/stale" ]; then ko "stale AREA_MAP entries: $(tr '\n' ';' <"$tmp/stale")"; else ok; fi

finish
