package runner

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/plancache"
	"github.com/hclsandbox/sandbox/launcher/state"
)

// TestPlanCacheHitStillValidates: the checks of the host that loading
// makes run on a hit too. A rootfs directory that a payload turned into a
// symlink to / after its configuration was cached is refused, with the
// load's diagnostic, and its source line quoted from the cached file.
func TestPlanCacheHitStillValidates(t *testing.T) {
	dir, rootfs := t.TempDir(), filepath.Join(t.TempDir(), "root")
	if err := os.Mkdir(rootfs, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "box.hcl")
	src := "sandbox \"box\" {\n  rootfs  = \"" + rootfs + "\"\n  command = [\"/bin/true\"]\n}\n"
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	waitSettled(t, dir)
	cache := &plancache.Cache{Dir: filepath.Join(t.TempDir(), "plancache"), Build: []byte("test build")}
	var printed bytes.Buffer
	r := &Runner{State: state.Dir{Root: t.TempDir()}, Cache: cache, Project: "p",
		PrintDiags: func(d hcl.Diagnostics, files map[string]*hcl.File) {
			config.WriteDiagnostics(&printed, d, files, config.RenderOptions{})
		}}
	for range 2 {
		if _, err := r.Load([]string{p}, config.Options{}); err != nil {
			t.Fatalf("load: %v: %s", err, printed.String())
		}
	}
	if cfg, _ := r.Load([]string{p}, config.Options{}); cfg.Files[p].Body != nil {
		t.Fatalf("the third load was not a hit")
	}
	if err := os.Remove(rootfs); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/", rootfs); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Load([]string{p}, config.Options{}); err == nil {
		t.Fatalf("a rootfs turned into / was not refused on a hit")
	}
	if out := printed.String(); !bytes.Contains(printed.Bytes(), []byte("Host root as rootfs")) || !bytes.Contains(printed.Bytes(), []byte("  rootfs  = ")) {
		t.Errorf("printed %q, want the host-root diagnostic quoting the rootfs line", out)
	}
}

// waitSettled waits until dir has not changed for the plan cache's margin
// (two seconds), so that loads of its files are stored.
func waitSettled(t *testing.T, dir string) {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(dir, &st); err != nil {
		t.Fatal(err)
	}
	changed := time.Unix(st.Ctim.Unix()).Add(2*time.Second + 10*time.Millisecond)
	time.Sleep(time.Until(changed))
}
