package cgroups

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// CgroupParent is the directory under each hierarchy's root that holds every
// sandbox's cgroup; nothing outside it is ever created or removed.
const CgroupParent = "sandbox"

// SwapUnlimited as CgroupLimits.MemorySwap lifts the swap limit.
const SwapUnlimited = math.MaxUint64

// cpuPeriodUS is the CFS period used for a CPU limit, 100 ms.
const cpuPeriodUS = 100000

// CgroupLimits are a sandbox's cgroup limits; a zero field is not limited.
type CgroupLimits struct {
	CPUs       float64 `json:"cpus,omitempty"`
	Memory     uint64  `json:"memory,omitempty"`
	MemorySwap *uint64 `json:"memory_swap,omitempty"` // nil: no swap when Memory is set
	Pids       uint64  `json:"pids,omitempty"`
	CPUWeight  uint64  `json:"cpu_weight,omitempty"` // 1..10000
	IOWeight   uint64  `json:"io_weight,omitempty"`  // 1..10000
	// Optional names the limits ("memory", "pids") that may go unenforced
	// where the host cannot enforce them; "memory" covers memory_swap.
	Optional []string `json:"optional,omitempty"`
}

// CgroupWrite is one value written to one file of the sandbox's cgroup.
type CgroupWrite struct {
	// Controller owns the file; on v1 it names the hierarchy.
	Controller string `json:"controller"`
	File       string `json:"file"`
	Value      string `json:"value"`
	// Optional writes are skipped when the host lacks the file.
	Optional bool `json:"optional,omitempty"`
	// Limit names the configuration attribute the write comes from.
	Limit string `json:"limit"`
}

// CgroupConfig is where a sandbox's cgroup is made and what is written to it.
type CgroupConfig struct {
	// Version is 1 (a hierarchy per controller) or 2 (unified).
	Version int `json:"version"`
	// Root is the v2 mount point, or the directory holding the v1 hierarchies.
	Root string `json:"root"`
	// Controllers are, on v2, enabled on the way down to the leaf; on v1, the
	// hierarchies in which the leaf is made.
	Controllers []string `json:"controllers"`
	// Writes are performed in order once the leaf exists.
	Writes []CgroupWrite `json:"writes"`
	// Devices are the only devices the cgroup's processes may open or
	// create; every other is denied. The v1 driver writes them into the
	// devices hierarchy after Writes; the v2 driver attaches them as a
	// BPF_PROG_TYPE_CGROUP_DEVICE program. Empty when the host lacks the
	// v1 devices controller (then Missing says so).
	Devices []DeviceRule `json:"devices,omitempty"`
	// Strict makes a limit the host cannot enforce an error, not a warning.
	Strict bool `json:"strict"`
	// Parent is the directory under CgroupParent that holds the leaf, the
	// cgroup of a batch; "" puts the leaf straight under CgroupParent.
	Parent string `json:"parent,omitempty"`
	// Missing are the host's missing controllers that the limits need, as
	// "memory (limits.memory)".
	Missing []string `json:"missing,omitempty"`
	// Skipped are missing controllers like Missing, but needed only by
	// limits that the limits block lists as optional.
	Skipped []string `json:"skipped,omitempty"`
	// Delegated is set when Root is a cgroup v2 subtree delegated to the
	// unprivileged user running the launcher (see CgroupHost.Delegated).
	Delegated bool `json:"delegated,omitempty"`
	// Unusable says why the host's cgroups cannot be used, when they
	// cannot (see CgroupHost.Unusable).
	Unusable string `json:"unusable,omitempty"`
	// UserBus is CgroupHost.UserBus: Root is made at start.
	UserBus string `json:"user_bus,omitempty"`
	// Faults are the host's, set only by tests (see Faults).
	Faults *Faults `json:"-"`
}

