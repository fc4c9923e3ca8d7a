package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// RlimitInfinity is the value of "unlimited" in an Rlimit.
const RlimitInfinity = ^uint64(0)

// Rlimit is one entry of the rlimits block.
type Rlimit struct {
	// Name is the lowercase resource name without RLIMIT_, such as "nofile".
	Name string
	// Soft and Hard are the limits; RlimitInfinity is "unlimited".
	Soft, Hard uint64
}

// RlimitNames lists the resources an rlimits block may set.
var RlimitNames = []string{
	"as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue",
	"nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack",
}

// byteRlimits are the resources measured in bytes, which also take sizes.
var byteRlimits = map[string]bool{
	"as": true, "core": true, "data": true, "fsize": true, "memlock": true,
	"msgqueue": true, "rss": true, "stack": true,
}

// decodeRlimits decodes an rlimits block: each attribute names a resource.
func decodeRlimits(s *Sandbox, body hcl.Body, ctx *hcl.EvalContext, diags *hcl.Diagnostics) []Rlimit {
	attrs, d := body.JustAttributes()
	*diags = append(*diags, d...)
	var out []Rlimit
	for _, a := range sortedAttrs(attrs) {
		name := a.Name
		s.Ranges["rlimits."+name] = a.Expr.Range()
		if !contains(RlimitNames, name) {
			*diags = append(*diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unknown rlimit",
				Detail: fmt.Sprintf("%q is not an rlimit.%s Valid names: %s.",
					name, didYouMean(name, RlimitNames), strings.Join(RlimitNames, ", ")),
				Subject: a.NameRange.Ptr(),
			})
			continue
		}
		r, d := rlimitValue(a, ctx)
		*diags = append(*diags, d...)
		if !d.HasErrors() {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// rlimitValue decodes a number, "unlimited" or { soft, hard }.
func rlimitValue(a *hcl.Attribute, ctx *hcl.EvalContext) (Rlimit, hcl.Diagnostics) {
	r := Rlimit{Name: a.Name}
	v, diags := a.Expr.Value(ctx)
	if diags.HasErrors() || !v.IsWhollyKnown() {
		return r, diags
	}
	if v.IsNull() || !(v.Type().IsObjectType() || v.Type().IsMapType()) {
		n, err := rlimitNumber(a.Name, v)
		if err != nil {
			return r, invalid(a, "Invalid rlimit", "The value of rlimit %q %v.", a.Name, err)
		}
		r.Soft, r.Hard = n, n
		return r, nil
	}
	for it := v.ElementIterator(); it.Next(); {
		k, _ := it.Element()
		if key := k.AsString(); key != "soft" && key != "hard" {
			return r, invalid(a, "Invalid rlimit", "The rlimit %q takes only soft and hard, not %q.", a.Name, key)
		}
	}
	var errSoft, errHard error
	r.Soft, errSoft = rlimitNumber(a.Name, element(v, "soft"))
	r.Hard, errHard = rlimitNumber(a.Name, element(v, "hard"))
	switch {
	case errSoft != nil:
		return r, invalid(a, "Invalid rlimit", "The soft limit of rlimit %q %v.", a.Name, errSoft)
	case errHard != nil:
		return r, invalid(a, "Invalid rlimit", "The hard limit of rlimit %q %v.", a.Name, errHard)
	case r.Soft > r.Hard:
		return r, invalid(a, "Invalid rlimit", "The soft limit of rlimit %q is above its hard limit.", a.Name)
	}
	return r, nil
}

func element(v cty.Value, key string) cty.Value {
	if !v.Type().IsObjectType() {
		if v.HasIndex(cty.StringVal(key)).True() {
			return v.Index(cty.StringVal(key))
		}
		return cty.NullVal(cty.DynamicPseudoType)
	}
	if !v.Type().HasAttribute(key) {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	return v.GetAttr(key)
}

// rlimitNumber decodes one limit: a whole number, "unlimited", or for a
// byte-valued resource a size such as "8MiB". Its error completes the
// sentence "The value of rlimit x ...".
func rlimitNumber(name string, v cty.Value) (uint64, error) {
	const want = `must be a whole number, "unlimited" or { soft = ..., hard = ... }`
	switch {
	case v.IsNull():
		return 0, fmt.Errorf("is missing: give both soft and hard")
	case v.Type() == cty.Number:
		f := v.AsBigFloat()
		n, acc := f.Uint64()
		if f.Sign() < 0 || acc != 0 || n == RlimitInfinity {
			return 0, fmt.Errorf("%s", want)
		}
		return n, nil
	case v.Type() != cty.String:
		return 0, fmt.Errorf("%s", want)
	case v.AsString() == "unlimited":
		return RlimitInfinity, nil
	case byteRlimits[name]:
		n, err := ParseSize(v.AsString())
		if err != nil {
			return 0, fmt.Errorf("%s, or a size such as \"8MiB\": %v", want, err)
		}
		return n, nil
	}
	return 0, fmt.Errorf("%s", want)
}
