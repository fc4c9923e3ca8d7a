#!/bin/sh
# Runs every example of examples/ that this machine can, as root, with
# bin/sandbox, and checks each one's exit code. An example whose root
# filesystem is not built is skipped with the make target that builds it.
# The long-running ones are stopped as Ctrl-C would (web is fetched over
# HTTP first). Exit 1 when an example that ran failed.
#
#   make examples                   # builds bin/sandbox first
#   WEB_PORT=9090 scripts/examples.sh
set -u
cd "$(dirname "$0")/.."
bin=bin/sandbox
port=${WEB_PORT:-8080}
[ "$(id -u)" = 0 ] || { echo "examples.sh: run as root" >&2; exit 1; }
[ -x "$bin" ] || { echo "examples.sh: build $bin first (make build)" >&2; exit 1; }
log=$(mktemp /tmp/sandbox-examples.XXXXXX)
# The examples run in a project of their own, taken down when the script
# ends: every run leaves a receipt under its project, and a run that went
# wrong may leave more.
export SANDBOX_PROJECT=examples-$$
clean() {
	rm -f "$log"
	"$bin" down >/dev/null 2>&1
}
trap clean EXIT
passed="" failed="" skipped=""

# missing prints the make targets of the root filesystems (directories or
# tarballs) an example uses that are not there.
missing() {
	for r in $(grep -o '"\./rootfs/[^"]*"' "$1" | tr -d '"' | sort -u); do
		[ -e "examples/$r" ] || { r=${r#./rootfs/}; echo "${r%%.*}"; }
	done
}

# fetch prints the page the web example serves, retrying while it starts.
fetch() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		if command -v curl >/dev/null; then
			curl -fsS "http://127.0.0.1:$port/" 2>/dev/null && return 0
		else
			wget -qO- "http://127.0.0.1:$port/" 2>/dev/null && return 0
		fi
		sleep 0.5
	done
	return 1
}

# interrupt runs an example in the background, lets it serve for a few
# seconds and sends up a SIGINT; an interrupt that stopped only healthy
# sandboxes exits 130.
interrupt() {
	if [ "$2" = web ]; then
		"$bin" up --var "web_port=$port" "$1" >"$log" 2>&1 &
	else
		"$bin" up "$1" >"$log" 2>&1 &
	fi
	pid=$!
	ok=0
	if [ "$2" = web ]; then
		fetch | sed 's/^/  fetched: /' || ok=1
	else
		sleep 3
	fi
	kill -INT "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	[ "$rc" = 130 ] || [ "$rc" = 0 ] || ok=1
	return $ok
}

for f in examples/*.hcl; do
	name=$(basename "$f" .hcl)
	need=$(missing "$f")
	if [ -n "$need" ]; then
		for r in $need; do echo "== $name: skipped: its rootfs is not there (make rootfs-$r)"; done
		skipped="$skipped $name"
		continue
	fi
	if grep -q '^[[:space:]]*image[[:space:]]*=' "$f" && ! "$bin" pull "$f" >"$log" 2>&1; then
		echo "== $name: skipped: its image cannot be pulled here ($(tail -1 "$log"))"
		skipped="$skipped $name"
		continue
	fi
	echo "== $name"
	case $name in
	web | services | lifecycle | watch | devenv)
		interrupt "$f" "$name"
		ok=$?
		;;
	test)
		# Every case holds but hog, whose memory ceiling is broken on purpose.
		timeout -k 5 120 "$bin" test "$f" >"$log" 2>&1
		rc=$?
		ok=0
		[ "$rc" = 1 ] || { ok=1; echo "  exit $rc, want 1"; }
		grep -q '^--- FAIL: hog ' "$log" || { ok=1; echo "  hog did not fail"; }
		[ "$(grep -c '^--- FAIL' "$log")" = 1 ] || { ok=1; echo "  another case than hog failed"; }
		;;
	*)
		want=0
		[ "$name" = limits ] && want=124 # "sleepy" times out on purpose
		# A bound, so that an example that never ends fails instead of hanging.
		timeout -k 5 120 "$bin" up "$f" >"$log" 2>&1
		rc=$?
		ok=0
		[ "$rc" = "$want" ] || { ok=1; echo "  exit $rc, want $want"; }
		;;
	esac
	sed 's/^/  /' "$log"
	if [ "$ok" = 0 ]; then passed="$passed $name"; else failed="$failed $name"; fi
done
echo "passed:${passed:- none}"
[ -z "$skipped" ] || echo "skipped:$skipped"
[ -z "$failed" ] || { echo "FAILED:$failed"; exit 1; }
