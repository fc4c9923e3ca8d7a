#!/bin/sh
# bench/startup.sh: the cold start of one sandbox running /bin/true, against
# crun, runc and bubblewrap, timed with hyperfine in one run. Prints each
# tool's median and its ratio to sandbox's.
#
#   make bench               # as root; RUNS=100 for more samples
#
# Same isolation where the tools allow it: new uts, pid, mount, ipc, net and
# cgroup namespaces, pivot_root into the busybox rootfs, read-only, a memory and pids
# limit in a cgroup (sandbox, crun, runc), dropped capabilities and a seccomp
# filter (sandbox and its default; crun and runc as `spec` makes them, which
# has no seccomp). bubblewrap makes no cgroup.
#
# Debian's crun 1.8.1 refuses this kind of host's hybrid cgroup layout (v1
# controllers plus an empty cgroup2 mount at /sys/fs/cgroup/unified), so
# every tool — sandbox too, to keep the ratios fair — runs inside the same
# wrapper: a private mount namespace with that mount detached,
#   unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified; exec TOOL ...'
# The wrapper running /bin/true alone is timed too, and each tool is also
# shown with that subtracted.
#
# The floor of this design is timed in the same run: a launcher and a child
# that are both Go programs cannot start a sandbox sooner than bubblewrap's
# isolation running a Go program that does nothing (bench/empty, in a copy
# of the rootfs: the child's runtime) plus that program run alone
# (the launcher's runtime), with no cgroup and no seccomp. Its ratio to crun
# says whether the target can be met by any Go launcher with a Go child.
set -eu

