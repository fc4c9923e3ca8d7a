package export

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hclsandbox/sandbox/isolation"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/cgroups"
)

// limitProperties are the plan's cgroup limits as systemd unit properties.
func limitProperties(p *launcher.Plan) []string {
	l := p.Limits
	var out []string
	if l.Memory > 0 {
		out = append(out, "MemoryMax="+strconv.FormatUint(l.Memory, 10))
		swap := "0"
		if l.MemorySwap != nil {
			swap = strconv.FormatUint(*l.MemorySwap, 10)
			if *l.MemorySwap == cgroups.SwapUnlimited {
				swap = "infinity"
			}
		}
		out = append(out, "MemorySwapMax="+swap)
	}
	if l.CPUs > 0 {
		out = append(out, "CPUQuota="+strconv.FormatFloat(l.CPUs*100, 'f', -1, 64)+"%")
	}
	if l.CPUWeight > 0 {
		out = append(out, "CPUWeight="+strconv.FormatUint(l.CPUWeight, 10))
	}
	if l.IOWeight > 0 {
		out = append(out, "IOWeight="+strconv.FormatUint(l.IOWeight, 10))
	}
	if l.Pids > 0 {
		out = append(out, "TasksMax="+strconv.FormatUint(l.Pids, 10))
	}
	return out
}

// commonWarnings are the parts of a plan that bwrap and systemd-run
// both leave to their caller: the host's own warnings, the time
// namespace, the health check, the network, and the user the plan was
// made for.
func commonWarnings(c *Command, p *launcher.Plan) {
	c.Warnings = append(c.Warnings, p.Warnings()...)
	timeWarning(c, p)
	healthWarning(c, p)
	networkWarnings(c, p)
	if p.Rootless {
		c.warnf("rootless: the plan was made for an unprivileged user; %s must be allowed to make its namespaces", c.Groups[0][0])
	}
}

// networkWarnings: a named network's bridge, addresses and ports are the
// launcher's own.
func networkWarnings(c *Command, p *launcher.Plan) {
	n := p.Network
	if n == nil {
		return
	}
	c.warnf("network %s: the launcher wires the sandbox to a bridge; exported with only a loopback interface", n.Network)
	if len(n.Ports) > 0 {
		c.warnf("ports: published ports need the network; left out")
	}
}

func fmtSeconds(s float64) string {
	return strconv.FormatFloat(s, 'f', -1, 64) + "s"
}

func hasNamespace(p *launcher.Plan, kind string) bool {
	return slices.Contains(p.Namespaces, kind)
}

func hasFlag(flags []string, f string) bool {
	return slices.Contains(flags, f)
}

func isNumber(s string) bool {
	_, err := strconv.ParseUint(s, 10, 32)
	return err == nil
}

func splitData(d string) []string {
	if d == "" {
		return nil
	}
	return strings.Split(d, ",")
}

// parseSize reads a tmpfs size: bytes with an optional k, m or g suffix.
func parseSize(s string) (uint64, bool) {
	mult := uint64(1)
	switch {
	case strings.HasSuffix(s, "k"):
		mult = 1 << 10
	case strings.HasSuffix(s, "m"):
		mult = 1 << 20
	case strings.HasSuffix(s, "g"):
		mult = 1 << 30
	}
	n, err := strconv.ParseUint(strings.TrimRight(s, "kmg"), 10, 64)
	if err != nil {
		return 0, false
	}
	return n * mult, true
}

// tmpfsOptions are a tmpfs mount's flags and data as one option string.
func tmpfsOptions(m isolation.Mount) string {
	opts := append(slices.Clone(m.Flags), splitData(m.Data)...)
	return strings.Join(opts, ",")
}

// timeWarning: none of the targets makes a time namespace.
func timeWarning(c *Command, p *launcher.Plan) {
	o := p.Spec.TimeOffsets
	if o == nil {
		return
	}
	c.warnf("time namespace (clock offsets monotonic %s, boottime %s): %s cannot make one; the command reads the host's clocks (unshare --time --monotonic=SECONDS --boottime=SECONDS can)",
		time.Duration(o.Monotonic), time.Duration(o.Boottime), c.Groups[0][0])
}
