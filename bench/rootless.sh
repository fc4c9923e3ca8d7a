#!/bin/sh
# bench/rootless.sh: the cold start of one sandbox running /bin/true started
# by an ordinary user, against the same file started by root, bubblewrap run
# by that user and rootless crun where this host lets it run, timed with
# hyperfine in one run. Target: rootless <= 1.2x root.
#
#   make bench-rootless      # as root; RUNS=100 for more samples
#
# The script makes a throwaway system user with a subordinate id range (so
# the start maps the whole range, as a user set up for rootless work gets),
# runs every command through the same setpriv wrapper (root's too, so the
# wrapper's cost is on both sides) and removes the user again. The file has
# no limits: without a delegated cgroup an ordinary user has none to set.
set -eu

RUNS=${RUNS:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/bin/sandbox
rootfs=$root/examples/rootfs/busybox
[ "$(id -u)" = 0 ] || { echo "bench/rootless.sh: run as root" >&2; exit 1; }
[ -x "$bin" ] || { echo "bench/rootless.sh: build $bin first (make build)" >&2; exit 1; }
[ -x "$rootfs/bin/busybox" ] || { echo "bench/rootless.sh: build $rootfs first (make rootfs-busybox)" >&2; exit 1; }

need=""
for tool in bwrap:bubblewrap hyperfine:hyperfine jq:jq newuidmap:uidmap setpriv:util-linux; do
	command -v "${tool%%:*}" >/dev/null || need="$need ${tool#*:}"
done
if [ -n "$need" ]; then
	echo "installing$need" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi

user=sandbox-bench
work=$(mktemp -d /tmp/bench-rootless.XXXXXX)
cleanup() {
	rm -rf "$work"
	userdel "$user" 2>/dev/null || true
}
trap cleanup EXIT
id "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
uid=$(id -u "$user")
gid=$(id -g "$user")
# A subordinate range past every range already given out.
start=$(awk -F: 'BEGIN { m = 100000 } $2 + $3 > m { m = $2 + $3 } END { print m }' /etc/subuid /etc/subgid 2>/dev/null)
usermod --add-subuids "$start-$((start + 65535))" --add-subgids "$start-$((start + 65535))" "$user"

chmod 755 "$work"
mkdir -p "$work/user" "$work/root"
chown "$uid:$gid" "$work/user"
chmod 700 "$work/user" "$work/root"
printf 'sandbox "rootless-bench" {\n  rootfs  = "%s"\n  command = ["/bin/true"]\n}\n' "$rootfs" >"$work/true.hcl"
chmod 644 "$work/true.hcl"

# as UID GID DIR CMD...: CMD with those ids, no other groups, a clean
# environment and DIR as its runtime directory.
as() {
	u=$1 g=$2 d=$3
	shift 3
	echo "setpriv --reuid=$u --regid=$g --clear-groups env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=$d XDG_RUNTIME_DIR=$d $*"
}
root_cmd=$(as 0 0 "$work/root" "SANDBOX_RUN=$work/root/run $bin run $work/true.hcl rootless-bench")
user_cmd=$(as "$uid" "$gid" "$work/user" "$bin run $work/true.hcl rootless-bench")
bwrap_cmd=$(as "$uid" "$gid" "$work/user" "bwrap --unshare-all --die-with-parent --ro-bind $rootfs / --proc /proc --dev /dev /bin/true")

for c in "$root_cmd" "$user_cmd" "$bwrap_cmd"; do
	sh -c "$c" >/dev/null 2>"$work/err" || { echo "bench/rootless.sh: failed: $c" >&2; cat "$work/err" >&2; exit 1; }
done

# Rootless crun: a bundle made by its own `spec --rootless`, run without a
# cgroup manager. Debian's crun 1.8.1 refuses a hybrid cgroup host even then;
# the reason is printed and crun left out.
mkdir -p "$work/user/bundle"
ln -s "$rootfs" "$work/user/bundle/rootfs"
chown -h "$uid:$gid" "$work/user/bundle" "$work/user/bundle/rootfs"
crun_cmd=""
if command -v crun >/dev/null &&
	sh -c "$(as "$uid" "$gid" "$work/user" "sh -c 'cd $work/user/bundle && crun spec --rootless'")" 2>"$work/err"; then
	jq '.process.terminal = false | .process.args = ["/bin/true"]' "$work/user/bundle/config.json" >"$work/config.json"
	cat "$work/config.json" >"$work/user/bundle/config.json"
	c=$(as "$uid" "$gid" "$work/user" "crun --root $work/user/crun --cgroup-manager=disabled run --bundle $work/user/bundle rootless-bench")
	if sh -c "$c" >/dev/null 2>"$work/err"; then
		crun_cmd=$c
	else
		echo "rootless crun left out: it fails here: $(tr '\n' ' ' <"$work/err")" >&2
	fi
else
	echo "rootless crun left out: not installed or its spec failed" >&2
fi

set -- -n root "$root_cmd" -n rootless "$user_cmd" -n "bwrap (rootless)" "$bwrap_cmd"
[ -n "$crun_cmd" ] && set -- "$@" -n "crun (rootless)" "$crun_cmd"
hyperfine -N --warmup 5 --runs "$RUNS" --export-json "$work/r.json" "$@" >&2

jq -r '(.results[] | select(.command == "root") | .median) as $r |
	.results[] | "\(.command)\t\(.median * 1000 * 10 | round / 10) ms\t\(.median / $r * 100 | round / 100)"' "$work/r.json" |
	awk -F '\t' 'BEGIN { print "median of the cold start, and its ratio to root" } { printf "  %-18s %10s  %s\n", $1, $2, $3 }'
ratio=$(jq -r '(.results[] | select(.command == "root") | .median) as $r |
	.results[] | select(.command == "rootless") | .median / $r * 100 | round / 100' "$work/r.json")
echo "ratio rootless/root: $ratio (target <= 1.2)"
if [ -n "${BENCH_ROWS:-}" ]; then
	jq -r '(.results[] | select(.command == "root") | .median) as $r |
		(.results[] | select(.command == "rootless") | .median) as $u |
		"rootless cold start\t\($u * 1000 * 10 | round / 10) ms\troot \($r * 1000 * 10 | round / 10) ms\t\($u / $r * 100 | round / 100)x\t<= 1.20x\t\(if $u / $r <= 1.2 then "holds" else "missed" end)"' \
		"$work/r.json" >>"$BENCH_ROWS"
fi