RUNS=${RUNS:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/bin/sandbox
rootfs=$root/examples/rootfs/busybox
[ "$(id -u)" = 0 ] || { echo "bench/startup.sh: run as root" >&2; exit 1; }
[ -x "$bin" ] || { echo "bench/startup.sh: build $bin first (make build)" >&2; exit 1; }
[ -x "$rootfs/bin/busybox" ] || { echo "bench/startup.sh: build $rootfs first (make rootfs-busybox)" >&2; exit 1; }
empty=$root/bin/empty
[ -x "$empty" ] || { echo "bench/startup.sh: build $empty first (make bench-startup)" >&2; exit 1; }

need=""
for tool in crun:crun runc:runc bwrap:bubblewrap hyperfine:hyperfine jq:jq; do
	command -v "${tool%%:*}" >/dev/null || need="$need ${tool#*:}"
done
if [ -n "$need" ]; then
	echo "installing$need" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi

work=$(mktemp -d /tmp/bench-startup.XXXXXX)
# Runs record their receipts under a project ($SANDBOX_RUN/.projects/PROJECT);
# this one's is taken down on exit, so no bench leaves receipts behind.
export SANDBOX_PROJECT=bench-$$
trap '"$bin" down >/dev/null 2>&1; rm -rf "$work"' EXIT

cat >"$work/wrap" <<'SH'
#!/bin/sh
exec unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"' sh "$@"
SH
chmod +x "$work/wrap"

# The floor's root: the same rootfs with the empty Go program in it.
cp -a "$rootfs" "$work/floor-root"
cp "$empty" "$work/floor-root/empty"

# The root is read-only, as crun's and runc's (root.readonly) and
# bubblewrap's (--ro-bind) are; a sandbox's default root is an overlay with
# a writable layer, a mount or two more.
cat >"$work/true.hcl" <<HCL
sandbox "startup-bench" {
  rootfs {
    source = "$rootfs"
    mode   = "readonly"
  }
  command = ["/bin/true"]
  limits {
    memory = "256MiB"
    pids   = 64
  }
}
HCL

# An OCI bundle for crun or runc ($1), made by its own `spec`, with the
# same command, rootfs and limits.
bundle() {
	mkdir -p "$work/$1"
	(cd "$work/$1" && "$1" spec)
	jq --arg root "$rootfs" --arg cg "/sandbox/startup-bench-$1" '
		.process.terminal = false | .process.args = ["/bin/true"] |
		.root.path = $root | .root.readonly = true |
		.linux.cgroupsPath = $cg |
		.linux.resources.memory = {limit: 268435456} | .linux.resources.pids = {limit: 64}' \
		"$work/$1/config.json" >"$work/$1/config.new"
	mv "$work/$1/config.new" "$work/$1/config.json"
}
bundle crun
bundle runc

# A new build copies its child into a cache, whose record of the copy's
# check vouches for it only once the copy is a second older than the record;
# until then every start hashes the child again. Time the starts that come
# after that first second, as every later start is.
"$work/wrap" "$bin" run "$work/true.hcl" startup-bench >/dev/null
sleep 1.2
hyperfine -N --warmup 5 --runs "$RUNS" --export-json "$work/results.json" \
	-n sandbox "$work/wrap $bin run $work/true.hcl startup-bench" \
	-n crun "$work/wrap crun run --bundle $work/crun startup-bench-crun" \
	-n runc "$work/wrap runc run --bundle $work/runc startup-bench-runc" \
	-n bwrap "$work/wrap bwrap --unshare-all --die-with-parent --ro-bind $rootfs / --proc /proc --dev /dev /bin/true" \
	-n wrapper "$work/wrap /bin/true" \
	-n go-child "$work/wrap bwrap --unshare-all --die-with-parent --ro-bind $work/floor-root / --proc /proc --dev /dev /empty" \
	-n go-launcher "$empty" \
	>"$work/hyperfine.txt" 2>&1 || { cat "$work/hyperfine.txt" >&2; exit 1; }

echo "cold start of /bin/true, median of $RUNS runs (same wrapper for every tool):"
jq -r '
	(.results[] | select(.command == "sandbox") | .median) as $s |
	(.results[] | select(.command == "wrapper") | .median) as $w |
	.results[] | select(.command | IN("wrapper", "go-child", "go-launcher") | not) |
	"\(.command)\t\(.median * 1000 | . * 10 | round / 10) ms\t\(.median / $s * 100 | round / 100)x sandbox" +
	"\twithout the wrapper: \((.median - $w) * 1000 | . * 10 | round / 10) ms"' \
	"$work/results.json" | column -t -s "$(printf '\t')"
jq -r '.results[] | select(.command == "wrapper") |
	"the wrapper itself (unshare, sh, umount, exec /bin/true): \(.median * 1000 | . * 10 | round / 10) ms"' "$work/results.json"
# The floor: bubblewrap running an empty Go program, plus one more alone.
defs='def med(n): .results[] | select(.command == n) | .median;
	def ms: . * 1000 | . * 10 | round / 10;
	def floor: med("go-child") + med("go-launcher");'
jq -r "$defs"'
	"floor of a Go launcher with a Go child (bwrap running an empty Go program, plus one alone, " +
	"\(med("go-launcher") | ms) ms): \(floor | ms) ms, \(floor / med("crun") * 100 | round / 100)x crun"' \
	"$work/results.json"
# One row of `make bench`'s table when BENCH_ROWS names its file.
if [ -n "${BENCH_ROWS:-}" ]; then
	jq -r '(.results[] | select(.command == "sandbox") | .median) as $s |
		(.results[] | select(.command == "crun") | .median) as $c |
		"cold start of /bin/true\t\($s * 1000 | . * 10 | round / 10) ms\tcrun \($c * 1000 | . * 10 | round / 10) ms\t\($s / $c * 100 | round / 100)x\t<= 0.80x\t\(if $s / $c <= 0.8 then "holds" else "missed" end)"' \
		"$work/results.json" >>"$BENCH_ROWS"
	jq -r "$defs"'
		"cold start floor, Go launcher and child\t\(floor | ms) ms\tcrun \(med("crun") | ms) ms\t" +
		"\(floor / med("crun") * 100 | round / 100)x\t<= 0.80x\t" +
		(if floor / med("crun") <= 0.8 then "under the target" else "over the target" end)' \
		"$work/results.json" >>"$BENCH_ROWS"
fi
left=$(ls -d /sys/fs/cgroup/*/sandbox/*startup-bench* /run/crun/startup-bench* /run/runc/startup-bench* 2>/dev/null | wc -l)
echo "left behind (cgroups, runtime state): $left"
