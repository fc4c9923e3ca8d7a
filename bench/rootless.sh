#!/bin/sh
# bench/rootless.sh: the cold start of one sandbox running /bin/true started
# by an ordinary user, against the same file started by root, by a user
# without subordinate ranges, by bubblewrap run by the first user and by
# rootless crun where this host lets it run, timed with hyperfine in one
# run. Targets: rootless <= 1.2x root; subordinate ids (newuidmap and
# newgidmap write the maps) <= +5 ms over the caller's own id alone.
#
#   make bench-rootless      # as root; RUNS=100 for more samples
#
# It creates two throwaway system users, one with a uid and a gid range of
# 65536 ids, and removes them, their groups and their ranges on exit. Every
# command runs through the same setpriv wrapper, root's too, so the
# wrapper's cost is on every side. The file has no limits: without a
# delegated cgroup an ordinary user has none to set.
set -eu

RUNS=${RUNS:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/bin/sandbox
rootfs=$root/examples/rootfs/busybox
[ "$(id -u)" = 0 ] || { echo "bench/rootless.sh: run as root" >&2; exit 1; }
[ -x "$bin" ] || { echo "bench/rootless.sh: build $bin first (make build)" >&2; exit 1; }
[ -x "$rootfs/bin/busybox" ] || { echo "bench/rootless.sh: build $rootfs first (make rootfs-busybox)" >&2; exit 1; }

need=""
for tool in bwrap:bubblewrap hyperfine:hyperfine jq:jq newuidmap:uidmap setpriv:util-linux useradd:passwd; do
	command -v "${tool%%:*}" >/dev/null || need="$need ${tool#*:}"
done
if [ -n "$need" ]; then
	echo "installing$need" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi

work=$(mktemp -d /tmp/bench-rootless.XXXXXX)
ranged=sbx-bench-r$$
plain=sbx-bench-p$$
cleanup() {
	userdel "$ranged" 2>/dev/null || true
	userdel "$plain" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
chmod 755 "$work"

# The first id past every range given, aligned to 65536.
start=$(cat /etc/subuid /etc/subgid 2>/dev/null | awk -F: 'NF == 3 && $2 + $3 > m { m = $2 + $3 }
	END { m = (m < 2147483648 ? 2147483648 : m); printf "%d", int((m + 65535) / 65536) * 65536 }')
for u in "$ranged" "$plain"; do
	useradd --system --user-group --no-create-home --shell /usr/sbin/nologin "$u"
done
usermod --add-subuids "$start-$((start + 65535))" --add-subgids "$start-$((start + 65535))" "$ranged"

printf 'sandbox "rootless-bench" {\n  rootfs  = "%s"\n  command = ["/bin/true"]\n}\n' "$rootfs" >"$work/true.hcl"
chmod 644 "$work/true.hcl"

# as USER CMD...: CMD as USER, without other groups, in a clean environment
# with a runtime and state directory of its own.
as() {
	u=$1
	shift
	mkdir -p "$work/$u"
	chown "$u:$(id -g "$u")" "$work/$u"
	chmod 700 "$work/$u"
	echo "setpriv --reuid=$(id -u "$u") --regid=$(id -g "$u") --clear-groups env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ XDG_RUNTIME_DIR=$work/$u SANDBOX_RUN=$work/$u/run SANDBOX_HOME=$work/$u $*"
}
root_cmd=$(as root "$bin" run "$work/true.hcl" rootless-bench)
ranged_cmd=$(as "$ranged" "$bin" run "$work/true.hcl" rootless-bench)
plain_cmd=$(as "$plain" "$bin" run "$work/true.hcl" rootless-bench)
bwrap_cmd=$(as "$ranged" bwrap --unshare-all --die-with-parent --ro-bind "$rootfs" / --proc /proc --dev /dev /bin/true)
for c in "$root_cmd" "$ranged_cmd" "$plain_cmd" "$bwrap_cmd"; do
	sh -c "$c" >/dev/null 2>"$work/err" || { echo "bench/rootless.sh: failed: $c" >&2; cat "$work/err" >&2; exit 1; }
done

# Rootless crun: a bundle made by its own `spec --rootless`, run without a
# cgroup manager. Debian's crun 1.8.1 refuses a hybrid cgroup host even
# then; its reason is printed and crun left out.
bundle=$work/$ranged/bundle
mkdir -p "$bundle"
ln -s "$rootfs" "$bundle/rootfs"
chown -h "$ranged:$(id -g "$ranged")" "$bundle" "$bundle/rootfs"
crun_cmd=""
if command -v crun >/dev/null && sh -c "$(as "$ranged" sh -c "'cd $bundle && crun spec --rootless'")" 2>"$work/err"; then
	jq '.process.terminal = false | .process.args = ["/bin/true"]' "$bundle/config.json" >"$work/config.json"
	cat "$work/config.json" >"$bundle/config.json"
	c=$(as "$ranged" crun --root "$work/$ranged/crun" --cgroup-manager=disabled run --bundle "$bundle" rootless-bench)
	if sh -c "$c" >/dev/null 2>"$work/err"; then
		crun_cmd=$c
	else
		echo "rootless crun left out: it fails here: $(tr '\n' ' ' <"$work/err")" >&2
	fi
else
	echo "rootless crun left out: not installed or its spec failed" >&2
fi

set -- -n root "$root_cmd" -n rootless "$ranged_cmd" -n "rootless, own id alone" "$plain_cmd" -n "bwrap (rootless)" "$bwrap_cmd"
[ -n "$crun_cmd" ] && set -- "$@" -n "crun (rootless)" "$crun_cmd"
# Root's starts run the child from a cache that vouches for a new copy
# only after a second (bench/startup.sh): time them after that second.
# An ordinary user's launcher runs root's copy in place, where root's own
# launcher keeps it (the default home), once root has vouched for it, as
# on a host where root runs sandboxes; before that it copies the child
# into a memfd at every start. Root's two starts with the default home,
# a second apart, make that copy and vouch for it.
shared="env -u SANDBOX_HOME SANDBOX_RUN=$work/root/run $bin run $work/true.hcl rootless-bench"
sh -c "$root_cmd" >/dev/null
$shared >/dev/null
sleep 1.2
$shared >/dev/null
hyperfine -N --warmup 5 --runs "$RUNS" --export-json "$work/r.json" "$@" >&2

jq -r '(.results[] | select(.command == "root") | .median) as $r |
	.results[] | "\(.command)\t\(.median * 10000 | round / 10) ms\t\(.median / $r * 100 | round / 100)"' "$work/r.json" |
	awk -F '\t' 'BEGIN { print "median of the cold start, and its ratio to root" } { printf "  %-24s %10s  %s\n", $1, $2, $3 }'
rows=$(jq -r '(.results[] | select(.command == "root") | .median) as $r |
	(.results[] | select(.command == "rootless") | .median) as $u |
	(.results[] | select(.command == "rootless, own id alone") | .median) as $o |
	"rootless cold start\t\($u * 10000 | round / 10) ms\troot \($r * 10000 | round / 10) ms\t\($u / $r * 100 | round / 100)x\t<= 1.20x\t\(if $u / $r <= 1.2 then "holds" else "missed" end)",
	"rootless subordinate ids, over own id\t\(if $u >= $o then "+" else "" end)\(($u - $o) * 10000 | round / 10) ms\town id \($o * 10000 | round / 10) ms\t-\t<= +5 ms\t\(if ($u - $o) <= 0.005 then "holds" else "missed" end)"' "$work/r.json")
printf '%s\n' "$rows" | cut -f1-5
if [ -n "${BENCH_ROWS:-}" ]; then
	printf '%s\n' "$rows" >>"$BENCH_ROWS"
fi
