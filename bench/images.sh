#!/bin/bash
# bench/images.sh: images against the tools people use, in one run.
#
#   1. pull plus unpack of one multi-layer image from a local registry:
#      `sandbox pull` into an empty store, against `skopeo copy` to an OCI
#      layout plus `umoci unpack` of it (target: ratio <= 1.0);
#   2. the cold start of a sandbox on that image, cached, against the same
#      tree as a directory rootfs, both running /bin/true (target: <= 2 ms
#      more).
#
#   make bench-images        # as root; RUNS=20 for more samples
#
# The image (bench/imagepush: 6 layers over a static busybox, about 120 MiB
# of text and random files, a whiteout and an opaque directory) is pushed
# to Debian's docker-registry on a free port of 127.0.0.1, with its own
# storage in a temp directory, stopped at the end.
set -euo pipefail

RUNS=${RUNS:-10}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/bin/sandbox
[ "$(id -u)" = 0 ] || { echo "bench/images.sh: run as root" >&2; exit 1; }
[ -x "$bin" ] || { echo "bench/images.sh: build $bin first (make build)" >&2; exit 1; }

need=""
for tool in docker-registry:docker-registry skopeo:skopeo umoci:umoci hyperfine:hyperfine jq:jq busybox:busybox-static; do
	command -v "${tool%%:*}" >/dev/null || need="$need ${tool#*:}"
done
if [ -n "$need" ]; then
	echo "installing$need" >&2
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi

work=$(mktemp -d /tmp/bench-images.XXXXXX)
registry=""
# Runs record their receipts under a project ($SANDBOX_RUN/.projects/PROJECT);
# this one's is taken down on exit, so no bench leaves receipts behind.
export SANDBOX_PROJECT=bench-$$
cleanup() {
	"$bin" down >/dev/null 2>&1
	[ -n "$registry" ] && kill "$registry" 2>/dev/null && wait "$registry" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
host=127.0.0.1:$port
cat >"$work/registry.yml" <<YML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: $host
YML
docker-registry serve "$work/registry.yml" 2>"$work/registry.log" &
registry=$!
for _ in $(seq 200); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.05
done

ref=$host/bench/img:1
(cd "$root" && go run ./bench/imagepush -ref "$ref" -busybox "$(command -v busybox)")
cat >"$work/img.hcl" <<HCL
sandbox "img" {
  image = "$ref"
}
HCL

echo "== pull + unpack of $ref"
hyperfine --runs "$RUNS" --export-json "$work/pull.json" \
	--prepare "rm -rf $work/home" \
	-n sandbox "SANDBOX_HOME=$work/home $bin pull $work/img.hcl" \
	--prepare "rm -rf $work/oci $work/bundle" \
	-n skopeo+umoci "skopeo copy --quiet --src-tls-verify=false docker://$ref oci:$work/oci:1 && umoci unpack --image $work/oci:1 $work/bundle"

# The same tree as a directory: the image flattened into a bundle's rootfs.
SANDBOX_HOME=$work/home "$bin" pull "$work/img.hcl" >/dev/null
SANDBOX_HOME=$work/home "$bin" export oci "$work/img.hcl" img --out "$work/tree" >/dev/null
cat >"$work/dir.hcl" <<HCL
sandbox "img" {
  rootfs  = "$work/tree/rootfs"
  command = ["/bin/true"]
}
HCL

echo "== cold start of /bin/true: cached image against the same tree as a directory"
hyperfine -N --warmup 5 --runs $((RUNS * 5)) --export-json "$work/start.json" \
	-n image "env SANDBOX_HOME=$work/home $bin run $work/img.hcl img" \
	-n directory "env SANDBOX_HOME=$work/home $bin run $work/dir.hcl img"

median() { jq -r ".results[] | select(.command == \"$2\") | .median" "$1"; }
awk -v s="$(median "$work/pull.json" sandbox)" -v u="$(median "$work/pull.json" skopeo+umoci)" \
	-v i="$(median "$work/start.json" image)" -v d="$(median "$work/start.json" directory)" 'BEGIN {
	printf "medians: pull+unpack: sandbox %.0f ms, skopeo+umoci %.0f ms: ratio %.2fx (target <= 1.0x)\n", s*1000, u*1000, s/u
	printf "cold start: image %.2f ms, directory %.2f ms: %+.2f ms (target <= 2 ms more)\n", i*1000, d*1000, (i-d)*1000
}'
