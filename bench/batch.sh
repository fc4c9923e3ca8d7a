#!/bin/sh
# bench/batch.sh: time `sandbox up` of N sandboxes running /bin/true against
# N parallel `crun run` of the same busybox rootfs, in the same run, and
# report the ratio of wall times and the sandbox supervisor's peak RSS.
#
#   make bench-batch            # N=100
#   N=200 bench/batch.sh        # as root
#
# Targets: sandbox's wall time <= 0.5 x crun's and <= 1.0 x N parallel
# bubblewrap runs (which make no cgroup), supervisor peak RSS <= 25 MB.
#
# The floor of a child that is a Go program is timed in the same rounds: N
# parallel bubblewrap runs of a Go program that does nothing (bench/empty,
# in a copy of the rootfs) instead of /bin/true. A batch pays the
# launcher's start once, but every sandbox starts the child's runtime: no
# such design runs N sandboxes sooner, cgroup and seccomp aside.
#
# All are timed in ROUNDS alternating rounds (default 5), each after a
# pause of SETTLE seconds (default 2): the kernel tears down a batch's
# network namespaces in the background for a while after it ended, which
# would otherwise slow whichever ran next. Medians are compared.
#
# crun comes from Debian and is installed when missing. Debian's crun 1.8.1
# refuses this kind of host's hybrid cgroup layout (v1 controllers plus an
# empty cgroup2 mount at /sys/fs/cgroup/unified), so each crun runs in a
# private mount namespace with that mount detached:
#   unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified; exec crun ...'
# That wrapper (unshare + sh) is part of crun's measured time; it costs about
# a millisecond per container. crun's cgroups go under sandbox/ too and crun
# removes them itself; the script checks that nothing is left.
set -eu

N=${N:-100}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/bin/sandbox
rootfs=$root/examples/rootfs/busybox
[ "$(id -u)" = 0 ] || { echo "bench/batch.sh: run as root" >&2; exit 1; }
[ -x "$bin" ] || { echo "bench/batch.sh: build $bin first (make build)" >&2; exit 1; }
[ -x "$rootfs/bin/busybox" ] || { echo "bench/batch.sh: build $rootfs first (make rootfs-busybox)" >&2; exit 1; }
empty=$root/bin/empty
[ -x "$empty" ] || { echo "bench/batch.sh: build $empty first (make bench-batch)" >&2; exit 1; }
if ! command -v crun >/dev/null; then
	echo "installing crun" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq crun >/dev/null
fi
if [ ! -x /usr/bin/time ]; then
	echo "installing time" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi

work=$(mktemp -d /tmp/bench-batch.XXXXXX)
# Runs record their receipts under a project ($SANDBOX_RUN/.projects/PROJECT);
# this one's is taken down on exit, so no bench leaves receipts behind.
export SANDBOX_PROJECT=bench-$$
trap '"$bin" down >/dev/null 2>&1; rm -rf "$work"' EXIT

now() { date +%s%N; }
ms() { echo $((($2 - $1) / 1000000)); }

# --- sandbox up: one supervisor, N sandboxes ------------------------------
# A read-only root, as crun's (its spec's root.readonly) and bubblewrap's
# (--ro-bind) are: the default, an overlay with a writable layer, is two
# mounts more.
cat >"$work/batch.hcl" <<HCL
sandbox "bench" {
  count   = $N
  rootfs {
    source = "$rootfs"
    mode   = "readonly"
  }
  command = ["/bin/true"]
}
HCL
run_sandbox() {
	"$bin" up --quiet "$work/batch.hcl" 2>"$work/up.err" || {
		cat "$work/up.err" >&2
		exit 1
	}
}
run_sandbox # warm the page cache
sleep 1.2  # and the child's cache, which vouches for a new copy after a second
# time -v reports the largest RSS of the supervisor and of the children it
# waited for (the sandbox child before it executes /bin/true).
/usr/bin/time -v -o "$work/time.txt" "$bin" up --quiet "$work/batch.hcl" 2>/dev/null
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")

# The supervisor alone: its own high-water mark, sampled until it exits.
"$bin" up --quiet "$work/batch.hcl" 2>/dev/null &
pid=$!
hwm_kb=0
while v=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status" 2>/dev/null) && [ -n "$v" ]; do
	[ "$v" -gt "$hwm_kb" ] && hwm_kb=$v
	sleep 0.005
done
wait "$pid" || true

# --- crun: N parallel `crun run` of the same rootfs ------------------------
mkdir -p "$work/bundle"
(cd "$work/bundle" && crun spec)
sed -i -e 's/"terminal": true/"terminal": false/' \
	-e 's/"sh"$/"\/bin\/true"/' \
	-e "s|\"path\": \"rootfs\"|\"path\": \"$rootfs\"|" "$work/bundle/config.json"
crun_one() { # $1: container id
	sed "s|\"namespaces\": \[|\"cgroupsPath\": \"/sandbox/$1\", \"namespaces\": [|" \
		"$work/bundle/config.json" >"$work/bundle-$1.json"
	mkdir -p "$work/b-$1" && mv "$work/bundle-$1.json" "$work/b-$1/config.json"
}
i=0
while [ "$i" -lt "$N" ]; do crun_one "crun-bench-$$-$i"; i=$((i + 1)); done
run_crun() {
	i=0
	while [ "$i" -lt "$N" ]; do
		id=crun-bench-$$-$i
		unshare -m --propagation private sh -c \
			"umount /sys/fs/cgroup/unified 2>/dev/null; exec crun run --bundle '$work/b-$id' '$id'" \
			>/dev/null 2>>"$work/crun.err" &
		i=$((i + 1))
	done
	wait
}
run_crun # warm up

