# SPDX-License-Identifier: GPL-2.0-only
#
# Sourced by the scripts that talk to apt (ensure-deps.sh, and through
# kernel-deb.sh fetch-kernel.sh and pin-kernel.sh).  Every apt call goes
# through apt_locked, which holds one machine-wide lock: `make -j` starts
# several of these scripts at once, and an `apt-get update` running while
# another script chooses a package makes the choice depend on which one
# won the race.  The lock is flock(1) from util-linux, which every Debian
# system has (it is Essential).
#
# APT_LOCK (default /tmp/percpu-fuzz-apt.lock) names the lock file; dpkg's
# own lock is waited for too (DPkg::Lock::Timeout), so an unrelated apt run
# on the machine delays us instead of failing us.

APT_LOCK=${APT_LOCK:-${TMPDIR:-/tmp}/percpu-fuzz-apt.lock}
APT_OPTS="-o DPkg::Lock::Timeout=600 -o APT::Sandbox::User=root"

# apt_locked COMMAND...: run COMMAND holding the lock
apt_locked() {
	flock "$APT_LOCK" "$@"
}

# apt_is_root: whether this process may change the machine's packages
apt_is_root() {
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1
}

# apt_update STAMP: refresh the package lists, as root, at most once an
# hour per STAMP file (a fetch that found nothing retries once, not on
# every call of every suite).  Returns 1 when it did not refresh.
apt_update() {
	apt_is_root || return 1
	if [ -e "$1" ] && [ -n "$(find "$1" -mmin -60 2>/dev/null)" ]; then
		return 1
	fi
	echo "apt: refreshing the package lists (apt-get update)" >&2
	# shellcheck disable=SC2086 # APT_OPTS is a word list
	apt_locked env DEBIAN_FRONTEND=noninteractive apt-get $APT_OPTS update -qq >/dev/null 2>&1 || true
	mkdir -p "$(dirname "$1")" && : >"$1"
}
