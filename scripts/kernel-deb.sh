# SPDX-License-Identifier: GPL-2.0-only
#
# Sourced by fetch-kernel.sh and pin-kernel.sh: the kernel pins
# (kernel/linux-VERSION.sha256) and Debian's linux-source-VERSION packages.
# The caller sets me (its name) and here (its folder), sources this file
# (which sources apt.sh), calls kernel_args with its usage line and
# arguments, and calls kernel_apt_setup before asking apt.
#
# A pin file may name a Debian suite the machine's apt does not use
# ("suite unstable": 7.x is only in unstable).  Then every apt call goes
# to a private apt of that suite under $build/kernel-src/apt-SUITE (its own
# sources list, package lists, status and cache), and the machine's apt
# configuration is neither read nor changed; KERNEL_MIRROR (default
# http://deb.debian.org/debian) is the mirror it asks.

. "$here/apt.sh"

FILES="mm/percpu.c mm/percpu-internal.h mm/percpu-vm.c mm/percpu-km.c include/linux/percpu.h"

# kernel_args USAGE ARG...: the caller's arguments, VERSION and at most one
# more (left in arg2): sets ver, root, build, list (the pin file), pkg
# (linux-source-$ver), debdir and known (the versions pinned at all).
# Usage on a wrong count, and a line naming the pinned versions when
# VERSION has no pin file: exit 2 either way.
kernel_args() {
	_usage=$1
	shift
	if [ $# -lt 1 ] || [ $# -gt 2 ]; then
		echo "usage: $_usage" >&2
		exit 2
	fi
	ver=$1
	arg2=${2:-}
	root=$(cd "$here/.." && pwd)
	build=${BUILD:-build}
	list=$root/kernel/linux-$ver.sha256
	pkg=linux-source-$ver
	debdir=$build/kernel-src/deb
	known=$(cd "$root/kernel" && ls linux-*.sha256 2>/dev/null |
		sed 's/^linux-//; s/\.sha256$//' | tr '\n' ' ' | sed 's/ $//')
	if [ ! -f "$list" ]; then
		echo "$me: version '$ver' is not covered by the shim (pinned: $known)" >&2
		exit 2
	fi
}

# pin_versions LIST: every Debian version LIST pins, newest block first
pin_versions() {
	awk '{ sub(/#.*/, "") } $1 == "version" { for (i = 2; i <= NF; i++) print $i }' "$1"
}

# match DIR LIST: print the first version of the block of LIST whose hashes
# are exactly DIR's five files and return 0; else print why not (to follow "its files") and return 1
match() {
	sums=""
	for f in $FILES; do
		if [ ! -f "$1/$f" ]; then
			echo "lack $f"
			return 1
		fi
		sums="$sums$(sha256sum "$1/$f" | cut -d' ' -f1) $f
"
	done
	# shellcheck disable=SC2016 # awk program
	m=$(printf '%s' "$sums" | awk -v nfiles=5 '
		function flush() {
			if (v == "") return
			if (ok && n == nfiles && found == "") found = v
			if (!seen) { firstdiff = diff; seen = 1 }
		}
		NR == FNR { have[$2] = $1; next }
		{ sub(/#.*/, "") }
		NF == 0 { next }
		$1 == "version" { flush(); v = $2; n = 0; ok = 1; diff = ""; next }
		v != "" && NF == 2 { n++; if (have[$2] != $1) { ok = 0; diff = diff " " $2 } }
		END { flush(); if (found != "") print "ok " found; else print "no" firstdiff }' - "$2")
	case $m in
	"ok "*) echo "${m#ok }"; return 0 ;;
	esac
	echo "match no pinned block (they differ from the newest pin in:${m#no})"
	return 1
}

# kernel_apt_setup: $kapt, the options of every apt call for this pin file
# (empty: the machine's apt), and $kstamp, the stamp of its last refresh
kernel_apt_setup() {
	suite=$(awk '{ sub(/#.*/, "") } $1 == "suite" { print $2; exit }' "$list")
	kapt=""
	kstamp=$build/kernel-src/.apt-updated
	[ -n "$suite" ] || return 0
	case $suite in *[!a-z0-9-]*)
		echo "$me: kernel/linux-$ver.sha256: bad suite '$suite'" >&2
		exit 1 ;;
	esac
	a=$(cd "$build" && pwd)/kernel-src/apt-$suite
	mkdir -p "$a/etc" "$a/state/lists/partial" "$a/cache/archives/partial"
	[ -e "$a/state/status" ] || : >"$a/state/status"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]" \
		"${KERNEL_MIRROR:-http://deb.debian.org/debian} $suite main" >"$a/etc/sources.list"
	kapt="-o Dir::Etc::SourceList=$a/etc/sources.list -o Dir::Etc::SourceParts=/dev/null"
	kapt="$kapt -o Dir::State=$a/state -o Dir::State::status=$a/state/status"
	kapt="$kapt -o Dir::Cache=$a/cache -o APT::Architecture=amd64"
	# A Release file past its Valid-Until (a mirror snapshot, a clock
	# behind) would leave the private lists empty.  Signatures are still
	# checked, and only files matching a pinned sha256 are ever built, so
	# a stale index cannot bring in other code.
	kapt="$kapt -o Acquire::Check-Valid-Until=false -o Acquire::Check-Date=false"
	kstamp=$a/updated
}
# refresh: update the package lists this pin file's apt reads, at most
# once an hour; the machine's only as root, a private suite's always.
# Returns 1 when it did not refresh.
refresh() {
	if [ -z "$kapt" ]; then
		apt_update "$kstamp"
		return
	fi
	if [ -e "$kstamp" ] && [ -n "$(find "$kstamp" -mmin -60 2>/dev/null)" ]; then
		return 1
	fi
	echo "apt: refreshing the package lists of $suite (private, $(dirname "$kstamp"))" >&2
	# shellcheck disable=SC2086 # word lists
	apt_locked apt-get $kapt $APT_OPTS -qq update >/dev/null 2>&1 || true
	: >"$kstamp"
}

# find_deb VERSION: an already downloaded package of that version
find_deb() {
	for d in "$debdir" "$root/build/kernel-src/deb" /var/cache/apt/archives; do
		if [ -f "$d/${pkg}_$1_all.deb" ]; then
			echo "$d/${pkg}_$1_all.deb"
			return 0
		fi
	done
	return 1
}
# offers: the versions of the package apt knows, newest first
offers() {
	# shellcheck disable=SC2086 # kapt is a word list
	apt_locked apt-cache $kapt madison "$pkg" 2>/dev/null |
		awk -F'|' '{ gsub(/ /, "", $2); if ($2 != "") print $2 }' | sort -urV
}
# pinned_offer: the first pinned version apt offers
pinned_offer() {
	o=$(offers)
	for v in $pins; do
		if echo "$o" | grep -qxF "$v"; then
			echo "$v"
			return 0
		fi
	done
	return 1
}
# download VERSION: apt-get download that version into debdir
download() {
	echo "$me: downloading $pkg $1 into $debdir (about 150 MB, once)"
	# shellcheck disable=SC2086 # kapt and APT_OPTS are word lists
	if ! (cd "$debdir" && apt_locked apt-get $kapt $APT_OPTS -q download "$pkg=$1" >/dev/null); then
		echo "$me: 'apt-get download $pkg=$1' failed" >&2
		exit 1
	fi
}
# extract DEB DIR: the five files of the package DEB into DIR
extract() {
	members=
	for f in $FILES; do
		members="$members linux-source-$ver/$f"
	done
	echo "$me: extracting the percpu files from $(basename "$1")"
	# shellcheck disable=SC2086 # members is a word list
	dpkg-deb --fsys-tarfile "$1" | tar -xOf - "./usr/src/linux-source-$ver.tar.xz" |
		tar -xJf - -C "$2" --strip-components=1 $members
}
