package config

import (
	"fmt"
	"math"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Resources are what a sandbox may consume: cgroup limits, rlimits, its OOM
// score adjustment and a wall-clock timeout. The zero value limits nothing.
type Resources struct {
	// Limits is the limits block, or nil when there is none.
	Limits *Limits
	// Rlimits are the rlimits block's entries, sorted by name.
	Rlimits []Rlimit
	// OOMScoreAdj is the sandbox's /proc/self/oom_score_adj, -1000..1000.
	OOMScoreAdj int
	// Timeout ends the sandbox after this wall time; 0 means never.
	Timeout time.Duration
	// ShmSize and TmpSize are the sizes in bytes of the tmpfs on /dev/shm
	// and /tmp; 0 means the default (see the launcher).
	ShmSize, TmpSize uint64
}

// Limits is the limits block: what the sandbox's cgroup enforces. A zero
// field is not limited.
type Limits struct {
	// CPUs is the CPU bandwidth in cores, such as 0.5.
	CPUs float64
	// Memory is the memory limit in bytes.
	Memory uint64
	// MemorySwap is the swap allowed on top of Memory, in bytes; nil means
	// none when Memory is set, and SwapUnlimited means no limit.
	MemorySwap *uint64
	// Pids is the maximum number of tasks (processes and threads).
	Pids uint64
	// CPUWeight is the relative CPU share, 1..10000 (100 is the default).
	CPUWeight uint64
	// IOWeight is the relative block I/O share, 1..10000 (100 is the default).
	IOWeight uint64
	// Strict makes a limit that the host cannot enforce an error; when false
	// it is a warning and the limit is skipped. Default true.
	Strict bool
	// Optional names the limits of the block, such as "memory", that the
	// sandbox may run without where the host cannot enforce them (without
	// root on cgroup v1, say), while the others stay required.
	Optional []string
}

// SwapUnlimited is the MemorySwap of `memory_swap = "unlimited"`.
const SwapUnlimited = math.MaxUint64

// limitsSchema is the body of a limits block.
var limitsSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "cpus"}, {Name: "memory"}, {Name: "memory_swap"}, {Name: "pids"},
		{Name: "cpu_weight"}, {Name: "io_weight"}, {Name: "strict"}, {Name: "optional"},
	},
}

// decodeResources fills s.Resources from the sandbox body's oom_score_adj,
// timeout, limits and rlimits, recording each attribute's range.
func decodeResources(s *Sandbox, content *hcl.BodyContent, ctx *hcl.EvalContext) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if a, ok := content.Attributes["oom_score_adj"]; ok {
		n, d := wholeNumber(a, ctx, -1000, 1000)
		diags = append(diags, d...)
		s.OOMScoreAdj = int(n)
	}
	if a, ok := content.Attributes["timeout"]; ok {
		t, d := durationAttr(a, ctx)
		diags = append(diags, d...)
		s.Timeout = t
	}
	for _, t := range []struct {
		name string
		size *uint64
	}{{"shm_size", &s.ShmSize}, {"tmp_size", &s.TmpSize}} {
		if a, ok := content.Attributes[t.name]; ok {
			n, d := tmpfsSizeAttr(a, ctx)
			diags = append(diags, d...)
			*t.size = n
		}
	}
	for _, kind := range []string{"limits", "rlimits"} {
		blocks := content.Blocks.OfType(kind)
		if len(blocks) == 0 {
			continue
		}
		diags = append(diags, onlyOne(blocks)...)
		s.Ranges[kind] = blocks[0].DefRange
		if kind == "limits" {
			s.Limits = decodeLimits(s, blocks[0].Body, ctx, &diags)
		} else {
			s.Rlimits = decodeRlimits(s, blocks[0].Body, ctx, &diags)
		}
	}
	return diags
}

// tmpfsSizeAttr decodes the size of a tmpfs: at least a page, as tmpfs
// takes 0 to mean no limit at all.
func tmpfsSizeAttr(a *hcl.Attribute, ctx *hcl.EvalContext) (uint64, hcl.Diagnostics) {
	n, d := sizeAttr(a, ctx, 0)
	if !d.HasErrors() && n < 4096 {
		return 0, invalid(a, "Value out of range", "The value of %q must be at least 4KiB, one page.", a.Name)
	}
	return n, d
}

func onlyOne(blocks hcl.Blocks) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, b := range blocks[1:] {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Duplicate " + b.Type + " block",
			Detail: fmt.Sprintf("A sandbox takes one %s block; the first is at %s:%d.",
				b.Type, blocks[0].DefRange.Filename, blocks[0].DefRange.Start.Line),
			Subject: b.DefRange.Ptr(),
		})
	}
	return diags
}

// decodeLimits decodes a limits block.
func decodeLimits(s *Sandbox, body hcl.Body, ctx *hcl.EvalContext, diags *hcl.Diagnostics) *Limits {
	content, d := body.Content(limitsSchema)
	*diags = append(*diags, d...)
	l := &Limits{Strict: true}
	for _, a := range sortedAttrs(content.Attributes) {
		s.Ranges["limits."+a.Name] = a.Expr.Range()
		if a.Name == "optional" {
			continue // checked once every limit is known
		}
		*diags = append(*diags, decodeLimit(l, a, ctx)...)
	}
	if a, ok := content.Attributes["optional"]; ok {
		*diags = append(*diags, decodeOptional(l, a, content.Attributes, ctx)...)
	}
	if l.MemorySwap != nil && l.Memory == 0 {
		a := content.Attributes["memory_swap"]
		*diags = append(*diags, invalid(a, "Swap without memory",
			"memory_swap is the swap allowed on top of memory: set memory too.")...)
	}
	return l
}

// decodeLimit decodes one attribute of a limits block into l.
func decodeLimit(l *Limits, a *hcl.Attribute, ctx *hcl.EvalContext) hcl.Diagnostics {
	var d hcl.Diagnostics
	switch a.Name {
	case "cpus":
		l.CPUs, d = cpusAttr(a, ctx)
	case "memory":
		l.Memory, d = sizeAttr(a, ctx, 1<<20)
	case "memory_swap":
		l.MemorySwap, d = swapAttr(a, ctx)
	case "pids":
		l.Pids, d = unsignedAttr(a, ctx, 8, 1<<22)
	case "cpu_weight":
		l.CPUWeight, d = unsignedAttr(a, ctx, 1, 10000)
	case "io_weight":
		l.IOWeight, d = unsignedAttr(a, ctx, 1, 10000)
	case "strict":
		var v cty.Value
		v, d = attrValue(a, ctx, cty.Bool, "a bool")
		if !d.HasErrors() && !v.IsNull() {
			l.Strict = v.True()
		}
	}
	return d
}
