package launcher

import (
	"errors"
	"sort"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
)

// maskedPaths are hidden in every sandbox: kernel interfaces that leak host
// information or let a payload poke the kernel (the set Docker masks).
var maskedPaths = []string{
	"/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys",
	"/proc/latency_stats", "/proc/sched_debug", "/proc/scsi", "/proc/timer_list",
	"/proc/timer_stats", "/sys/firmware", "/sys/devices/virtual/powercap",
}

// readonlyPaths are read-only in every sandbox (the set Docker protects).
var readonlyPaths = []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}

// applySecurity fills in the plan's hardening: the defaults, adjusted by
// the sandbox's capabilities, no_new_privileges, seccomp and user.
func applySecurity(p *Plan, s *config.Sandbox, h *Host) {
	spec := &p.Spec
	sec := s.Security
	spec.MaskedPaths = append([]string(nil), maskedPaths...)
	spec.ReadonlyPaths = append([]string(nil), readonlyPaths...)
	spec.Capabilities = capabilities(sec.CapAdd, sec.CapDrop)
	spec.NoNewPrivs = !sec.AllowNewPrivileges
	spec.User = sec.User
	if sec.Seccomp.Profile == config.SeccompUnconfined {
		return
	}
	filter, err := buildSeccomp(sec.Seccomp, spec.Capabilities, h.Kernel, h.GoArch())
	switch {
	case errors.Is(err, errSeccompOffLinux):
		// A plan made elsewhere, for show: no sandbox starts there.
		p.HostWarnings = append(p.HostWarnings, "no seccomp filter: "+err.Error())
	case err != nil:
		// Fail closed: the plan records why, and Start refuses it.
		p.SeccompError = err.Error()
	}
	spec.Seccomp = filter
}

// capabilities is the default set plus add, minus drop; "ALL" in add or
// drop stands for every capability. The result is sorted.
func capabilities(add, drop []string) []string {
	set := map[string]bool{}
	for _, c := range isolation.DefaultCapabilities {
		set[c] = true
	}
	for _, c := range add {
		if c == "ALL" {
			for _, n := range isolation.CapabilityNames() {
				set[n] = true
			}
		}
		set[c] = c != "ALL"
	}
	for _, c := range drop {
		if c == "ALL" {
			clear(set)
		}
		delete(set, c)
	}
	out := make([]string, 0, len(set))
	for c, on := range set {
		if on {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}
