#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# fetch-kernel.sh VERSION [DEST]: put the five kernel files the linux backend
# compiles (mm/percpu.c, mm/percpu-internal.h, mm/percpu-vm.c, mm/percpu-km.c,
# include/linux/percpu.h) into DEST (default $BUILD/kernel-src/linux-VERSION),
# checked against a block of sha256 pinned in kernel/linux-VERSION.sha256.
#
# Source, in this order:
#  - with KERNEL_SRC=/path/to/tree, the user's own tree: its files must match
#    a pinned block of VERSION (KERNEL_SHIM_FORCE=1 tries an unknown version
#    anyway, and marks DEST unverified so a later normal run fetches again);
#  - DEST itself, when it already holds verified files (no download);
#  - a Debian linux-source-VERSION package of a pinned version (from the
#    machine's apt, or from a private apt of the suite the pin file names,
#    see kernel-deb.sh), already
#    downloaded (into $BUILD/kernel-src/deb, the default build/'s, or the
#    apt cache) or asked of apt by name (pkg=VERSION), newest pin first; when
#    apt offers none of them, the package lists are refreshed once (as root)
#    and apt is asked again;
#  - the newest version apt offers, accepted only when its five files match
#    a pinned block (a new revision that did not touch them).
# Only the five files are extracted; the 1.3 GB tree is never unpacked.
#
# Exit status: 0 the files are in DEST; 3 no pinned version can be had from
# this machine's apt sources (one line says which versions it offers and how
# to pin one: the test suites skip that backend); 1 any other failure (a
# tree or package whose files match no pin, a failed download); 2 usage.
#
# One fetch of a VERSION runs at a time per DEST (a lock beside it), and
# every apt call holds the machine-wide apt lock (scripts/apt.sh), so
# parallel builds neither race each other nor an `apt-get update`.
set -eu

me=fetch-kernel.sh
here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernel-deb.sh"

kernel_args "scripts/fetch-kernel.sh VERSION [DEST]   (VERSION: a kernel/linux-VERSION.sha256)" "$@"
dest=${arg2:-$build/kernel-src/linux-$ver}

# Hold the per-DEST lock for the rest of the script: a second fetch of the
# same files waits, then finds them verified.
if [ -z "${FETCH_KERNEL_LOCKED:-}" ]; then
	mkdir -p "$(dirname "$dest")"
	FETCH_KERNEL_LOCKED=1 exec flock "$dest.lock" "$0" "$@"
fi

# install_files SRC SOURCE-LINE: copy the five files from SRC into DEST
install_files() {
	for f in $FILES; do
		mkdir -p "$dest/$(dirname "$f")"
		cp "$1/$f" "$dest/$f.tmp.$$" && mv -f "$dest/$f.tmp.$$" "$dest/$f"
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
	if pv=$(match "$src" "$list"); then
		if ! match "$dest" "$list" >/dev/null || [ -e "$dest/.unverified" ]; then
			rm -f "$dest/.unverified"
			install_files "$src" "tree $src (the files of $pkg $pv, kernel/linux-$ver.sha256)"
		fi
		echo "$me: linux-$ver: files from $src match kernel/linux-$ver.sha256 ($pkg $pv)"
		exit 0
	fi
	for other in "$root"/kernel/linux-*.sha256; do
		if match "$src" "$other" >/dev/null; then
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
if [ ! -e "$dest/.unverified" ] && match "$dest" "$list" >/dev/null; then
	exit 0
fi

# 3. a Debian package
mkdir -p "$debdir"
pins=$(pin_versions "$list")
kernel_apt_setup

# unavailable REASON: exit 3 with the one line the suites show
unavailable() {
	o=$(offers | tr '\n' ' ' | sed 's/ $//')
	echo "$me: linux-$ver unavailable: $1; pinned: $(echo $pins); apt offers: ${o:-none}${2:-}" >&2
	exit 3
}

deb=""
for v in $pins; do
	if deb=$(find_deb "$v"); then
		break
	fi
done
if [ -z "$deb" ]; then
	if pick=$(pinned_offer) || { refresh && pick=$(pinned_offer); }; then
		download "$pick"
		deb=$(find_deb "$pick") || { echo "$me: apt-get download left no $pkg $pick in $debdir" >&2; exit 1; }
	fi
fi
newest=""
if [ -z "$deb" ]; then
	# a revision nobody pinned yet: acceptable only with pinned files
	newest=$(offers | head -n 1)
	if [ -z "$newest" ]; then
		hint=""
		[ -n "$kapt" ] || apt_is_root || hint=" (as root, 'apt-get update' may find it)"
		unavailable "no pinned version is offered" "$hint"
	fi
	deb=$(find_deb "$newest") || { download "$newest"; deb=$(find_deb "$newest"); }
fi
pkgver=$(dpkg-deb -f "$deb" Version)

tmp=$dest.tmp.$$
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
extract "$deb" "$tmp"
if ! pv=$(match "$tmp" "$list"); then
	bad=$pv
	if [ -n "$newest" ]; then
		unavailable "no pinned version is offered, and the files of the newest, $pkg $newest, $bad" \
			"; to check and record it: make linux-pin V=$ver"
	fi
	echo "$me: $pkg $pkgver: its files $bad, in kernel/linux-$ver.sha256: refusing to build against unpinned sources" >&2
	exit 1
fi
install_files "$tmp" "$pkg $pkgver ($(basename "$deb"))"
rm -f "$dest/.unverified"
if [ -n "$newest" ] && [ "$pv" != "$pkgver" ]; then
	echo "$me: note: $pkg $pkgver is not pinned by name, but its files are those of $pv; 'make linux-pin V=$ver' records it"
fi
echo "$me: linux-$ver: $pkg $pkgver verified into $dest"
