package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	probereport "github.com/hclsandbox/sandbox/internal/probe/report"
	"github.com/hclsandbox/sandbox/internal/testenv"
)

// seccompCasesFile holds the syscall-and-argument cases of the test.
const seccompCasesFile = "../../internal/probe/testdata/seccomp-cases.txt"

// seccompPayload runs the probe over the cases file in a default sandbox:
// the default seccomp profile, capabilities and namespaces.
const seccompPayload = `sandbox "cases" {
  rootfs {
    source = "./rootfs"
    mode   = "readonly"
  }
  init    = false
  command = ["/probe", "seccomp-cases", "/seccomp-cases.txt"]
}
`

// minSeccompCases is the least number of cases both runs must decide.
const minSeccompCases = 200

// crunIgnored matches crun's warning for a syscall name its libseccomp
// does not know, whose rules it leaves out.
var crunIgnored = regexp.MustCompile("unknown seccomp syscall `([a-z0-9_]+)` ignored")

// Checklist 40: the default filter decides every case exactly as
// libseccomp does with the same profile. The cases run under `sandbox run`
// and under crun with the bundle `sandbox export oci` writes, so with the
// same rules, capabilities and namespaces; every case must end with the
// same result under both.
func TestSeccompSameAsCrun(t *testing.T) {
	testenv.RequireRoot(t)
	if runtime.GOARCH != "amd64" {
		t.Skipf("the cases in %s are x86-64's syscalls", seccompCasesFile)
	}
	bin, err := exec.LookPath("sandbox")
	if err != nil {
		t.Skip("the sandbox command is only on PATH under testscript.Main")
	}
	if _, err := exec.LookPath("crun"); err != nil {
		testenv.Missing(t, "crun is not installed (Debian's crun)")
	}
	dir := t.TempDir()
	rootfs := filepath.Join(dir, "rootfs")
	if err := testenv.MakeRootfs(rootfs, testenv.Probe(t)); err != nil {
		t.Fatal(err)
	}
	cases, err := os.ReadFile(seccompCasesFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(rootfs, "seccomp-cases.txt"), cases, 0o644); err != nil {
		t.Fatal(err)
	}
	file := writeHCL(t, dir, "cases.hcl", seccompPayload)
	bundle := filepath.Join(dir, "bundle")
	if out, err := exec.Command(bin, "export", "oci", file, "cases", "--out", bundle).CombinedOutput(); err != nil {
		t.Fatalf("sandbox export oci: %v\n%s", err, out)
	}
	ours, _ := runCases(t, "sandbox run", []string{bin, "run", file, "cases"})
	checkFilterOn(t, ours)
	id := fmt.Sprintf("sandbox-seccomp-test-%d", os.Getpid())
	t.Cleanup(func() { deleteContainer("crun", id) })
	theirs, stderr := runCases(t, "crun", crunDebugRun(bundle, id))
	compareCases(t, ours, theirs, ignoredSyscalls(stderr))
}

// crunDebugRun is ociRuntimes' crun command with --debug, without which
// crun does not print its warnings, among them the syscalls it ignores.
func crunDebugRun(bundle, id string) []string {
	return []string{"unshare", "-m", "--propagation", "private", "sh", "-c",
		`umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --debug run --bundle "$0" "$1"`, bundle, id}
}

// runCases runs argv, which runs the probe over the cases, and decodes its
// results; it returns its standard error too.
func runCases(t *testing.T, what string, argv []string) ([]probereport.SeccompCase, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, stderr.String())
	}
	var out []probereport.SeccompCase
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("%s: decode the probe's results: %v\n%s", what, err, stdout.String())
	}
	return out, stderr.String()
}

// checkFilterOn fails unless the results show a filter: two calls that the
// kernel alone would refuse with EINVAL.
func checkFilterOn(t *testing.T, results []probereport.SeccompCase) {
	t.Helper()
	want := map[string]string{"clone3 0 0": "ENOSYS", "socket AF_VSOCK 15 0": "EPERM"}
	for _, c := range results {
		if w, ok := want[c.Case]; ok && c.Result != w {
			t.Errorf("%s under sandbox run: %s, want %s from the filter", c.Case, c.Result, w)
		}
	}
}

// ignoredSyscalls lists the syscalls crun warned it left out.
func ignoredSyscalls(stderr string) map[string]bool {
	out := map[string]bool{}
	for _, m := range crunIgnored.FindAllStringSubmatch(stderr, -1) {
		out[m[1]] = true
	}
	return out
}

// compareCases requires the same result for every case, except those of
// syscalls crun left out of its filter.
func compareCases(t *testing.T, ours, theirs []probereport.SeccompCase, ignored map[string]bool) {
	t.Helper()
	if len(ours) != len(theirs) {
		t.Fatalf("sandbox run decided %d cases, crun %d", len(ours), len(theirs))
	}
	compared, differences := 0, 0
	var aside []string
	for i, c := range ours {
		name := strings.Fields(c.Case)[0]
		if ignored[name] {
			aside = append(aside, fmt.Sprintf("%s (sandbox run: %s, crun: %s)", c.Case, c.Result, theirs[i].Result))
			continue
		}
		compared++
		if c.Result != theirs[i].Result {
			differences++
			t.Errorf("line %d: %s: sandbox run %s, crun %s", c.Line, c.Case, c.Result, theirs[i].Result)
		}
	}
	if len(aside) > 0 {
		t.Logf("set aside, crun's libseccomp does not know the syscall:\n  %s", strings.Join(aside, "\n  "))
	}
	t.Logf("%d cases, %d differences from crun", compared, differences)
	if compared < minSeccompCases {
		t.Errorf("only %d cases compared, want at least %d", compared, minSeccompCases)
	}
}
