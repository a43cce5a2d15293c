#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# fetch-kernel.sh VERSION [DEST]: put the five kernel files the linux backend
# compiles (mm/percpu.c, mm/percpu-internal.h, mm/percpu-vm.c, mm/percpu-km.c,
# include/linux/percpu.h) into DEST (default $BUILD/kernel-src/linux-VERSION),
# each checked against the sha256 pinned in kernel/linux-VERSION.sha256.
#
# Source: Debian's linux-source-VERSION package (downloaded once into
# $BUILD/kernel-src/deb, or taken from the apt cache), from which only those
# five files are extracted; the 1.3 GB tree is never unpacked.  Or, with
# KERNEL_SRC=/path/to/tree, the user's own tree: its files must match the
# pinned list of VERSION (KERNEL_SHIM_FORCE=1 tries an unknown version anyway,
# and marks DEST unverified so a later normal run fetches again).
# Verified files already in DEST are kept as they are (no download).
set -eu

me=fetch-kernel.sh
FILES="mm/percpu.c mm/percpu-internal.h mm/percpu-vm.c mm/percpu-km.c include/linux/percpu.h"

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: scripts/fetch-kernel.sh VERSION [DEST]   (VERSION: 6.1 or 6.12)" >&2
	exit 2
fi
ver=$1
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-build}
dest=${2:-$build/kernel-src/linux-$ver}
list=$root/kernel/linux-$ver.sha256

known=$(cd "$root/kernel" && ls linux-*.sha256 2>/dev/null |
	sed 's/^linux-//; s/\.sha256$//' | tr '\n' ' ' | sed 's/ $//')
if [ ! -f "$list" ]; then
	echo "$me: version '$ver' is not covered by the shim (pinned: $known)" >&2
	exit 2
fi

# pinned LIST PATH: the sha256 LIST records for PATH
pinned() {
	awk -v p="$2" '$1 !~ /^#/ && $2 == p { print $1 }' "$1"
}

# check DIR LIST: 0 when every file of DIR matches LIST; else sets $bad
check() {
	for f in $FILES; do
		if [ ! -f "$1/$f" ]; then
			bad="$f is missing"
			return 1
		fi
		sum=$(sha256sum "$1/$f" | cut -d' ' -f1)
		if [ "$sum" != "$(pinned "$2" "$f")" ]; then
			bad="$f has sha256 $sum"
			return 1
		fi
	done
	return 0
}

# install SRC SOURCE-LINE: copy the five files from SRC into DEST
install_files() {
	for f in $FILES; do
		mkdir -p "$dest/$(dirname "$f")"
		cp "$1/$f" "$dest/$f"
	done
	echo "$2" >"$dest/SOURCE"
}

# 1. the user's own tree
if [ -n "${KERNEL_SRC:-}" ]; then
	src=$KERNEL_SRC
	for f in $FILES; do
		if [ ! -f "$src/$f" ]; then
			echo "$me: KERNEL_SRC=$src: no $f in that tree" >&2
			exit 2
		fi
	done
	if check "$src" "$list"; then
		if ! check "$dest" "$list" || [ -e "$dest/.unverified" ]; then
			rm -f "$dest/.unverified"
			install_files "$src" "tree $src (verified against kernel/linux-$ver.sha256)"
		fi
		echo "$me: linux-$ver: files from $src match kernel/linux-$ver.sha256"
		exit 0
	fi
	for other in "$root"/kernel/linux-*.sha256; do
		if check "$src" "$other"; then
			v=$(basename "$other" .sha256)
			echo "$me: KERNEL_SRC=$src holds the percpu files of $v, not of linux-$ver: build it as $v" >&2
			exit 1
		fi
	done
	if [ "${KERNEL_SHIM_FORCE:-0}" = 1 ]; then
		install_files "$src" "tree $src (UNVERIFIED: KERNEL_SHIM_FORCE=1)"
		: >"$dest/.unverified"
		echo "$me: warning: KERNEL_SRC=$src matches no version the shim covers ($known); KERNEL_SHIM_FORCE=1: trying anyway" >&2
		exit 0
	fi
	echo "$me: KERNEL_SRC=$src: its percpu files match no version the shim covers ($known); KERNEL_SHIM_FORCE=1 tries anyway" >&2
	exit 1
fi

# 2. already fetched and verified
if [ ! -e "$dest/.unverified" ] && check "$dest" "$list"; then
	exit 0
fi

# 3. the Debian package: from our cache (this BUILD's or the default
# build/'s, so experimental BUILD directories do not download again), the
# apt cache, or apt-get download
pkg=linux-source-$ver
debdir=$build/kernel-src/deb
mkdir -p "$debdir"
find_deb() {
	ls "$debdir/${pkg}_"*_all.deb "$root/build/kernel-src/deb/${pkg}_"*_all.deb \
		/var/cache/apt/archives/"${pkg}_"*_all.deb 2>/dev/null |
		sort -V | tail -n 1
}
deb=$(find_deb)
if [ -z "$deb" ]; then
	echo "$me: downloading $pkg into $debdir (about 150 MB, once)"
	if ! (cd "$debdir" && apt-get download "$pkg"); then
		if [ "$(id -u)" != 0 ]; then
			echo "$me: apt has no $pkg: run 'apt-get update' as root, then retry (or: cd $debdir && apt-get download $pkg)" >&2
			exit 1
		fi
		apt-get update
		(cd "$debdir" && apt-get download "$pkg")
	fi
	deb=$(find_deb)
	if [ -z "$deb" ]; then
		echo "$me: apt-get download $pkg left no .deb in $debdir" >&2
		exit 1
	fi
fi
pkgver=$(dpkg-deb -f "$deb" Version)

tmp=$dest.tmp.$$
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
members=
for f in $FILES; do
	members="$members linux-source-$ver/$f"
done
echo "$me: extracting the percpu files from $(basename "$deb")"
# shellcheck disable=SC2086 # members is a word list
dpkg-deb --fsys-tarfile "$deb" | tar -xOf - "./usr/src/linux-source-$ver.tar.xz" |
	tar -xJf - -C "$tmp" --strip-components=1 $members
if ! check "$tmp" "$list"; then
	echo "$me: $pkg $pkgver: $bad, not the sha256 pinned in kernel/linux-$ver.sha256: refusing to build against unpinned sources" >&2
	exit 1
fi
install_files "$tmp" "$pkg $pkgver ($(basename "$deb"))"
rm -f "$dest/.unverified"
echo "$me: linux-$ver: $pkg $pkgver verified into $dest"