// CgroupHost is what ProbeCgroups found on the host.
type CgroupHost struct {
	// Version is 1, 2, or 0 when the host has no usable cgroups.
	Version int `json:"version"`
	// Root is the v2 mount point, or the directory holding the v1 hierarchies.
	Root string `json:"root"`
	// Controllers are the usable controllers: v2's cgroup.controllers of the
	// root; on v1 the mounted hierarchies the launcher uses.
	Controllers []string `json:"controllers"`
	// Faults, set only by tests, break the v2 driver on purpose; every
	// cgroup configured for this host carries them.
	Faults *Faults `json:"-"`
	// Delegated is set for a launcher without root whose Root is a v2
	// subtree it owns: it empties Root of processes before it enables
	// controllers there, and sets no device allowlist, which only root
	// can attach (the user namespace keeps devices shut).
	Delegated bool `json:"delegated,omitempty"`
	// Unusable says, when Version is 0, why: "cgroup v1 cannot be
	// delegated to a user without root".
	Unusable string `json:"unusable,omitempty"`
	// UserBus, with Delegated and an empty Root, is the D-Bus address of
	// the user's systemd manager, which is asked for a delegated scope
	// when the first sandbox starts; Root is that scope then.
	UserBus string `json:"user_bus,omitempty"`
}

// Faults break the v2 driver on purpose, to prove that the tests on a
// real cgroup v2 kernel notice (`make test-vm BREAK=1`). Only tests set
// them; nil is the driver as it is.
type Faults struct {
	// LeaveOff is a controller that the driver does not enable.
	LeaveOff string
	// NoDevices attaches no device allowlist.
	NoDevices bool
}

// v1Hierarchies are the v1 controllers in which a sandbox's leaf is made.
var v1Hierarchies = []string{"cpu", "cpuacct", "memory", "pids", "blkio", "freezer", "devices"}

// v2Controllers are the v2 controllers enabled for sandboxes.
var v2Controllers = []string{"cpu", "io", "memory", "pids"}

// NewCgroupConfig computes the cgroup of a sandbox on a host: the
// controllers to use, every write, in order, and the device allowlist,
// DefaultDevices. A write whose controller the host lacks is dropped and
// named in Missing, and so is the allowlist on a v1 host without the
// devices controller.
func NewCgroupConfig(h CgroupHost, l CgroupLimits, strict bool) *CgroupConfig {
	c := &CgroupConfig{Version: h.Version, Root: h.Root, Strict: strict, Faults: h.Faults,
		Delegated: h.Delegated, Unusable: h.Unusable, UserBus: h.UserBus}
	want := v1Hierarchies
	writes := cgroupV1Writes(l)
	if h.Version == 2 {
		want, writes = v2Controllers, cgroupV2Writes(l)
	}
	for _, ctrl := range want {
		if slices.Contains(h.Controllers, ctrl) {
			c.Controllers = append(c.Controllers, ctrl)
		}
	}
	for _, w := range writes {
		switch {
		case slices.Contains(c.Controllers, w.Controller):
			c.Writes = append(c.Writes, w)
		case w.Optional:
		case optional(l, w.Limit):
			c.Skipped = append(c.Skipped, fmt.Sprintf("%s (%s)", w.Controller, w.Limit))
		default:
			c.Missing = append(c.Missing, fmt.Sprintf("%s (%s)", w.Controller, w.Limit))
		}
	}
	c.Missing, c.Skipped = slices.Compact(c.Missing), slices.Compact(c.Skipped)
	switch {
	case h.Delegated || h.Version == 0:
	case h.Version == 2 || slices.Contains(c.Controllers, "devices"):
		// Shared by every plan (500 copies were 250 KB): no rule is
		// changed in place, and the clipped slice copies on append.
		c.Devices = slices.Clip(DefaultDevices)
	case h.Version == 1:
		c.Missing = append(c.Missing, "devices ("+deviceAllowlist+")")
	}
	return c
}

// optional reports whether the limit "limits.x" is one of l.Optional;
// memory_swap follows memory unless listed itself.
func optional(l CgroupLimits, limit string) bool {
	name := strings.TrimPrefix(limit, "limits.")
	return slices.Contains(l.Optional, name) || name == "memory_swap" && slices.Contains(l.Optional, "memory")
}

