package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	// The launcher re-executes this test binary as the sandbox child.
	if isolation.IsChild() {
		isolation.ChildMain()
	}
	// testscript.Main exits by itself, so the leak check wraps the run.
	testscript.Main(checked{m}, map[string]func(){
		"sandbox": func() { os.Exit(Main(os.Args[1:])) },
	})
}

// checked runs the tests under testenv's leak check.
type checked struct{ m *testing.M }

func (c checked) Run() int { return keepReceipts(func() int { return testenv.Check(c.m.Run) }) }

// TestScripts runs the CLI scripts in testdata/script. Scripts that start
// sandboxes begin with "[!root] skip"; each gets a busybox root filesystem
// in $WORK/rootfs.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("testdata", "script"),
		Setup: func(e *testscript.Env) error {
			e.Setenv("NO_COLOR", "1")
			e.Setenv("SANDBOX_HOME", filepath.Join(e.WorkDir, ".sandbox-home"))
			e.Setenv("SANDBOX_RUN", filepath.Join(e.WorkDir, "run"))
			return testenv.MakeRootfs(filepath.Join(e.WorkDir, "rootfs"), "")
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "root":
				return os.Geteuid() == 0, nil
			case "hostusr":
				_, err := os.Stat("/usr")
				return err == nil, nil
			case "timens":
				return launcher.TimeNamespaceWorks(launcher.ProbeHost().Kernel), nil
			case "nft":
				if _, err := exec.LookPath("nft"); err != nil {
					return false, testenv.MissingError("needs nft (Debian's nftables)")
				}
				return true, nil
			case "busybox":
				if _, err := os.Stat("/bin/busybox"); err != nil {
					return false, testenv.MissingError("needs /bin/busybox (Debian's busybox-static)")
				}
				return true, nil
			}
			return false, nil
		},
	})
}
