#!/bin/sh
# Builds a busybox root filesystem in $1 from Debian's busybox-static package.
set -eu
dest=${1:?usage: rootfs-busybox.sh DIR}
bb=/bin/busybox
if ! dpkg -s busybox-static >/dev/null 2>&1; then
	echo "installing busybox-static" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null
fi
mkdir -p "$(dirname "$dest")"
tmp=$(mktemp -d "${dest%/}.tmp.XXXXXX")
chmod 755 "$tmp" # the root of a rootfs, not a private temp dir
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/etc" "$tmp/proc" "$tmp/dev" "$tmp/sys" "$tmp/tmp" "$tmp/root"
cp "$bb" "$tmp/bin/busybox"
for applet in $("$bb" --list); do
	[ "$applet" = busybox ] || ln -s busybox "$tmp/bin/$applet"
done
ln -s bin "$tmp/sbin"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$tmp/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$tmp/etc/group"
chmod 1777 "$tmp/tmp"
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "built $dest"
