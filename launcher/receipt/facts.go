package receipt

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
)

// Inputs are what every sandbox of one configuration shares: its files
// and its variables.
type Inputs struct {
	Files     []File
	Variables []Variable
}

// InputsOf digests the configuration's files and lists its variables,
// sensitive values redacted.
func InputsOf(cfg *config.Config) (Inputs, error) {
	files, err := FilesOf(cfg)
	if err != nil {
		return Inputs{}, err
	}
	in := Inputs{Files: files, Variables: []Variable{}}
	for _, v := range cfg.Variables {
		val := v.Value
		if v.Sensitive {
			val = Redacted
		}
		in.Variables = append(in.Variables, Variable{Name: v.Name, Value: val, Sensitive: v.Sensitive})
	}
	return in, nil
}

// New is the receipt of a plan before it runs: everything but the
// read-back limits, the usage, the exit and the times. planned is the
// plan as `sandbox plan` computes it, so that verify can compute it again.
func New(command string, in Inputs, name string, planned *launcher.Plan, root Root, host *launcher.Host) *Receipt {
	return &Receipt{Sandbox: name, Command: command, Config: in.Files, Variables: in.Variables,
		PlanDigest: planDigest(planned), Root: root, Host: HostOf(host), Limits: LimitsOf(planned)}
}

// planDigest is the plan's digest with its file named by absolute path,
// so that the same file loaded as "web.hcl" or "/src/web.hcl" plans the
// same.
func planDigest(p *launcher.Plan) string {
	abs := *p
	if f, err := filepath.Abs(p.File); err == nil {
		abs.File = f
	}
	return launcher.PlanDigest(&abs)
}

// FilesOf digests every loaded configuration file, in name order.
func FilesOf(cfg *config.Config) ([]File, error) {
	var out []File
	for name := range cfg.Files {
		abs, err := filepath.Abs(name)
		if err != nil {
			return nil, fmt.Errorf("digest configuration %s: %w", name, err)
		}
		b, err := os.ReadFile(abs)
		if err != nil {
			return nil, fmt.Errorf("digest configuration: %w", err)
		}
		sum := sha256.Sum256(b)
		out = append(out, File{Path: abs, SHA256: hex.EncodeToString(sum[:])})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// RootOf describes the root filesystem. A directory's tree digest uses
// the index that starts keep (a stat walk when nothing changed); a
// tarball's is its file digest.
func RootOf(s *config.Sandbox, p *launcher.Plan, digest string) (Root, error) {
	switch {
	case p.Image != nil:
		return Root{Kind: "image", Source: p.Image.Source, Digest: p.Image.Digest, ID: p.Image.ID}, nil
	case s.Rootfs == "":
		return Root{Kind: "host"}, nil
	}
	r := Root{Kind: "rootfs", Source: s.Rootfs, Digest: digest}
	if r.Digest != "" {
		return r, nil
	}
	info, err := os.Stat(s.Rootfs)
	if err != nil {
		return r, fmt.Errorf("digest rootfs: %w", err)
	}
	if !info.IsDir() {
		r.Digest, err = rootfs.FileDigest(s.Rootfs)
		return r, err
	}
	ix, err := rootfs.IndexAt(s.Rootfs, rootfs.IndexPath(rootfs.Home(), s.Rootfs))
	if err != nil {
		return r, err
	}
	r.Digest = ix.Digest
	return r, nil
}

// HostOf records the host facts a plan depends on.
func HostOf(h *launcher.Host) Host {
	out := Host{Kernel: kernelRelease(h), Arch: h.Arch, CgroupDriver: "none"}
	if out.Arch == "" {
		out.Arch = runtime.GOARCH
	}
	if v := h.Cgroups.Version; v != 0 {
		out.CgroupDriver = fmt.Sprintf("v%d", v)
	}
	return out
}

// kernelRelease is the running kernel's release as the host probe read
// it, "6.1.0-18-amd64", or its version where the release is unknown.
func kernelRelease(h *launcher.Host) string {
	if h.KernelRelease != "" {
		return h.KernelRelease
	}
	return fmt.Sprintf("%d.%d", h.Kernel.Major, h.Kernel.Minor)
}

// LimitsOf lists the plan's cgroup writes, as requested.
func LimitsOf(p *launcher.Plan) []Limit {
	if p.Cgroup == nil {
		return nil
	}
	var out []Limit
	for _, w := range p.Cgroup.Writes {
		out = append(out, Limit{Limit: w.Limit, File: w.File, Requested: w.Value})
	}
	return out
}

// ReadBack fills each limit's ReadBack from the cgroup's files, which
// must still exist: after setup, before the cgroup is removed. A file
// that cannot be read keeps "".
func ReadBack(limits []Limit, p *launcher.Plan, ref cgroups.CgroupRef) {
	if p.Cgroup == nil {
		return
	}
	for i, w := range p.Cgroup.Writes {
		if i >= len(limits) {
			return
		}
		dir := cgroupDir(ref, w.Controller)
		if dir == "" {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(dir, w.File)); err == nil {
			limits[i].ReadBack = strings.TrimSpace(string(b))
		}
	}
}

// cgroupDir is the leaf's directory that holds a controller's files.
func cgroupDir(ref cgroups.CgroupRef, controller string) string {
	if ref.Version == 2 {
		return filepath.Join(ref.Root, ref.Leaf)
	}
	for _, c := range ref.Controllers {
		for _, part := range strings.Split(c, ",") {
			if part == controller {
				return filepath.Join(ref.Root, c, ref.Leaf)
			}
		}
	}
	return ""
}
