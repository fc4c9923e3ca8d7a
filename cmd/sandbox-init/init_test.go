package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Budgets for package-level initialisation, in bytes allocated before main.
// Allocations are deterministic where times are not, so growth shows up
// here first: the child runs once per sandbox start, the launcher once per
// command.
const (
	childInitBudget    = 32 << 10
	launcherInitBudget = 1 << 20
)

func TestChildInitBudget(t *testing.T) {
	bytes := initBytes(t, "github.com/hclsandbox/sandbox/cmd/sandbox-init")
	if bytes > childInitBudget {
		t.Errorf("sandbox-init allocates %d bytes in package init, budget %d: keep heavy packages out of isolation", bytes, childInitBudget)
	}
	t.Logf("sandbox-init: %d bytes in package init", bytes)
}

func TestLauncherInitBudget(t *testing.T) {
	bytes := initBytes(t, "github.com/hclsandbox/sandbox/cmd/sandbox")
	if bytes > launcherInitBudget {
		t.Errorf("sandbox allocates %d bytes in package init, budget %d", bytes, launcherInitBudget)
	}
	t.Logf("sandbox: %d bytes in package init", bytes)
}

// initBytes builds pkg, runs it with GODEBUG=inittrace=1 and adds up the
// bytes every package's init allocated.
func initBytes(t *testing.T, pkg string) int {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bin")
	build := exec.Command("go", "build", "-o", bin, pkg)
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", pkg, err, out)
	}
	cmd := exec.Command(bin, "--help")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, _ := cmd.CombinedOutput() // the child fails without its fds; the trace comes first
	total, lines := 0, 0
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		// init PKG @T ms, C ms clock, B bytes, A allocs
		if len(f) >= 9 && f[0] == "init" && f[8] == "bytes," {
			n, err := strconv.Atoi(f[7])
			if err != nil {
				t.Fatalf("inittrace line %q: %v", line, err)
			}
			total += n
			lines++
		}
	}
	if lines == 0 {
		t.Fatalf("no inittrace lines from %s:\n%s", pkg, out)
	}
	return total
}

// TestChildLinksNoBPFLoader checks that the child does not link
// cilium/ebpf: only the launcher loads the cgroup v2 device program
// (launcher/cgroups/devfilter), before the child is cloned; nor the
// cgroup drivers, which only the parent runs.
func TestChildLinksNoBPFLoader(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/hclsandbox/sandbox/cmd/sandbox-init").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "github.com/cilium/ebpf") || strings.Contains(pkg, "/launcher/cgroups") {
			t.Errorf("sandbox-init links %s", pkg)
		}
	}
}
