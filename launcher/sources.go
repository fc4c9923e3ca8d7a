package launcher

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/launcher/rootfs"
)

// CheckSources reports, against the configuration, the host paths of s
// that cannot work: a rootfs that is missing, neither a directory nor a
// tarball, and a bind or overlay source that is missing (unless the mount
// is optional) or of the wrong kind. A path the caller may not read is
// left to the launcher, which may run with more rights. These are early,
// friendly checks: the launcher and the child still open every source
// with their own rules (no symlink below the configuration's directory,
// and so on). A symlink to a directory is that directory, as at start.
func CheckSources(s *config.Sandbox) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if s.Rootfs != "" && s.Image == nil {
		if d := checkRootfsSource(s.Rootfs); d != nil {
			d.Subject = s.Range("rootfs").Ptr()
			diags = append(diags, d)
		}
	}
	for _, m := range s.Mounts {
		if d := checkMountSource(m); d != nil {
			d.Subject = m.SourceRange.Ptr()
			diags = append(diags, d)
		}
	}
	return diags
}

// checkRootfsSource checks that p is a directory or a tarball.
func checkRootfsSource(p string) *hcl.Diagnostic {
	info, err := os.Stat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return sourceDiag("Missing root filesystem",
			"The root filesystem %s does not exist: create it, or correct the path (a relative one starts at the file's directory).", p)
	case err != nil:
		return nil // the launcher may reach it, and says so if not
	case info.IsDir():
		return nil
	case !info.Mode().IsRegular():
		return sourceDiag("Missing root filesystem",
			"The root filesystem %s is neither a directory nor a tarball.", p)
	}
	if ok, err := rootfs.IsTarball(p); err == nil && !ok {
		return sourceDiag("Not a tarball",
			"The root filesystem %s is a file but not a tar archive (plain, gzip, xz or zstd); rootfs takes a directory or a tarball.", p)
	}
	return nil
}

// checkMountSource checks that the source of a bind or overlay mount
// exists, and that an overlay's is a directory.
func checkMountSource(m config.Mount) *hcl.Diagnostic {
	if m.Source == "" {
		return nil
	}
	info, err := os.Stat(m.Source)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !m.Optional:
		return sourceDiag("Missing mount source",
			"The %s source %s does not exist. Create it, correct the path, or set optional = true to skip the mount when it is missing.", m.Type, m.Source)
	case err != nil:
		return nil
	case m.Type == "overlay" && !info.IsDir():
		return sourceDiag("Overlay source is not a directory",
			"The overlay source %s is not a directory; an overlay's lower layer is a directory. Use a bind mount for a file.", m.Source)
	}
	return nil
}

func sourceDiag(summary, format string, args ...any) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: fmt.Sprintf(format, args...)}
}
