package launcher

import (
	"fmt"
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
)

// Preflight checks what a sandbox needs from the host before anything is
// started: its root filesystem exists and is a directory or a file (a
// tarball), and a named network has what it needs (see preflightNetwork).
// Problems come back as diagnostics that point at the configuration.
func Preflight(s *config.Sandbox) hcl.Diagnostics {
	return append(preflightRootfs(s), preflightNetwork(s)...)
}

func preflightRootfs(s *config.Sandbox) hcl.Diagnostics {
	if s.Rootfs == "" {
		return nil
	}
	info, err := os.Stat(s.Rootfs)
	detail := ""
	switch {
	case os.IsNotExist(err):
		detail = fmt.Sprintf("The root filesystem %s does not exist.", s.Rootfs)
	case err != nil:
		detail = fmt.Sprintf("The root filesystem %s cannot be read: %v.", s.Rootfs, err)
	case !info.IsDir() && !info.Mode().IsRegular():
		detail = fmt.Sprintf("The root filesystem %s is neither a directory nor a tarball.", s.Rootfs)
	default:
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Missing root filesystem",
		Detail:   detail,
		Subject:  s.Range("rootfs").Ptr(),
	}}
}
