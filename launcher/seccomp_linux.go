//go:build linux

package launcher

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher/seccomp"
	"golang.org/x/sys/unix"
)

// seccompCache holds compiled default filters by architecture, capability
// set, kernel and config changes, so that a batch of sandboxes compiles the
// profile once.
var seccompCache sync.Map // string -> *seccompResult

// seccompResult is one compilation: a caller that asks while another
// compiles the same inputs waits for it.
type seccompResult struct {
	once   sync.Once
	filter *isolation.Seccomp
	err    error
}

// buildSeccomp compiles the rules of Docker's default profile for a
// sandbox (see SeccompRules) into the filter its child loads, once for
// every set of inputs.
func buildSeccomp(cfg config.SeccompConfig, caps []string, kernel KernelVersion, goarch string) (*isolation.Seccomp, error) {
	key := fmt.Sprint(goarch, caps, kernel, cfg.Allow, cfg.Deny)
	r, _ := seccompCache.LoadOrStore(key, &seccompResult{})
	res := r.(*seccompResult)
	res.once.Do(func() { res.filter, res.err = compileSeccomp(cfg, caps, kernel, goarch) })
	return res.filter, res.err
}

// WarmSeccomp compiles, on a goroutine of its own, the filter of a
// sandbox with the default profile and capabilities on this host, which
// a start would otherwise compile on its path (about a tenth of a
// millisecond in a fresh process). Called while the configuration loads.
func WarmSeccomp() { go warmSeccomp() }

func warmSeccomp() {
	buildSeccomp(config.SeccompConfig{}, capabilities(nil, nil), kernelVersion(), runtime.GOARCH)
}

func compileSeccomp(cfg config.SeccompConfig, caps []string, kernel KernelVersion, goarch string) (*isolation.Seccomp, error) {
	name := "default"
	if len(cfg.Allow)+len(cfg.Deny) > 0 {
		name = "default with changes"
	}
	rules, err := SeccompRules(cfg, caps, kernel, goarch)
	if err != nil {
		return nil, err
	}
	f, err := seccomp.Compile(rules, goarch)
	if err != nil {
		return nil, fmt.Errorf("compile the %s seccomp profile for %s: %w", name, goarch, err)
	}
	out := &isolation.Seccomp{Profile: name, Allowed: f.Allowed, Program: make(isolation.Program, len(f.Program))}
	for i, in := range f.Program {
		out.Program[i] = isolation.SockFilter{Code: in.Op, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	return out, nil
}

// syscallTable is this architecture's syscall table, or nil.
func syscallTable() *seccomp.Arch {
	table, err := seccomp.ArchOf(runtime.GOARCH)
	if err != nil {
		return nil
	}
	return table
}

// kernelRelease is the running kernel's release, "6.1.0-18-amd64"; ""
// when uname fails.
func kernelRelease() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return ""
	}
	return unix.ByteSliceToString(u.Release[:])
}

// kernelVersion reads the running kernel's major and minor version.
func kernelVersion() KernelVersion { return versionOf(kernelRelease()) }

// versionOf is the major and minor version of a kernel release.
func versionOf(release string) KernelVersion {
	var k KernelVersion
	fmt.Sscanf(release, "%d.%d", &k.Major, &k.Minor)
	return k
}

// CheckSeccomp compiles Docker's default profile for a sandbox with the
// default capabilities on h, and says why it does not compile, for doctor.
func CheckSeccomp(h *Host) error {
	_, err := buildSeccomp(config.SeccompConfig{Profile: config.SeccompDefault}, isolation.DefaultCapabilities, h.Kernel, h.GoArch())
	return err
}
