#!/bin/sh
# bench/table.sh: every performance target of sandbox in one table, each
# figure measured against its peer in the same run (these machines are
# noisy: compare the ratios, not the milliseconds across runs).
#
#   make bench               # as root; QUICK=1 for fewer samples
#
# Rows: cold start against crun (bench/startup.sh), a cold start by an
# ordinary user against root's (bench/rootless.sh), a batch of 100 against
# 100 parallel crun and bubblewrap runs (bench/batch.sh), each of the first
# and third with the floor of a Go launcher and child beside it, the supervisor's
# peak RSS with 500 sandboxes at once, a locked Debian rootfs's start over
# the same start unlocked (when examples/rootfs/debian exists: make
# rootfs-debian), validate and plan --json of 10,000 blocks, 1 GB of output
# through up's relay against cat | cat, and the watch relaunch over its
# debounce (bench/watchlat); then where a cold start's time goes, phase by
# phase (bench/phases).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/bin/sandbox
busybox=$root/examples/rootfs/busybox
debian=$root/examples/rootfs/debian
[ "$(id -u)" = 0 ] || { echo "bench/table.sh: run as root" >&2; exit 1; }
[ -x "$bin" ] || { echo "bench/table.sh: build $bin first (make build)" >&2; exit 1; }
for tool in watchlat phases empty; do
	[ -x "$root/bin/$tool" ] || { echo "bench/table.sh: build $root/bin/$tool first (make bench)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/bench-table.XXXXXX)
# Runs record their receipts under a project ($SANDBOX_RUN/.projects/PROJECT);
# this one's is taken down on exit, so no bench leaves receipts behind.
export SANDBOX_PROJECT=bench-$$
trap '"$bin" down >/dev/null 2>&1; rm -rf "$work"' EXIT
export BENCH_ROWS="$work/rows"
: >"$BENCH_ROWS"
if [ -n "${QUICK:-}" ]; then runs=15 rounds=3 watch=8; else runs=60 rounds=5 watch=20; fi

# row WHAT MEASURED PEER RATIO TARGET VERDICT
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$BENCH_ROWS"; }
# seconds CMD...: the median wall time in seconds of 3 runs of CMD
seconds() {
	for _ in 1 2 3; do
		/usr/bin/time -f %e -o "$work/t" "$@" >/dev/null 2>&1 || { echo "bench/table.sh: $* failed" >&2; exit 1; }
		cat "$work/t"
	done | sort -n | sed -n 2p
}
# peak_mb CMD...: the largest RSS in MB of one run of CMD
peak_mb() {
	/usr/bin/time -f %M -o "$work/m" "$@" >/dev/null 2>&1 || { echo "bench/table.sh: $* failed" >&2; exit 1; }
	awk '{ printf "%.0f", $1 / 1024 }' "$work/m"
}
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t ? "holds" : "missed") }'; }

echo "== cold start" >&2
RUNS=$runs "$root/bench/startup.sh" >&2
echo "== rootless cold start" >&2
RUNS=$runs "$root/bench/rootless.sh" >&2
echo "== batch of 100" >&2
N=100 ROUNDS=$rounds "$root/bench/batch.sh" >&2

echo "== supervisor with 500 sandboxes at once" >&2
printf 'sandbox "rss" {\n  count   = 500\n  rootfs  = "%s"\n  command = ["/bin/sleep", "1"]\n}\n' "$busybox" >"$work/rss.hcl"
"$bin" up --quiet "$work/rss.hcl" 2>/dev/null &
pid=$!
hwm=0
while v=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$pid/status" 2>/dev/null) && [ -n "$v" ]; do
	[ "$v" -gt "$hwm" ] && hwm=$v
	sleep 0.01
done
wait "$pid" || true
mb=$(awk -v k="$hwm" 'BEGIN { printf "%.1f", k / 1024 }')
row "supervisor RSS, 500 at once" "$mb MB" - - "<= 25 MB" "$(verdict "$mb" 25)"

