#!/bin/sh
# Builds a minimal Debian stable root filesystem in $1 with debootstrap
# (--variant=minbase, plus procps for ps). Needs root and the Debian mirror.
set -eu
dest=${1:?usage: rootfs-debian.sh DIR}
suite=${SUITE:-stable}
if ! command -v debootstrap >/dev/null 2>&1; then
	echo "installing debootstrap" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
mkdir -p "$(dirname "$dest")"
tmp=$(mktemp -d "${dest%/}.tmp.XXXXXX")
chmod 755 "$tmp" # the root of a rootfs, not a private temp dir
trap 'rm -rf "$tmp"' EXIT
debootstrap --variant=minbase --include=procps "$suite" "$tmp"
rm -rf "$tmp/var/cache/apt/archives/"*.deb
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "built $dest"
