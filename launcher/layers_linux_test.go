package launcher

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
)

// TestOverlayManyLowerLayers stacks 300 lower layers, past what the
// overlay's options can name by /proc/self/fd path in one page: the file
// of the bottom layer and the one of a middle layer are both visible, the
// topmost layer's copy of a name wins, and nothing is left behind.
func TestOverlayManyLowerLayers(t *testing.T) {
	testenv.RequireRoot(t)
	top := testenv.Rootfs(t)
	testenv.RequireBusybox(t, top)
	base := t.TempDir()
	var lower []string
	for i := range 299 {
		d := filepath.Join(base, fmt.Sprintf("l%03d", i))
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		lower = append(lower, d)
	}
	write := func(dir, name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(lower[298], "bottom", "bottom\n")
	write(lower[150], "middle", "middle\n")
	write(lower[298], "shadowed", "lower\n")
	write(top, "shadowed", "top\n")
	s := sandboxFor(top)
	s.Command = []string{"/bin/cat", "/bottom", "/middle", "/shadowed"}
	plan := NewPlan(s, probeTestHost())
	plan.Spec.Root.Lower = lower
	out, res := runPlan(t, plan)
	if res.ExitCode != 0 || out != "bottom\nmiddle\ntop\n" {
		t.Fatalf("300 layers: exit %d, output %q; want 0 and bottom, middle, top", res.ExitCode, out)
	}
}

// TestOverlayTooManyLowerLayers is refused with the limit named, as a
// setup failure.
func TestOverlayTooManyLowerLayers(t *testing.T) {
	testenv.RequireRoot(t)
	top := testenv.Rootfs(t)
	plan := NewPlan(sandboxFor(top, "exit", "0"), probeTestHost())
	for range 500 {
		plan.Spec.Root.Lower = append(plan.Spec.Root.Lower, top)
	}
	_, res := runPlan(t, plan)
	if res.ExitCode != 125 || res.SetupError == nil || !strings.Contains(res.SetupError.Error(), "overlayfs stacks at most 500") {
		t.Fatalf("501 layers: exit %d, error %v; want 125 naming the limit", res.ExitCode, res.SetupError)
	}
}

// runPlan starts plan and waits for it, returning its stdout and result.
func runPlan(t *testing.T, plan *Plan) (string, *Result) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	proc, res, err := startPlan(t, plan, Stdio{Stdout: &stdout, Stderr: &stderr})
	if err != nil {
		t.Fatalf("Start(%s) = %v", plan.Name, err)
	}
	if res == nil {
		res = proc.Wait()
	}
	if stderr.Len() > 0 {
		t.Logf("stderr of %s: %s", plan.Name, stderr.String())
	}
	return stdout.String(), res
}
