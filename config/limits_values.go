package config

import (
	"math/big"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// wholeNumber decodes an integer attribute within [min, max].
func wholeNumber(a *hcl.Attribute, ctx *hcl.EvalContext, min, max int64) (int64, hcl.Diagnostics) {
	v, diags := attrValue(a, ctx, cty.Number, "a number")
	if diags.HasErrors() || v.IsNull() {
		return 0, diags
	}
	f := v.AsBigFloat()
	n, acc := f.Int64()
	if acc != big.Exact || n < min || n > max {
		return 0, invalid(a, "Value out of range", "The value of %q must be a whole number from %d to %d.", a.Name, min, max)
	}
	return n, nil
}

// unsignedAttr decodes a non-negative integer attribute within [min, max].
func unsignedAttr(a *hcl.Attribute, ctx *hcl.EvalContext, min, max int64) (uint64, hcl.Diagnostics) {
	n, diags := wholeNumber(a, ctx, min, max)
	return uint64(n), diags
}

// cpusAttr decodes a CPU count such as 0.5: at least 0.01, at most 1024.
func cpusAttr(a *hcl.Attribute, ctx *hcl.EvalContext) (float64, hcl.Diagnostics) {
	v, diags := attrValue(a, ctx, cty.Number, "a number of cores such as 0.5")
	if diags.HasErrors() || v.IsNull() {
		return 0, diags
	}
	f, _ := v.AsBigFloat().Float64()
	if f < 0.01 || f > 1024 {
		return 0, invalid(a, "Value out of range", "The value of %q must be a number of cores from 0.01 to 1024, such as 0.5.", a.Name)
	}
	return f, nil
}

// unitText evaluates a size or duration attribute to its text: a string as
// it is, a number in decimal.
func unitText(a *hcl.Attribute, ctx *hcl.EvalContext, what string) (string, bool, hcl.Diagnostics) {
	v, diags := a.Expr.Value(ctx)
	if diags.HasErrors() || v.IsNull() || !v.IsWhollyKnown() {
		return "", false, diags
	}
	switch v.Type() {
	case cty.String:
		return v.AsString(), true, nil
	case cty.Number:
		return v.AsBigFloat().Text('f', -1), true, nil
	}
	return "", false, invalid(a, "Incorrect attribute value type",
		"Inappropriate value for attribute %q: %s required, got %s.", a.Name, what, v.Type().FriendlyName())
}

// sizeAttr decodes a size of at least min bytes.
func sizeAttr(a *hcl.Attribute, ctx *hcl.EvalContext, min uint64) (uint64, hcl.Diagnostics) {
	text, ok, diags := unitText(a, ctx, `a size such as "64MiB"`)
	if !ok {
		return 0, diags
	}
	n, err := ParseSize(text)
	if err != nil {
		return 0, invalid(a, "Invalid size", "The value of %q: %v. %s", a.Name, err, limitSizeHelp)
	}
	if n < min {
		return 0, invalid(a, "Value out of range", "The value of %q must be at least %d bytes: the sandbox's setup runs inside the limit too.", a.Name, min)
	}
	return n, nil
}

// swapAttr decodes memory_swap: a size or "unlimited".
func swapAttr(a *hcl.Attribute, ctx *hcl.EvalContext) (*uint64, hcl.Diagnostics) {
	text, ok, diags := unitText(a, ctx, `a size such as "64MiB"`)
	if !ok {
		return nil, diags
	}
	n := uint64(SwapUnlimited)
	if text != "unlimited" {
		var err error
		if n, err = ParseSize(text); err != nil {
			return nil, invalid(a, "Invalid size", "The value of %q: %v. %s Or \"unlimited\".", a.Name, err, limitSizeHelp)
		}
	}
	return &n, nil
}

// durationAttr decodes a positive duration such as "30s"; a number is seconds.
func durationAttr(a *hcl.Attribute, ctx *hcl.EvalContext) (time.Duration, hcl.Diagnostics) {
	text, ok, diags := unitText(a, ctx, `a duration such as "30s"`)
	if !ok {
		return 0, diags
	}
	if v, _ := a.Expr.Value(ctx); v.Type() == cty.Number {
		text += "s"
	}
	d, err := ParseDuration(text)
	if err != nil {
		return 0, invalid(a, "Invalid duration", "The value of %q: %v. %s", a.Name, err, limitDurationHelp)
	}
	if d <= 0 {
		return 0, invalid(a, "Value out of range", "The value of %q must be longer than zero; leave it out for its default.", a.Name)
	}
	return d, nil
}

const (
	limitSizeHelp     = `Write a size as a number of bytes (4096) or with a binary suffix: "512k", "64MiB", "1G".`
	limitDurationHelp = `Write a duration as number-unit pairs, such as "30s", "1m30s" or "250ms"; units are ns, us, ms, s, m, h and d.`
)
