# SPDX-License-Identifier: GPL-2.0-only
#
# Sourced by fetch-kernel.sh and pin-kernel.sh: the kernel pins
# (kernel/linux-VERSION.sha256) and Debian's linux-source-VERSION packages.
# The caller sets me, root, ver, pkg (linux-source-$ver), debdir and pins,
# and has sourced apt.sh.

FILES="mm/percpu.c mm/percpu-internal.h mm/percpu-vm.c mm/percpu-km.c include/linux/percpu.h"

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
	apt_locked apt-cache madison "$pkg" 2>/dev/null |
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
	# shellcheck disable=SC2086 # APT_OPTS is a word list
	if ! (cd "$debdir" && apt_locked apt-get $APT_OPTS -q download "$pkg=$1" >/dev/null); then
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
