package launcher

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hclsandbox/sandbox/isolation"
)

// TestMain lets the test binary serve as the sandbox child, as the real
// binary does, and checks after the run that no test left a cgroup behind.
func TestMain(m *testing.M) {
	if isolation.IsChild() {
		isolation.ChildMain()
	}
	code := m.Run()
	for _, dir := range tempDirs {
		os.RemoveAll(dir)
	}
	if left := leftoverCgroups(); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: cgroups left behind: %v\n", left)
		code = 1
	}
	os.Exit(code)
}

// tempDirs are removed after the tests, such as the probe's build directory.
var tempDirs []string

// leftoverCgroups lists every directory under any /sys/fs/cgroup/*/sandbox
// (or /sys/fs/cgroup/sandbox on a unified host).
func leftoverCgroups() []string {
	var left []string
	for _, pattern := range []string{"/sys/fs/cgroup/*/" + isolation.CgroupParent + "/*", "/sys/fs/cgroup/" + isolation.CgroupParent + "/*"} {
		matches, _ := filepath.Glob(pattern)
		for _, m := range matches {
			if info, err := os.Stat(m); err == nil && info.IsDir() {
				left = append(left, m)
			}
		}
	}
	return left
}
