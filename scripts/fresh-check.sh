#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# make fresh-check: the README's two commands on a fresh machine.  Builds
# (once, cached outside the source tree) a minimal Debian 12 root with
# debootstrap --variant=minbase plus build-essential and git, copies it,
# clones the current commit (HEAD, not the work tree) into the copy, and
# runs `make test` and `make fuzz TIME=$FRESH_FUZZ_TIME` there as root,
# as a new user would.  It prints both summaries and exits non-zero when
# either command fails.
#
# Knobs (environment):
#   FRESH_DIR      cache and scratch space (default $HOME/.cache/percpu-fuzz/fresh)
#   FRESH_SOURCES  security: bookworm, bookworm-updates and bookworm-security
#                  (a standard install, the default); main: bookworm only
#                  (then linux-6.12, which only the security suite ships, is
#                  skipped with one line)
#   FRESH_MIRROR   Debian mirror (default http://deb.debian.org/debian)
#   FRESH_FUZZ_TIME seconds of make fuzz (default 30)
#   FRESH_REBUILD=1 builds the base root again
#   FRESH_KEEP=1   keeps the scratch root afterwards (its path is printed)
#
# Too slow for every CI run (a debootstrap the first time, then the
# packages and kernel sources downloaded inside): run it before calling an
# issue that touches dependencies, scripts or the build resolved.
set -eu

me=fresh-check.sh
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${FRESH_DIR:-$HOME/.cache/percpu-fuzz/fresh}
sources=${FRESH_SOURCES:-security}
mirror=${FRESH_MIRROR:-http://deb.debian.org/debian}
fuzz_time=${FRESH_FUZZ_TIME:-30}

case $sources in security | main) ;; *)
	echo "$me: FRESH_SOURCES=$sources: expected security or main" >&2
	exit 2 ;;
esac
case $fuzz_time in '' | *[!0-9]*)
	echo "$me: FRESH_FUZZ_TIME=$fuzz_time: expected whole seconds" >&2
	exit 2 ;;
esac
if [ "$(id -u)" != 0 ]; then
	echo "$me: debootstrap and chroot need root: run as root (sudo make fresh-check)" >&2
	exit 2
fi
"$root/scripts/ensure-deps.sh" fresh

base=$dir/bookworm-minbase
if [ "${FRESH_REBUILD:-0}" = 1 ] || [ ! -e "$base/.complete" ]; then
	echo "$me: building the base root in $base (debootstrap, once)"
	rm -rf "$base"
	mkdir -p "$dir"
	debootstrap --variant=minbase --include=build-essential,git bookworm "$base" "$mirror" \
		>"$dir/debootstrap.log" 2>&1 || {
		tail -n 20 "$dir/debootstrap.log" >&2
		echo "$me: debootstrap failed (log: $dir/debootstrap.log)" >&2
		exit 1
	}
	apt-get clean -o RootDir="$base" 2>/dev/null || true
	: >"$base/.complete"
fi

run=$dir/run.$$
mounted=""
cleanup() {
	for m in $mounted; do umount -l "$m" 2>/dev/null || true; done
	if [ "${FRESH_KEEP:-0}" = 1 ]; then
		echo "$me: scratch root kept: $run"
	else
		rm -rf "$run"
	fi
}
trap cleanup EXIT INT TERM
echo "$me: copying the base root to $run"
cp -a "$base" "$run"

# the sources a standard install has, or the main suite alone
sec=${mirror%/debian}/debian-security
{
	echo "deb $mirror bookworm main"
	if [ "$sources" = security ]; then
		echo "deb $mirror bookworm-updates main"
		echo "deb $sec bookworm-security main"
	fi
} >"$run/etc/apt/sources.list"
cp /etc/resolv.conf "$run/etc/resolv.conf"
for m in proc dev dev/pts sys; do
	mkdir -p "$run/$m"
	case $m in
	proc) mount -t proc proc "$run/proc" ;;
	sys) mount -t sysfs sysfs "$run/sys" ;;
	*) mount --bind "/$m" "$run/$m" ;;
	esac
	mounted="$run/$m $mounted"
done

rev=$(git -C "$root" rev-parse HEAD)
git clone -q "$root" "$run/root/percpu-fuzz"
git -C "$run/root/percpu-fuzz" checkout -q "$rev"
echo "$me: commit $rev, sources: $sources; running make test and make fuzz TIME=$fuzz_time in the fresh root"

# a clean environment, as a new root login would have
inside() {
	chroot "$run" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 /bin/sh -c "cd /root/percpu-fuzz && $1"
}
log=$dir/fresh-check-$sources.log
st_test=0
inside "make test" >"$log.test" 2>&1 || st_test=$?
st_fuzz=0
inside "make fuzz TIME=$fuzz_time" >"$log.fuzz" 2>&1 || st_fuzz=$?

grep -E '^(SKIP|FAIL): ' "$log.test" || true
summary=$(grep -E '^all: [0-9]+ passed' "$log.test" | tail -n 1)
echo "$me: make test: exit $st_test: ${summary:-no closing line; $(tail -n 1 "$log.test")}  (log: $log.test)"
echo "$me: make fuzz TIME=$fuzz_time: exit $st_fuzz  (log: $log.fuzz)"
sed -n '/summary/,$p' "$log.fuzz" | head -n 12
[ "$st_test" -eq 0 ] && [ "$st_fuzz" -eq 0 ]
