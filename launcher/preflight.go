package launcher

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher/network"
)

// Preflight checks what a sandbox needs from the host before anything is
// started: its host paths (CheckSources, as validate does), a rootfs the
// launcher can read, and what a named network needs (see
// network.Preflight). Problems come back as diagnostics that point at the
// configuration.
func Preflight(s *config.Sandbox) hcl.Diagnostics {
	diags := CheckSources(s)
	if !diags.HasErrors() {
		diags = append(diags, preflightRootfs(s)...)
	}
	diags = append(diags, network.Preflight(s)...)
	if !diags.HasErrors() {
		diags = append(diags, preflightUserNamespace(s)...)
	}
	return diags
}

// preflightUserNamespace checks that root of a sandbox's user namespace,
// an unprivileged id outside, can reach a directory rootfs: every
// directory on the way must be searchable by others. Without this check
// the first mount inside fails with a bare "permission denied".
func preflightUserNamespace(s *config.Sandbox) hcl.Diagnostics {
	if !s.HasNamespace("user") || s.Rootfs == "" {
		return nil
	}
	if info, err := os.Stat(s.Rootfs); err != nil || !info.IsDir() {
		return nil // a tarball is unpacked into the cache, which is checked there
	}
	for dir := s.Rootfs; ; dir = filepath.Dir(dir) {
		info, err := os.Stat(dir)
		if err == nil && info.IsDir() && info.Mode().Perm()&0o001 == 0 {
			return hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Root filesystem out of reach",
				Detail: fmt.Sprintf("Root of the sandbox's user namespace is an unprivileged user outside and cannot enter %s (mode %04o); make it searchable (chmod o+x) or leave \"user\" out of namespaces.",
					dir, info.Mode().Perm()),
				Subject: s.Range("rootfs").Ptr(),
			}}
		}
		if dir == filepath.Dir(dir) {
			return nil
		}
	}
}

// PlanDiagnostics reports, against the configuration of s, what keeps its
// plan p from starting on this host: id maps that are not the unprivileged
// caller's to map, a seccomp filter that did not compile (a sandbox never
// starts without the filter it asks for), a time namespace this kernel
// would not hold the command in, or traffic beyond the host (outbound,
// published ports) that the host's IPv4 forwarding, kept off by
// SANDBOX_IP_FORWARD=false, would drop.
func PlanDiagnostics(p *Plan, s *config.Sandbox) hcl.Diagnostics {
	diags := idMapDiagnostics(p, s)
	if p.Network != nil && p.Network.ForwardError != "" {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "IPv4 forwarding needed",
			Detail:   fmt.Sprintf("Sandbox %q: %s.", s.Name, p.Network.ForwardError),
			Subject:  s.Range("network").Ptr(),
		})
	}
	if p.TimeError != "" {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Time namespace not held here",
			Detail:   fmt.Sprintf("Sandbox %q asks for a time namespace, but %s. Leave \"time\" out of namespaces on this host.", s.Name, p.TimeError),
			Subject:  s.Range("namespaces").Ptr(),
		})
	}
	if p.SeccompError == "" {
		return diags
	}
	return append(diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Seccomp filter does not compile",
		Detail: fmt.Sprintf("Sandbox %q asks for a seccomp filter, which cannot be built here: %s. A sandbox never runs without the filter it asks for; set seccomp = \"unconfined\" to run this one without a filter.",
			s.Name, p.SeccompError),
		Subject: s.Range("seccomp").Ptr(),
	})
}

// CheckPlan is PlanDiagnostics of NewPlan(s, h) without building the
// parts of the plan it does not look at: validate and plan check
// thousands of sandboxes with it.
func CheckPlan(s *config.Sandbox, h *Host) hcl.Diagnostics {
	p := &Plan{Name: s.Name, Network: planNetwork(s)}
	applySecurity(p, s, h)
	planTime(p, s, h)
	planUserNamespace(p, s, h)
	planRootlessNetwork(p)
	planForwarding(p, h)
	return PlanDiagnostics(p, s)
}

// refusal is the result of a plan that PlanDiagnostics faults, which
// Start refuses before it makes anything (exit code 125); nil for others.
func refusal(p *Plan) *Result {
	if p.IDMapError != "" {
		return &Result{Name: p.Name, ExitCode: 125, SetupError: &isolation.StepError{
			Step: "map ids", Msg: p.IDMapError}}
	}
	if p.Network != nil && p.Network.ForwardError != "" {
		return &Result{Name: p.Name, ExitCode: 125, SetupError: &isolation.StepError{
			Step: "ip forwarding", Msg: p.Network.ForwardError + "; refusing to start a sandbox whose traffic would be dropped"}}
	}
	if p.TimeError != "" {
		return &Result{Name: p.Name, ExitCode: 125, SetupError: &isolation.StepError{
			Step: "time namespace", Msg: p.TimeError + "; refusing to start without it"}}
	}
	if p.SeccompError == "" {
		return nil
	}
	return &Result{Name: p.Name, ExitCode: 125, SetupError: &isolation.StepError{
		Step: "build seccomp filter", Msg: p.SeccompError + "; refusing to start without it"}}
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
