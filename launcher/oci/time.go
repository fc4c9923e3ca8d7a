package oci

import (
	"github.com/hclsandbox/sandbox/launcher"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// timeOffsets converts the time namespace's offsets to OCI's
// linux.timeOffsets (seconds, and nanoseconds in [0, 1e9)).
func (b *Bundle) timeOffsets(p *launcher.Plan) {
	o := p.Spec.TimeOffsets
	if o == nil {
		return
	}
	b.Spec.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{
		"monotonic": ociOffset(o.Monotonic),
		"boottime":  ociOffset(o.Boottime),
	}
	b.warnf("time namespace: needs a runtime that supports it and linux.timeOffsets, such as runc 1.2 or later; runc 1.1 refuses the bundle")
}

func ociOffset(ns int64) specs.LinuxTimeOffset {
	sec, nsec := ns/1e9, ns%1e9
	if nsec < 0 {
		sec, nsec = sec-1, nsec+1e9
	}
	return specs.LinuxTimeOffset{Secs: sec, Nanosecs: uint32(nsec)}
}
