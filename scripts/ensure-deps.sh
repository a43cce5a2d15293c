#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Make sure the Debian packages a target needs are installed: install them
# with apt-get when running as root, otherwise print the exact command and
# fail.  Usage: ensure-deps.sh base|test|fuzz|afl|cov|linux|fresh
#
# Every program a build, a test or a campaign script runs either comes
# with a minimal Debian 12 (build-essential, git and the Essential set:
# coreutils, util-linux's flock, diffutils, tar, mawk, sed, grep, findutils,
# dpkg) or from a package listed here.  `test` is the union of what `make
# test` runs: the suites build the fuzz targets (llvm-14 for coverage),
# pack and unpack the ClusterFuzzLite seed zip (zip, unzip) and build the
# linux backends (xz-utils for the source tarball, binutils for readelf
# and objcopy).
set -eu
. "$(dirname "$0")/apt.sh"

need=""
want() { # want PACKAGE: queue it unless dpkg says it is installed
	if ! dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; then
		need="$need $1"
	fi
}

set_base() { want make; want clang-14; want libclang-rt-14-dev; }
case "${1:-base}" in
base) set_base ;;
fuzz | cov) set_base; want llvm-14 ;;
afl) set_base; want llvm-14; want lld-14; want afl++ ;;
linux) set_base; want xz-utils; want binutils ;;
test) set_base; want llvm-14; want xz-utils; want binutils; want zip; want unzip ;;
fresh) want debootstrap; want git ;;
*) echo "ensure-deps.sh: unknown set '$1' (base, test, fuzz, afl, cov, linux, fresh)" >&2; exit 2 ;;
esac

[ -z "$need" ] && exit 0

cmd="apt-get install -y --no-install-recommends$need"
if apt_is_root; then
	echo "ensure-deps: installing$need" >&2
	# shellcheck disable=SC2086 # cmd and APT_OPTS are word lists
	if ! apt_locked env DEBIAN_FRONTEND=noninteractive $cmd $APT_OPTS >/dev/null 2>&1; then
		apt_locked env DEBIAN_FRONTEND=noninteractive apt-get $APT_OPTS update -qq >/dev/null 2>&1 || true
		apt_locked env DEBIAN_FRONTEND=noninteractive $cmd $APT_OPTS >/dev/null || {
			echo "ensure-deps: '$cmd' failed" >&2; exit 1; }
	fi
else
	echo "ensure-deps: missing packages:$need" >&2
	echo "run as root:  apt-get update && $cmd" >&2
	exit 1
fi
