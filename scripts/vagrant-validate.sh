#!/bin/sh
# Checks the Vagrantfile with `vagrant validate`, installing Debian's vagrant
# package when it is missing. Exits 0 with a message, without checking, when
# vagrant cannot be installed (no apt, no package, no root).
set -u
cd "$(dirname "$0")/.."
skip() { echo "vagrant-validate: skipped: $*"; exit 0; }
if ! command -v vagrant >/dev/null 2>&1; then
	command -v apt-get >/dev/null 2>&1 || skip "vagrant is not installed and there is no apt-get"
	[ "$(id -u)" = 0 ] || skip "vagrant is not installed; run as root to install Debian's vagrant package"
	echo "vagrant-validate: installing Debian's vagrant package" >&2
	apt-get update -qq >/dev/null 2>&1
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends vagrant >/dev/null 2>&1 ||
		skip "Debian's vagrant package cannot be installed here"
fi
# Checking needs no provider (VirtualBox, libvirt) and no box. Vagrant's
# state goes to a throwaway directory, not ~/.vagrant.d and .vagrant/.
tmp=$(mktemp -d /tmp/vagrant-validate.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export VAGRANT_CHECKPOINT_DISABLE=1 VAGRANT_HOME="$tmp/home" VAGRANT_DOTFILE_PATH="$tmp/dot"
# Provider blocks are checked only with a usable provider (vagrant-libvirt
# when it is installed); otherwise vagrant validate --ignore-provider checks
# everything else: machines, boxes, synced folders, provisioners.
if vagrant plugin list 2>/dev/null | grep -q vagrant-libvirt; then
	VAGRANT_DEFAULT_PROVIDER=libvirt vagrant validate
else
	vagrant validate --ignore-provider
fi
