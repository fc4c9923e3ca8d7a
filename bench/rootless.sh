#!/bin/sh
# bench/rootless.sh: the cold start of a rootless sandbox running /bin/true
# whose user has subordinate ranges (newuidmap and newgidmap write its maps)
# against the same start by a user without any (the launcher writes the one
# id it maps itself), timed with hyperfine in one run. Prints both medians
# and the difference.
#
#   make bench               # as root; RUNS=100 for more samples
#
# It creates two throwaway system users, one with a uid and a gid range of
# 65536 ids, and removes them, their groups and their ranges on exit.
set -eu

RUNS=${RUNS:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/bin/sandbox
rootfs=$root/examples/rootfs/busybox
[ "$(id -u)" = 0 ] || { echo "bench/rootless.sh: run as root" >&2; exit 1; }
[ -x "$bin" ] || { echo "bench/rootless.sh: build $bin first (make build)" >&2; exit 1; }
[ -x "$rootfs/bin/busybox" ] || { echo "bench/rootless.sh: build $rootfs first (make rootfs-busybox)" >&2; exit 1; }
for tool in newuidmap hyperfine jq useradd setpriv; do
	command -v "$tool" >/dev/null || { echo "bench/rootless.sh: needs $tool" >&2; exit 1; }
done

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

cat >"$work/true.hcl" <<HCL
sandbox "rootless-bench" {
  rootfs  = "$rootfs"
  command = ["/bin/true"]
}
HCL
chmod 644 "$work/true.hcl"

# as USER CMD...: CMD as USER, with a state directory of its own
as() {
	u=$1
	shift
	mkdir -p "$work/$u"
	chown "$u:$u" "$work/$u"
	echo "setpriv --reuid=$u --regid=$u --clear-groups env HOME=/ SANDBOX_RUN=$work/$u SANDBOX_HOME=$work/$u $*"
}
hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$work/r.json" \
	-n "own id" "$(as "$plain" "$bin" run "$work/true.hcl" rootless-bench)" \
	-n "subordinate ids" "$(as "$ranged" "$bin" run "$work/true.hcl" rootless-bench)"
row=$(jq -r '(.results[] | select(.command == "subordinate ids") | .median) as $s |
	(.results[] | select(.command == "own id") | .median) as $o |
	"rootless start with subordinate ids, over own id alone\t+\(($s - $o) * 10000 | round / 10) ms\town id \($o * 10000 | round / 10) ms\t-\t<= +5 ms\t\(if ($s - $o) <= 0.005 then "holds" else "missed" end)"' "$work/r.json")
printf '%s\n' "$row" | cut -f1-3
if [ -n "${BENCH_ROWS:-}" ]; then
	printf '%s\n' "$row" >>"$BENCH_ROWS"
fi
