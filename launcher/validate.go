package launcher

import (
	"fmt"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
)

// Validate checks what the language cannot know by itself: capability and
// syscall names, and a rootfs that is the host's / under another name (a
// symlink, /proc/self/root). It needs no privileges and starts nothing, so
// validate and plan run it too; its only syscalls are a stat of each
// rootfs and of /. A rootfs it cannot reach is checked again at start.
func Validate(sbs []*config.Sandbox) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, s := range sbs {
		if s.Rootfs != "" && isHostRoot(s.Rootfs) {
			diags = append(diags, hostRootDiag(s))
		}
		diags = append(diags, checkCapabilities(s, "add", s.Security.CapAdd)...)
		diags = append(diags, checkCapabilities(s, "drop", s.Security.CapDrop)...)
		diags = append(diags, checkSyscalls(s, s.Security.Seccomp.Allow)...)
		diags = append(diags, checkSyscalls(s, s.Security.Seccomp.Deny)...)
	}
	return diags
}

func checkCapabilities(s *config.Sandbox, attr string, names []string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, n := range names {
		if _, ok := isolation.CapabilityNumber(n); ok || n == "ALL" {
			continue
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unknown capability",
			Detail:   fmt.Sprintf("%s is not a Linux capability.%s", n, suggestion(n, isolation.CapabilityNames())),
			Subject:  s.Range("capabilities." + attr).Ptr(),
		})
	}
	return diags
}

func checkSyscalls(s *config.Sandbox, names []string) hcl.Diagnostics {
	if len(names) == 0 {
		return nil // the common case: no table to build
	}
	table := syscallTable()
	if table == nil {
		return nil // no syscall table for this system: the filter is not built either
	}
	var diags hcl.Diagnostics
	for _, n := range names {
		if _, ok := table.Number(n); ok {
			continue
		}
		all := slices.Collect(table.Names())
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unknown syscall",
			Detail:   fmt.Sprintf("%q is not a system call of this architecture.%s", n, suggestion(n, all)),
			Subject:  s.Range("seccomp").Ptr(),
		})
	}
	return diags
}

func suggestion(s string, candidates []string) string {
	if best := config.Suggest(s, candidates); best != "" {
		return fmt.Sprintf(" Did you mean %s?", best)
	}
	return ""
}
