package launcher

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
)

// isHostRoot reports whether dir is the host's root directory however it
// is spelled: through a symlink, /proc/self/root, a bind mount of /. The
// configuration refuses the spellings it can see; this compares the
// directory itself with / (device and inode). It is false when dir cannot
// be reached.
func isHostRoot(dir string) bool {
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		return false
	}
	root, err := os.Stat("/")
	return err == nil && os.SameFile(info, root)
}

// hostRootDiag is the diagnostic for a rootfs that is the host's /.
func hostRootDiag(s *config.Sandbox) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Host root as rootfs",
		Detail: fmt.Sprintf("The rootfs %s is the host's root directory \"/\", which would give the sandbox the whole host. Leave rootfs out for a read-only view of the host's system.",
			s.Rootfs),
		Subject: s.Range("rootfs").Ptr(),
	}
}

// resolveRootfsDir checks at start that the directory rootfs of s is not
// the host's /, and returns it without symlinks, so that the child is
// handed the directory that was checked rather than a name that could be
// pointed elsewhere in between.
func resolveRootfsDir(s *config.Sandbox) (string, error) {
	dir, err := filepath.EvalSymlinks(s.Rootfs)
	if err != nil {
		return "", fmt.Errorf("rootfs: %w", err)
	}
	if isHostRoot(dir) {
		return "", fmt.Errorf("rootfs %s is the host's root directory \"/\"; leave rootfs out for a read-only view of the host's system", s.Rootfs)
	}
	return dir, nil
}
