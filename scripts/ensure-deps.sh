#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Make sure the Debian packages a target needs are installed: install them
# with apt-get when running as root, otherwise print the exact command and
# fail.  Usage: ensure-deps.sh base|fuzz|afl|cov|linux
set -eu

need=""
want() { # want PACKAGE: queue it unless dpkg says it is installed
	if ! dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; then
		need="$need $1"
	fi
}

case "${1:-base}" in
base) want make; want clang-14; want libclang-rt-14-dev ;;
fuzz) want make; want clang-14; want libclang-rt-14-dev; want llvm-14 ;;
afl) want make; want clang-14; want libclang-rt-14-dev; want llvm-14; want lld-14; want afl++ ;;
cov) want make; want clang-14; want libclang-rt-14-dev; want llvm-14 ;;
linux) want make; want clang-14; want libclang-rt-14-dev; want xz-utils; want binutils ;;
*) echo "ensure-deps.sh: unknown set '$1' (base, fuzz, afl, cov, linux)" >&2; exit 2 ;;
esac

[ -z "$need" ] && exit 0

cmd="apt-get install -y --no-install-recommends$need"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "ensure-deps: installing$need" >&2
	if ! DEBIAN_FRONTEND=noninteractive $cmd >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
		DEBIAN_FRONTEND=noninteractive $cmd >/dev/null || {
			echo "ensure-deps: '$cmd' failed" >&2; exit 1; }
	fi
else
	echo "ensure-deps: missing packages:$need" >&2
	echo "run as root:  apt-get update && $cmd" >&2
	exit 1
fi
