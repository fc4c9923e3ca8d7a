#!/usr/bin/env bash
# Runs the privileged cgroup tests on Debian's stock kernel, on cgroup v2
# only, inside qemu (software emulation: no KVM needed), and exits with
# their status. The machines this project is developed on mount only v1
# controllers, so this is where the v2 driver meets a real kernel.
#
#   scripts/vm/run.sh            run the tests, exit with their status
#   BREAK=1 scripts/vm/run.sh    build the tests with the cgroupv2break tag
#                                (the driver leaves the memory controller
#                                and the device program off) and exit 0
#                                only if the VM run FAILS for both
#
# PKGS lists the packages to test; TESTS (a -test.run regexp) and SKIP_<pkg>
# (-test.skip, "/" made "_" in pkg) pick their tests; VM_TIMEOUT bounds the boot (seconds). Needs root for apt-get only; everything else is a temp dir
# that is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH=/usr/local/go/bin:$PATH
GO=${GO:-go}
BREAK=${BREAK:-}
VM_TIMEOUT=${VM_TIMEOUT:-900}
# Every test of the privileged packages but two whose timing emulation
# misses: the control case of TestInitReapsOrphans wants 100 orphans forked
# within 5s, and lifecycle_signals sends SIGINT as soon as `sandbox ps` says
# running, which can be before the shell inside has set its trap.
PKGS=${PKGS:-launcher cmd/sandbox}
TESTS=${TESTS:-.}
if [ -n "$BREAK" ]; then
	# The broken driver only has to fail the cgroup tests of the launcher;
	# running everything else again would double the time for nothing.
	PKGS=launcher
	[ "$TESTS" = . ] && TESTS='^(TestForkBombCapped|TestOOMReported|TestCPUHalfCore|TestCannotLeaveCgroup|TestTimeoutKillsDaemons|TestCgroupV2.*|TestDeviceNode.*)$'
fi
SKIP_launcher=${SKIP_launcher:-'^TestInitReapsOrphans$'}
SKIP_cmd_sandbox=${SKIP_cmd_sandbox:-'^TestScripts$/^lifecycle_signals$'}

log() { printf 'test-vm: %s\n' "$*" >&2; }
start=$(date +%s)

need=()
for p in linux-image-amd64 qemu-system-x86 cpio busybox-static; do
	dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	log "installing ${need[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

kernel=$(ls -v /boot/vmlinuz-* | tail -n 1)
kver=${kernel#/boot/vmlinuz-}
[ -d "/lib/modules/$kver" ] || { log "no /lib/modules/$kver for $kernel"; exit 2; }

work=$(mktemp -d /tmp/sandbox-vm.XXXXXX)
qemu_pid=
cleanup() {
	if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
		kill "$qemu_pid" 2>/dev/null || true
		wait "$qemu_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

root=$work/root
mkdir -p "$root"/{bin,etc,lib/modules,tests/bin,tests/src,proc,sys,dev,tmp}

tags=
[ -n "$BREAK" ] && tags=cgroupv2break
log "building the test binaries${tags:+ (tags: $tags)}"
export CGO_ENABLED=0
# Each test binary runs in its package directory inside a copy of the
# repository's tracked files (under 2 MB), so every relative path a test
# reads (testdata, examples, README.md, docs/, Makefile) is there as in a
# checkout.
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$root/tests/src"
: >"$root/tests/pkgs"
for pkg in $PKGS; do
	mkdir -p "$root/tests/src/$pkg"
	$GO test -c -tags "$tags" -o "$root/tests/src/$pkg/pkg.test" "./$pkg"
	skip=SKIP_${pkg//\//_}
	printf '%s %s\n' "$pkg" "${!skip:-^\$}" >>"$root/tests/pkgs"
done
# The binaries testenv.Build would compile, under the names it looks for
# with SANDBOX_TEST_BINDIR set (testenv.PrebuiltName).
for pkg in internal/probe cmd/sandbox; do
	$GO build -tags "$tags" -o "$root/tests/bin/${pkg//\//_}" "./$pkg"
done
cp "$root/tests/bin/cmd_sandbox" "$root/bin/sandbox"

busybox=$(command -v busybox)
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
cp scripts/vm/init "$root/init"
printf 'TESTS=%q\n' "$TESTS" >"$root/tests/env"
echo sandbox-vm >"$root/etc/hostname"
printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"

# Sandboxes mount overlayfs; Debian builds it (and veth, for the network
# tests, and loop, whose block devices the device tests plant in a rootfs
# and must not open) as a module. Load order is alphabetical: none of
# these depend on another.
for mod in loop overlay veth; do
	cfg=$(echo "$mod" | tr a-z A-Z)
	[ "$mod" = loop ] && cfg=BLK_DEV_LOOP
	if grep -q "^CONFIG_${cfg}_*[A-Z]*=y" "/boot/config-$kver" 2>/dev/null; then
		continue
	fi
	f=$(find "/lib/modules/$kver" -name "$mod.ko*" | head -n 1)
	[ -n "$f" ] || { log "module $mod not found for $kver"; exit 2; }
	case $f in
	*.ko) cp "$f" "$root/lib/modules/" ;;
	*.ko.xz) xz -dc "$f" >"$root/lib/modules/$mod.ko" ;;
	*.ko.zst) zstd -dcq "$f" >"$root/lib/modules/$mod.ko" ;;
	*) log "cannot unpack $f"; exit 2 ;;
	esac
done

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd"
log "initramfs $(du -h "$work/initrd" | cut -f1), kernel $kernel; booting (TCG)"

console=$work/console.log
: >"$console" # before tail follows it: qemu's own redirection may come later
timeout "$VM_TIMEOUT" qemu-system-x86_64 -accel tcg -nographic -no-reboot -m 2048 -smp 2 \
	-nic none -kernel "$kernel" -initrd "$work/initrd" \
	-append 'console=ttyS0 panic=-1 quiet loglevel=3 rdinit=/init' \
	</dev/null >"$console" 2>&1 &
qemu_pid=$!
tail -n +1 -f --pid="$qemu_pid" "$console" | tr -d '\r' >&2 || true
vm_rc=0
wait "$qemu_pid" || vm_rc=$?
qemu_pid=

status=$(tr -d '\r' <"$console" | sed -n 's/^SANDBOX-VM-EXIT=\([0-9]*\)$/\1/p' | tail -n 1)
log "took $(($(date +%s) - start))s"
if [ -z "$status" ]; then
	if [ "$vm_rc" -eq 124 ]; then
		log "the VM printed no SANDBOX-VM-EXIT line within VM_TIMEOUT=${VM_TIMEOUT}s"
	else
		log "the VM printed no SANDBOX-VM-EXIT line (qemu exited $vm_rc)"
	fi
	exit 2
fi
if [ -n "$BREAK" ]; then
	if [ "$status" -eq 0 ]; then
		log "BREAK: the tests passed although the v2 driver leaves memory off: they do not check"
		exit 1
	fi
	# And failed for the reasons planted, not some other.
	if ! tr -d '\r' <"$console" | grep -q 'memory\.max: no such file or directory'; then
		log "BREAK: the tests failed ($status), but none for want of memory.max"
		exit 1
	fi
	if ! tr -d '\r' <"$console" | grep -q "/opt/disk: open for reading ok, for writing ok; want EPERM and EPERM"; then
		log "BREAK: the tests failed ($status), but none because a planted device node opened"
		exit 1
	fi
	log "BREAK: the tests failed ($status) for want of memory.max and because a planted device node opened, as they must with the memory controller and the device program left off"
	exit 0
fi
log "tests exited $status"
exit "$status"
