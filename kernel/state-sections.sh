#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# state-sections.sh IN.o OUT.o: rename the writable data sections of the
# glue object (.data*, .bss*; not .data.rel.ro*, which is read-only after
# relocation) to kpcpu_data and kpcpu_bss.  The linker then brackets them
# with __start_/__stop_ symbols, and kstate.c can save and restore the
# kernel file's whole static state, function-local statics included,
# whichever compiler (gcc or clang) and sanitizers built it.
set -eu
if [ $# -ne 2 ]; then
	echo "usage: kernel/state-sections.sh IN.o OUT.o" >&2
	exit 2
fi
args=
for s in $(readelf -SW "$1" | sed -n 's/^ *\[ *[0-9]*\] \([^ ]*\) .*/\1/p'); do
	case $s in
	.data.rel.ro | .data.rel.ro.*) ;;
	.data | .data.*) args="$args --rename-section $s=kpcpu_data" ;;
	.bss | .bss.*) args="$args --rename-section $s=kpcpu_bss" ;;
	esac
done
if [ -z "$args" ]; then
	echo "state-sections.sh: $1: no .data or .bss section" >&2
	exit 1
fi
# shellcheck disable=SC2086 # args is a word list
objcopy $args "$1" "$2"