# --- bwrap: N parallel runs, no cgroup ------------------------------------
# The floor's root: the same rootfs with the empty Go program in it.
cp -a "$rootfs" "$work/floor-root"
cp "$empty" "$work/floor-root/empty"
# bwrap_n ROOT CMD: N parallel bwrap runs of CMD in ROOT, the same isolation
bwrap_n() {
	i=0
	while [ "$i" -lt "$N" ]; do
		bwrap --unshare-all --die-with-parent --ro-bind "$1" / --proc /proc --dev /dev "$2" \
			>/dev/null 2>>"$work/bwrap.err" &
		i=$((i + 1))
	done
	wait
}
run_bwrap() { bwrap_n "$rootfs" /bin/true; }
run_floor() { bwrap_n "$work/floor-root" /empty; }
if command -v bwrap >/dev/null; then
	run_bwrap # warm up
	run_floor
else
	run_bwrap() { :; }
	run_floor() { :; }
fi

# --- alternating rounds ----------------------------------------------------
ROUNDS=${ROUNDS:-5}
SETTLE=${SETTLE:-2}
timed() { # $1: function; prints its wall time in ms
	sleep "$SETTLE"
	t0=$(now)
	"$1"
	t1=$(now)
	ms "$t0" "$t1"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
r=0
while [ "$r" -lt "$ROUNDS" ]; do
	timed run_sandbox >>"$work/sandbox.ms"
	timed run_crun >>"$work/crun.ms"
	timed run_bwrap >>"$work/bwrap.ms"
	timed run_floor >>"$work/floor.ms"
	r=$((r + 1))
done
sandbox_ms=$(median <"$work/sandbox.ms")
crun_ms=$(median <"$work/crun.ms")
bwrap_ms=$(median <"$work/bwrap.ms")
floor_ms=$(median <"$work/floor.ms")
if [ -s "$work/crun.err" ]; then
	echo "crun reported errors:" >&2
	sort "$work/crun.err" | uniq -c | head >&2
fi
if [ -s "$work/bwrap.err" ]; then
	echo "bwrap reported errors:" >&2
	sort "$work/bwrap.err" | uniq -c | head >&2
fi

# --- nothing left ----------------------------------------------------------
left=$(ls -d /sys/fs/cgroup/*/sandbox/*bench-* /sys/fs/cgroup/*/sandbox/crun-bench-$$-* /run/crun/crun-bench-$$-* 2>/dev/null | wc -l)

echo "sandbox up, $N x /bin/true:  ${sandbox_ms} ms wall (median of $ROUNDS: $(tr '\n' ' ' <"$work/sandbox.ms"))"
echo "crun run,  $N in parallel:   ${crun_ms} ms wall (median of $ROUNDS: $(tr '\n' ' ' <"$work/crun.ms"))"
echo "bwrap,     $N in parallel:   ${bwrap_ms} ms wall (median of $ROUNDS: $(tr '\n' ' ' <"$work/bwrap.ms"); no cgroup)"
awk -v s="$sandbox_ms" -v c="$crun_ms" 'BEGIN { printf "ratio sandbox/crun:          %.2f (target <= 0.50)\n", s / c }'
awk -v s="$sandbox_ms" -v b="$bwrap_ms" 'BEGIN { if (b > 0) printf "ratio sandbox/bwrap:         %.2f (target <= 1.00)\n", s / b }'
awk -v f="$floor_ms" -v b="$bwrap_ms" -v c="$crun_ms" 'BEGIN { if (b > 0)
	printf "floor of a Go child:         %d ms wall (bwrap running an empty Go program), %.2fx bwrap, %.2fx crun\n", f, f / b, f / c }'
awk -v k="$hwm_kb" 'BEGIN { printf "supervisor peak RSS:         %.1f MB (VmHWM; target <= 25 MB)\n", k / 1024 }'
awk -v k="$rss_kb" 'BEGIN { printf "largest RSS incl. children:  %.1f MB (time -v)\n", k / 1024 }'
echo "left behind (cgroups, crun state): $left"
# Rows of `make bench`'s table when BENCH_ROWS names its file.
if [ -n "${BENCH_ROWS:-}" ]; then
	awk -v n="$N" -v s="$sandbox_ms" -v c="$crun_ms" -v b="$bwrap_ms" -v f="$floor_ms" 'BEGIN {
		printf "batch of %d, wall\t%d ms\tcrun %d ms\t%.2fx\t<= 0.50x\t%s\n", n, s, c, s / c, (s / c <= 0.5 ? "holds" : "missed")
		if (b > 0) printf "batch of %d, wall\t%d ms\tbwrap %d ms\t%.2fx\t<= 1.00x\t%s\n", n, s, b, s / b, (s / b <= 1 ? "holds" : "missed")
		if (b > 0) printf "batch floor, Go child\t%d ms\tcrun %d ms\t%.2fx\t<= 0.50x\t%s\n", f, c, f / c, (f / c <= 0.5 ? "under the target" : "over the target")
		if (b > 0) printf "batch floor, Go child\t%d ms\tbwrap %d ms\t%.2fx\t<= 1.00x\t%s\n", f, b, f / b, (f / b <= 1 ? "under the target" : "over the target")
	}' >>"$BENCH_ROWS"
fi
