#!/bin/sh
# Installs the Debian packages that tests use when they are missing. As root
# it installs them with apt-get; otherwise, or on a system without dpkg, it
# says which are missing. It never fails the make target itself: without
# root a test whose package is missing skips, naming it; as root it fails
# (internal/testenv.Missing), so a root run never passes untested.
#
#   scripts/test-deps.sh busybox-static nftables crun
set -u
[ $# -gt 0 ] || { echo "usage: test-deps.sh PACKAGE..." >&2; exit 2; }
if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "test-deps: not a Debian system; the tests that need these skip without them: $*" >&2
	exit 0
fi
# Debian's udev rules make /dev/fuse and /dev/net/tun usable by everyone
# (mode 0666): fuse-overlayfs and pasta open them for sandboxes without
# root. A host without udev keeps the kernel's 0600, and the tests of those
# sandboxes fail; as root, give the nodes the mode udev would.
if [ "$(id -u)" = 0 ] && [ ! -e /run/udev/control ]; then
	for dev in /dev/fuse /dev/net/tun; do
		if [ -c "$dev" ] && [ "$(stat -c %a "$dev")" != 666 ]; then
			echo "test-deps: no udev here: $dev gets mode 0666, as Debian's udev rules give it" >&2
			chmod 0666 "$dev"
		fi
	done
fi
missing=""
for pkg in "$@"; do
	[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" = "install ok installed" ] || missing="$missing $pkg"
done
[ -n "$missing" ] || exit 0
if [ "$(id -u)" != 0 ]; then
	echo "test-deps: missing Debian packages:$missing; the tests that need them will skip (sudo make test-deps installs them)" >&2
	exit 0
fi
echo "test-deps: installing the Debian packages the tests use:$missing" >&2
# shellcheck disable=SC2086 # one word per package
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null; }; then
	echo "test-deps: cannot install$missing: the tests that need them will fail" >&2
fi
exit 0
