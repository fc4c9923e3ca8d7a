package testenv

import (
	"path/filepath"

	"github.com/hclsandbox/sandbox/internal/proc"
	"github.com/hclsandbox/sandbox/launcher/cgroups"

	"fmt"
	"os"
	"strings"
	"time"
)

// snapshot is the host state that a test run must leave as it found it.
type snapshot struct {
	mounts   string
	cgroups  map[string]bool
	projects map[string]bool
	entries  map[string]bool
	hasCache bool // planCacheRoot was there
}

func takeSnapshot() snapshot {
	s := snapshot{mounts: MountPoints(), cgroups: map[string]bool{}, projects: map[string]bool{}, entries: map[string]bool{}}
	for _, c := range leftoverCgroups() {
		s.cgroups[c] = true
	}
	for _, p := range projectDirs() {
		s.projects[p] = true
	}
	for _, e := range planCacheEntries() {
		s.entries[e] = true
	}
	_, err := os.Stat(planCacheRoot)
	s.hasCache = err == nil
	return s
}

// planCacheRoot is the plan cache of root's default state directory
// (launcher/plancache in state.DefaultStateDir).
const planCacheRoot = stateRoot + "/plancache"

func planCacheEntries() []string {
	m, _ := filepath.Glob(filepath.Join(planCacheRoot, "*"))
	return m
}

// removeTestCacheEntries removes the plan cache entries written in root's
// state directory since the snapshot: those of the configurations of tests
// that run sandbox without a state directory of their own (the jobs of
// the Slurm tests), which would stay on the host until replaced, and the
// directory when they made it.
func (s snapshot) removeTestCacheEntries() {
	for _, e := range planCacheEntries() {
		if !s.entries[e] {
			os.Remove(e)
		}
	}
	if !s.hasCache {
		os.Remove(planCacheRoot) // only when empty
	}
}

// projectsRoot is root's default state directory's projects
// (state.DefaultStateDir, state.ProjectsDir: testenv cannot import state,
// whose tests use it).
const projectsRoot = stateRoot + "/.projects"

// projectDirs lists the project directories of root's state directory.
func projectDirs() []string {
	m, _ := filepath.Glob(filepath.Join(projectsRoot, "*"))
	return m
}

// removeTestReceipts removes the project directories that the tests made
// in root's state directory and that hold nothing but the receipts of
// their last runs (state.ReceiptsDir), which every run writes: a test's
// project is a temporary directory, gone when the test ends, and its
// receipts would pile up on the host run after run. A directory that
// holds anything else is left for the leak checks of the tests' own.
func (s snapshot) removeTestReceipts() {
	for _, p := range projectDirs() {
		if s.projects[p] {
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil || len(entries) != 1 || entries[0].Name() != ".receipts" {
			continue
		}
		os.RemoveAll(p)
	}
}

// newCgroups lists the sandbox cgroups made since the snapshot that are
// still there after a grace period: the tests of other packages, which go
// test runs at the same time, remove their own cgroups when they end.
func (s snapshot) newCgroups() []string {
	var left []string
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		left = left[:0]
		for _, c := range leftoverCgroups() {
			if !s.cgroups[c] {
				left = append(left, c)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
	}
}

// leaks describes what differs from the snapshot now, or "" when nothing does.
func (s snapshot) leaks() string {
	var out []string
	if now := MountPoints(); withoutStateRoot(now) != withoutStateRoot(s.mounts) {
		out = append(out, fmt.Sprintf("host mounts changed:\nbefore:\n%s\nafter:\n%s", s.mounts, now))
	}
	if left := s.newCgroups(); len(left) > 0 {
		out = append(out, fmt.Sprintf("cgroups left behind: %v", left))
	}
	if kids := proc.Children(os.Getpid()); len(kids) > 0 {
		out = append(out, fmt.Sprintf("processes left behind: %v", kids))
	}
	return strings.Join(out, "\n")
}

// stateRoot is root's default state directory (state.DefaultStateDir),
// which the first sandbox that uses it makes a tmpfs on a host whose /run
// is on disk (state.Dir.PrepareRoot): that mount is the host's from then
// on, not a test's leftover.
const stateRoot = "/run/sandbox"

// withoutStateRoot is a MountPoints list without the state root's mount.
func withoutStateRoot(mounts string) string {
	lines := strings.Split(mounts, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l != stateRoot {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// MountPoints lists the mount points of this process's mount namespace,
// one a line: what a test compares before and after to see a leaked mount.
func MountPoints() string {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return err.Error()
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 4 {
			out = append(out, f[4])
		}
	}
	return strings.Join(out, "\n")
}

// leftoverCgroups lists every directory under any /sys/fs/cgroup/*/sandbox
// (or /sys/fs/cgroup/sandbox on a unified host).
func leftoverCgroups() []string {
	var left []string
	for _, pattern := range []string{"/sys/fs/cgroup/*/" + cgroups.CgroupParent + "/*", "/sys/fs/cgroup/" + cgroups.CgroupParent + "/*"} {
		matches, _ := filepath.Glob(pattern)
		for _, m := range matches {
			if info, err := os.Stat(m); err == nil && info.IsDir() {
				left = append(left, m)
			}
		}
	}
	return left
}