echo "== locked Debian rootfs" >&2
if [ -x "$debian/bin/sh" ]; then
	for d in plain locked; do
		mkdir -p "$work/$d"
		printf 'sandbox "deb" {\n  rootfs  = "%s"\n  command = ["/bin/true"]\n}\n' "$debian" >"$work/$d/deb.hcl"
	done
	"$bin" lock "$work/locked/deb.hcl" >&2
	"$bin" run "$work/locked/deb.hcl" deb >/dev/null # warm: the first start writes the index
	hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/deb.json" \
		-n unlocked "$bin run $work/plain/deb.hcl deb" \
		-n locked "$bin run $work/locked/deb.hcl deb" >&2
	jq -r '(.results[] | select(.command == "locked") | .median) as $l |
		(.results[] | select(.command == "unlocked") | .median) as $u |
		"locked Debian start, over unlocked\t+\(($l - $u) * 1000 | round) ms\tunlocked \($u * 1000 | round) ms\t-\t<= +50 ms\t\(if ($l - $u) <= 0.05 then "holds" else "missed" end)"' \
		"$work/deb.json" >>"$BENCH_ROWS"
else
	row "locked Debian start, over unlocked" - - - "<= +50 ms" "not run: make rootfs-debian first"
fi

echo "== 10,000 blocks" >&2
i=0
while [ "$i" -lt 10000 ]; do
	printf 'sandbox "s%d" {\n  command  = ["/bin/echo", "hello %d"]\n  hostname = "h%d"\n  limits {\n    memory = "64MiB"\n    pids   = 32\n  }\n}\n' "$i" "$i" "$i"
	i=$((i + 1))
done >"$work/big.hcl"
s=$(seconds "$bin" validate "$work/big.hcl")
row "validate, 10,000 blocks" "$s s" - - "<= 0.5 s" "$(verdict "$s" 0.5)"
s=$(seconds "$bin" plan --json "$work/big.hcl")
row "plan --json, 10,000 blocks" "$s s" - - "<= 1 s" "$(verdict "$s" 1)"
mb=$(peak_mb "$bin" plan --json "$work/big.hcl")
row "plan --json, 10,000 blocks, peak RSS" "$mb MB" - - "<= 200 MB" "$(verdict "$mb" 200)"

echo "== output relay, 1 GB of 80-byte lines" >&2
yes 0123456789012345678901234567890123456789012345678901234567890123456789012345678 | head -c 1000000000 >"$work/lines.txt"
printf 'sandbox "relay" {\n  rootfs  = "%s"\n  mount {\n    type   = "bind"\n    source = "%s"\n    target = "/lines.txt"\n  }\n  command = ["/bin/cat", "/lines.txt"]\n}\nsandbox "quiet" {\n  rootfs  = "%s"\n  command = ["/bin/true"]\n}\n' \
	"$busybox" "$work/lines.txt" "$busybox" >"$work/relay.hcl"
s=$(seconds sh -c "'$bin' up '$work/relay.hcl' 2>/dev/null | cat")
c=$(seconds sh -c "cat '$work/lines.txt' | cat")
mbs=$(awk -v s="$s" 'BEGIN { printf "%.0f", 1000 / s }')
row "output relay through up (prefixed)" "$mbs MB/s" "cat | cat $(awk -v c="$c" 'BEGIN { printf "%.0f", 1000 / c }') MB/s" \
	"$(awk -v s="$s" -v c="$c" 'BEGIN { printf "%.2fx", s / c }')" ">= 300 MB/s" "$(verdict "$(awk -v m="$mbs" 'BEGIN { print -m }')" -300)"
rm -f "$work/lines.txt"

echo "== watch relaunch" >&2
"$root/bin/watchlat" -sandbox "$bin" -rootfs "$busybox" -runs "$watch" >&2

echo "== phases of a start" >&2
"$root/bin/phases" -sandbox "$bin" -rootfs "$busybox" -runs "$runs" -empty "$root/bin/empty" >"$work/phases"

echo
{
	printf 'what\tsandbox\tpeer\tratio\ttarget\tverdict\n'
	cat "$BENCH_ROWS"
} | column -t -s "$(printf '\t')"
echo
cat "$work/phases"
