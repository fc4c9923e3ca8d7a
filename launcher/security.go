package launcher

import "github.com/hclsandbox/sandbox/isolation"

// maskedPaths are hidden in every sandbox: kernel interfaces that leak host
// information or let a payload poke the kernel (the set Docker masks).
var maskedPaths = []string{
	"/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys",
	"/proc/latency_stats", "/proc/sched_debug", "/proc/scsi", "/proc/timer_list",
	"/proc/timer_stats", "/sys/firmware", "/sys/devices/virtual/powercap",
}

// readonlyPaths are read-only in every sandbox (the set Docker protects).
var readonlyPaths = []string{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}

// applySecurity fills in the default hardening of a plan.
func applySecurity(p *Plan, h *Host) {
	spec := &p.Spec
	spec.MaskedPaths = append([]string(nil), maskedPaths...)
	spec.ReadonlyPaths = append([]string(nil), readonlyPaths...)
	spec.Capabilities = append([]string(nil), isolation.DefaultCapabilities...)
	spec.NoNewPrivs = true
	filter, err := defaultSeccomp(spec.Capabilities, h.Kernel)
	if err != nil {
		p.HostWarnings = append(p.HostWarnings, "no seccomp filter: "+err.Error())
	}
	spec.Seccomp = filter
}
