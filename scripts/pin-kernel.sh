#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# pin-kernel.sh VERSION [DEBIAN-VERSION]  (make linux-pin V=VERSION [PKG=...]):
# record a Debian revision of linux-source-VERSION in kernel/linux-VERSION.sha256
# after checking it.  Debian replaces these packages on every security
# update and mirrors drop the old ones, so a pin names versions, and a new
# revision is added here instead of by hand.
#
# DEBIAN-VERSION defaults to the newest version apt offers.  The package is
# downloaded (or taken from the cache) and its five files extracted.  When
# they are exactly an existing block's, the version is added to that
# block's "version" line.  Otherwise the files that changed are listed and
# the backend is built against them in a scratch build directory
# ($BUILD/pin-VERSION) and its smoke tests run (make linux-test, vm and km);
# only if they pass is a new block written, first in the file.  Either way
# nothing is committed: review `git diff kernel/`, run `make test`, commit.
set -eu

me=pin-kernel.sh
here=$(cd "$(dirname "$0")" && pwd)
. "$here/kernel-deb.sh"

kernel_args "scripts/pin-kernel.sh VERSION [DEBIAN-VERSION]   (make linux-pin V=6.12 [PKG=6.12.119-1~deb12u1])" "$@"
pins=$(pin_versions "$list")
mkdir -p "$debdir"
kernel_apt_setup

want=$arg2
if [ -z "$want" ]; then
	want=$(offers | head -n 1)
	if [ -z "$want" ] && refresh; then
		want=$(offers | head -n 1)
	fi
	if [ -z "$want" ]; then
		echo "$me: apt offers no $pkg (run 'apt-get update' as root, or give the version)" >&2
		exit 1
	fi
fi
if echo "$pins" | grep -qxF "$want"; then
	echo "$me: $pkg $want is pinned already in kernel/linux-$ver.sha256"
	exit 0
fi
deb=$(find_deb "$want") || { download "$want"; deb=$(find_deb "$want"); }

work=$build/kernel-src/pin-$ver
rm -rf "$work"
mkdir -p "$work/src"
extract "$deb" "$work/src"
if pv=$(match "$work/src" "$list"); then
	# same files as a pinned block: name the version on that block's line
	awk -v pv="$pv" -v add="$want" '
		!done && $1 == "version" {
			for (i = 2; i <= NF && $i !~ /^#/; i++)
				if ($i == pv) { sub(/^version /, "version " add " "); done = 1; break }
		}
		{ print }' "$list" >"$list.tmp" && mv "$list.tmp" "$list"
	echo "$me: $pkg $want has the files of $pv: added to that block of kernel/linux-$ver.sha256"
	exit 0
fi
echo "$me: $pkg $want: its files $pv"

# new files: they must build and pass the smoke tests before they are pinned
pb=$build/pin-$ver
echo "$me: building the linux-$ver backend against them in $pb (make linux-test)"
if ! make --no-print-directory -C "$root" -j2 BUILD="$pb" LINUX_VERSIONS="$ver" \
	KERNEL_SRC="$work/src" KERNEL_SHIM_FORCE=1 linux-test >"$work/check.log" 2>&1; then
	tail -n 20 "$work/check.log" >&2
	echo "$me: $pkg $want does not build or pass the smoke tests (log: $work/check.log): not pinned; the shim needs work first" >&2
	exit 1
fi
{
	sed -n '1,/^version /p' "$list" | sed '$d'
	echo "version $want  # recorded by make linux-pin after make linux-test passed"
	for f in $FILES; do
		echo "$(sha256sum "$work/src/$f" | cut -d' ' -f1)  $f"
	done
	sed -n '/^version /,$p' "$list"
} >"$list.tmp" && mv "$list.tmp" "$list"
echo "$me: $pkg $want recorded as a new block of kernel/linux-$ver.sha256; now run make test, then commit it"
