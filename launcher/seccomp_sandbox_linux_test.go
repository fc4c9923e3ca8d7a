package launcher

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/hclsandbox/sandbox/internal/probe/report"
	"github.com/hclsandbox/sandbox/internal/testenv"
)

// runSeccompCases writes cases into the sandbox's root filesystem, runs
// the probe's seccomp-cases mode on them in a default sandbox and returns
// each case's result.
func runSeccompCases(t *testing.T, cases string) []report.SeccompCase {
	t.Helper()
	rootfs := testenv.Rootfs(t)
	if err := os.WriteFile(filepath.Join(rootfs, "cases.txt"), []byte(cases), 0o644); err != nil {
		t.Fatal(err)
	}
	out, res := runSandbox(t, sandboxFor(rootfs, "seccomp-cases", "/cases.txt"))
	if res.ExitCode != 0 {
		t.Fatalf("seccomp-cases probe exited %d (%s): %s", res.ExitCode, res.Describe(), out)
	}
	var got []report.SeccompCase
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("decode %q: %v", out, err)
	}
	return got
}

// Checklist 40: the default profile allows IPv6 and netlink sockets (one
// rule per address family in Docker's profile), which ip, servers on [::]
// and Go's net.Interfaces need.
func TestSandboxIPv6AndNetlinkSockets(t *testing.T) {
	testenv.RequireRoot(t)
	got := runSeccompCases(t, `socket AF_INET6 SOCK_STREAM 0
socket AF_NETLINK SOCK_RAW NETLINK_ROUTE
socket AF_INET SOCK_DGRAM 0
socket AF_UNIX SOCK_STREAM 0
`)
	if len(got) != 4 {
		t.Fatalf("the probe ran %d cases, want 4: %v", len(got), got)
	}
	for _, c := range got {
		if c.Result != "ok" {
			t.Errorf("%s inside a default sandbox: %s, want ok", c.Case, c.Result)
		}
	}
}