func cgroupV2Writes(l CgroupLimits) []CgroupWrite {
	var out []CgroupWrite
	add := func(ctrl, file, value, limit string) {
		out = append(out, CgroupWrite{Controller: ctrl, File: file, Value: value, Limit: "limits." + limit})
	}
	if l.CPUs > 0 {
		add("cpu", "cpu.max", fmt.Sprintf("%d %d", cpuQuota(l.CPUs), cpuPeriodUS), "cpus")
	}
	if l.CPUWeight > 0 {
		add("cpu", "cpu.weight", fmt.Sprint(l.CPUWeight), "cpu_weight")
	}
	if l.Memory > 0 {
		add("memory", "memory.max", fmt.Sprint(l.Memory), "memory")
		swap := "0"
		if l.MemorySwap != nil {
			swap = maxOr(*l.MemorySwap, "max")
		}
		add("memory", "memory.swap.max", swap, "memory_swap")
		out[len(out)-1].Optional = l.MemorySwap == nil
	}
	if l.Pids > 0 {
		add("pids", "pids.max", fmt.Sprint(l.Pids), "pids")
	}
	if l.IOWeight > 0 {
		add("io", "io.weight", fmt.Sprintf("default %d", l.IOWeight), "io_weight")
	}
	return out
}

func cgroupV1Writes(l CgroupLimits) []CgroupWrite {
	var out []CgroupWrite
	add := func(ctrl, file, value, limit string) {
		out = append(out, CgroupWrite{Controller: ctrl, File: file, Value: value, Limit: "limits." + limit})
	}
	if l.CPUs > 0 {
		add("cpu", "cpu.cfs_period_us", fmt.Sprint(cpuPeriodUS), "cpus")
		add("cpu", "cpu.cfs_quota_us", fmt.Sprint(cpuQuota(l.CPUs)), "cpus")
	}
	if l.CPUWeight > 0 {
		add("cpu", "cpu.shares", fmt.Sprint(cpuShares(l.CPUWeight)), "cpu_weight")
	}
	if l.Memory > 0 {
		add("memory", "memory.limit_in_bytes", fmt.Sprint(l.Memory), "memory")
		memsw := fmt.Sprint(l.Memory) // memory.memsw counts memory and swap together
		if l.MemorySwap != nil {
			memsw = maxOr(satAdd(l.Memory, *l.MemorySwap), "-1")
		}
		add("memory", "memory.memsw.limit_in_bytes", memsw, "memory_swap")
		out[len(out)-1].Optional = l.MemorySwap == nil
	}
	if l.Pids > 0 {
		add("pids", "pids.max", fmt.Sprint(l.Pids), "pids")
	}
	if l.IOWeight > 0 {
		add("blkio", "blkio.weight", fmt.Sprint(blkioWeight(l.IOWeight)), "io_weight")
	}
	return out
}

// cpuQuota is the CFS quota in microseconds per period for a CPU count.
func cpuQuota(cpus float64) uint64 {
	return uint64(math.Round(cpus * cpuPeriodUS))
}

// cpuShares maps a v2 CPU weight (1..10000, default 100) to v1 cpu.shares
// (2..262144, default 1024), as systemd does.
func cpuShares(weight uint64) uint64 {
	return min(max(weight*1024/100, 2), 262144)
}

// blkioWeight maps a v2 IO weight (1..10000, default 100) to v1 blkio.weight
// (10..1000, default 500), linearly on each side of the defaults, as
// systemd does.
func blkioWeight(weight uint64) uint64 {
	if weight <= 100 {
		return 10 + (weight-1)*490/99
	}
	return 500 + (weight-100)*500/9900
}

// maxOr writes n in decimal, or unlimited for SwapUnlimited.
func maxOr(n uint64, unlimited string) string {
	if n == SwapUnlimited {
		return unlimited
	}
	return fmt.Sprint(n)
}

func satAdd(a, b uint64) uint64 {
	if a+b < a {
		return SwapUnlimited
	}
	return a + b
}
